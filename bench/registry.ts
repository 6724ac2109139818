/**
 * Registry bench: the test app image (bulwark-test/bookworm-app:12: Debian packages, Python, Node.js with an
 * app's node_modules, a Go binary) as a gzip OCI layout on disk, pushed from that layout (same blobs) to a
 * local docker-registry (distribution 2.8) on 127.0.0.1, over plain HTTP and over TLS.
 *
 * Prints, each scan in its own child process (the `bulwark image` index: packages + image checks, no
 * vulnerability matching), cold cache every time, wall and CPU time (user + system of every thread):
 *   - scanning the OCI layout from disk (the peer, measured in the same run, interleaved),
 *   - pulling and scanning it from the registry (HTTP, HTTPS), and the ratio to the disk scan (goal <= 1.2x);
 *   - a warm rescan from the registry: time, HTTP requests and bytes by kind (goal: the manifest only);
 *   - that inventory and findings from the registry equal those from disk.
 *
 *   npm run bench -- registry        (BULWARK_BENCH_DIR=/var/tmp/bulwark-bench by default; REPS=3)
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const BENCH_DIR = process.env.BULWARK_BENCH_DIR ?? '/var/tmp/bulwark-bench';
const REPS = Number(process.env.REPS ?? 3);
const IMAGE = 'bulwark-test/bookworm-app:12';

interface ChildResult {
  ms: number;
  /** CPU time of the scan (user + system, every thread of the process: the walker's workers too) */
  cpuMs: number;
  maxRssMB: number;
  layersStreamed: number;
  layersFromCache: number;
  packages: number;
  findings: number;
  /** sha256 of the packages and findings, made source-independent */
  contentHash: string;
  stats?: { requests: number; failedAttempts: number; bytesIn: number; byKind: Record<string, { requests: number; bytesIn: number }> };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function runChild(ref: string, cacheDir: string, registry: Record<string, unknown>): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', ref, cacheDir, JSON.stringify(registry)], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`scan child exited ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult);
    });
  });
}

async function child(ref: string, cacheDir: string, registryJson: string): Promise<void> {
  const { indexImage } = await import('../src/app/image.js');
  const { lastScanStats } = await import('../src/image/scan.js');
  const registry = JSON.parse(registryJson) as Record<string, unknown>;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const index = await indexImage(ref, { cacheDir, registry, config: {} });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const stats = (globalThis as { __bulwarkRegistryStats?: ChildResult['stats'] }).__bulwarkRegistryStats;
  const findings = index.findings.map((f) => ({ id: f.ruleId, sev: f.severity, msg: f.message.split(index.target.name).join('IMAGE'), path: (f.location as { path?: string }).path, field: (f.location as { field?: string }).field })).filter((f) => f.field !== 'repoTags');
  findings.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const contentHash = createHash('sha256').update(JSON.stringify({ packages: index.inventory.packages, findings, layers: index.summary.layers.map((l) => l.diffId) })).digest('hex').slice(0, 16);
  const r: ChildResult = {
    ms,
    cpuMs,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    layersStreamed: lastScanStats.layersStreamed,
    layersFromCache: lastScanStats.layersFromCache,
    packages: index.inventory.packages.length,
    findings: findings.length,
    contentHash,
    ...(stats ? { stats } : {}),
  };
  process.stdout.write(JSON.stringify(r) + '\n');
}

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'], timeout: 30 * 60_000 });
}

function imageId(): string {
  return sh('docker', ['image', 'inspect', '-f', '{{.Id}}', IMAGE]).trim();
}

