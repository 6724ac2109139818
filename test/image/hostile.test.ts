/**
 * Hostile archives, each crafted in-process: every case ends in a clear error or a warning, within
 * bounded time and memory, and nothing is written anywhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openImage } from '../../src/sources/index.js';
import { blobLayerEntries } from '../../src/sources/layer.js';
import { scanImage } from '../../src/image/scan.js';
import { resolveFinal } from '../../src/image/final.js';
import type { LayerAnalyzer } from '../../src/image/types.js';
import type { LayerEntries, OpenedImage } from '../../src/sources/types.js';
import { tarBuffer, tarMember, writeOciLayout, dockerArchiveBuffer } from './support/craft.js';

const HAVE_ZSTD = spawnSync('zstd', ['--version'], { stdio: 'ignore' }).status === 0;
const work = mkdtempSync(join(tmpdir(), 'bulwark-hostile-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
let n = 0;
function rootfsFile(buf: Buffer): string {
  const p = join(work, `l${++n}.tar`);
  writeFileSync(p, buf);
  return `rootfs:${p}`;
}

/** An analyzer that records every file it is given. */
function recorder(want: (p: string) => boolean, maxFileSize?: number): LayerAnalyzer<{ text: string; truncated: boolean; type: string }> {
  return {
    name: 'rec',
    version: 1,
    maxFileSize,
    wants: (m) => want(m.path),
    analyze: (m, c, ctx) => ({ text: c.toString('utf8'), truncated: ctx.truncated, type: m.type }),
  };
}

async function scan(ref: string, analyzers: LayerAnalyzer[] = []) {
  const img = await openImage(ref);
  return scanImage(img, analyzers, { noCache: true });
}

test('path traversal names are dropped with a warning; nothing escapes the root', async () => {
  const s = await scan(
    rootfsFile(
      tarBuffer([
        { name: '../../../../tmp/pwned', content: 'x' },
        { name: 'a/../../evil', content: 'x' },
        { name: 'ok/../fine', content: 'fine' },
        { name: './etc/', type: '5' },
      ]),
    ),
  );
  assert.deepEqual([...s.final.keys()].sort(), ['etc', 'fine']);
  const w = s.layers[0]!.warnings.join('\n');
  assert.match(w, /'\.\.\/\.\.\/\.\.\/\.\.\/tmp\/pwned' escapes the layer root/);
  assert.match(w, /'a\/\.\.\/\.\.\/evil' escapes the layer root/);
});

test('absolute names are read relative to the image root, with a warning', async () => {
  const s = await scan(rootfsFile(tarBuffer([{ name: '/etc/shadow', content: 'root:*:' }])), [recorder((p) => p === 'etc/shadow')]);
  assert.ok(s.final.has('etc/shadow'));
  assert.equal((s.layers[0]!.analyses.rec!['etc/shadow'] as { text: string }).text, 'root:*:');
  assert.match(s.layers[0]!.warnings.join('\n'), /absolute name: read as 'etc\/shadow'/);
});

test('symlinks pointing outside the root are resolved inside it; loops end', async () => {
  const s = await scan(
    rootfsFile(
      tarBuffer([
        { name: 'etc/', type: '5' },
        { name: 'etc/passwd', content: 'image passwd' },
        { name: 'up', type: '2', linkname: '../../../../../etc/passwd' },
        { name: 'abs', type: '2', linkname: '/etc/passwd' },
        { name: 'loop1', type: '2', linkname: 'loop2' },
        { name: 'loop2', type: '2', linkname: 'loop1' },
        { name: 'self', type: '2', linkname: 'self/x' },
      ]),
    ),
  );
  assert.equal(resolveFinal(s.final, 'up')?.meta.path, 'etc/passwd', 'clamped at the image root, never the host');
  assert.equal(resolveFinal(s.final, 'abs')?.meta.path, 'etc/passwd');
  assert.equal(resolveFinal(s.final, 'loop1'), undefined);
  assert.equal(resolveFinal(s.final, 'self'), undefined);
  assert.match(s.layers[0]!.warnings.join('\n'), /symlink 'up' -> '\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd' points above the root/);
});

