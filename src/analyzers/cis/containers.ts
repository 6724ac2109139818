/**
 * CIS Docker Benchmark v1.6.0 section 5 (container runtime) as a view over the runtime rules: every CIS 5.x
 * check names the runtime rule(s) that decide it, the rules run once per container (src/analyzers/runtime),
 * and a check fails when its rule fires on any container — one problem, one rule; CIS is a way to group them.
 * 5.1 (swarm mode) is a daemon fact and lives with the daemon rules (BW-DAEMON-056).
 *
 * Like Docker Bench, one result per check (its score counts once, whatever the number of containers); the
 * offending containers are in the result's evidence and each one is a finding of its runtime rule.
 */
import type { Finding, Severity } from '../../core/finding.js';
import type { ContainerSpec } from '../../runtime/model.js';
import type { HostEvidence } from '../../host/types.js';
import { checkContainer, runtimeRuleSet } from '../runtime/index.js';
import type { CheckResult } from '../daemon/check.js';
import type { RunResult } from '../daemon/run.js';

export interface Cis5Check {
  cis: string;
  title: string;
  /** the runtime rules that decide it; the first names the result */
  rules: string[];
  /** CIS "Manual": the result is info (listed, not scored), as Docker Bench counts it */
  manual?: boolean;
  /** only running containers have the evidence (processes, health state) */
  runningOnly?: boolean;
  /** a note on what is and is not seen */
  note?: string;
}

/** CIS v1.6.0 5.2–5.32 (Docker Bench's numbering) → the runtime rules. */
export const CIS5: Cis5Check[] = [
  { cis: '5.2', title: 'AppArmor profile enabled (if applicable)', rules: ['BW-RUNTIME-019', 'BW-APPARMOR-004'] },
  { cis: '5.3', title: 'SELinux security options set (if applicable)', rules: ['BW-RUNTIME-030'] },
  { cis: '5.4', title: 'Linux kernel capabilities restricted', rules: ['BW-RUNTIME-002'] },
  { cis: '5.5', title: 'Privileged containers not used', rules: ['BW-RUNTIME-001'] },
  { cis: '5.6', title: 'Sensitive host system directories not mounted', rules: ['BW-RUNTIME-009'] },
  { cis: '5.7', title: 'sshd not run within containers', rules: ['BW-RUNTIME-038'], runningOnly: true, note: 'process list from GET /containers/{id}/top (host side)' },
  { cis: '5.8', title: 'Privileged ports not mapped', rules: ['BW-RUNTIME-022'] },
  { cis: '5.9', title: 'Only needed ports open', rules: [], manual: true },
  { cis: '5.10', title: 'Host network namespace not shared', rules: ['BW-RUNTIME-004'] },
  { cis: '5.11', title: 'Memory usage limited', rules: ['BW-RUNTIME-013'] },
  { cis: '5.12', title: 'CPU priority set', rules: ['BW-RUNTIME-014'] },
  { cis: '5.13', title: 'Root filesystem mounted read-only', rules: ['BW-RUNTIME-016'] },
  { cis: '5.14', title: 'Incoming traffic bound to a specific host interface', rules: ['BW-RUNTIME-021'] },
  { cis: '5.15', title: "'on-failure' restart policy capped at 5", rules: ['BW-RUNTIME-024'] },
  { cis: '5.16', title: 'Host process namespace not shared', rules: ['BW-RUNTIME-005'] },
  { cis: '5.17', title: 'Host IPC namespace not shared', rules: ['BW-RUNTIME-006'] },
  { cis: '5.18', title: 'Host devices not directly exposed', rules: ['BW-RUNTIME-012'], manual: true },
  { cis: '5.19', title: 'Default ulimit overwritten only if needed', rules: ['BW-RUNTIME-028'], manual: true },
  { cis: '5.20', title: 'Mount propagation not shared', rules: ['BW-RUNTIME-011'] },
  { cis: '5.21', title: 'Host UTS namespace not shared', rules: ['BW-RUNTIME-007'] },
  { cis: '5.22', title: 'Default seccomp profile not disabled', rules: ['BW-RUNTIME-018', 'BW-SECCOMP-001', 'BW-SECCOMP-006'] },
  { cis: '5.23', title: 'docker exec not used with --privileged', rules: ['BW-RUNTIME-039'], note: 'exec sessions the engine holds (running ones)' },
  { cis: '5.24', title: 'docker exec not used with --user=root', rules: ['BW-RUNTIME-040'], manual: true, note: 'exec sessions the engine holds (running ones)' },
  { cis: '5.25', title: 'cgroup usage confirmed (default cgroup parent)', rules: ['BW-RUNTIME-029'] },
  { cis: '5.26', title: 'Container restricted from acquiring additional privileges', rules: ['BW-RUNTIME-017'] },
  { cis: '5.27', title: 'Container health checked at runtime', rules: ['BW-RUNTIME-025'] },
  { cis: '5.28', title: 'Docker commands use the latest version of their image', rules: ['BW-RUNTIME-041'], manual: true },
  { cis: '5.29', title: 'PIDs cgroup limit used', rules: ['BW-RUNTIME-015'] },
  { cis: '5.30', title: "Docker's default bridge docker0 not used", rules: ['BW-RUNTIME-023'], manual: true },
  { cis: '5.31', title: "Host's user namespace not shared", rules: ['BW-RUNTIME-008'] },
  { cis: '5.32', title: 'Docker socket not mounted inside containers', rules: ['BW-RUNTIME-010'] },
];

