/** `bulwark containers [--all] [--filter k=v]` (Engine API) or `--from-inspect FILE.json` (saved docker inspect). */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { addAllowedRegistriesOption, addReportOptions, emitReport, resolveConfig, type ReportOptions } from '../output.js';
import { registryPolicy, withAllowedRegistries } from '../../registry/allowed.js';
import { UserError } from '../../core/errors.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

interface Opts extends ReportOptions {
  all?: boolean;
  fromInspect?: string[];
  filter?: string[];
  host?: string;
  allowedRegistries?: string[];
}

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('containers')
    .description('audit containers: every container of the Docker engine, or saved `docker inspect` output')
    .option('-a, --all', 'include created and stopped containers (default: running only)')
    .option('--from-inspect <file>', 'read saved `docker inspect` JSON instead of asking the engine (repeatable)', collect)
    .option('--filter <key=value>', 'engine filter, as `docker ps --filter` (name=, label=, id=, status=; repeatable)', collect)
    .option('-H, --host <host>', 'Docker engine (default: DOCKER_HOST or unix:///var/run/docker.sock)');
  addAllowedRegistriesOption(cmd);
  addReportOptions(cmd).action(async (opts: Opts) => {
    // the use case loads with the action, not with the command's help
    const { auditContainers, auditInspectFiles } = await import('../../app/runtime.js');
    const cfg = withAllowedRegistries(resolveConfig(opts), opts.allowedRegistries);
    const policy = { allowedRegistries: registryPolicy(cfg) };
    if (opts.fromInspect?.length) {
      ctx.setExitCode(await emitReport(auditInspectFiles(opts.fromInspect, policy), opts, [], cfg));
      return;
    }
    const filters: Record<string, string[]> = {};
    for (const f of opts.filter ?? []) {
      const eq = f.indexOf('=');
      if (eq <= 0) throw new UserError(`--filter takes key=value, got '${f}'`);
      (filters[f.slice(0, eq)] ??= []).push(f.slice(eq + 1));
    }
    const report = await auditContainers({ host: opts.host, all: opts.all, filters, policy });
    ctx.setExitCode(await emitReport(report, opts, [], cfg));
  });
}
