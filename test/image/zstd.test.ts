/**
 * The zstd decoder (src/vendor/fzstd, a patched copy of fzstd 0.1.1): the same bytes as `zstd -d` on genuine
 * streams, and every hostile frame the fuzzer or the patches are about ends in bounded time with a clear error
 * (a one-line message and exit 2 from the CLI).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Decompress, MAX_WINDOW } from '../../src/vendor/fzstd/index.js';
import { blobLayerEntries } from '../../src/sources/layer.js';
import { runCli } from '../support/cli.js';
import { tarBuffer } from './support/craft.js';

const HAVE_ZSTD = spawnSync('zstd', ['--version'], { stdio: 'ignore' }).status === 0;
const work = mkdtempSync(join(tmpdir(), 'bulwark-zstd-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

/** Decode `b` pushed in pieces of `piece` bytes; the output, and the CPU milliseconds it took. */
function decode(b: Uint8Array, piece = 65536): { out: Buffer; ended: boolean; cpuMs: number } {
  const parts: Buffer[] = [];
  let ended = false;
  const t = process.cpuUsage();
  const d = new Decompress((c, final) => {
    parts.push(Buffer.from(c));
    if (final) ended = true;
  });
  for (let i = 0; i < b.length; i += piece) d.push(b.subarray(i, Math.min(b.length, i + piece)));
  d.push(new Uint8Array(0), true);
  const c = process.cpuUsage(t);
  return { out: Buffer.concat(parts), ended, cpuMs: (c.user + c.system) / 1000 };
}

/** The error `b` ends in, and the CPU milliseconds until then. */
function decodeError(b: Uint8Array): { message: string; cpuMs: number } {
  const t = process.cpuUsage();
  try {
    decode(b);
  } catch (e) {
    const c = process.cpuUsage(t);
    return { message: (e as Error).message, cpuMs: (c.user + c.system) / 1000 };
  }
  assert.fail('no error');
}

// hand-made frames: magic, a frame header without checksum or content size, window descriptor 2^wlog, blocks
const MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const block = (type: 0 | 1 | 2, size: number, last: boolean): number[] => {
  const v = (size << 3) | (type << 1) | (last ? 1 : 0);
  return [v & 255, (v >> 8) & 255, (v >> 16) & 255];
};
const frame = (wlog: number, blocks: number[][]): number[] => [...MAGIC, 0x00, (wlog - 10) << 3, ...blocks.flat()];

test('genuine streams decode to what zstd -d gives: levels 1-22, --long=27, several frames, no checksum, no content size, any piece size', { skip: HAVE_ZSTD ? false : 'needs the zstd command (apt: zstd)' }, () => {
  // a real tar of text (this repository's sources) and incompressible bytes, so both literals and matches occur
  const text = Buffer.concat([readFileSync(new URL('../../src/sources/layer.ts', import.meta.url)), readFileSync(new URL('../../src/vendor/fzstd/index.ts', import.meta.url))]);
  const data = Buffer.concat([tarBuffer([{ name: 'a.txt', content: text.toString('utf8').repeat(8) }]), createHash('sha512').update('x').digest(), Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251))]);
  const plain = join(work, 'data');
  writeFileSync(plain, data);
  const variants: Array<[string, string[]]> = [
    ['-1', ['-1']],
    ['-19', ['-19']],
    ['--ultra -22', ['--ultra', '-22']],
    ['--long=27', ['--long=27', '-3']],
    ['--no-check', ['--no-check', '-3']],
    ['--no-content-size', ['--no-content-size', '-3']],
  ];
  const frames: Buffer[] = [];
  for (const [name, args] of variants) {
    const zst = execFileSync('zstd', ['-q', '-c', ...args, plain], { maxBuffer: 1 << 28 });
    frames.push(zst);
    for (const piece of [65536, 777, 1]) {
      if (piece === 1 && name !== '-19') continue; // one byte at a time: one variant is enough
      const r = decode(zst, piece);
      assert.ok(r.ended, `${name}: the stream ends`);
      assert.ok(r.out.equals(data), `${name}, pieces of ${piece}: same bytes as the input`);
    }
  }
  // from standard input (no content size, streaming frame), and several frames one after another
  const piped = execFileSync('sh', ['-c', `zstd -q -3 -c < '${plain}'`], { maxBuffer: 1 << 28 });
  assert.ok(decode(piped).out.equals(data));
  const several = Buffer.concat(frames);
  const want = execFileSync('zstd', ['-d', '-q', '-c', '--long=31'], { input: several, maxBuffer: 1 << 28 });
  assert.ok(decode(several, 4099).out.equals(want));
  assert.equal(want.length, data.length * variants.length);
});

