/** `bulwark run [report options] -- docker run|create [ARGS] IMAGE [CMD]`: audit a docker run command line. */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { addAllowedRegistriesOption, addReportOptions, emitReport, resolveConfig, type ReportOptions } from '../output.js';
import { registryPolicy, withAllowedRegistries } from '../../registry/allowed.js';

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('run')
    .description('audit a `docker run` / `docker create` command line (put it after --)')
    .argument('<command...>', 'docker run|create [ARGS] IMAGE [CMD] (after --)')
    .allowUnknownOption(false);
  addAllowedRegistriesOption(cmd);
  addReportOptions(cmd).action(async (args: string[], opts: ReportOptions & { allowedRegistries?: string[] }) => {
    // the use case loads with the action, not with the command's help
    const { auditRunArgs } = await import('../../app/runtime.js');
    const cfg = withAllowedRegistries(resolveConfig(opts), opts.allowedRegistries);
    ctx.setExitCode(await emitReport(auditRunArgs(ctx.passthrough(args), { allowedRegistries: registryPolicy(cfg) }), opts, [], cfg));
  });
}
