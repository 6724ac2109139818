import type { Finding } from '../../../core/finding.js';
import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ImageCheckContext } from '../context.js';
import type { FinalFile } from '../../../image/types.js';

/** setuid/setgid binaries distros ship on purpose (used when no package database is available) */
export const USUAL_SETUID = new Set(
  [
    'bin/su', 'usr/bin/su', 'bin/mount', 'bin/umount', 'usr/bin/mount', 'usr/bin/umount', 'bin/ping', 'usr/bin/ping',
    'usr/bin/passwd', 'usr/bin/chsh', 'usr/bin/chfn', 'usr/bin/gpasswd', 'usr/bin/newgrp', 'usr/bin/chage',
    'usr/bin/expiry', 'usr/bin/wall', 'usr/bin/write', 'usr/bin/ssh-agent', 'usr/bin/crontab', 'usr/bin/sudo',
    'sbin/unix_chkpwd', 'usr/sbin/unix_chkpwd', 'sbin/pam_extrausers_chkpwd', 'usr/sbin/pam_extrausers_chkpwd',
    'usr/lib/openssh/ssh-keysign', 'usr/lib/dbus-1.0/dbus-daemon-launch-helper', 'bin/bbsuid',
  ],
);

const meta: RuleMeta = {
  id: 'BW-IMAGE-011',
  title: 'setuid/setgid executable',
  severity: 'high',
  stage: 'image',
  rationale:
    'A setuid or setgid executable runs with its owner\'s (usually root\'s) privileges whoever starts it: a flaw in it, ' +
    'or a copy of a shell, is a privilege escalation inside the container. Distro packages ship a few on purpose; ' +
    'one no package installed, or one changed after its package installed it, deserves a close look.',
  remediation: 'Strip the bits in the Dockerfile: `RUN chmod a-s /path/to/file` (or find / -perm /6000 -type f -exec chmod a-s {} +), and run with --security-opt no-new-privileges.',
  references: ['CIS-4.8', 'CIS-DI-0008'],
  tags: ['files'],
};

function check(ctx: ImageCheckContext): Finding[] {
  const found: Array<[string, FinalFile]> = [];
  const { paths, files } = ctx.finalEntries();
  for (let k = 0; k < paths.length; k++) {
    const path = paths[k]!;
    const f = files[k]!;
    const m = f.meta;
    if (m.type !== 'file' && m.type !== 'hardlink') continue;
    if ((m.mode & 0o6000) === 0 || (m.mode & 0o111) === 0) continue;
    found.push([path, f]);
  }
  if (found.length === 0) return [];
  // the owners of these few files, not of every file the package databases list
  const owners = ctx.ownersFor(found.map(([path]) => path));
  const havePkgDb = owners.any;
  const out: Finding[] = [];
  for (const [path, f] of found) {
    const m = f.meta;
    const bits = [(m.mode & 0o4000) !== 0 ? 'setuid' : '', (m.mode & 0o2000) !== 0 ? 'setgid' : ''].filter(Boolean).join('+');
    const own = owners.ownerOf(path);
    let severity: 'high' | 'info';
    let why: string;
    if (own && (own.layers.size === 0 || own.layers.has(f.layerIndex))) {
      severity = 'info';
      why = `installed by ${own.manager === 'apk' ? 'apk' : 'dpkg'} package ${own.pkg}`;
    } else if (own) {
      severity = 'high';
      why = `belongs to package ${own.pkg} but was changed in layer ${f.layerIndex}, after the package installed it`;
    } else if (!havePkgDb && USUAL_SETUID.has(path)) {
      severity = 'info';
      why = 'a usual distro setuid program (no package database to confirm)';
    } else {
      severity = 'high';
      why = 'not owned by any OS package';
    }
    out.push(
      ctx.finding(meta, {
        layerIndex: f.layerIndex,
        path,
        severity,
        key: path,
        message: `${bits} executable /${path} (mode ${(m.mode & 0o7777).toString(8)}, owner ${m.uid}:${m.gid}, layer ${f.layerIndex}): ${why}`,
        remediation: { text: `Add \`RUN chmod a-s /${path}\` to the Dockerfile if the program does not need to change privileges.` },
        evidence: { mode: (m.mode & 0o7777).toString(8), uid: m.uid, gid: m.gid, bits, ownedBy: own?.pkg, layerIndex: f.layerIndex },
      }),
    );
  }
  return out;
}

export default defineRule<ImageCheckContext>(meta, check);
