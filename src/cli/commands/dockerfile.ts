import { writeFileSync } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { addReportOptions, emitReport, resolveConfig, type ReportOptions } from '../output.js';
import { analyzeDockerfile, applyFixes } from '../../analyzers/build/analyze.js';
import { buildSettings } from '../../analyzers/build/settings.js';
import type { BuildSettings } from '../../analyzers/build/context.js';
import { InputError } from '../../core/errors.js';
import { TOOL } from '../../core/version.js';
import type { Finding } from '../../core/finding.js';
import type { Report, ReportError, Target } from '../../core/report.js';
import { makeFinding } from '../../core/rule.js';
import { parseErrorRule } from '../../analyzers/build/rules/index.js';
import { describeSize, readBounded } from '../input.js';

interface DockerfileOptions extends ReportOptions {
  fix?: boolean;
  dryRun?: boolean;
}

/** A Dockerfile argument, read with the size limit applied while reading; unreadable input is an InputError (exit 2). */
export interface DockerfileInput {
  file: string;
  /** the name in the report ('<stdin>' for -) */
  name: string;
  /** the bytes, or undefined when the file is over the size limit (then `tooLarge` says how large) */
  buf?: Buffer;
  tooLarge?: string;
}

export async function readDockerfileInput(file: string, maxSize: number): Promise<DockerfileInput> {
  const name = file === '-' ? '<stdin>' : file;
  let r;
  try {
    r = await readBounded(file, maxSize, 'Dockerfile');
  } catch (e) {
    if (e instanceof InputError && /is a directory$/.test(e.message)) throw new InputError(`${file} is a directory (use 'bulwark scan ${file}')`);
    throw e;
  }
  return r.ok ? { file, name, buf: r.buf } : { file, name, tooLarge: describeSize(r, maxSize) };
}

/** Analyse one input: a file over the limit is one BW-BUILD-000 finding with its real size, and an input error. */
function analyseInput(input: DockerfileInput, settings: BuildSettings): { findings: Finding[]; error?: ReportError } {
  if (input.buf === undefined) {
    const message = `file is ${input.tooLarge}, over the ${settings.maxFileSize}-byte limit for a Dockerfile; not analysed`;
    const f = makeFinding(parseErrorRule.meta, { message, key: 'too-large', location: { kind: 'file', file: input.name, line: 1, column: 1 } });
    return { findings: [f], error: { kind: 'input', target: input.name, message } };
  }
  const a = analyzeDockerfile(input.buf, input.name, settings);
  if (a.model) return { findings: a.findings };
  // binary content or over the limit once decoded: nothing was linted
  const why = a.findings.find((f) => f.ruleId === parseErrorRule.meta.id)?.message ?? 'not a Dockerfile; not analysed';
  return { findings: a.findings, error: { kind: 'input', target: input.name, message: why } };
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

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('dockerfile')
    .description('lint Dockerfiles (hadolint DL + Trivy DS rules and more); --fix applies the safe mechanical fixes')
    .argument('[files...]', "Dockerfiles to lint ('-' reads stdin)", ['Dockerfile'])
    .option('--fix', 'apply safe fixes to the files and print a unified diff')
    .option('--dry-run', 'with --fix: print the diff only, change nothing');
  addReportOptions(cmd).action(async (files: string[], opts: DockerfileOptions) => {
    const cfg = resolveConfig(opts, []);
    const settings = buildSettings(cfg);
    if (opts.dryRun && !opts.fix) throw new InputError('--dry-run only makes sense with --fix');
    const inputs: DockerfileInput[] = [];
    for (const f of files) inputs.push(await readDockerfileInput(f, settings.maxFileSize));
    if (opts.fix) {
      let changed = 0;
      for (const { file, buf } of inputs) {
        if (!buf) continue; // too large: nothing to fix
        const a = analyzeDockerfile(buf, file === '-' ? '<stdin>' : file, settings);
        if (!a.model) continue; // binary / too large: nothing to fix
        const text = buf.toString('utf8');
        const fixed = fixText(text, file, settings);
        if (fixed === text) continue;
        changed++;
        process.stdout.write(createTwoFilesPatch(`a/${file}`, `b/${file}`, text, fixed));
        if (!opts.dryRun && file !== '-') writeFileSync(file, fixed);
      }
      process.stderr.write(changed ? `${opts.dryRun ? 'would fix' : 'fixed'} ${changed} file(s)\n` : 'nothing to fix\n');
      ctx.setExitCode(0);
      return;
    }
    const targets: Target[] = [];
    const findings: Finding[] = [];
    const errors: ReportError[] = [];
    for (const input of inputs) {
      targets.push({ type: 'dockerfile', name: input.name });
      const a = analyseInput(input, settings);
      findings.push(...a.findings);
      if (a.error) errors.push(a.error);
    }
    const report: Report = { tool: { ...TOOL }, targets, findings, ...(errors.length ? { errors } : {}) };
    ctx.setExitCode(emitReport(report, opts, [], cfg));
  });
}
