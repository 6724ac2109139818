import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { effective } from '../../../dockerfile/shell/command.js';
import { ARCHIVE, HADOLINT, URL_RE, copyArgs } from './util.js';

/** the last path component, for / and Windows \\ separators */
function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-066',
    title: 'Archive COPYed then extracted (use ADD)',
    severity: 'info',
    rationale: 'COPY of an archive followed by `tar x` keeps the archive in a layer; ADD extracts local archives in one step.',
    remediation: 'Use `ADD archive.tar.gz /dest/` for local archives.',
    references: ['DL3010'],
    helpUri: HADOLINT('DL3010'),
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    for (const s of ctx.df.stages) {
      const copied: Array<{ name: string; inst: (typeof s.instructions)[number] }> = [];
      for (const inst of s.instructions) {
        if (inst.keyword === 'COPY' && !inst.flags.some((f) => f.name === 'from')) {
          const { sources, dest } = copyArgs(inst);
          for (const src of sources) {
            if (!ARCHIVE.test(src) || URL_RE.test(src)) continue;
            copied.push({ name: baseName(src), inst });
            // copied to a file name of its own: the archive is extracted under that name
            if (dest && !/[\\/]$/.test(dest) && ARCHIVE.test(dest)) copied.push({ name: baseName(dest), inst });
          }
        }
        if (inst.keyword !== 'RUN') continue;
        for (const c of ctx.commands(inst)) {
          const e = effective(c);
          if (e.name !== 'tar' || !e.argv.slice(1).some((a) => /^-?-?[a-zA-Z]*x/.test(a) || a === '--extract')) continue;
          for (const cp of copied) {
            if (e.argv.some((a) => baseName(a) === cp.name) && !hits.some((h) => h.inst === cp.inst)) hits.push({ inst: cp.inst, message: `${cp.name} is copied and then extracted with tar: use ADD`, key: cp.name });
          }
        }
      }
    }
    return hits;
  },
);