test('a match at a distance of many MiB through a --long window decodes, in bounded time', { skip: HAVE_ZSTD ? false : 'needs the zstd command (apt: zstd)' }, () => {
  // 6 MiB of pseudo-random bytes twice: the second copy is one match 6 MiB back, across many window compactions
  const chunk = Buffer.alloc(6 * 1024 * 1024);
  let x = 12345;
  for (let i = 0; i < chunk.length; i++) chunk[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  const data = Buffer.concat([chunk, chunk]);
  const zst = execFileSync('zstd', ['-q', '-c', '--long=24', '-1'], { input: data, maxBuffer: 1 << 28 });
  assert.ok(zst.length < data.length * 0.6, 'the second copy was compressed as a long match');
  const r = decode(zst);
  assert.ok(r.out.equals(data));
});

test('the two fuzz finds end at once with a clear error (upstream fzstd: 1.6 GB allocated; an endless loop)', () => {
  const input = (f: string) => Buffer.from((JSON.parse(readFileSync(new URL(`../../fuzz/regressions/${f}`, import.meta.url), 'utf8')) as { input: { base64: string } }).input.base64, 'base64');
  const big = decodeError(input('tar-1.json'));
  assert.match(big.message, /^window of 1635021685 bytes is above the 128 MiB limit$/);
  const loop = decodeError(input('tar-2.json'));
  assert.match(loop.message, /^too many Huffman weights$/);
  for (const r of [big, loop]) assert.ok(r.cpuMs < 1000, `${r.message}: ${r.cpuMs} ms of CPU`);
});

test('hostile frames: bounded time and memory, clear errors', () => {
  // a 128 MiB window and 20,000 blocks of one byte: upstream moved the whole window per block (hours)
  const tiny = Buffer.from(frame(27, [...Array.from({ length: 20_000 }, () => [...block(0, 1, false), 0x41]), block(0, 0, true)]));
  const r = decode(tiny);
  assert.ok(r.out.equals(Buffer.alloc(20_000, 0x41)));
  assert.ok(r.cpuMs < 1000, `${r.cpuMs} ms of CPU`);
  // 20,000 empty frames in one piece: upstream recursed once per frame and overflowed the stack
  const frames = Buffer.from(Array.from({ length: 20_000 }, () => frame(10, [block(0, 0, true)])).flat());
  const f = decode(frames);
  assert.equal(f.out.length, 0);
  assert.ok(f.ended);
  // an RLE block of 1 MiB from 4 bytes: above Block_Maximum_Size (128 KiB)
  assert.match(decodeError(Buffer.from(frame(27, [[...block(1, 1 << 20, true), 0x41]]))).message, /^block size 1048576 is above the maximum 131072$/);
  // a raw block larger than a 1 KiB window
  assert.match(decodeError(Buffer.from(frame(10, [[...block(0, 2000, true), ...Buffer.alloc(2000)]]))).message, /block size 2000 is above the maximum 1024/);
  // the window limit itself, and one step under it
  const wdesc = (wlog: number) => Buffer.from(frame(wlog, [block(0, 0, true)]));
  assert.equal(MAX_WINDOW, 1 << 27);
  assert.ok(decode(wdesc(27)).ended);
  assert.match(decodeError(wdesc(28)).message, /^window of 268435456 bytes is above the 128 MiB limit$/);
  // a frame that needs a dictionary (flag 1: one byte of dictionary id)
  assert.match(decodeError(Buffer.from([...MAGIC, 0x01, 0x00, 0x07, ...block(0, 0, true)])).message, /^frame needs dictionary 7$/);
  // a compressed block whose literals claim more than the block can hold (raw literals, 3-byte size of 200,000)
  const lit = 200_000;
  const lhdr = [0b1100 | ((lit & 0xf) << 4), (lit >> 4) & 0xff, (lit >> 12) & 0xff];
  assert.match(decodeError(Buffer.from(frame(20, [[...block(2, lhdr.length + 1, true), ...lhdr, 0]]))).message, /^literals section larger than the block$/);
});

test('a layer with such a frame: one line on stderr and exit 2, at once', async () => {
  // a first run loads the command's modules, which is not what is measured below
  const warm = join(work, 'warm.tar');
  writeFileSync(warm, tarBuffer([{ name: 'etc/hostname', content: 'x\n' }]));
  assert.equal((await runCli(['image', `rootfs:${warm}`, '--no-cache', '--no-vulns'])).code, 0);
  for (const [file, want] of [
    ['tar-1.json', /^bulwark: layer\.tar\.zst: zstd stream not supported \(window of 1635021685 bytes is above the 128 MiB limit\)\n$/],
    ['tar-2.json', /^bulwark: layer\.tar\.zst: corrupt zstd stream \(too many Huffman weights\)\n$/],
  ] as const) {
    const rec = JSON.parse(readFileSync(new URL(`../../fuzz/regressions/${file}`, import.meta.url), 'utf8')) as { input: { base64: string } };
    const dir = mkdtempSync(join(work, 'layer-'));
    const p = join(dir, 'layer.tar.zst');
    writeFileSync(p, Buffer.from(rec.input.base64, 'base64'));
    const t = process.cpuUsage();
    const r = await runCli(['image', `rootfs:${p}`, '--no-cache', '--no-vulns']);
    const c = process.cpuUsage(t);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, want);
    assert.ok((c.user + c.system) / 1000 < 1000, `${file}: ${(c.user + c.system) / 1000} ms of CPU`);
    // and through the layer reader directly, as the fuzz target calls it
    await assert.rejects(async () => {
      for await (const e of blobLayerEntries(async () => [readFileSync(p)], { index: 0, digest: '' })) void e;
    }, /zstd stream/);
  }
});
