/**
 * OSV range semantics on top of a comparator.
 *
 * One OSV range's events, reduced to one interval: `introduced` (inclusive lower bound; "0" means from
 * the very first version), `fixed` (exclusive upper bound), `last_affected` (inclusive upper bound),
 * `limit` (exclusive upper bound used by GIT-like ranges; honoured the same way). A missing
 * introduced means "from the beginning"; no upper bound means every later version is affected.
 */
import type { VersionComparator } from './index.js';

export interface OsvRangeEvents {
  introduced?: string;
  fixed?: string;
  lastAffected?: string;
  limit?: string;
}

/** True when version `v` lies in the interval the events describe. */
export function inRange(cmp: VersionComparator, v: string, ev: OsvRangeEvents): boolean {
  if (ev.introduced !== undefined && ev.introduced !== '0' && ev.introduced !== '') {
    if (cmp.compare(v, ev.introduced) < 0) return false;
  }
  if (ev.fixed !== undefined && ev.fixed !== '' && cmp.compare(v, ev.fixed) >= 0) return false;
  if (ev.lastAffected !== undefined && ev.lastAffected !== '' && cmp.compare(v, ev.lastAffected) > 0) return false;
  if (ev.limit !== undefined && ev.limit !== '' && ev.limit !== '*' && cmp.compare(v, ev.limit) >= 0) return false;
  return true;
}

/** One event of an OSV range, as in the OSV schema. */
export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

/**
 * The OSV evaluation of a whole event list (the algorithm of the OSV schema): events sorted by
 * version ("0" first; on equal versions `introduced` before `fixed`/`last_affected`), walked in order:
 * an `introduced` at or below `v` makes it affected, a `fixed` at or below `v` or a `last_affected`
 * below `v` makes it not affected. `limit` events cap the range (v must be below one of them).
 */
export function affectedByEvents(cmp: VersionComparator, v: string, events: readonly OsvEvent[]): boolean {
  if (events.length <= 2) {
    const r = shortEvents(cmp, v, events);
    if (r !== undefined) return r;
  }
  return affectedByEventList(cmp, v, events);
}

/** The kind of an event as the walk sorts it: 0 introduced, 1 fixed, 2 last affected; -1 none of these. */
function kindOf(e: OsvEvent): number {
  return e.introduced !== undefined ? 0 : e.fixed !== undefined ? 1 : e.last_affected !== undefined ? 2 : -1;
}

function versionOf(e: OsvEvent, kind: number): string {
  return kind === 0 ? e.introduced! : kind === 1 ? e.fixed! : e.last_affected!;
}

/**
 * `affectedByEventList` for one or two events without a limit (most OSV ranges that are not "introduced 0, fixed
 * X"), without its arrays, closures and sort: the same comparisons in the same order (the sort's one comparison of
 * the two versions, then the walk's), so the same verdict, and the same error when a version does not parse.
 * Undefined for any other list.
 */
function shortEvents(cmp: VersionComparator, v: string, events: readonly OsvEvent[]): boolean | undefined {
  const e0 = events[0];
  if (!e0 || e0.limit !== undefined) return undefined;
  const k0 = kindOf(e0);
  if (k0 < 0) return undefined;
  const v0 = versionOf(e0, k0);
  const z0 = k0 === 0 && (v0 === '0' || v0 === '');
  if (events.length === 1) return step(cmp, v, false, k0, v0, z0);
  const e1 = events[1]!;
  if (e1.limit !== undefined) return undefined;
  const k1 = kindOf(e1);
  if (k1 < 0) return undefined;
  const v1 = versionOf(e1, k1);
  const z1 = k1 === 0 && (v1 === '0' || v1 === '');
  // the sort compares the second event with the first: a positive result (or a tie) keeps them in list order
  let c: number;
  if (z0 || z1) c = z0 && z1 ? 1 : z1 ? -1 : 1;
  else c = cmp.compare(v1, v0) || k1 - k0 || 1;
  return c > 0 ? step(cmp, v, step(cmp, v, false, k0, v0, z0), k1, v1, z1) : step(cmp, v, step(cmp, v, false, k1, v1, z1), k0, v0, z0);
}

/** One event of the walk: whether `v` is affected after it. */
function step(cmp: VersionComparator, v: string, affected: boolean, kind: number, ver: string, zero: boolean): boolean {
  if (kind === 0) return zero || cmp.compare(v, ver) >= 0 ? true : affected;
  if (kind === 1) return cmp.compare(v, ver) >= 0 ? false : affected;
  return cmp.compare(v, ver) > 0 ? false : affected;
}

/** The OSV walk over any event list (`affectedByEvents` takes a shortcut for lists of one or two events). */
export function affectedByEventList(cmp: VersionComparator, v: string, events: readonly OsvEvent[]): boolean {
  const limits = events.filter((e) => e.limit !== undefined && e.limit !== '*').map((e) => e.limit!);
  if (limits.length && !limits.some((l) => cmp.compare(v, l) < 0)) return false;
  const keyed = events
    .map((e, idx) => {
      if (e.introduced !== undefined) return { kind: 0, ver: e.introduced, idx };
      if (e.fixed !== undefined) return { kind: 1, ver: e.fixed, idx };
      if (e.last_affected !== undefined) return { kind: 2, ver: e.last_affected, idx };
      return undefined;
    })
    .filter((x): x is { kind: number; ver: string; idx: number } => !!x);
  const isZero = (k: { kind: number; ver: string }) => k.kind === 0 && (k.ver === '0' || k.ver === '');
  keyed.sort((a, b) => {
    const za = isZero(a);
    const zb = isZero(b);
    if (za || zb) return za && zb ? a.idx - b.idx : za ? -1 : 1;
    const c = cmp.compare(a.ver, b.ver);
    if (c) return c;
    return a.kind - b.kind || a.idx - b.idx;
  });
  let affected = false;
  for (const k of keyed) {
    if (k.kind === 0) {
      if (isZero(k) || cmp.compare(v, k.ver) >= 0) affected = true;
    } else if (k.kind === 1) {
      if (cmp.compare(v, k.ver) >= 0) affected = false;
    } else if (cmp.compare(v, k.ver) > 0) affected = false;
  }
  return affected;
}
