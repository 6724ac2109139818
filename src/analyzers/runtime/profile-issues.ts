/**
 * Shared by the seccomp and AppArmor rules (rules/seccomp-*.ts, rules/apparmor-*.ts): the checks of
 * src/profiles run once per container profile and cached, and findings that point at the profile's line.
 */
import type { Finding, Severity } from '../../core/finding.js';
import type { RuleMeta } from '../../core/rule.js';
import type { ContainerSpec } from '../../runtime/model.js';
import { analyzeSeccomp, type SeccompIssue, type SeccompIssueKind } from '../../profiles/seccomp/analyze.js';
import { containerCaps, type EvalContext } from '../../profiles/seccomp/evaluate.js';
import { analyzeAppArmorDoc, type AppArmorIssue, type AppArmorIssueKind } from '../../profiles/apparmor/analyze.js';
import type { SeccompProfile } from '../../profiles/seccomp/profile.js';
import type { AaDocument } from '../../profiles/apparmor/parse.js';
import { hit, who } from './types.js';

/** Profiles are judged for the x86-64 ABI (the architecture Docker's default and the syscall table are read for). */
export function specContext(spec: ContainerSpec): EvalContext {
  return { arch: 'amd64', caps: containerCaps(spec) };
}

const seccompCache = new WeakMap<SeccompProfile, Map<string, SeccompIssue[]>>();

export function seccompIssues(spec: ContainerSpec, kind: SeccompIssueKind): SeccompIssue[] {
  const profile = spec.securityOpt.seccompProfile?.profile;
  if (!profile || spec.privileged) return [];
  const ctx = specContext(spec);
  const key = [...ctx.caps].sort().join(',');
  let byCtx = seccompCache.get(profile);
  if (!byCtx) seccompCache.set(profile, (byCtx = new Map()));
  let issues = byCtx.get(key);
  if (!issues) byCtx.set(key, (issues = analyzeSeccomp(profile, ctx)));
  return issues.filter((i) => i.kind === kind);
}

const aaCache = new WeakMap<AaDocument, AppArmorIssue[]>();

export function apparmorIssues(spec: ContainerSpec, kind: AppArmorIssueKind): AppArmorIssue[] {
  const doc = spec.securityOpt.apparmorProfile?.doc;
  if (!doc || spec.privileged) return [];
  let issues = aaCache.get(doc);
  if (!issues) aaCache.set(doc, (issues = analyzeAppArmorDoc(doc)));
  return issues.filter((i) => i.kind === kind);
}

/** A finding about a line of a profile file: located at the profile when the container has no file of its own. */
export function profileHit(
  meta: RuleMeta,
  spec: ContainerSpec,
  opt: 'seccomp' | 'apparmor',
  init: { key: string; message: string; line?: number; severity?: Severity; evidence?: Record<string, unknown> },
): Finding {
  const ref = opt === 'seccomp' ? spec.securityOpt.seccompProfile : spec.securityOpt.apparmorProfile;
  const path = ref?.path;
  const f = hit(meta, spec, {
    fields: [`securityOpt.${opt}`, 'securityOpt'],
    key: `${opt}|${init.key}`,
    message: `${who(spec)}: ${init.message}`,
    severity: init.severity,
    evidence: { profile: path ?? `inline ${opt} profile`, ...(init.line ? { line: init.line } : {}), ...init.evidence },
  });
  if (f.location.kind === 'runtime' && !f.location.file && path) {
    f.location.file = path;
    if (init.line) f.location.line = init.line;
  }
  return f;
}
