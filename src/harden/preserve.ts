/**
 * Keep the original text of every line the hardening did not change. The yaml library re-renders a whole
 * document (comment spacing, `key: # comment` placement, ...); this maps the re-rendered lines back to
 * the original ones: original A, untouched re-render B, hardened re-render C. Lines common to B and C are
 * emitted from A; only B→C edits come from the re-render.
 */
import { diffArrays } from 'diff';

export function preserveOriginal(original: string, roundtrip: string, hardened: string): string {
  const A = original.split('\n');
  const B = roundtrip.split('\n');
  const C = hardened.split('\n');
  // align A and B
  const mapBA: Array<number | undefined> = new Array(B.length).fill(undefined);
  const blockEnd: Array<number | undefined> = new Array(B.length).fill(undefined);
  const aMapped = new Array<boolean>(A.length).fill(false);
  let ai = 0;
  let bi = 0;
  const parts = diffArrays(A, B);
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    const n = part.value.length;
    if (!part.added && !part.removed) {
      for (let k = 0; k < n; k++) {
        mapBA[bi + k] = ai + k;
        aMapped[ai + k] = true;
      }
      ai += n;
      bi += n;
    } else if (part.removed) {
      const next = parts[p + 1];
      if (next?.added) {
        // cosmetic change block: pair lines in order; the last mapped B line carries the rest of A's block
        const m = next.value.length;
        const pairs = Math.min(n, m);
        for (let k = 0; k < pairs; k++) {
          mapBA[bi + k] = ai + k;
          aMapped[ai + k] = true;
        }
        if (pairs > 0) blockEnd[bi + pairs - 1] = ai + n - 1;
        ai += n;
        bi += m;
        p++;
      } else ai += n;
    } else bi += n;
  }
  // indentation the original uses where the re-render differs (e.g. 4-space keys with un-indented
  // sequences, which the renderer cannot reproduce): learned per (rendered indent, is-sequence-item)
  const ind = (l: string) => /^ */.exec(l)![0].length;
  const isItem = (l: string) => /^ *- /.test(l) || /^ *-$/.test(l);
  const delta = new Map<string, number>();
  B.forEach((l, i) => {
    const j = mapBA[i];
    if (j === undefined || l.trim() === '' || l.trim().startsWith('#')) return;
    const k = `${ind(l)}|${isItem(l)}`;
    if (!delta.has(k)) delta.set(k, ind(A[j]!) - ind(l));
  });
  const reindent = (l: string): string => {
    const d = delta.get(`${ind(l)}|${isItem(l)}`) ?? 0;
    if (d === 0 || l.trim() === '') return l;
    return ' '.repeat(Math.max(0, ind(l) + d)) + l.trimStart();
  };
  const out: string[] = [];
  let lastA = -1;
  const emitA = (j: number, end?: number) => {
    for (let x = lastA + 1; x < j; x++) if (!aMapped[x]) out.push(A[x]!);
    const stop = end ?? j;
    for (let x = j; x <= stop; x++) out.push(A[x]!);
    lastA = Math.max(lastA, stop);
  };
  const skipA = (j: number, end?: number) => {
    for (let x = lastA + 1; x < j; x++) if (!aMapped[x]) out.push(A[x]!);
    lastA = Math.max(lastA, end ?? j);
  };
  bi = 0;
  for (const part of diffArrays(B, C)) {
    const n = part.value.length;
    if (part.added) {
      out.push(...part.value.map(reindent));
      continue;
    }
    for (let k = 0; k < n; k++, bi++) {
      const j = mapBA[bi];
      if (j === undefined || j <= lastA) continue;
      if (part.removed) skipA(j, blockEnd[bi]);
      else emitA(j, blockEnd[bi]);
    }
  }
  for (let x = lastA + 1; x < A.length; x++) if (!aMapped[x]) out.push(A[x]!);
  return out.join('\n');
}
