/**
 * The fuzzing contract: a target is one file in fuzz/targets/ doing `export default defineTarget({...})` plus one
 * line in fuzz/targets/index.ts. A target has an input generator (fast-check: mutations of its seed corpus in
 * fuzz/corpus/<name>/, random bytes, or a grammar), a `run` that feeds one input to the code under test, and
 * `expected`: the errors that are the documented refusal of bad input (by default Bulwark's UserError family,
 * which the CLI prints as one line, exit 2). Anything else thrown is a crash; an input that takes over 1 s is a
 * hang; a heap over 512 MB is a blow-up (see runner.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import fc from 'fast-check';
import { UserError } from '../src/core/errors.js';

export interface FuzzTarget<T = unknown> {
  name: string;
  about: string;
  /** the inputs (called once, lazily: corpus files are read then) */
  input(): fc.Arbitrary<T>;
  run(input: T): void | Promise<void>;
  /** one-off work before the timed runs (compiling schemas, ...) */
  setup?(): void | Promise<void>;
  /** refusals of bad input that are not crashes (default: UserError and its subclasses) */
  expected?(e: unknown): boolean;
  /** JSON form of an input for regression files (default: Buffer <-> {base64}, string, or JSON as is) */
  encode?(input: T): unknown;
  decode?(json: unknown): T;
}

export function defineTarget<T>(t: FuzzTarget<T>): FuzzTarget<T> {
  return t;
}

export const isUserError = (e: unknown): boolean => e instanceof UserError;

export function encodeDefault(v: unknown): unknown {
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return { base64: Buffer.from(v).toString('base64') };
  return v;
}

export function decodeDefault(j: unknown): unknown {
  if (j && typeof j === 'object' && 'base64' in (j as object)) return Buffer.from((j as { base64: string }).base64, 'base64');
  return j;
}

const CORPUS = new URL('./corpus/', import.meta.url);

/** The seed corpus of a target: every file in fuzz/corpus/<name>/ (sorted, so runs are reproducible). */
export function corpus(name: string): Buffer[] {
  const dir = new URL(`${name}/`, CORPUS);
  const out: Buffer[] = [];
  for (const f of readdirSync(dir).sort()) {
    const p = new URL(f, dir);
    if (f.endsWith('.md') || !statSync(p).isFile()) continue;
    out.push(readFileSync(p));
  }
  if (out.length === 0) throw new Error(`fuzz/corpus/${name}/ is empty`);
  return out;
}

/** Bytes that often sit on parser boundaries. */
const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x0a, 0x0d, 0x09, 0x20, 0x22, 0x27, 0x5c, 0x24, 0x7b, 0x7d, 0x3a, 0x3d, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x39, 0x23, 0x40, 0x5b, 0x5d, 0x3c, 0x3e];

type Op =
  | { k: 'flip'; at: number; bit: number }
  | { k: 'set'; at: number; byte: number }
  | { k: 'insert'; at: number; bytes: Uint8Array }
  | { k: 'token'; at: number; token: number }
  | { k: 'delete'; at: number; len: number }
  | { k: 'dup'; at: number; len: number; to: number; times: number }
  | { k: 'splice'; at: number; seed: number; from: number; len: number }
  | { k: 'truncate'; at: number };

function opArb(dictionary: string[]): fc.Arbitrary<Op> {
  const at = fc.nat();
  const ops: Array<fc.Arbitrary<Op>> = [
    fc.record({ k: fc.constant('flip' as const), at, bit: fc.nat(7) }),
    fc.record({ k: fc.constant('set' as const), at, byte: fc.oneof(fc.constantFrom(...INTERESTING), fc.nat(255)) }),
    fc.record({ k: fc.constant('insert' as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
    fc.record({ k: fc.constant('delete' as const), at, len: fc.integer({ min: 1, max: 64 }) }),
    fc.record({ k: fc.constant('dup' as const), at, len: fc.integer({ min: 1, max: 256 }), to: fc.nat(), times: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ k: fc.constant('splice' as const), at, seed: fc.nat(), from: fc.nat(), len: fc.integer({ min: 1, max: 512 }) }),
    fc.record({ k: fc.constant('truncate' as const), at }),
  ];
  if (dictionary.length) ops.push(fc.record({ k: fc.constant('token' as const), at, token: fc.nat(dictionary.length - 1) }));
  return fc.oneof(...ops);
}

function applyOps(seeds: Buffer[], base: Buffer, ops: Op[], dict: Buffer[]): Buffer {
  let b = Buffer.from(base);
  for (const op of ops) {
    const n = b.length;
    const pos = n ? op.at % (n + 1) : 0;
    switch (op.k) {
      case 'flip':
        if (n) b[pos % n]! ^= 1 << op.bit;
        break;
      case 'set':
        if (n) b[pos % n] = op.byte;
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, pos), op.bytes, b.subarray(pos)]);
        break;
      case 'token':
        b = Buffer.concat([b.subarray(0, pos), dict[op.token]!, b.subarray(pos)]);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, pos), b.subarray(pos + op.len)]);
        break;
      case 'dup': {
        const chunk = b.subarray(pos, pos + op.len);
        const to = n ? op.to % (n + 1) : 0;
        b = Buffer.concat([b.subarray(0, to), ...Array<Buffer>(op.times).fill(chunk), b.subarray(to)]);
        break;
      }
      case 'splice': {
        const other = seeds[op.seed % seeds.length]!;
        const from = other.length ? op.from % other.length : 0;
        b = Buffer.concat([b.subarray(0, pos), other.subarray(from, from + op.len), b.subarray(pos)]);
        break;
      }
      case 'truncate':
        b = b.subarray(0, pos);
        break;
    }
    if (b.length > 4 * 1024 * 1024) b = b.subarray(0, 4 * 1024 * 1024);
  }
  return b;
}

