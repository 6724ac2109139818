import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { addAllowedRegistriesOption, addReportOptions, emitReport, resolveConfig, type ReportOptions } from '../output.js';
import { withAllowedRegistries } from '../../registry/allowed.js';
import { InputError } from '../../core/errors.js';
import type { DockerfileInput } from '../../app/build.js';
import { describeSize, readBounded } from '../input.js';

interface DockerfileOptions extends ReportOptions {
  fix?: boolean;
  dryRun?: boolean;
  allowedRegistries?: string[];
}

/** Read a Dockerfile argument with the size limit applied while reading ('-' = stdin); unreadable input is an InputError (exit 2). */
export async function readDockerfileInput(file: string, maxSize: number): Promise<DockerfileInput> {
  const name = file === '-' ? '<stdin>' : file;
  let r;
  try {
    r = await readBounded(file, maxSize, 'Dockerfile');
  } catch (e) {
    if (e instanceof InputError && /is a directory$/.test(e.message)) throw new InputError(`${file} is a directory (use 'bulwark scan ${file}')`);
    throw e;
  }
  return r.ok ? { name, content: r.buf } : { name, tooLarge: describeSize(r, maxSize) };
}

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('dockerfile')
    .description('lint Dockerfiles (hadolint DL + Trivy DS rules and more); --fix applies the safe mechanical fixes')
    .argument('[files...]', "Dockerfiles to lint ('-' reads stdin)", ['Dockerfile'])
    .option('--fix', 'apply safe fixes to the files and print a unified diff')
    .option('--dry-run', 'with --fix: print the diff only, change nothing');
  addAllowedRegistriesOption(cmd);
  addReportOptions(cmd).action(async (files: string[], opts: DockerfileOptions) => {
    // the linter loads with the action, not with the command's help
    const { auditDockerfiles, dockerfileSettings, fixDockerfiles } = await import('../../app/build.js');
    const cfg = withAllowedRegistries(resolveConfig(opts, []), opts.allowedRegistries);
    const settings = dockerfileSettings(cfg);
    if (opts.dryRun && !opts.fix) throw new InputError('--dry-run only makes sense with --fix');
    const inputs: Array<DockerfileInput & { file: string }> = [];
    for (const file of files) inputs.push({ ...(await readDockerfileInput(file, settings.maxFileSize)), file });
    if (opts.fix) {
      const { createTwoFilesPatch } = await import('diff');
      const fixes = fixDockerfiles(inputs.map(({ file, content }) => ({ name: file, content })), settings);
      for (const { name, before, after } of fixes) {
        process.stdout.write(createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after));
        if (!opts.dryRun && name !== '-') writeFileSync(name, after);
      }
      process.stderr.write(fixes.length ? `${opts.dryRun ? 'would fix' : 'fixed'} ${fixes.length} file(s)\n` : 'nothing to fix\n');
      ctx.setExitCode(0);
      return;
    }
    const report = auditDockerfiles(inputs.map(({ name, content, tooLarge }) => ({ name, content, tooLarge })), settings);
    ctx.setExitCode(await emitReport(report, opts, [], cfg));
  });
}
