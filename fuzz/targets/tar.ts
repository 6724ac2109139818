import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { blobLayerEntries } from '../../src/sources/layer.js';
import { corpus, defineTarget, mutatedBytes } from '../harness.js';

/** One tar header block with a valid checksum. */
function header(f: { name: string; flag: string; size: number; link?: string; mode?: number; ustar?: boolean; prefix?: string }): Buffer {
  const h = Buffer.alloc(512);
  h.write(f.name.slice(0, 100), 0, 'latin1');
  h.write((f.mode ?? 0o644).toString(8).padStart(7, '0'), 100, 'latin1');
  h.write('0000000', 108, 'latin1');
  h.write('0000000', 116, 'latin1');
  h.write(f.size.toString(8).padStart(11, '0').slice(-11), 124, 'latin1');
  h.write('00000000000', 136, 'latin1');
  h.write(f.flag, 156, 'latin1');
  if (f.link) h.write(f.link.slice(0, 100), 157, 'latin1');
  if (f.ustar !== false) {
    h.write('ustar\u000000', 257, 'latin1');
    if (f.prefix) h.write(f.prefix.slice(0, 155), 345, 'latin1');
  }
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\u0000 ', 148, 'latin1');
  return h;
}

const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
const pax = (kv: Array<[string, string]>) =>
  Buffer.from(
    kv
      .map(([k, v]) => {
        const body = ` ${k}=${v}\n`;
        let n = body.length + 1;
        while (String(n).length + body.length !== n) n = String(n).length + body.length;
        return `${n}${body}`;
      })
      .join(''),
  );

const NAMES = ['etc/passwd', './var/lib/dpkg/status', '../../escape', '/abs/file', 'a/.wh.b', 'a/.wh..wh..opq', 'dir/', 'x'.repeat(150), 'usr/lib/./../lib/x', ''];
const entryArb = fc.record({
  name: fc.oneof(fc.constantFrom(...NAMES), fc.string({ unit: 'binary', maxLength: 120 })),
  flag: fc.constantFrom('0', '\u0000', '1', '2', '3', '4', '5', '6', '7', 'L', 'K', 'x', 'g', 'S', 'V', 'Z'),
  content: fc.uint8Array({ maxLength: 1500 }),
  declared: fc.option(fc.nat(1 << 20), { nil: undefined }),
  link: fc.option(fc.constantFrom(...NAMES), { nil: undefined }),
  pax: fc.option(fc.array(fc.tuple(fc.constantFrom('path', 'linkpath', 'size', 'uid', 'mtime', 'SCHILY.xattr.x', 'junk'), fc.string({ unit: 'binary', maxLength: 40 })), { maxLength: 4 }), { nil: undefined }),
  prefix: fc.option(fc.constantFrom('usr/share', 'a'.repeat(155)), { nil: undefined }),
});

/** a tar built from random entries (valid headers, random content and flags), then maybe cut short or compressed */
const built = fc
  .tuple(fc.array(entryArb, { maxLength: 6 }), fc.boolean(), fc.option(fc.nat(), { nil: undefined }), fc.constantFrom('none', 'gzip', 'gzip-cut'))
  .map(([entries, end, cut, comp]) => {
    const parts: Buffer[] = [];
    for (const e of entries) {
      if (e.pax) {
        const body = pax(e.pax);
        parts.push(header({ name: 'PaxHeader', flag: 'x', size: body.length }), pad(body));
      }
      const content = Buffer.from(e.content);
      parts.push(header({ name: e.name, flag: e.flag, size: e.declared ?? content.length, link: e.link, prefix: e.prefix }), pad(content));
    }
    if (end) parts.push(Buffer.alloc(1024));
    let tar = Buffer.concat(parts);
    if (cut !== undefined && tar.length) tar = tar.subarray(0, cut % tar.length);
    if (comp === 'none') return tar;
    const gz = gzipSync(tar);
    return comp === 'gzip' ? gz : gz.subarray(0, Math.max(10, gz.length - 7));
  });

/** a layer blob: the real (corpus) and built tars, gzip and zstd, mutated */
export default defineTarget<Buffer>({
  name: 'tar',
  about: 'layer blobs (plain, gzip, zstd tar) through blobLayerEntries: compression sniffing, the bounded tar reader, PAX/GNU headers, path normalisation; every entry read to the end',
  input: () => {
    const seeds = corpus('tar');
    return fc.oneof({ weight: 3, arbitrary: mutatedBytes(seeds, ['ustar\u000000', '././@LongLink', 'PaxHeader', '\u001f\u008b\u0008', '(\u00b5/\u00fd']) }, { weight: 2, arbitrary: built }, { weight: 1, arbitrary: built.chain((b) => mutatedBytes([b])) });
  },
  async run(blob) {
    const chunks = [blob.subarray(0, 700), blob.subarray(700)];
    const entries = blobLayerEntries(async () => chunks, { index: 0, digest: '' }, { limits: { maxBytes: 64 * 1024 * 1024, ratioMinBytes: 1024 * 1024 } });
    for await (const e of entries) {
      if (e.chunks) for await (const c of e.chunks()) void c;
      else for await (const c of e.stream) void c;
    }
  },
});
