/**
 * The part of TOML lock files need: `[[package]]` array tables and their string / boolean keys, subtables
 * (`[package.source]`) attached to the current package. Linear, line by line; multi-line arrays are skipped.
 * Cargo.lock and poetry.lock are machine-written, so this is enough: no inline tables or dotted keys are read.
 */
export interface TomlPackage {
  fields: Record<string, string | boolean | string[]>;
  /** subtable name (after "package.") -> its keys */
  sub: Record<string, Record<string, string | boolean | string[]>>;
}

function value(raw: string): string | boolean | string[] | undefined {
  const v = raw.trim();
  if (v === 'true') return true;
  if (v === 'false') return false;
  const s = /^"((?:[^"\\]|\\.)*)"/.exec(v) ?? /^'([^']*)'/.exec(v);
  if (s) return s[1]!.replace(/\\(["\\])/g, '$1');
  if (v.startsWith('[') && v.endsWith(']')) return [...v.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
  return undefined;
}

export function tomlPackages(text: string): TomlPackage[] {
  const out: TomlPackage[] = [];
  let cur: TomlPackage | undefined;
  let target: Record<string, string | boolean | string[]> | undefined;
  let inArray = false;
  for (const line0 of text.split(/\r?\n/)) {
    const line = line0.trim();
    if (inArray) {
      if (line.startsWith(']')) inArray = false;
      continue;
    }
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      if (/^\[\[\s*package\s*\]\]/.test(line)) {
        cur = { fields: {}, sub: {} };
        out.push(cur);
        target = cur.fields;
      } else {
        const m = /^\[\s*package\.([A-Za-z0-9_.-]+)\s*\]/.exec(line);
        if (m && cur) target = cur.sub[m[1]!] ??= {};
        else {
          target = undefined;
          if (!line.startsWith('[package')) cur = undefined;
        }
      }
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim().replace(/^"|"$/g, '');
    const raw = line.slice(eq + 1).trim();
    if (raw.startsWith('[') && !raw.includes(']')) {
      inArray = true;
      continue;
    }
    if (!target) continue;
    const v = value(raw);
    if (v !== undefined) target[key] = v;
  }
  return out;
}

/** `[metadata]` / top-level keys are not needed; a text with no package table and no TOML shape is rejected. */
export function assertToml(text: string, what: string): void {
  const first = text.split(/\r?\n/).find((l) => l.trim() && !l.trim().startsWith('#'));
  if (first !== undefined && !/^\s*(\[|[A-Za-z0-9_."-]+\s*=)/.test(first)) throw new Error(`not a TOML ${what}`);
}
