/** `bulwark compose [-f FILE]... [--profile P]... [--env-file F]`: audit compose services. */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { emitReport, parseIntStrict, type ReportOptions } from '../output.js';
import { Option } from 'commander';
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
    .option('-f, --file <file>', 'compose file (repeatable, merged in order; default: compose.yaml / docker-compose.yml here)', collect)
    .option('--profile <name>', 'activate a profile (repeatable)', collect)
    .option('--env-file <file>', 'environment file for interpolation (repeatable; default: .env in the project directory)', collect)
    .option('--project-directory <dir>', 'project directory (default: the first file\'s directory)')
    .option('-p, --project-name <name>', 'project name');
  addComposeReportOptions(cmd).action((opts: ComposeCliOptions) => {
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

/** The shared report options, with `--format` long-only because `-f` is compose's `--file`. */
export function addComposeReportOptions(cmd: Command): Command {
  return cmd
    .option('--format <format>', 'output format (table, json, sarif)')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('-s, --severity <levels>', 'minimum severity (e.g. "high") or a list ("HIGH,CRITICAL")')
    .addOption(new Option('--exit-code <code>', 'exit with this code when findings remain after filtering').argParser((v) => parseIntStrict(v, '--exit-code')))
    .option('--ignorefile <file>', 'ignore file (default: .bulwarkignore in the project directory or the current directory)')
    .option('-c, --config <file>', 'config file (default: .bulwark.yaml in the project directory or the current directory)')
    .option('--show-suppressed', 'also show suppressed findings in table output');
}
