/**
 * End-of-life dates of distribution releases (data). Reviewed 2026-11-22. `eol` is the end of regular
 * security support; `extendedEnd` the end of the vendor's extended/LTS programme where one exists (Debian LTS,
 * Ubuntu ESM, RHEL ELS). Sources:
 *  - Debian: https://wiki.debian.org/DebianReleases , https://wiki.debian.org/LTS , https://www.debian.org/security/faq
 *  - Ubuntu: https://ubuntu.com/about/release-cycle
 *  - Alpine: https://alpinelinux.org/releases/ (each branch: about two years of security fixes)
 *  - RHEL family: https://access.redhat.com/support/policy/updates/errata , https://www.centos.org/centos-linux-eol/ ,
 *    https://wiki.rockylinux.org/rocky/version/ , https://wiki.almalinux.org/release-notes/ ,
 *    https://www.oracle.com/a/ocom/docs/elsp-lifetime-069338.pdf , https://aws.amazon.com/amazon-linux-2/faqs/
 *  - cross-checked with https://endoflife.date (debian, ubuntu, alpine-linux, rhel, centos, rocky-linux, almalinux,
 *    oracle-linux, amazon-linux)
 */
export interface EolEntry {
  /** os-release ID */
  distro: string;
  /** release cycle as matched against VERSION_ID: "12", "22.04", "3.20", "8" */
  cycle: string;
  codename?: string;
  eol: string;
  extendedEnd?: string;
}

export const EOL_TABLE: EolEntry[] = [
  { distro: 'debian', cycle: '7', codename: 'wheezy', eol: '2016-04-25', extendedEnd: '2018-05-31' },
  { distro: 'debian', cycle: '8', codename: 'jessie', eol: '2018-06-17', extendedEnd: '2020-06-30' },
  { distro: 'debian', cycle: '9', codename: 'stretch', eol: '2020-07-06', extendedEnd: '2022-06-30' },
  { distro: 'debian', cycle: '10', codename: 'buster', eol: '2022-09-10', extendedEnd: '2024-06-30' },
  { distro: 'debian', cycle: '11', codename: 'bullseye', eol: '2024-08-14', extendedEnd: '2026-08-31' },
  { distro: 'debian', cycle: '12', codename: 'bookworm', eol: '2026-06-10', extendedEnd: '2028-06-30' },
  { distro: 'debian', cycle: '13', codename: 'trixie', eol: '2028-08-09', extendedEnd: '2030-06-30' },

  { distro: 'ubuntu', cycle: '14.04', codename: 'trusty', eol: '2019-04-30', extendedEnd: '2024-04-25' },
  { distro: 'ubuntu', cycle: '16.04', codename: 'xenial', eol: '2021-04-30', extendedEnd: '2026-04-23' },
  { distro: 'ubuntu', cycle: '18.04', codename: 'bionic', eol: '2023-05-31', extendedEnd: '2028-03-31' },
  { distro: 'ubuntu', cycle: '20.04', codename: 'focal', eol: '2025-05-29', extendedEnd: '2030-04-02' },
  { distro: 'ubuntu', cycle: '22.04', codename: 'jammy', eol: '2027-06-01', extendedEnd: '2032-04-09' },
  { distro: 'ubuntu', cycle: '22.10', codename: 'kinetic', eol: '2023-07-20' },
  { distro: 'ubuntu', cycle: '23.04', codename: 'lunar', eol: '2024-01-25' },
  { distro: 'ubuntu', cycle: '23.10', codename: 'mantic', eol: '2024-07-11' },
  { distro: 'ubuntu', cycle: '24.04', codename: 'noble', eol: '2029-05-31', extendedEnd: '2034-04-25' },
  { distro: 'ubuntu', cycle: '24.10', codename: 'oracular', eol: '2025-07-10' },
  { distro: 'ubuntu', cycle: '25.04', codename: 'plucky', eol: '2026-01-15' },

  { distro: 'alpine', cycle: '3.10', eol: '2021-05-01' },
  { distro: 'alpine', cycle: '3.11', eol: '2021-11-01' },
  { distro: 'alpine', cycle: '3.12', eol: '2022-05-01' },
  { distro: 'alpine', cycle: '3.13', eol: '2022-11-01' },
  { distro: 'alpine', cycle: '3.14', eol: '2023-05-01' },
  { distro: 'alpine', cycle: '3.15', eol: '2023-11-01' },
  { distro: 'alpine', cycle: '3.16', eol: '2024-05-23' },
  { distro: 'alpine', cycle: '3.17', eol: '2024-11-22' },
  { distro: 'alpine', cycle: '3.18', eol: '2025-05-09' },
  { distro: 'alpine', cycle: '3.19', eol: '2025-11-01' },
  { distro: 'alpine', cycle: '3.20', eol: '2026-04-01' },
  { distro: 'alpine', cycle: '3.21', eol: '2026-11-01' },
  { distro: 'alpine', cycle: '3.22', eol: '2027-05-01' },

  { distro: 'rhel', cycle: '6', eol: '2020-11-30', extendedEnd: '2024-06-30' },
  { distro: 'rhel', cycle: '7', eol: '2024-06-30', extendedEnd: '2028-06-30' },
  { distro: 'rhel', cycle: '8', eol: '2029-05-31', extendedEnd: '2032-05-31' },
  { distro: 'rhel', cycle: '9', eol: '2032-05-31', extendedEnd: '2035-05-31' },
  { distro: 'centos', cycle: '6', eol: '2020-11-30' },
  { distro: 'centos', cycle: '7', eol: '2024-06-30' },
  { distro: 'centos', cycle: '8', eol: '2021-12-31' },
  { distro: 'rocky', cycle: '8', eol: '2029-05-31' },
  { distro: 'rocky', cycle: '9', eol: '2032-05-31' },
  { distro: 'almalinux', cycle: '8', eol: '2029-03-01' },
  { distro: 'almalinux', cycle: '9', eol: '2032-05-31' },
  { distro: 'ol', cycle: '6', eol: '2021-03-01', extendedEnd: '2024-06-30' },
  { distro: 'ol', cycle: '7', eol: '2024-12-31', extendedEnd: '2028-06-30' },
  { distro: 'ol', cycle: '8', eol: '2029-07-31', extendedEnd: '2032-07-31' },
  { distro: 'ol', cycle: '9', eol: '2032-06-30', extendedEnd: '2034-06-30' },
  { distro: 'amzn', cycle: '2', eol: '2026-06-30' },
  { distro: 'amzn', cycle: '2023', eol: '2029-06-30' },
];

/** the cycle a VERSION_ID belongs to */
export function cycleOf(distro: string, versionId: string): string {
  const parts = versionId.split('.');
  if (distro === 'alpine') return parts.slice(0, 2).join('.');
  if (distro === 'ubuntu') return parts.slice(0, 2).join('.');
  return parts[0];
}

export function lookupEol(distro: string, versionId: string | undefined): EolEntry | undefined {
  if (!versionId) return undefined;
  const d = distro.toLowerCase();
  const cycle = cycleOf(d, versionId);
  return EOL_TABLE.find((e) => e.distro === d && e.cycle === cycle);
}
