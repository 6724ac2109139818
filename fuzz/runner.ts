/**
 * Runs one fuzz target: `fuzzTarget` in the current thread (the smoke test, the worker), and `fuzzInWorker` in a
 * worker thread with a 512 MB heap cap and a watchdog, so that a hang or a memory blow-up is caught with the
 * input that caused it.
 *
 * Inputs are drawn straight from the target's arbitrary with a seeded generator (no property runner around them,
 * and a synchronous target is not awaited): per input the harness costs a few microseconds. Nothing is copied per
 * input either: the worker publishes the index of the input it runs and, every CHECKPOINT inputs, the generator's
 * state, in shared memory; when the worker hangs or dies, the main thread replays the generator from the last
 * checkpoint to recover the input.
 */
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { decodeDefault, encodeDefault, isUserError, type FuzzTarget } from './harness.js';
import { loadTarget } from './targets/index.js';

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
  /** CPU seconds of the whole process over the run (user + system): the figure to compare on a busy machine */
  cpuSeconds?: number;
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
  /** where the worker publishes its heartbeat, input index and generator checkpoints (worker mode) */
  shared?: SharedArrayBuffer;
}

/** Int32 slots of the shared block: heartbeat, index of the running input, checkpoint index, state length, state */
const BEAT = 0;
const CURRENT = 1;
const CK_INDEX = 2;
const CK_LEN = 3;
const CK_STATE = 4;
const STATE_MAX = 12;
/** inputs between two generator checkpoints: at most this many are regenerated to recover a failing input */
export const CHECKPOINT = 1024;

/** the bias fast-check's runner gives run `i` (small values first, larger ones as the run goes on) */
const biasOf = (i: number) => 2 + Math.floor(Math.log10(i + 1));

export const SHARED_BYTES = (CK_STATE + STATE_MAX) * 4;

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

/** Run `runs` inputs of a target in this thread; failures are collected, not thrown. */
export async function fuzzTarget<T>(t: FuzzTarget<T>, opts: FuzzOptions): Promise<FuzzResult> {
  const hangMs = opts.hangMs ?? 1000;
  const maxHeap = opts.maxHeapMb ?? 512;
  const expected = t.expected ?? isUserError;
  await t.setup?.();
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const cpuSeconds = () => {
    const c = process.cpuUsage(cpu0);
    return (c.user + c.system) / 1e6;
  };
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
  const head = opts.shared ? new Int32Array(opts.shared, 0, CK_STATE + STATE_MAX) : undefined;
  const arb = t.input();
  const rng = new fc.Random(xoroshiro128plus(opts.seed ?? 1));
  for (let i = 0; i < opts.runs; i++) {
    if (head && i % CHECKPOINT === 0) {
      const state = rng.getState() ?? [];
      head.set(state.slice(0, STATE_MAX), CK_STATE);
      Atomics.store(head, CK_LEN, Math.min(state.length, STATE_MAX));
      Atomics.store(head, CK_INDEX, i);
    }
    const input = arb.generate(rng, biasOf(i)).value;
    if (head) {
      Atomics.store(head, CURRENT, i);
      Atomics.add(head, BEAT, 1);
    }
    const t0 = performance.now();
    try {
      const r = t.run(input);
      if (r && typeof (r as Promise<void>).then === 'function') await r;
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
      if (opts.timeLimit && now - started > opts.timeLimit * 1000) break;
      if (opts.onProgress && now - lastProgress > 5000) {
        lastProgress = now;
        res.seconds = (now - started) / 1000;
        res.cpuSeconds = cpuSeconds();
        opts.onProgress(res);
      }
    }
  }
  res.seconds = (performance.now() - started) / 1000;
  res.cpuSeconds = cpuSeconds();
  return res;
}

/**
 * The input a worker was running when it hung or died: the generator replayed from the last checkpoint the worker
 * published (in this thread; the worker's own thread may be stuck).
 */
export async function recoverInput(name: string, shared: SharedArrayBuffer): Promise<unknown> {
  const head = new Int32Array(shared, 0, CK_STATE + STATE_MAX);
  const current = Atomics.load(head, CURRENT);
  const from = Atomics.load(head, CK_INDEX);
  const state = Array.from(head.subarray(CK_STATE, CK_STATE + Atomics.load(head, CK_LEN)));
  if (Atomics.load(head, BEAT) === 0 || state.length === 0 || current < from) return undefined;
  const t = await loadTarget(name);
  const arb = t.input();
  const rng = new fc.Random(xoroshiro128plusFromState(state));
  let input: unknown;
  for (let i = from; i <= current; i++) input = arb.generate(rng, biasOf(i)).value;
  return encodeInput(t, input);
}

/**
 * Run a target in a worker thread (heap capped at maxHeapMb + headroom). A worker that stops making progress for
 * `stuckSeconds`, or dies of memory, is reported with the input it was running.
 */
export function fuzzInWorker(name: string, opts: Omit<FuzzOptions, 'shared' | 'onProgress'> & { stuckSeconds?: number; onProgress?(r: FuzzResult): void }): Promise<FuzzResult> {
  const shared = new SharedArrayBuffer(SHARED_BYTES);
  const head = new Int32Array(shared, 0, CK_STATE + STATE_MAX);
  // workers do not inherit the TypeScript loader of the main thread: register it first, then load worker.ts
  const boot = `import('tsx/esm/api').then((m) => m.register()).then(() => import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)})).catch((e) => { console.error(e); process.exit(70); })`;
  const worker = new Worker(boot, {
    eval: true,
    workerData: { name, opts: { runs: opts.runs, seed: opts.seed, timeLimit: opts.timeLimit, hangMs: opts.hangMs, maxHeapMb: opts.maxHeapMb }, shared },
    resourceLimits: { maxOldGenerationSizeMb: (opts.maxHeapMb ?? 512) + 256 },
  });
  return new Promise((resolve) => {
    let last: FuzzResult = { target: name, runs: 0, failures: [], distinct: 0, maxInputMs: 0, maxHeapMb: 0, seconds: 0 };
    let beat = Atomics.load(head, BEAT);
    let still = 0;
    const started = performance.now();
    const stuck = (opts.stuckSeconds ?? 10) * 1000;
    const done = (r: FuzzResult) => {
      clearInterval(timer);
      resolve(r);
    };
    let failed = false;
    const fail = (f: Omit<Failure, 'input' | 'target'>) => {
      if (failed) return;
      failed = true;
      clearInterval(timer);
      last.seconds = (performance.now() - started) / 1000;
      void worker.terminate();
      void recoverInput(name, shared)
        .catch((e: Error) => `(input not recovered: ${e.message})`)
        .then((input) => {
          last.failures.push({ ...f, target: name, input });
          last.distinct = last.failures.length;
          done(last);
        });
    };
    let ready = false;
    const timer = setInterval(() => {
      if (!ready) return; // loading the target's modules can take a while on a busy machine
      const b = Atomics.load(head, BEAT);
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
