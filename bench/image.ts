/**
 * Image scan bench: an image with >= 1 GB of uncompressed layers, built once from local material only
 * (the Alpine minirootfs + four layers of generated files of mixed, realistic content: text and logs,
 * JSON and package.json trees, ELF-like binaries, some incompressible data) and reused.
 *
 * Prints, for the gzip-compressed OCI layout of that image (what a registry serves), for the plain
 * `docker save` archive and for `docker:NAME` (the Engine API save stream):
 *   - cold scan time (empty cache), warm rescan time (everything cached),
 *   - peak RSS of the scan (each scan runs in its own child process; maxRSS is the scan's own),
 *   - the decompression floor: `gzip -dc` of every layer blob, measured in the same run.
 * The analyzers are the real image pipeline's (OS, dpkg, apk, rpm, Node.js `**\/package.json`, Python,
 * Go binaries, Java archives), so the wanted-file path is exercised honestly.
 *
 *   npx tsx bench/image.ts            (BULWARK_BENCH_DIR=/var/tmp/bulwark-bench by default)
 * Goals: cold <= 1.5x floor, warm <= 0.1x cold, peak RSS <= 250 MB.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const BENCH_DIR = process.env.BULWARK_BENCH_DIR ?? '/var/tmp/bulwark-bench';
/** other benches (bench/image-checks.ts) reuse this image and its files: keep the names stable */
const IMAGE = 'bulwark-bench/big:1';
/** bump when the generated content changes: an image with another value is rebuilt */
const CONTENT_VERSION = '2';
const ROOTFS = join(repo, '../shared/data/rootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz');
const LAYERS = 4;
const LAYER_BYTES = 290 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// content generation (deterministic PRNG)
let seed = 0x9e3779b9;
function rnd(): number {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 0x100000000;
}
const WORDS =
  'the of and to in is for on that with as by at from this be are or an it not which have was all can has will your more one about other new may use but their time than its also when any these some only what into up out server request error warning info debug user config value path file module function return const export import default package version license dependencies install build test start node python library system service process thread memory buffer stream socket connect timeout retry cache index layer image container docker kernel network address port host'.split(
    ' ',
  );
function word(): string {
  return WORDS[Math.floor(rnd() * WORDS.length)]!;
}
function textBlob(bytes: number): Buffer {
  const parts: string[] = [];
  let n = 0;
  while (n < bytes) {
    const kind = rnd();
    let line: string;
    if (kind < 0.5) {
      line = `2024-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 9)}T${String(Math.floor(rnd() * 24)).padStart(2, '0')}:${String(Math.floor(rnd() * 60)).padStart(2, '0')}:${String(Math.floor(rnd() * 60)).padStart(2, '0')}.${Math.floor(rnd() * 1000)}Z ${['INFO', 'WARN', 'DEBUG', 'ERROR'][Math.floor(rnd() * 4)]} [${word()}-${Math.floor(rnd() * 64)}] ${Array.from({ length: 6 + Math.floor(rnd() * 10) }, word).join(' ')} id=${Math.floor(rnd() * 1e9).toString(16)}`;
    } else {
      line = `${'  '.repeat(Math.floor(rnd() * 4))}${word()}_${word()}(${word()}, ${Math.floor(rnd() * 1000)}); // ${Array.from({ length: 3 + Math.floor(rnd() * 8) }, word).join(' ')}`;
    }
    parts.push(line);
    n += line.length + 1;
  }
  return Buffer.from(parts.join('\n') + '\n');
}
function binaryBlob(bytes: number): Buffer {
  // ELF-like: a header, code-ish bytes drawn from a skewed distribution, string tables, zero padding
  const b = Buffer.alloc(bytes);
  b.write('\x7fELF\x02\x01\x01', 0, 'latin1');
  let i = 64;
  while (i < bytes) {
    const r = rnd();
    const run = Math.min(bytes - i, 256 + Math.floor(rnd() * 4096));
    if (r < 0.55) {
      for (let j = 0; j < run; j++) {
        const x = rnd();
        b[i + j] = x < 0.3 ? 0 : x < 0.5 ? 0x48 + Math.floor(rnd() * 8) : x < 0.6 ? 0xff : Math.floor(rnd() * 256);
      }
    } else if (r < 0.8) {
      const s = Buffer.from(Array.from({ length: 40 }, () => `${word()}_${word()}\0`).join(''));
      for (let j = 0; j < run; j += s.length) s.copy(b, i + j, 0, Math.min(s.length, run - j));
    } else if (r < 0.9) {
      for (let j = 0; j < run; j++) b[i + j] = Math.floor(rnd() * 256);
    } // else zeros
    i += run;
  }
  return b;
}
function packageJson(name: string, version: string): Buffer {
  return Buffer.from(
    JSON.stringify(
      {
        name,
        version,
        description: Array.from({ length: 8 }, word).join(' '),
        main: 'index.js',
        license: ['MIT', 'ISC', 'Apache-2.0', 'BSD-3-Clause'][Math.floor(rnd() * 4)],
        dependencies: Object.fromEntries(Array.from({ length: Math.floor(rnd() * 6) }, () => [`${word()}-${word()}`, `^${Math.floor(rnd() * 5)}.${Math.floor(rnd() * 20)}.0`])),
        repository: { type: 'git', url: `https://example.invalid/${name}.git` },
      },
      null,
      2,
    ),
  );
}

