/**
 * `bulwark compose [--file|-F FILE]... [--profile P]... [--env-file F]`: audit compose services.
 * `-f` is `--format`, as in every other command.
 */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { addReportOptions, emitReport, type ReportOptions } from '../output.js';
import { auditCompose, composeFilesFrom } from '../../app/runtime.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export interface ComposeCliOptions extends ReportOptions {
  file?: string[];
  profile?: string[];
  envFile?: string[];
  projectDirectory?: string;
  projectName?: string;
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
  addReportOptions(cmd).action((opts: ComposeCliOptions) => {
    const { report, projectDir } = auditCompose({
      files: composeFilesFrom(opts),
      profiles: opts.profile,
      envFiles: opts.envFile,
      projectDir: opts.projectDirectory,
      projectName: opts.projectName,
    });
    ctx.setExitCode(emitReport(report, opts, [projectDir]));
  });
}
