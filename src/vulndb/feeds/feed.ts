/**
 * The one contract every vulnerability feed implements. A feed is one file in this folder that does
 * `export default defineFeed({...})`, plus one line in the registry (`feeds/index.ts`). Nothing else in
 * the code base names a feed: `db update` takes its default URLs from the registry, documents are
 * routed by `detect`, and the matcher ranks advisory ids by the feed's `labels`.
 */
import type { FeedSink } from '../store.js';

export interface Feed<Doc = unknown> {
  /** stable name, stored with each imported source (`db status` shows it) */
  readonly name: string;
  /** one line for `db status` and the docs */
  readonly description: string;
  /** the URLs `bulwark db update` fetches when no --source is given */
  readonly defaultSources: readonly string[];
  /**
   * Does this JSON document belong to the feed? Looks at the top-level shape only (cheap: it runs on every
   * document of every source until a feed accepts it). The registry asks the feeds in order.
   */
  detect(doc: unknown): doc is Doc;
  /** Imports one document into the sink; returns the date of the data when the document states one. */
  import(doc: Doc, sink: FeedSink): { dataDate?: string } | void;
  /**
   * The labels this feed writes on its advisory rows (`AffectedRow.feed`; OSV writes `ghsa` for GitHub's
   * records, `osv-go` for Go's...), each with its rank as the source of a finding's primary id when no CVE
   * id names the vulnerability: lower ranks first (distro feeds 0, GHSA and Go 1, other OSV 2, ...).
   */
  readonly labels: Readonly<Record<string, number>>;
  /**
   * The rating sources this feed records (`FeedSink.rating`, or the urgency on its rows): what
   * `--severity-source` accepts. `nvd`, `ghsa`, `debian`, ...
   */
  readonly ratings: readonly string[];
}

/** Identity function that checks a feed literal against the contract. */
export function defineFeed<Doc>(feed: Feed<Doc>): Feed<Doc> {
  return feed;
}
