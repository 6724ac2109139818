/**
 * Lints a generated corpus of Dockerfiles through the same code path as `bulwark scan` and prints
 * Dockerfiles/second and peak RSS.  Usage: npx tsx bench/dockerfiles.ts [count=2000]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanProject } from '../src/analyzers/project.js';
import { dockerfile } from './dockerfiles/corpus.js';

const COUNT = Number(process.argv[2] ?? 2000);

const dir = mkdtempSync(join(tmpdir(), 'bulwark-bench-dockerfiles-'));
try {
  const names = ['Dockerfile', 'api.Dockerfile', 'Dockerfile.prod', 'Containerfile', 'web.containerfile'];
  for (let i = 0; i < COUNT; i++) {
    const sub = join(dir, `svc${Math.floor(i / names.length)}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, names[i % names.length]!), dockerfile(i));
  }
  // two passes over the same tree: the first includes JIT warm-up (what a one-off `bulwark scan` sees),
  // the second is the steady state (a long-running service or a big monorepo)
  for (const pass of ['cold', 'warm']) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const res = await scanProject(dir, {});
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(c0);
    const cpuSecs = (cpu.user + cpu.system) / 1e6;
    const files = res.targets.length;
    if (files !== COUNT) throw new Error(`expected ${COUNT} Dockerfiles, scanned ${files}`);
    console.log(`${pass}: ${files} Dockerfiles, ${res.findings.length} findings in ${secs.toFixed(2)} s wall, ${cpuSecs.toFixed(2)} s CPU`);
    console.log(`${pass}: dockerfiles/second ${(files / secs).toFixed(0)} (wall clock), ${(files / cpuSecs).toFixed(0)} per CPU-second`);
  }
  const os = await import('node:os');
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  console.log(`machine: ${os.cpus().length} CPUs, load average (1 min) ${os.loadavg()[0]!.toFixed(1)} during the run`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
