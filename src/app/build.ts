/**
 * The build-stage use cases: lint Dockerfiles, fix them, scan a project directory.
 *
 *   auditDockerfiles(inputs, settings)   Dockerfile texts -> Report
 *   fixDockerfiles(inputs, settings)     the safe mechanical fixes -> the changed texts
 *   auditProject(dir, config)            every Dockerfile/compose file under a directory -> Report
 */
import type { BulwarkConfig } from '../core/config.js';
import type { Finding } from '../core/finding.js';
import type { Report, ReportError, Target } from '../core/report.js';
import { makeFinding } from '../core/rule.js';
import { parseErrorRule } from '../analyzers/build/rules/index.js';
import { TOOL } from '../core/version.js';
import { analyzeDockerfile, applyFixes } from '../analyzers/build/analyze.js';
import { buildSettings } from '../analyzers/build/settings.js';
import { registryPolicy } from '../registry/allowed.js';
import type { BuildSettings } from '../analyzers/build/context.js';
import { scanProject } from '../analyzers/project.js';

export type { BuildSettings } from '../analyzers/build/context.js';

/** The build settings of a config (a bad `build:` section is a usage error). */
export function dockerfileSettings(cfg: BulwarkConfig): BuildSettings {
  return buildSettings(cfg);
}

export interface DockerfileInput {
  /** the name findings and targets carry (a path, or `<stdin>`) */
  name: string;
  /** the bytes; undefined for an input over the size limit, which is not read */
  content?: Buffer;
  /** with no content: how large the input is ("54.5 MB (54525952 bytes)", "more than 1048576 bytes") */
  tooLarge?: string;
}

/**
 * Lint Dockerfiles: one target and its findings per input. An input that was not linted at all (binary, over
 * the size limit) is also a report error of kind `input`: the command exits 2 whatever the severity filter.
 */
export function auditDockerfiles(inputs: DockerfileInput[], settings: BuildSettings): Report {
  const targets: Target[] = [];
  const findings: Finding[] = [];
  const errors: ReportError[] = [];
  for (const { name, content, tooLarge } of inputs) {
    targets.push({ type: 'dockerfile', name });
    if (!content) {
      const message = `file is ${tooLarge ?? 'too large'}, over the ${settings.maxFileSize}-byte limit for a Dockerfile; not analysed`;
      findings.push(makeFinding(parseErrorRule.meta, { message, key: 'too-large', location: { kind: 'file', file: name, line: 1, column: 1 } }));
      errors.push({ kind: 'input', target: name, message });
      continue;
    }
    const a = analyzeDockerfile(content, name, settings);
    findings.push(...a.findings);
    if (!a.model) {
      // binary content, or over the limit once decoded: nothing was linted
      const why = a.findings.find((f) => f.ruleId === parseErrorRule.meta.id)?.message ?? 'not a Dockerfile; not analysed';
      errors.push({ kind: 'input', target: name, message: why });
    }
  }
  return { tool: { ...TOOL }, targets, findings, ...(errors.length ? { errors } : {}) };
}

/** Apply fixes until nothing changes (a few passes: overlapping edits land on the next one). */
export function fixText(text: string, file: string, settings: BuildSettings): string {
  let cur = text;
  for (let pass = 0; pass < 5; pass++) {
    const a = analyzeDockerfile(cur, file, settings);
    const next = applyFixes(cur, a);
    if (next === cur) break;
    cur = next;
  }
  return cur;
}

export interface DockerfileFix {
  name: string;
  before: string;
  after: string;
}

/** The fixed text of every input that has something to fix (binary or too-large inputs are left alone). */
export function fixDockerfiles(inputs: DockerfileInput[], settings: BuildSettings): DockerfileFix[] {
  const out: DockerfileFix[] = [];
  for (const { name, content } of inputs) {
    if (!content) continue; // too large: not read
    const a = analyzeDockerfile(content, name, settings);
    if (!a.model) continue; // binary / too large: nothing to fix
    const before = content.toString('utf8');
    const after = fixText(before, name, settings);
    if (after !== before) out.push({ name, before, after });
  }
  return out;
}

/** `bulwark scan DIR`: every file a project analyzer knows under `root` (absolute), `.gitignore` respected. */
export async function auditProject(root: string, label: string, cfg: BulwarkConfig): Promise<Report> {
  buildSettings(cfg); // a bad `build:` section is a usage error, not a per-file warning
  registryPolicy(cfg); // so is a bad allowedRegistries entry
  const scan = await scanProject(root, cfg);
  return {
    tool: { ...TOOL },
    targets: [{ type: 'directory', name: label }, ...scan.targets],
    findings: scan.findings,
    baseDir: root, // finding paths are relative to the scanned directory
    warnings: scan.warnings,
    summary: { filesAnalysed: scan.targets.length },
  };
}
