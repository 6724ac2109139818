/**
 * Identify the dockerd behind an endpoint: unix socket path → socket inode (/proc/net/unix) → the
 * process holding that inode (/proc/<pid>/fd); a TCP endpoint → the LISTEN socket's inode
 * (/proc/net/tcp{,6}) → its holder. Never "the newest process named dockerd".
 */
import { readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';

export interface ProcFs {
  read(path: string): string | undefined;
  list(path: string): string[];
  readlink(path: string): string | undefined;
}

export const liveProc: ProcFs = {
  read(p) {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  },
  list(p) {
    try {
      return readdirSync(p);
    } catch {
      return [];
    }
  },
  readlink(p) {
    try {
      return readlinkSync(p);
    } catch {
      return undefined;
    }
  },
};

/** Listening unix sockets: path → inodes. /proc/net/unix columns: Num RefCount Protocol Flags Type St Inode Path */
export function unixListeners(text: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const flags = parseInt(f[3]!, 16);
    const inode = Number(f[6]);
    const path = f.slice(7).join(' ');
    // __SO_ACCEPTCON (0x10000): a listening socket
    if (!(flags & 0x10000) || !path.startsWith('/')) continue;
    const list = out.get(path) ?? [];
    list.push(inode);
    out.set(path, list);
  }
  return out;
}

export interface TcpListener {
  address: string;
  port: number;
  inode: number;
}

function hexToIPv4(h: string): string {
  const n = parseInt(h, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255].join('.');
}

function hexToIPv6(h: string): string {
  // 4 little-endian 32-bit words
  const words: string[] = [];
  for (let i = 0; i < 4; i++) {
    const w = h.slice(i * 8, i * 8 + 8);
    const bytes = [w.slice(6, 8), w.slice(4, 6), w.slice(2, 4), w.slice(0, 2)];
    words.push(bytes[0]! + bytes[1]!, bytes[2]! + bytes[3]!);
  }
  const full = words.map((x) => parseInt(x, 16).toString(16)).join(':');
  if (full === '0:0:0:0:0:0:0:0') return '::';
  if (full === '0:0:0:0:0:0:0:1') return '::1';
  if (full.startsWith('0:0:0:0:0:ffff:')) {
    const v4 = words.slice(6).join('');
    return '::ffff:' + [0, 2, 4, 6].map((i) => parseInt(v4.slice(i, i + 2), 16)).join('.');
  }
  return full;
}

/** LISTEN sockets (state 0A) of /proc/net/tcp or tcp6. */
export function tcpListeners(text: string, v6 = false): TcpListener[] {
  const out: TcpListener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== '0A') continue;
    const [addrHex, portHex] = f[1]!.split(':');
    if (!addrHex || !portHex) continue;
    out.push({ address: v6 ? hexToIPv6(addrHex) : hexToIPv4(addrHex), port: parseInt(portHex, 16), inode: Number(f[9]) });
  }
  return out;
}

/** Socket inodes a process holds open. */
export function socketInodes(proc: ProcFs, pid: number): Set<number> {
  const out = new Set<number>();
  for (const fd of proc.list(`/proc/${pid}/fd`)) {
    const l = proc.readlink(`/proc/${pid}/fd/${fd}`);
    const m = l && /^socket:\[(\d+)\]$/.exec(l);
    if (m) out.add(Number(m[1]));
  }
  return out;
}

