/**
 * Evaluates one advisory row against one installed version, recording every comparison made so
 * `--explain` and `bulwark why` can show them. Version order comes from src/vulndb/version.
 */
import { affectedByEvents, listedIn, type VersionComparator } from '../version/index.js';
import type { AffectedRow, PackedPackage } from '../store.js';
import type { RowMatch } from './types.js';

export interface Verdict {
  affected: boolean;
  /** the smallest fixed version above the installed one, in the range that matched */
  fixed?: string;
  /** human-readable comparisons, in order */
  steps: string[];
  /** set when a version could not be compared */
  error?: string;
}

function sign(c: number): string {
  return c < 0 ? '<' : c > 0 ? '>' : '=';
}

/** The smallest `fixed` above the installed version in the ranges (for a hit found through the versions list). */
function fixedAbove(cmp: VersionComparator, installed: string, row: AffectedRow): string | undefined {
  let fixed: string | undefined;
  for (const r of row.ranges) {
    for (const e of r.events) {
      if (e.fixed !== undefined && cmp.compare(installed, e.fixed) < 0 && (!fixed || cmp.compare(e.fixed, fixed) < 0)) fixed = e.fixed;
    }
  }
  return fixed;
}

/**
 * Fast path (explain off): no strings are built; the same verdict and fixed version.
 */
/** Shared, frozen: the fast path builds no explanation, so its verdicts carry no steps to fill. */
const NO_STEPS: string[] = Object.freeze([]) as unknown as string[];
const NOT_AFFECTED: Verdict = Object.freeze({ affected: false, steps: NO_STEPS });

export function evaluateRowFast(cmp: VersionComparator, installed: string, row: AffectedRow): Verdict {
  if (row.status === 'not_affected') return NOT_AFFECTED;
  try {
    // the shape every distro row has, as the store flags it: one range {introduced: "0"}, then at most one {fixed}
    const sf = row.simpleFixed;
    if (sf === null) return { affected: true, fixed: undefined, steps: NO_STEPS };
    if (sf !== undefined) return cmp.compare(installed, sf) < 0 ? { affected: true, fixed: sf, steps: NO_STEPS } : NOT_AFFECTED;
    // the same shape in a row built elsewhere (a packed row of that shape has simpleFixed set; for any other, the
    // steps below give the same verdict through the same comparison, and asking for `versions` would decode its
    // whole list, hundreds of versions for a PyPI advisory, where `lists` mostly answers without decoding)
    if (!row.lists && !row.versions.length && row.ranges.length === 1) {
      const ev = row.ranges[0]!.events;
      const e0 = ev[0];
      if (e0 && e0.introduced === '0' && e0.fixed === undefined && e0.last_affected === undefined && e0.limit === undefined) {
        if (ev.length === 1) return { affected: true, fixed: undefined, steps: NO_STEPS };
        const e1 = ev[1]!;
        if (ev.length === 2 && e1.fixed !== undefined && e1.introduced === undefined && e1.last_affected === undefined && e1.limit === undefined) {
          return cmp.compare(installed, e1.fixed) < 0 ? { affected: true, fixed: e1.fixed, steps: NO_STEPS } : NOT_AFFECTED;
        }
      }
    }
    if (row.lists ? row.lists(cmp, installed) : row.versions.length > 0 && listedIn(cmp, row.versions, installed)) {
      return { affected: true, fixed: fixedAbove(cmp, installed, row), steps: NO_STEPS };
    }
    for (const r of row.ranges) {
      if (!affectedByEvents(cmp, installed, r.events)) continue;
      let fixed: string | undefined;
      for (const e of r.events) {
        if (e.fixed !== undefined && cmp.compare(installed, e.fixed) < 0 && (!fixed || cmp.compare(e.fixed, fixed) < 0)) fixed = e.fixed;
      }
      return { affected: true, fixed, steps: NO_STEPS };
    }
    return NOT_AFFECTED;
  } catch (e) {
    const msg = (e as Error).message;
    return { affected: false, steps: [`version comparison failed: ${msg}`], error: msg };
  }
}

/**
 * The rows of a packed package that affect `installed`, with their verdicts, in import order, and the rows whose
 * evaluation failed (their verdict carries the error): what `evaluateRowFast` over every row gives, less the rows
 * that do not affect it, as row matches of (`key`, `installed`, `ecosystem`, `namespace`). The range index
 * (`rangeIndex` in store.ts) lists the rows of the common shape sorted by fixed version, so one binary search finds
 * them; other rows are evaluated one by one. Undefined when the index cannot be used (an installed version the
 * comparator does not accept, a comparison that throws): the caller then evaluates every row.
 */
