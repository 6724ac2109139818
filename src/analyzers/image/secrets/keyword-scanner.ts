/**
 * Case-insensitive multi-keyword search over raw bytes (an Aho-Corasick automaton compiled to a dense DFA):
 * one table lookup per byte, no string decoding. The DFA's columns are byte classes, not bytes: every byte that
 * occurs in no keyword (after case folding) shares class 0, so the table is states x classes (about 350 x 40 for
 * the built-in rules: 28 KB, in L1) instead of states x 256 (180 KB, in L2), and its entries are state offsets
 * (state x classes), so a step is one add and two loads. The loop is a chain of dependent loads: their latency is
 * its speed. It is the secrets prefilter: most files contain none of the
 * keywords and are rejected without a string ever being made of them.
 *
 * Keywords can be mapped to groups (the secret rules they enable): `scanGroups` then sets one bit per group found,
 * with one OR of a precomputed mask per accepting state, so a file full of keyword occurrences costs no more than
 * a file with one.
 */
import { KeywordKernel, segments } from './keyword-kernel.js';

export class KeywordScanner {
  /** transitions: `table[offset + classOf[byte]]` is the next state's offset (state x classes) */
  private readonly table: Uint16Array;
  /**
   * transitions by byte for the JavaScript `scan4`: `wide[state * 256 + byte]` is the next state times 256. Made on
   * first use (`wideTable`): where the WebAssembly kernel runs, only a buffer it gives back needs it, and filling its
   * 90,000 entries took 4-8 ms of each thread's start.
   */
  private wide: Int32Array | undefined;
  /** byte -> class (0: a byte in no keyword) */
  private readonly classOf: Uint8Array;
  /** number of classes: a state's offset is its number times this */
  private readonly classes: number;
  /** per state: the keyword ids that end there (including via failure links) */
  private readonly outputs: Array<number[] | undefined>;
  /** states numbered at or above this one are accepting; as an offset: firstAccept x classes */
  private readonly firstAccept: number;
  private readonly firstAcceptOffset: number;
  readonly keywords: string[];
  /** the longest keyword's length in bytes: a segment's automaton starts this many bytes early (see `scan4`) */
  private readonly maxLen: number;
  /** 32-bit words per group mask */
  readonly groupWords: number;
  /** per accepting state (index state - firstAccept): the group bits it sets, groupWords words each */
  private readonly groupMasks: Int32Array;

  /** the WebAssembly form of `scan4` (keyword-kernel.ts): made on first use; null when there is none */
  private kernel: KeywordKernel | null | undefined;

  /**
   * `groups[k]`: the group ids keyword k belongs to (default: each keyword is its own group). `kernel: false` keeps
   * every scan in JavaScript (to test the kernel against it).
   */
  constructor(keywords: string[], groups?: number[][], options: { kernel?: boolean; classes?: 'columns' } = {}) {
    if (options.kernel === false) this.kernel = null;
    this.keywords = keywords.map((k) => k.toLowerCase());
    this.maxLen = Math.max(1, ...this.keywords.map((k) => Buffer.byteLength(k, 'latin1')));
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
      // a state moves where its failure state moves, except on its own children (fail[s] is shallower: its row
      // is complete)
      const f = fail[s] * 256;
      table.copyWithin(s * 256, f, f + 256);
      for (const [b, t] of gotoMap[s]) {
        fail[t] = table[f + b];
        table[s * 256 + b] = t;
        queue.push(t);
      }
    }
    // case folding: an upper-case ASCII letter moves like its lower-case form
    for (let s = 0; s < n; s++) table.copyWithin(s * 256 + 65, s * 256 + 97, s * 256 + 123);
    // byte classes: bytes whose columns are equal in every state are one class, numbered in order of first byte
    // (class 0 is byte 0's: the bytes that occur in no keyword, which from any state go where a mismatch goes)
    const inKeyword = new Uint8Array(256);
    for (const kw of this.keywords) for (const b of Buffer.from(kw, 'latin1')) inKeyword[b] = 1;
    const { classOf, classRep } = options.classes === 'columns' ? columnClasses(table, n) : keywordClasses(inKeyword);
    const C = classRep.length;
    if (n * C > 65535) throw new Error('too many keyword characters for the keyword scanner');
    // renumber states so that accepting ones come last: the hot loop tests `state >= firstAccept` (no extra load)
    const accepting = out.map((o) => o.length > 0);
    const order = [...Array(n).keys()].sort((a, b) => Number(accepting[a]) - Number(accepting[b]) || a - b);
    // state 0 (the root) must stay 0: it is never accepting, and sorting is stable on index
    const newId = new Int32Array(n);
    order.forEach((old, i) => (newId[old] = i));
    const packed = new Uint16Array(n * C);
    const rep = new Int32Array(C).fill(-1);
    for (let b = 0; b < 256; b++) if (rep[classOf[b]] === -1) rep[classOf[b]] = b;
    for (let old = 0; old < n; old++) for (let c = 0; c < C; c++) packed[newId[old] * C + c] = newId[table[old * 256 + rep[c]]] * C;
    this.table = packed;
    this.classOf = classOf;
    this.classes = C;
    this.firstAccept = accepting.filter((a) => !a).length;
    this.firstAcceptOffset = this.firstAccept * C;
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

