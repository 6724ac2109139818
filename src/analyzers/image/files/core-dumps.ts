import type { Finding } from '../../../core/finding.js';
import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ImageCheckContext } from '../context.js';
import { humanBytes } from '../context.js';
import { FILES_ANALYZER, type FileFacts } from '../files-analyzer.js';

const meta: RuleMeta = {
  id: 'BW-IMAGE-018',
  title: 'Core dump in image',
  severity: 'medium',
  stage: 'image',
  rationale: 'A core dump holds the memory of a crashed process: environment variables, keys and passwords it had loaded.',
  remediation: 'Remove the core file in the layer that created it, and add `core*` to .dockerignore.',
  references: ['DKL-LI-0003'],
  tags: ['files'],
};

function check(ctx: ImageCheckContext): Finding[] {
  // the files analyzer recorded facts for a few files: only where it found a core dump can the final file be one
  const cores = new Set<string>();
  for (const l of ctx.scan.layers) {
    const rec = l.analyses?.[FILES_ANALYZER];
    if (rec) for (const p in rec) if ((rec[p] as FileFacts | undefined)?.kind === 'core') cores.add(p);
  }
  if (cores.size === 0) return [];
  const out: Finding[] = [];
  const { paths, files } = ctx.finalEntries();
  for (let k = 0; k < paths.length; k++) {
    const path = paths[k]!;
    const f = files[k]!;
    if (!cores.has(path)) continue;
    const facts = ctx.analysis<FileFacts>(FILES_ANALYZER, f.layerIndex, path);
    if (facts?.kind !== 'core') continue;
    out.push(ctx.finding(meta, { layerIndex: f.layerIndex, path, key: path, message: `ELF core dump /${path} (${humanBytes(f.meta.size)}, layer ${f.layerIndex})`, evidence: { size: f.meta.size } }));
  }
  return out;
}

export default defineRule<ImageCheckContext>(meta, check);
