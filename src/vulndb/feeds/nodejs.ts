/**
 * Node.js security WG advisories (nodejs/security-wg `vuln/npm/*.json`): `module_name`,
 * `vulnerable_versions` / `patched_versions` as node-semver ranges, `cves`, `cvss_vector`.
 * Stored as ranges of type SEMVER derived from the semver range, when the range is a union of
 * simple comparator sets; anything semver cannot parse is counted and skipped.
 * Core advisories (vuln/core: Node.js itself) are matched against the `node` runtime when an
 * inventory reports one (ecosystem "npm" is not the right key there, so they are namespaced "nodejs-core").
 */
import { createRequire } from 'node:module';
import type SemverRange from 'semver/classes/range.js';
import type semverIncT from 'semver/functions/inc.js';
import type { FeedSink, Range, RangeEvent } from '../store.js';
import { cvssRating, scoreRating } from '../cvss.js';
import { defineFeed } from './feed.js';

/** node-semver, loaded when a feed document is imported (the registry line of this feed loads with every scan) */
const require = createRequire(import.meta.url);
let semverLib: { Range: typeof SemverRange; inc: typeof semverIncT } | undefined;
const semver = () => (semverLib ??= { Range: require('semver/classes/range.js') as typeof SemverRange, inc: require('semver/functions/inc.js') as typeof semverIncT });

export const NODEJS_FEED = 'nodejs-security-wg';

interface NpmAdvisory {
  id: number | string;
  module_name?: string;
  vulnerable_versions?: string;
  patched_versions?: string;
  cves?: string[];
  title?: string;
  overview?: string;
  cvss_vector?: string;
  cvss_score?: number;
  created_at?: string;
  updated_at?: string;
}

export function isNodejsNpmAdvisory(d: unknown): d is NpmAdvisory {
  return !!d && typeof d === 'object' && typeof (d as NpmAdvisory).module_name === 'string' && 'vulnerable_versions' in (d as object);
}

/**
 * node-semver range -> OSV-style SEMVER ranges. Each comparator set ("a || b") becomes one range:
 * >=X / >X introduce, <X fixes, <=X is last_affected. =X / X becomes an explicit version.
 */
export function semverRangeToOsv(spec: string): { ranges: Range[]; versions: string[] } | undefined {
  let r: SemverRange;
  try {
    r = new (semver().Range)(spec.trim() === '' ? '*' : spec, { loose: true });
  } catch {
    return undefined;
  }
  const ranges: Range[] = [];
  const versions: string[] = [];
  for (const set of r.set) {
    let intro: string | undefined;
    let upper: RangeEvent | undefined;
    let exact: string | undefined;
    for (const c of set) {
      if (c.value === '') {
        intro = intro ?? '0';
        continue;
      }
      const v = c.semver.version;
      switch (c.operator) {
        case '>=':
          intro = v;
          break;
        case '>':
          // OSV has no exclusive lower bound: the smallest version above X.Y.Z is X.Y.(Z+1)-0
          intro = c.semver.prerelease.length === 0 ? `${semver().inc(v, 'patch')}-0` : v;
          break;
        case '<':
          upper = { fixed: v };
          break;
        case '<=':
          upper = { last_affected: v };
          break;
        case '':
        case '=':
          exact = v;
          break;
        default:
          return undefined;
      }
    }
    if (exact && !intro && !upper) {
      versions.push(exact);
      continue;
    }
    const events: RangeEvent[] = [{ introduced: intro ?? '0' }];
    if (upper) events.push(upper);
    ranges.push({ type: 'SEMVER', events });
  }
  return { ranges, versions };
}

export function importNodejsNpm(doc: NpmAdvisory, sink: FeedSink): void {
  const id = `NSWG-ECO-${doc.id}`;
  const conv = semverRangeToOsv(doc.vulnerable_versions ?? '');
  if (!conv || (!conv.ranges.length && !conv.versions.length)) {
    sink.count('unparseableRange');
    return;
  }
  sink.vuln({
    id,
    feed: NODEJS_FEED,
    aliases: (doc.cves ?? []).filter((c) => typeof c === 'string'),
    summary: doc.title,
    published: doc.created_at,
    modified: doc.updated_at,
    url: `https://github.com/nodejs/security-wg/blob/main/vuln/npm/${doc.id}.json`,
  });
  const rating =
    (typeof doc.cvss_vector === 'string' ? cvssRating(NODEJS_FEED, doc.cvss_vector) : undefined) ??
    (typeof doc.cvss_score === 'number' ? scoreRating(NODEJS_FEED, doc.cvss_score) : undefined);
  if (rating) sink.rating(id, rating);
  sink.affected({
    vulnId: id,
    feed: NODEJS_FEED,
    ecosystem: 'npm',
    namespace: '',
    package: doc.module_name!.toLowerCase(),
    ranges: conv.ranges,
    versions: conv.versions,
    status: 'affected',
  });
  sink.count('records');
}

export default defineFeed<NpmAdvisory>({
  name: NODEJS_FEED,
  description: "Node.js security WG: npm module advisories (nodejs/security-wg vuln/npm)",
  // the WG's repository has no release archive of its own; its npm advisories are also in GHSA
  defaultSources: [],
  detect: isNodejsNpmAdvisory,
  import: (doc, sink) => importNodejsNpm(doc, sink),
  labels: { [NODEJS_FEED]: 4 },
  ratings: [NODEJS_FEED],
});
