/**
 * Severity ratings: every feed records the ratings it carries (`FeedSink.rating`), the matcher gathers
 * those of a finding's ids and aliases (plus the distro's urgency on the matched row), and one of them sets
 * the finding's severity. Without any, the severity is `unknown`.
 *
 * Which one: sources in preference order, then within one source its own word before its CVSS, and the
 * newest CVSS version first (v4.0, v3.1, v3.0, v2.0).
 * - OS packages: the distro's own rating (Debian urgency for Debian, Ubuntu priority for Ubuntu), then NVD,
 *   then GitHub, then any other source;
 * - language packages: GitHub, then NVD, then any other source (Node.js security WG, PyPA, the distros).
 * `--severity-source nvd,ghsa` (Trivy's --vuln-severity-source) uses exactly the sources listed, in that
 * order; `auto` stands for the default order at its place (`nvd,auto`: NVD first, then the default).
 */
import type { SeverityRating } from '../core/finding.js';
import { InputError } from '../core/errors.js';
import { FEEDS } from './feeds/index.js';

/** Debian and Ubuntu name their scales; everyone else calls it severity. */
const SCALE_NOUN: Record<string, string> = { debian: 'urgency', ubuntu: 'priority' };

/** The vendor rating of an OS package's distro namespace ("debian:bookworm" -> debian). */
export function vendorOf(namespace: string): string | undefined {
  const distro = namespace.split(':')[0];
  return distro || undefined;
}

/** Every rating source a feed in the registry writes (what `--severity-source` accepts, with `auto`). */
export function knownRatingSources(): string[] {
  return [...new Set(FEEDS.flatMap((f) => f.ratings))].sort();
}

/** Parses `--severity-source` / `vulndb.severity-source`; undefined is the default order. */
export function parseSeveritySources(spec: string | string[] | undefined): string[] | undefined {
  if (spec === undefined) return undefined;
  const parts = (Array.isArray(spec) ? spec : spec.split(','))
    .flatMap((s) => s.split(','))
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (!parts.length) return undefined;
  const known = new Set([...knownRatingSources(), 'auto']);
  for (const p of parts) {
    if (!known.has(p)) throw new InputError(`unknown severity source '${p}' (use ${[...known].sort().join(', ')})`);
  }
  return parts.length === 1 && parts[0] === 'auto' ? undefined : [...new Set(parts)];
}

/** The default preference for a package: OS packages (a namespace) their vendor first, languages GitHub first. */
export function defaultOrder(namespace: string): string[] {
  if (namespace) {
    const vendor = vendorOf(namespace);
    return vendor ? [vendor, 'nvd', 'ghsa'] : ['nvd', 'ghsa'];
  }
  return ['ghsa', 'nvd'];
}

const METHOD_RANK: Record<string, number> = { vendor: 0, 'CVSS:4.0': 1, 'CVSS:3.1': 2, 'CVSS:3.0': 3, CVSS: 4, 'CVSS:2.0': 5 };

function methodRank(m: string): number {
  return METHOD_RANK[m] ?? 6;
}

/**
 * Orders ratings by preference (first = the one to use). `order` undefined: the default for the namespace,
 * then every other source alphabetically. An explicit order ranks only its sources: the others stay in the
 * list (after them) but are never chosen.
 */
export function chooseRating(
  ratings: SeverityRating[],
  namespace: string,
  order?: string[],
): { chosen?: SeverityRating; ordered: SeverityRating[] } {
  if (!ratings.length) return { ordered: ratings };
  const def = defaultOrder(namespace);
  let explicit: string[] | undefined;
  if (order) {
    explicit = [];
    for (const o of order) {
      if (o === 'auto') {
        for (const d of def) if (!explicit.includes(d)) explicit.push(d);
        explicit.push('*');
      } else if (!explicit.includes(o)) explicit.push(o);
    }
  }
  const list = explicit ?? [...def, '*'];
  const star = list.indexOf('*');
  const rankOf = (src: string): number => {
    const i = list.indexOf(src);
    if (i >= 0) return i;
    return star >= 0 ? star : Number.MAX_SAFE_INTEGER;
  };
  const ordered = [...ratings].sort(
    (a, b) => rankOf(a.source) - rankOf(b.source) || compareSource(a.source, b.source) || methodRank(a.method) - methodRank(b.method),
  );
  const first = ordered[0]!;
  const usable = rankOf(first.source) !== Number.MAX_SAFE_INTEGER;
  return { chosen: usable ? first : undefined, ordered };
}

const PLAIN_ID = /^[a-z0-9-]*$/;

/**
 * Orders two rating source names as `localeCompare` does. Every feed writes lowercase ASCII ids ("nvd", "osv-go"),
 * which the collation orders as their code units: those are compared directly, since a process's first
 * `localeCompare` loads the ICU collator (10-30 ms of a scan's first match); anything else still goes through it.
 */
function compareSource(a: string, b: string): number {
  if (a === b) return 0;
  if (PLAIN_ID.test(a) && PLAIN_ID.test(b)) return a < b ? -1 : 1;
  return a.localeCompare(b);
}

/** "debian urgency low", "ghsa severity HIGH", "nvd CVSS:3.1 9.8" */
export function describeRating(r: SeverityRating): string {
  if (r.method === 'vendor') return `${r.source} ${SCALE_NOUN[r.source] ?? 'severity'} ${r.label ?? r.severity}`;
  return `${r.source} ${r.method} ${r.score ?? ''}`.trimEnd();
}

/** Ratings in one canonical order, duplicates (same source, method, vector, score, label) dropped. */
export function dedupeRatings(rs: SeverityRating[]): SeverityRating[] {
  const seen = new Set<string>();
  const out: SeverityRating[] = [];
  for (const r of rs) {
    const k = `${r.source}\u0000${r.method}\u0000${r.vector ?? ''}\u0000${r.score ?? ''}\u0000${r.label ?? ''}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(r);
  }
  return out;
}
