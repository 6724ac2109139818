/**
 * `bulwark registry HOST[:PORT]`: audit a registry endpoint — TLS (protocols, cipher suites, certificate),
 * plain HTTP, anonymous catalog/pull/push, credentials in clear, deletes, known-vulnerable versions.
 */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { addReportOptions, emitReport, type ReportOptions } from '../output.js';
import { addRegistryOptions, registryOptionsFrom, type RegistryCliOptions } from '../registry-options.js';
import { auditRegistry } from '../../app/registry.js';

interface Opts extends ReportOptions, RegistryCliOptions {
  repo?: string;
}

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('registry')
    .description('audit a registry: TLS and certificate, plain HTTP, anonymous catalog/pull/push, credentials in clear, deletes, vulnerable versions')
    .argument('<host[:port]>', 'registry address (https:// or http:// in front forces the scheme)')
    .option('--repo <name>', 'repository to probe pull, push and delete on (default: the first one the catalog lists)');
  addRegistryOptions(cmd);
  addReportOptions(cmd).action(async (target: string, opts: Opts) => {
    const ropts = await registryOptionsFrom(opts, target);
    const { report } = await auditRegistry(target, { ...ropts, ...(opts.repo ? { repository: opts.repo } : {}) });
    ctx.setExitCode(await emitReport(report, opts));
  });
}
