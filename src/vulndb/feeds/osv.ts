/**
 * OSV importer (https://ossf.github.io/osv-schema/): one JSON record per vulnerability, from single
 * files, directories or the per-ecosystem all.zip archives.
 *
 * - ranges of type SEMVER and ECOSYSTEM are stored as they are (introduced / fixed / last_affected /
 *   limit events; several ranges per package), with the explicit `versions` list;
 * - GIT ranges cannot be compared with installed versions: they are skipped and counted
 *   (`gitRangesSkipped`; `gitOnlySkipped` when a package entry had nothing else);
 * - withdrawn records are skipped and counted;
 * - ratings: CVSS v2 / v3.x / v4.0 vectors (record- or package-level) are scored by the library, GitHub's
 *   `database_specific.severity` and Ubuntu's priority (severity type "Ubuntu") are kept as the vendor's
 *   words; each is credited to the record's publisher (`ghsa`, `ubuntu`, `osv-pypi`, `osv-go`, `osv`).
 */
import type { FeedSink, Range, RangeEvent } from '../store.js';
import { cvssRating, vendorRating, type RatingInput } from '../cvss.js';
import { normaliseName, osvEcosystem } from './ecosystems.js';
import { defineFeed } from './feed.js';
import { list, record, text } from './shape.js';

export interface OsvRecord {
  id: string;
  modified?: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  summary?: string;
  details?: string;
  severity?: Array<{ type: string; score: string }>;
  affected?: Array<{
    package?: { ecosystem?: string; name?: string; purl?: string };
    ranges?: Array<{ type?: string; events?: Array<Record<string, string>>; repo?: string }>;
    versions?: string[];
    severity?: Array<{ type: string; score: string }>;
    ecosystem_specific?: Record<string, unknown>;
    database_specific?: Record<string, unknown>;
  }>;
  database_specific?: Record<string, unknown>;
  references?: Array<{ type?: string; url?: string }>;
}

export function isOsvRecord(d: unknown): d is OsvRecord {
  if (!d || typeof d !== 'object' || Array.isArray(d)) return false;
  const o = d as Record<string, unknown>;
  return typeof o.id === 'string' && (Array.isArray(o.affected) || typeof o.modified === 'string') && !('module_name' in o);
}

export const OSV_FEED = 'osv';

function feedName(rec: OsvRecord): string {
  if (rec.id.startsWith('GHSA-')) return 'ghsa';
  if (rec.id.startsWith('GO-')) return 'osv-go';
  if (rec.id.startsWith('PYSEC-')) return 'osv-pypi';
  return OSV_FEED;
}

/** Who published the record, as a rating source. */
export function osvPublisher(id: string): string {
  if (/^(UBUNTU|USN|LSN)-/.test(id)) return 'ubuntu';
  return feedName({ id } as OsvRecord);
}

/** The ratings of one `severity` list: CVSS vectors scored, Ubuntu's priority word kept. */
function severityRatings(entries: unknown, publisher: string, sink: FeedSink): RatingInput[] {
  const out: RatingInput[] = [];
  for (const item of list(entries)) {
    const s = record(item);
    if (!s || typeof s.score !== 'string') continue;
    if (s.type === 'CVSS_V2' || s.type === 'CVSS_V3' || s.type === 'CVSS_V4') {
      const r = cvssRating(publisher, s.score);
      if (r) out.push(r);
      else sink.count('invalidVectors');
    } else if (s.type === 'Ubuntu') {
      const r = vendorRating('ubuntu', s.score);
      if (r) out.push(r);
    }
  }
  return out;
}

const EVENT_KEYS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;