async function main(): Promise<void> {
  const { ensureBookwormImages } = await import('../test/support/images.js');
  const { startRegistry, makePki, skopeoCopy } = await import('../test/registry/support/registries.js');
  ensureBookwormImages();
  mkdirSync(BENCH_DIR, { recursive: true });
  const oci = join(BENCH_DIR, 'app-oci');
  const stamp = join(oci, '.image-id');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== imageId()) {
    process.stderr.write('skopeo copy (gzip layers)...\n');
    rmSync(oci, { recursive: true, force: true });
    await skopeoCopy(`docker-daemon:${IMAGE}`, `oci:${oci}:app`, ['--dest-compress', '--dest-compress-format', 'gzip']);
    writeFileSync(stamp, imageId());
  }
  const pki = makePki();
  const plain = await startRegistry({});
  const tls = await startRegistry({ tls: { cert: pki.good.cert, key: pki.good.key } });
  const certDir = join(BENCH_DIR, 'reg-certs');
  mkdirSync(certDir, { recursive: true });
  copyFileSync(pki.caCert, join(certDir, 'ca.crt'));
  try {
    process.stderr.write('pushing the layout to the registries...\n');
    await skopeoCopy(`oci:${oci}:app`, `docker://${plain.addr}/app:1`, ['--dest-tls-verify=false']);
    await skopeoCopy(`oci:${oci}:app`, `docker://${tls.addr}/app:1`, ['--dest-cert-dir', certDir]);
    const caches = join(BENCH_DIR, 'reg-caches');
    const fresh = (name: string) => {
      const d = join(caches, name);
      rmSync(d, { recursive: true, force: true });
      mkdirSync(d, { recursive: true });
      return d;
    };
    const variants: Array<{ name: string; ref: string; registry: Record<string, unknown> }> = [
      { name: 'OCI layout on disk (peer)', ref: `oci:${oci}:app`, registry: {} },
      { name: 'registry, plain HTTP', ref: `${plain.addr}/app:1`, registry: { insecureRegistries: [plain.addr] } },
      { name: 'registry, HTTPS', ref: `${tls.addr}/app:1`, registry: { caCerts: [pki.caCert] } },
    ];
    const results = new Map<string, ChildResult[]>(variants.map((v) => [v.name, []]));
    const load0 = loadavg()[0]!;
    for (let rep = 0; rep < REPS; rep++) {
      for (const v of variants) {
        const r = await runChild(v.ref, fresh('cold'), v.registry);
        results.get(v.name)!.push(r);
        process.stderr.write(`  ${v.name}: ${(r.ms / 1000).toFixed(2)} s wall, ${(r.cpuMs / 1000).toFixed(2)} s CPU\n`);
      }
    }
    // warm: same cache as a cold registry scan just before
    const warmCache = fresh('warm');
    await runChild(variants[1]!.ref, warmCache, variants[1]!.registry);
    const warm = await runChild(variants[1]!.ref, warmCache, variants[1]!.registry);
    const warmTlsCache = fresh('warm-tls');
    await runChild(variants[2]!.ref, warmTlsCache, variants[2]!.registry);
    const warmTls = await runChild(variants[2]!.ref, warmTlsCache, variants[2]!.registry);
    const load1 = loadavg()[0]!;

    const disk = results.get(variants[0]!.name)!;
    const diskMs = median(disk.map((r) => r.ms));
    const diskCpu = median(disk.map((r) => r.cpuMs));
    const cpus = (await import('node:os')).availableParallelism();
    console.log(`image ${IMAGE}: ${disk[0]!.packages} packages, ${disk[0]!.findings} image findings; ${REPS} interleaved cold runs each, medians; load average ${load0.toFixed(1)} -> ${load1.toFixed(1)} on ${cpus} CPUs`);
    console.log('');
    console.log('source                         wall (median)  min       CPU (median)  ratio to disk: wall  CPU    peak RSS  blob bytes');
    const ratios = new Map<string, { wall: number; cpu: number }>();
    for (const v of variants) {
      const rs = results.get(v.name)!;
      const ms = median(rs.map((r) => r.ms));
      const cpu = median(rs.map((r) => r.cpuMs));
      ratios.set(v.name, { wall: ms / diskMs, cpu: cpu / diskCpu });
      const blob = rs[0]!.stats?.byKind.blob?.bytesIn;
      console.log(
        `${v.name.padEnd(30)} ${(ms / 1000).toFixed(2).padStart(8)} s   ${(Math.min(...rs.map((r) => r.ms)) / 1000).toFixed(2).padStart(6)} s  ${(cpu / 1000).toFixed(2).padStart(8)} s     ${(ms / diskMs).toFixed(2).padStart(13)}x  ${(cpu / diskCpu).toFixed(2).padStart(5)}x  ${Math.max(...rs.map((r) => r.maxRssMB)).toFixed(0).padStart(5)} MB  ${blob !== undefined ? `${(blob / 1e6).toFixed(1)} MB` : '-'}`,
      );
    }
    const same = [...results.values()].flat().every((r) => r.contentHash === disk[0]!.contentHash);
    console.log('');
    console.log(`inventory and findings from the registry equal the disk layout's: ${same ? 'yes' : 'NO'} (content hash ${disk[0]!.contentHash})`);
    for (const [name, w] of [['plain HTTP', warm], ['HTTPS', warmTls]] as const) {
      const kinds = Object.entries(w.stats?.byKind ?? {}).map(([k, v]) => `${k}: ${v.requests} request(s), ${v.bytesIn} B`).join('; ');
      console.log(`warm rescan (${name}): ${(w.ms / 1000).toFixed(2)} s wall, ${(w.cpuMs / 1000).toFixed(2)} s CPU, layers streamed ${w.layersStreamed}, from cache ${w.layersFromCache}; ${w.stats?.requests ?? '?'} HTTP request(s), ${w.stats?.bytesIn ?? '?'} B received (${kinds})${w.stats?.failedAttempts ? `, ${w.stats.failedAttempts} failed connection attempt(s) (HTTPS tried first for an insecure registry)` : ''}`);
    }
    const http = ratios.get(variants[1]!.name)!;
    const https = ratios.get(variants[2]!.name)!;
    const warmOk = [warm, warmTls].every((w) => w.layersStreamed === 0 && Object.keys(w.stats?.byKind ?? {}).every((k) => k === 'manifest'));
    const verdict = (r: number) => `${r.toFixed(2)}x ${r <= 1.2 ? 'ok' : 'MISSED'}`;
    console.log('');
    // wall time is only meaningful on a quiet machine: with a load average above the CPU count, read the CPU ratio
    const busy = Math.max(load0, load1) > cpus;
    console.log(`goal: registry pull+scan <= 1.2x disk: wall HTTP ${verdict(http.wall)}, HTTPS ${verdict(https.wall)}; CPU HTTP ${verdict(http.cpu)}, HTTPS ${verdict(https.cpu)}${busy ? ' (the machine was busy: wall times are not comparable, the CPU ratio is)' : ''}`);
    console.log(`goal: warm rescan transfers only the manifest: ${warmOk ? 'ok' : 'MISSED'} (${warm.stats?.bytesIn ?? '?'} B over HTTP, ${warmTls.stats?.bytesIn ?? '?'} B over HTTPS)`);
  } finally {
    await Promise.all([plain.stop(), tls.stop()]);
  }
}

if (process.argv[2] === '--child') {
  // count what crosses the wire: every RegistryClient of this process reports into one global
  const { RegistryClient } = await import('../src/registry/client.js');
  const orig = RegistryClient.prototype.close;
  RegistryClient.prototype.close = function (this: InstanceType<typeof RegistryClient>) {
    const g = globalThis as { __bulwarkRegistryStats?: ChildResult['stats'] };
    const s = this.stats;
    const acc = (g.__bulwarkRegistryStats ??= { requests: 0, failedAttempts: 0, bytesIn: 0, byKind: {} });
    acc.requests += s.requests;
    acc.failedAttempts += s.failedAttempts;
    acc.bytesIn += s.bytesIn;
    for (const [k, v] of Object.entries(s.byKind)) {
      const a = (acc.byKind[k] ??= { requests: 0, bytesIn: 0 });
      a.requests += v.requests;
      a.bytesIn += v.bytesIn;
    }
    return orig.call(this);
  };
  await child(process.argv[3]!, process.argv[4]!, process.argv[5]!);
} else {
  await main();
}