function generateLayer(dir: string, layer: number): void {
  let total = 0;
  let f = 0;
  mkdirSync(dir, { recursive: true });
  // a node_modules tree with real-shaped package.json files
  for (let p = 0; p < 400; p++) {
    const name = `${word()}-${word()}-${layer}-${p}`;
    const pd = join(dir, 'app', 'node_modules', name);
    mkdirSync(join(pd, 'lib'), { recursive: true });
    const pj = packageJson(name, `${Math.floor(rnd() * 5)}.${Math.floor(rnd() * 30)}.${Math.floor(rnd() * 10)}`);
    writeFileSync(join(pd, 'package.json'), pj);
    const js = textBlob(8_000 + Math.floor(rnd() * 60_000));
    writeFileSync(join(pd, 'lib', 'index.js'), js);
    total += pj.length + js.length;
  }
  while (total < LAYER_BYTES) {
    const r = rnd();
    const sub = join(dir, ['logs', 'bin', 'share', 'data', 'lib'][Math.floor(rnd() * 5)]!, `d${Math.floor(rnd() * 40)}`);
    mkdirSync(sub, { recursive: true });
    let b: Buffer;
    let mode = 0o644;
    if (r < 0.45) b = textBlob(20_000 + Math.floor(rnd() * 2_000_000));
    else if (r < 0.85) {
      b = binaryBlob(50_000 + Math.floor(rnd() * 4_000_000));
      // half the ELF-like files are executables: the Go build-info analyzer reads every one of them whole
      if (rnd() < 0.5) mode = 0o755;
    }
    else if (r < 0.95) b = Buffer.from(JSON.stringify(Array.from({ length: 500 + Math.floor(rnd() * 5000) }, () => ({ id: Math.floor(rnd() * 1e6), name: word(), tags: [word(), word()], score: rnd() }))));
    else {
      b = Buffer.alloc(100_000 + Math.floor(rnd() * 1_000_000));
      for (let j = 0; j < b.length; j++) b[j] = Math.floor(rnd() * 256);
    }
    writeFileSync(join(sub, `f${f++}`), b, { mode });
    total += b.length;
  }
}

function sh(cmd: string, args: string[], opts: { input?: string; cwd?: string } = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['pipe', 'pipe', 'inherit'], ...opts });
}

function haveImage(name: string, version?: string): boolean {
  const r = spawnSync('docker', ['image', 'inspect', '-f', '{{index .Config.Labels "bulwark.bench.version"}}', name], { encoding: 'utf8' });
  return r.status === 0 && (version === undefined || r.stdout.trim() === version);
}