test('hardlinks: content served from the earlier target; escapes and loops are refused', async () => {
  const s = await scan(
    rootfsFile(
      tarBuffer([
        { name: 'data/real', content: 'the content' },
        { name: 'data/other', content: 'unwanted target' },
        { name: 'data/link', type: '1', linkname: 'data/real' },
        { name: 'data/link2', type: '1', linkname: 'data/other' },
        { name: 'data/chain', type: '1', linkname: 'data/link' },
        { name: 'data/escape', type: '1', linkname: '../../../etc/passwd' },
        { name: 'data/loopa', type: '1', linkname: 'data/loopb' },
        { name: 'data/loopb', type: '1', linkname: 'data/loopa' },
      ]),
    ),
    [recorder((p) => p === 'data/real' || p === 'data/link' || p === 'data/link2' || p === 'data/chain')],
  );
  const a = s.layers[0]!.analyses.rec!;
  assert.equal((a['data/link'] as { text: string }).text, 'the content');
  assert.equal((a['data/chain'] as { text: string }).text, 'the content');
  assert.equal((a['data/link2'] as { text: string }).text, 'unwanted target', 'target nobody wanted is fetched by a second read');
  assert.equal(s.final.has('data/escape'), false);
  const w = s.layers[0]!.warnings.join('\n');
  assert.match(w, /hardlink 'data\/escape' points outside the layer root/);
  assert.match(w, /hardlink 'data\/loopa' -> 'data\/loopb': no such file earlier/);
});

