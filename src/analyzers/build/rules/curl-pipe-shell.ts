import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { effective } from '../../../dockerfile/shell/command.js';
import { runs } from './util.js';
import { isDownload } from './download.js';

const INTERPRETER = /^(sh|bash|ash|dash|zsh|ksh|python[0-9.]*|perl|ruby|node|php)$/;

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-069',
    title: 'Remote script piped into a shell',
    severity: 'high',
    rationale: '`curl ... | sh` runs whatever the server returns, as root, with no integrity check; a compromised host, CDN or DNS answer owns the image.',
    remediation: 'Download to a file, verify its checksum or signature (`sha256sum -c`), then run it; or install from a package repository.',
    references: [],
    tags: ['supply-chain'],
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    for (const inst of runs(ctx)) {
      const cmds = ctx.commands(inst);
      const downloaders = new Set(cmds.filter((x) => x.pipeIndex < x.pipeLength - 1 && isDownload(x, true)).map((x) => x.pipeline));
      for (const c of cmds) {
        const e = effective(c);
        if (c.pipeIndex > 0 && INTERPRETER.test(e.name)) {
          const src = downloaders.has(c.pipeline) ? cmds.find((x) => x.pipeline === c.pipeline && x.pipeIndex < c.pipeIndex && isDownload(x, true)) : undefined;
          if (src) {
            hits.push({ inst, message: `${effective(src).name} output is piped into ${e.name}`, key: `${effective(src).name}|${e.name}` });
            break;
          }
        }
        // sh -c "$(curl ...)" and bash <(curl ...)
        if (INTERPRETER.test(e.name) && e.argv.some((a) => /(\$\(|<\(|`)\s*(curl|wget)\b/.test(a))) {
          hits.push({ inst, message: `${e.name} runs a script fetched by command substitution`, key: `subst|${e.name}` });
          break;
        }
      }
    }
    return hits;
  },
);
