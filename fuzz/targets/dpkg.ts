import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { DPKG_LINE_MAX, dpkgAnalyzer, dpkgSink, packagesFromStatus, parseFileList } from '../../src/inventory/dpkg/index.js';
import type { EntryMeta } from '../../src/sources/types.js';
import { corpus, defineTarget, mutatedText } from '../harness.js';

const PATHS = ['var/lib/dpkg/status', 'var/lib/dpkg/status.d/base', 'var/lib/dpkg/info/libc6:amd64.list'];
const ctx = { layer: { index: 0, digest: '' }, imageName: 'fuzz', truncated: false };

type Input = { text: string; path: number; piece?: number };

/**
 * The detector on whole content, and the property that streaming the same bytes in pieces (as the walker does)
 * gives what the whole-text parsers give.
 */
export default defineTarget<Input>({
  name: 'dpkg',
  about: 'dpkg status / status.d (deb822 stanzas, continuation lines, Source: name (version), Status:) and .list file lists, through the detector; streamed in pieces = whole text',
  input: () =>
    fc.record(
      {
        text: mutatedText(corpus('dpkg'), ['\nPackage: ', '\nVersion: ', '\nSource: ', ' (', ')', '\nStatus: install ok installed', '\nStatus: deinstall ok config-files', '\nArchitecture: ', '\n ', '\n .\n', '\n\n', ':', '\r\n', '1:', '~', '+', '\u00a0', '\u00e9']),
        path: fc.nat(2),
        piece: fc.integer({ min: 1, max: 300 }),
      },
      { requiredKeys: ['text', 'path'] },
    ),
  run({ text, path, piece }) {
    const meta: EntryMeta = { path: PATHS[path]!, type: 'file', size: text.length, mode: 0o644, uid: 0, gid: 0 };
    dpkgAnalyzer.analyze(meta, Buffer.from(text), ctx);
    // lines are read up to DPKG_LINE_MAX bytes (documented): longer ones are not compared
    if (!piece || text.split('\n').some((l) => Buffer.byteLength(l) > DPKG_LINE_MAX)) return;
    const bytes = Buffer.from(text);
    const sink = dpkgSink(meta);
    for (let o = 0; o < bytes.length; o += piece) sink.push(Buffer.from(bytes.subarray(o, o + piece)), o);
    const out = sink.end()!;
    if (path === 2) {
      if (!isDeepStrictEqual(out.fileList!.files, parseFileList(text))) throw new Error('streamed file list differs from the whole text');
    } else if (!isDeepStrictEqual(out.packages, packagesFromStatus(text, path === 0))) throw new Error(`streamed in pieces of ${piece}: packages differ from the whole text`);
  },
  expected: () => false,
  encode: (i) => i,
  decode: (j) => j as Input,
});