/** Which containers section 5 looked at, and where they came from (for messages). */
export interface ContainerSet {
  specs: ContainerSpec[];
  /** "2 containers, running and stopped", "1 running container", "a.json" */
  what: string;
}

const SEV_ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const MAX_LISTED = 50;

function label(spec: ContainerSpec): string {
  return spec.container ?? spec.name;
}

function list(names: string[]): string {
  return names.length > 8 ? `${names.slice(0, 8).join(', ')} and ${names.length - 8} more` : names.join(', ');
}

/** The ruleId a check's result carries: its first rule, else the CIS number itself (a manual check with no rule). */
function resultId(c: Cis5Check): string {
  return c.rules[0] ?? `CIS-${c.cis}`;
}

function result(c: Cis5Check, r: CheckResult): RunResult {
  const meta = runtimeRuleSet.find((x) => x.meta.id === c.rules[0])?.meta;
  return {
    ...r,
    cis: c.cis,
    ruleId: resultId(c),
    title: meta ? `${c.title} (${meta.title})` : c.title,
    section: '5',
    ...(r.status === 'fail' || r.status === 'warn' ? { remediation: r.remediation ?? meta?.remediation } : {}),
  };
}

/** Section 5 not evaluated (offline with no inspect files, or the engine not reachable): one result per check. */
export function containerSectionNotEvaluated(why: string): RunResult[] {
  return CIS5.map((c) => result(c, { status: 'not-evaluated', message: why, key: c.cis }));
}

/** Does the host enforce this LSM? From /info SecurityOptions; undefined when unknown (offline inspect files). */
function lsm(ev: HostEvidence | undefined, name: 'apparmor' | 'selinux'): boolean | undefined {
  const opts = ev?.engine.info?.SecurityOptions as string[] | undefined;
  if (!opts) return undefined;
  return opts.some((o) => o === `name=${name}` || o.startsWith(`name=${name},`));
}

