/**
 * Walker threads started before the walk. A worker thread takes about 100 ms to boot and load the walker and its
 * analyzers; started when the image is open, that happens on the other core while this thread loads the scan
 * modules, instead of after them, and the worker (which takes the biggest layer) starts walking that much sooner.
 * Only where the walk is likely to use threads: the source gives layers on disk and they add up to enough bytes.
 * The caller stops the threads when the scan is over, used or not.
 */
import { availableParallelism } from 'node:os';
import type { OpenedImage } from '../sources/types.js';
import type { Walkers } from './pool.js';

/** Below this many bytes of layers to read, starting worker threads costs more than it saves. */
export const WORKER_MIN_BYTES = 32 * 1024 * 1024;

/** The default number of layers walked at once: the cores, at most 2. */
export function defaultConcurrency(): number {
  return Math.min(2, availableParallelism());
}

/**
 * Start the walker threads a walk of `image` would use; undefined where the walk would start none, or where it
 * would walk every layer in threads (a registry: the main thread receives the layers and forwards them).
 */
export function prestartWalkers(image: OpenedImage, concurrency?: number): Promise<Walkers | undefined> | undefined {
  if (!image.layerBlob || image.layers.length === 0 || image.kind === 'registry') return undefined;
  let bytes = 0;
  for (const l of image.layers) bytes += l.size ?? 0;
  if (bytes === 0) bytes = image.totalBytes ?? 0;
  if (bytes < WORKER_MIN_BYTES) return undefined;
  // layers on local disk: the main thread walks too (scan.ts), beside one thread fewer than the concurrency
  const threads = Math.max(1, (concurrency ?? defaultConcurrency()) - 1);
  // a pool that fails to start here is started again by the walk, which reports the error
  return import('./pool.js')
    .then((m) => m.startWalkers(threads))
    .catch(() => undefined);
}
