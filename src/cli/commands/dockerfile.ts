import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { addReportOptions, emitReport, resolveConfig, type ReportOptions } from '../output.js';
import { InputError } from '../../core/errors.js';
import { auditDockerfiles, dockerfileSettings, fixDockerfiles } from '../../app/build.js';

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

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('dockerfile')
    .description('lint Dockerfiles (hadolint DL + Trivy DS rules and more); --fix applies the safe mechanical fixes')
    .argument('[files...]', "Dockerfiles to lint ('-' reads stdin)", ['Dockerfile'])
    .option('--fix', 'apply safe fixes to the files and print a unified diff')
    .option('--dry-run', 'with --fix: print the diff only, change nothing');
  addReportOptions(cmd).action(async (files: string[], opts: DockerfileOptions) => {
    const cfg = resolveConfig(opts, []);
    const settings = dockerfileSettings(cfg);
    if (opts.dryRun && !opts.fix) throw new InputError('--dry-run only makes sense with --fix');
    const inputs = files.map((f) => ({ file: f, buf: readDockerfileInput(f, settings.maxFileSize) }));
    if (opts.fix) {
      const fixes = fixDockerfiles(inputs.map(({ file, buf }) => ({ name: file, content: buf })), settings);
      for (const { name, before, after } of fixes) {
        process.stdout.write(createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after));
        if (!opts.dryRun && name !== '-') writeFileSync(name, after);
      }
      process.stderr.write(fixes.length ? `${opts.dryRun ? 'would fix' : 'fixed'} ${fixes.length} file(s)\n` : 'nothing to fix\n');
      ctx.setExitCode(0);
      return;
    }
    const report = auditDockerfiles(inputs.map(({ file, buf }) => ({ name: file === '-' ? '<stdin>' : file, content: buf })), settings);
    ctx.setExitCode(emitReport(report, opts, [], cfg));
  });
}
