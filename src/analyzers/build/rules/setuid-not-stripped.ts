import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { effective } from '../../../dockerfile/shell/command.js';
import { runs } from './util.js';

const OS_MANAGERS = new Set(['apt-get', 'apt', 'aptitude', 'apk', 'yum', 'dnf', 'microdnf', 'zypper']);

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-072',
    title: 'setuid/setgid bits not stripped after installing packages',
    severity: 'info',
    rationale: 'Packages bring setuid/setgid binaries (su, passwd, mount...); in a container they are only a privilege-escalation path. Docker Bench 4.8 asks to remove them.',
    remediation: 'After installing, run `find / -xdev -perm /6000 -type f -exec chmod a-s {} + || true`.',
    references: ['CIS-4.8'],
    tags: ['permissions'],
    stage: 'build',
  },
  (ctx) => {
    const shippedRuns = runs(ctx, true);
    const installs = shippedRuns.filter((i) => ctx.packages(i).some((p) => OS_MANAGERS.has(p.manager) && p.action === 'install'));
    if (!installs.length) return [];
    const strips = shippedRuns.some((i) =>
      ctx.commands(i).some((c) => {
        const e = effective(c);
        const a = e.argv.join(' ');
        return (e.name === 'chmod' && /(^|\s)[ugoa]*-[rwx]*s/.test(a)) || (e.name === 'find' && /-perm\s+[/+-]?[0-7]*[246]000/.test(a) && /(-delete|chmod|-exec)/.test(a));
      }),
    );
    if (strips) return [];
    const last = installs[installs.length - 1]!;
    const hit: Hit = { inst: last, message: 'packages are installed but setuid/setgid bits are never stripped', key: 'setuid' };
    return [hit];
  },
);
