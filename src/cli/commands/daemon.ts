import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { addReportOptions, emitReport, parseIntStrict, type ReportOptions } from '../output.js';
import { auditReport, validateAuditOptions, type AuditCommandOptions } from '../../host/report.js';

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('daemon')
    .description('audit the Docker daemon: CIS 2 (daemon configuration), 3 (its files ownership and modes) and 6 (image/container sprawl)')
    .option('-H, --host <endpoint>', 'Docker endpoint to audit (unix:///path or tcp://host:port; default DOCKER_HOST, else the rootful or rootless socket)')
    .option('--root <dir>', 'audit a host filesystem snapshot offline (no engine: checks that need it say "not evaluated")')
    .option('--config-file <file>', 'daemon.json to read (default: dockerd --config-file, else /etc/docker/daemon.json)')
    .option('--pid <pid>', 'PID of the dockerd to audit (default: found from the socket)', (v) => parseIntStrict(v, '--pid'));
  addReportOptions(cmd).action(async (opts: AuditCommandOptions & ReportOptions) => {
    const collect = validateAuditOptions(opts);
    const { report } = await auditReport('daemon', collect);
    ctx.setExitCode(emitReport(report, opts));
  });
}
