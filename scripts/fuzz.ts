/**
 * `npm run fuzz -- TARGET|all [--runs N] [--seed S] [--time SECONDS] [--workers W] [--json FILE]`: runs fuzz
 * targets (fuzz/targets/) in a worker thread each (512 MB heap cap, hang watchdog; with --workers W, W threads
 * share a target's runs, each with its own seed: seed, seed+1, ...), prints executions and failures per target, and writes every distinct failure to fuzz/out/<target>-<n>.json (the input, for a regression file in
 * fuzz/regressions/). Exit 1 when anything failed. `npm run fuzz -- --list` lists the targets.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fuzzInWorker, type FuzzResult } from '../fuzz/runner.js';
import { TARGETS, loadTarget } from '../fuzz/targets/index.js';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const runs = Number(opt('--runs') ?? 10_000);
const seed = Number(opt('--seed') ?? Date.now() % 2 ** 31);
const time = opt('--time');
const jsonOut = opt('--json');
const workers = Number(opt('--workers') ?? 1);
if (args.includes('--list') || args.length === 0) {
  for (const t of TARGETS) console.log(`${t.name.padEnd(12)} ${(await loadTarget(t.name)).about}`);
  if (args.length === 0) console.log('\nusage: npm run fuzz -- TARGET|all [--runs N] [--seed S] [--time SECONDS] [--workers W] [--json FILE]');
  process.exit(0);
}
const names = args.includes('all') ? TARGETS.map((t) => t.name) : args;
const unknown = names.filter((n) => !TARGETS.some((t) => t.name === n));
if (unknown.length || !Number.isInteger(runs) || runs < 1 || !Number.isInteger(workers) || workers < 1 || workers > 64) {
  console.error(unknown.length ? `no such target: ${unknown.join(', ')} (see --list)` : !Number.isInteger(runs) || runs < 1 ? '--runs must be a positive integer' : '--workers must be an integer from 1 to 64');
  process.exit(2);
}
const fmt = (n: number) => n.toLocaleString('en-US');
const line = (r: FuzzResult) =>
  `${r.target.padEnd(12)} ${fmt(r.runs).padStart(11)} runs  ${String(r.failures.length).padStart(2)} failures  ${fmt(Math.round(r.runs / Math.max(r.seconds, 0.001))).padStart(7)}/s  slowest ${r.maxInputMs.toFixed(1)} ms  heap ${Math.round(r.maxHeapMb)} MB  ${r.seconds.toFixed(0)} s (${(r.cpuSeconds ?? 0).toFixed(0)} s CPU, ${fmt(Math.round(r.runs / Math.max(r.cpuSeconds ?? 0, 0.001)))}/CPU-s)`;
const results: FuzzResult[] = [];
let failed = 0;
/** the results of the threads of one target as one */
const merge = (name: string, rs: FuzzResult[]): FuzzResult => ({
  target: name,
  runs: rs.reduce((n, r) => n + r.runs, 0),
  failures: rs.flatMap((r) => r.failures),
  distinct: rs.reduce((n, r) => n + r.distinct, 0),
  maxInputMs: Math.max(...rs.map((r) => r.maxInputMs)),
  maxHeapMb: Math.max(...rs.map((r) => r.maxHeapMb)),
  seconds: Math.max(...rs.map((r) => r.seconds)),
  // every thread reports the whole process's CPU time
  cpuSeconds: Math.max(...rs.map((r) => r.cpuSeconds ?? 0)),
});
console.log(`seed ${seed}, ${fmt(runs)} runs per target${time ? `, at most ${time} s each` : ''}${workers > 1 ? `, ${workers} threads (seeds ${seed}..${seed + workers - 1})` : ''}`);
for (const name of names) {
  const progress: FuzzResult[] = [];
  const share = (k: number) => Math.floor(runs / workers) + (k < runs % workers ? 1 : 0);
  const rs = await Promise.all(
    Array.from({ length: workers }, (_, k) =>
      fuzzInWorker(name, {
        runs: share(k),
        seed: seed + k,
        timeLimit: time ? Number(time) : undefined,
        onProgress: (p) => {
          progress[k] = p;
          process.stderr.write(`\r${line(merge(name, progress.filter(Boolean)))}`);
        },
      }),
    ),
  );
  const r = merge(name, rs);
  process.stderr.write('\r\u001b[K');
  console.log(line(r));
  results.push(r);
  if (r.failures.length) {
    failed++;
    mkdirSync('fuzz/out', { recursive: true });
    r.failures.forEach((f, i) => {
      const file = `fuzz/out/${name}-${i + 1}.json`;
      writeFileSync(file, JSON.stringify({ ...f, seed }, null, 1) + '\n');
      console.log(`  ${f.kind}: ${f.error}\n    ${f.where}\n    input: ${file}`);
    });
  }
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ seed, runs, results: results.map(({ failures, ...r }) => ({ ...r, failures: failures.map((f) => ({ kind: f.kind, error: f.error, where: f.where })) })) }, null, 1) + '\n');
process.exit(failed ? 1 : 0);
