/**
 * Docker's seccomp profile format (moby profiles/seccomp, the JSON `--security-opt seccomp=FILE` takes):
 * types, and a validating reader that turns hostile or malformed input into one clear error, and unknown
 * syscall names into warnings (runc skips names libseccomp does not know, so such a rule silently does
 * nothing).
 */
import { parseJsonWithLines, JsonSyntaxError } from '../json-lines.js';
import { isKnownSyscall } from './syscalls.js';

export const SECCOMP_ACTIONS = [
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_TRAP',
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE',
  'SCMP_ACT_ALLOW',
  'SCMP_ACT_LOG',
  'SCMP_ACT_NOTIFY',
] as const;
export type SeccompAction = (typeof SECCOMP_ACTIONS)[number];

export const SECCOMP_OPS = ['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ'] as const;
export type SeccompOp = (typeof SECCOMP_OPS)[number];

export interface SeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: SeccompOp;
}

export interface SeccompFilter {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
}

export interface SeccompRule {
  names: string[];
  action: SeccompAction;
  errnoRet?: number;
  args?: SeccompArg[];
  includes?: SeccompFilter;
  excludes?: SeccompFilter;
  comment?: string;
  /** line of the rule in the profile file, when read from one */
  line?: number;
  /** line of each name, parallel to `names` */
  nameLines?: number[];
}

export interface SeccompProfile {
  defaultAction: SeccompAction;
  defaultErrnoRet?: number;
  architectures: string[];
  archMap: Array<{ architecture: string; subArchitectures: string[] }>;
  flags: string[];
  listenerPath?: string;
  syscalls: SeccompRule[];
  /** line of `defaultAction` */
  defaultActionLine?: number;
}

export interface ReadProfile {
  profile: SeccompProfile;
  warnings: string[];
}

/** Profiles larger than this are refused (Docker's default is 13 KB). */
export const MAX_PROFILE_BYTES = 4 * 1024 * 1024;

export class ProfileError extends Error {}

const SCMP_ARCHES = new Set([
  'SCMP_ARCH_NATIVE',
  'SCMP_ARCH_X86',
  'SCMP_ARCH_X86_64',
  'SCMP_ARCH_X32',
  'SCMP_ARCH_ARM',
  'SCMP_ARCH_AARCH64',
  'SCMP_ARCH_LOONGARCH64',
  'SCMP_ARCH_M68K',
  'SCMP_ARCH_MIPS',
  'SCMP_ARCH_MIPS64',
  'SCMP_ARCH_MIPS64N32',
  'SCMP_ARCH_MIPSEL',
  'SCMP_ARCH_MIPSEL64',
  'SCMP_ARCH_MIPSEL64N32',
  'SCMP_ARCH_PPC',
  'SCMP_ARCH_PPC64',
  'SCMP_ARCH_PPC64LE',
  'SCMP_ARCH_S390',
  'SCMP_ARCH_S390X',
  'SCMP_ARCH_PARISC',
  'SCMP_ARCH_PARISC64',
  'SCMP_ARCH_RISCV64',
  'SCMP_ARCH_SH',
  'SCMP_ARCH_SHEB',
]);

type J = Record<string, unknown>;
const isObj = (v: unknown): v is J => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parse and validate profile text. Throws ProfileError with a one-line reason (and the line) when the text
 * is not a seccomp profile Docker would accept.
 */
