/**
 * A real `bulwark serve` process for the API tests: spawned from source on 127.0.0.1 with port 0, its
 * stderr collected, the URL read from its "listening on" line. Stop with stop() (SIGTERM) or kill9().
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './tmp.js';

const ENTRY = fileURLToPath(new URL('./bulwark-process.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));

export const TOKENS = {
  read: 'test-read-token-0123456789',
  write: 'test-write-token-0123456789',
  admin: 'test-admin-token-0123456789',
};

/** A tokens file with one token per scope. */
export function tokensFile(dir = tempDir('bw-tokens-')): string {
  const p = join(dir, 'tokens');
  writeFileSync(p, `# test tokens\n${TOKENS.read} read\n${TOKENS.write} write\n${TOKENS.admin} admin\n`);
  return p;
}

export interface TestServer {
  url: string;
  proc: ChildProcess;
  log(): string;
  stop(): Promise<number | null>;
  kill9(): Promise<void>;
}

export async function startServer(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; nodeArgs?: string[] } = {}): Promise<TestServer> {
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', ENTRY, 'serve', '--listen', '127.0.0.1:0', ...args], {
    cwd: REPO,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stdout!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${err}`)), opts.timeoutMs ?? 180_000);
    proc.stderr!.on('data', (d) => {
      err += d;
      const m = /listening on (\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${err}`));
    });
  });
  return {
    url,
    proc,
    log: () => err,
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      return exited;
    },
    kill9: async () => {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}

export interface Res<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** One HTTP call; JSON bodies are sent and parsed. */
export async function call<T = any>(base: string, method: string, path: string, opts: { token?: string; json?: unknown; body?: BodyInit; type?: string } = {}): Promise<Res<T>> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.json !== undefined) headers['content-type'] = 'application/json';
  if (opts.type) headers['content-type'] = opts.type;
  const res = await fetch(base + path, {
    method,
    headers,
    body: opts.json !== undefined ? JSON.stringify(opts.json) : opts.body,
    signal: AbortSignal.timeout(120_000),
    // streams need half-duplex
    ...(opts.body && typeof (opts.body as ReadableStream).getReader === 'function' ? { duplex: 'half' } : {}),
  } as RequestInit);
  const text = await res.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** Poll until `fn` returns a value (not undefined) or the time runs out. */
export async function waitFor<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 100; ; delay = Math.min(1000, delay * 2)) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}
