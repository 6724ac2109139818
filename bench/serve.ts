/**
 * Service bench (`npm run bench -- serve`), two parts:
 *
 * 1. Read throughput. A real `bulwark serve` process (embedded SQLite, the real feeds of ../shared/data in its
 *    vulnerability database) holds 200 indexed images: the real test images indexed by the server itself
 *    (docker:bulwark-test/... when the engine has them, else the Alpine rootfs tarballs), plus synthesized ones
 *    submitted as client-made indexes (the real inventories with package versions varied per image). autocannon
 *    (in this process, so client and server share the 2 cores) then GETs /api/v1/vulnerabilities/{digest}
 *    round-robin over the 200 digests, bounded in time, on 127.0.0.1, with a read token.
 *    Goal: >= 1,000 requests/s, p99 < 50 ms.
 * 2. Notification computation. 1,000 indexed images (the same real and synthesized inventories) in an
 *    embedded store with their verdicts under database A; database B is A with 10,000 Debian advisories
 *    changed (their fixed versions moved), built by the same update code (so it records its change set);
 *    the notification round against B is timed. Goal: < 5 s.
 *
 *   npx tsx bench/serve.ts [--part throughput|notify] [--duration S] [--connections N]
 * Work files under $BULWARK_BENCH_DIR (default /var/tmp/bulwark-bench)/serve; the load average is printed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import type { ImageIndex } from '../src/app/image.js';
import { indexImage } from '../src/app/image.js';
import type { Package } from '../src/inventory/types.js';
import { updateDb } from '../src/vulndb/update.js';
import { Metrics } from '../src/server/metrics.js';
import { Notifier } from '../src/server/notify.js';
import { packageKeys } from '../src/server/changes.js';
import { ServiceStore } from '../src/server/store/index.js';
import { VulnDatabase } from '../src/server/vulns.js';
import { call, startServer, tokensFile, TOKENS } from '../test/support/server.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const part = arg('--part', 'all');
const DURATION = Number(arg('--duration', '20'));
const CONNECTIONS = Number(arg('--connections', '16'));
const shared = resolve(new URL('../../shared/data', import.meta.url).pathname);
const WORK = join(process.env.BULWARK_BENCH_DIR ?? '/var/tmp/bulwark-bench', 'serve');
mkdirSync(WORK, { recursive: true });
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
/** CPU seconds (user + system) a process has used: on a busy machine, CPU per request says more than wall time. */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}
const selfCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const FEEDS = ['alpine-secdb', 'debian-tracker/bookworm-trixie.json', 'osv/go', 'osv/pypi', 'osv/ghsa', 'kev/known_exploited_vulnerabilities.json', 'nodejs-security-wg/npm'];

// ------------------------------------------------------------------------------------------------
// inventories: real ones, then synthesized variants

function dockerImages(): string[] {
  const want = ['bulwark-test/bookworm-app:12', 'bulwark-test/bookworm-base:12', 'bulwark-test/alpine:3.20.3', 'bulwark-test/alpine:3.11.13'];
  try {
    return want.filter((n) => {
      try {
        execFileSync('docker', ['image', 'inspect', n], { stdio: 'ignore', timeout: 20_000 });
        return true;
      } catch {
        return false;
      }
    }).map((n) => `docker:${n}`);
  } catch {
    return [];
  }
}

function realRefs(): string[] {
  const d = dockerImages();
  if (d.length) return d;
  return ['alpine-minirootfs-3.20.3-x86_64.tar.gz', 'alpine-minirootfs-3.11.13-x86_64.tar.gz'].map((f) => `rootfs:${join(shared, 'rootfs', f)}`);
}

let seed = 0x2545f491;
function rnd(): number {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 0x100000000;
}

/** Versions the feeds name per package (fixed versions): a synthesized image moves some packages onto them. */
function alternativeVersions(): Map<string, string[]> {
  const alt = new Map<string, string[]>();
  const tracker = JSON.parse(readFileSync(join(shared, 'debian-tracker/bookworm-trixie.json'), 'utf8')) as Record<string, Record<string, { releases?: Record<string, { fixed_version?: string }> }>>;
  for (const [src, cves] of Object.entries(tracker)) {
    const vs = new Set<string>();
    for (const c of Object.values(cves)) {
      const f = c.releases?.bookworm?.fixed_version;
      if (f && f !== '0') vs.add(f);
    }
    if (vs.size) alt.set(`deb/${src}`, [...vs]);
  }
  return alt;
}

