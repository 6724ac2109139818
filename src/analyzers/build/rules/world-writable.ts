import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { effective } from '../../../dockerfile/shell/command.js';
import { flag, runs } from './util.js';

/** numeric modes where "others" can write (sticky-bit dirs like 1777 /tmp excluded), or o+w/a+w symbolic */
export function worldWritable(mode: string): boolean {
  if (/^[0-7]{3,4}$/.test(mode)) {
    const sticky = mode.length === 4 && (Number(mode[0]) & 1) === 1;
    return !sticky && (Number(mode[mode.length - 1]) & 2) === 2;
  }
  return mode.split(',').some((part) => /^[ugoa]*[oa][ugoa]*[+=][rwxXst]*w/.test(part));
}

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-071',
    title: 'World-writable permissions (chmod 777)',
    severity: 'medium',
    rationale: 'Files any user can write let a compromised low-privilege process modify binaries or configuration that more privileged code later trusts.',
    remediation: 'Grant the least permissions needed (e.g. 755 for directories, 644 for files) and chown to the service user.',
    references: [],
    tags: ['permissions'],
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    for (const inst of runs(ctx)) {
      for (const c of ctx.commands(inst)) {
        const e = effective(c);
        if (e.name !== 'chmod') continue;
        const mode = e.argv.slice(1).find((a) => !/^--?[A-Za-z-]+(=.*)?$/.test(a) || /^-[rwxXst]+$/.test(a));
        if (mode && worldWritable(mode)) hits.push({ inst, message: `chmod ${mode} makes files world-writable`, key: mode });
      }
    }
    for (const inst of [...ctx.all('COPY'), ...ctx.all('ADD')]) {
      const m = flag(inst, 'chmod');
      if (m && worldWritable(m)) hits.push({ inst, message: `${inst.keyword} --chmod=${m} makes files world-writable`, key: m });
    }
    return hits;
  },
);
