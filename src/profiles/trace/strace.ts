/**
 * Runs strace on the host, attached to a container's processes (`-p` each, `-f` for every thread and every
 * child they start), and streams its output through StraceParser. strace needs ptrace rights over the
 * processes: root on the host, as Docker itself.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { UserError } from '../../core/errors.js';
import { StraceParser, type TraceSummary } from './parse.js';

export interface StraceOptions {
  pids: number[];
  /** task ids whose syscalls are ignored until their first successful execve */
  gates?: number[];
  cwd?: string;
  /** strace binary (default: strace on PATH) */
  strace?: string;
  /** how long to wait for strace to attach (ms) */
  attachTimeoutMs?: number;
}

export function straceAvailable(bin = 'strace'): string | undefined {
  const r = spawnSync(bin, ['-V'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error || r.status !== 0) return undefined;
  return (r.stdout.split('\n')[0] ?? '').trim();
}

export class StraceSession {
  private child?: ChildProcess;
  private readonly parser: StraceParser;
  private exited?: Promise<number | null>;
  private readonly messages: string[] = [];

  constructor(private readonly opts: StraceOptions) {
    this.parser = new StraceParser(opts.gates ?? [], opts.cwd ?? '/');
  }

  /** Start strace; resolves once every pid is attached. */
  async start(): Promise<void> {
    const bin = this.opts.strace ?? 'strace';
    if (!straceAvailable(bin)) throw new UserError(`${bin} not found: syscalls are recorded with strace (Debian package 'strace')`);
    // `-o |cat`: the trace goes through a pipe to cat, whose stdout is ours; strace's messages stay on stderr
    // --pidns-translation: a container's clone returns the child's PID in the container's namespace; strace
    // adds the host PID (`= 7 /* 13684 in strace's PID NS */`), which is how the child's lines are prefixed
    const args = ['-f', '--pidns-translation', '-X', 'raw', '-s', '0', '-e', 'signal=none', '-o', '|cat'];
    for (const p of this.opts.pids) args.push('-p', String(p));
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
    const out = child.stdout!;
    // BULWARK_STRACE_LOG=FILE keeps strace's raw output (to debug a recording)
    const raw = process.env.BULWARK_STRACE_LOG ? createWriteStream(process.env.BULWARK_STRACE_LOG) : undefined;
    createInterface({ input: out, crlfDelay: Infinity }).on('line', (l) => {
      raw?.write(l + '\n');
      this.parser.line(l);
    });
    if (raw) child.on('close', () => raw.end());
    const want = new Set(this.opts.pids);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new UserError(`strace did not attach to ${[...want].join(', ')} within ${(this.opts.attachTimeoutMs ?? 30_000) / 1000}s: ${this.messages.slice(-3).join('; ')}`)), this.opts.attachTimeoutMs ?? 30_000);
      createInterface({ input: child.stderr!, crlfDelay: Infinity }).on('line', (l) => {
        if (this.messages.length < 200) this.messages.push(l);
        const m = /^strace: Process (\d+) attached/.exec(l);
        if (m) {
          want.delete(Number(m[1]));
          if (want.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        }
        if (/^strace: attach: .*(Operation not permitted|No such process)/.test(l)) {
          clearTimeout(timer);
          reject(new UserError(`strace could not attach: ${l.replace(/^strace: /, '')} (recording needs root on the Docker host)`));
        }
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new UserError(`cannot run ${bin}: ${e.message}`));
      });
      void this.exited!.then((code) => {
        clearTimeout(timer);
        if (want.size) reject(new UserError(`strace exited (${code}) before attaching: ${this.messages.slice(-3).join('; ')}`));
      });
    });
  }

  /** Resolves when every traced process has exited (strace exits by itself). */
  get done(): Promise<number | null> {
    return this.exited ?? Promise.resolve(null);
  }

  /** Detach (SIGINT makes strace detach and exit, leaving the processes running) and return the summary. */
  async stop(): Promise<TraceSummary> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await this.exited;
      clearTimeout(t);
    } else await this.exited;
    // let the last buffered lines reach the parser
    await new Promise((r) => setImmediate(r));
    return this.parser.summary();
  }

  stderrTail(): string[] {
    return this.messages.slice(-5);
  }
}