/**
 * Byte inputs: a seed with 0-8 mutations (bit flips, interesting bytes, dictionary tokens, deletions,
 * repeated chunks, splices of another seed, truncation), with some unmodified seeds and some random bytes.
 */
export function mutatedBytes(seeds: Buffer[], dictionary: string[] = []): fc.Arbitrary<Buffer> {
  const dict = dictionary.map((t) => Buffer.from(t, 'latin1'));
  return fc.oneof(
    { weight: 1, arbitrary: fc.nat(seeds.length - 1).map((i) => seeds[i]!) },
    {
      weight: 12,
      arbitrary: fc.tuple(fc.nat(seeds.length - 1), fc.array(opArb(dictionary), { minLength: 1, maxLength: 8 })).map(([i, ops]) => applyOps(seeds, seeds[i]!, ops, dict)),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((u) => Buffer.from(u)) },
  );
}

/** Text inputs: mutated seed bytes decoded as UTF-8 (so invalid sequences become U+FFFD), plus random strings. */
export function mutatedText(seeds: Buffer[], dictionary: string[] = []): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 10, arbitrary: mutatedBytes(seeds, dictionary).map((b) => b.toString('utf8')) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 512 }) },
  );
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** every (container, key) pair of a JSON document, in document order */
function slots(doc: Json, out: Array<[Json[] | Record<string, Json>, string | number]> = []): Array<[Json[] | Record<string, Json>, string | number]> {
  if (Array.isArray(doc)) doc.forEach((v, i) => (out.push([doc, i]), slots(v, out)));
  else if (doc && typeof doc === 'object') for (const k of Object.keys(doc)) out.push([doc, k]), slots(doc[k]!, out);
  return out;
}

type JsonOp = { k: 'replace'; at: number; value: Json } | { k: 'delete'; at: number } | { k: 'copy'; at: number; from: number } | { k: 'wrap'; at: number };

const leaf = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1e308, -0.5, '', ' ', '0', '-1', '1.0', '*', '<1.2.3', '>=0', 'null', '\u0000', 'a'.repeat(300), [], {}),
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double(),
);
const jsonOp: fc.Arbitrary<JsonOp> = fc.oneof(
  fc.record({ k: fc.constant('replace' as const), at: fc.nat(), value: fc.oneof({ weight: 4, arbitrary: leaf }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> }) }),
  fc.record({ k: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ k: fc.constant('copy' as const), at: fc.nat(), from: fc.nat() }),
  fc.record({ k: fc.constant('wrap' as const), at: fc.nat() }),
);

/**
 * JSON documents: a seed parsed, then 1-6 structural mutations (replace any value by an odd leaf or a random
 * document, delete a key or item, copy one subtree over another, wrap a value in an array): shapes the
 * importers and readers must survive, which byte mutation rarely reaches (it mostly breaks the syntax).
 */
export function mutatedJson(seeds: Buffer[]): fc.Arbitrary<unknown> {
  const docs = seeds.map((s) => s.toString('utf8'));
  return fc.tuple(fc.nat(docs.length - 1), fc.array(jsonOp, { minLength: 0, maxLength: 6 })).map(([i, ops]) => {
    let doc = JSON.parse(docs[i]!) as Json;
    for (const op of ops) {
      const all = slots(doc);
      if (all.length === 0) {
        if (op.k === 'replace') doc = op.value;
        continue;
      }
      const [c, k] = all[op.at % all.length]!;
      const set = (v: Json | undefined) => {
        if (Array.isArray(c)) {
          if (v === undefined) c.splice(k as number, 1);
          else c[k as number] = v;
        } else if (v === undefined) delete c[k as string];
        else c[k as string] = v;
      };
      const get = (): Json => (Array.isArray(c) ? c[k as number]! : c[k as string]!);
      if (op.k === 'replace') set(op.value);
      else if (op.k === 'delete') set(undefined);
      else if (op.k === 'wrap') set([get()]);
      else {
        const [c2, k2] = all[op.from % all.length]!;
        const v = Array.isArray(c2) ? c2[k2 as number] : c2[k2 as string];
        if (v !== undefined && v !== c) set(JSON.parse(JSON.stringify(v)) as Json);
      }
    }
    return doc;
  });
}

/** JSON texts: structurally mutated documents, serialised, sometimes then byte-mutated */
export function mutatedJsonText(seeds: Buffer[]): fc.Arbitrary<string> {
  const docs = mutatedJson(seeds).map((d) => JSON.stringify(d) ?? 'null');
  return fc.oneof({ weight: 4, arbitrary: docs }, { weight: 1, arbitrary: docs.chain((t) => mutatedText([Buffer.from(t)], ['{', '}', '[', ']', '"', ',', ':', 'null', '1e999', '\\u0000'])) });
}

/** errors a parser of JSON or YAML text throws on bad syntax */
export const isSyntaxError = (e: unknown): boolean => e instanceof SyntaxError || /^YAML/.test((e as Error)?.name ?? '');