/** Run section 5 over `set`: one result per CIS 5.2–5.32 check, and the findings of the deciding rules. */
export function containerSection(set: ContainerSet, ev?: HostEvidence): { results: RunResult[]; findings: Finding[] } {
  const mapped = new Set(CIS5.flatMap((c) => c.rules));
  const byRule = new Map<string, Finding[]>();
  const running = set.specs.filter((s) => s.state === undefined || s.state === 'running');
  for (const spec of set.specs) {
    for (const f of checkContainer(spec)) {
      if (!mapped.has(f.ruleId)) continue;
      const l = byRule.get(f.ruleId) ?? [];
      l.push(f);
      byRule.set(f.ruleId, l);
    }
  }
  const results: RunResult[] = [];
  const findings: Finding[] = [];
  const nnpDefault = ev?.settings.settings.get('no-new-privileges');
  for (const c of CIS5) {
    const pool = c.runningOnly ? running : set.specs;
    const kind = c.runningOnly ? 'running container(s)' : 'container(s)';
    if (pool.length === 0) {
      results.push(result(c, { status: 'info', message: `no ${c.runningOnly ? 'running ' : ''}containers to check (${set.what})`, key: c.cis, evidence: { containers: 0 } }));
      continue;
    }
    // "if applicable": a host without the LSM cannot confine anything with it (BW-HOST-020 reports that)
    if (c.cis === '5.2' || c.cis === '5.3') {
      const on = lsm(ev, c.cis === '5.2' ? 'apparmor' : 'selinux');
      if (on === false) {
        results.push(result(c, { status: 'info', message: `not applicable: the engine does not use ${c.cis === '5.2' ? 'AppArmor' : 'SELinux'} on this host (/info SecurityOptions); see BW-HOST-020`, key: c.cis, evidence: { securityOptions: ev?.engine.info?.SecurityOptions } }));
        continue;
      }
    }
    if (c.cis === '5.26' && nnpDefault?.value === true) {
      results.push(result(c, { status: 'pass', message: `the daemon sets no-new-privileges for every container (${nnpDefault.source} ${nnpDefault.where})`, key: c.cis, evidence: { daemonDefault: true, containers: pool.length } }));
      continue;
    }
    if (c.cis === '5.9') {
      const published = pool.flatMap((s) => s.ports.filter((p) => p.hostPort !== undefined || s.publishAll).map((p) => `${label(s)} ${p.hostIp ? `${p.hostIp}:` : ''}${p.hostPort ?? '(random)'}->${p.containerPort}/${p.protocol}`));
      const all = pool.filter((s) => s.publishAll).map(label);
      results.push(
        result(c, {
          status: 'info',
          message: published.length || all.length ? `manual: review the published ports: ${list([...published, ...all.map((n) => `${n} -P (every EXPOSEd port)`)])}` : `manual: no container publishes a port (${pool.length} checked)`,
          key: c.cis,
          evidence: { containers: pool.length, published: published.slice(0, MAX_LISTED), publishAll: all },
        }),
      );
      continue;
    }
    const hits = c.rules.flatMap((r) => byRule.get(r) ?? []).filter((f) => pool.some((s) => sameContainer(s, f)));
    findings.push(...hits);
    const offenders = [...new Set(hits.map((f) => containerOf(f)))];
    const evidence: Record<string, unknown> = {
      containers: pool.length,
      rules: c.rules,
      offenders: hits.slice(0, MAX_LISTED).map((f) => ({ container: containerOf(f), ruleId: f.ruleId, message: f.message })),
      ...(c.note ? { note: c.note } : {}),
    };
    if (hits.length === 0) {
      results.push(result(c, { status: c.manual ? 'info' : 'pass', message: `${c.manual ? 'manual: ' : ''}none of ${pool.length} ${kind}`, key: c.cis, evidence }));
      continue;
    }
    const severity = SEV_ORDER.find((s) => hits.some((f) => f.severity === s));
    results.push(
      result(c, {
        status: c.manual ? 'info' : 'fail',
        message: `${c.manual ? 'manual: ' : ''}${offenders.length} of ${pool.length} ${kind}: ${list(offenders)}`,
        key: c.cis,
        evidence,
        ...(severity && !c.manual ? { severity } : {}),
      }),
    );
  }
  return { results, findings };
}

function containerOf(f: Finding): string {
  const l = f.location as { container?: string; service?: string };
  return l.container ?? l.service ?? '?';
}

function sameContainer(s: ContainerSpec, f: Finding): boolean {
  return containerOf(f) === label(s);
}
