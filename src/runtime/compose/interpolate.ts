/**
 * Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`,
 * `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`, nested (`${A:-${B}}`) and `$$` escapes.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../../core/errors.js';

export type Env = Record<string, string | undefined>;

export class InterpolationError extends Error {}

/** Interpolate one string. Throws InterpolationError for `:?`/`?` on unset variables or bad syntax. */
export function interpolate(s: string, env: Env, depth = 0): string {
  if (depth > 20) throw new InterpolationError('variable substitution nested too deeply');
  if (!s.includes('$')) return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const n = s[i + 1];
    if (n === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (n === '{') {
      // find the matching brace (nesting)
      let d = 1;
      let j = i + 2;
      while (j < s.length && d > 0) {
        if (s[j] === '$' && s[j + 1] === '$') {
          j += 2;
          continue;
        }
        if (s[j] === '{') d++;
        else if (s[j] === '}') d--;
        if (d > 0) j++;
      }
      if (d !== 0) throw new InterpolationError(`invalid interpolation format for '${s}': missing '}'`);
      const body = s.slice(i + 2, j);
      out += expand(body, env, depth, s);
      i = j + 1;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i + 1));
    if (m) {
      out += env[m[0]] ?? '';
      i += 1 + m[0].length;
      continue;
    }
    // a lone '$' (e.g. at the end, or before a non-name character) stays literal
    out += '$';
    i++;
  }
  return out;
}

function expand(body: string, env: Env, depth: number, whole: string): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(body);
  if (!m) throw new InterpolationError(`invalid interpolation format for '${whole}': '\${${body}}'`);
  const [, name, op, arg = ''] = m as unknown as [string, string, string | undefined, string | undefined];
  const v = env[name];
  const unsetOrEmpty = v === undefined || v === '';
  switch (op) {
    case undefined:
      return v ?? '';
    case ':-':
      return unsetOrEmpty ? interpolate(arg, env, depth + 1) : v!;
    case '-':
      return v === undefined ? interpolate(arg, env, depth + 1) : v;
    case ':?':
      if (unsetOrEmpty) throw new InterpolationError(`required variable ${name} is missing a value: ${interpolate(arg, env, depth + 1)}`);
      return v!;
    case '?':
      if (v === undefined) throw new InterpolationError(`required variable ${name} is missing a value: ${interpolate(arg, env, depth + 1)}`);
      return v;
    case ':+':
      return unsetOrEmpty ? '' : interpolate(arg, env, depth + 1);
    case '+':
      return v === undefined ? '' : interpolate(arg, env, depth + 1);
    default:
      throw new InterpolationError(`invalid interpolation format for '${whole}'`);
  }
}

/**
 * Parse a compose `.env` file: `K=V`, `export K=V`, quotes ('...' literal, "..." with escapes and
 * interpolation), inline ` #` comments for unquoted values, `K` alone = empty.
 */
export function parseDotEnv(text: string, file: string, base: Env = {}): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('export ')) line = line.slice(7).trim();
    const eq = line.indexOf('=');
    const name = (eq >= 0 ? line.slice(0, eq) : line).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) throw new InputError(`${file}:${n + 1}: invalid variable name '${name}'`);
    let value = eq >= 0 ? line.slice(eq + 1).trim() : '';
    const lookup: Env = { ...base, ...out };
    if (value.startsWith("'")) {
      const end = value.indexOf("'", 1);
      if (end < 0) throw new InputError(`${file}:${n + 1}: unterminated quote`);
      value = value.slice(1, end);
    } else if (value.startsWith('"')) {
      // may span lines
      let acc = value.slice(1);
      while (!/(^|[^\\])"/.test(acc)) {
        if (++n >= lines.length) throw new InputError(`${file}: unterminated quote for ${name}`);
        acc += '\n' + lines[n];
      }
      const end = acc.search(/(^|[^\\])"/);
      const raw = acc.slice(0, end + (acc[end] === '"' ? 0 : 1));
      value = raw.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      try {
        value = interpolate(value, lookup);
      } catch (e) {
        throw new InputError(`${file}:${n + 1}: ${(e as Error).message}`);
      }
    } else {
      const hash = value.search(/\s#/);
      if (hash >= 0) value = value.slice(0, hash).trim();
      try {
        value = interpolate(value, lookup);
      } catch (e) {
        throw new InputError(`${file}:${n + 1}: ${(e as Error).message}`);
      }
    }
    out[name] = value;
  }
  return out;
}

export function readDotEnv(path: string, base: Env = {}): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read env file ${path}: ${(e as Error).message}`);
  }
  return parseDotEnv(text, path, base);
}
