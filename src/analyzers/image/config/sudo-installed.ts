import type { Finding } from '../../../core/finding.js';
import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ImageCheckContext } from '../context.js';

const meta: RuleMeta = {
  id: 'BW-IMAGE-009',
  title: 'sudo installed in image',
  severity: 'medium',
  stage: 'image',
  rationale: 'sudo in a container turns a non-root user back into root on request; it hides privilege changes and has its own vulnerabilities (e.g. CVE-2021-3156).',
  remediation: 'Remove sudo; do privileged set-up in RUN steps before USER, and use gosu/su-exec for a one-way drop of privileges at start.',
  references: ['DKL-DG-0001', 'DL3004'],
  tags: ['config'],
};

const SUDO_PKGS = ['sudo', 'sudo-ldap', 'doas'];
const SUDO_PATHS = ['usr/bin/sudo', 'bin/sudo', 'usr/bin/doas'];

function check(ctx: ImageCheckContext): Finding[] {
  const pkgs = ctx.installedOsPackages();
  const pkg = SUDO_PKGS.find((p) => pkgs.has(p));
  const file = SUDO_PATHS.map((p) => [p, ctx.finalFile(p)] as const).find(([, f]) => f && (f.meta.type === 'file' || f.meta.type === 'hardlink'));
  if (!pkg && !file) return [];
  const layerIndex = file?.[1]?.layerIndex ?? (pkg ? pkgs.get(pkg)?.layerIndex : undefined);
  return [ctx.finding(meta, { layerIndex, path: file?.[0], key: 'sudo', message: pkg ? `package ${pkg} is installed` : `/${file![0]} is present`, evidence: { package: pkg, path: file?.[0] } })];
}

export default defineRule<ImageCheckContext>(meta, check);
