/**
 * Alpine secdb (https://secdb.alpinelinux.org/vX.Y/{main,community}.json): per release and repository,
 * `packages[].pkg.secfixes` maps a fixed version to the ids it fixes. Keys are origin (source)
 * package names. Fixed version "0" means the package was never affected in this release.
 * An id entry may carry text after the id ("CVE-2019-1234 (some note)"); only the id is kept.
 */
import type { FeedSink } from '../store.js';
import { defineFeed } from './feed.js';
import { list, record, text } from './shape.js';

export const ALPINE_FEED = 'alpine-secdb';

interface SecDb {
  distroversion?: string;
  reponame?: string;
  packages?: Array<{ pkg?: { name?: string; secfixes?: Record<string, unknown> } }>;
}

export function isAlpineSecdb(d: unknown): d is SecDb {
  return !!d && typeof d === 'object' && Array.isArray((d as SecDb).packages) && typeof (d as SecDb).distroversion === 'string';
}

export function alpineNamespace(distroversion: string): string | undefined {
  if (distroversion === 'edge') return 'alpine:edge';
  const m = /^v?(\d+\.\d+)/.exec(distroversion);
  return m ? `alpine:v${m[1]}` : undefined;
}

export function importAlpineSecdb(doc: SecDb, sink: FeedSink): void {
  const ns = alpineNamespace(doc.distroversion ?? '');
  if (!ns) {
    sink.count('badDistroversion');
    return;
  }
  sink.namespace(ns);
  const seen = new Set<string>();
  for (const p of list(doc.packages)) {
    const pkg = record(record(p)?.pkg);
    const name = text(pkg?.name);
    const secfixes = record(pkg?.secfixes);
    if (!name || !secfixes) {
      sink.count('malformed');
      continue;
    }
    for (const [fixed, ids] of Object.entries(secfixes)) {
      if (!Array.isArray(ids)) {
        sink.count('malformed');
        continue;
      }
      for (const raw of ids) {
        if (typeof raw !== 'string') continue;
        for (const id of raw.trim().split(/\s+/).filter((t) => /^[A-Z][A-Z0-9]*-[0-9A-Za-z-]+$/.test(t)).slice(0, 1)) {
          if (!seen.has(id)) {
            seen.add(id);
            sink.vuln({ id, feed: ALPINE_FEED, aliases: [] });
          }
          if (fixed === '0') {
            sink.affected({ vulnId: id, feed: ALPINE_FEED, ecosystem: 'apk', namespace: ns, package: name, ranges: [], versions: [], status: 'not_affected', statusDetail: 'secfixes 0: never affected' });
            sink.count('notAffected');
          } else {
            sink.affected({
              vulnId: id,
              feed: ALPINE_FEED,
              ecosystem: 'apk',
              namespace: ns,
              package: name,
              ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
              versions: [],
              status: 'affected',
            });
          }
        }
      }
    }
  }
  sink.count('records');
}

const ALPINE_RELEASES = ['v3.16', 'v3.17', 'v3.18', 'v3.19', 'v3.20', 'v3.21', 'edge'];

export default defineFeed<SecDb>({
  name: ALPINE_FEED,
  description: 'Alpine secdb: fixed versions per origin package and release',
  defaultSources: ALPINE_RELEASES.flatMap((r) => [`https://secdb.alpinelinux.org/${r}/main.json`, `https://secdb.alpinelinux.org/${r}/community.json`]),
  detect: isAlpineSecdb,
  import: (doc, sink) => importAlpineSecdb(doc, sink),
  labels: { [ALPINE_FEED]: 0 },
  ratings: [],
});
