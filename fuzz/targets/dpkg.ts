import fc from 'fast-check';
import { dpkgAnalyzer } from '../../src/inventory/dpkg/index.js';
import type { EntryMeta } from '../../src/sources/types.js';
import { corpus, defineTarget, mutatedText } from '../harness.js';

const PATHS = ['var/lib/dpkg/status', 'var/lib/dpkg/status.d/base', 'var/lib/dpkg/info/libc6:amd64.list'];
const ctx = { layer: { index: 0, digest: '' }, imageName: 'fuzz', truncated: false };

export default defineTarget<{ text: string; path: number }>({
  name: 'dpkg',
  about: 'dpkg status / status.d (deb822 stanzas, continuation lines, Source: name (version), Status:) and .list file lists, through the detector',
  input: () => fc.record({ text: mutatedText(corpus('dpkg'), ['\nPackage: ', '\nVersion: ', '\nSource: ', ' (', ')', '\nStatus: install ok installed', '\nStatus: deinstall ok config-files', '\nArchitecture: ', '\n ', '\n .\n', '\n\n', ':', '\r\n', '1:', '~', '+']), path: fc.nat(2) }),
  run({ text, path }) {
    const meta: EntryMeta = { path: PATHS[path]!, type: 'file', size: text.length, mode: 0o644, uid: 0, gid: 0 };
    dpkgAnalyzer.analyze(meta, Buffer.from(text), ctx);
  },
  encode: (i) => i,
  decode: (j) => j as { text: string; path: number },
});
