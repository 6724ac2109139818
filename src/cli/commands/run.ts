/** `bulwark run [report options] -- docker run|create [ARGS] IMAGE [CMD]`: audit a docker run command line. */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { addReportOptions, emitReport, type ReportOptions } from '../output.js';
import { runArgsToSpec } from '../../runtime/runargs.js';
import { runtimeReport } from '../../runtime/audit.js';
import { UserError } from '../../core/errors.js';

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('run')
    .description('audit a `docker run` / `docker create` command line (put it after --)')
    .argument('<command...>', 'docker run|create [ARGS] IMAGE [CMD] (after --)')
    .allowUnknownOption(false);
  addReportOptions(cmd).action((args: string[], opts: ReportOptions) => {
    if (args.length === 0) throw new UserError('usage: bulwark run -- docker run [ARGS] IMAGE [CMD]');
    const { spec } = runArgsToSpec(args);
    const report = runtimeReport([{ type: 'run-args', name: args.join(' ') }], [spec]);
    ctx.setExitCode(emitReport(report, opts));
  });
}
