/**
 * Profile figures: checking a profile (parse + moby evaluation + checks + delta), reading strace output, and,
 * when dockerd, strace and busybox-static are here, one real generation (busybox httpd) with the cost of
 * recording: the same 200 HTTP requests timed against the untraced container and while it is traced.
 * Run: npm run bench -- profiles
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSeccompProfile } from '../src/profiles/seccomp/profile.js';
import { analyzeSeccomp } from '../src/profiles/seccomp/analyze.js';
import { seccompDelta } from '../src/profiles/seccomp/delta.js';
import { containerCaps } from '../src/profiles/seccomp/evaluate.js';
import { analyzeAppArmor } from '../src/profiles/apparmor/analyze.js';
import { StraceParser } from '../src/profiles/trace/parse.js';
import { generateSeccompProfile } from '../src/app/profiles.js';

function time(label: string, n: number, unit: string, fn: () => void): void {
  fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`${label.padEnd(58)} ${(ms / n).toFixed(3).padStart(9)} ms/op  ${((n * 1000) / ms).toFixed(0).padStart(8)} ${unit}/s`);
}

const data = join(import.meta.dirname, '../src/profiles/data');
const defText = readFileSync(join(data, 'docker-default-seccomp.json'), 'utf8');
const ctx = { arch: 'amd64', caps: containerCaps() };
time("seccomp: Docker's default, parse + checks + delta", 500, 'profiles', () => {
  const p = parseSeccompProfile(defText).profile;
  analyzeSeccomp(p, ctx);
  seccompDelta(p, ctx);
});
const aa = readFileSync(join(data, 'docker-default-apparmor.txt'), 'utf8');
time('apparmor: docker-default, parse + checks', 2_000, 'profiles', () => {
  analyzeAppArmor(aa);
});
const lines: string[] = [];
for (let i = 0; i < 50_000; i++) {
  const pid = 100 + (i % 7);
  lines.push(`${pid}   openat(-100, "/usr/lib/x86_64-linux-gnu/lib${i % 300}.so.6", 0x80000) = 3`);
  lines.push(`${pid}   read(3, ""..., 832) = 832`);
  lines.push(`${pid}   futex(0x7f, 0x81, 1 <unfinished ...>`);
  lines.push(`${pid}   <... futex resumed>) = 0`);
}
{
  const parse = () => {
    const p = new StraceParser([], '/');
    for (const l of lines) p.line(l);
    p.summary();
  };
  parse();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 3; i++) parse();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / 3;
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / 3;
  console.log(`strace output: ${lines.length} lines (1/4 openat)`.padEnd(58), `${ms.toFixed(0).padStart(9)} ms wall, ${cpuMs.toFixed(0)} ms CPU  ${((lines.length * 1000) / cpuMs).toFixed(0)} lines per CPU-second`);
}

const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
if (!(has('docker', ['info']) && has('strace', ['-V']) && has('busybox', ['httpd', '--help']) && process.getuid?.() === 0)) {
  console.log('generation: skipped (needs dockerd, strace, busybox-static and root)');
  process.exit(0);
}
const { ensureHttpdImage, EXERCISE } = await import('../test/support/workloads.js');
const image = ensureHttpdImage();
const REQUESTS = '50';
const name = `bwbench-httpd-${process.pid}`;
execFileSync('docker', ['run', '-d', '--name', name, image, 'busybox-full', 'httpd', '-f', '-p', '8080', '-h', '/etc'], { stdio: 'ignore' });
try {
  const ip = execFileSync('docker', ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', name], { encoding: 'utf8' }).trim();
  spawnSync(process.execPath, [EXERCISE, 'http', ip, '8080', '/hostname', '5']);
  const t0 = Date.now();
  spawnSync(process.execPath, [EXERCISE, 'http', ip, '8080', '/hostname', REQUESTS]);
  console.log(`httpd untraced: ${REQUESTS} GETs`.padEnd(58), `${(Date.now() - t0).toString().padStart(9)} ms`);
} finally {
  spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
}
const t1 = Date.now();
let exerciseMs = 0;
const g = await generateSeccompProfile({
  target: { kind: 'run', args: ['docker', 'run', image, 'busybox-full', 'httpd', '-f', '-p', '8080', '-h', '/etc'] },
  durationMs: 30_000,
  // wait until it answers, then time the same requests while every syscall stops in strace
  exercise: `${process.execPath} ${EXERCISE} http $BULWARK_CONTAINER_IP 8080 /hostname 5 >/dev/null && s=$(date +%s%3N) && ${process.execPath} ${EXERCISE} http $BULWARK_CONTAINER_IP 8080 /hostname ${REQUESTS} >/dev/null && echo $(( $(date +%s%3N) - s ))`,
});
const ex = g.recording.exercise;
exerciseMs = Number(ex?.output.trim().split('\n').pop());
console.log(`httpd traced by strace -f: ${REQUESTS} GETs`.padEnd(58), ex?.code === 0 ? `${String(exerciseMs).padStart(9)} ms` : `did not finish within --duration (${ex?.stoppedAtEnd ? 'stopped' : `exit ${ex?.code}`})`);
console.log(
  `generation: busybox httpd, --duration 30 s`.padEnd(58),
  `${String(Date.now() - t1).padStart(9)} ms wall  (${g.generated.delta.allowed.length} syscalls allowed, against ${g.generated.delta.baseAllowed.length} in Docker's default profile)`,
);
console.log(`machine load average: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
