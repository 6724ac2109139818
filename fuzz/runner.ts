/**
 * Runs one fuzz target: `fuzzTarget` in the current thread (the smoke test, the worker), and `fuzzInWorker` in a
 * worker thread with a 512 MB heap cap and a watchdog, so that a hang or a memory blow-up is caught with the
 * input that caused it (the worker copies each input into shared memory before running it).
 */
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { decodeDefault, encodeDefault, isUserError, type FuzzTarget } from './harness.js';

export interface Failure {
  kind: 'crash' | 'hang' | 'memory';
  target: string;
  /** first line of the error (or what was exceeded) */
  error: string;
  /** a few stack frames, for telling distinct crashes apart */
  where: string;
  input: unknown;
  ms?: number;
}

export interface FuzzResult {
  target: string;
  runs: number;
  failures: Failure[];
  /** distinct failures (by error and place), the first input of each kept */
  distinct: number;
  maxInputMs: number;
  maxHeapMb: number;
  seconds: number;
}

export interface FuzzOptions {
  runs: number;
  seed?: number;
  /** stop after this many seconds even if fewer runs were done */
  timeLimit?: number;
  /** an input slower than this is a hang (default 1000 ms) */
  hangMs?: number;
  /** heap over this is a blow-up (default 512 MB) */
  maxHeapMb?: number;
  onProgress?(r: FuzzResult): void;
  /** where the current input is copied before each run (worker mode) */
  shared?: SharedArrayBuffer;
}

export const SHARED_HEADER = 16;
export const SHARED_BYTES = 8 * 1024 * 1024;

function stackWhere(e: unknown): string {
  const stack = (e as Error)?.stack ?? '';
  return stack
    .split('\n')
    .filter((l) => l.trim().startsWith('at '))
    .slice(0, 3)
    .map((l) => l.trim().replace(/\(.*[/\\]((?:src|fuzz|node_modules)[/\\][^)]*?)(:\d+){1,2}\)/, '($1)'))
    .join(' | ');
}

export function encodeInput<T>(t: FuzzTarget<T>, input: T): unknown {
  return t.encode ? t.encode(input) : encodeDefault(input);
}

export function decodeInput<T>(t: FuzzTarget<T>, json: unknown): T {
  return (t.decode ? t.decode(json) : decodeDefault(json)) as T;
}

function share(shared: SharedArrayBuffer, encoded: unknown): void {
  const head = new Int32Array(shared, 0, 4);
  const bytes = new Uint8Array(shared, SHARED_HEADER);
  const body = Buffer.from(JSON.stringify(encoded) ?? 'null');
  const n = Math.min(body.length, bytes.length);
  bytes.set(body.subarray(0, n));
  Atomics.store(head, 1, n);
  Atomics.add(head, 0, 1);
}

/** Run `runs` inputs of a target in this thread; failures are collected, not thrown. */
export async function fuzzTarget<T>(t: FuzzTarget<T>, opts: FuzzOptions): Promise<FuzzResult> {
  const hangMs = opts.hangMs ?? 1000;
  const maxHeap = opts.maxHeapMb ?? 512;
  const expected = t.expected ?? isUserError;
  await t.setup?.();
  const started = performance.now();
  const res: FuzzResult = { target: t.name, runs: 0, failures: [], distinct: 0, maxInputMs: 0, maxHeapMb: 0, seconds: 0 };
  const seen = new Set<string>();
  const record = (f: Failure) => {
    const key = `${f.kind}|${f.error.replace(/\d+/g, 'N').slice(0, 120)}|${f.where}`;
    if (seen.has(key)) return;
    seen.add(key);
    res.failures.push(f);
    res.distinct = res.failures.length;
  };
  let lastProgress = started;
  let stop = false;
  const one = async (input: T) => {
    if (stop) return true;
    if (opts.shared) share(opts.shared, encodeInput(t, input));
    const t0 = performance.now();
    try {
      await t.run(input);
    } catch (e) {
      if (!expected(e)) record({ kind: 'crash', target: t.name, error: String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 300), where: `${(e as Error)?.name ?? typeof e}: ${stackWhere(e)}`, input: encodeInput(t, input) });
    }
    const ms = performance.now() - t0;
    if (ms > res.maxInputMs) res.maxInputMs = ms;
    if (ms > hangMs) record({ kind: 'hang', target: t.name, error: `one input took ${Math.round(ms)} ms`, where: '', input: encodeInput(t, input), ms });
    res.runs++;
    if ((res.runs & 255) === 0) {
      const heap = process.memoryUsage().heapUsed / 1048576;
      if (heap > res.maxHeapMb) res.maxHeapMb = heap;
      if (heap > maxHeap) record({ kind: 'memory', target: t.name, error: `heap ${Math.round(heap)} MB`, where: '', input: encodeInput(t, input) });
      const now = performance.now();
      if (opts.timeLimit && now - started > opts.timeLimit * 1000) stop = true;
      if (opts.onProgress && now - lastProgress > 5000) {
        lastProgress = now;
        res.seconds = (now - started) / 1000;
        opts.onProgress(res);
      }
    }
    return true;
  };
  const arb = t.input();
  const params = { numRuns: opts.runs, seed: opts.seed ?? 1, endOnFailure: true, verbose: 0 as const };
  // the property never fails (failures are recorded), so there is no shrinking and the run goes on
  await fc.assert(fc.asyncProperty(arb, one), params);
  res.seconds = (performance.now() - started) / 1000;
  return res;
}

