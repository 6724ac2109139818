/**
 * An AppArmor profile from the container's configuration and the files it was seen to use, in the spirit of
 * bane (genuinetools/bane): capabilities from the container's bounding set, network families from the
 * sockets it opened, file rules from what it read, wrote and executed (grouped by directory), and
 * docker-default's deny rules for /proc and /sys kept verbatim. Validated with `apparmor_parser -Q`
 * (compile only, never loaded).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { ContainerSpec } from '../../runtime/model.js';
import { containerCaps } from '../seccomp/evaluate.js';
import type { FileAccess, TraceSummary } from '../trace/parse.js';
import { analyzeAppArmor, type AppArmorIssue } from '../apparmor/analyze.js';

export interface GeneratedAppArmor {
  name: string;
  text: string;
  /** file rules written (after grouping) */
  fileRules: number;
  validation: AppArmorValidation;
  /** the profile's own analysis (should be empty) */
  issues: AppArmorIssue[];
}

export interface AppArmorValidation {
  /** false when apparmor_parser was not run */
  ran: boolean;
  ok: boolean;
  message: string;
  /** whether this kernel can load AppArmor profiles at all */
  kernelHasAppArmor: boolean;
}

/** docker-default's deny rules (moby profiles/apparmor/template.go at docker-v29.7.2). */
const DOCKER_DEFAULT_DENIES = [
  'deny @{PROC}/* w,   # deny write for all files directly in /proc (not in a subdir)',
  'deny @{PROC}/{[^1-9/],[^1-9/][^0-9/],[^1-9s/][^0-9y/][^0-9s/],[^1-9/][^0-9/][^0-9/][^0-9/]*}/** w,',
  'deny @{PROC}/sys/[^k]** w,',
  'deny @{PROC}/sys/kernel/{?,??,[^s][^h][^m]**} w,',
  'deny @{PROC}/sysrq-trigger rwklx,',
  'deny @{PROC}/kcore rwklx,',
  'deny mount,',
  'deny /sys/[^f]*/** wklx,',
  'deny /sys/f[^s]*/** wklx,',
  'deny /sys/fs/[^c]*/** wklx,',
  'deny /sys/fs/c[^g]*/** wklx,',
  'deny /sys/fs/cg[^r]*/** wklx,',
  'deny /sys/firmware/** rwklx,',
  'deny /sys/devices/virtual/powercap/** rwklx,',
  'deny /sys/kernel/security/** rwklx,',
];

const NET_FAMILY: Record<number, string> = { 1: 'unix', 2: 'inet', 10: 'inet6', 16: 'netlink', 17: 'packet' };
const NET_TYPE: Record<string, string> = { '1': 'stream', '2': 'dgram', '3': 'raw', '5': 'seqpacket' };

