/**
 * Overhead of the image content checks (secrets in every layer, file facts) on a cold scan of the >= 1 GB
 * bench image that bench/image.ts builds (reused; built by running bench/image.ts when missing).
 *
 * In the same run, each in its own child process with an empty cache:
 *   base    = the image pipeline's analyzers (inventory) + buildInventory
 *   checks  = the same + imageContentAnalyzers + checkImage
 * alternating, `BULWARK_BENCH_REPS` times (default 2), median reported; for the gzip OCI layout and the
 * plain `docker save` archive. Goal: checks add <= 30% to the cold scan.
 *
 *   npx tsx bench/image-checks.ts
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const BENCH_DIR = process.env.BULWARK_BENCH_DIR ?? '/var/tmp/bulwark-bench';
const IMAGE = 'bulwark-bench/big:1';
const REPS = Math.max(1, Number(process.env.BULWARK_BENCH_REPS ?? 2));

interface ChildResult {
  ms: number;
  /** user + system CPU time of the child: less sensitive than wall time to other load on the machine */
  cpuMs: number;
  checkMs: number;
  maxRssMB: number;
  findings: number;
  secretFindings: number;
  uncompressed: number;
  files: number;
}

function ensureImage(): { saveTar: string; ociDir: string } {
  const saveTar = join(BENCH_DIR, 'big.tar');
  const ociDir = join(BENCH_DIR, 'big-oci');
  const have = spawnSync('docker', ['image', 'inspect', IMAGE], { stdio: 'ignore' }).status === 0;
  if (!have || !existsSync(saveTar) || !existsSync(join(ociDir, 'index.json'))) {
    process.stderr.write('bench image missing: running bench/image.ts to build it...\n');
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'image.ts')], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error('bench/image.ts failed to build the bench image');
  }
  return { saveTar, ociDir };
}

function runChild(mode: 'base' | 'checks', ref: string, cacheDir: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', mode, ref, cacheDir], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`scan child exited ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult);
    });
  });
}

async function child(mode: string, ref: string, cacheDir: string): Promise<void> {
  const { analyzeImage } = await import('../src/image/pipeline.js');
  const { imageScanAnalyzers } = await import('../src/app/analyzers.js');
  const { buildInventory } = await import('../src/inventory/index.js');
  const { checkImage } = await import('../src/analyzers/image/index.js');
  // base: the package detectors only; checks: plus the secret and file checks' analyzers
  const analyzers = imageScanAnalyzers({ checks: mode === 'checks' });
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const scan = await analyzeImage(ref, { cacheDir, analyzers });
  const inv = buildInventory(scan);
  const t1 = process.hrtime.bigint();
  const findings = mode === 'checks' ? checkImage(scan, inv, {}) : [];
  const t2 = process.hrtime.bigint();
  const r: ChildResult = {
    ms: Number(t2 - t0) / 1e6,
    cpuMs: (() => {
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / 1000;
    })(),
    checkMs: Number(t2 - t1) / 1e6,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    findings: findings.length,
    secretFindings: findings.filter((f) => f.ruleId.startsWith('BW-SECRET')).length,
    uncompressed: scan.layers.reduce((a, l) => a + l.uncompressedSize, 0),
    files: scan.final.size,
  };
  process.stdout.write(JSON.stringify(r) + '\n');
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]!, process.argv[4]!, process.argv[5]!);
  const { saveTar, ociDir } = ensureImage();
  spawnSync('sh', ['-c', `cat '${saveTar}' > /dev/null; cat '${ociDir}'/blobs/sha256/* > /dev/null`]);
  const cacheBase = join(BENCH_DIR, 'cache-image-checks');
  mkdirSync(cacheBase, { recursive: true });
  const lines: string[] = [];
  let worst = 0;
  for (const [label, ref] of [
    ['oci (gzip layers)', `oci:${ociDir}:big`],
    ['docker save (plain layers)', saveTar],
  ] as const) {
    const runs: Record<'base' | 'checks', ChildResult[]> = { base: [], checks: [] };
    for (let i = 0; i < REPS; i++) {
      for (const mode of ['base', 'checks'] as const) {
        const cacheDir = join(cacheBase, `${mode}-${i}`);
        rmSync(cacheDir, { recursive: true, force: true });
        runs[mode].push(await runChild(mode, ref, cacheDir));
        rmSync(cacheDir, { recursive: true, force: true });
      }
    }
    const b = median(runs.base.map((r) => r.ms));
    const c = median(runs.checks.map((r) => r.ms));
    const overhead = (c - b) / b;
    const bc = median(runs.base.map((r) => r.cpuMs));
    const cc = median(runs.checks.map((r) => r.cpuMs));
    const cpuOverhead = (cc - bc) / bc;
    worst = Math.max(worst, overhead);
    const last = runs.checks[runs.checks.length - 1]!;
    lines.push(
      `${label.padEnd(27)} cold without checks ${(b / 1000).toFixed(2)} s | with checks ${(c / 1000).toFixed(2)} s ` +
        `(checkImage ${median(runs.checks.map((r) => r.checkMs)).toFixed(0)} ms, ${last.findings} findings, ${last.secretFindings} secret) | ` +
        `overhead ${(overhead * 100).toFixed(1)}% wall, ${(cpuOverhead * 100).toFixed(1)}% CPU (${(bc / 1000).toFixed(2)} -> ${(cc / 1000).toFixed(2)} s) | ` +
        `peak RSS ${Math.max(...runs.base.map((r) => r.maxRssMB)).toFixed(0)} -> ${Math.max(...runs.checks.map((r) => r.maxRssMB)).toFixed(0)} MB`,
    );
    if (label.startsWith('oci')) lines.unshift(`image: ${IMAGE} (${(last.uncompressed / 1024 / 1024).toFixed(0)} MiB uncompressed, ${last.files} files), ${REPS} cold run(s) each, median`);
  }
  lines.push(`goal: overhead <= 30% (wall, median): worst ${(worst * 100).toFixed(1)}% ${worst <= 0.3 ? 'ok' : 'MISSED'}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  rmSync(cacheBase, { recursive: true, force: true });
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