export function pids(proc: ProcFs): number[] {
  return proc
    .list('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
}

export function cmdline(proc: ProcFs, pid: number): string[] {
  const t = proc.read(`/proc/${pid}/cmdline`);
  if (!t) return [];
  return t.split('\0').filter((x, i, a) => x !== '' || i < a.length - 1);
}

function isDockerd(argv: string[], exe?: string): boolean {
  const base = (s: string | undefined) => (s ?? '').split('/').pop() ?? '';
  return base(argv[0]) === 'dockerd' || base(exe) === 'dockerd' || (base(argv[0]) === 'docker' && argv[1] === 'daemon');
}

/** PIDs holding any of the given socket inodes; dockerd processes first. */
export function holdersOf(proc: ProcFs, inodes: number[]): number[] {
  const want = new Set(inodes);
  const hits: Array<{ pid: number; dockerd: boolean }> = [];
  for (const pid of pids(proc)) {
    const held = socketInodes(proc, pid);
    if ([...want].some((i) => held.has(i))) {
      hits.push({ pid, dockerd: isDockerd(cmdline(proc, pid), proc.readlink(`/proc/${pid}/exe`)) });
    }
  }
  hits.sort((a, b) => Number(b.dockerd) - Number(a.dockerd) || a.pid - b.pid);
  return hits.map((h) => h.pid);
}

export interface IdentifyResult {
  pid?: number;
  identifiedBy: string;
  candidates: number[];
}

/**
 * Find the dockerd serving `endpoint`. Order: explicit --pid; the socket inode's holder; the pidfile
 * given; a dockerd whose -H/--host flags name this endpoint.
 */
export function identifyDaemon(
  endpoint: string,
  opts: { pid?: number; pidfile?: string; proc?: ProcFs } = {},
): IdentifyResult {
  const proc = opts.proc ?? liveProc;
  if (opts.pid !== undefined) {
    if (!proc.read(`/proc/${opts.pid}/cmdline`)) return { identifiedBy: `--pid ${opts.pid}: no such process`, candidates: [] };
    return { pid: opts.pid, identifiedBy: `--pid ${opts.pid}`, candidates: [opts.pid] };
  }
  let inodes: number[] = [];
  let how = '';
  if (endpoint.startsWith('unix://') || endpoint.startsWith('/')) {
    const path = endpoint.replace(/^unix:\/\//, '');
    const listeners = unixListeners(proc.read('/proc/net/unix') ?? '');
    let real = path;
    try {
      // the socket may be reached through a symlink (/var/run -> /run)
      real = readlinkSafe(path);
    } catch {
      /* keep path */
    }
    inodes = listeners.get(path) ?? listeners.get(real) ?? [];
    if (!inodes.length) {
      // compare by inode of the socket file itself is not possible (socket files have their own inode);
      // match the bound path after resolving /var/run -> /run both ways
      for (const [p, ino] of listeners) if (sameSocketPath(p, path)) inodes.push(...ino);
    }
    how = `unix socket ${path}`;
  } else if (/^(tcp|http|https):\/\//.test(endpoint)) {
    const u = new URL(endpoint.replace(/^tcp:/, 'http:'));
    const port = Number(u.port || 2375);
    const all = [...tcpListeners(proc.read('/proc/net/tcp') ?? ''), ...tcpListeners(proc.read('/proc/net/tcp6') ?? '', true)];
    inodes = all.filter((l) => l.port === port).map((l) => l.inode);
    how = `TCP listener on port ${port}`;
  }
  if (inodes.length) {
    const holders = holdersOf(proc, inodes);
    const dockerd = holders.find((p) => isDockerd(cmdline(proc, p), proc.readlink(`/proc/${p}/exe`)));
    if (dockerd !== undefined) return { pid: dockerd, identifiedBy: `${how} (inode ${inodes.join(',')}) held by PID ${dockerd}`, candidates: holders };
  }
  if (opts.pidfile) {
    const t = proc.read(opts.pidfile);
    const pid = t && /^\s*(\d+)\s*$/.exec(t) ? Number(t.trim()) : undefined;
    if (pid && proc.read(`/proc/${pid}/cmdline`)) return { pid, identifiedBy: `pidfile ${opts.pidfile}`, candidates: [pid] };
  }
  // last resort: a dockerd whose own -H flags name this endpoint (socket in another network namespace, rootless)
  const matches: number[] = [];
  for (const pid of pids(proc)) {
    const argv = cmdline(proc, pid);
    if (!isDockerd(argv, proc.readlink(`/proc/${pid}/exe`))) continue;
    const hosts = hostFlags(argv);
    if (hosts.some((h) => sameEndpoint(h, endpoint))) matches.push(pid);
  }
  if (matches.length === 1) return { pid: matches[0], identifiedBy: `dockerd -H flag naming ${endpoint}`, candidates: matches };
  return { identifiedBy: matches.length > 1 ? `ambiguous: ${matches.length} dockerd processes name ${endpoint}` : `no process found serving ${endpoint}`, candidates: matches };
}

function readlinkSafe(p: string): string {
  // resolve /var/run -> /run style directory links
  const dir = p.slice(0, p.lastIndexOf('/')) || '/';
  const name = p.slice(p.lastIndexOf('/') + 1);
  try {
    const l = readlinkSync(dir);
    const base = l.startsWith('/') ? l : dir.slice(0, dir.lastIndexOf('/')) + '/' + l;
    return base.replace(/\/+$/, '') + '/' + name;
  } catch {
    return p;
  }
}

function sameSocketPath(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/^\/var\/run\//, '/run/');
  return norm(a) === norm(b);
}

export function sameEndpoint(a: string, b: string): boolean {
  const n = (s: string) => {
    let x = s.trim();
    if (x.startsWith('/')) x = 'unix://' + x;
    if (x === 'unix://') x = 'unix:///var/run/docker.sock';
    return x.replace('unix:///var/run/', 'unix:///run/').replace(/^tcp:\/\/0\.0\.0\.0:/, 'tcp://*:');
  };
  return n(a) === n(b);
}

/** Values of -H / --host flags in a dockerd argv. */
export function hostFlags(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-H' || a === '--host') {
      if (argv[i + 1] !== undefined) out.push(argv[++i]!);
    } else if (a.startsWith('--host=')) out.push(a.slice(7));
    else if (a.startsWith('-H=')) out.push(a.slice(3));
    else if (/^-H[^-]/.test(a)) out.push(a.slice(2));
  }
  return out;
}

/** TCP and unix listeners held by one PID (its own network namespace's tables). */
export function listenersOf(proc: ProcFs, pid: number): { tcp: string[]; unix: string[] } {
  const held = socketInodes(proc, pid);
  const tcp: string[] = [];
  for (const [file, v6] of [
    ['tcp', false],
    ['tcp6', true],
  ] as const) {
    for (const l of tcpListeners(proc.read(`/proc/${pid}/net/${file}`) ?? '', v6)) {
      if (held.has(l.inode)) tcp.push(v6 ? `[${l.address}]:${l.port}` : `${l.address}:${l.port}`);
    }
  }
  const unix: string[] = [];
  for (const [path, inodes] of unixListeners(proc.read(`/proc/${pid}/net/unix`) ?? '')) {
    if (inodes.some((i) => held.has(i))) unix.push(path);
  }
  return { tcp: [...new Set(tcp)].sort(), unix: unix.sort() };
}

export function processUid(proc: ProcFs, pid: number): number | undefined {
  const st = proc.read(`/proc/${pid}/status`);
  const m = st && /^Uid:\s+(\d+)/m.exec(st);
  return m ? Number(m[1]) : undefined;
}

export function fileExists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}
