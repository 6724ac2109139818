/**
 * The walker's worker threads (tinypool): one task per layer (`walk-worker.ts`), at most `concurrency` at once,
 * biggest layer first as given. The pool lives for one scan: it is started on demand and destroyed when the scan
 * ends, so a finished command never waits on idle threads.
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

export async function walkInWorkers(
  layers: WorkerLayer[],
  imageName: string,
  concurrency: number,
  onDone: (index: number, toRun: LayerAnalyzer[], reply: WalkReply) => void,
  onStart?: (index: number) => void,
): Promise<void> {
  if (layers.length === 0) return;
  const threads = Math.max(1, Math.min(concurrency, layers.length));
  const pool = new Tinypool({ filename: workerFile(), minThreads: threads, maxThreads: threads, idleTimeout: 0 });
  let failed: unknown;
  try {
    await Promise.all(
      layers.map(async (l) => {
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
        if (r.error) {
          const err = r.error.user ? new UserError(r.error.message, r.error.exitCode ?? 2) : new Error(r.error.message);
          failed ??= err;
          pool.cancelPendingTasks();
          throw err;
        }
        onDone(l.index, l.toRun, r);
      }),
    );
  } catch (e) {
    throw failed ?? e;
  } finally {
    await pool.destroy();
  }
}
