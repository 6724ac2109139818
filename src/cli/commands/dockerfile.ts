import { readFileSync, statSync, writeFileSync } from 'node:fs';
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
import type { Report, Target } from '../../core/report.js';

interface DockerfileOptions extends ReportOptions {
  fix?: boolean;
  dryRun?: boolean;
}

/** Read a Dockerfile argument; unreadable input is an InputError (exit 2). `-` reads stdin. */
export function readDockerfileInput(path: string, maxSize: number): Buffer {
  if (path === '-') {
    try {
      return readFileSync(0);
    } catch (e) {
      throw new InputError(`cannot read stdin: ${(e as Error).message}`);
    }
  }
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new InputError(`no such file: ${path}`);
  }
  if (st.isDirectory()) throw new InputError(`${path} is a directory (use 'bulwark scan ${path}')`);
  if (!st.isFile()) throw new InputError(`${path} is not a regular file`);
  if (st.size > maxSize) return Buffer.alloc(maxSize + 1, 0x20); // analysed as "too large" without reading it all
  try {
    return readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new InputError(`cannot read ${path}: ${err.code === 'EACCES' ? 'permission denied' : err.message}`);
  }
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
    const inputs = files.map((f) => ({ file: f, buf: readDockerfileInput(f, settings.maxFileSize) }));
    if (opts.fix) {
      let changed = 0;
      for (const { file, buf } of inputs) {
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
    for (const { file, buf } of inputs) {
      const name = file === '-' ? '<stdin>' : file;
      targets.push({ type: 'dockerfile', name });
      findings.push(...analyzeDockerfile(buf, name, settings).findings);
    }
    const report: Report = { tool: { ...TOOL }, targets, findings };
    ctx.setExitCode(emitReport(report, opts, [], cfg));
  });
}