/** Image n: a copy of a real index, ~15% of its OS packages moved to another version the feeds name, its own digest. */
function synthesize(real: ImageIndex, n: number, alt: Map<string, string[]>): ImageIndex {
  const packages: Package[] = real.inventory.packages.map((p) => {
    if (rnd() > 0.15) return p;
    const choices = alt.get(`${p.ecosystem}/${p.sourceName ?? p.name}`);
    if (choices?.length) {
      const v = choices[Math.floor(rnd() * choices.length)]!;
      return { ...p, version: v, sourceVersion: v };
    }
    if (p.ecosystem === 'apk') return { ...p, version: p.version.replace(/-r(\d+)$/, (_m, r: string) => `-r${Math.max(0, Number(r) - 1)}`) };
    return p;
  });
  const digest = `sha256:${(BigInt(n) * 0x9e3779b97f4a7c15n).toString(16).padStart(64, '0').slice(-64)}`;
  const name = `bench/synth-${n}:1`;
  return {
    ...real,
    digest,
    ref: name,
    target: { ...real.target, name, ref: name },
    summary: { ...real.summary, name },
    inventory: { ...real.inventory, packages, image: real.inventory.image ? { ...real.inventory.image, name } : undefined },
    findings: [],
  };
}

async function realIndexes(cacheDir: string): Promise<ImageIndex[]> {
  const out: ImageIndex[] = [];
  for (const ref of realRefs()) out.push(await indexImage(ref, { cacheDir, checks: false }));
  return out;
}

// ------------------------------------------------------------------------------------------------

async function throughput(): Promise<void> {
  console.log(`\n--- GET /api/v1/vulnerabilities/{digest}: 200 images, ${CONNECTIONS} connections, ${DURATION} s (load ${load()}) ---`);
  const dir = join(WORK, 'throughput');
  mkdirSync(dir, { recursive: true });
  const cache = join(dir, 'cache');
  // indexed before the server starts: the indexing keeps this event loop busy, and an idle keep-alive
  // connection the server closes meanwhile would be reused by the client afterwards
  const reals = await realIndexes(join(dir, 'client-cache'));
  const srv = await startServer(['--tokens', tokensFile(dir), '--cache-dir', cache, '--rate-limit', '0', '-q', '--database', join(dir, `service-${process.pid}.db`)]);
  try {
    if (!existsSync(join(cache, 'db', 'vuln.db'))) {
      const t0 = Date.now();
      const u = await call(srv.url, 'POST', '/api/v1/db/update', { token: TOKENS.admin, json: { sources: FEEDS.map((f) => join(shared, f)) } });
      for (;;) {
        const s = await call(srv.url, 'GET', `/api/v1/db/updates/${u.body.id}`, { token: TOKENS.read });
        if (s.body.state !== 'running') break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      console.log(`vulnerability database from ../shared/data built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } else {
      await call(srv.url, 'GET', '/api/v1/db', { token: TOKENS.read });
    }
    const digests: string[] = [];
    // the real images: indexed by the server itself from the references
    for (const ref of realRefs()) {
      const r = await call(srv.url, 'POST', '/api/v1/index', { token: TOKENS.write, json: { ref } });
      if (r.status !== 202) throw new Error(`index ${ref}: ${r.text}`);
      digests.push(r.body.digest);
    }
    const alt = alternativeVersions();
    for (let n = 0; digests.length < 200; n++) {
      const idx = synthesize(reals[n % reals.length]!, n + 1, alt);
      const r = await call(srv.url, 'POST', '/api/v1/index', { token: TOKENS.write, json: { index: idx } });
      if (r.status !== 202) throw new Error(`synthesized ${n}: ${r.text}`);
      digests.push(r.body.digest);
    }
    // first read of each: matched at request time (then cached for this database)
    const cold: number[] = [];
    for (const d of digests) {
      for (;;) {
        const t0 = performance.now();
        const r = await call(srv.url, 'GET', `/api/v1/vulnerabilities/${d}`, { token: TOKENS.read });
        if (r.status === 200) {
          cold.push(performance.now() - t0);
          break;
        }
        if (r.status !== 202) throw new Error(`GET ${d}: ${r.status} ${r.text}`);
        await new Promise((res) => setTimeout(res, 200));
      }
    }
    cold.sort((a, b) => a - b);
    const findings = (await call(srv.url, 'GET', `/api/v1/vulnerabilities/${digests[0]}`, { token: TOKENS.read })).body.findings.length;
    console.log(`first read per image (matching at request time): median ${cold[Math.floor(cold.length / 2)]!.toFixed(1)} ms, max ${cold[cold.length - 1]!.toFixed(1)} ms; ${findings} findings in ${realRefs()[0]}`);
    let i = 0;
    const srvCpu0 = cpuSeconds(srv.proc.pid!);
    const acCpu0 = selfCpu();
    const result = await autocannon({
      url: srv.url,
      connections: CONNECTIONS,
      duration: DURATION,
      headers: { authorization: `Bearer ${TOKENS.read}` },
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/api/v1/vulnerabilities/${digests[i++ % digests.length]}` }) }],
    });
    const rps = result.requests.average;
    const srvCpuMs = ((cpuSeconds(srv.proc.pid!) - srvCpu0) * 1000) / result.requests.total;
    const acCpuMs = ((selfCpu() - acCpu0) * 1000) / result.requests.total;
    console.log(
      `CPU per request: server ${srvCpuMs.toFixed(2)} ms, load generator ${acCpuMs.toFixed(2)} ms; with one core each that bounds a quiet 2-core run at ` +
        `~${Math.floor(1000 / Math.max(srvCpuMs, acCpuMs))} requests/s (response ${(Buffer.byteLength((await call(srv.url, 'GET', `/api/v1/vulnerabilities/${digests[0]}`, { token: TOKENS.read })).text) / 1024).toFixed(0)} KiB for ${realRefs()[0]})`,
    );
    console.log(
      `autocannon: ${rps.toFixed(0)} requests/s (total ${result.requests.total}), latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms; ` +
        `errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}`,
    );
    console.log(`goal >= 1,000 requests/s with p99 < 50 ms: ${rps >= 1000 && result.latency.p99 < 50 ? 'MET' : 'NOT MET'} (load ${load()})`);
  } finally {
    await srv.stop();
    rmSync(join(dir, `service-${process.pid}.db`), { force: true });
    rmSync(join(dir, `service-${process.pid}.db-wal`), { force: true });
    rmSync(join(dir, `service-${process.pid}.db-shm`), { force: true });
  }
}

