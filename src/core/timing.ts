/**
 * Stage timings for `--debug`: the app layer and the CLI wrap their stages in `timed(name, fn)`; the CLI prints
 * the list after the command. Recording is off unless enabled (one boolean test per stage otherwise).
 */
export interface StageTiming {
  stage: string;
  ms: number;
  /** at the stage's end: resident set, V8 heap in use, and memory outside the heap (buffers), in bytes */
  rss?: number;
  heapUsed?: number;
  external?: number;
  /** the process's peak resident set so far (getrusage's maxrss), in bytes */
  peakRss?: number;
}

let enabled = false;
let recorded: StageTiming[] = [];

export function enableTimings(on: boolean): void {
  enabled = on;
  recorded = [];
}

export function timings(): StageTiming[] {
  return recorded;
}

/** Run `fn`, recording how long it took under `stage` (sync or async). */
export function timed<T>(stage: string, fn: () => T): T {
  if (!enabled) return fn();
  const t0 = performance.now();
  const done = () => {
    const m = process.memoryUsage();
    recorded.push({ stage, ms: performance.now() - t0, rss: m.rss, heapUsed: m.heapUsed, external: m.external, peakRss: process.resourceUsage().maxRSS * 1024 });
  };
  const r = fn();
  if (r instanceof Promise) return r.finally(done) as T;
  done();
  return r;
}