/** Import one OSV record; returns false when it was skipped (withdrawn / malformed). */
export function importOsvRecord(rec: OsvRecord, sink: FeedSink): boolean {
  // an empty id names nothing: the record cannot be stored or matched
  if (!isOsvRecord(rec) || rec.id.trim() === '') {
    sink.count('malformed');
    return false;
  }
  if (rec.withdrawn) {
    sink.count('withdrawnSkipped');
    return false;
  }
  const aliases = list(rec.aliases).filter((a): a is string => typeof a === 'string' && a !== rec.id);
  const feed = feedName(rec);
  const publisher = osvPublisher(rec.id);
  const ratings = severityRatings(rec.severity, publisher, sink);
  const label = text(record(rec.database_specific)?.severity);
  const labelRating = vendorRating(publisher, label);
  if (labelRating) ratings.push(labelRating);
  const advisory = text(list(rec.references).map(record).find((r) => r?.type === 'ADVISORY' || r?.type === 'WEB')?.url);
  sink.vuln({
    id: rec.id,
    feed,
    aliases,
    summary: text(rec.summary) ?? text(rec.details)?.split('\n')[0]!.slice(0, 200),
    published: text(rec.published),
    modified: text(rec.modified),
    url: advisory,
  });
  for (const r of ratings) sink.rating(rec.id, r);
  let kept = 0;
  for (const item of list(rec.affected)) {
    const a = (record(item) ?? {}) as NonNullable<OsvRecord['affected']>[number];
    const pkg = record(a.package);
    const ecoName = text(pkg?.ecosystem);
    const name = text(pkg?.name);
    if (!ecoName || !name) {
      sink.count('affectedWithoutPackage');
      continue;
    }
    const eco = osvEcosystem(ecoName);
    if (!eco) {
      sink.count(`unsupportedEcosystem:${ecoName.split(':')[0]}`);
      continue;
    }
    const ranges: Range[] = [];
    let git = 0;
    for (const r of list(a.ranges).map(record)) {
      if (!r) continue;
      if (r.type === 'GIT') {
        git++;
        continue;
      }
      if (r.type !== 'SEMVER' && r.type !== 'ECOSYSTEM') {
        sink.count('unknownRangeTypeSkipped');
        continue;
      }
      const events: RangeEvent[] = [];
      for (const e of list(r.events).map(record)) {
        const k = e && EVENT_KEYS.find((key) => typeof e[key] === 'string');
        if (e && k) events.push({ [k]: e[k] } as RangeEvent);
      }
      if (events.length) ranges.push({ type: r.type, events });
    }
    if (git) sink.count('gitRangesSkipped', git);
    const versions = list(a.versions).filter((v): v is string => typeof v === 'string');
    if (!ranges.length && !versions.length) {
      sink.count(git ? 'gitOnlySkipped' : 'noRangesSkipped');
      continue;
    }
    for (const r of severityRatings(a.severity, publisher, sink)) sink.rating(rec.id, r);
    if (eco.namespace) sink.namespace(eco.namespace);
    sink.affected({
      vulnId: rec.id,
      feed,
      ecosystem: eco.ecosystem,
      namespace: eco.namespace,
      package: normaliseName(eco.ecosystem, name),
      ranges,
      versions,
      status: 'affected',
    });
    kept++;
  }
  sink.count('records');
  return kept > 0;
}

const OSV_ECOSYSTEMS = ['Go', 'PyPI', 'npm', 'Maven', 'crates.io', 'RubyGems', 'Packagist', 'NuGet', 'Debian', 'Alpine', 'Ubuntu'];

export default defineFeed<OsvRecord>({
  name: OSV_FEED,
  description: 'OSV records (osv.dev all.zip per ecosystem, GitHub advisories, Go vulndb, PyPA)',
  defaultSources: OSV_ECOSYSTEMS.map((e) => `https://osv-vulnerabilities.storage.googleapis.com/${encodeURIComponent(e)}/all.zip`),
  detect: isOsvRecord,
  import: (doc, sink) => {
    importOsvRecord(doc, sink);
    return { dataDate: doc.modified };
  },
  labels: { ghsa: 1, 'osv-go': 1, 'osv-pypi': 2, [OSV_FEED]: 2 },
  ratings: ['ghsa', 'osv-go', 'osv-pypi', 'ubuntu', OSV_FEED],
});
