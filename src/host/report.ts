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
import { renderCisText, runChecks, summarize, type RunResult } from '../analyzers/daemon/run.js';
import type { Finding } from '../core/finding.js';
import { containerSection, containerSectionNotEvaluated } from '../analyzers/cis/containers.js';
import { imageSection, imageSectionNotEvaluated } from '../analyzers/cis/images.js';
import { collectContainers, collectImages, type WorkloadOptions } from './workloads.js';

export interface AuditCommandOptions {
  host?: string;
  root?: string;
  configFile?: string;
  pid?: number;
  /** `cis`: which containers section 5 checks (all | running) */
  containers?: string;
  /** `cis`: which images section 4 checks (all | in-use) */
  images?: string;
  /** `cis`: saved `docker inspect` files for section 5 (offline too) */
  fromInspect?: string[];
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

/** Sections 4 and 5 (the whole-benchmark `cis` run): the image and runtime rules over the engine's images and containers. */
async function workloadSections(ev: HostEvidence, wo: WorkloadOptions): Promise<{ results: RunResult[]; findings: Finding[]; notes: string[]; summary: Record<string, unknown> }> {
  const results: RunResult[] = [];
  const findings: Finding[] = [];
  const notes: string[] = [];
  const summary: Record<string, unknown> = {};
  const set = await collectContainers(ev, wo);
  const imgs = await collectImages(ev, wo, 'error' in set ? undefined : set.specs);
  if ('error' in imgs) {
    results.push(...imageSectionNotEvaluated(imgs.error));
    notes.push(`section 4: not evaluated: ${imgs.error}`);
    summary.images = { error: imgs.error };
  } else {
    const four = imageSection(imgs);
    results.push(...four.results);
    findings.push(...four.findings);
    notes.push(`section 4 checks ${imgs.what}, from their config and history${wo.images === 'all' ? ' (--images in-use: only those of the checked containers)' : ''}`);
    summary.images = { selection: wo.images, count: imgs.images.length, names: imgs.images.slice(0, 200).map((i) => i.name), ...(imgs.skipped.length ? { skipped: imgs.skipped } : {}) };
  }
  if ('error' in set) {
    results.push(...containerSectionNotEvaluated(set.error));
    notes.push(`section 5: not evaluated: ${set.error}`);
    summary.containers = { error: set.error };
  } else {
    const five = containerSection(set, ev);
    results.push(...five.results);
    findings.push(...five.findings);
    notes.push(`section 5 checks ${set.what}${wo.containers === 'all' && !wo.fromInspect ? ' (--containers running: only running ones, as Docker Bench)' : ''}`);
    summary.containers = { selection: wo.containers, count: set.specs.length, names: set.specs.slice(0, 200).map((s) => s.container ?? s.name) };
  }
  return { results, findings, notes, summary };
}

export async function auditReport(scope: 'daemon' | 'host' | 'all', opts: CollectOptions, evIn?: HostEvidence, workloads?: WorkloadOptions): Promise<{ report: Report; evidence: HostEvidence }> {
  const ev = evIn ?? (await collectHostEvidence(opts));
  const { results, findings, errors } = runChecks(ev, scope);
  const extra = scope === 'all' && workloads ? await workloadSections(ev, workloads) : undefined;
  if (extra) {
    results.push(...extra.results);
    findings.push(...extra.findings);
  }
  const cis = summarize(results);
  const target = ev.mode === 'offline' ? { type: 'host', name: ev.root, root: ev.root } : { type: scope === 'host' ? 'host' : 'daemon', name: ev.endpoint, ...(ev.daemon ? { pid: ev.daemon.pid } : {}) };
  const report: Report = {
    tool: { name: 'bulwark', version: TOOL_VERSION },
    targets: [target],
    findings,
    summary: {
      text: renderCisText(results, ev, extra?.notes),
      cis,
      ...(extra?.summary ?? {}),
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
