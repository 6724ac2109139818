/**
 * A full garbage collection on request, for the few moments when a phase has just dropped most of what it
 * allocated (a scanned image's per-layer entries and analyses once its index is built, a walked layer in a
 * worker thread). V8 sizes its heap by what was live at the last collection and keeps the pages it grew into
 * until the next one; collecting at such a moment returns them at once, so the next phase starts from a small
 * heap instead of adding to a large one (peak RSS). Node has no API for it: the `gc` function of `--expose-gc`,
 * set at run time, is taken from a fresh context (the flag only adds it to contexts created afterwards).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gcFn: (() => void) | null | undefined;

function getGc(): (() => void) | null {
  if (gcFn !== undefined) return gcFn;
  try {
    const own = (globalThis as { gc?: unknown }).gc;
    if (typeof own === 'function') gcFn = own as () => void;
    else {
      setFlagsFromString('--expose-gc');
      const f = runInNewContext('gc') as unknown;
      gcFn = typeof f === 'function' ? (f as () => void) : null;
    }
  } catch {
    gcFn = null;
  }
  return gcFn;
}

/** Collect the whole heap now (a no-op where the runtime does not allow it). Tens of ms on a 100 MB heap. */
export function collectGarbage(): void {
  getGc()?.();
}
