/**
 * Reads strace's output (`strace -f -X raw -s 0 -e signal=none -o FILE`: one `PID  call(args) = ret` line
 * per syscall, `<unfinished ...>` / `<... call resumed>` pairs when threads interleave) into what a profile
 * generator needs: every syscall with its outcome, the files each process opened or executed, the socket
 * families, and the processes and threads seen. Fed line by line; memory is bounded whatever the trace size.
 */
import { posix } from 'node:path';
import { x86_64Name } from '../seccomp/syscalls.js';

export interface SyscallStats {
  calls: number;
  /** calls that returned without an error */
  ok: number;
  /** errno name → count */
  errors: Record<string, number>;
}

export interface FileAccess {
  read: boolean;
  write: boolean;
  exec: boolean;
  /** created, removed, renamed or linked: needs write on the path */
  create: boolean;
  /** opened as a shared library / mapped for execution */
  map: boolean;
  /** opened as a directory (O_DIRECTORY) */
  dir: boolean;
}

export interface TraceSummary {
  syscalls: Map<string, SyscallStats>;
  files: Map<string, FileAccess>;
  /** socket(domain, type) pairs: `2/1` = AF_INET/SOCK_STREAM */
  sockets: Set<string>;
  /** values of personality(2) calls */
  personalities: Set<number>;
  /** clone calls that asked for a namespace flag */
  namespaceClones: number;
  /** distinct task ids that made a recorded syscall */
  tasks: number;
  /** tasks created with CLONE_THREAD */
  threads: number;
  /** programs executed (successful execve) */
  execs: string[];
  /** syscall names strace printed as syscall_0xNNN and no table knows */
  unknown: string[];
  /** paths not recorded because the file table was full */
  droppedPaths: number;
  /** relative paths whose directory fd was not known */
  unresolvedPaths: number;
  lines: number;
}

const MAX_FILES = 50_000;
const MAX_EXECS = 1_000;
const CLONE_THREAD = 0x10000;
const NS_FLAGS = 0x7e020000;
const AT_FDCWD = -100;

interface Pending {
  name: string;
  args: string;
}

interface Task {
  /** gate closed: syscalls are the start-up helper's, not the workload's */
  gated: boolean;
  cwd: string;
  /** the task changed directory itself (so its cwd is not its parent's) */
  ownCwd?: boolean;
  /** the task was first seen in its own lines, before its parent's clone returned */
  early?: boolean;
  pending?: Pending;
}

/** Parse a number as strace prints it with -X raw: decimal, hex, or octal (0644). */
export function straceNum(s: string): number | undefined {
  const t = s.trim();
  if (/^-?\d+$/.test(t)) return t.length > 1 && t.startsWith('0') ? parseInt(t, 8) : Number(t);
  if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t, 16);
  return undefined;
}

