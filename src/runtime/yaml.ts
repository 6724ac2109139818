/**
 * Reading untrusted YAML for the runtime stage (compose files, Kubernetes manifests, the files `harden`
 * edits): one place for the caps every reader applies.
 *
 * - the file must be a regular file under a size cap, read as text; NUL and other C0 control bytes mean
 *   binary input, refused before parsing;
 * - duplicate keys are found by the callers' own walks (a Set per mapping: linear), not by the yaml
 *   library's `uniqueKeys`, which compares every key with every other one of the same mapping (a
 *   10,000-service file spent seconds there);
 * - nesting deeper than the parser can recurse is reported as such (the library turns its own stack
 *   overflow into a parse error whose message means nothing to a user);
 * - aliases are expanded under a budget (`maxAliasCount`), so a billion-laughs file ends in an error.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, visit, type Alias, type Document, type Node } from 'yaml';
import { InputError } from '../core/errors.js';

/** Nesting our own walkers accept (real compose files and manifests stay well under 30). */
export const MAX_YAML_DEPTH = 200;

/**
 * Read a text file for a YAML reader: a clear error (with the path) for a directory, a missing or
 * unreadable file, one over `maxBytes`, or binary content.
 */
export function readYamlText(file: string, what: string, maxBytes: number): string {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new InputError(`${file}: is a directory, not a ${what} (give the file itself)`);
    if (!st.isFile()) throw new InputError(`${file}: not a regular file (a ${what} is read from a regular file)`);
    size = st.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read ${what} ${file}: ${(e as Error).message}`);
  }
  if (size > maxBytes) throw new InputError(`${file}: ${what} is ${size} bytes, larger than the ${maxBytes}-byte limit`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${what} ${file}: ${(e as Error).message}`);
  }
  checkText(text, file, what);
  return text;
}

/** Binary input (NUL or other C0 control characters YAML does not allow) is refused, naming the line. */
export function checkText(text: string, file: string, what: string): void {
  const m = /[\u0000-\u0008\u000e-\u001f]/.exec(text);
  if (!m) return;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
  throw new InputError(`${file}:${line}: binary data (control character 0x${m[0].charCodeAt(0).toString(16).padStart(2, '0')}), not a ${what}`);
}

export interface ParsedYaml {
  docs: Document[];
  lc: LineCounter;
}

const PARSE_OPTS = { merge: true, prettyErrors: false, keepSourceTokens: false, uniqueKeys: false } as const;

/** The message a user sees for a yaml library error at `offset`. */
function yamlError(file: string, lc: LineCounter, offset: number, message: string): InputError {
  const p = lc.linePos(offset);
  if (/Maximum call stack size exceeded/.test(message)) {
    return new InputError(`${file}:${p.line}:${p.col}: YAML nested too deeply (more levels than the parser can follow; real files nest a few dozen at most)`);
  }
  return new InputError(`${file}:${p.line}:${p.col}: invalid YAML: ${message.split('\n')[0]}`);
}

/** Parse a single-document file (compose). Errors name file:line:column. */
export function parseYamlDocument(text: string, file: string): { doc: Document; lc: LineCounter } {
  const lc = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { ...PARSE_OPTS, lineCounter: lc });
  } catch (e) {
    if (e instanceof RangeError) throw yamlError(file, lc, 0, e.message);
    throw e;
  }
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw yamlError(file, lc, e.pos[0], e.message);
  }
  return { doc, lc };
}

/**
 * Parse every document of a multi-document stream (Kubernetes manifests, rendered Helm output), at most
 * `maxDocs` of them. Errors name file:line:column.
 */
export function parseYamlDocuments(text: string, file: string, maxDocs: number): ParsedYaml {
  // count document markers first: parsing 100,000 empty documents only to refuse them is wasted time
  let markers = 0;
  for (let i = text.indexOf('---'); i >= 0; i = text.indexOf('---', i + 3)) {
    if ((i === 0 || text[i - 1] === '\n') && (i + 3 >= text.length || /[\s]/.test(text[i + 3]!))) markers++;
  }
  if (markers > maxDocs) throw new InputError(`${file}: more than ${maxDocs} YAML documents (${markers} '---' separators); split the file`);
  const lc = new LineCounter();
  let docs: Document[];
  try {
    const r = parseAllDocuments(text, { ...PARSE_OPTS, lineCounter: lc });
    docs = Array.isArray(r) ? r : [];
  } catch (e) {
    if (e instanceof RangeError) throw yamlError(file, lc, 0, e.message);
    throw e;
  }
  if (docs.length > maxDocs) throw new InputError(`${file}: more than ${maxDocs} YAML documents; split the file`);
  for (const d of docs) {
    if (d.errors.length) {
      const e = d.errors[0]!;
      throw yamlError(file, lc, e.pos[0], e.message);
    }
  }
  return { docs, lc };
}

/** `doc.toJS` under the alias budget; a RangeError (alias bomb, depth) becomes a clear error. */
export function toJSBounded(doc: Document, file: string, maxAliasCount: number): unknown {
  try {
    return doc.toJS({ maxAliasCount });
  } catch (e) {
    const msg = (e as Error).message;
    if (/Maximum call stack size exceeded/.test(msg)) throw new InputError(`${file}: YAML nested too deeply`);
    throw new InputError(`${file}: ${msg}`);
  }
}

// ---------------------------------------------------------------- plain data with positions

export interface Pos {
  file: string;
  line: number;
  column: number;
}

/** path (joined by NUL) → position of the key (maps) or item (sequences) */
export const PK = (path: Array<string | number>): string => path.join('\u0000');

