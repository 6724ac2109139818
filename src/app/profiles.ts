/**
 * Use cases of `bulwark profile`: generate a seccomp or AppArmor profile from what a workload does, and check
 * a profile file (findings, and for seccomp the delta against Docker's default profile).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Report } from '../core/report.js';
import { InputError, UserError } from '../core/errors.js';
import { TOOL_VERSION } from '../core/version.js';
import { emptySpec, type ContainerSpec } from '../runtime/model.js';
import { checkContainer } from '../analyzers/runtime/index.js';
import { record, type RecordTarget, type Recording } from '../profiles/generate/record.js';
import { seccompFromTrace, type GeneratedSeccomp } from '../profiles/generate/seccomp.js';
import { apparmorFromTrace, validateAppArmor, type GeneratedAppArmor } from '../profiles/generate/apparmor.js';
import { containerCaps, hostContext, type EvalContext } from '../profiles/seccomp/evaluate.js';
import { seccompDelta, type SeccompDelta } from '../profiles/seccomp/delta.js';
import { loadSeccomp, readBounded } from '../profiles/resolve.js';
import { parseAppArmor, AppArmorSyntaxError } from '../profiles/apparmor/parse.js';
import { MAX_PROFILE_BYTES } from '../profiles/seccomp/profile.js';

export interface TargetOptions {
  /** `docker run ...` argv */
  run?: string[];
  container?: string;
  compose?: string[];
  service?: string;
}

/** Exactly one of: a docker run line, --container, --compose with --service. */
export function recordTarget(o: TargetOptions): RecordTarget {
  const given = [o.run?.length ? 'docker run' : '', o.container ? '--container' : '', o.compose?.length ? '--compose' : ''].filter(Boolean);
  if (given.length !== 1) throw new UserError(`give one workload: -- docker run ..., --container NAME, or --compose FILE --service NAME${given.length ? ` (got ${given.join(', ')})` : ''}`);
  if (o.run?.length) return { kind: 'run', args: o.run };
  if (o.container) return { kind: 'container', name: o.container };
  if (!o.service) throw new UserError('--compose needs --service NAME');
  return { kind: 'compose', files: o.compose!, service: o.service };
}

export interface GenerateOptions {
  target: RecordTarget;
  durationMs: number;
  exercise?: string;
  busybox?: string;
  log?: (msg: string) => void;
  signal?: AbortSignal;
}

export interface SeccompGeneration {
  recording: Recording;
  generated: GeneratedSeccomp;
  ctx: EvalContext;
}

function ctxOf(spec: ContainerSpec): EvalContext {
  return hostContext(containerCaps(spec));
}

/** Record the workload and write a least-privilege seccomp profile from it. */
export async function generateSeccompProfile(opts: GenerateOptions): Promise<SeccompGeneration> {
  const recording = await record(opts);
  const ctx = ctxOf(recording.container.spec);
  const generated = seccompFromTrace(recording.trace, { startupObserved: recording.startupObserved, ctx });
  return { recording, generated, ctx };
}

export interface AppArmorGeneration {
  recording: Recording;
  generated: GeneratedAppArmor;
}

export function defaultAppArmorName(image: string): string {
  const base = image.replace(/@.*$/, '').replace(/:[^/]*$/, '').split('/').pop() ?? 'container';
  return `bulwark-${base.replace(/[^A-Za-z0-9_.-]/g, '-') || 'container'}`;
}

/** Record the workload and write an AppArmor profile from its configuration and file accesses; validate it. */
export async function generateAppArmorProfile(opts: GenerateOptions & { name?: string }): Promise<AppArmorGeneration> {
  if (opts.name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(opts.name)) throw new UserError(`--name '${opts.name}': a profile name is letters, digits, '.', '_' and '-'`);
  const recording = await record(opts);
  const name = opts.name ?? defaultAppArmorName(recording.container.image);
  const g = apparmorFromTrace(recording.trace, recording.container.spec, name);
  return { recording, generated: { ...g, validation: validateAppArmor(g.text) } };
}

export interface ProfileCheck {
  kind: 'seccomp' | 'apparmor';
  report: Report;
  delta?: SeccompDelta;
}

/**
 * Check a profile file as a container with the given capabilities would use it: the seccomp and AppArmor
 * rules' findings (located at the profile's lines) and, for seccomp, the delta against Docker's default.
 */
export function checkProfileFile(file: string, opts: { capAdd?: string[]; capDrop?: string[]; privileged?: boolean } = {}): ProfileCheck {
  const path = resolve(file);
  let text: string;
  try {
    if (statSync(path).isDirectory()) throw new InputError(`${file} is a directory`);
    text = readBounded(path, MAX_PROFILE_BYTES);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new InputError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const spec = emptySpec('run-args', file);
  spec.capAdd = (opts.capAdd ?? []).map((c) => c.toUpperCase().replace(/^CAP_/, ''));
  spec.capDrop = (opts.capDrop ?? []).map((c) => c.toUpperCase().replace(/^CAP_/, ''));
  spec.at[''] = { field: 'profile' };
  const kind = text.trimStart().startsWith('{') ? 'seccomp' : 'apparmor';
  const warnings: string[] = [];
  let delta: SeccompDelta | undefined;
  if (kind === 'seccomp') {
    const ref = loadSeccomp(text, 'inline');
    if (ref.error) throw new InputError(ref.error.replace(/^inline seccomp profile/, file));
    ref.origin = 'file';
    ref.path = path;
    spec.securityOpt.seccomp = file;
    spec.securityOpt.seccompProfile = ref;
    warnings.push(...ref.warnings.map((w) => `${file}: ${w}`));
    delta = seccompDelta(ref.profile!, ctxOf(spec));
  } else {
    let doc;
    try {
      doc = parseAppArmor(text);
    } catch (e) {
      if (e instanceof AppArmorSyntaxError) throw new InputError(`${file}: not an AppArmor profile: ${e.message}`);
      throw e;
    }
    if (!doc.profiles.length) throw new InputError(`${file}: neither a seccomp profile (JSON) nor an AppArmor profile (no profile block)`);
    warnings.push(...doc.warnings.map((w) => `${file}: ${w}`));
    spec.securityOpt.apparmor = doc.profiles[0]!.name;
    spec.securityOpt.apparmorProfile = { name: doc.profiles[0]!.name, path, doc };
  }
  const findings = checkContainer(spec).filter((f) => f.ruleId.startsWith(kind === 'seccomp' ? 'BW-SECCOMP-' : 'BW-APPARMOR-'));
  const report: Report = {
    tool: { name: 'bulwark', version: TOOL_VERSION },
    targets: [{ type: `${kind}-profile`, name: file }],
    findings,
    summary: delta
      ? { profile: file, kind, allowed: delta.allowed.length, dockerDefaultAllowed: delta.baseAllowed.length, added: delta.added, removed: delta.removed, filterChanged: delta.filterChanged }
      : { profile: file, kind },
  };
  if (warnings.length) report.warnings = warnings;
  return { kind, report, delta };
}

/** Read a profile the user passes to `harden --seccomp-profile`: it must be a valid seccomp profile. */
export function readSeccompProfileFile(file: string): { path: string; warnings: string[] } {
  const path = resolve(file);
  let text: string;
  try {
    text = readBounded(path, MAX_PROFILE_BYTES);
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const ref = loadSeccomp(text, 'inline');
  if (ref.error) throw new InputError(ref.error.replace(/^inline seccomp profile/, file));
  return { path, warnings: ref.warnings };
}
