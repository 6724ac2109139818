import { goPackages, readGoBuildInfo } from '../../src/inventory/golang/index.js';
import { corpus, defineTarget, mutatedBytes } from '../harness.js';

export default defineTarget<Buffer>({
  name: 'golang',
  about: 'Go build info in binaries (the \\xff Go buildinf: header, inline varint strings, ELF PT_LOAD pointer chasing for old toolchains, modinfo lines)',
  input: () => mutatedBytes(corpus('golang'), ['\u00ff Go buildinf:', '\u007fELF', '\npath\t', '\nmod\t', '\ndep\t', '\n=>\t', '\nbuild\t', '\t', 'go1.', 'devel ', '\u0080', '\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff']),
  run(b) {
    const info = readGoBuildInfo(b);
    if (info) goPackages(info, 'usr/bin/app');
  },
});
