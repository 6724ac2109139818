/**
 * The build-stage use cases: lint Dockerfiles, fix them, scan a project directory.
 *
 *   auditDockerfiles(inputs, settings)   Dockerfile texts -> Report
 *   fixDockerfiles(inputs, settings)     the safe mechanical fixes -> the changed texts
 *   auditProject(dir, config)            every Dockerfile/compose file under a directory -> Report
 */
import type { BulwarkConfig } from '../core/config.js';
import type { Finding } from '../core/finding.js';
import type { Report, Target } from '../core/report.js';
import { TOOL } from '../core/version.js';
import { analyzeDockerfile, applyFixes } from '../analyzers/build/analyze.js';
import { buildSettings } from '../analyzers/build/settings.js';
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
  content: Buffer;
}

/** Lint Dockerfiles: one target and its findings per input. */
export function auditDockerfiles(inputs: DockerfileInput[], settings: BuildSettings): Report {
  const targets: Target[] = [];
  const findings: Finding[] = [];
  for (const { name, content } of inputs) {
    targets.push({ type: 'dockerfile', name });
    findings.push(...analyzeDockerfile(content, name, settings).findings);
  }
  return { tool: { ...TOOL }, targets, findings };
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
  const scan = await scanProject(root, cfg);
  return {
    tool: { ...TOOL },
    targets: [{ type: 'directory', name: label }, ...scan.targets],
    findings: scan.findings,
    warnings: scan.warnings,
    summary: { filesAnalysed: scan.targets.length },
  };
}