export function parseSeccompProfile(text: string, where = 'profile'): ReadProfile {
  if (text.length > MAX_PROFILE_BYTES) throw new ProfileError(`${where}: larger than ${MAX_PROFILE_BYTES} bytes`);
  let doc;
  try {
    doc = parseJsonWithLines(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new ProfileError(`${where}: malformed JSON: ${e.message}`);
    throw e;
  }
  const warnings: string[] = [];
  const v = doc.value;
  const at = (path: string) => {
    const l = doc.lineOf(path);
    return l ? ` (line ${l})` : '';
  };
  const bad = (path: string, msg: string): never => {
    throw new ProfileError(`${where}: not a seccomp profile: ${path ? `${path}: ` : ''}${msg}${at(path)}`);
  };
  if (!isObj(v)) return bad('', 'the document is not a JSON object');
  const action = (path: string, a: unknown): SeccompAction => {
    if (typeof a !== 'string') return bad(path, 'must be a string');
    if (!(SECCOMP_ACTIONS as readonly string[]).includes(a)) return bad(path, `unknown action "${a}" (expected one of ${SECCOMP_ACTIONS.join(', ')})`);
    return a as SeccompAction;
  };
  const strList = (path: string, x: unknown): string[] => {
    if (x === undefined || x === null) return [];
    if (!Array.isArray(x) || !x.every((s) => typeof s === 'string')) return bad(path, 'must be a list of strings');
    return x as string[];
  };
  const u32 = (path: string, x: unknown): number | undefined => {
    if (x === undefined || x === null) return undefined;
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 0xffffffff) return bad(path, 'must be a non-negative integer');
    return x;
  };
  if (v.defaultAction === undefined) bad('', 'no "defaultAction"');
  const profile: SeccompProfile = {
    defaultAction: action('defaultAction', v.defaultAction),
    defaultErrnoRet: u32('defaultErrnoRet', v.defaultErrnoRet),
    architectures: strList('architectures', v.architectures),
    archMap: [],
    flags: strList('flags', v.flags),
    syscalls: [],
    defaultActionLine: doc.lineOf('defaultAction'),
  };
  if (typeof v.listenerPath === 'string' && v.listenerPath) profile.listenerPath = v.listenerPath;
  for (const [k, a] of profile.architectures.entries()) if (!SCMP_ARCHES.has(a)) warnings.push(`architectures[${k}]: unknown architecture "${a}"${at(`architectures.${k}`)}`);
  if (v.archMap !== undefined && v.archMap !== null) {
    if (!Array.isArray(v.archMap)) bad('archMap', 'must be a list');
    (v.archMap as unknown[]).forEach((m, k) => {
      if (!isObj(m) || typeof m.architecture !== 'string') bad(`archMap.${k}`, 'needs "architecture"');
      const am = m as J;
      profile.archMap.push({ architecture: am.architecture as string, subArchitectures: strList(`archMap.${k}.subArchitectures`, am.subArchitectures) });
    });
  }
  if (profile.architectures.length && profile.archMap.length) bad('', '"architectures" and "archMap" cannot both be set');
  const syscalls = v.syscalls ?? [];
  if (!Array.isArray(syscalls)) bad('syscalls', 'must be a list');
  (syscalls as unknown[]).forEach((s, k) => {
    const p = `syscalls.${k}`;
    if (!isObj(s)) return bad(p, 'must be an object');
    let names: string[];
    let nameLines: number[];
    if (s.name !== undefined && s.name !== '') {
      // the pre-1.12 form: one "name" per rule
      if (s.names !== undefined && s.names !== null && (!Array.isArray(s.names) || s.names.length)) bad(p, '"name" and "names" cannot both be set');
      if (typeof s.name !== 'string') bad(`${p}.name`, 'must be a string');
      names = [s.name as string];
      nameLines = [doc.lineOf(`${p}.name`) ?? 0];
    } else {
      names = strList(`${p}.names`, s.names);
      nameLines = names.map((_, j) => doc.lineOf(`${p}.names.${j}`) ?? 0);
    }
    const rule: SeccompRule = { names, action: action(`${p}.action`, s.action), nameLines, line: doc.lineOf(p) };
    const er = u32(`${p}.errnoRet`, s.errnoRet);
    if (er !== undefined) rule.errnoRet = er;
    if (typeof s.comment === 'string') rule.comment = s.comment;
    if (s.args !== undefined && s.args !== null) {
      if (!Array.isArray(s.args)) bad(`${p}.args`, 'must be a list');
      const args: SeccompArg[] = [];
      (s.args as unknown[]).forEach((a, j) => {
        const ap = `${p}.args.${j}`;
        if (!isObj(a)) return bad(ap, 'must be an object');
        const index = u32(`${ap}.index`, a.index) ?? 0;
        if (index > 5) bad(`${ap}.index`, 'a syscall has at most 6 arguments (index 0-5)');
        if (typeof a.op !== 'string' || !(SECCOMP_OPS as readonly string[]).includes(a.op)) bad(`${ap}.op`, `unknown operator ${JSON.stringify(a.op)}`);
        const num = (x: unknown, f: string): number => {
          if (x === undefined || x === null) return 0;
          if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) return bad(`${ap}.${f}`, 'must be a non-negative integer');
          if (x > Number.MAX_SAFE_INTEGER) warnings.push(`${ap}.${f}: ${x} is beyond 2^53 and may have lost precision${at(`${ap}.${f}`)}`);
          return x;
        };
        const arg: SeccompArg = { index, value: num(a.value, 'value'), op: a.op as SeccompOp };
        if (a.valueTwo !== undefined && a.valueTwo !== null) arg.valueTwo = num(a.valueTwo, 'valueTwo');
        args.push(arg);
      });
      if (args.length) rule.args = args;
    }
    for (const f of ['includes', 'excludes'] as const) {
      const x = s[f];
      if (x === undefined || x === null) continue;
      if (!isObj(x)) return bad(`${p}.${f}`, 'must be an object');
      const filt: SeccompFilter = {};
      const caps = strList(`${p}.${f}.caps`, x.caps);
      const arches = strList(`${p}.${f}.arches`, x.arches);
      if (caps.length) filt.caps = caps;
      if (arches.length) filt.arches = arches;
      if (x.minKernel !== undefined && x.minKernel !== null) {
        // moby's KernelVersion: a string "<kernel>.<major>" (each 0-255, not 0.0); "" means unset
        const mk = x.minKernel;
        const m = typeof mk === 'string' ? /^(\d+)\.(\d+)$/.exec(mk) : null;
        if (typeof mk !== 'string' || (mk !== '' && (!m || Number(m[1]) > 255 || Number(m[2]) > 255 || (Number(m[1]) === 0 && Number(m[2]) === 0))))
          bad(`${p}.${f}.minKernel`, `invalid kernel version ${JSON.stringify(mk)}, expected "<kernel>.<major>"`);
        if (mk !== '') filt.minKernel = mk as string;
      }
      if (Object.keys(filt).length) rule[f] = filt;
    }
    names.forEach((nm, j) => {
      if (!isKnownSyscall(nm)) warnings.push(`unknown syscall "${nm}" in syscalls[${k}]${nameLines[j] ? ` (line ${nameLines[j]})` : ''}: no kernel architecture has it, the rule does nothing for it`);
    });
    profile.syscalls.push(rule);
  });
  return { profile, warnings };
}

/** Serialise a profile in Docker's layout (tabs, the key order of moby's default.json). */
export function formatSeccompProfile(p: SeccompProfile): string {
  const out: Record<string, unknown> = { defaultAction: p.defaultAction };
  if (p.defaultErrnoRet !== undefined) out.defaultErrnoRet = p.defaultErrnoRet;
  if (p.archMap.length) out.archMap = p.archMap;
  else if (p.architectures.length) out.architectures = p.architectures;
  if (p.flags.length) out.flags = p.flags;
  out.syscalls = p.syscalls.map((r) => {
    const o: Record<string, unknown> = { names: r.names, action: r.action };
    if (r.errnoRet !== undefined) o.errnoRet = r.errnoRet;
    if (r.args?.length) o.args = r.args.map((a) => ({ index: a.index, value: a.value, ...(a.valueTwo !== undefined ? { valueTwo: a.valueTwo } : {}), op: a.op }));
    if (r.comment) o.comment = r.comment;
    if (r.includes) o.includes = r.includes;
    if (r.excludes) o.excludes = r.excludes;
    return o;
  });
  return JSON.stringify(out, null, '\t') + '\n';
}
