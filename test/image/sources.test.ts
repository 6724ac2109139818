/**
 * Sources and formats: rootfs: (gzip, zstd, plain) on the real Alpine minirootfs subset, an OCI layout
 * packed as a tar, the OCI layout newer Docker writes inside `docker save`, GNU/PAX tar headers, the
 * `bulwark image` command, and engine addressing (DOCKER_HOST).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { openImage } from '../../src/sources/index.js';
import { scanImage } from '../../src/image/scan.js';
import { TarReader, decodeName } from '../../src/sources/tar/reader.js';
import type { LayerAnalyzer } from '../../src/image/types.js';
import { sha256, tarBuffer, tarMember, writeOciLayout } from './support/craft.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/image/alpine-minirootfs-3.20.3-subset.tar.gz');
const HAVE_ZSTD = spawnSync('zstd', ['--version'], { stdio: 'ignore' }).status === 0;
const work = mkdtempSync(join(tmpdir(), 'bulwark-sources-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const apk: LayerAnalyzer<string[]> = {
  name: 'apk-names',
  version: 1,
  wants: (m) => m.path === 'lib/apk/db/installed',
  analyze: (_m, c) => [...c.toString().matchAll(/^P:(.+)$/gm)].map((m) => m[1]!),
};

async function apkNames(ref: string): Promise<{ names: string[]; files: number }> {
  const s = await scanImage(await openImage(ref), [apk], { noCache: true });
  return { names: (s.layers[0]!.analyses['apk-names']!['lib/apk/db/installed'] as string[]) ?? [], files: s.final.size };
}

test('rootfs: the real Alpine minirootfs (subset) as gzip, zstd and plain tar', { skip: HAVE_ZSTD ? false : 'needs the zstd command (apt: zstd)' }, async () => {
  const gz = await apkNames(`rootfs:${FIXTURE}`);
  assert.equal(gz.names.length, 14);
  assert.ok(gz.names.includes('musl') && gz.names.includes('busybox') && gz.names.includes('alpine-baselayout'));
  assert.equal(gz.files, 501, 'every member but the root directory');
  const plain = join(work, 'alpine.tar');
  writeFileSync(plain, gunzipSync(readFileSync(FIXTURE)));
  const zst = join(work, 'alpine.tar.zst');
  execFileSync('zstd', ['-q', '-f', plain, '-o', zst]);
  assert.deepEqual(await apkNames(`rootfs:${plain}`), gz);
  assert.deepEqual(await apkNames(`rootfs:${zst}`), gz);
  // a truncated zstd stream is a clear error
  const zbuf = readFileSync(zst);
  const cut = join(work, 'cut.tar.zst');
  writeFileSync(cut, zbuf.subarray(0, zbuf.length - 100));
  await assert.rejects(apkNames(`rootfs:${cut}`), /truncated zstd stream|corrupt zstd stream|truncated archive/);
});

test('an OCI layout packed in a tar is read in place', async () => {
  const dir = join(work, 'oci');
  writeOciLayout(dir, [{ tar: tarBuffer([{ name: 'etc/os-release', content: 'ID=alpine\n' }]) }], { refName: 'v1' });
  const tarPath = join(work, 'oci.tar');
  execFileSync('tar', ['-C', dir, '-cf', tarPath, '.']);
  const img = await openImage(tarPath);
  assert.equal(img.kind, 'oci-layout');
  assert.equal(img.name, 'v1');
  const s = await scanImage(img, [], { noCache: true });
  assert.ok(s.final.has('etc/os-release'));
  await assert.rejects(openImage(`oci:${dir}:v2`), /no image named 'v2' in index.json \(available: v1\)/);
});

test('docker save from a newer engine (OCI layout inside, manifest.json naming blobs/sha256/...)', async () => {
  const l1 = tarBuffer([{ name: 'bin/', type: '5' }, { name: 'bin/app', content: 'app v1' }]);
  const l2 = tarBuffer([{ name: 'bin/app', content: 'app v2' }]);
  const diffIds = [sha256(l1), sha256(l2)];
  const config = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'arm64', rootfs: { type: 'layers', diff_ids: diffIds }, history: [{ created_by: 'ADD app' }, { created_by: 'RUN update' }, { created_by: 'CMD ["app"]', empty_layer: true }] }));
  const cfgD = sha256(config);
  const blob = (d: string) => `blobs/sha256/${d.slice(7)}`;
  const tar = tarBuffer([
    { name: 'blobs/', type: '5' },
    { name: 'blobs/sha256/', type: '5' },
    { name: blob(diffIds[0]!), content: l1 },
    { name: blob(diffIds[1]!), content: l2 },
    { name: blob(cfgD), content: config },
    { name: 'index.json', content: JSON.stringify({ schemaVersion: 2, manifests: [] }) },
    { name: 'manifest.json', content: JSON.stringify([{ Config: blob(cfgD), RepoTags: ['new/engine:1'], Layers: diffIds.map(blob) }]) },
    { name: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' },
  ]);
  const p = join(work, 'newsave.tar');
  writeFileSync(p, tar);
  const s = await scanImage(await openImage(p), [], { noCache: true });
  assert.equal(s.image.name, 'new/engine:1');
  assert.equal(s.image.platform, 'linux/arm64');
  assert.equal(s.final.get('bin/app')!.layerIndex, 1);
  assert.deepEqual(s.image.layers.map((l) => l.createdBy), ['ADD app', 'RUN update']);
  assert.equal(s.image.configDigest, cfgD);
  // a config that does not hash to its name is refused
  const bad = Buffer.from(tar);
  const at = bad.indexOf(Buffer.from('"arm64"'));
  bad.write('"arm65"', at, 'latin1');
  // fix the member's tar checksum is unnecessary: content bytes are not covered by the header checksum
  writeFileSync(p, bad);
  await assert.rejects(openImage(p), /config blobs\/sha256\/[0-9a-f]+: digest mismatch/);
});

test('tar reader: GNU long names, base-256 sizes, PAX paths, non-UTF-8 bytes', async () => {
  const long = 'x'.repeat(150);
  const gnuL = (() => {
    const body = Buffer.from(`${long}\0`);
    const h = tarMember({ name: '././@LongLink', type: 'L', content: Buffer.alloc(0) });
    const hb = Buffer.from(h);
    hb.write(body.length.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
    hb.write('        ', 148, 'latin1');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += hb[i]!;
    hb.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    return Buffer.concat([hb, body, Buffer.alloc(512 - body.length)]);
  })();
  const b256 = (() => {
    const hb = Buffer.from(tarMember({ name: 'big', content: Buffer.alloc(0) }));
    hb.fill(0, 124, 136);
    hb[124] = 0x80;
    hb.writeUInt32BE(3, 132); // size 3, base-256 encoded
    hb.write('        ', 148, 'latin1');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += hb[i]!;
    hb.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    const body = Buffer.alloc(512);
    body.write('abc');
    return Buffer.concat([hb, body]);
  })();
  const stream = Buffer.concat([gnuL, tarMember({ name: 'short-placeholder', content: 'L' }), b256, tarMember({ name: `p/${'y'.repeat(200)}`, content: 'pax' }), Buffer.alloc(1024)]);
  const r = new TarReader((async function* () {
    yield stream;
  })());
  const got: Array<[string, string]> = [];
  for (let h = await r.next(); h; h = await r.next()) {
    let c = '';
    for await (const b of r.content()) c += b.toString();
    got.push([decodeName(h.name), c]);
  }
  assert.deepEqual(got, [
    [long, 'L'],
    ['big', 'abc'],
    [`p/${'y'.repeat(200)}`, 'pax'],
  ]);
  assert.equal(decodeName(Buffer.from([0x61, 0xff, 0x62])), 'a\\xffb');
});

/** Runs the CLI in a child process (the test runner's own output must not be captured). */
async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const mainUrl = new URL('../../src/cli/main.ts', import.meta.url).href;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `const m = await import(${JSON.stringify(mainUrl)}); process.exitCode = await m.main(['node', 'bulwark', ...process.argv.slice(1)]);`, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('bulwark image: summary with layers and package counts; json carries it; bad input exits 2', async () => {
  const cacheDir = join(work, 'cli-cache');
  const t = await runCli(['image', `rootfs:${FIXTURE}`, '--cache-dir', cacheDir, '--no-vulns']);
  assert.equal(t.code, 0, t.err);
  assert.match(t.out, /Image: +alpine-minirootfs-3\.20\.3-subset\.tar\.gz/);
  assert.match(t.out, /OS: +Alpine Linux v3\.20/);
  assert.match(t.out, /Layers: +1 \(/);
  assert.match(t.out, /Packages: 14 \(apk 14\)/);
  const j = await runCli(['image', `rootfs:${FIXTURE}`, '--cache-dir', cacheDir, '-f', 'json', '--no-vulns']);
  const rep = JSON.parse(j.out) as { summary: { layers: Array<{ entries: number }>; packages: Record<string, number> }; packages: unknown[] };
  assert.equal(rep.summary.layers[0]!.entries, 501);
  assert.deepEqual(rep.summary.packages, { apk: 14 });
  assert.equal(rep.packages.length, 14);
  const nc = await runCli(['image', `rootfs:${FIXTURE}`, '--no-cache', '-f', 'json', '--no-vulns']);
  assert.equal(nc.code, 0);
  const bad = await runCli(['image', join(work, 'nope.tar'), '--no-vulns']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /cannot read image/);
  assert.doesNotMatch(bad.err, /\n\s+at /, 'no stack trace for bad input');
  const garbage = join(work, 'garbage.tar');
  writeFileSync(garbage, 'not a tar at all'.repeat(100));
  const g = await runCli(['image', garbage, '--no-vulns']);
  assert.equal(g.code, 2);
  assert.match(g.err, /not a tar archive or corrupt header/);
});

test('docker: honours DOCKER_HOST (an unreachable engine is a clear error)', async () => {
  const saved = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = 'tcp://127.0.0.1:1';
  try {
    await assert.rejects(openImage('docker:alpine:3.20'), /cannot reach the Docker engine at tcp:\/\/127\.0\.0\.1:1/);
  } finally {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  }
});
