/** Reads the published version test vectors committed under test/fixtures/versions/. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'versions');

export interface Row {
  /** 1-based line number in the fixture file */
  line: number;
  fields: string[];
  raw: string;
}

/** Data lines of a fixture (header/comment lines starting with '#' and blank lines skipped). */
export function readRows(name: string, opts: { stripComments?: boolean; separator?: RegExp | string } = {}): Row[] {
  const text = readFileSync(join(FIXTURES, name), 'utf8');
  const rows: Row[] = [];
  text.split('\n').forEach((raw, i) => {
    let l = raw;
    if (l.trimStart().startsWith('#') || l.trim() === '') return;
    if (opts.stripComments) l = l.replace(/\s#.*$/, '');
    const fields = l.trim().split(opts.separator ?? /\s+/).map(unescapeField);
    rows.push({ line: i + 1, fields, raw });
  });
  return rows;
}

function unescapeField(f: string): string {
  if (f === '<empty>') return '';
  return f.replace(/<sp>/g, ' ').replace(/<tab>/g, '\t');
}

/** Vectors listed in EXCLUDED.md as "file:line" keys. */
export function excluded(): Set<string> {
  const text = readFileSync(join(FIXTURES, 'EXCLUDED.md'), 'utf8');
  const out = new Set<string>();
  for (const m of text.matchAll(/`([\w.+-]+\.(?:data|tsv|txt)):(\d+)`/g)) out.add(`${m[1]}:${m[2]}`);
  return out;
}

export function sign(n: number): number {
  return n > 0 ? 1 : n < 0 ? -1 : 0;
}

export const OPS: Record<string, number> = { '<': -1, '=': 0, '>': 1, '-1': -1, '0': 0, '1': 1 };
