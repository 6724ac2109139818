/** Dockerfile variable substitution: $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:+alt}, ${VAR+alt}. */

export interface Expanded {
  value: string;
  /** true when a variable had no known value (the result then keeps the reference as written) */
  unresolved: boolean;
  /** true when a limit stopped the substitution (the value is then cut, or the input as written) */
  limited?: boolean;
}

/** What variable lookups need: a Map, or a layered view of several. */
export interface VarLookup {
  has(name: string): boolean;
  get(name: string): string | undefined;
}

/**
 * Limits on substitution, shared by every expansion of one Dockerfile: `ARG A2=${A1}${A1}` repeated
 * doubles a value per line (2^39 characters after 39 lines), so each value is cut at `maxValue` characters
 * and once `total` characters have been produced in all, later values are left as written (unresolved).
 */
export class ExpansionBudget {
  /** set once a limit has been hit */
  hit?: 'value' | 'total';
  constructor(
    public left = 16 * 1024 * 1024,
    readonly maxValue = 64 * 1024,
  ) {}
}

export function expand(s: string, env: VarLookup, escape = '\\', depth = 0, budget?: ExpansionBudget): Expanded {
  if (depth > 8) return { value: s, unresolved: true };
  if (budget && budget.left <= 0) return { value: s, unresolved: true, limited: true };
  const r = expandUnbounded(s, env, escape, depth, budget);
  if (!budget) return r;
  if (r.value.length > budget.maxValue) {
    budget.hit ??= 'value';
    r.value = r.value.slice(0, budget.maxValue);
    r.unresolved = true;
    r.limited = true;
  }
  budget.left -= r.value.length;
  if (budget.left <= 0) budget.hit = 'total';
  return r;
}

function expandUnbounded(s: string, env: VarLookup, escape: string, depth: number, budget: ExpansionBudget | undefined): Expanded {
  const cap = budget ? budget.maxValue : Infinity;
  let out = '';
  let unresolved = false;
  let i = 0;
  while (i < s.length) {
    if (out.length > cap) {
      // stop early: the caller cuts the value at the cap anyway
      return { value: out, unresolved: true, limited: true };
    }
    const c = s[i]!;
    if (c === escape && s[i + 1] === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    if (s[i + 1] === '{') {
      const close = s.indexOf('}', i + 2);
      if (close < 0) {
        out += s.slice(i);
        break;
      }
      const body = s.slice(i + 2, close);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])(.*))?$/s.exec(body);
      if (!m) {
        out += s.slice(i, close + 1);
        i = close + 1;
        continue;
      }
      const [, name, op, word] = m;
      const has = env.has(name!);
      const v = env.get(name!);
      const set = has && v !== undefined;
      const nonEmpty = set && v !== '';
      if (op === ':-' || op === '-') {
        const useVal = op === ':-' ? nonEmpty : set;
        if (useVal) out += v;
        else {
          const inner = expand(word ?? '', env, escape, depth + 1, budget);
          out += inner.value;
          unresolved ||= inner.unresolved;
        }
      } else if (op === ':+' || op === '+') {
        const useAlt = op === ':+' ? nonEmpty : set;
        if (useAlt) {
          const inner = expand(word ?? '', env, escape, depth + 1, budget);
          out += inner.value;
          unresolved ||= inner.unresolved;
        } else if (!has) {
          // unknown variable: the alternative may or may not apply
          out += s.slice(i, close + 1);
          unresolved = true;
        }
      } else if (set) out += v;
      else {
        out += s.slice(i, close + 1);
        unresolved = true;
      }
      i = close + 1;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i + 1));
    if (!m) {
      out += c;
      i++;
      continue;
    }
    const v = env.get(m[0]);
    if (v !== undefined) out += v;
    else {
      out += '$' + m[0];
      unresolved = true;
    }
    i += 1 + m[0].length;
  }
  return { value: out, unresolved };
}

/** Names referenced by $VAR / ${VAR...} in a string. */
export function referencedVars(s: string): string[] {
  const out: string[] = [];
  const re = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push((m[1] ?? m[2])!);
  return out;
}
