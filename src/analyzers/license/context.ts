/**
 * What the licence rules see: every package with a declared licence, its classification, and where the finding
 * goes (the image layer and file the package was read from, or the lock file line of a project).
 */
import type { Finding, Location } from '../../core/finding.js';
import type { Package } from '../../core/inventory.js';
import { makeFinding, type RuleMeta } from '../../core/rule.js';
import { classifyLicense, type LicenseCategory, type LicenseClass } from './classify.js';

export interface LicensedPackage {
  pkg: Package;
  /** one entry per declared licence of the package */
  licenses: LicenseClass[];
  location: Location;
}

export class LicenseContext {
  readonly packages: LicensedPackage[];

  constructor(packages: Package[], locate: (p: Package) => Location) {
    this.packages = packages
      .filter((p) => p.licenses?.some((l) => l.trim()))
      .map((pkg) => ({ pkg, licenses: pkg.licenses!.filter((l) => l.trim()).map(classifyLicense), location: locate(pkg) }));
  }

  /** One finding per (package, declared licence) whose category is one of `categories`. */
  findings(meta: RuleMeta, categories: readonly LicenseCategory[]): Finding[] {
    const out: Finding[] = [];
    for (const { pkg, licenses, location } of this.packages) {
      for (const lic of licenses) {
        if (!categories.includes(lic.category)) continue;
        const what = lic.category === 'unknown' ? 'an unclassified licence' : `a ${lic.category} licence`;
        out.push(
          makeFinding(meta, {
            title: `${meta.title}: ${lic.declared} (${pkg.name} ${pkg.version})`,
            message: `${pkg.name} ${pkg.version} (${pkg.ecosystem}) declares ${lic.declared}: ${what}${lic.ids.length && lic.category !== 'unknown' ? ` (${lic.ids.join(', ')})` : ''}`,
            severity: lic.severity,
            location,
            key: `${pkg.ecosystem}/${pkg.name}@${pkg.version}|${pkg.path}|${lic.declared}`,
            evidence: { license: lic.declared, category: lic.category, spdxIds: lic.ids, package: { name: pkg.name, version: pkg.version, ecosystem: pkg.ecosystem, purl: pkg.purl, path: pkg.path } },
          }),
        );
      }
    }
    return out;
  }
}
