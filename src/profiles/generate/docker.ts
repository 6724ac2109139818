/** The docker / compose command-line calls the profile generator makes, with timeouts and one-line errors. */
import { execFile, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { UserError } from '../../core/errors.js';

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

export function run(bin: string, args: string[], opts: { timeoutMs?: number; input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(bin, args, { timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024, env: opts.env ?? process.env, cwd: opts.cwd, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new UserError(`${bin} not found`));
      if (err && err.killed) return reject(new UserError(`${bin} ${args.slice(0, 2).join(' ')} timed out after ${(opts.timeoutMs ?? 120_000) / 1000}s`));
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ stdout, stderr, code });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Run docker; a non-zero exit becomes a UserError carrying docker's own message. */
export async function docker(prefix: string[], args: string[], timeoutMs = 300_000): Promise<string> {
  const [bin, ...global] = prefix.length ? prefix : ['docker'];
  const r = await run(bin!, [...global, ...args], { timeoutMs });
  if (r.code !== 0) throw new UserError(`docker ${args[0]} failed: ${lastLine(r.stderr) || `exit ${r.code}`}`);
  return r.stdout;
}

export function lastLine(s: string): string {
  const lines = s.trim().split('\n').filter(Boolean);
  return (lines[lines.length - 1] ?? '').trim();
}

/** `docker compose` (v2 plugin) when present, else `docker-compose` (v1). */
export function composeCommand(): string[] {
  const v2 = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8', timeout: 15_000 });
  if (!v2.error && v2.status === 0) return ['docker', 'compose'];
  const v1 = spawnSync('docker-compose', ['version'], { encoding: 'utf8', timeout: 15_000 });
  if (!v1.error && v1.status === 0) return ['docker-compose'];
  throw new UserError('neither `docker compose` nor `docker-compose` is installed');
}

/** Every process below `pid` (children, grandchildren, ...), from /proc/<pid>/stat. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // the command name is in parentheses and may contain spaces: ppid is the 2nd field after the last ')'
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid);
      if (list) list.push(Number(name));
      else children.set(ppid, [Number(name)]);
    } catch {
      // the process exited meanwhile
    }
  }
  const out: number[] = [];
  const queue = [pid];
  for (let i = 0; i < queue.length; i++) {
    for (const c of children.get(queue[i]!) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

export function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((s, i, a) => s !== '' || i < a.length - 1);
  } catch {
    return [];
  }
}

/** The `Seccomp:` mode in /proc/PID/status: 0 disabled, 1 strict, 2 filter; undefined when unreadable. */
export function seccompMode(pid: number, procRoot = '/proc'): 0 | 1 | 2 | undefined {
  try {
    const m = /^Seccomp:\s*(\d)/m.exec(readFileSync(`${procRoot}/${pid}/status`, 'utf8'));
    const v = m ? Number(m[1]) : NaN;
    return v === 0 || v === 1 || v === 2 ? v : undefined;
  } catch {
    return undefined;
  }
}