export function affectingRows(
  cmp: VersionComparator,
  installed: string,
  p: PackedPackage,
  key = p.pkg,
  ecosystem = p.ecosystem,
  namespace = p.namespace,
): RowMatch[] | undefined {
  const found: RowMatch[] = [];
  // every list below is in import order except the sorted one: sort only when two lists contributed
  let lists = 0;
  let offsets: number[] | undefined;
  if (p.hasSorted()) {
    if (!cmp.valid(installed)) return undefined;
    // the rows whose fixed version is above `installed`, from one binary search: they affect it
    let above: number[];
    try {
      above = p.sortedAbove(cmp, installed);
    } catch {
      return undefined;
    }
    if (above.length) {
      lists += above.length > 1 ? 2 : 1;
      offsets = above;
    }
    for (let i = 0; i < above.length; i++) {
      const row = p.rowAt(above[i]!);
      found.push({ key, version: installed, ecosystem, namespace, row, verdict: { affected: true, fixed: row.simpleFixed!, steps: NO_STEPS } });
    }
  }
  const unfixed = p.unfixed();
  if (unfixed.length) lists++;
  for (let i = 0; i < unfixed.length; i++) {
    const at = unfixed[i]!;
    (offsets ??= []).push(at);
    found.push({ key, version: installed, ecosystem, namespace, row: p.rowAt(at), verdict: AFFECTED_NO_FIX });
  }
  const others = p.others();
  let fromOthers = false;
  for (let i = 0; i < others.length; i++) {
    const at = others[i]!;
    const row = p.rowAt(at);
    const verdict = evaluateRowFast(cmp, installed, row);
    if (verdict.affected || verdict.error) {
      (offsets ??= []).push(at);
      found.push({ key, version: installed, ecosystem, namespace, row, verdict });
      fromOthers = true;
    }
  }
  if (fromOthers) lists++;
  if (lists > 1) {
    // import order: by the offset of each row's line
    const order = new Array<number>(found.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    const at = offsets!;
    order.sort((x, y) => at[x]! - at[y]!);
    const sorted = new Array<RowMatch>(found.length);
    for (let i = 0; i < order.length; i++) sorted[i] = found[order[i]!]!;
    return sorted;
  }
  return found;
}

/** The verdict of a row of the common shape without a fix (it affects every version): shared, read-only. */
const AFFECTED_NO_FIX: Verdict = Object.freeze({ affected: true, fixed: undefined, steps: NO_STEPS });

/** A comparator that remembers results (distro images compare the same source version for every binary package). */
export function memoComparator(cmp: VersionComparator): VersionComparator {
  const memo = new Map<string, Map<string, number>>();
  const validMemo = new Map<string, boolean>();
  let entries = 0;
  return {
    ecosystem: cmp.ecosystem,
    valid: (v) => {
      let r = validMemo.get(v);
      if (r === undefined) {
        if (validMemo.size > 50_000) validMemo.clear();
        r = cmp.valid(v);
        validMemo.set(v, r);
      }
      return r;
    },
    compare: (a, b) => {
      let inner = memo.get(a);
      if (!inner) {
        if (entries > 500_000) {
          memo.clear();
          entries = 0;
        }
        inner = new Map();
        memo.set(a, inner);
      }
      let r = inner.get(b);
      if (r === undefined) {
        r = cmp.compare(a, b);
        inner.set(b, r);
        entries++;
      }
      return r;
    },
  };
}

const shared = new Map<string, { base: VersionComparator; memo: VersionComparator }>();

/**
 * One memoising comparator per (purpose, ecosystem) for the whole process: version order is a pure
 * function, so later scans reuse the comparisons (and version parsing) of earlier ones.
 */
export function sharedMemoComparator(key: string, base: VersionComparator, adapt: (c: VersionComparator) => VersionComparator = (c) => c): VersionComparator {
  const hit = shared.get(key);
  if (hit && hit.base === base) return hit.memo;
  const memo = memoComparator(adapt(base));
  shared.set(key, { base, memo });
  return memo;
}

export function evaluateRow(cmp: VersionComparator, installed: string, row: AffectedRow, label = cmp.ecosystem): Verdict {
  const steps: string[] = [];
  if (row.status === 'not_affected') {
    return { affected: false, steps: [`${row.feed} says ${row.package} was never affected in ${row.namespace || 'this ecosystem'} (${row.statusDetail ?? 'not affected'})`] };
  }
  try {
    if (row.versions.length && listedIn(cmp, row.versions, installed)) {
      steps.push(`${installed} is listed among the affected versions`);
      const fixed = fixedAbove(cmp, installed, row);
      if (fixed) steps.push(`the advisory's ranges name ${fixed} as the next fixed version`);
      return { affected: true, fixed, steps };
    }
    if (row.versions.length) steps.push(`${installed} is not among the ${row.versions.length} listed affected versions`);
    for (const r of row.ranges) {
      const ev = r.events;
      const hit = affectedByEvents(cmp, installed, ev);
      const parts: string[] = [];
      let fixed: string | undefined;
      for (const e of ev) {
        if (e.introduced !== undefined) {
          if (e.introduced === '0') parts.push('introduced 0 (all earlier versions)');
          else parts.push(`${label} ${installed} ${sign(cmp.compare(installed, e.introduced))} ${e.introduced} (introduced)`);
        } else if (e.fixed !== undefined) {
          const c = cmp.compare(installed, e.fixed);
          parts.push(`${label} ${installed} ${sign(c)} ${e.fixed} (fixed)`);
          if (c < 0 && (!fixed || cmp.compare(e.fixed, fixed) < 0)) fixed = e.fixed;
        } else if (e.last_affected !== undefined) {
          parts.push(`${label} ${installed} ${sign(cmp.compare(installed, e.last_affected))} ${e.last_affected} (last affected)`);
        } else if (e.limit !== undefined) {
          parts.push(`${label} ${installed} ${sign(cmp.compare(installed, e.limit))} ${e.limit} (limit)`);
        }
      }
      steps.push(`${r.type} range [${parts.join('; ')}] -> ${hit ? 'in range' : 'not in range'}`);
      if (hit) return { affected: true, fixed, steps };
    }
    if (!row.ranges.length && !row.versions.length) {
      steps.push('advisory lists no version bounds');
      return { affected: false, steps };
    }
    return { affected: false, steps };
  } catch (e) {
    const msg = (e as Error).message;
    steps.push(`version comparison failed: ${msg}`);
    return { affected: false, steps, error: msg };
  }
}
