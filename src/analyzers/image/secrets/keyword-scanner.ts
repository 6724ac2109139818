/**
 * Case-insensitive multi-keyword search over raw bytes (an Aho-Corasick automaton compiled to a dense DFA):
 * one table lookup per byte, no string decoding. It is the secrets prefilter: most files contain none of the
 * keywords and are rejected without a string ever being made of them.
 *
 * Keywords can be mapped to groups (the secret rules they enable): `scanGroups` then sets one bit per group found,
 * with one OR of a precomputed mask per accepting state, so a file full of keyword occurrences costs no more than
 * a file with one.
 */
export class KeywordScanner {
  private readonly table: Uint16Array;
  /** per state: the keyword ids that end there (including via failure links) */
  private readonly outputs: Array<number[] | undefined>;
  /** states numbered at or above this one are accepting */
  private readonly firstAccept: number;
  readonly keywords: string[];
  /** 32-bit words per group mask */
  readonly groupWords: number;
  /** per accepting state (index state - firstAccept): the group bits it sets, groupWords words each */
  private readonly groupMasks: Int32Array;

  /** `groups[k]`: the group ids keyword k belongs to (default: each keyword is its own group) */
  constructor(keywords: string[], groups?: number[][]) {
    this.keywords = keywords.map((k) => k.toLowerCase());
    const gotoMap: Array<Map<number, number>> = [new Map()];
    const out: number[][] = [[]];
    this.keywords.forEach((kw, id) => {
      let s = 0;
      for (const b of Buffer.from(kw, 'latin1')) {
        let next = gotoMap[s].get(b);
        if (next === undefined) {
          next = gotoMap.length;
          gotoMap.push(new Map());
          out.push([]);
          gotoMap[s].set(b, next);
        }
        s = next;
      }
      out[s].push(id);
    });
    const n = gotoMap.length;
    if (n > 65535) throw new Error('too many keyword characters for the keyword scanner');
    const table = new Int32Array(n * 256);
    const fail = new Int32Array(n);
    const queue: number[] = [];
    for (let b = 0; b < 256; b++) {
      const t = gotoMap[0].get(b);
      table[b] = t ?? 0;
      if (t !== undefined) {
        fail[t] = 0;
        queue.push(t);
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi];
      out[s] = [...out[s], ...out[fail[s]]];
      for (let b = 0; b < 256; b++) {
        const t = gotoMap[s].get(b);
        if (t !== undefined) {
          fail[t] = table[fail[s] * 256 + b];
          table[s * 256 + b] = t;
          queue.push(t);
        } else {
          table[s * 256 + b] = table[fail[s] * 256 + b];
        }
      }
    }
    // case folding: an upper-case ASCII letter moves like its lower-case form
    for (let s = 0; s < n; s++) for (let b = 65; b <= 90; b++) table[s * 256 + b] = table[s * 256 + b + 32];
    // renumber states so that accepting ones come last: the hot loop tests `state >= firstAccept` (no extra load)
    const accepting = out.map((o) => o.length > 0);
    const order = [...Array(n).keys()].sort((a, b) => Number(accepting[a]) - Number(accepting[b]) || a - b);
    // state 0 (the root) must stay 0: it is never accepting, and sorting is stable on index
    const newId = new Int32Array(n);
    order.forEach((old, i) => (newId[old] = i));
    const packed = new Uint16Array(n * 256);
    for (let old = 0; old < n; old++) for (let b = 0; b < 256; b++) packed[newId[old] * 256 + b] = newId[table[old * 256 + b]];
    this.table = packed;
    this.firstAccept = accepting.filter((a) => !a).length;
    this.outputs = order.map((old) => (out[old].length ? [...new Set(out[old])] : undefined));
    const groupOf = groups ?? this.keywords.map((_, i) => [i]);
    const ngroups = Math.max(0, ...groupOf.flat().map((g) => g + 1));
    this.groupWords = Math.max(1, Math.ceil(ngroups / 32));
    const W = this.groupWords;
    this.groupMasks = new Int32Array((n - this.firstAccept) * W);
    for (let st = this.firstAccept; st < n; st++) {
      for (const id of this.outputs[st]!) for (const g of groupOf[id] ?? []) this.groupMasks[(st - this.firstAccept) * W + (g >>> 5)] |= 1 << (g & 31);
    }
  }

