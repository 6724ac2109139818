/**
 * The daemon/host rule model. Every rule is metadata (RuleMeta, with its CIS placement) plus one pure
 * function of HostEvidence returning results with a status; fail and warn results become findings, the
 * rest go to the summary.
 */
import type { HostLocation, Severity } from '../../core/finding.js';
import type { CisSection, Rule } from '../../core/rule.js';
import type { HostEvidence } from '../../host/types.js';
import type { ResolvedSetting } from '../../host/settings.js';

/** `error`: the check itself failed (threw); its verdict is unknown and the report carries the error. */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'info' | 'not-evaluated' | 'error';
export const STATUSES: CheckStatus[] = ['pass', 'fail', 'warn', 'info', 'not-evaluated', 'error'];

/** CIS v1.6.0 sections this audit covers (4 and 5 through the image and runtime rules, src/analyzers/cis); "K" = kernel/runtime escapes (Bulwark only). */
export type Section = Extract<CisSection, '1' | '2' | '3' | '4' | '5' | '6' | '7' | 'K'>;

export interface CheckResult {
  status: CheckStatus;
  message: string;
  /** the CIS number this result answers (e.g. "3.15"); defaults to the rule's first */
  cis?: string;
  /** content key for the fingerprint (the setting, path or CVE) */
  key: string;
  location?: HostLocation;
  /** overrides the rule's severity (e.g. lowered for uncertain verdicts) */
  severity?: Severity;
  evidence?: Record<string, unknown>;
  remediation?: string;
  extraReferences?: string[];
}

/**
 * A daemon or host rule: `export default defineRule<HostEvidence, CheckResult>(meta, check)`, with
 * `meta.cis` placing it in the CIS table and `meta.stage` saying which command runs it: daemon (CIS 2, 3, 6, 7)
 * or host (CIS 1, escapes).
 */
export type HostRule = Rule<HostEvidence, CheckResult>;

/** A host rule's place in the CIS table (every host rule has one). */
export function cisPlacement(rule: HostRule): { section: Section; ids: string[] } {
  const p = rule.meta.cis;
  if (!p) throw new Error(`${rule.meta.id}: a daemon/host rule needs meta.cis (its CIS section)`);
  return p as { section: Section; ids: string[] };
}

export function cisRefs(...ids: string[]): string[] {
  return ids.map((i) => `CIS-${i}`);
}

/** Location of a resolved setting: where it was read. */
export function settingLocation(ev: HostEvidence, s: ResolvedSetting | undefined, key: string): HostLocation {
  if (!s) return { kind: 'host', setting: key, source: 'default' };
  if (s.source === 'flag') return { kind: 'host', setting: key, source: `dockerd flag ${s.where} (${ev.daemonArgsSource})` };
  if (s.source === 'daemon.json') return { kind: 'host', path: ev.configFile.path, setting: key, source: 'daemon.json' };
  return { kind: 'host', setting: key, source: s.where };
}

export function setting(ev: HostEvidence, key: string): ResolvedSetting {
  const s = ev.settings.settings.get(key);
  if (!s) throw new Error(`unknown setting ${key}`);
  return s;
}

/** "icc=false (dockerd flag --icc=false)" */
export function describe(s: ResolvedSetting): string {
  return `${s.key}=${JSON.stringify(s.value)} (${s.source === 'default' ? s.where : s.source === 'flag' ? `flag ${s.where}` : s.where})`;
}

export function engineAvailable(ev: HostEvidence): boolean {
  return Boolean(ev.engine.info);
}

export function notEvaluated(key: string, why: string, cis?: string): CheckResult {
  return { status: 'not-evaluated', message: why, key, ...(cis ? { cis } : {}) };
}

export function securityOptions(ev: HostEvidence): string[] {
  return (ev.engine.info?.SecurityOptions as string[] | undefined) ?? [];
}

/** Lower a severity by `steps` (critical → high → medium → low), never below low. */
export function lower(sev: Severity, steps = 1): Severity {
  const order: Severity[] = ['critical', 'high', 'medium', 'low'];
  const i = order.indexOf(sev);
  if (i < 0) return sev;
  return order[Math.min(order.length - 1, i + steps)]!;
}

export function modeString(m: number | undefined): string {
  return m === undefined ? '?' : m.toString(8).padStart(4, '0');
}

export interface SwarmInfo {
  LocalNodeState?: string;
  ControlAvailable?: boolean;
  Managers?: number;
  Nodes?: number;
  NodeAddr?: string;
  Cluster?: { Spec?: { EncryptionConfig?: { AutoLockManagers?: boolean }; CAConfig?: { NodeCertExpiry?: number } } };
}

/** Swarm state from /info; undefined when the engine was not queried. */
export function swarm(ev: HostEvidence): SwarmInfo | undefined {
  return ev.engine.info ? ((ev.engine.info.Swarm as SwarmInfo | undefined) ?? {}) : undefined;
}

export function swarmActive(s: SwarmInfo | undefined): boolean {
  return s?.LocalNodeState === 'active';
}
