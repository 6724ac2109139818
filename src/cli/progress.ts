/** Progress of an image walk on stderr, when stderr is a terminal: layer n/N and bytes read. */
import type { ScanProgress } from '../image/scan.js';
import { formatBytes } from '../app/image.js';
import { showProgress } from './conventions.js';

export function progressPrinter(): { onProgress?: (e: ScanProgress) => void; end(): void } {
  if (!showProgress()) return { end() {} };
  let last = 0;
  let shown = false;
  return {
    onProgress(e: ScanProgress) {
      const now = Date.now();
      if (!e.done && now - last < 100) return;
      last = now;
      const size = e.layerBytes ? ` / ${formatBytes(e.layerBytes)}` : '';
      process.stderr.write(`\r\x1b[Klayer ${e.layer + 1}/${e.layers}${e.cached ? ' (cached)' : ''}  ${formatBytes(e.bytes)}${size}`);
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