  /** A zeroed mask of the size `scanGroups` fills. */
  newMask(): Int32Array {
    return new Int32Array(this.groupWords);
  }

  /** Set in `mask` the bit of every group with a keyword in `buf` (`mask` is OR-ed into, not cleared). */
  scanGroups(buf: Uint8Array, mask: Int32Array): void {
    const table = this.table;
    const first = this.firstAccept;
    const masks = this.groupMasks;
    let s = 0;
    if (this.groupWords === 1) {
      let acc = 0;
      for (let i = 0, n = buf.length; i < n; i++) {
        s = table[(s << 8) | buf[i]];
        if (s >= first) acc |= masks[s - first];
      }
      mask[0] |= acc;
      return;
    }
    const W = this.groupWords;
    for (let i = 0, n = buf.length; i < n; i++) {
      s = table[(s << 8) | buf[i]];
      if (s >= first) {
        const o = (s - first) * W;
        for (let w = 0; w < W; w++) mask[w] |= masks[o + w];
      }
    }
  }

  /**
   * `scanGroups` that also records every keyword occurrence (overlapping ones too) into `hits`: for the rules
   * whose regex runs only where their keywords are (SecretMatcher's anchored rules).
   */
  scanGroupsRecording(buf: Uint8Array, mask: Int32Array, hits: KeywordHits): void {
    if (this.groupWords !== 1) {
      this.scanGroupsRecordingWide(buf, mask, hits);
      return;
    }
    // the same loop as scanGroups: an occurrence is rare next to the bytes, so it is recorded out of line
    const table = this.table;
    const first = this.firstAccept;
    const masks = this.groupMasks;
    hits.count = 0;
    let acc = 0;
    let s = 0;
    for (let i = 0, n = buf.length; i < n; i++) {
      s = table[(s << 8) | buf[i]];
      if (s >= first) {
        acc |= masks[s - first];
        record(hits, i, s);
      }
    }
    mask[0] |= acc;
  }

  private scanGroupsRecordingWide(buf: Uint8Array, mask: Int32Array, hits: KeywordHits): void {
    const table = this.table;
    const first = this.firstAccept;
    const masks = this.groupMasks;
    const W = this.groupWords;
    hits.count = 0;
    let s = 0;
    for (let i = 0, n = buf.length; i < n; i++) {
      s = table[(s << 8) | buf[i]];
      if (s >= first) {
        const o = (s - first) * W;
        for (let w = 0; w < W; w++) mask[w] |= masks[o + w];
        record(hits, i, s);
      }
    }
  }

  /** The ids of the keywords that end at accepting state `state` (a state from `KeywordHits.states`). */
  keywordsAt(state: number): readonly number[] {
    return this.outputs[state] ?? [];
  }

  /** the ids of the keywords present in `buf` */
  scan(buf: Uint8Array): Set<number> {
    const found = new Set<number>();
    const table = this.table;
    const first = this.firstAccept;
    let s = 0;
    for (let i = 0, n = buf.length; i < n; i++) {
      s = table[(s << 8) | buf[i]];
      if (s >= first) for (const id of this.outputs[s]!) found.add(id);
    }
    return found;
  }
}

/** Keyword occurrences recorded by `scanGroupsRecording`: the end offset (inclusive) and the state of each. */
export interface KeywordHits {
  ends: Int32Array;
  states: Int32Array;
  count: number;
}

export function newKeywordHits(): KeywordHits {
  return { ends: new Int32Array(1024), states: new Int32Array(1024), count: 0 };
}

function record(hits: KeywordHits, end: number, state: number): void {
  const c = hits.count;
  if (c === hits.ends.length) {
    const ends = new Int32Array(c * 2);
    ends.set(hits.ends);
    hits.ends = ends;
    const states = new Int32Array(c * 2);
    states.set(hits.states);
    hits.states = states;
  }
  hits.ends[c] = end;
  hits.states[c] = state;
  hits.count = c + 1;
}