test('a gzip decompression bomb stops with a clear error', async () => {
  // one 300 MiB file of zeros: ~300 KiB compressed, ratio ~1000:1
  const big = 300 * 1024 * 1024;
  const head = tarMember({ name: 'bomb', content: Buffer.alloc(0) });
  // rewrite the size field of the header by hand (content is streamed, not built)
  const h = Buffer.from(head);
  h.write(big.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  h.write('        ', 148, 'latin1');
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += h[i]!;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  const gz = gzipSync(Buffer.concat([h, Buffer.alloc(big), Buffer.alloc(1024)]), { level: 9 });
  const ref = rootfsFile(gz);
  await assert.rejects(scan(ref), /compression ratio above 1000:1 .*decompression bomb/);
  // and an absolute size cap
  const img = await openImage(ref);
  const entries = blobLayerEntries(async () => [gz], img.layers[0]!, { limits: { maxBytes: 10 * 1024 * 1024 } });
  await assert.rejects(async () => {
    for await (const e of entries) void e;
  }, /expands beyond 10485760 bytes/);
});

/** A tar header for one regular file of `size` bytes (the content is streamed separately). */
function bigHeader(name: string, size: number): Buffer {
  const h = Buffer.from(tarMember({ name, content: Buffer.alloc(0) }));
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  h.write('        ', 148, 'latin1');
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += h[i]!;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

test('a 10 GiB gzip bomb that keeps under the ratio limit is stopped at 100 times its declared size, not expanded to the end', async () => {
  // 10,240 gzip members of 1 MiB of zeros each (a multi-member gzip stream): 10 GiB from about 10 MB, a ratio just
  // under 1000:1 once the members' headers are counted, so only the cap from the declared size can stop it
  const mib = gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
  const count = 10 * 1024;
  const parts = [gzipSync(bigHeader('bomb', count * 1024 * 1024))];
  for (let i = 0; i < count; i++) parts.push(mib);
  parts.push(gzipSync(Buffer.alloc(1024)));
  const gz = Buffer.concat(parts);
  assert.ok(gz.length < 16 * 1024 * 1024);
  const t0 = Date.now();
  const err = await scan(rootfsFile(gz)).then(
    () => undefined,
    (e: Error) => e,
  );
  assert.ok(err, 'the bomb is refused');
  const m = /expands beyond (\d+) bytes, more than 100 times the (\d+) bytes its descriptor declares \(decompression bomb\)/.exec(err.message);
  assert.ok(m, err.message);
  assert.equal(Number(m[2]), gz.length);
  assert.ok(Number(m[1]) <= 100 * gz.length && Number(m[1]) < 2 * 1024 ** 3, `stopped after ${m[1]} bytes of output`);
  assert.ok(Date.now() - t0 < 120_000);
});

test('a genuine layer of 100 MB of very compressible text is not taken for a bomb', async () => {
  const line = Buffer.from('2024-06-01T12:00:00.000Z INFO [worker-1] heartbeat ok\n');
  const size = 100 * 1024 * 1024 - ((100 * 1024 * 1024) % line.length);
  const text = Buffer.alloc(size);
  for (let i = 0; i < size; i += line.length) line.copy(text, i);
  const tar = Buffer.concat([bigHeader('var/log/app.log', size), text, Buffer.alloc((512 - (size % 512)) % 512), Buffer.alloc(1024)]);
  const gz = gzipSync(tar, { level: 9 });
  assert.ok(tar.length / gz.length > 300, `a ratio of ${(tar.length / gz.length).toFixed(0)}:1`);
  const s = await scan(rootfsFile(gz), [recorder((p) => p === 'var/log/app.log', 64)]);
  assert.equal(s.final.get('var/log/app.log')?.meta.size, size);
});

test('a blob larger than its descriptor declares is refused as soon as it runs over', async () => {
  const dir = join(work, 'oci-oversize');
  const layer = tarBuffer([{ name: 'a', content: 'x'.repeat(5000) }]);
  writeOciLayout(dir, [{ tar: layer }]);
  const img = await openImage(dir);
  // the descriptor says fewer bytes than the blob has
  const small = { ...img.layers[0]!, size: 1024 };
  await assert.rejects(async () => {
    for await (const e of blobLayerEntries(async () => [layer.subarray(0, 2048), layer.subarray(2048)], small)) void e;
  }, /larger than the 1024 bytes its descriptor declares/);
});

test('a zstd decompression bomb stops with a clear error before it is expanded', { skip: HAVE_ZSTD ? false : 'needs the zstd command (apt: zstd)' }, async () => {
  const head = Buffer.from(tarMember({ name: 'bomb', content: Buffer.alloc(0) }));
  const big = 2 * 1024 * 1024 * 1024; // 2 GiB of zeros: a few hundred KiB of zstd
  head.write(big.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  head.write('        ', 148, 'latin1');
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += head[i]!;
  head.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  const headFile = join(work, 'bomb-head');
  writeFileSync(headFile, head);
  const zst = join(work, 'bomb.tar.zst');
  execFileSync('sh', ['-c', `{ cat '${headFile}'; head -c ${big} /dev/zero; } | zstd -q -1 -c > '${zst}'`]);
  const before = process.memoryUsage().rss;
  await assert.rejects(scan(`rootfs:${zst}`), /compression ratio above 1000:1 .*decompression bomb/);
  assert.ok(process.memoryUsage().rss - before < 400 * 1024 * 1024, 'the bomb was not expanded in memory');
});

test('truncated gzip, truncated tar and garbage end in clear errors', async () => {
  const tar = tarBuffer([{ name: 'a', content: 'x'.repeat(5000) }, { name: 'b', content: 'y'.repeat(5000) }]);
  const gz = gzipSync(tar);
  await assert.rejects(scan(rootfsFile(gz.subarray(0, gz.length - 20))), /truncated gzip stream/);
  await assert.rejects(scan(rootfsFile(tar.subarray(0, 3000))), /truncated archive: stream ended inside a member/);
  await assert.rejects(scan(rootfsFile(Buffer.from('this is not a tar archive at all'.repeat(40)))), /not a tar archive or corrupt header/);
  const corrupt = Buffer.from(gz);
  corrupt[Math.floor(gz.length / 2)] ^= 0xff;
  await assert.rejects(scan(rootfsFile(corrupt)), /corrupt gzip stream|checksum|not a tar/);
});

test('non-UTF-8 names are kept as escaped text', async () => {
  const s = await scan(rootfsFile(tarBuffer([{ name: Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74]), content: 'latin-1 name' }, { name: 'ünïcode', content: 'ok' }])));
  assert.ok(s.final.has('caf\\xe9.txt'), [...s.final.keys()].join(','));
  assert.ok(s.final.has('ünïcode'));
});

test('long names (PAX) are read whole', async () => {
  const long = `${'d'.repeat(120)}/${'f'.repeat(150)}`;
  const s = await scan(rootfsFile(tarBuffer([{ name: long, content: 'deep' }])));
  assert.ok(s.final.has(long));
});

test('entry floods hit the configured limit; one million tiny entries stay in bounded time and memory', async () => {
  const many = (count: number): LayerEntries => {
    // a header template patched per entry: d###/f####### (generation must not dominate the timing)
    const tpl = tarMember({ name: 'd000/f0000000', content: '' });
    function* gen(): Generator<Buffer> {
      let batch = Buffer.allocUnsafe(2048 * 512);
      let k = 0;
      for (let i = 0; i < count; i++) {
        const h = batch.subarray(k * 512, k * 512 + 512);
        tpl.copy(h);
        h.write(String(i % 1000).padStart(3, '0'), 1, 'latin1');
        h.write(String(i).padStart(7, '0'), 6, 'latin1');
        let sum = 8 * 32;
        for (let j = 0; j < 148; j++) sum += h[j]!;
        for (let j = 156; j < 512; j++) sum += h[j]!;
        h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
        if (++k === 2048) {
          yield batch;
          batch = Buffer.allocUnsafe(2048 * 512);
          k = 0;
        }
      }
      yield Buffer.concat([batch.subarray(0, k * 512), Buffer.alloc(1024)]);
    }
    return blobLayerEntries(async () => gen(), { index: 0, digest: '' }, { limits: { maxEntries: 1_500_000 } });
  };
  const img = (count: number): OpenedImage => ({
    ref: 'crafted',
    kind: 'crafted',
    name: 'crafted',
    repoTags: [],
    config: {},
    layers: [{ index: 0, digest: '' }],
    layerEntries: () => many(count),
    close: async () => {},
  });
  await assert.rejects(
    (async () => {
      for await (const e of blobLayerEntries(async () => [tarBuffer(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, content: '' })))], { index: 0, digest: '' }, { limits: { maxEntries: 10 } })) void e;
    })(),
    /more than 10 entries/,
  );
  const before = process.memoryUsage().rss;
  const t0 = Date.now();
  const s = await scanImage(img(1_000_000), [recorder((p) => p === 'd007/f0000007')], { noCache: true });
  const secs = (Date.now() - t0) / 1000;
  assert.equal(s.layers[0]!.entries.length, 1_000_000);
  assert.equal(s.final.size, 1_000_000);
  assert.equal((s.layers[0]!.analyses.rec!['d007/f0000007'] as { text: string }).text, '');
  const grew = (process.memoryUsage().rss - before) / 1024 / 1024;
  // the entry index itself is the only thing that grows with the entry count (a few hundred bytes each)
  assert.ok(grew < 1200, `RSS grew by ${grew.toFixed(0)} MB`);
  assert.ok(secs < 120, `took ${secs}s`);
});

