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
import { LineCounter, parseAllDocuments, parseDocument, type Document } from 'yaml';
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