/**
 * Run a target in a worker thread (heap capped at maxHeapMb + headroom). A worker that stops making progress for
 * `stuckSeconds`, or dies of memory, is reported with the input it was running.
 */
export function fuzzInWorker(name: string, opts: Omit<FuzzOptions, 'shared' | 'onProgress'> & { stuckSeconds?: number; onProgress?(r: FuzzResult): void }): Promise<FuzzResult> {
  const shared = new SharedArrayBuffer(SHARED_HEADER + SHARED_BYTES);
  const head = new Int32Array(shared, 0, 4);
  // workers do not inherit the TypeScript loader of the main thread: register it first, then load worker.ts
  const boot = `import('tsx/esm/api').then((m) => m.register()).then(() => import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)})).catch((e) => { console.error(e); process.exit(70); })`;
  const worker = new Worker(boot, {
    eval: true,
    workerData: { name, opts: { runs: opts.runs, seed: opts.seed, timeLimit: opts.timeLimit, hangMs: opts.hangMs, maxHeapMb: opts.maxHeapMb }, shared },
    resourceLimits: { maxOldGenerationSizeMb: (opts.maxHeapMb ?? 512) + 256 },
  });
  const current = (): unknown => {
    const n = Atomics.load(head, 1);
    const text = Buffer.from(new Uint8Array(shared, SHARED_HEADER, n)).toString();
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  };
  return new Promise((resolve) => {
    let last: FuzzResult = { target: name, runs: 0, failures: [], distinct: 0, maxInputMs: 0, maxHeapMb: 0, seconds: 0 };
    let beat = Atomics.load(head, 0);
    let still = 0;
    const started = performance.now();
    const stuck = (opts.stuckSeconds ?? 10) * 1000;
    const done = (r: FuzzResult) => {
      clearInterval(timer);
      resolve(r);
    };
    const fail = (f: Omit<Failure, 'input' | 'target'>) => {
      last.failures.push({ ...f, target: name, input: current() });
      last.distinct = last.failures.length;
      last.seconds = (performance.now() - started) / 1000;
      void worker.terminate();
      done(last);
    };
    let ready = false;
    const timer = setInterval(() => {
      if (!ready) return; // loading the target's modules can take a while on a busy machine
      const b = Atomics.load(head, 0);
      if (b !== beat) {
        beat = b;
        still = 0;
        return;
      }
      still += 500;
      if (still >= stuck) fail({ kind: 'hang', error: `no progress for ${stuck / 1000} s on one input`, where: '' });
    }, 500);
    worker.on('message', (m: { ready?: boolean; progress?: FuzzResult; result?: FuzzResult }) => {
      if (m.ready) ready = true;
      if (m.progress) {
        last = m.progress;
        opts.onProgress?.(last);
      }
      if (m.result) done(m.result);
    });
    worker.on('exit', (code) => {
      if (code !== 0) fail({ kind: 'crash', error: `worker exited with code ${code}`, where: '' });
    });
    worker.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') fail({ kind: 'memory', error: `worker out of memory (${(opts.maxHeapMb ?? 512) + 256} MB heap)`, where: '' });
      else fail({ kind: 'crash', error: `worker died: ${e.message}`, where: stackWhere(e) });
    });
  });
}