/** The Debian tracker with the fixed version of `count` advisories moved up (a re-fix): database B. */
function changedTracker(out: string, count: number): number {
  const tracker = JSON.parse(readFileSync(join(shared, 'debian-tracker/bookworm-trixie.json'), 'utf8')) as Record<string, Record<string, { releases?: Record<string, { fixed_version?: string; status?: string }> }>>;
  const changed = new Set<string>();
  for (const cves of Object.values(tracker)) {
    for (const [id, c] of Object.entries(cves)) {
      if (changed.size >= count) break;
      const r = c.releases?.bookworm;
      if (!r?.fixed_version || r.fixed_version === '0') continue;
      r.fixed_version = `${r.fixed_version}+bench1`;
      changed.add(id);
    }
  }
  writeFileSync(out, JSON.stringify(tracker));
  return changed.size;
}

async function notify(): Promise<void> {
  console.log(`\n--- notification round: 1,000 images, a database update changing 10,000 advisories (load ${load()}) ---`);
  const dir = join(WORK, 'notify');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const cacheDir = join(dir, 'cache');
  const others = FEEDS.filter((f) => !f.startsWith('debian-tracker')).map((f) => join(shared, f));
  const trackerA = join(dir, 'tracker-a.json');
  writeFileSync(trackerA, readFileSync(join(shared, 'debian-tracker/bookworm-trixie.json')));
  let t0 = Date.now();
  await updateDb({ cacheDir, sources: [trackerA, ...others] });
  console.log(`database A built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const store = await ServiceStore.open(join(dir, 'service.db'));
  const vulns = new VulnDatabase(join(cacheDir, 'db', 'vuln.db'));
  const metrics = new Metrics();
  metrics.histogram('bulwark_notification_round_seconds', '', [1]);
  const notifier = new Notifier(store, metrics, { node: 'bench', minSeverity: 'low', perDelivery: 500, log: () => undefined });
  const reals = await realIndexes(join(WORK, 'client-cache'));
  const alt = alternativeVersions();
  t0 = Date.now();
  for (let n = 0; n < 1000; n++) {
    const idx = n < reals.length ? reals[n]! : synthesize(reals[n % reals.length]!, 10_000 + n, alt);
    const keys = [...new Set(packageKeys(idx.inventory).map((k) => k.key))];
    // verdicts come from the baseline round below (one pass for all images)
    await store.storeIndexed({ name: idx.summary.name, ref: idx.ref, kind: 'index' }, { index: idx, keys, verdicts: [] });
  }
  const base = await store.startUpdate('bench-a', 'bench');
  const r0 = await notifier.round(base.id, vulns.current()!);
  console.log(`1,000 images stored and their verdicts under A recorded in ${((Date.now() - t0) / 1000).toFixed(1)} s (${r0.mode}, ${r0.rematchedPackages} distinct packages matched)`);

  const trackerB = join(dir, 'tracker-b.json');
  const changed = changedTracker(trackerB, 10_000);
  rmSync(trackerA);
  writeFileSync(trackerA, readFileSync(trackerB)); // same source name: the update replaces that source's advisories
  t0 = Date.now();
  await updateDb({ cacheDir, sources: [trackerA, ...others] });
  console.log(`database B (${changed} advisories changed) built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const { previous, current } = vulns.reload();
  previous?.close();
  const upd = await store.startUpdate('bench-b', 'bench');
  t0 = performance.now();
  const cpu0 = selfCpu();
  const r = await notifier.round(upd.id, current!);
  const ms = performance.now() - t0;
  console.log(`notification round CPU time: ${(selfCpu() - cpu0).toFixed(2)} s`);
  console.log(
    `notification round: ${(ms / 1000).toFixed(2)} s (${r.mode}: ${r.changedVulns} changed advisories, ${r.affectedImages} images affected, ` +
      `${r.rematchedPackages} distinct packages matched again, ${r.notifications} notifications)`,
  );
  console.log(`goal < 5 s: ${ms < 5000 ? 'MET' : 'NOT MET'} (load ${load()})`);
  vulns.close();
  await store.close();
}

if (part === 'all' || part === 'throughput') await throughput();
if (part === 'all' || part === 'notify') await notify();
