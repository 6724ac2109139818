import type { Finding } from '../../../core/finding.js';
import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ImageCheckContext } from '../context.js';

const meta: RuleMeta = {
  id: 'BW-IMAGE-020',
  title: 'Package inventory incomplete: a package database was not read to the end',
  severity: 'medium',
  stage: 'image',
  rationale:
    'A package database lists far more packages than a real system has (a dpkg status file with over 100,000 ' +
    'installed packages, where a real one lists fewer than 10,000). Bulwark reads such a file only up to that cap, ' +
    'so the packages after it are missing from the inventory, the SBOM and the vulnerability match: an empty or short ' +
    'vulnerability list does not mean those packages are clean. A database this size is damaged, generated, or made ' +
    'to exhaust scanners.',
  remediation:
    'Find out which layer wrote the file and why it is that large; rebuild the image from a clean base so the ' +
    'package database lists only what is installed.',
  references: [],
  tags: ['files', 'inventory', 'coverage'],
};

function check(ctx: ImageCheckContext): Finding[] {
  return (ctx.inventory?.incomplete ?? []).map((i) =>
    ctx.finding(meta, {
      layerIndex: i.layerIndex,
      path: i.path,
      key: i.path,
      message: i.reason,
      evidence: { ecosystem: i.ecosystem, packagesRead: i.limit },
    }),
  );
}

export default defineRule<ImageCheckContext>(meta, check);
