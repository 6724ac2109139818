/**
 * Service bench (`npm run bench -- serve`), two parts:
 *
 * 1. Read throughput. A real `bulwark serve` process (embedded SQLite, the real feeds of ../shared/data in its
 *    vulnerability database, built once and kept under the work dir) holds 200 indexed images: the real test
 *    images indexed by the server itself (docker:bulwark-test/... when the engine has them, else the Alpine
 *    rootfs tarballs plus the bookworm-app inventory of the test fixtures), and synthesized ones submitted as
 *    client-made indexes (the real inventories with package versions varied per image). After one cold read of
 *    each, autocannon (in this process, so client and server share the 2 cores) GETs
 *    /api/v1/vulnerabilities/{digest} round-robin over the 200 digests, bounded in time, on 127.0.0.1, with a
 *    read token: once without Accept-Encoding (the JSON bytes), once with `br, gzip`. Printed: requests/s,
 *    latency p50/p99, and CPU milliseconds per request of the server process (/proc) and of the load generator,
 *    which stay meaningful while the machine is shared. Goal: >= 1,000 requests/s, p99 < 50 ms.
 * 2. Notification computation. 1,000 indexed images in an embedded store (the real inventories of
 *    bulwark-test/bookworm-app:12 and alpine:3.20.3 from test/fixtures/vulndb/inventory, and synthesized
 *    variants) with their verdicts under database A; database B is A with 10,000 Debian advisories changed
 *    (fixed versions moved up): every fixed advisory of the source packages the images hold, then the rest in
 *    file order, the worst case for the incremental path. B is built by the same update code (so it records its
 *    change set); the notification round against B is timed (wall and CPU, both by phase) with how many images
 *    and packages it matched again, how many image verdicts and shared verdict details it wrote, and how many
 *    notifications it produced: the `NOTIFY:` line. Goal: < 5 s.
 *
 *   npx tsx bench/serve.ts [--part throughput|notify] [--duration S] [--connections N] [--identity-only] [--profile DIR]
 * Work files under $BULWARK_BENCH_DIR (default /var/tmp/bulwark-bench)/serve; ../shared is found beside the
 * checkout (or its main worktree) or at $BULWARK_SHARED. The load average is printed with each figure.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import type { ImageIndex } from '../src/app/image.js';
import type { Package } from '../src/inventory/types.js';
import { updateDb } from '../src/vulndb/update.js';
import { Metrics } from '../src/server/metrics.js';
import { Notifier } from '../src/server/notify.js';
import { keyedIdentities } from '../src/server/changes.js';
import { ServiceStore } from '../src/server/store/index.js';
import { VulnDatabase } from '../src/server/vulns.js';
import { call, startServer, tokensFile, TOKENS } from '../test/support/server.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const part = arg('--part', 'all');
const DURATION = Number(arg('--duration', '10'));
const CONNECTIONS = Number(arg('--connections', '16'));
/** also run with Accept-Encoding: br, gzip (the cached compressed variant) */
const ENCODED = !process.argv.includes('--identity-only');
/** write the server's CPU profile (node --cpu-prof) into this directory */
const PROFILE = arg('--profile', '');
/** ../shared/data beside the checkout (for a linked worktree, beside its main checkout), or $BULWARK_SHARED/data. */
function sharedData(): string {
  const beside = resolve(new URL('../../shared/data', import.meta.url).pathname);
  if (process.env.BULWARK_SHARED) return join(resolve(process.env.BULWARK_SHARED), 'data');
  if (existsSync(beside)) return beside;
  try {
    const common = execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: new URL('..', import.meta.url).pathname, encoding: 'utf8' }).trim();
    const main = resolve(common, '..', '..', 'shared', 'data');
    if (existsSync(main)) return main;
  } catch {
    // not a git checkout
  }
  return beside;
}
const shared = sharedData();
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


// ------------------------------------------------------------------------------------------------

