/**
 * `npm run bench -- startup`: start-up time of the built CLI (`bin/bulwark.js`, what `npm install` puts on the
 * PATH), measured by spawning it, next to `node -e 0` (the floor no Node.js program can beat) in the same run.
 * Goal (#16): `bulwark --version` and `bulwark rules` in at most 150 ms.
 *
 *   npm run bench -- startup            # builds dist/ when it is missing or older than src/
 *   BENCH_RUNS=50 npm run bench -- startup
 *
 * The same with hyperfine: hyperfine -N -w 3 'node -e 0' 'node bin/bulwark.js --version' 'node bin/bulwark.js rules'
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const bin = join(root, 'bin', 'bulwark.js');
const runs = Number(process.env.BENCH_RUNS ?? 30);
const GOAL_MS = 150;

function newest(dir: string): number {
  let t = 0;
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    const st = statSync(p);
    t = Math.max(t, st.isDirectory() ? newest(p) : st.mtimeMs);
  }
  return t;
}

const built = join(root, 'dist', 'cli', 'bin.js');
if (!existsSync(built) || statSync(built).mtimeMs < newest(join(root, 'src'))) {
  console.log('building dist/ (npm run build)...');
  const b = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(1);
}

interface Case {
  name: string;
  cmd: string[];
  goal?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * The environment of the runs: this one without NODE_EXTRA_CA_CERTS. When an environment sets it (this machine
 * does, for its proxy), every Node.js process reads and parses that CA file before it runs a line of JavaScript
 * (about 60 ms here): not Bulwark's start-up. The floor is also shown with it, as this environment sets it.
 */
const RUN_ENV: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
delete RUN_ENV.NODE_EXTRA_CA_CERTS;

const cases: Case[] = [
  { name: 'node -e 0 (floor)', cmd: [process.execPath, '-e', '0'] },
  { name: 'bulwark --version', cmd: [process.execPath, bin, '--version'], goal: GOAL_MS },
  { name: 'bulwark rules', cmd: [process.execPath, bin, 'rules'], goal: GOAL_MS },
  { name: 'bulwark explain DL3008', cmd: [process.execPath, bin, 'explain', 'DL3008'] },
  { name: 'bulwark --help', cmd: [process.execPath, bin, '--help'] },
  { name: 'bulwark dockerfile --help', cmd: [process.execPath, bin, 'dockerfile', '--help'] },
  { name: 'bulwark image --help', cmd: [process.execPath, bin, 'image', '--help'] },
  ...(process.env.NODE_EXTRA_CA_CERTS ? [{ name: 'node -e 0 + EXTRA_CA_CERTS', cmd: [process.execPath, '-e', '0'], env: { ...process.env, NO_COLOR: '1' } }] : []),
];

// CPU time (user + system) of each run, from GNU time when it is installed: less sensitive to other load than
// the wall clock, though a busy machine inflates it too.
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function once(cmd: string[], env: NodeJS.ProcessEnv = RUN_ENV): { wall: number; cpu?: number } {
  const argv = TIME ? [TIME, '-f', 'BULWARK_CPU %U %S', ...cmd] : cmd;
  const t = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8' });
  const wall = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited ${r.status}: ${r.stderr}`);
  const m = /BULWARK_CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return m ? { wall, cpu: (Number(m[1]) + Number(m[2])) * 1000 } : { wall };
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))]!;
console.log(`start-up, ${runs} runs each after 3 warm-ups; node ${process.version}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${(await import('node:os')).cpus().length} cores`);
console.log(`${'command'.padEnd(28)} ${'min'.padStart(8)} ${'median'.padStart(8)} ${'mean'.padStart(8)} ${'p90'.padStart(8)}  over floor  ${'cpu med'.padStart(8)}  goal`);
let floor = 0;
let missed = 0;
const results: Array<{ name: string; median: number }> = [];
// interleaved rounds, so a burst of load from elsewhere touches every case alike
const times = new Map<Case, number[]>(cases.map((c) => [c, []]));
const cpu = new Map<Case, number[]>(cases.map((c) => [c, []]));
for (const c of cases) for (let i = 0; i < 3; i++) once(c.cmd, c.env);
for (let i = 0; i < runs; i++) {
  for (const c of cases) {
    const r = once(c.cmd, c.env);
    times.get(c)!.push(r.wall);
    if (r.cpu !== undefined) cpu.get(c)!.push(r.cpu);
  }
}
for (const c of cases) {
  const xs = times.get(c)!.sort((a, b) => a - b);
  const cs = cpu.get(c)!.sort((a, b) => a - b);
  const cpuMed = cs.length ? pct(cs, 0.5).toFixed(0) : '-';
  const median = pct(xs, 0.5);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (!floor) floor = median;
  const over = c === cases[0] ? '' : `+${(median - floor).toFixed(1)} ms`;
  const goal = c.goal ? (median <= c.goal ? `<= ${c.goal} ms: met` : `<= ${c.goal} ms: MISSED`) : '';
  if (c.goal && median > c.goal) missed++;
  results.push({ name: c.name, median });
  console.log(`${c.name.padEnd(28)} ${xs[0]!.toFixed(1).padStart(8)} ${median.toFixed(1).padStart(8)} ${mean.toFixed(1).padStart(8)} ${pct(xs, 0.9).toFixed(1).padStart(8)}  ${over.padStart(10)}  ${cpuMed.padStart(8)}  ${goal}`);
}
console.log(`(times in ms: wall clock per spawn, and the CPU time GNU time reports at 10 ms resolution; load average now ${loadavg()[0]!.toFixed(2)})`);
if (process.env.NODE_EXTRA_CA_CERTS) console.log(`(every run but the last without NODE_EXTRA_CA_CERTS, which this environment sets: Node reads that CA file before any JavaScript runs)`);
if (missed) console.log(`${missed} start-up goal(s) missed at this load; re-run on a quiet machine before concluding`);
