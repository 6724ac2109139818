/**
 * Fill a container's profile fields from what its configuration names: read the seccomp profile file (run
 * lines and compose: relative to the directory the line or file is in; Kubernetes Localhost profiles:
 * under the kubelet's seccomp root), parse the inline JSON the engine stores for live containers, find the
 * AppArmor profile text a name refers to, and read the live process's seccomp mode. The rules stay pure
 * functions of the filled-in spec.
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { ContainerSpec } from '../runtime/model.js';
import { MAX_PROFILE_BYTES, parseSeccompProfile, ProfileError } from './seccomp/profile.js';
import { parseAppArmor, AppArmorSyntaxError } from './apparmor/parse.js';
import { seccompMode } from './generate/docker.js';
import type { AppArmorRef, SeccompRef } from './types.js';

export interface ResolveOptions {
  /** where relative profile paths start (the cwd for run lines, the compose file's directory) */
  baseDir?: string;
  /** read /proc/PID/status of live containers (only when the engine runs on this machine) */
  live?: boolean;
  /** where AppArmor profiles are looked up (default /etc/apparmor.d) */
  apparmorDir?: string;
  /** the kubelet's seccomp root for Localhost profiles (default /var/lib/kubelet/seccomp) */
  kubeletSeccompRoot?: string;
  procRoot?: string;
}

const MAX_APPARMOR_FILES = 2_000;
const MAX_APPARMOR_BYTES = 1024 * 1024;
/** names Docker resolves itself, not files */
const BUILTIN_SECCOMP = new Set(['', 'unconfined', 'builtin', 'default', 'runtime/default', 'docker/default']);
const BUILTIN_APPARMOR = new Set(['', 'unconfined', 'docker-default', 'runtime/default']);

/** Read at most `max` bytes of a file; throws when it is larger or unreadable. */
export function readBounded(path: string, max: number): string {
  const st = statSync(path);
  if (!st.isFile()) throw new Error('not a regular file');
  if (st.size > max) throw new Error(`larger than ${max} bytes`);
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(st.size, max) + 1);
    const n = readSync(fd, buf, 0, buf.length, 0);
    if (n > max) throw new Error(`larger than ${max} bytes`);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Read and parse a seccomp profile from a file or from inline JSON. */
export function loadSeccomp(value: string, origin: SeccompRef['origin'], baseDir = process.cwd()): SeccompRef {
  if (value.trimStart().startsWith('{')) origin = origin === 'file' ? 'inline' : origin;
  const ref: SeccompRef = { origin, warnings: [] };
  let text = value;
  if (origin !== 'inline') {
    const path = isAbsolute(value) ? value : resolve(baseDir, value);
    ref.path = path;
    try {
      text = readBounded(path, MAX_PROFILE_BYTES);
    } catch (e) {
      ref.error = `cannot read seccomp profile ${path}: ${(e as Error).message}`;
      return ref;
    }
  }
  try {
    const r = parseSeccompProfile(text, ref.path ?? 'inline seccomp profile');
    ref.profile = r.profile;
    ref.warnings = r.warnings;
  } catch (e) {
    if (!(e instanceof ProfileError)) throw e;
    ref.error = e.message;
  }
  return ref;
}

/** Find the file under `dir` that defines AppArmor profile `name` and parse it. */
export function findAppArmorProfile(name: string, dir = '/etc/apparmor.d'): AppArmorRef {
  const ref: AppArmorRef = { name };
  if (!existsSync(dir)) return ref;
  const wanted = new RegExp(`(^|\\n)\\s*(profile\\s+)?"?${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"?[\\s{]`);
  const queue = [dir];
  let seen = 0;
  while (queue.length && seen < MAX_APPARMOR_FILES) {
    const d = queue.shift()!;
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      continue;
    }
    for (const n of names) {
      if (++seen > MAX_APPARMOR_FILES) break;
      const p = join(d, n);
      // abstractions and tunables are fragments, not profiles; disable/ holds links to switched-off ones
      if (['abstractions', 'tunables', 'disable', 'cache', 'force-complain', 'local', 'abi'].includes(n) && d === dir) continue;
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        queue.push(p);
        continue;
      }
      if (!st.isFile() || st.size > MAX_APPARMOR_BYTES) continue;
      let text: string;
      try {
        text = readBounded(p, MAX_APPARMOR_BYTES);
      } catch {
        continue;
      }
      if (!wanted.test(text)) continue;
      try {
        const doc = parseAppArmor(text);
        if (!doc.profiles.some((pr) => pr.name === name)) continue;
        return { name, path: p, doc };
      } catch (e) {
        if (!(e instanceof AppArmorSyntaxError)) throw e;
        return { name, path: p, error: `${p}: ${e.message}` };
      }
    }
  }
  return ref;
}

export function resolveProfiles(spec: ContainerSpec, opts: ResolveOptions = {}): ContainerSpec {
  const so = spec.securityOpt;
  const sc = so.seccomp;
  if (sc !== undefined && !BUILTIN_SECCOMP.has(sc.trim())) {
    if (spec.frontEnd === 'container' || sc.trimStart().startsWith('{')) so.seccompProfile = loadSeccomp(sc, 'inline');
    else if (/^localhost\//.test(sc)) {
      // Kubernetes: seccompProfile {type: Localhost, localhostProfile: path} under the kubelet's seccomp root
      so.seccompProfile = loadSeccomp(sc.replace(/^localhost\//, ''), 'k8s', opts.kubeletSeccompRoot ?? '/var/lib/kubelet/seccomp');
    } else so.seccompProfile = loadSeccomp(sc, 'file', opts.baseDir ?? process.cwd());
  }
  const aa = so.apparmor;
  if (aa !== undefined && !BUILTIN_APPARMOR.has(aa.trim())) {
    const r = findAppArmorProfile(aa.replace(/^localhost\//, ''), opts.apparmorDir);
    if (r.doc || r.error) so.apparmorProfile = r;
  }
  if (opts.live && spec.pid && spec.state === 'running' && isContainerProcess(spec.pid, spec.containerId, opts.procRoot)) {
    const m = seccompMode(spec.pid, opts.procRoot);
    if (m !== undefined) spec.seccompMode = m;
  }
  return spec;
}

/**
 * Is /proc/PID the container's process (and not another one with the same number, as when Bulwark itself
 * runs in a container with its own PID namespace)? Its cgroup path names the container ID (cgroupfs:
 * /docker/ID, systemd: docker-ID.scope).
 */
export function isContainerProcess(pid: number, id: string | undefined, procRoot = '/proc'): boolean {
  if (!id) return false;
  try {
    // procfs files report size 0: read them whole (they are small)
    return readFileSync(`${procRoot}/${pid}/cgroup`, 'utf8').includes(id);
  } catch {
    return false;
  }
}

/** The warnings of the profiles the containers name (unknown syscall names, ...), once per profile file. */
export function profileWarnings(specs: ContainerSpec[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const s of specs) {
    const ref = s.securityOpt.seccompProfile;
    if (!ref?.warnings.length) continue;
    const where = ref.path ?? `inline seccomp profile of ${s.service ?? s.container ?? s.name}`;
    if (seen.has(where)) continue;
    seen.add(where);
    for (const w of ref.warnings) out.push(`${where}: ${w}`);
  }
  return out;
}
