/** The daemon/host audit commands (`daemon`, `host`, `cis`) share their options and action; only scope differs. */
import type { Command } from 'commander';
import type { CliContext } from './main.js';
import { addReportOptions, emitReport, parseIntStrict, type ReportOptions } from './output.js';
import type { AuditHostOptions } from '../app/host.js';

export function registerAuditCommand(program: Command, ctx: CliContext, name: string, scope: 'daemon' | 'host' | 'all', description: string): void {
  const cmd = program
    .command(name)
    .description(description)
    .option('-H, --host <endpoint>', 'Docker endpoint to audit (unix:///path or tcp://host:port; default DOCKER_HOST, else the rootful or rootless socket)')
    .option('--root <dir>', 'audit a host filesystem snapshot offline (no engine: checks that need it say "not evaluated")')
    .option('--config-file <file>', 'daemon.json to read (default: dockerd --config-file, else /etc/docker/daemon.json)')
    .option('--pid <pid>', 'PID of the dockerd to audit (default: found from the socket)', (v) => parseIntStrict(v, '--pid'));
  if (scope === 'all') {
    cmd
      .option('--images <which>', 'section 4: every local image (all) or the images of the containers section 5 checks (in-use)', 'all')
      .option('--containers <which>', 'section 5: every container, running or stopped (all), or running ones only (running, as Docker Bench)', 'all')
      .option('--from-inspect <file>', 'section 5 from saved `docker inspect` JSON instead of the engine (repeatable; works with --root)', (v: string, prev: string[] = []) => [...prev, v]);
  }
  addReportOptions(cmd).action(async (opts: AuditHostOptions & ReportOptions) => {
    // the audit loads with the action, not with the command's help (app/host pulls in every daemon and host rule)
    const { auditHost } = await import('../app/host.js');
    const { report } = await auditHost(scope, opts);
    ctx.setExitCode(await emitReport(report, opts));
  });
}