/** One builder at a time (several benches may ask for the image at once): a lock directory, stale after 30 min. */
async function withLock<T>(fn: () => T): Promise<T> {
  const lock = join(BENCH_DIR, '.build.lock');
  mkdirSync(BENCH_DIR, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 30 * 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* gone meanwhile */
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function ensureImage(): { saveTar: string; ociDir: string } {
  mkdirSync(BENCH_DIR, { recursive: true });
  const saveTar = join(BENCH_DIR, 'big.tar');
  const ociDir = join(BENCH_DIR, 'big-oci');
  if (!haveImage('bulwark-test/alpine:3.20.3')) sh('docker', ['import', ROOTFS, 'bulwark-test/alpine:3.20.3']);
  if (!haveImage(IMAGE, CONTENT_VERSION)) {
    const ctx = join(BENCH_DIR, 'ctx');
    rmSync(ctx, { recursive: true, force: true });
    for (let l = 1; l <= LAYERS; l++) {
      process.stderr.write(`generating layer ${l}/${LAYERS}...\n`);
      generateLayer(join(ctx, `l${l}`), l);
    }
    writeFileSync(
      join(ctx, 'Dockerfile'),
      ['FROM bulwark-test/alpine:3.20.3', `LABEL bulwark.bench.version=${CONTENT_VERSION}`, ...Array.from({ length: LAYERS }, (_, i) => `COPY l${i + 1} /srv/l${i + 1}`), 'RUN rm -rf /srv/l1/logs /srv/l2/share && echo done > /srv/marker', ''].join('\n'),
    );
    process.stderr.write('docker build...\n');
    sh('docker', ['build', '-q', '--network', 'none', '-t', IMAGE, ctx]);
    rmSync(ctx, { recursive: true, force: true });
    rmSync(saveTar, { force: true });
    rmSync(ociDir, { recursive: true, force: true });
  }
  if (!existsSync(saveTar)) sh('docker', ['save', '-o', saveTar, IMAGE]);
  if (!existsSync(join(ociDir, 'index.json'))) {
    process.stderr.write('skopeo copy (gzip layers)...\n');
    rmSync(ociDir, { recursive: true, force: true });
    sh('skopeo', ['copy', '-q', '--dest-compress', '--dest-compress-format', 'gzip', `docker-archive:${saveTar}`, `oci:${ociDir}:big`]);
  }
  return { saveTar, ociDir };
}

interface ChildResult {
  ms: number;
  maxRssMB: number;
  layersStreamed: number;
  layersFromCache: number;
  files: number;
  packages: number;
  uncompressed: number;
}

function runChild(ref: string, cacheDir: string, concurrency?: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', ref, cacheDir], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`scan child exited ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult);
    });
  });
}

async function child(ref: string, cacheDir: string, concurrency?: number): Promise<void> {
  const { imageInventory } = await import('../src/app/image.js');
  const { lastScanStats } = await import('../src/image/scan.js');
  const t0 = process.hrtime.bigint();
  const { scan, inv } = await imageInventory(ref, { cacheDir, concurrency });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const r: ChildResult = {
    ms,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    layersStreamed: lastScanStats.layersStreamed,
    layersFromCache: lastScanStats.layersFromCache,
    files: scan.final.size,
    packages: inv.packages.length,
    uncompressed: scan.layers.reduce((a, l) => a + l.uncompressedSize, 0),
  };
  process.stdout.write(JSON.stringify(r) + '\n');
}

