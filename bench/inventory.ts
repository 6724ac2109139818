/**
 * Inventory bench: detector throughput on real inputs, and coalescing + SBOM rendering on a real image.
 *   - dpkg: this machine's /var/lib/dpkg/status (when present), apk: the Alpine 3.20.3 database fixture,
 *     rpm: the sqlite and BerkeleyDB fixtures, Go: build info of the largest Go binary found on this machine
 *     (dockerd, containerd, runc), Java: the fat-jar fixture;
 *   - buildInventory + CycloneDX + SPDX on bulwark-test/bookworm-app:12 (warm cache: the walker's own time is
 *     measured by bench/image.ts), when a Docker engine is reachable.
 *   npx tsx bench/inventory.ts
 */
import { existsSync, readFileSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { packagesFromStatus } from '../src/inventory/dpkg/index.js';
import { parseApkInstalled } from '../src/inventory/apk/index.js';
import { rpmAnalyzer } from '../src/inventory/rpm/index.js';
import { readGoBuildInfo } from '../src/inventory/golang/index.js';
import { javaPackages } from '../src/inventory/java/index.js';
import { buildInventory } from '../src/inventory/index.js';
import { analyzeImage } from '../src/image/pipeline.js';
import { packageDetectors } from '../src/app/analyzers.js';
import { sbomReport } from '../src/app/sbom.js';
import { renderCycloneDx } from '../src/report/cyclonedx.js';
import { renderSpdx } from '../src/report/spdx.js';

const FIX = fileURLToPath(new URL('../test/fixtures/inventory/', import.meta.url));

async function time<T>(label: string, n: number, fn: () => T | Promise<T>, what?: (r: T) => string): Promise<T> {
  let r!: T;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) r = await fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / n;
  console.log(`${label.padEnd(52)} ${ms.toFixed(2).padStart(9)} ms/op${what ? `  (${what(r)})` : ''}`);
  return r;
}

if (existsSync('/var/lib/dpkg/status')) {
  const text = readFileSync('/var/lib/dpkg/status', 'utf8');
  await time(`dpkg status (${(text.length / 1024).toFixed(0)} KiB)`, 20, () => packagesFromStatus(text, true), (r) => `${r.length} packages`);
}
const apk = readFileSync(FIX + 'apk/installed-3.20.3', 'utf8');
await time('apk installed (Alpine 3.20.3)', 200, () => parseApkInstalled(apk), (r) => `${r.length} packages`);
const ctx = { layer: { index: 0, digest: 'sha256:0' }, imageName: 'bench', truncated: false };
const sq = readFileSync(FIX + 'rpm/rpmdb.sqlite');
await time('rpm sqlite (fixture)', 50, () => rpmAnalyzer.analyze({ path: 'var/lib/rpm/rpmdb.sqlite', type: 'file', mode: 0o644, uid: 0, gid: 0, size: sq.length }, sq, ctx));
const bdb = readFileSync(FIX + 'rpm/Packages');
await time('rpm BerkeleyDB (fixture)', 200, () => rpmAnalyzer.analyze({ path: 'var/lib/rpm/Packages', type: 'file', mode: 0o644, uid: 0, gid: 0, size: bdb.length }, bdb, ctx));
const goBins = ['/usr/sbin/dockerd', '/usr/bin/containerd', '/usr/sbin/runc'].filter(existsSync).sort((a, b) => statSync(b).size - statSync(a).size);
const goBin = goBins[0] ? readFileSync(goBins[0]) : gunzipSync(readFileSync(FIX + 'golang/hello-go1.19.gz'));
await time(`Go build info (${goBins[0] ?? 'hello fixture'}, ${(goBin.length / 1048576).toFixed(1)} MiB)`, 10, () => readGoBuildInfo(goBin), (r) => `${r?.goVersion}, ${r?.deps.length} deps`);
const jar = readFileSync(FIX + 'java/demo-app-0.0.1.jar');
await time('Java fat jar (fixture, 2 nested jars)', 50, () => javaPackages(jar, 'app.jar'), (r) => `${r.packages.length} packages`);

let docker = false;
try {
  const { execFileSync } = await import('node:child_process');
  execFileSync('docker', ['image', 'inspect', 'bulwark-test/bookworm-app:12'], { stdio: 'ignore' });
  docker = true;
} catch {
  console.log('bulwark-test/bookworm-app:12 not built (test/support/images.ts builds it): image part skipped');
}
if (docker) {
  const cache = mkdtempSync(join(tmpdir(), 'bulwark-bench-inv-'));
  try {
    await time('walk bookworm-app (cold, own cache dir)', 1, () => analyzeImage('docker:bulwark-test/bookworm-app:12', { cacheDir: cache, analyzers: [...packageDetectors] }));
    const scan = await time('walk bookworm-app (warm)', 1, () => analyzeImage('docker:bulwark-test/bookworm-app:12', { cacheDir: cache, analyzers: [...packageDetectors] }));
    const inv = await time('buildInventory (bookworm-app)', 5, () => buildInventory(scan), (r) => `${r.packages.length} packages`);
    const report = sbomReport(inv, 'docker:bulwark-test/bookworm-app:12');
    await time('CycloneDX 1.6 render', 3, () => renderCycloneDx(report), (s) => `${(s.length / 1048576).toFixed(1)} MiB`);
    await time('SPDX 2.3 render', 3, () => renderSpdx(report), (s) => `${(s.length / 1048576).toFixed(1)} MiB`);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
