/**
 * Debian Security Tracker JSON (https://security-tracker.debian.org/tracker/data/json):
 * { sourcePackage: { "CVE-…": { description?, releases: { codename: { status, fixed_version?,
 *   urgency, nodsa?, nodsa_reason?, repositories } } } } }
 *
 * - resolved + fixed_version: versions below fixed_version are affected; fixed_version "0" means
 *   the release was never affected (stored as not_affected so `why` can say so);
 * - open: affected, no fix yet; undetermined: affected, detail "undetermined";
 * - nodsa_reason "ignored" -> will_not_fix, "postponed" -> fix_deferred, a bare no-dsa ->
 *   will_not_fix with detail "no-dsa"; the tracker's text is kept in the detail;
 * - urgency is the distro's own rating, kept as the tracker's word on each row: unimportant (rated info),
 *   low, medium, high; "not yet assigned" and end-of-life carry no rating. A trailing `*` (urgency set
 *   without a fixed version yet) is dropped.
 * The derived feed in ../shared/data/debian-tracker has only resolved entries; the same parser reads both.
 */
import type { AffectedStatus, FeedSink, Range } from '../store.js';
import { defineFeed } from './feed.js';
import { text } from './shape.js';

export const DEBIAN_FEED = 'debian-tracker';

interface ReleaseEntry {
  status?: string;
  fixed_version?: string;
  urgency?: string;
  nodsa?: string;
  nodsa_reason?: string;
  repositories?: Record<string, string>;
}

/** The tracker's top level: source names mapping to objects keyed by CVE / TEMP ids with `releases`. */
export function isDebianTracker(d: unknown): boolean {
  if (!d || typeof d !== 'object' || Array.isArray(d)) return false;
  let seen = 0;
  for (const v of Object.values(d as Record<string, unknown>)) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
    const first = Object.values(v as Record<string, unknown>)[0] as Record<string, unknown> | undefined;
    if (first && (typeof first !== 'object' || !('releases' in first))) return false;
    if (++seen >= 5) break;
  }
  return seen > 0;
}

export function urgencyToSeverity(u: unknown): string | undefined {
  if (!u || typeof u !== 'string') return undefined;
  const l = u.replace(/\*+$/, '').trim().toLowerCase();
  if (l === 'unimportant' || l === 'low' || l === 'medium' || l === 'high') return l;
  return undefined;
}

export function importDebianTracker(data: Record<string, unknown>, sink: FeedSink): void {
  const seenVuln = new Set<string>();
  for (const [source, cves] of Object.entries(data)) {
    // an empty source package name matches nothing (and names no package to store)
    if (!cves || typeof cves !== 'object' || source.trim() === '') {
      sink.count('malformed');
      continue;
    }
    for (const [cve, entry] of Object.entries(cves as Record<string, unknown>)) {
      const releases = (entry as { releases?: Record<string, ReleaseEntry> })?.releases;
      if (!releases || typeof releases !== 'object' || cve.trim() === '') {
        sink.count('malformed');
        continue;
      }
      // TEMP-… ids are the tracker's temporary ids for issues without a CVE yet: kept, they are real.
      if (!seenVuln.has(cve)) {
        seenVuln.add(cve);
        const desc = text((entry as { description?: unknown }).description);
        sink.vuln({ id: cve, feed: DEBIAN_FEED, aliases: [], summary: desc, url: `https://security-tracker.debian.org/tracker/${cve}` });
      }
      for (const [codename, rel] of Object.entries(releases)) {
        if (!rel || typeof rel !== 'object' || Array.isArray(rel)) continue;
        const ns = `debian:${codename}`;
        sink.namespace(ns);
        const severity = urgencyToSeverity(rel.urgency);
        const unimportant = severity === 'unimportant';
        let status: AffectedStatus = 'affected';
        let detail: string | undefined;
        let ranges: Range[];
        if (rel.status === 'resolved') {
          const fv = text(rel.fixed_version);
          if (!fv) {
            sink.count('resolvedWithoutVersion');
            continue;
          }
          if (fv === '0') {
            status = 'not_affected';
            detail = 'fixed_version 0: never affected';
            ranges = [];
            sink.count('notAffected');
          } else {
            ranges = [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: fv }] }];
          }
        } else if (rel.status === 'open' || rel.status === 'undetermined') {
          ranges = [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }];
          if (rel.status === 'undetermined') detail = 'undetermined';
          const reason = (text(rel.nodsa_reason) ?? '').toLowerCase();
          if (reason === 'ignored') {
            status = 'will_not_fix';
            detail = `ignored${text(rel.nodsa) ? `: ${rel.nodsa}` : ''}`;
          } else if (reason === 'postponed') {
            status = 'fix_deferred';
            detail = `postponed${text(rel.nodsa) ? `: ${rel.nodsa}` : ''}`;
          } else if (reason === 'end-of-life' || (text(rel.urgency) ?? '').toLowerCase() === 'end-of-life') {
            status = 'end_of_life';
            detail = 'end-of-life: no longer supported by Debian security';
          } else if (typeof rel.nodsa === 'string') {
            status = 'will_not_fix';
            detail = `no-dsa${text(rel.nodsa) ? `: ${rel.nodsa}` : ''}`;
          }
        } else {
          // the status as the feed spells it when it is text; otherwise only its type (String() of an object with a
          // non-function toString key throws)
          sink.count(`unknownStatus:${typeof rel.status === 'string' ? rel.status.slice(0, 40) : `(${rel.status === null ? 'null' : typeof rel.status})`}`);
          continue;
        }
        if (unimportant) detail = detail ? `unimportant; ${detail}` : 'unimportant';
        sink.affected({
          vulnId: cve,
          feed: DEBIAN_FEED,
          ecosystem: 'deb',
          namespace: ns,
          package: source,
          ranges,
          versions: [],
          status,
          statusDetail: detail,
          severity,
        });
      }
    }
  }
}

export default defineFeed<Record<string, unknown>>({
  name: DEBIAN_FEED,
  description: 'Debian Security Tracker JSON: per source package and release, fixed versions, states and urgency',
  defaultSources: ['https://security-tracker.debian.org/tracker/data/json'],
  detect: (d): d is Record<string, unknown> => isDebianTracker(d),
  import: (doc, sink) => importDebianTracker(doc, sink),
  labels: { [DEBIAN_FEED]: 0 },
  ratings: ['debian'],
});