test('a blob whose digest does not match the manifest is an error (OCI layout)', async () => {
  const dir = join(work, 'oci-tampered');
  const layer = tarBuffer([{ name: 'etc/os-release', content: 'ID=test\n' }]);
  writeOciLayout(dir, [{ tar: layer }], {
    tamper: (blobs) => {
      // replace the layer blob's bytes, keep its name
      for (const [d, b] of blobs) if (b[0] === 0x1f) blobs.set(d, gzipSync(tarBuffer([{ name: 'etc/os-release', content: 'ID=evil\n' }])));
    },
  });
  await assert.rejects(scan(dir), /digest mismatch: the manifest says sha256:[0-9a-f]{64}, the blob is sha256:/);
});

test('a layer whose content does not match its diff_id is an error (docker save archive)', async () => {
  const p = join(work, 'tampered.tar');
  const l1 = tarBuffer([{ name: 'a', content: 'a'.repeat(1000) }]);
  writeFileSync(p, dockerArchiveBuffer([{ tar: l1 }], { tamperLayer: 0 }));
  await assert.rejects(scan(p), /diff_id mismatch: the config says sha256:/);
});

test('the walker writes nothing: the working directory is unchanged after hostile scans', async () => {
  const before = readdirSync(work).sort();
  await scan(rootfsFile(tarBuffer([{ name: '../x', content: 'x' }, { name: '/abs', content: 'y' }]))).catch(() => undefined);
  const after = readdirSync(work).sort();
  assert.deepEqual(after.length, before.length + 1, 'only the crafted input file was added');
});

test('an OCI index with 200,000 manifests, or thousands of platforms, ends in one short line, quickly', async () => {
  const dir = join(work, 'oci-flood');
  const { manifestDigest } = writeOciLayout(dir, [{ tar: tarBuffer([{ name: 'a', content: 'a' }]) }]);
  const desc = (i: number) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: 1, platform: { os: 'linux', architecture: `arch${i}` }, annotations: { 'org.opencontainers.image.ref.name': `name${i}` } });
  const write = (count: number) => writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: Array.from({ length: count }, (_, i) => desc(i)) }));
  for (const [count, ref, re] of [
    [200_000, dir, /index\.json lists 200000 manifests, more than the 10000 a genuine layout holds/],
    [5_000, dir, /no image for platform linux\/amd64 \(available: linux\/arch0, .*\.\.\. \(5000 in all\)\); pick one with --platform/],
    [5_000, `oci:${dir}:nope`, /no image named 'nope' in index\.json \(available: name0, .*\.\.\. \(5000 in all\)\)/],
  ] as const) {
    write(count);
    const t0 = Date.now();
    const err = await openImage(ref).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.ok(err, `${count} manifests: refused`);
    assert.match(err.message, re);
    assert.ok(err.message.length < 1000 && !err.message.includes('\n'), `one short line (${err.message.length} chars)`);
    assert.ok(Date.now() - t0 < 30_000);
  }
});

test('an OCI layout whose layer blob is a FIFO: a clear error when the layer is read, not a hang', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-fifo-blob-'));
  try {
    const { layerDigests } = writeOciLayout(dir, [{ tar: tarBuffer([{ name: 'a', content: 'x' }]) }]);
    const blob = join(dir, 'blobs', 'sha256', layerDigests[0]!.slice(7));
    rmSync(blob);
    execFileSync('mkfifo', [blob]);
    const img = await openImage(`oci:${dir}`);
    try {
      const t0 = Date.now();
      await assert.rejects(
        (async () => {
          for await (const e of img.layerEntries(0)) void e;
        })(),
        /is not a regular file/,
      );
      assert.ok(Date.now() - t0 < 5000);
    } finally {
      await img.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
