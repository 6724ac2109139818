import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { effective } from '../../../dockerfile/shell/command.js';
import { HADOLINT, pkgHits } from './util.js';

/** apt sub-commands that apt-get runs the same way (search/show/list/full-upgrade are not among them) */
const SAME_IN_APT_GET = new Set(['install', 'update', 'upgrade', 'dist-upgrade', 'remove', 'purge', 'autoremove', 'clean', 'autoclean']);

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-029',
    title: 'apt used instead of apt-get',
    severity: 'low',
    rationale: '`apt` is an interactive front end whose output and behaviour are not stable for scripts; apt-get and apt-cache are.',
    remediation: 'Use apt-get (or apt-cache) in Dockerfiles.',
    references: ['DL3027'],
    helpUri: HADOLINT('DL3027'),
    autoFixable: true,
    stage: 'build',
  },
  (ctx) =>
    pkgHits(ctx, ['apt'], (p, inst) => {
      const prog = effective(p.cmd).words[0];
      const fixable = !inst.json && prog && p.cmd.depth === 0 && SAME_IN_APT_GET.has(p.action);
      return {
        message: `'apt ${p.action}': use apt-get`,
        key: p.action,
        ...(fixable ? { edits: [{ start: prog.start, end: prog.end, text: 'apt-get' }] } : {}),
      };
    }),
);
