/**
 * `bulwark compose [--file|-F FILE]... [--profile P]... [--env-file F]`: audit compose services.
 * `-f` is `--format`, as in every other command.
 */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { dirname, resolve } from 'node:path';
import { addAllowedRegistriesOption, addReportOptions, emitReport, resolveConfig, type ReportOptions } from '../output.js';
import { registryPolicy, withAllowedRegistries } from '../../registry/allowed.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export interface ComposeCliOptions extends ReportOptions {
  file?: string[];
  profile?: string[];
  envFile?: string[];
  projectDirectory?: string;
  projectName?: string;
  allowedRegistries?: string[];
}

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('compose')
    .description('audit the services of compose files (merged in order, with .env interpolation, extends and profiles)')
    .option('-F, --file <file>', 'compose file (repeatable, merged in order; default: compose.yaml / docker-compose.yml here)', collect)
    .option('--profile <name>', 'activate a profile (repeatable)', collect)
    .option('--env-file <file>', 'environment file for interpolation (repeatable; default: .env in the project directory)', collect)
    .option('--project-directory <dir>', 'project directory (default: the first file\'s directory)')
    .option('-p, --project-name <name>', 'project name');
  addAllowedRegistriesOption(cmd);
  addReportOptions(cmd).action(async (opts: ComposeCliOptions) => {
    // the use case loads with the action, not with the command's help
    const { auditCompose, composeFilesFrom } = await import('../../app/runtime.js');
    const files = composeFilesFrom(opts);
    // the config of the project directory (where the report's ignore file is looked up too)
    const cfg = withAllowedRegistries(resolveConfig(opts, [resolve(opts.projectDirectory ?? dirname(resolve(files[0]!)))]), opts.allowedRegistries);
    const { report, projectDir } = auditCompose({
      files,
      profiles: opts.profile,
      envFiles: opts.envFile,
      projectDir: opts.projectDirectory,
      projectName: opts.projectName,
      policy: { allowedRegistries: registryPolicy(cfg) },
    });
    ctx.setExitCode(await emitReport(report, opts, [projectDir], cfg));
  });
}
