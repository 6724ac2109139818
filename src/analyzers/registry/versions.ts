/**
 * Registry products that name their version in response headers, and the published advisories for those
 * versions. Every entry cites the advisory; version bounds are the vendor's "fixed in" releases.
 * A product is only matched on a header it really sends (a reverse proxy in front may add or hide them).
 */
import type { Severity } from '../../core/finding.js';

export interface Advisory {
  id: string;
  /** first affected version (inclusive), when the advisory gives one */
  introduced?: string;
  /** first fixed version */
  fixed: string;
  severity: Severity;
  summary: string;
}

export interface Product {
  name: string;
  /** the header and the pattern whose first group is the version */
  header: string;
  pattern: RegExp;
  advisories: Advisory[];
}

export const PRODUCTS: Product[] = [
  {
    name: 'Sonatype Nexus Repository',
    header: 'server',
    pattern: /^Nexus\/(\d+\.\d+\.\d+(?:-\d+)?)/i,
    advisories: [
      { id: 'CVE-2019-7238', introduced: '3.6.2', fixed: '3.15.0', severity: 'critical', summary: 'unauthenticated remote code execution (incorrect access control, JEXL injection)' },
      { id: 'CVE-2020-10199', introduced: '3.0.0', fixed: '3.21.2', severity: 'high', summary: 'Java EL injection by authenticated users (remote code execution)' },
      { id: 'CVE-2020-10204', introduced: '3.0.0', fixed: '3.21.2', severity: 'high', summary: 'Java EL injection by administrators (remote code execution)' },
      { id: 'CVE-2020-11444', introduced: '3.0.0', fixed: '3.22.0', severity: 'high', summary: 'incorrect access control: users can change other users\' settings, including an administrator\'s' },
      { id: 'CVE-2024-4956', introduced: '3.0.0', fixed: '3.68.1', severity: 'high', summary: 'unauthenticated path traversal reading files of the server' },
    ],
  },
];

/** Numeric version order on dot/dash separated parts (3.14.0-04 < 3.15.0). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d < 0 ? -1 : 1;
  }
  return 0;
}

export interface ProductMatch {
  product: Product;
  version: string;
  header: string;
  advisories: Advisory[];
}

/** The product and its applicable advisories, from the response headers (lower-case names). */
export function matchProducts(headers: Record<string, string>): ProductMatch[] {
  const out: ProductMatch[] = [];
  for (const p of PRODUCTS) {
    const v = headers[p.header];
    const m = v ? p.pattern.exec(v) : null;
    if (!m) continue;
    const version = m[1]!;
    const advisories = p.advisories.filter((a) => compareVersions(version, a.fixed) < 0 && (!a.introduced || compareVersions(version, a.introduced) >= 0));
    out.push({ product: p, version, header: `${p.header}: ${v}`, advisories });
  }
  return out;
}
