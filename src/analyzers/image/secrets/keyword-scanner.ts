/**
 * Case-insensitive multi-keyword search over raw bytes (an Aho-Corasick automaton compiled to a dense DFA):
 * one table lookup per byte, no string decoding. It is the secrets prefilter: most files contain none of the
 * keywords and are rejected without a string ever being made of them.
 */
export class KeywordScanner {
  private readonly table: Int32Array;
  /** per state: the keyword ids that end there (including via failure links) */
  private readonly outputs: Array<number[] | undefined>;
  private readonly accept: Uint8Array;
  readonly keywords: string[];

  constructor(keywords: string[]) {
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
    this.table = table;
    this.outputs = out.map((o) => (o.length ? [...new Set(o)] : undefined));
    this.accept = Uint8Array.from(out.map((o) => (o.length ? 1 : 0)));
  }

  /** the ids of the keywords present in `buf` */
  scan(buf: Uint8Array): Set<number> {
    const found = new Set<number>();
    const table = this.table;
    const accept = this.accept;
    let s = 0;
    for (let i = 0, n = buf.length; i < n; i++) {
      s = table[(s << 8) | buf[i]];
      if (accept[s] === 1) for (const id of this.outputs[s]!) found.add(id);
    }
    return found;
  }
}
