/**
 * The feed registry: one line per feed. Order matters only for detection: the first feed whose
 * `detect` accepts a document imports it (the specific shapes before OSV's and the tracker's looser ones).
 */
import type { FeedSink } from '../store.js';
import type { Feed } from './feed.js';
import kev from './kev.js';
import nvd from './nvd.js';
import alpine from './alpine.js';
import nodejs from './nodejs.js';
import osv from './osv.js';
import debian from './debian.js';

export type { Feed } from './feed.js';

export const FEEDS: readonly Feed[] = [kev, nvd, alpine, nodejs, osv, debian] as Feed[];

/** The official URLs `bulwark db update` fetches when no --source is given. */
export const DEFAULT_SOURCES: readonly string[] = FEEDS.flatMap((f) => f.defaultSources);

export function detectFeed(doc: unknown): Feed | undefined {
  for (const f of FEEDS) if (f.detect(doc)) return f;
  return undefined;
}

/** Imports one document with the feed that recognises it; counts it as unrecognised otherwise. */
export function importDoc(doc: unknown, sink: FeedSink): { feed?: string; dataDate?: string } {
  const feed = detectFeed(doc);
  if (!feed) {
    sink.count('unrecognisedDocuments');
    return {};
  }
  const r = feed.import(doc, sink);
  return { feed: feed.name, dataDate: r ? r.dataDate : undefined };
}

const ranks = new Map<string, number>();
for (const f of FEEDS) for (const [label, rank] of Object.entries(f.labels)) ranks.set(label, rank);

/** Rank of an advisory row's feed label as the source of a primary id (lower first; unknown labels 3). */
export function labelRank(label: string): number {
  return ranks.get(label) ?? 3;
}

const raters = new Map<string, string>();
for (const f of FEEDS) for (const label of Object.keys(f.labels)) if (f.ratings.length) raters.set(label, f.ratings[0]!);

/** Who rates with the word a feed writes on its rows (`AffectedRow.severity`): the feed's first rating source. */
export function rowRater(label: string): string | undefined {
  return raters.get(label);
}
