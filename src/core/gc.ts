/**
 * A full garbage collection on request, for the few moments when a phase has just dropped most of what it
 * allocated (a scanned image's per-layer entries and analyses once its index is built, a walked layer in a
 * worker thread). V8 sizes its heap by what was live at the last collection and keeps the pages it grew into
 * until the next one; collecting at such a moment returns them at once, so the next phase starts from a small
 * heap instead of adding to a large one (peak RSS). Node has no API for it: the `gc` function of `--expose-gc`,
 * set at run time, is taken from a fresh context (the flag only adds it to contexts created afterwards).
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
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

/**
 * The main thread's young generation, capped at run time. V8 grows the young generation's semi-spaces by a factor
 * of 2 whenever a scavenge sees many survivors, up to 16 MiB each (32 MiB of new space held for the process's
 * life), and `--max-semi-space-size` is read only when the process starts. The growth factor is read at each
 * growth, though: set to 1 once the new space reaches `YOUNG_CAP`, it stops growing there. The walk's worker threads
 * get the same size from their resource limits (`image/pool.ts`). On the realistic bench image this takes 25-35 MB
 * off peak RSS at the same CPU; growth factor 1 from the start (a 2 MiB new space) takes more but costs CPU.
 * The flag is process-wide: call this on the main thread only (a worker at its cap would freeze the main isolate's
 * growth early). It also holds every other isolate at the size it has then: the walk's workers have grown to their
 * 8 MiB by the time the main thread reaches its cap (the same work from the start), but a pool started later in the
 * same process (a second image of `bulwark scan`) keeps V8's initial 2 MiB (more scavenges, same results).
 * Cheap (one heap-space query), and a no-op once applied or where the flag cannot be set.
 */
const YOUNG_CAP = 8 * 1024 * 1024;
let youngCapped = false;

export function capYoungGeneration(): void {
  if (youngCapped) return;
  try {
    const spaces = getHeapSpaceStatistics();
    for (let i = 0; i < spaces.length; i++) {
      const s = spaces[i]!;
      if (s.space_name !== 'new_space') continue;
      if (s.space_size >= YOUNG_CAP) {
        setFlagsFromString('--semi-space-growth-factor=1');
        youngCapped = true;
      }
      return;
    }
    youngCapped = true; // no new space reported: nothing to cap
  } catch {
    youngCapped = true;
  }
}