/** The real inventory of bulwark-test/bookworm-app:12 (test fixture), in the envelope of another real index. */
function fixtureIndex(envelope: ImageIndex): ImageIndex {
  const inventory = JSON.parse(readFileSync(new URL('../test/fixtures/vulndb/inventory/bookworm-app-full.json', import.meta.url), 'utf8')) as ImageIndex['inventory'];
  const name = 'bulwark-test/bookworm-app:12 (inventory fixture)';
  return {
    ...envelope,
    digest: `sha256:${'b0'.repeat(32)}`,
    ref: name,
    target: { ...envelope.target, name, ref: name },
    summary: { ...envelope.summary, name, os: 'Debian GNU/Linux 12 (bookworm)' },
    inventory,
    findings: [],
  };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Percentile of sorted numbers. */
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function throughput(): Promise<void> {
  const started = Date.now();
  const phase = (what: string) => console.log(`  [${((Date.now() - started) / 1000).toFixed(1)} s] ${what}`);
  console.log(`\n--- GET /api/v1/vulnerabilities/{digest}: 200 images, ${CONNECTIONS} connections, ${DURATION} s per run (load ${load()}) ---`);
  const dir = join(WORK, 'throughput');
  mkdirSync(dir, { recursive: true });
  const cache = join(dir, 'cache');
  const dbFile = join(dir, `service-${process.pid}.db`);
  const srv = await startServer(['--tokens', tokensFile(dir), '--allow-path', join(shared, 'rootfs'), '--cache-dir', cache, '--rate-limit', '0', '-q', '--database', dbFile], {
    ...(PROFILE ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] } : {}),
  });
  const pid = srv.proc.pid!;
  try {
    // a kept database from an older schema is not served: rebuild it then, as on the first run
    const kept = existsSync(join(cache, 'db', 'vuln.db')) && Boolean((await call(srv.url, 'GET', '/api/v1/db', { token: TOKENS.read })).body?.database);
    if (!kept) {
      const u = await call(srv.url, 'POST', '/api/v1/db/update', { token: TOKENS.admin, json: { sources: FEEDS.map((f) => join(shared, f)) } });
      for (;;) {
        const st = await call(srv.url, 'GET', `/api/v1/db/updates/${u.body.id}`, { token: TOKENS.read });
        if (st.body.state !== 'running') break;
        await wait(500);
      }
      phase('vulnerability database built from ../shared/data (kept for the next run)');
    }
    // the real images, indexed by the server itself from their references; their indexes are the templates
    const digests: string[] = [];
    const reals: ImageIndex[] = [];
    const refs = realRefs();
    for (const ref of refs) {
      const r = await call(srv.url, 'POST', '/api/v1/index', { token: TOKENS.write, json: { ref } });
      if (r.status !== 202) throw new Error(`index ${ref}: ${r.text}`);
      digests.push(r.body.digest);
    }
    for (const d of digests) {
      for (;;) {
        const r = await call(srv.url, 'GET', `/api/v1/index/${d}`, { token: TOKENS.read });
        if (r.status === 200) {
          reals.push(r.body.index as ImageIndex);
          break;
        }
        if (r.status !== 202) throw new Error(`GET /index/${d}: ${r.status} ${r.text}`);
        await wait(200);
      }
    }
    if (!refs.some((r) => r.includes('bookworm-app'))) {
      // no Docker test images: the bookworm-app inventory from the test fixtures stands in for the Debian image
      const idx = fixtureIndex(reals[0]!);
      const r = await call(srv.url, 'POST', '/api/v1/index', { token: TOKENS.write, json: { index: idx } });
      if (r.status !== 202) throw new Error(`fixture index: ${r.text}`);
      digests.unshift(r.body.digest);
      reals.unshift(idx);
    }
    phase(`${reals.length} real images indexed: ${reals.map((r) => `${r.summary.name} (${r.inventory.packages.length} packages)`).join(', ')}`);
    const alt = alternativeVersions();
    for (let n = 0; digests.length < 200; n++) {
      const idx = synthesize(reals[n % reals.length]!, n + 1, alt);
      const r = await call(srv.url, 'POST', '/api/v1/index', { token: TOKENS.write, json: { index: idx } });
      if (r.status !== 202) throw new Error(`synthesized ${n}: ${r.text}`);
      digests.push(r.body.digest);
    }
    phase(`${digests.length - reals.length} synthesized images submitted`);
    // first read of each: matched at request time (then cached for this database)
    const cold: number[] = [];
    let bytes = 0;
    for (const d of digests) {
      for (;;) {
        const t0 = performance.now();
        const r = await call(srv.url, 'GET', `/api/v1/vulnerabilities/${d}`, { token: TOKENS.read });
        if (r.status === 200) {
          cold.push(performance.now() - t0);
          bytes += Buffer.byteLength(r.text);
          break;
        }
        if (r.status !== 202) throw new Error(`GET ${d}: ${r.status} ${r.text}`);
        await wait(200);
      }
    }
    cold.sort((a, b) => a - b);
    const big = (await call(srv.url, 'GET', `/api/v1/vulnerabilities/${digests[0]}`, { token: TOKENS.read })).text;
    phase(
      `first read per image (matched at request time): median ${pct(cold, 50).toFixed(1)} ms, max ${cold[cold.length - 1]!.toFixed(1)} ms; ` +
        `reports ${(bytes / digests.length / 1024).toFixed(0)} KiB on average, ${(Buffer.byteLength(big) / 1024).toFixed(0)} KiB (${JSON.parse(big).findings.length} findings) for ${reals[0]!.summary.name}`,
    );

    const run = async (label: string, headers: Record<string, string>) => {
      let i = 0;
      const srvCpu0 = cpuSeconds(pid);
      const acCpu0 = selfCpu();
      const result = await autocannon({
        url: srv.url,
        connections: CONNECTIONS,
        duration: DURATION,
        headers: { authorization: `Bearer ${TOKENS.read}`, ...headers },
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/api/v1/vulnerabilities/${digests[i++ % digests.length]}` }) }],
      });
      const total = result.requests.total;
      const srvMs = ((cpuSeconds(pid) - srvCpu0) * 1000) / total;
      const acMs = ((selfCpu() - acCpu0) * 1000) / total;
      const rps = total / DURATION;
      const ok = rps >= 1000 && result.latency.p99 < 50 && !result.errors && !result.timeouts && !result.non2xx;
      console.log(
        `${label}: ${rps.toFixed(0)} requests/s (${total} in ${DURATION} s, ${(result.throughput.average / 1024 / 1024).toFixed(0)} MiB/s), ` +
          `latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms; errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}`,
      );
      console.log(
        `  CPU per request: server ${srvMs.toFixed(3)} ms, load generator ${acMs.toFixed(3)} ms (one core each bounds a quiet 2-core run at ~${Math.floor(1000 / Math.max(srvMs, acMs))} requests/s); ` +
          `goal >= 1,000 requests/s with p99 < 50 ms: ${ok ? 'MET' : 'NOT MET'} (load ${load()})`,
      );
      return { rps, srvMs, acMs, p99: result.latency.p99 };
    };
    await run('identity (no Accept-Encoding)', {});
    if (ENCODED) await run('compressed (Accept-Encoding: br, gzip)', { 'accept-encoding': 'br, gzip' });
    phase('done');
  } finally {
    await srv.stop();
    for (const suffix of ['', '-wal', '-shm']) rmSync(dbFile + suffix, { force: true });
  }
}

/**
 * The Debian tracker with the fixed version of `count` advisories moved up (a re-fix): database B. The
 * advisories of the source packages the indexed Debian images hold go first (every one of them changes), the
 * rest in file order: the update touches as much of the fleet as it can.
 */
function changedTracker(out: string, count: number, held: Set<string>): { changed: number; held: number } {
  const tracker = JSON.parse(readFileSync(join(shared, 'debian-tracker/bookworm-trixie.json'), 'utf8')) as Record<string, Record<string, { releases?: Record<string, { fixed_version?: string; status?: string }> }>>;
  const changed = new Set<string>();
  let inHeld = 0;
  const sources = Object.keys(tracker).sort((a, b) => Number(held.has(b)) - Number(held.has(a)));
  for (const src of sources) {
    for (const [id, c] of Object.entries(tracker[src]!)) {
      if (changed.size >= count) break;
      const r = c.releases?.bookworm;
      if (!r?.fixed_version || r.fixed_version === '0') continue;
      r.fixed_version = `${r.fixed_version}+bench1`;
      changed.add(`${src}/${id}`);
      if (held.has(src)) inHeld++;
    }
  }
  writeFileSync(out, JSON.stringify(tracker));
  return { changed: changed.size, held: inHeld };
}

/** A real inventory of the test images (test/fixtures/vulndb/inventory) as a minimal index. */
function inventoryIndex(file: string, name: string, n: number): ImageIndex {
  const inventory = JSON.parse(readFileSync(new URL(`../test/fixtures/vulndb/inventory/${file}`, import.meta.url), 'utf8')) as ImageIndex['inventory'];
  const digest = `sha256:${(0xf00d0000 + n).toString(16).padStart(64, '0')}`;
  return {
    digest,
    ref: name,
    target: { kind: 'image', name, ref: name },
    summary: { name, layers: [], os: inventory.os?.prettyName },
    summaryText: '',
    inventory,
    findings: [],
    warnings: [],
  } as unknown as ImageIndex;
}

async function notify(): Promise<void> {
  console.log(`\n--- notification round: 1,000 images, a database update changing 10,000 advisories (load ${load()}) ---`);
  const started = Date.now();
  const phase = (what: string) => console.log(`  [${((Date.now() - started) / 1000).toFixed(1)} s] ${what}`);
  const dir = join(WORK, 'notify');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const cacheDir = join(dir, 'cache');
  const others = FEEDS.filter((f) => !f.startsWith('debian-tracker')).map((f) => join(shared, f));
  const trackerA = join(dir, 'tracker-a.json');
  writeFileSync(trackerA, readFileSync(join(shared, 'debian-tracker/bookworm-trixie.json')));
  await updateDb({ cacheDir, sources: [trackerA, ...others] });
  phase('database A built from ../shared/data');

  const store = await ServiceStore.open(join(dir, 'service.db'));
  const vulns = new VulnDatabase(join(cacheDir, 'db', 'vuln.db'));
  const metrics = new Metrics();
  metrics.histogram('bulwark_notification_round_seconds', '', [1]);
  const notifier = new Notifier(store, metrics, { node: 'bench', minSeverity: 'low', perDelivery: 500, log: () => undefined });
  // the real inventories of bulwark-test/bookworm-app:12 and bulwark-test/alpine:3.20.3, then synthesized variants
  const reals = [inventoryIndex('bookworm-app-full.json', 'bulwark-test/bookworm-app:12', 1), inventoryIndex('alpine-3.20.3.json', 'bulwark-test/alpine:3.20.3', 2)];
  const alt = alternativeVersions();
  for (let n = 0; n < 1000; n++) {
    const idx = n < reals.length ? reals[n]! : synthesize(reals[n % reals.length]!, 10_000 + n, alt);
    const keys = keyedIdentities(idx.inventory);
    // verdicts come from the baseline round below (one pass for all images)
    await store.storeIndexed({ name: idx.summary.name, ref: idx.ref, kind: 'index' }, { index: idx, keys, verdicts: [] });
  }
  phase(`1,000 images stored (${reals.map((r) => `${r.summary.name}: ${r.inventory.packages.length} packages`).join(', ')}, and 998 variants)`);
  const base = await store.startUpdate('bench-a', 'bench');
  const r0 = await notifier.round(base.id, vulns.current()!);
  phase(`their verdicts under A recorded (${r0.mode} round, ${r0.rematchedPackages} distinct packages matched)`);

  const trackerB = join(dir, 'tracker-b.json');
  const held = new Set(reals.flatMap((r) => r.inventory.packages.filter((p) => p.ecosystem === 'deb').map((p) => p.sourceName ?? p.name)));
  const changed = changedTracker(trackerB, 10_000, held);
  rmSync(trackerA);
  writeFileSync(trackerA, readFileSync(trackerB)); // same source name: the update replaces that source's advisories
  await updateDb({ cacheDir, sources: [trackerA, ...others] });
  phase(`database B built: ${changed.changed} Debian advisories changed, ${changed.held} of them in source packages the images hold`);
  const { previous, current } = vulns.reload();
  previous?.close();
  const upd = await store.startUpdate('bench-b', 'bench');
  const t0 = performance.now();
  const cpu0 = selfCpu();
  const r = await notifier.round(upd.id, current!);
  const ms = performance.now() - t0;
  const cpu = selfCpu() - cpu0;
  const goal = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
  console.log(
    `NOTIFY: ${(ms / 1000).toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU for a database update changing ${r.changedVulns.toLocaleString('en')} advisories across ${(1000).toLocaleString('en')} indexed images: ` +
      `${r.affectedImages} images affected, ${r.notifications} notifications produced (goal < 5 s: ${goal(ms < 5000)} on wall time, ${goal(cpu < 5)} on CPU time; load ${load()})`,
  );
  console.log(
    `  ${r.mode} round: ${r.rematchedImagePackages} image packages re-matched as ${r.rematchedPackages} distinct packages, ${r.comparedImagePackages} of them compared row by row (the others take their package's changes); ` +
      `${r.verdictsWritten} image verdicts written, ${r.verdictsDeleted} deleted, ${r.detailsWritten} shared verdict details written`,
  );
  const by = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`).join(', ');
  console.log(`  by phase: CPU ${by(r.cpuMs)}; wall ${by(r.wallMs)}`);
  vulns.close();
  await store.close();
}

if (part === 'all' || part === 'throughput') await throughput();
if (part === 'all' || part === 'notify') await notify();
