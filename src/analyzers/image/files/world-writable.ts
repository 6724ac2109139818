import type { Finding } from '../../../core/finding.js';
import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ImageCheckContext } from '../context.js';

const meta: RuleMeta = {
  id: 'BW-IMAGE-012',
  title: 'World-writable file or directory without the sticky bit',
  severity: 'medium',
  stage: 'image',
  rationale:
    'Any user in the container can modify a world-writable file, or replace and delete other users\' files in a ' +
    'world-writable directory that lacks the sticky bit (as /tmp has). Programs or scripts run from there by root can be hijacked.',
  remediation: 'Remove the write bit for others (`chmod o-w PATH`), or set the sticky bit on shared directories (`chmod +t PATH`).',
  references: ['DKL-LI-0003'],
  tags: ['files'],
};

function check(ctx: ImageCheckContext): Finding[] {
  const out: Finding[] = [];
  const { paths, files } = ctx.finalEntries();
  for (let k = 0; k < paths.length; k++) {
    const path = paths[k]!;
    const f = files[k]!;
    const m = f.meta;
    if (m.type !== 'file' && m.type !== 'dir' && m.type !== 'hardlink') continue;
    if ((m.mode & 0o002) === 0) continue;
    if (m.type === 'dir' && (m.mode & 0o1000) !== 0) continue;
    const what = m.type === 'dir' ? 'directory' : 'file';
    out.push(
      ctx.finding(meta, {
        layerIndex: f.layerIndex,
        path,
        key: path,
        message: `world-writable ${what} /${path} (mode ${(m.mode & 0o7777).toString(8)}${m.type === 'dir' ? ', no sticky bit' : ''}, layer ${f.layerIndex})`,
        remediation: { text: m.type === 'dir' ? `\`RUN chmod o-w /${path}\` (or \`chmod +t /${path}\` for a shared scratch directory)` : `\`RUN chmod o-w /${path}\`` },
        evidence: { mode: (m.mode & 0o7777).toString(8), type: m.type, uid: m.uid, gid: m.gid },
      }),
    );
  }
  return out;
}

export default defineRule<ImageCheckContext>(meta, check);
