import type { Finding } from '../../../core/finding.js';
import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ImageCheckContext } from '../context.js';

const meta: RuleMeta = {
  id: 'BW-IMAGE-010',
  title: 'SSH server installed in image',
  severity: 'medium',
  stage: 'image',
  rationale: 'An SSH server in a container is a second, long-lived way in, with keys and passwords to manage; `docker exec` covers the need.',
  remediation: 'Remove openssh-server/dropbear from the image; use `docker exec` for access.',
  references: ['CIS-5.6', 'CIS-4.3', 'CIS-DI-0003'],
  tags: ['config'],
};

const SSHD_PKGS = ['openssh-server', 'openssh-server-pam', 'dropbear', 'dropbear-bin', 'tinyssh'];
const SSHD_PATHS = ['usr/sbin/sshd', 'usr/sbin/dropbear', 'sbin/dropbear'];

function check(ctx: ImageCheckContext): Finding[] {
  const pkgs = ctx.installedOsPackages();
  const pkg = SSHD_PKGS.find((p) => pkgs.has(p));
  const file = SSHD_PATHS.map((p) => [p, ctx.finalFile(p)] as const).find(([, f]) => f && (f.meta.type === 'file' || f.meta.type === 'hardlink'));
  if (!pkg && !file) return [];
  const layerIndex = file?.[1]?.layerIndex ?? (pkg ? pkgs.get(pkg)?.layerIndex : undefined);
  return [ctx.finding(meta, { layerIndex, path: file?.[0], key: 'sshd', message: pkg ? `SSH server package ${pkg} is installed` : `SSH server /${file![0]} is present`, evidence: { package: pkg, path: file?.[0] } })];
}

export default defineRule<ImageCheckContext>(meta, check);