/** AppArmor-safe path: quote when it has spaces or glob characters the workload did not mean as globs. */
function quotePath(p: string): string {
  const escaped = p.replace(/([*?[\]{}\\])/g, '\\$1');
  return /[\s"]/.test(escaped) ? `"${escaped.replace(/"/g, '\\"')}"` : escaped;
}

/** /proc/1234/..., /proc/self/... → @{PROC}/@{pid}/... */
function procPath(p: string): string | undefined {
  const m = /^\/proc\/(self|thread-self|\d+)(\/.*)?$/.exec(p);
  if (m) {
    let rest = m[2] ?? '';
    rest = rest.replace(/^\/task\/\d+/, '/task/@{tid}');
    return `@{PROC}/@{pid}${m[1] === 'thread-self' ? '/task/@{tid}' : ''}${rest.replace(/([*?[\]{}\\])/g, '\\$1')}`;
  }
  if (p === '/proc' || p.startsWith('/proc/')) return `@{PROC}${p.slice(5).replace(/([*?[\]{}\\])/g, '\\$1')}`;
  return undefined;
}

function permsOf(a: FileAccess): string {
  let s = '';
  if (a.map) s += 'm';
  if (a.read || a.exec || a.map) s += 'r';
  if (a.write || a.create) s += 'wk';
  if (a.exec) s += 'ix';
  return s || 'r';
}

function mergePerms(a: string, b: string): string {
  const order = 'mrwkix';
  const set = new Set([...a, ...b]);
  return [...order].filter((c) => set.has(c)).join('');
}

/** Group the recorded files into rules: a directory with many files, or any file created in it, becomes `dir/**`. */
export function fileRules(files: Map<string, FileAccess>, opts: { groupAt?: number } = {}): string[] {
  const groupAt = opts.groupAt ?? 4;
  const byDir = new Map<string, Array<[string, FileAccess]>>();
  const rules = new Map<string, string>();
  const add = (path: string, perms: string) => rules.set(path, mergePerms(rules.get(path) ?? '', perms));
  for (const [p, a] of files) {
    if (p.startsWith('/.bulwark-profile')) continue;
    const proc = procPath(p);
    if (proc) {
      add(a.dir ? `${proc}/` : proc, permsOf(a).replace('k', '').replace('ix', ''));
      continue;
    }
    if (p === '/') {
      add('/', 'r');
      continue;
    }
    const dir = posix.dirname(p);
    let list = byDir.get(dir);
    if (!list) byDir.set(dir, (list = []));
    list.push([p, a]);
  }
  for (const [dir, list] of byDir) {
    const created = list.some(([, a]) => a.create);
    const libs = list.filter(([, a]) => a.map).length;
    if (created || list.length >= groupAt || libs >= 2) {
      let perms = '';
      for (const [, a] of list) perms = mergePerms(perms, permsOf(a));
      if (created) perms = mergePerms(perms, 'rwk');
      // executables keep their own rule: `ix` on a whole directory would let anything written there run
      const execs = list.filter(([, a]) => a.exec);
      add(`${dir === '/' ? '' : quotePath(dir)}/**`, perms.replace('ix', ''));
      for (const [p, a] of execs) add(quotePath(p), permsOf(a));
      if (created) add(`${dir === '/' ? '' : quotePath(dir)}/`, 'r');
      continue;
    }
    for (const [p, a] of list) add(a.dir ? `${quotePath(p)}/` : quotePath(p), permsOf(a));
  }
  return [...rules.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([p, perms]) => `${p} ${perms},`);
}

export function apparmorFromTrace(trace: TraceSummary, spec: ContainerSpec, name: string, opts: { etcApparmor?: string } = {}): Omit<GeneratedAppArmor, 'validation'> {
  const etc = opts.etcApparmor ?? '/etc/apparmor.d';
  const lines: string[] = [];
  lines.push(`# AppArmor profile for ${spec.image ?? spec.name}, generated by bulwark from the container's`);
  lines.push('# configuration and the files it used while recorded; the deny rules are docker-default\'s.');
  lines.push(`# Load it: apparmor_parser -r -W FILE; run with --security-opt apparmor=${name}`);
  lines.push('abi <abi/3.0>,');
  lines.push('');
  if (existsSync(join(etc, 'tunables/global'))) lines.push('#include <tunables/global>');
  else lines.push('@{PROC}=/proc/');
  lines.push('');
  lines.push(`profile ${name} flags=(attach_disconnected,mediate_deleted) {`);
  if (existsSync(join(etc, 'abstractions/base'))) lines.push('  #include <abstractions/base>', '');
  const caps = [...containerCaps(spec)].map((c) => c.replace(/^CAP_/, '').toLowerCase()).sort();
  if (caps.length) lines.push(`  # the container's capability set`, `  capability ${caps.join(' ')},`, '');
  const nets = new Set<string>();
  for (const s of trace.sockets) {
    const [fam, ty] = s.split('/');
    const f = NET_FAMILY[Number(fam)];
    if (!f) continue;
    const t = NET_TYPE[ty ?? ''];
    nets.add(f === 'unix' || f === 'netlink' || !t ? `network ${f},` : `network ${f} ${t},`);
  }
  if (nets.size) lines.push('  # address families the workload opened sockets in', ...[...nets].sort().map((n) => `  ${n}`), '');
  const files = fileRules(trace.files);
  lines.push(`  # files the workload used (${trace.files.size} paths recorded)`, ...files.map((f) => `  ${f}`), '');
  lines.push('  signal (receive) peer=unconfined,', '  signal (receive) peer=runc,', `  signal (send,receive) peer=${name},`, `  ptrace (trace,tracedby,read,readby) peer=${name},`, '');
  lines.push("  # docker-default's denies", ...DOCKER_DEFAULT_DENIES.map((d) => `  ${d}`));
  lines.push('}', '');
  const text = lines.join('\n');
  return { name, text, fileRules: files.length, issues: analyzeAppArmor(text).issues };
}

export function kernelHasAppArmor(): boolean {
  try {
    return /^Y/.test(readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8'));
  } catch {
    return false;
  }
}

/** Compile the profile with apparmor_parser without loading it (-Q), with no cache (-K). */
export function validateAppArmor(text: string, parser = 'apparmor_parser'): AppArmorValidation {
  const kernel = kernelHasAppArmor();
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-aa-'));
  try {
    const file = join(dir, 'profile');
    writeFileSync(file, text);
    const r = spawnSync(parser, ['-Q', '-K', file], { encoding: 'utf8', timeout: 60_000 });
    if (r.error) return { ran: false, ok: false, kernelHasAppArmor: kernel, message: `${parser} not run: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message} (Debian package apparmor)` };
    const errText = (r.stderr || '').split('\n').filter((l) => l.trim() && !/^Cache read\/write disabled/.test(l)).join('; ');
    if (r.status !== 0) return { ran: true, ok: false, kernelHasAppArmor: kernel, message: `apparmor_parser rejected the profile: ${errText || `exit ${r.status}`}` };
    return {
      ran: true,
      ok: true,
      kernelHasAppArmor: kernel,
      message: `apparmor_parser -Q accepted the profile; it was not loaded${kernel ? '' : ': this kernel has no AppArmor'}`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
