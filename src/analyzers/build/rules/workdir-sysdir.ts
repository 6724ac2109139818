import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { AVD } from './util.js';

const SYSDIRS = ['/proc', '/boot', '/dev', '/initrd', '/lost+found', '/sys'];

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-010',
    title: 'WORKDIR is a system directory',
    severity: 'high',
    rationale: 'Working inside /proc, /sys, /dev or /boot writes application files into kernel or device trees; combined with mounts this is a known container-breakout path.',
    remediation: 'Use an application directory such as /app or /srv/<name>.',
    references: ['DS030', 'AVD-DS-0030'],
    helpUri: AVD('DS030'),
    stage: 'build',
  },
  (ctx) =>
    ctx.all('WORKDIR').flatMap((inst) => {
      const v = inst.expanded.trim().replace(/^["']|["']$/g, '').replace(/\/+$/, '');
      const hit = SYSDIRS.find((d) => v === d || v.startsWith(d + '/'));
      return hit ? [{ inst, message: `WORKDIR ${v} is under the system directory ${hit}`, key: v }] : [];
    }),
);
