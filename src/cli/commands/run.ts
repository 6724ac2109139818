/** `bulwark run [report options] -- docker run|create [ARGS] IMAGE [CMD]`: audit a docker run command line. */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { addAllowedRegistriesOption, addReportOptions, emitReport, resolveConfig, type ReportOptions } from '../output.js';
import { auditRunArgs } from '../../app/runtime.js';
import { registryPolicy, withAllowedRegistries } from '../../registry/allowed.js';

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('run')
    .description('audit a `docker run` / `docker create` command line (put it after --)')
    .argument('<command...>', 'docker run|create [ARGS] IMAGE [CMD] (after --)')
    .allowUnknownOption(false);
  addAllowedRegistriesOption(cmd);
  addReportOptions(cmd).action((args: string[], opts: ReportOptions & { allowedRegistries?: string[] }) => {
    const cfg = withAllowedRegistries(resolveConfig(opts), opts.allowedRegistries);
    ctx.setExitCode(emitReport(auditRunArgs(ctx.passthrough(args), { allowedRegistries: registryPolicy(cfg) }), opts, [], cfg));
  });
}