  /**
   * The four-segment loop's table: it steps by bytes, not classes (one load less per byte; 350 KB, latency hidden by
   * the four chains); entries are the next state times 256.
   */
  private wideTable(): Int32Array {
    if (!this.wide) {
      const { table, classOf, classes: C } = this;
      const n = table.length / C;
      const wide = new Int32Array(n * 256);
      for (let st = 0; st < n; st++) for (let b = 0; b < 256; b++) wide[st * 256 + b] = (table[st * C + classOf[b]]! / C) * 256;
      this.wide = wide;
    }
    return this.wide;
  }

  /** Does `scan4` run as WebAssembly (keyword-kernel.ts)? False with `kernel: false`, or where there is none. */
  usesKernel(): boolean {
    if (this.kernel === undefined) {
      // the automaton is a function of the keyword list alone (groups only decide the masks)
      this.kernel = KeywordKernel.shared(this.keywords.join('\u0000'), { table: this.table, classOf: this.classOf, classes: this.classes, firstAccept: this.firstAccept, maxLen: this.maxLen }) ?? null;
    }
    return this.kernel !== null;
  }

  /** A zeroed mask of the size `scanGroups` fills. */
  newMask(): Int32Array {
    return new Int32Array(this.groupWords);
  }

  /** Set in `mask` the bit of every group with a keyword in `buf` (`mask` is OR-ed into, not cleared). */
  scanGroups(buf: Uint8Array, mask: Int32Array): void {
    const table = this.table;
    const cls = this.classOf;
    const C = this.classes;
    const first = this.firstAccept;
    const firstOff = this.firstAcceptOffset;
    const masks = this.groupMasks;
    let s = 0;
    if (this.groupWords === 1) {
      mask[0] |= this.scan4(buf, undefined);
      return;
    }
    const W = this.groupWords;
    for (let i = 0, n = buf.length; i < n; i++) {
      s = table[s + cls[buf[i]]];
      if (s >= firstOff) {
        const o = (s / C - first) * W;
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
    hits.count = 0;
    mask[0] |= this.scan4(buf, hits);
  }

  /**
   * The single-word group scan, as four interleaved automata: the buffer is cut in four segments and one loop
   * steps all four, so the CPU overlaps four chains of dependent loads instead of waiting on one (about twice the
   * bytes per second of one chain). The automaton of segment j > 0 starts `maxLen - 1` bytes before the segment
   * from the root: an occurrence ending in the segment starts at most that far back, so from the segment's first
   * byte its state is the one a single pass would have. Occurrences are counted by the segment they end in (an
   * automaton ignores what it finds before its segment), so each is recorded once; `hits` is not in offset order.
   * Returns the group bits found.
   */
  private scan4(buf: Uint8Array, hits: KeywordHits | undefined): number {
    const table = this.table;
    const cls = this.classOf;
    const C = this.classes;
    const first = this.firstAccept;
    const firstOff = this.firstAcceptOffset;
    const masks = this.groupMasks;
    const n = buf.length;
    const back = this.maxLen - 1;
    let acc = 0;
    const kernel = this.kernel === undefined ? (this.usesKernel(), this.kernel) : this.kernel;
    if (kernel) {
      const count = kernel.scan(buf);
      if (count >= 0) {
        for (let j = 0; j < count; j++) {
          const st = kernel.stateAt(j);
          acc |= masks[st - first];
          if (hits) record(hits, kernel.endAt(j), st);
        }
        return acc;
      }
      // too big, or too many occurrences for the kernel: this loop scans it
    }
    // one automaton over [from, to), counting occurrences that end at or after lo
    const tail = (state: number, from: number, to: number, lo: number): void => {
      let s = state;
      for (let i = from; i < to; i++) {
        s = table[s + cls[buf[i]]];
        if (s >= firstOff && i >= lo) {
          const st = s / C;
          acc |= masks[st - first];
          if (hits) record(hits, i, st);
        }
      }
    };
    const seg = segments(n, back);
    if (!seg) {
      tail(0, 0, n, 0);
      return acc;
    }
    // segment j holds the ends [b_j, b_{j+1}); its automaton reads from a_j = b_j - back (a_0 = 0), q bytes in
    // the common loop, then on alone to its segment's end
    const [q, a1, a2, a3, b1, b2, b3] = seg;
    const W = this.wideTable();
    const F = this.firstAccept * 256;
    let w0 = 0;
    let w1 = 0;
    let w2 = 0;
    let w3 = 0;
    for (let k = 0; k < q; k++) {
      w0 = W[w0 + buf[k]];
      w1 = W[w1 + buf[a1 + k]];
      w2 = W[w2 + buf[a2 + k]];
      w3 = W[w3 + buf[a3 + k]];
      if (w0 >= F || w1 >= F || w2 >= F || w3 >= F) {
        if (w0 >= F) {
          const st = w0 >> 8;
          acc |= masks[st - first];
          if (hits) record(hits, k, st);
        }
        if (w1 >= F && a1 + k >= b1) {
          const st = w1 >> 8;
          acc |= masks[st - first];
          if (hits) record(hits, a1 + k, st);
        }
        if (w2 >= F && a2 + k >= b2) {
          const st = w2 >> 8;
          acc |= masks[st - first];
          if (hits) record(hits, a2 + k, st);
        }
        if (w3 >= F && a3 + k >= b3) {
          const st = w3 >> 8;
          acc |= masks[st - first];
          if (hits) record(hits, a3 + k, st);
        }
      }
    }
    tail((w0 >> 8) * C, q, b1, 0);
    tail((w1 >> 8) * C, a1 + q, b2, b1);
    tail((w2 >> 8) * C, a2 + q, b3, b2);
    tail((w3 >> 8) * C, a3 + q, n, b3);
    return acc;
  }

  private scanGroupsRecordingWide(buf: Uint8Array, mask: Int32Array, hits: KeywordHits): void {
    const table = this.table;
    const cls = this.classOf;
    const C = this.classes;
    const first = this.firstAccept;
    const firstOff = this.firstAcceptOffset;
    const masks = this.groupMasks;
    const W = this.groupWords;
    hits.count = 0;
    let s = 0;
    for (let i = 0, n = buf.length; i < n; i++) {
      s = table[s + cls[buf[i]]];
      if (s >= firstOff) {
        const st = s / C;
        const o = (st - first) * W;
        for (let w = 0; w < W; w++) mask[w] |= masks[o + w];
        record(hits, i, st);
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
    const cls = this.classOf;
    const C = this.classes;
    const firstOff = this.firstAcceptOffset;
    let s = 0;
    for (let i = 0, n = buf.length; i < n; i++) {
      s = table[s + cls[buf[i]]];
      if (s >= firstOff) for (const id of this.outputs[s / C]!) found.add(id);
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

/** Byte classes of an automaton's transition table (states x 256): the bytes whose columns are equal in every state. */
interface ByteClasses {
  classOf: Uint8Array;
  /** each class's first byte */
  classRep: number[];
}

/**
 * The classes from the table itself: columns are found equal by a hash, then compared. Works for any table;
 * `keywordClasses` gives the same classes without reading it, where it can.
 */
export function columnClasses(table: Int32Array, n: number): ByteClasses {
  const classOf = new Uint8Array(256);
  const classRep: number[] = [];
  const byHash = new Map<number, number[]>();
  // every column's hash in one pass over the table in memory order (a column at a time strode 1 KiB per load)
  const hashes = new Int32Array(256);
  for (let s = 0; s < n; s++) {
    const row = s * 256;
    for (let b = 0; b < 256; b++) hashes[b] = (Math.imul(hashes[b]!, 31) + table[row + b]!) | 0;
  }
  for (let b = 0; b < 256; b++) {
    const h = hashes[b]!;
    const same = byHash.get(h);
    let c = -1;
    if (same) {
      for (const k of same) {
        const r = classRep[k]!;
        let eq = true;
        for (let s = 0; s < n && eq; s++) eq = table[s * 256 + b] === table[s * 256 + r];
        if (eq) {
          c = k;
          break;
        }
      }
    }
    if (c < 0) {
      c = classRep.length;
      classRep.push(b);
      if (same) same.push(c);
      else byHash.set(h, [c]);
    }
    classOf[b] = c;
  }
  return { classOf, classRep };
}

/**
 * The same classes from the keywords' bytes alone (`inKeyword[b]` is 1 for a byte some keyword holds), for the
 * table the constructor builds: an Aho-Corasick automaton of the keywords whose upper-case ASCII columns are then
 * copies of the lower-case ones. In such an automaton
 * - a byte no keyword holds goes to the root from every state: all such columns are equal (all zero);
 * - a byte a keyword holds labels a trie edge from some state s, where it goes one level deeper than s, and every
 *   other byte goes elsewhere (another child of s, or through s's failure link to a state no deeper than s): its
 *   column equals no other byte's;
 * - an upper-case letter's column is a copy of its lower-case letter's (also where a keyword holds the upper-case
 *   byte, which only a character whose lower case encodes to it in latin1 does: the copy replaced its column).
 * So the classes are: the bytes no keyword holds, one class per keyword byte with its upper-case letter, in order
 * of first byte. A property test holds this to `columnClasses`.
 */
export function keywordClasses(inKeyword: Uint8Array): ByteClasses {
  const classOf = new Uint8Array(256);
  const classRep: number[] = [];
  // the class of each keyword byte (its index), and of the bytes no keyword holds (256)
  const classOfKey = new Int16Array(257).fill(-1);
  for (let b = 0; b < 256; b++) {
    const lower = b >= 65 && b <= 90 ? b + 32 : b;
    const key = inKeyword[lower] ? lower : 256;
    if (classOfKey[key]! < 0) {
      classOfKey[key] = classRep.length;
      classRep.push(b);
    }
    classOf[b] = classOfKey[key]!;
  }
  return { classOf, classRep };
}
