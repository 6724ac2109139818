/**
 * The walker's worker threads (tinypool): one task per layer (`walk-worker.ts`), at most `concurrency` at once,
 * biggest layer first as given. The pool lives for one scan: it is started on demand (or ahead, `startWalkers`) and
 * destroyed when the scan ends, so a finished command never waits on idle threads.
 */
import { Tinypool } from 'tinypool';
import { UserError } from '../core/errors.js';
import type { LayerBlob, LayerRef } from '../sources/types.js';
import type { LayerAnalyzer } from './types.js';
import type { WalkReply, WalkTask } from './walk-worker.js';

export interface WorkerLayer {
  index: number;
  blob: LayerBlob;
  layer: LayerRef;
  toRun: LayerAnalyzer[];
  cache?: { dir: string; key: string };
}

/**
 * The worker module: the compiled .js next to this file. Running from the TypeScript sources (tsx), worker threads
 * do not inherit tsx's loader hooks, so a small bootstrap registers them before loading the .ts worker.
 */
function workerFile(): string {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new URL('./walk-worker.js', here).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const src = `const api = await import(${JSON.stringify(tsx)}); api.register(); const m = await import(${JSON.stringify(new URL('./walk-worker.ts', here).href)}); export default m.default;`;
  return `data:text/javascript,${encodeURIComponent(src)}`;
}

/**
 * The young generation of each worker's V8 heap, in MiB. V8's default (up to 3 x 16 MiB semi-spaces per isolate)
 * is sized for allocation-heavy servers; a walk allocates many short-lived chunks and objects, and with the default
 * each worker thread held 30-50 MiB of mostly empty new space. 8 MiB keeps scavenges cheap and the heap small.
 */
const WORKER_YOUNG_MB = 8;

/** Walker threads started ahead of a walk (prestart.ts): `walkInWorkers` uses them, the starter stops them. */
export interface Walkers {
  readonly pool: Tinypool;
  readonly maxThreads: number;
  /** ends the threads (idempotent) */
  stop(): Promise<void>;
}

function newPool(minThreads: number, maxThreads: number): Tinypool {
  return new Tinypool({ filename: workerFile(), minThreads, maxThreads, idleTimeout: 0, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
}

/**
 * Start `threads` walker threads now. Exactly that many: a pool allowed more would start another thread for a task
 * that arrives while the first still boots. A walk that needs more threads starts a pool of its own.
 */
export function startWalkers(threads: number): Walkers {
  const n = Math.max(1, threads);
  const pool = newPool(n, n);
  let stopped: Promise<void> | undefined;
  // threads that fail to end are the process's to end: never the scan's error
  return { pool, maxThreads: n, stop: () => (stopped ??= pool.destroy().catch(() => undefined)) };
}

/**
 * Walk layers in `threads` worker threads. Each thread pulls the next layer from `next` when it is free, so a
 * caller can share one queue between the workers and its own thread; `next` returning undefined ends that thread's
 * loop. The first failure stops every thread from taking more layers and is what the returned promise rejects with.
 */
export async function walkInWorkers(
  next: () => WorkerLayer | undefined,
  threads: number,
  imageName: string,
  onDone: (index: number, toRun: LayerAnalyzer[], reply: WalkReply) => void,
  onStart?: (index: number) => void,
  stopped?: () => boolean,
  started?: Walkers,
): Promise<void> {
  const first = next();
  if (!first) return;
  threads = Math.max(1, threads);
  // threads started ahead are used when there are enough of them (and stopped by whoever started them)
  const borrowed = started && started.maxThreads >= threads ? started.pool : undefined;
  const pool = borrowed ?? newPool(threads, threads);
  let failed: unknown;
  let pending: WorkerLayer | undefined = first;
  const take = (): WorkerLayer | undefined => {
    if (failed !== undefined || stopped?.()) return undefined;
    if (pending) {
      const l = pending;
      pending = undefined;
      return l;
    }
    return next();
  };
  const runOne = async (l: WorkerLayer): Promise<void> => {
    const task: WalkTask = {
      blob: l.blob,
      layer: l.layer,
      imageName,
      analyzers: l.toRun.map((a) => ({ ...a.origin!, name: a.name, version: a.version })),
      ...(l.cache ? { cache: l.cache } : {}),
    };
    onStart?.(l.index);
    let r: WalkReply;
    try {
      // a streamed layer's port moves to the worker that reads it
      r = (await pool.run(task, l.blob.kind === 'port' ? { transferList: [l.blob.port] } : {})) as WalkReply;
    } catch (e) {
      // the thread itself died (out of memory, a crash): not the layer's fault
      throw new Error(`walking layer ${l.index + 1} in a worker thread failed: ${(e as Error).message}`);
    }
    if (r.error) throw r.error.user ? new UserError(r.error.message, r.error.exitCode ?? 2) : new Error(r.error.message);
    onDone(l.index, l.toRun, r);
  };
  try {
    await Promise.all(
      Array.from({ length: threads }, async () => {
        for (let l = take(); l; l = take()) {
          try {
            await runOne(l);
          } catch (e) {
            failed ??= e;
            throw failed;
          }
        }
      }),
    );
  } catch (e) {
    throw failed ?? e;
  } finally {
    if (!borrowed) await pool.destroy();
  }
}
