/**
 * Whiteouts, opaque directories and per-file attribution, through real sources (an OCI layout and a
 * docker save archive written to a temp dir); the per-layer cache.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openImage } from '../../src/sources/index.js';
import { scanImage, lastScanStats } from '../../src/image/scan.js';
import { cacheRoot, LayerCache } from '../../src/image/cache.js';
import type { ImageScan, LayerAnalyzer } from '../../src/image/types.js';
import type { OpenedImage } from '../../src/sources/types.js';
import { tarBuffer, writeOciLayout, dockerArchiveBuffer, type CraftedLayer } from './support/craft.js';

const work = mkdtempSync(join(tmpdir(), 'bulwark-walker-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const layers: CraftedLayer[] = [
  {
    createdBy: 'base',
    tar: tarBuffer([
      { name: 'etc/', type: '5' },
      { name: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n' },
      { name: 'etc/secret.key', content: '-----BEGIN PRIVATE KEY-----\n' },
      { name: 'app/', type: '5' },
      { name: 'app/a.txt', content: 'a1' },
      { name: 'app/sub/', type: '5' },
      { name: 'app/sub/deep.txt', content: 'deep' },
      { name: 'cfg/', type: '5' },
      { name: 'cfg/old.conf', content: 'old' },
      { name: 'bin/', type: '5' },
      { name: 'bin/tool', content: 'v1', mode: 0o4755 },
      { name: 'data', type: '5' },
      { name: 'data/x', content: 'x' },
    ]),
  },
  {
    createdBy: 'RUN rm /etc/secret.key && echo a2 > /app/a.txt',
    compression: 'none',
    tar: tarBuffer([
      { name: 'etc/', type: '5' },
      { name: 'etc/.wh.secret.key' },
      { name: 'app/', type: '5' },
      { name: 'app/a.txt', content: 'a2' },
      { name: 'cfg/', type: '5' },
      { name: 'cfg/.wh..wh..opq' },
      { name: 'cfg/new.conf', content: 'new' },
    ]),
  },
  {
    createdBy: 'RUN rm -r /app/sub; ln -s /etc data',
    tar: tarBuffer([
      { name: 'app/', type: '5' },
      { name: 'app/.wh.sub' },
      { name: 'data', type: '2', linkname: '/etc' },
      { name: 'bin/tool', content: 'v2', mode: 0o755 },
    ]),
  },
];

function checkStack(s: ImageScan): void {
  const files = Object.fromEntries([...s.final].filter(([, f]) => f.meta.type !== 'dir').map(([p, f]) => [p, f.layerIndex]));
  assert.deepEqual(files, { 'etc/passwd': 0, 'app/a.txt': 1, 'cfg/new.conf': 1, data: 2, 'bin/tool': 2 });
  assert.equal(s.final.get('bin/tool')!.meta.mode, 0o755);
  const hidden = s.hidden.map((h) => `${h.meta.path}@${h.layerIndex}:${h.how}@${h.hiddenBy}`).sort();
  assert.deepEqual(hidden, [
    'app/a.txt@0:overwritten@1',
    'app/sub/deep.txt@0:whiteout@2',
    'bin/tool@0:overwritten@2',
    'cfg/old.conf@0:opaque@1',
    'data/x@0:overwritten@2',
    'etc/secret.key@0:whiteout@1',
  ]);
  assert.equal(s.final.has('app/sub'), false, 'the whited-out directory itself is gone');
  assert.equal(s.final.has('cfg'), true, 'an opaque dir stays');
  assert.deepEqual(s.layers[1]!.whiteouts, ['etc/secret.key']);
  assert.deepEqual(s.layers[1]!.opaqueDirs, ['cfg']);
  assert.deepEqual(s.layers[2]!.whiteouts, ['app/sub']);
  assert.ok(!s.layers[1]!.entries.some((e) => e.path.includes('.wh.')), 'whiteout markers are not entries');
  assert.deepEqual(
    s.image.layers.map((l) => l.createdBy),
    layers.map((l) => l.createdBy),
  );
}

const txt: LayerAnalyzer<string> = { name: 'txt', version: 1, wants: (m) => m.path.endsWith('.txt') || m.path.endsWith('.conf'), analyze: (_m, c) => c.toString() };

test('whiteouts, opaque dirs and attribution: OCI layout (gzip + plain layers)', async () => {
  const dir = join(work, 'oci');
  writeOciLayout(dir, layers);
  const s = await scanImage(await openImage(dir), [txt], { noCache: true });
  checkStack(s);
  assert.deepEqual(s.layers[0]!.analyses.txt, { 'app/a.txt': 'a1', 'app/sub/deep.txt': 'deep', 'cfg/old.conf': 'old' });
  assert.deepEqual(s.layers[1]!.analyses.txt, { 'app/a.txt': 'a2', 'cfg/new.conf': 'new' });
  assert.equal(s.image.kind, 'oci-layout');
  assert.equal(s.image.platform, 'linux/amd64');
});

test('the same image as a docker save archive gives the same result', async () => {
  const p = join(work, 'save.tar');
  writeFileSync(p, dockerArchiveBuffer(layers, { repoTag: 'crafted/img:1' }));
  const s = await scanImage(await openImage(p), [txt], { noCache: true });
  checkStack(s);
  assert.equal(s.image.name, 'crafted/img:1');
  assert.equal(s.image.kind, 'docker-archive');
  const s2 = await scanImage(await openImage(`docker-archive:${p}:crafted/img:1`), [txt], { noCache: true });
  assert.equal(s2.final.size, s.final.size);
  await assert.rejects(openImage(`docker-archive:${p}:other/img:2`), /no image tagged 'other\/img:2' \(available: crafted\/img:1\)/);
});

test('multi-platform index: default linux/amd64, --platform, and an error listing what is there', async () => {
  const root = join(work, 'multi');
  const amd = join(work, 'multi-amd');
  const arm = join(work, 'multi-arm');
  const a = writeOciLayout(amd, [{ tar: tarBuffer([{ name: 'arch', content: 'amd64' }]) }]);
  const b = writeOciLayout(arm, [{ tar: tarBuffer([{ name: 'arch', content: 'arm64' }]) }], { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
  // merge both into one layout with a nested index: index.json -> index blob -> two manifests
  const { cpSync, writeFileSync: wf } = await import('node:fs');
  const { createHash } = await import('node:crypto');
  cpSync(amd, root, { recursive: true });
  cpSync(join(arm, 'blobs'), join(root, 'blobs'), { recursive: true });
  const size = (d: string) => statSync(join(root, 'blobs', 'sha256', d.slice(7))).size;
  const inner = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: a.manifestDigest, size: size(a.manifestDigest), platform: { os: 'linux', architecture: 'amd64' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: b.manifestDigest, size: size(b.manifestDigest), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      ],
    }),
  );
  const innerDigest = `sha256:${createHash('sha256').update(inner).digest('hex')}`;
  wf(join(root, 'blobs', 'sha256', innerDigest.slice(7)), inner);
  wf(join(root, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: innerDigest, size: inner.length }] }));
  const arch = async (img: OpenedImage) => {
    const s = await scanImage(img, [{ name: 'arch', version: 1, wants: (m) => m.path === 'arch', analyze: (_m, c) => c.toString() }], { noCache: true });
    return s.layers[0]!.analyses.arch!.arch;
  };
  assert.equal(await arch(await openImage(root)), 'amd64');
  assert.equal(await arch(await openImage(root, { platform: 'linux/arm64' })), 'arm64');
  assert.equal((await openImage(root, { platform: 'linux/arm64/v8' })).platform, 'linux/arm64/v8');
  await assert.rejects(openImage(root, { platform: 'linux/s390x' }), /no image for platform linux\/s390x \(available: linux\/amd64, linux\/arm64\/v8\)/);
});

test('cache: a warm rescan opens no layer stream; analyzer version bumps and corrupt entries rebuild', async () => {
  const dir = join(work, 'oci-cache');
  writeOciLayout(dir, layers);
  const cacheDir = join(work, 'cache');
  let opened = 0;
  const counted = async () => {
    const img = await openImage(dir);
    const orig = img.layerEntries.bind(img);
    img.layerEntries = (i) => {
      opened++;
      return orig(i);
    };
    return img;
  };
  const cold = await scanImage(await counted(), [txt], { cacheDir });
  assert.equal(opened, 3);
  assert.equal(lastScanStats.layersStreamed, 3);
  opened = 0;
  const warm = await scanImage(await counted(), [txt], { cacheDir });
  assert.equal(opened, 0, 'no layer stream opened on a warm rescan');
  assert.equal(lastScanStats.layersFromCache, 3);
  checkStack(warm);
  assert.deepEqual(warm.layers.map((l) => l.analyses), cold.layers.map((l) => l.analyses));
  assert.deepEqual(warm.layers.map((l) => l.entries), cold.layers.map((l) => l.entries));
  // a new analyzer version: layers are walked again, only for it
  opened = 0;
  await scanImage(await counted(), [{ ...txt, version: 2 }], { cacheDir });
  assert.equal(opened, 3);
  // corrupt every cache file: read as misses and rebuilt, no crash
  const corrupt = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) corrupt(p);
      else writeFileSync(p, 'garbage');
    }
  };
  corrupt(join(cacheDir, 'layers'));
  opened = 0;
  const again = await scanImage(await counted(), [txt], { cacheDir });
  assert.equal(opened, 3);
  checkStack(again);
  opened = 0;
  await scanImage(await counted(), [txt], { cacheDir });
  assert.equal(opened, 0, 'rebuilt entries serve the next scan');
  // --no-cache reads and writes nothing
  opened = 0;
  await scanImage(await counted(), [txt], { cacheDir, noCache: true });
  assert.equal(opened, 3);
});

test('cacheRoot: --cache-dir, then XDG_CACHE_HOME, then ~/.cache', () => {
  const saved = { x: process.env.XDG_CACHE_HOME, b: process.env.BULWARK_CACHE_DIR };
  try {
    delete process.env.BULWARK_CACHE_DIR;
    process.env.XDG_CACHE_HOME = '/xdg';
    assert.equal(cacheRoot(), '/xdg/bulwark');
    assert.equal(cacheRoot('/explicit'), '/explicit');
    delete process.env.XDG_CACHE_HOME;
    assert.match(cacheRoot(), /\/\.cache\/bulwark$/);
    assert.equal(LayerCache.keyOf('sha256:' + 'a'.repeat(64)), 'a'.repeat(64));
    assert.equal(LayerCache.keyOf('sha256:../../etc'), undefined);
  } finally {
    if (saved.x === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved.x;
    if (saved.b !== undefined) process.env.BULWARK_CACHE_DIR = saved.b;
  }
});

test('dir: reads an unpacked tree without following symlinks out of it', async () => {
  const root = join(work, 'rootdir');
  const { mkdirSync, symlinkSync } = await import('node:fs');
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc', 'os-release'), 'ID=test\n');
  symlinkSync('/etc', join(root, 'hostetc'));
  symlinkSync('../../../../etc/passwd', join(root, 'up'));
  const s = await scanImage(await openImage(`dir:${root}`), [{ name: 'all', version: 1, wants: () => true, analyze: (m, c) => `${m.type}:${c.length}` }], { noCache: true });
  assert.deepEqual([...s.final.keys()].sort(), ['etc', 'etc/os-release', 'hostetc', 'up']);
  assert.equal(s.final.get('hostetc')!.meta.type, 'symlink');
  assert.deepEqual(s.layers[0]!.analyses.all, { 'etc/os-release': 'file:8' }, 'only the regular file inside the root is read');
  assert.ok(![...s.final.keys()].some((p) => p.startsWith('hostetc/')), 'the host /etc is never walked');
});

test('a layer repeated in one image is walked once and attributed to both positions', async () => {
  const dir = join(work, 'oci-dup');
  const same = tarBuffer([{ name: 'same', content: 's' }]);
  writeOciLayout(dir, [{ tar: same }, { tar: tarBuffer([{ name: 'mid', content: 'm' }]) }, { tar: same }]);
  const img = await openImage(dir);
  let opened = 0;
  const orig = img.layerEntries.bind(img);
  img.layerEntries = (i) => {
    opened++;
    return orig(i);
  };
  const s = await scanImage(img, [txt], { noCache: true });
  assert.equal(opened, 2);
  assert.deepEqual(s.layers.map((l) => l.layer.index), [0, 1, 2]);
  assert.equal(s.final.get('same')!.layerIndex, 2);
  assert.deepEqual(s.hidden.map((h) => `${h.meta.path}@${h.layerIndex}:${h.how}@${h.hiddenBy}`), ['same@0:overwritten@2']);
});

test('wanted files above maxFileSize are passed truncated; unwanted content is never buffered', async () => {
  const dir = join(work, 'oci-big');
  const big = Buffer.alloc(3 * 1024 * 1024, 'z');
  writeOciLayout(dir, [{ tar: tarBuffer([{ name: 'big.txt', content: big }, { name: 'small.txt', content: 'hi' }, { name: 'other.bin', content: big }]) }]);
  const seen: Array<[string, number, boolean]> = [];
  const a: LayerAnalyzer<number> = {
    name: 'cap',
    version: 1,
    maxFileSize: 1024,
    wants: (m) => m.path.endsWith('.txt'),
    analyze: (m, c, ctx) => {
      seen.push([m.path, c.length, ctx.truncated]);
      return c.length;
    },
  };
  const s = await scanImage(await openImage(dir), [a], { noCache: true });
  assert.deepEqual(seen, [
    ['big.txt', 1024, true],
    ['small.txt', 2, false],
  ]);
  assert.equal(s.final.get('other.bin')!.meta.size, big.length);
});

test('readLayerFiles: a file deleted by a later layer is still read from its own layer', async () => {
  const { readLayerFiles } = await import('../../src/image/extract.js');
  const dir = join(work, 'oci-extract');
  writeOciLayout(dir, layers);
  const img = await openImage(dir);
  const s = await scanImage(img, [], { noCache: true });
  const gone = s.hidden.find((h) => h.meta.path === 'etc/secret.key')!;
  assert.equal(gone.how, 'whiteout');
  const got = await readLayerFiles(img, gone.layerIndex, [gone.meta.path], 10);
  assert.deepEqual(got.get('etc/secret.key'), { content: Buffer.from('-----BEGI'.padEnd(10, 'N')), truncated: true });
});

test('docker save archives that link a repeated layer to its first copy (symlinked layer.tar) are read', async () => {
  const { tarBuffer: tb, sha256: h } = await import('./support/craft.js');
  const empty = tb([]);
  const l1 = tb([{ name: 'a', content: 'a' }]);
  const diffIds = [h(l1), h(empty), h(empty)];
  const config = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: diffIds }, history: [{ created_by: 'ADD a' }, { created_by: 'RUN true' }, { created_by: 'RUN true' }] }));
  const cfgName = `${h(config).slice(7)}.json`;
  const p = join(work, 'linked.tar');
  writeFileSync(
    p,
    tb([
      { name: cfgName, content: config },
      { name: 'aaa/layer.tar', content: l1 },
      { name: 'bbb/layer.tar', content: empty },
      { name: 'ccc/layer.tar', type: '2', linkname: '../bbb/layer.tar' },
      { name: 'manifest.json', content: JSON.stringify([{ Config: cfgName, RepoTags: ['linked:1'], Layers: ['aaa/layer.tar', 'bbb/layer.tar', 'ccc/layer.tar'] }]) },
    ]),
  );
  const s = await scanImage(await openImage(p), [], { noCache: true });
  assert.equal(s.layers.length, 3);
  assert.deepEqual(s.image.layers.map((l) => l.createdBy), ['ADD a', 'RUN true', 'RUN true']);
  assert.equal(s.final.get('a')!.layerIndex, 0);
});

test('a hardlink to a large wanted file gets its content through a second read of the layer', async () => {
  const dir = join(work, 'oci-biglink');
  const big = Buffer.alloc(1024 * 1024, 'q'); // above what the walker keeps in memory for hardlinks
  writeOciLayout(dir, [{ tar: tarBuffer([{ name: 'usr/bin/tool', content: big, mode: 0o755 }, { name: 'usr/bin/tool-alias', type: '1', linkname: 'usr/bin/tool' }]) }]);
  const img = await openImage(dir);
  let opened = 0;
  const orig = img.layerEntries.bind(img);
  img.layerEntries = (i) => {
    opened++;
    return orig(i);
  };
  const a: LayerAnalyzer<number> = { name: 'len', version: 1, wants: (m) => m.path.startsWith('usr/bin/'), analyze: (_m, c) => c.length };
  const s = await scanImage(img, [a], { noCache: true });
  assert.deepEqual(s.layers[0]!.analyses.len, { 'usr/bin/tool': big.length, 'usr/bin/tool-alias': big.length });
  assert.equal(opened, 2, 'one extra read, only because the target was too big to keep');
});

test('the second read for a hardlink serves the target as it was before the link, and stops at the last link', async () => {
  const dir = join(work, 'oci-biglink-order');
  const first = Buffer.alloc(1024 * 1024, 'q');
  const later = Buffer.alloc(1024 * 1024 + 1, 'z'); // the same path again after the link: another file
  const tail = Array.from({ length: 50 }, (_, i) => ({ name: `var/lib/x${i}`, content: Buffer.from(`x${i}`) }));
  writeOciLayout(dir, [
    { tar: tarBuffer([{ name: 'usr/bin/tool', content: first, mode: 0o755 }, { name: 'usr/bin/tool-alias', type: '1', linkname: 'usr/bin/tool' }, { name: 'usr/bin/tool', content: later, mode: 0o755 }, ...tail]) },
  ]);
  const img = await openImage(dir);
  const orig = img.layerEntries.bind(img);
  const reads: number[] = [];
  img.layerEntries = (i) => {
    const e = orig(i);
    const k = reads.push(0) - 1;
    return Object.assign(Object.create(e) as typeof e, {
      async *[Symbol.asyncIterator]() {
        for await (const x of e) {
          reads[k]!++;
          yield x;
        }
      },
    });
  };
  const fds = () => readdirSync('/proc/self/fd').length;
  const before = fds();
  const a: LayerAnalyzer<string> = { name: 'head', version: 1, wants: (m) => m.path.startsWith('usr/bin/'), analyze: (_m, c) => `${c.length}:${String.fromCharCode(c[0]!)}` };
  const s = await scanImage(img, [a], { noCache: true });
  assert.deepEqual(s.layers[0]!.analyses.head, { 'usr/bin/tool': `${later.length}:z`, 'usr/bin/tool-alias': `${first.length}:q` });
  assert.deepEqual(reads, [53, 2], 'the second read ends at the link (entry 2 of 53)');
  assert.equal(fds(), before, 'the blob read that stopped early is closed');
});

test('hostile hardlinks: a target path repeated with a link after each copy costs one analysis per link on the second read', async () => {
  const dir = join(work, 'oci-link-storm');
  // wanted files that fill the walker's keep budget (8 MiB), so that no target after them is kept in memory
  const filler = Array.from({ length: 32 }, (_, i) => ({ name: `fill/${i}`, content: Buffer.alloc(256 * 1024, 'f') }));
  const n = 2000;
  const storm = Array.from({ length: n }, (_, k) => [
    { name: 'usr/bin/t', content: Buffer.from(`v${k}`) },
    { name: `usr/bin/l${k}`, type: '1' as const, linkname: 'usr/bin/t' },
  ]).flat();
  writeOciLayout(dir, [{ tar: tarBuffer([...filler, ...storm]) }]);
  const img = await openImage(dir);
  let linkCalls = 0;
  const a: LayerAnalyzer<string> = {
    name: 'body',
    version: 1,
    wants: (m) => m.path.startsWith('usr/bin/') || m.path.startsWith('fill/'),
    analyze: (m, c) => {
      if (m.path.startsWith('usr/bin/l')) linkCalls++;
      return m.path.startsWith('fill/') ? undefined : c.toString();
    },
  };
  const s = await scanImage(img, [a], { noCache: true });
  const out = s.layers[0]!.analyses.body as Record<string, string>;
  assert.equal(linkCalls, n, 'each link analysed once');
  for (const k of [0, 1, 999, n - 1]) assert.equal(out[`usr/bin/l${k}`], `v${k}`, `link ${k} gets the copy before it`);
});

test('a layer that fails midway closes its blob file at once', async () => {
  const dir = join(work, 'oci-bad-middle');
  // 3 MiB that do not compress, then a damaged header: the blob is read in 1 MiB chunks, so the read is open then
  const big = randomBytes(3 * 1024 * 1024);
  const t = Buffer.from(tarBuffer([{ name: 'a', content: big }, { name: 'b', content: Buffer.from('b') }, { name: 'c', content: big }]));
  t[512 + big.length + 148] ^= 0x55; // the second header's checksum field
  writeOciLayout(dir, [{ tar: t }]);
  const img = await openImage(dir);
  const fds = () => readdirSync('/proc/self/fd').length;
  const before = fds();
  await assert.rejects(scanImage(img, [], { noCache: true }), /checksum/);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(fds(), before);
});

test('packed entries (worker replies, the entries cache) read back exactly as the compact tuples did, NUL and lone surrogates included', async () => {
  const { pack, unpack, compact, expand } = await import('../../src/image/walk.js');
  const { readIndex, storeLayer } = await import('../../src/image/layer-index.js');
  const metas = [
    { path: 'etc', type: 'dir' as const, mode: 0o755, uid: 0, gid: 0, size: 0 },
    { path: 'etc/passwd', type: 'file' as const, mode: 0o644, uid: 0, gid: 0, size: 27, mtime: 1700000000 },
    { path: 'bin/sh', type: 'symlink' as const, mode: 0o777, uid: 0, gid: 0, size: 0, linkname: 'busybox' },
    { path: 'usr/bin/x', type: 'hardlink' as const, mode: 0o755, uid: 1000, gid: 1000, size: 0, linkname: 'usr/bin/y', mtime: 0 },
    { path: 'dev/null', type: 'char' as const, mode: 0o666, uid: 0, gid: 0, size: 0, devmajor: 1, devminor: 3 },
    { path: 'big', type: 'file' as const, mode: 0o600, uid: 4294967294, gid: 65534, size: 2 ** 40 + 3 },
    { path: 'caf\u00e9/\u{1F600}', type: 'file' as const, mode: 0o644, uid: 0, gid: 0, size: 1 },
  ];
  const viaTuples = (ms: typeof metas) => ms.map(compact).map(expand);
  assert.deepEqual(unpack(pack(metas)), viaTuples(metas));
  assert.equal(pack(metas).json, undefined);
  assert.deepEqual(unpack(pack([])), []);
  // a NUL in a name (possible through a PAX record) switches the strings to a JSON array
  const odd = [...metas, { path: 'a\u0000b', type: 'file' as const, mode: 0o644, uid: 0, gid: 0, size: 0 }, { path: 'lone\ud800', type: 'symlink' as const, mode: 0o777, uid: 0, gid: 0, size: 0, linkname: 'x\u0000\udc00' }];
  assert.equal(pack(odd).json, true);
  assert.deepEqual(unpack(pack(odd)), viaTuples(odd));
  // through the cache: exact, lone surrogates included; a damaged entry reads as a miss
  for (const ms of [metas, odd, [{ path: 'lone\udfff', type: 'file' as const, mode: 0, uid: 0, gid: 0, size: 0 }]]) {
    const cache = new LayerCache(join(work, 'packed-cache'));
    const key = 'ab'.repeat(32);
    storeLayer(cache, key, { entries: ms, whiteouts: ['w'], opaqueDirs: ['o'], uncompressedSize: 42, warnings: ['x'] }, {}, []);
    const got = readIndex(cache, key);
    assert.deepEqual(got, { entries: viaTuples(ms), whiteouts: ['w'], opaqueDirs: ['o'], uncompressedSize: 42, warnings: ['x'] });
  }
  const cache = new LayerCache(join(work, 'packed-cache'));
  const file = join(cache.dir, 'ab', 'ab'.repeat(32), '_entries.v2.bin.gz');
  writeFileSync(file, 'not gzip');
  assert.equal(readIndex(cache, 'ab'.repeat(32)), undefined);
  const { gzipSync } = await import('node:zlib');
  const head = Buffer.from(JSON.stringify({ key: 'ab'.repeat(32), name: '_entries', version: 2, data: { count: 5, json: false, utf16: false, endian: (await import('node:os')).endianness(), numbersBytes: 8, whiteouts: [], opaqueDirs: [], uncompressedSize: 0, warnings: [] } }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length);
  writeFileSync(file, gzipSync(Buffer.concat([len, head, Buffer.alloc(8), Buffer.from('file\0a')])));
  assert.equal(readIndex(cache, 'ab'.repeat(32)), undefined, 'counts that do not add up are a miss');
});
