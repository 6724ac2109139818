import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { basename, effective } from '../../../dockerfile/shell/command.js';
import { runs } from './util.js';
import { downloadTarget } from './download.js';

const VERIFY = /^(sha1sum|sha224sum|sha256sum|sha384sum|sha512sum|shasum|md5sum|b2sum|cksum|gpg|gpgv|cosign|minisign|signify|openssl|rpm|sq)$/;
const EXECUTES = /^(sh|bash|ash|dash|zsh|python[0-9.]*|perl|ruby|node|dpkg|rpm|tar|unzip|install|chmod|mv|cp|apk|bsdtar|gunzip)$/;

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-070',
    title: 'Downloaded file used without checksum verification',
    severity: 'medium',
    rationale: 'A binary or archive fetched with curl/wget and then executed, installed or extracted without a checksum or signature check trusts the network path completely.',
    remediation: 'Verify before use: `echo "<sha256>  file" | sha256sum -c -` (or gpg --verify / cosign verify-blob) in the same RUN, or use `ADD --checksum=`.',
    references: [],
    tags: ['supply-chain'],
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    for (const inst of runs(ctx)) {
      const cmds = ctx.commands(inst);
      const targets = cmds.map(downloadTarget).filter((t): t is string => Boolean(t));
      if (!targets.length) continue;
      if (cmds.some((c) => VERIFY.test(effective(c).name))) continue;
      // basenames of every argument of a command that runs, installs, extracts or moves a file
      const usedNames = new Set<string>();
      for (const c of cmds) {
        const e = effective(c);
        if (EXECUTES.test(e.name)) for (const a of e.argv.slice(1)) usedNames.add(basename(a));
        else if (e.argv[0]?.includes('/')) usedNames.add(basename(e.argv[0]));
      }
      const used = targets.find((t) => usedNames.has(basename(t)));
      if (used) hits.push({ inst, message: `${basename(used)} is downloaded and used without a checksum or signature check`, key: basename(used) });
    }
    return hits;
  },
);