/** Split the top-level arguments of `a, "b, c", {x=1, y=2}, [3, 4]`. */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) {
      // skip the string, escapes included
      for (i++; i < s.length && s.charCodeAt(i) !== 0x22; i++) if (s.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x7b || c === 0x5b || c === 0x28) depth++;
    else if (c === 0x7d || c === 0x5d || c === 0x29) depth--;
    else if (c === 0x2c && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = s.slice(start).trim();
  if (last !== '') out.push(last);
  return out;
}

/** Decode a strace quoted string ("..." with C escapes); undefined when it is not one (or was truncated). */
export function straceString(s: string): string | undefined {
  const t = s.trim();
  if (t.length < 2 || t[0] !== '"' || t[t.length - 1] !== '"') return undefined;
  const body = t.slice(1, -1);
  // most paths have no escape at all
  if (!body.includes('\\')) return body.includes('"') ? undefined : body;
  if (!/^(?:[^"\\]|\\.)*$/.test(body)) return undefined;
  return body.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', t: '\t', r: '\r', v: '\v', f: '\f' } as Record<string, string>)[e] ?? e;
  });
}

/** the syscalls whose arguments are read (files, sockets, children); the others are only counted */
const INSPECTED = new Set(['execve', 'execveat', 'open', 'creat', 'openat', 'openat2', 'mkdir', 'rmdir', 'unlink', 'symlink', 'mkdirat', 'unlinkat', 'mknodat', 'rename', 'link', 'renameat', 'renameat2', 'linkat', 'chdir', 'socket', 'personality', 'clone', 'clone3', 'fork', 'vfork']);

const O_ACCMODE = 3;
const O_WRONLY = 1;
const O_RDWR = 2;
const O_CREAT = 0x40;
const O_TRUNC = 0x200;
const O_APPEND = 0x400;
const O_PATH = 0x200000;
const O_DIRECTORY = 0x10000;

export class StraceParser {
  private readonly tasks = new Map<number, Task>();
  private readonly sum: TraceSummary = {
    syscalls: new Map(),
    files: new Map(),
    sockets: new Set(),
    personalities: new Set(),
    namespaceClones: 0,
    tasks: 0,
    threads: 0,
    execs: [],
    unknown: [],
    droppedPaths: 0,
    unresolvedPaths: 0,
    lines: 0,
  };
  private readonly unknown = new Set<string>();
  private readonly counted = new Set<number>();

  /**
   * @param gates task ids whose syscalls are ignored until their first successful execve (the helper that
   *   holds the workload until the tracer is attached)
   * @param cwd the working directory of the traced processes when tracing starts
   */
  constructor(
    gates: number[] = [],
    private readonly cwd = '/',
  ) {
    for (const g of gates) this.tasks.set(g, { gated: true, cwd });
  }

  private task(pid: number): Task {
    let t = this.tasks.get(pid);
    if (!t) {
      t = { gated: false, cwd: this.cwd, early: true };
      this.tasks.set(pid, t);
    }
    return t;
  }

  line(raw: string): void {
    this.sum.lines++;
    const m = /^(\d+)\s+(.*)$/.exec(raw);
    if (!m) return;
    const pid = Number(m[1]);
    const rest = m[2]!;
    const t = this.task(pid);
    if (rest.startsWith('+++') || rest.startsWith('---')) return;
    const resumed = /^<\.\.\. ([A-Za-z0-9_]+) resumed>(.*)$/.exec(rest);
    if (resumed) {
      const p = t.pending;
      t.pending = undefined;
      if (!p || p.name !== resumed[1]) return;
      this.complete(pid, t, p.name, p.args + resumed[2]!);
      return;
    }
    const call = /^([A-Za-z0-9_]+)\((.*)$/.exec(rest);
    if (!call) return;
    const name = call[1]!;
    const tail = call[2]!;
    if (/<unfinished \.\.\.>$/.test(tail)) {
      t.pending = { name, args: tail.replace(/\s*<unfinished \.\.\.>$/, '') };
      // count now: a call that never returns (exit, execve in another thread, a blocking read at detach) still ran
      if (!t.gated) this.count(pid, this.canonical(name));
      return;
    }
    if (!t.gated) this.count(pid, this.canonical(name));
    this.complete(pid, t, name, tail);
  }

  private canonical(name: string): string {
    const m = /^syscall_0x([0-9a-f]+)$/i.exec(name);
    if (!m) return name;
    const known = x86_64Name(parseInt(m[1]!, 16));
    if (known) return known;
    if (!this.unknown.has(name)) this.unknown.add(name);
    return name;
  }

  private count(pid: number, name: string): void {
    let s = this.sum.syscalls.get(name);
    if (!s) {
      s = { calls: 0, ok: 0, errors: {} };
      this.sum.syscalls.set(name, s);
    }
    s.calls++;
    if (!this.counted.has(pid)) {
      this.counted.add(pid);
      this.sum.tasks++;
    }
  }

  /** A finished call: `args) = ret [ERRNO (text)]` (its entry was counted when the line was read). */
  private complete(pid: number, t: Task, rawName: string, text: string): void {
    const name = this.canonical(rawName);
    // the last ` = ` separates the arguments from the result (a path argument may itself contain one; the
    // result's own text never does): `args)   = -1 ENOENT (No such file or directory)`
    const eq = text.lastIndexOf(' = ');
    const head = eq >= 0 ? text.slice(0, eq).trimEnd() : '';
    let argText: string;
    let ret: string | undefined;
    let errno: string | undefined;
    if (eq >= 0 && head.endsWith(')')) {
      argText = head.slice(0, -1);
      const tail = text.slice(eq + 3);
      const sp = tail.indexOf(' ');
      ret = sp < 0 ? tail : tail.slice(0, sp);
      if (sp >= 0) {
        const e = /^\s+([A-Z][A-Z0-9_]+)/.exec(tail.slice(sp));
        if (e) errno = e[1];
      }
    } else argText = text.replace(/\)\s*$/, '');
    const failed = ret === '-1' || (errno !== undefined && ret !== undefined && ret.startsWith('-'));
    if (t.gated) {
      // the helper's execve of the workload opens the gate; the execve itself is the workload's first syscall
      if (name === 'execve' && ret === '0') {
        t.gated = false;
        this.count(pid, 'execve');
        this.outcome('execve', true, undefined);
        this.onExec(t, argText);
      }
      return;
    }
    if (ret !== undefined) this.outcome(name, !failed, failed ? (errno ?? 'error') : undefined);
    if (!INSPECTED.has(name)) return;
    const args = splitArgs(argText);
    switch (name) {
      case 'execve':
      case 'execveat':
        if (!failed) this.onExec(t, argText);
        break;
      case 'open':
      case 'creat':
        this.onOpen(t, AT_FDCWD, args[0], name === 'creat' ? O_CREAT | O_WRONLY | O_TRUNC : straceNum(args[1] ?? '0') ?? 0, failed);
        break;
      case 'openat':
        this.onOpen(t, straceNum(args[0] ?? '') ?? 0, args[1], straceNum(args[2] ?? '0') ?? 0, failed);
        break;
      case 'openat2': {
        const how = /flags=(0x[0-9a-f]+|\d+)/i.exec(args[2] ?? '');
        this.onOpen(t, straceNum(args[0] ?? '') ?? 0, args[1], how ? (straceNum(how[1]!) ?? 0) : 0, failed);
        break;
      }
      case 'mkdir':
      case 'rmdir':
      case 'unlink':
      case 'symlink':
        if (!failed) this.touch(t, AT_FDCWD, name === 'symlink' ? args[1] : args[0], { create: true, write: true });
        break;
      case 'mkdirat':
      case 'unlinkat':
      case 'mknodat':
        if (!failed) this.touch(t, straceNum(args[0] ?? '') ?? 0, args[1], { create: true, write: true });
        break;
      case 'rename':
      case 'link':
        if (!failed) {
          this.touch(t, AT_FDCWD, args[0], { create: true, write: true });
          this.touch(t, AT_FDCWD, args[1], { create: true, write: true });
        }
        break;
      case 'renameat':
      case 'renameat2':
      case 'linkat':
        if (!failed) {
          this.touch(t, straceNum(args[0] ?? '') ?? 0, args[1], { create: true, write: true });
          this.touch(t, straceNum(args[2] ?? '') ?? 0, args[3], { create: true, write: true });
        }
        break;
      case 'chdir':
        if (!failed) {
          const p = straceString(args[0] ?? '');
          if (p !== undefined) {
            t.cwd = posix.resolve(t.cwd, p);
            t.ownCwd = true;
          }
        }
        break;
      case 'socket':
        if (!failed) {
          const d = straceNum(args[0] ?? '');
          const ty = straceNum(args[1] ?? '');
          if (d !== undefined) this.sum.sockets.add(`${d}/${ty === undefined ? '?' : ty & 0xf}`);
        }
        break;
      case 'personality': {
        const v = straceNum(args[0] ?? '');
        if (v !== undefined) this.sum.personalities.add(v);
        break;
      }
      case 'clone':
      case 'clone3':
      case 'fork':
      case 'vfork': {
        const flagsArg = args.find((a) => a.startsWith('flags=')) ?? (name === 'clone3' ? /flags=([^,}]+)/.exec(argText)?.[0] : undefined);
        const flags = flagsArg ? (straceNum(flagsArg.slice(6).split('|')[0]!) ?? 0) : 0;
        if (flags & NS_FLAGS) this.sum.namespaceClones++;
        // inside a PID namespace the return value is the namespace's PID; strace --pidns-translation adds ours
        const hostPid = /= \d+ \/\* (\d+) in strace's PID NS \*\//.exec(text)?.[1];
        const child = hostPid ? Number(hostPid) : ret !== undefined && /^\d+$/.test(ret) ? Number(ret) : undefined;
        if (child && child > 0) {
          // the child inherits the working directory (and is never gated); its first lines may already
          // have been read (strace can print them before the parent's clone returns): keep that state
          const known = this.tasks.get(child);
          if (known) {
            known.gated = false;
            if (known.early && !known.ownCwd) known.cwd = t.cwd;
            known.early = false;
          } else this.tasks.set(child, { gated: false, cwd: t.cwd });
          if (flags & CLONE_THREAD) this.sum.threads++;
        }
        break;
      }
      default:
        break;
    }
  }

  private outcome(name: string, ok: boolean, errno: string | undefined): void {
    const s = this.sum.syscalls.get(name);
    if (!s) return;
    if (ok) s.ok++;
    else if (errno) s.errors[errno] = (s.errors[errno] ?? 0) + 1;
  }

  private onExec(t: Task, argText: string): void {
    const p = straceString(splitArgs(argText)[0] ?? '');
    if (p === undefined) return;
    const abs = posix.resolve(t.cwd, p);
    if (this.sum.execs.length < MAX_EXECS && !this.sum.execs.includes(abs)) this.sum.execs.push(abs);
    this.touchAbs(abs, { exec: true, read: true });
  }

  private onOpen(t: Task, dirfd: number, pathArg: string | undefined, flags: number, failed: boolean): void {
    if (failed) return;
    if (flags & O_PATH) return;
    const acc = flags & O_ACCMODE;
    const write = acc === O_WRONLY || acc === O_RDWR || (flags & (O_CREAT | O_TRUNC | O_APPEND)) !== 0;
    const read = acc !== O_WRONLY;
    const p = this.resolvePath(t, dirfd, pathArg);
    if (p === undefined) return;
    const lib = /\.so(\.\d+)*$/.test(p) && !write;
    this.touchAbs(p, { read, write, create: (flags & O_CREAT) !== 0, map: lib, dir: (flags & O_DIRECTORY) !== 0 });
  }

  private touch(t: Task, dirfd: number, pathArg: string | undefined, a: Partial<FileAccess>): void {
    const p = this.resolvePath(t, dirfd, pathArg);
    if (p !== undefined) this.touchAbs(p, a);
  }

  private resolvePath(t: Task, dirfd: number, pathArg: string | undefined): string | undefined {
    const p = straceString(pathArg ?? '');
    if (p === undefined || p === '') return undefined;
    if (p.startsWith('/')) return p.includes('//') || p.includes('/.') ? posix.normalize(p) : p;
    if (dirfd !== AT_FDCWD) {
      this.sum.unresolvedPaths++;
      return undefined;
    }
    return posix.resolve(t.cwd, p);
  }

  private touchAbs(p: string, a: Partial<FileAccess>): void {
    let f = this.sum.files.get(p);
    if (!f) {
      if (this.sum.files.size >= MAX_FILES) {
        this.sum.droppedPaths++;
        return;
      }
      f = { read: false, write: false, exec: false, create: false, map: false, dir: false };
      this.sum.files.set(p, f);
    }
    if (a.read) f.read = true;
    if (a.write) f.write = true;
    if (a.exec) f.exec = true;
    if (a.create) f.create = true;
    if (a.map) f.map = true;
    if (a.dir) f.dir = true;
  }

  summary(): TraceSummary {
    this.sum.unknown = [...this.unknown].sort();
    return this.sum;
  }
}
