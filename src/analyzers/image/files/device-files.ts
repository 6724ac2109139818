import type { Finding } from '../../../core/finding.js';
import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ImageCheckContext } from '../context.js';

/** nodes the runtime creates anyway (harmless when shipped) */
const STANDARD = new Set(['dev/null', 'dev/zero', 'dev/full', 'dev/random', 'dev/urandom', 'dev/tty', 'dev/console', 'dev/ptmx']);

const meta: RuleMeta = {
  id: 'BW-IMAGE-013',
  title: 'Device file in image',
  severity: 'medium',
  stage: 'image',
  rationale:
    'Container runtimes create the device nodes a container needs; a block or character device shipped in an image ' +
    'can give raw access to host hardware (disks, memory) if the container ever runs with that device allowed.',
  remediation: 'Remove device nodes from the image (`RUN rm -f PATH`); give devices at run time with --device when needed.',
  references: [],
  tags: ['files'],
};

function check(ctx: ImageCheckContext): Finding[] {
  const out: Finding[] = [];
  const { paths, files } = ctx.finalEntries();
  for (let k = 0; k < paths.length; k++) {
    const path = paths[k]!;
    const f = files[k]!;
    const m = f.meta;
    if (m.type !== 'char' && m.type !== 'block') continue;
    const standard = STANDARD.has(path);
    out.push(
      ctx.finding(meta, {
        layerIndex: f.layerIndex,
        path,
        key: path,
        severity: standard ? 'info' : m.type === 'block' ? 'high' : 'medium',
        message: `${m.type} device /${path} (${m.devmajor ?? '?'}:${m.devminor ?? '?'}) in layer ${f.layerIndex}${standard ? ' (a standard node the runtime provides anyway)' : ''}`,
        evidence: { type: m.type, major: m.devmajor, minor: m.devminor, mode: (m.mode & 0o7777).toString(8) },
      }),
    );
  }
  return out;
}

export default defineRule<ImageCheckContext>(meta, check);