export interface YamlData {
  data: unknown;
  pos: Map<string, Pos>;
  /** paths tagged !reset / !override (compose merge tags) */
  reset: Set<string>;
  override: Set<string>;
}

/**
 * A document as plain data, with the position of every key and item, built in one walk. Aliases are
 * expanded under a budget proportional to the document (so a billion-laughs file stops early, while a
 * big file that merges one anchor into every service does not), each alias is found through an index
 * of anchors (the yaml library looks every alias up by scanning all of them), `<<` merge keys follow
 * YAML 1.1 (explicit keys win; among merged maps, the first wins), and a repeated key is an error.
 */
export function yamlData(doc: Document, lc: LineCounter, file: string, opts: { positions?: boolean; maxDepth?: number } = {}): YamlData {
  const positions = opts.positions ?? true;
  const maxDepth = opts.maxDepth ?? MAX_YAML_DEPTH;
  const anchors = new Map<string, Node[]>();
  let sourceNodes = 0;
  visit(doc, {
    Node(_k, n) {
      sourceNodes++;
      const a = (n as Node & { anchor?: string }).anchor;
      if (a) {
        const list = anchors.get(a);
        if (list) list.push(n as Node);
        else anchors.set(a, [n as Node]);
      }
    },
  });
  const budget = 100_000 + 4 * sourceNodes;
  let count = 0;
  const pos = new Map<string, Pos>();
  const reset = new Set<string>();
  const override = new Set<string>();
  const at = (offset: number): Pos => {
    const p = lc.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  const record = (path: Array<string | number>, node: { range?: [number, number, number] | null } | null | undefined) => {
    if (!positions || !node?.range) return;
    const k = PK(path);
    if (!pos.has(k)) pos.set(k, at(node.range[0]));
  };
  /** the anchor an alias refers to: the last one of that name defined before it */
  const resolveAlias = (al: Alias): Node => {
    const list = anchors.get(al.source);
    const where = al.range?.[0] ?? Infinity;
    let best: Node | undefined;
    if (list) for (const n of list) if ((n.range?.[0] ?? 0) < where) best = n;
    if (!best) {
      const p = at(al.range?.[0] ?? 0);
      throw new InputError(`${file}:${p.line}:${p.column}: invalid YAML: unresolved alias *${al.source} (the anchor must come first)`);
    }
    return best;
  };
  const keyOf = (key: unknown, path: Array<string | number>, depth: number): string => {
    if (isScalar(key)) return key.value === null || key.value === undefined ? '' : String(key.value);
    if (key === null || key === undefined) return '';
    return JSON.stringify(value(key, path, depth + 1));
  };
  const setKey = (obj: Record<string, unknown>, k: string, v: unknown) => {
    if (k === '__proto__') Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
    else obj[k] = v;
  };
  const value = (node: unknown, path: Array<string | number>, depth: number): unknown => {
    if (++count > budget) throw new InputError(`${file}: YAML aliases expand to more than ${budget} nodes (a resource exhaustion attack?)`);
    if (depth > maxDepth) throw new InputError(`${file}: nesting deeper than ${maxDepth} levels`);
    if (isAlias(node)) return value(resolveAlias(node), path, depth + 1);
    const n = node as Node | null;
    if (n && (n as { tag?: string }).tag === '!reset') reset.add(PK(path));
    if (n && (n as { tag?: string }).tag === '!override') override.add(PK(path));
    if (isScalar(n)) return n.value;
    if (isSeq(n)) {
      const out: unknown[] = new Array(n.items.length);
      for (let i = 0; i < n.items.length; i++) {
        const item = n.items[i] as Node | null;
        record([...path, i], item);
        out[i] = value(item, [...path, i], depth + 1);
      }
      return out;
    }
    if (isMap(n)) {
      const obj: Record<string, unknown> = {};
      const seen = new Set<string>();
      const merges: unknown[] = [];
      for (const pair of n.items) {
        if (!isPair(pair)) continue;
        const kv = isScalar(pair.key) ? pair.key.value : undefined;
        if ((typeof kv === 'symbol' || kv === '<<') && (typeof kv === 'symbol' || (pair.key as { source?: string }).source === '<<')) {
          merges.push(pair.value);
          continue;
        }
        const k = keyOf(pair.key, path, depth);
        if (seen.has(k)) {
          const p = at((pair.key as Node | null)?.range?.[0] ?? 0);
          throw new InputError(`${file}:${p.line}:${p.column}: invalid YAML: Map keys must be unique ('${k.slice(0, 80)}' is repeated)`);
        }
        seen.add(k);
        record([...path, k], pair.key as Node | null);
        setKey(obj, k, value(pair.value, [...path, k], depth + 1));
      }
      for (const m of merges) {
        const srcs = isSeq(m) ? m.items : [m];
        for (const src of srcs) {
          const t = isAlias(src) ? resolveAlias(src) : (src as Node | null);
          if (!isMap(t)) continue;
          // the merged map's own value (its own merges applied), located at the anchor that defines it
          const mv = value(t, path, depth + 1) as Record<string, unknown>;
          for (const k of Object.keys(mv)) {
            if (seen.has(k)) continue;
            seen.add(k);
            setKey(obj, k, mv[k]);
          }
        }
      }
      return obj;
    }
    if (n === null || n === undefined) return null;
    return (n as { toJSON?: () => unknown }).toJSON?.() ?? null;
  };
  const data = value(doc.contents, [], 0);
  return { data, pos, reset, override };
}
