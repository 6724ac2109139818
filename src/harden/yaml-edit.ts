/**
 * Editing a YAML document in place for `harden compose` and `harden k8s`: find the node a spec field came
 * from (the front ends record file:line:column for every value), add or replace keys, add comments, and
 * render the result keeping every untouched line verbatim (preserve.ts).
 */
import { isMap, isPair, isScalar, isSeq, visit, Scalar, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { SourceRef } from '../runtime/model.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = any;

export interface PairHit {
  kind: 'pair';
  pair: Pair<J, J>;
  map: YAMLMap;
}
export interface ItemHit {
  kind: 'item';
  node: Node;
  seq: YAMLSeq;
  index: number;
}

/** Every key and sequence item of a document by the offset where it starts. */
export class NodeIndex {
  private readonly pairs = new Map<number, PairHit>();
  private readonly items = new Map<number, ItemHit>();
  private readonly lineStarts: number[] = [0];
  constructor(
    doc: Document,
    text: string,
    /** offset of this document's text in the file (multi-document files) */
    private readonly base = 0,
  ) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    visit(doc, {
      Pair: (_k, pair, path) => {
        const map = path[path.length - 1];
        const r = (pair.key as Node | null)?.range;
        if (r && isMap(map)) this.pairs.set(r[0], { kind: 'pair', pair: pair as Pair<J, J>, map });
      },
      Node: (k, node, path) => {
        const seq = path[path.length - 1];
        if (typeof k === 'number' && isSeq(seq) && node.range) this.items.set(node.range[0], { kind: 'item', node, seq, index: k });
      },
    });
  }
  /** offset in the whole file of a 1-based line and column */
  offset(line: number, column: number): number {
    return (this.lineStarts[line - 1] ?? 0) + column - 1;
  }
  /** the key (`item` false) or sequence item (`item` true) a location points at (a map item starts where its first key does) */
  at(ref: SourceRef | undefined, file: string, item = false): PairHit | ItemHit | undefined {
    if (!ref || ref.file !== file || !ref.line || !ref.column) return undefined;
    const o = this.offset(ref.line, ref.column) - this.base;
    return item ? (this.items.get(o) ?? this.pairs.get(o)) : (this.pairs.get(o) ?? this.items.get(o));
  }
}

/** Is `node` (a key or item) inside the range of `container`? (Values merged from an anchor are not.) */
export function inside(node: Node | null | undefined, container: Node): boolean {
  const r = node?.range;
  const c = container.range;
  return !!r && !!c && r[0] >= c[0] && r[0] < c[2];
}

export function ownPair(map: YAMLMap, key: string): Pair<Scalar, J> | undefined {
  return map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair<Scalar, J> | undefined;
}

export function addComment(node: Node | Scalar, text: string): void {
  const c = text
    .split('\n')
    .map((l) => ` ${l}`)
    .join('\n');
  if (node.commentBefore?.includes(c.trim())) return;
  node.commentBefore = node.commentBefore ? `${node.commentBefore}\n${c}` : c;
}

/** set `key` in `map`: the value of an own pair is replaced, else a pair is appended; returns the key node */
export function setKey(doc: Document, map: YAMLMap, key: string, value: unknown, flow = false): Scalar {
  const node = doc.createNode(value, { flow });
  const own = ownPair(map, key);
  if (own) {
    own.value = node;
    return own.key;
  }
  const k = doc.createNode(key) as Scalar;
  map.items.push(doc.createPair(k, node) as Pair<J, J>);
  return k;
}

/** the map at `path` under `map`, created (block style) when missing */
export function ensureMap(doc: Document, map: YAMLMap, path: string[]): YAMLMap {
  let cur = map;
  for (const k of path) {
    const own = ownPair(cur, k);
    if (own && isMap(own.value)) {
      cur = own.value as YAMLMap;
      continue;
    }
    const m = doc.createNode({}) as YAMLMap;
    m.flow = false;
    if (own) own.value = m;
    else cur.items.push(doc.createPair(doc.createNode(k), m) as Pair<J, J>);
    cur = m;
  }
  return cur;
}

/** the sequence at key `key` of `map`, created when missing */
export function ensureSeq(doc: Document, map: YAMLMap, key: string, flow = false): YAMLSeq {
  const own = ownPair(map, key);
  if (own && isSeq(own.value)) return own.value as YAMLSeq;
  const s = doc.createNode([], { flow }) as YAMLSeq;
  if (own) own.value = s;
  else map.items.push(doc.createPair(doc.createNode(key), s) as Pair<J, J>);
  return s;
}

/** Indentation style of a text: spaces per level, and whether sequences are indented under their key. */
export function detectStyle(text: string): { indent: number; indentSeq: boolean } {
  const lines = text.split(/\r?\n/);
  let indent = 2;
  let indentSeq = true;
  for (let i = 0; i < lines.length - 1 && i < 5000; i++) {
    const m = /^(\s*)[^\s#-][^:]*:\s*$/.exec(lines[i]!);
    if (!m) continue;
    let next: string | undefined;
    for (let j = i + 1; j < lines.length && j < i + 50; j++) {
      const l = lines[j]!;
      if (l.trim() !== '' && !l.trim().startsWith('#')) {
        next = l;
        break;
      }
    }
    if (!next) continue;
    const n = /^(\s*)(-\s)?/.exec(next)!;
    const d = n[1]!.length - m[1]!.length;
    if (n[2] && d === 0) indentSeq = false;
    if (!n[2] && d > 0 && m[1]!.length === 0) indent = d;
  }
  return { indent, indentSeq };
}

export { isMap, isScalar, isSeq, isPair };