function gzipFloor(ociDir: string): { ms: number; bytes: number } {
  const index = JSON.parse(readFileSync(join(ociDir, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
  const manifest = JSON.parse(readFileSync(join(ociDir, 'blobs', 'sha256', index.manifests[0]!.digest.slice(7)), 'utf8')) as { layers: Array<{ digest: string }> };
  let ms = 0;
  let bytes = 0;
  for (const l of manifest.layers) {
    const p = join(ociDir, 'blobs', 'sha256', l.digest.slice(7));
    const t0 = process.hrtime.bigint();
    const r = spawnSync('sh', ['-c', `gzip -dc < '${p}' | wc -c`], { encoding: 'utf8' });
    ms += Number(process.hrtime.bigint() - t0) / 1e6;
    bytes += Number(r.stdout.trim());
  }
  return { ms, bytes };
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]!, process.argv[4]!, process.argv[5] ? Number(process.argv[5]) : undefined);
  const { saveTar, ociDir } = await withLock(ensureImage);
  const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
  const cacheBase = join(BENCH_DIR, 'cache');
  // warm the page cache so cold/floor both read from memory, as in the same run
  for (const f of [saveTar]) spawnSync('sh', ['-c', `cat '${f}' > /dev/null`]);
  spawnSync('sh', ['-c', `cat '${ociDir}'/blobs/sha256/* > /dev/null`]);
  const floor = gzipFloor(ociDir);
  // what the engine alone takes to produce its save stream (the floor for docker:NAME)
  const t0 = process.hrtime.bigint();
  spawnSync('sh', ['-c', `docker save '${IMAGE}' | wc -c`], { stdio: 'ignore' });
  const engineFloorMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const results: Record<string, { cold: ChildResult; warm: ChildResult }> = {};
  for (const [label, ref, conc] of [
    ['oci (gzip layers)', `oci:${ociDir}:big`],
    ['oci, one layer at a time', `oci:${ociDir}:big`, 1],
    ['docker save (plain layers)', saveTar],
    ['docker: (Engine API stream)', `docker:${IMAGE}`],
  ] as Array<[string, string, number?]>) {
    const cacheDir = join(cacheBase, label.replace(/\W+/g, '-'));
    rmSync(cacheDir, { recursive: true, force: true });
    const cold = await runChild(ref, cacheDir, conc);
    const warm = await runChild(ref, cacheDir, conc);
    results[label] = { cold, warm };
    rmSync(cacheDir, { recursive: true, force: true });
  }
  const oci = results['oci (gzip layers)']!;
  const lines = [
    `image: ${IMAGE}  (${mb(oci.cold.uncompressed)} MiB uncompressed in layers, ${oci.cold.files} files, ${oci.cold.packages} packages found)`,
    `decompression floor (gzip -dc of every layer): ${(floor.ms / 1000).toFixed(2)} s for ${mb(floor.bytes)} MiB`,
    `engine save-stream floor (docker save | wc -c): ${(engineFloorMs / 1000).toFixed(2)} s`,
  ];
  for (const [label, r] of Object.entries(results)) {
    lines.push(
      `${label.padEnd(29)} cold ${(r.cold.ms / 1000).toFixed(2)} s (${r.cold.layersStreamed} layers streamed), peak RSS ${r.cold.maxRssMB.toFixed(0)} MB | warm ${(r.warm.ms / 1000).toFixed(3)} s (${r.warm.layersFromCache} layers from cache), peak RSS ${r.warm.maxRssMB.toFixed(0)} MB`,
    );
  }
  const seq = results['oci, one layer at a time']!;
  const ratio = oci.cold.ms / floor.ms;
  const seqRatio = seq.cold.ms / floor.ms;
  const warmRatio = oci.warm.ms / oci.cold.ms;
  const rss = Math.max(...Object.values(results).flatMap((r) => [r.cold.maxRssMB, r.warm.maxRssMB]));
  lines.push(
    `goals: cold/floor ${ratio.toFixed(2)} (one layer at a time: ${seqRatio.toFixed(2)}) (<= 1.5 ${Math.max(ratio, seqRatio) <= 1.5 ? 'ok' : 'MISSED'}), warm/cold ${warmRatio.toFixed(3)} (<= 0.1 ${warmRatio <= 0.1 ? 'ok' : 'MISSED'}), peak RSS ${rss.toFixed(0)} MB (<= 250 ${rss <= 250 ? 'ok' : 'MISSED'})`,
  );
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
