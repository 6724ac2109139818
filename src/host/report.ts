/**
 * Build the Report for `bulwark daemon|host|cis`: findings for fail/warn, every result (pass, info,
 * not evaluated included) and the CIS score in `summary`.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Report } from '../core/report.js';
import { TOOL_VERSION } from '../core/version.js';
import { InputError } from '../core/errors.js';
import { collectHostEvidence, type CollectOptions } from './collect.js';
import type { HostEvidence } from './types.js';
import { renderCisText, runChecks, summarize } from '../analyzers/daemon/run.js';

export interface AuditCommandOptions {
  host?: string;
  root?: string;
  configFile?: string;
  pid?: number;
}

export function validateAuditOptions(o: AuditCommandOptions): CollectOptions {
  const out: CollectOptions = {};
  if (o.root !== undefined) {
    const r = resolve(o.root);
    if (!existsSync(r)) throw new InputError(`--root: no such directory: ${o.root}`);
    if (!statSync(r).isDirectory()) throw new InputError(`--root: not a directory: ${o.root}`);
    out.root = r;
  }
  if (o.host !== undefined) {
    if (!/^(unix|tcp|http|https):\/\/./.test(o.host) && !o.host.startsWith('/')) throw new InputError(`--host: expected unix:///path or tcp://host:port, got '${o.host}'`);
    if (out.root) throw new InputError('--host and --root exclude each other (an offline audit has no engine)');
    out.host = o.host;
  }
  if (o.configFile !== undefined) out.configFile = o.configFile;
  if (o.pid !== undefined) {
    if (!Number.isInteger(o.pid) || o.pid <= 0) throw new InputError(`--pid: expected a process id, got '${o.pid}'`);
    if (out.root) throw new InputError('--pid and --root exclude each other');
    out.pid = o.pid;
  }
  return out;
}

export async function auditReport(scope: 'daemon' | 'host' | 'all', opts: CollectOptions, evIn?: HostEvidence): Promise<{ report: Report; evidence: HostEvidence }> {
  const ev = evIn ?? (await collectHostEvidence(opts));
  const { results, findings, errors } = runChecks(ev, scope);
  const cis = summarize(results);
  const target = ev.mode === 'offline' ? { type: 'host', name: ev.root, root: ev.root } : { type: scope === 'host' ? 'host' : 'daemon', name: ev.endpoint, ...(ev.daemon ? { pid: ev.daemon.pid } : {}) };
  const report: Report = {
    tool: { name: 'bulwark', version: TOOL_VERSION },
    targets: [target],
    findings,
    summary: {
      text: renderCisText(results, ev),
      cis,
      results: results.map((r) => ({
        ruleId: r.ruleId,
        cis: r.cis || undefined,
        section: r.section,
        status: r.status,
        message: r.message,
        ...(r.severity ? { severity: r.severity } : {}),
        ...(r.location ? { location: r.location } : {}),
      })),
      daemon: ev.daemon ? { pid: ev.daemon.pid, identifiedBy: ev.daemon.identifiedBy, argv: ev.daemon.argv, tcpListeners: ev.daemon.tcpListeners } : undefined,
      daemonArgsSource: ev.daemonArgsSource,
      configFile: { path: ev.configFile.path, present: ev.configFile.facts.exists, source: ev.configFile.source },
      settings: Object.fromEntries([...ev.settings.settings.values()].filter((s) => s.source !== 'default').map((s) => [s.key, { value: s.value, source: s.source, where: s.where }])),
      mode: ev.mode,
      rootless: ev.rootless,
    },
    warnings: ev.warnings,
    ...(errors.length ? { errors } : {}),
    // every check with its verdict (pass, info and not evaluated too), as Docker Bench's JSON has them
    checks: results.map((r) => ({
      ruleId: r.ruleId,
      title: r.title,
      status: r.status,
      message: r.message,
      ...(r.cis ? { cis: r.cis } : {}),
      section: r.section,
      ...(r.severity ? { severity: r.severity } : {}),
      ...(r.evidence ? { evidence: r.evidence } : {}),
      ...(r.remediation ? { remediation: r.remediation } : {}),
      ...(r.location ? { location: r.location } : {}),
    })),
  };
  return { report, evidence: ev };
}
