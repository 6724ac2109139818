/**
 * Progress of an image walk on stderr, only on a terminal (stdout and stderr both TTYs, showProgress): the image's
 * bytes read against its total, which never goes down (the walker's tracker), the layer, and the seconds since
 * the command's work started. The first update is printed as soon as the image is open; later ones at most every
 * 100 ms.
 */
import type { ScanProgress } from '../image/scan.js';
import { formatBytes } from '../app/image.js';
import { showProgress } from './conventions.js';

export function progressPrinter(): { onProgress?: (e: ScanProgress) => void; end(): void } {
  if (!showProgress()) return { end() {} };
  let last = 0;
  let shown = false;
  const start = Date.now();
  return {
    onProgress(e: ScanProgress) {
      const now = Date.now();
      if (shown && !e.done && now - last < 100) return;
      last = now;
      const of = e.totalBytes !== undefined ? ` / ${formatBytes(e.totalBytes)} (${e.totalBytes ? Math.floor((100 * e.doneBytes) / e.totalBytes) : 100}%)` : '';
      process.stderr.write(`\r\x1b[K${formatBytes(e.doneBytes)}${of}  layer ${e.layer + 1}/${e.layers}${e.cached ? ' (cached)' : ''}  ${((now - start) / 1000).toFixed(1)}s`);
      shown = true;
    },
    end() {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

/** Run `fn` with a progress printer, clearing the progress line however it ends. */
export async function withProgress<T>(fn: (onProgress: ((e: ScanProgress) => void) | undefined) => Promise<T>): Promise<T> {
  const p = progressPrinter();
  try {
    return await fn(p.onProgress);
  } finally {
    p.end();
  }
}
