/**
 * Extracts trivy-checks' Dockerfile tests (checks/docker/*_test.rego) as data: every `deny with input as X`
 * query and the count the test asserts becomes one case, X rendered back into the Dockerfile it stands for.
 * The Rego needed for that (literals, the test files' own helper functions, `every` and `some ... in`
 * tables) is evaluated here; no trivy-checks code is copied.
 *
 *   node --import tsx scripts/conformance/extract-trivy.ts GIT_DIR > test/fixtures/conformance/trivy.json
 */
import { execFileSync } from 'node:child_process';
import type { UpstreamCase } from './extract-hadolint.js';

type Tok = { t: 'str' | 'id' | 'num' | 'p' | 'nl'; v: string; line: number };

export function tokenizeRego(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let line = 1;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n') {
      out.push({ t: 'nl', v: '\n', line });
      line++;
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      out.push({ t: 'str', v: JSON.parse(src.slice(i, j + 1)) as string, line });
      i = j + 1;
      continue;
    }
    if (c === '`') {
      const j = src.indexOf('`', i + 1);
      out.push({ t: 'str', v: src.slice(i + 1, j), line });
      line += (src.slice(i, j).match(/\n/g) ?? []).length;
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (/[A-Za-z0-9_]/.test(src[j] ?? '')) j++;
      out.push({ t: 'id', v: src.slice(i, j), line });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i;
      while (/[0-9.]/.test(src[j] ?? '')) j++;
      out.push({ t: 'num', v: src.slice(i, j), line });
      i = j;
      continue;
    }
    const two = src.slice(i, i + 2);
    if ([':=', '==', '!=', '>=', '<='].includes(two)) {
      out.push({ t: 'p', v: two, line });
      i += 2;
      continue;
    }
    out.push({ t: 'p', v: c, line });
    i++;
  }
  return out;
}

type Val = unknown;
type Env = Map<string, Val>;
interface Fn {
  params: string[];
  body: Tok[];
}

class Evaluator {
  constructor(private fns: Map<string, Fn>) {}

  /** evaluate tokens[at..] as one expression; returns the value and the next index */
  expr(toks: Tok[], at: number, env: Env): { v: Val; next: number } {
    let { v, next } = this.primary(toks, at, env);
    for (;;) {
      const tk = toks[next];
      if (tk?.v === '.' && toks[next + 1]?.t === 'id') {
        v = (v as Record<string, Val>)[toks[next + 1]!.v];
        next += 2;
      } else if (tk?.v === '[' && toks[next - 1]?.t !== 'nl') {
        const idx = this.expr(toks, next + 1, env);
        v = (v as Record<string, Val>)[idx.v as string];
        next = idx.next + 1;
      } else break;
    }
    return { v, next };
  }

  private skipNl(toks: Tok[], j: number): number {
    while (toks[j]?.t === 'nl') j++;
    return j;
  }

  private primary(toks: Tok[], at: number, env: Env): { v: Val; next: number } {
    let j = this.skipNl(toks, at);
    const tk = toks[j];
    if (!tk) throw new Error('unexpected end');
    if (tk.t === 'str') return { v: tk.v, next: j + 1 };
    if (tk.t === 'num') return { v: Number(tk.v), next: j + 1 };
    if (tk.t === 'id' && (tk.v === 'true' || tk.v === 'false' || tk.v === 'null')) return { v: tk.v === 'null' ? null : tk.v === 'true', next: j + 1 };
    if (tk.v === '[') {
      const arr: Val[] = [];
      j++;
      for (;;) {
        j = this.skipNl(toks, j);
        if (toks[j]!.v === ']') return { v: arr, next: j + 1 };
        const e = this.expr(toks, j, env);
        arr.push(e.v);
        j = this.skipNl(toks, e.next);
        if (toks[j]!.v === ',') j++;
      }
    }
    if (tk.v === '{') {
      // object {k: v, ...} or set {a, b}
      j++;
      const obj: Record<string, Val> = {};
      const set: Val[] = [];
      let isSet: boolean | undefined;
      for (;;) {
        j = this.skipNl(toks, j);
        if (toks[j]!.v === '}') return { v: isSet ? set : obj, next: j + 1 };
        const k = this.expr(toks, j, env);
        j = this.skipNl(toks, k.next);
        if (toks[j]!.v === ':') {
          isSet = false;
          const val = this.expr(toks, j + 1, env);
          obj[String(k.v)] = val.v;
          j = this.skipNl(toks, val.next);
        } else {
          isSet = true;
          set.push(k.v);
        }
        if (toks[j]!.v === ',') j++;
      }
    }
    if (tk.v === '(') {
      const e = this.expr(toks, j + 1, env);
      return { v: e.v, next: this.skipNl(toks, e.next) + 1 };
    }
    if (tk.t === 'id') {
      if (toks[j + 1]?.v === '(' && this.fns.has(tk.v)) {
        const fn = this.fns.get(tk.v)!;
        const args: Val[] = [];
        j += 2;
        for (;;) {
          j = this.skipNl(toks, j);
          if (toks[j]!.v === ')') break;
          const a = this.expr(toks, j, env);
          args.push(a.v);
          j = this.skipNl(toks, a.next);
          if (toks[j]!.v === ',') j++;
        }
        const fenv: Env = new Map(fn.params.map((p, i) => [p, args[i]]));
        return { v: this.expr(fn.body, 0, fenv).v, next: j + 1 };
      }
      if (env.has(tk.v)) return { v: env.get(tk.v), next: j + 1 };
      throw new Error(`line ${tk.line}: unknown name ${tk.v}`);
    }
    throw new Error(`line ${tk.line}: unexpected ${tk.v}`);
  }
}

interface Stage {
  Name: string;
  Commands: Array<{ Cmd: string; Value: string[]; Flags?: string[]; JSON?: boolean; SubCmd?: string }>;
}

const JSON_FORM = new Set(['cmd', 'entrypoint']);

/** The Dockerfile an input document stands for (trivy's Dockerfile parser output, read backwards). */
export function renderDockerfile(input: { Stages: Stage[] }): string {
  const lines: string[] = [];
  for (const st of input.Stages) {
    const cmds = st.Commands ?? [];
    // a stage without a name holds the ARGs before the first FROM
    if (cmds[0]?.Cmd !== 'from' && st.Name) lines.push(`FROM ${st.Name}`);
    // the stage name is the FROM line as trivy parsed it; its alias is the one trivy's checks read
    const alias = /\s+as\s+(\S+)\s*$/i.exec(st.Name ?? '')?.[1];
    for (const c of cmds) {
      const kw = c.Cmd.toUpperCase();
      const flags = (c.Flags ?? []).map((f) => `${f} `).join('');
      const v = c.Value ?? [];
      let body: string;
      if (c.Cmd === 'from') {
        const image = v[0] ?? '';
        const asAt = v.findIndex((x) => x.toLowerCase() === 'as');
        const own = asAt > 0 ? v[asAt + 1] : undefined;
        body = [image, ...(alias ?? own ? ['AS', alias ?? own!] : [])].join(' ');
      } else if (c.Cmd === 'env' || c.Cmd === 'label') {
        // buildkit triplets: name, value, "=" (or "" for the legacy `ENV name value` form)
        const parts: string[] = [];
        let legacy = false;
        for (let i = 0; i + 2 < v.length + 1; i += 3) {
          if (v[i + 2] === '') legacy = true;
          parts.push(legacy ? `${v[i]} ${v[i + 1]}` : `${v[i]}=${v[i + 1]}`);
        }
        body = parts.join(' ');
      } else if (JSON_FORM.has(c.Cmd) && c.JSON !== false && v.length > 1) body = JSON.stringify(v);
      else if (c.Cmd === 'healthcheck') body = v[0] === 'NONE' ? 'NONE' : `CMD ${v.slice(1).join(' ')}`;
      else if (c.JSON) body = JSON.stringify(v);
      else body = v.join(' ');
      if (c.Cmd === 'comment') {
        lines.push(`# ${v.join(' ')}`);
        continue;
      }
      lines.push(`${kw} ${flags}${body}`.trimEnd());
    }
  }
  return lines.join('\n') + '\n';
}

interface Query {
  input: Val;
  data: Record<string, Val>;
  line: number;
}

/** Split a brace block's tokens into statements at newlines outside brackets. */
function statements(toks: Tok[]): Tok[][] {
  const out: Tok[][] = [];
  let cur: Tok[] = [];
  let depth = 0;
  for (const t of toks) {
    if (t.v === '{' || t.v === '[' || t.v === '(') depth++;
    if (t.v === '}' || t.v === ']' || t.v === ')') depth--;
    if ((t.t === 'nl' || t.v === ';') && depth === 0) {
      if (cur.length) out.push(cur);
      cur = [];
      continue;
    }
    cur.push(t);
  }
  if (cur.length) out.push(cur);
  return out;
}

function matching(toks: Tok[], open: number): number {
  let depth = 0;
  for (let j = open; j < toks.length; j++) {
    if (toks[j]!.v === '{' || toks[j]!.v === '[' || toks[j]!.v === '(') depth++;
    if (toks[j]!.v === '}' || toks[j]!.v === ']' || toks[j]!.v === ')') if (--depth === 0) return j;
  }
  throw new Error('unbalanced');
}

export function extractTests(src: string, file: string): { cases: UpstreamCase[]; skipped: string[] } {
  const toks = tokenizeRego(src);
  const pkg = /package\s+builtin\.dockerfile\.(DS\d+)/.exec(src)?.[1];
  if (!pkg) throw new Error(`${file}: no package`);
  // top-level definitions: helper functions `f(a, b) := expr` and tests `test_x[name] if { ... }`
  const fns = new Map<string, Fn>();
  const tests: Array<{ name: string; body: Tok[]; line: number }> = [];
  for (let j = 0; j < toks.length; j++) {
    const tk = toks[j]!;
    if (tk.t !== 'id' || (j > 0 && toks[j - 1]!.t !== 'nl')) continue;
    if (tk.v.startsWith('test_')) {
      let k = j + 1;
      while (toks[k]!.v !== '{') k++;
      const end = matching(toks, k);
      tests.push({ name: tk.v, body: toks.slice(k + 1, end), line: tk.line });
      j = end;
    } else if (toks[j + 1]?.v === '(') {
      const close = matching(toks, j + 1);
      if (toks[close + 1]?.v !== ':=') continue;
      const params = toks.slice(j + 2, close).filter((t) => t.t === 'id').map((t) => t.v);
      let end = close + 2;
      let depth = 0;
      for (; end < toks.length; end++) {
        const v = toks[end]!.v;
        if (v === '{' || v === '[' || v === '(') depth++;
        if (v === '}' || v === ']' || v === ')') depth--;
        if (toks[end]!.t === 'nl' && depth === 0 && end > close + 2) break;
      }
      fns.set(tk.v, { params, body: toks.slice(close + 2, end) });
      j = end;
    }
  }
  const ev = new Evaluator(fns);
  const cases: UpstreamCase[] = [];
  const skipped: string[] = [];

  const run = (body: Tok[], env: Env, testName: string, label: string): void => {
    const queries = new Map<string, Query[]>();
    let lastQueries: Query[] = [];
    for (const st of statements(body)) {
      const line = st[0]!.line;
      try {
        if (st[0]!.v === 'every' && st[2]?.v === 'in') {
          const coll = ev.expr(st, 3, env);
          const open = coll.next;
          const inner = st.slice(open + 1, matching(st, open));
          for (const item of coll.v as Val[]) run(inner, new Map([...env, [st[1]!.v, item]]), testName, label);
          continue;
        }
        if (st[0]!.v === 'some' && st.some((t) => t.v === 'in')) {
          // some name, tc in TABLE: the rest of the test runs once per entry
          const inAt = st.findIndex((t) => t.v === 'in');
          const names = st.slice(1, inAt).filter((t) => t.t === 'id').map((t) => t.v);
          const table = ev.expr(st, inAt + 1, env).v as Record<string, Val>;
          const rest = body.slice(body.indexOf(st[st.length - 1]!) + 1);
          for (const [k, v] of Object.entries(table)) {
            const e2 = new Map(env);
            if (names.length === 2) {
              e2.set(names[0]!, k);
              e2.set(names[1]!, v);
            } else e2.set(names[0]!, v);
            run(rest, e2, testName, `${label}${label ? ' / ' : ''}${k}`);
          }
          return;
        }
        const withAt = st.findIndex((t) => t.v === 'with');
        if (st[1]?.v === ':=' && withAt > 0 && st.slice(2, withAt).some((t) => t.v === 'deny')) {
          const q: Query = { input: undefined, data: {}, line };
          let j = withAt;
          while (st[j]?.v === 'with') {
            const target: string[] = [];
            j++;
            while (st[j] && st[j]!.v !== 'as') target.push(st[j++]!.v);
            const val = ev.expr(st, j + 1, env);
            const path = target.join('');
            if (path === 'input') q.input = val.v;
            else q.data[path] = val.v;
            j = val.next;
          }
          queries.set(st[0]!.v, [q]);
          lastQueries = [q];
          continue;
        }
        if (st[1]?.v === ':=' && st[0]!.t === 'id') {
          env.set(st[0]!.v, ev.expr(st, 2, env).v);
          continue;
        }
        if (st[0]!.v === 'count' && st[1]?.v === '(') {
          const name = st[2]!.v;
          const op = st[4]!.v;
          const n = Number(ev.expr(st, 5, env).v);
          const qs = queries.get(name) ?? lastQueries;
          if (!qs.length) {
            skipped.push(`${file}:${line}: count of an unknown query`);
            continue;
          }
          for (const q of qs) {
            const input = q.input as { Stages: Stage[] } | undefined;
            if (!input?.Stages) {
              skipped.push(`${file}:${line}: input not a Dockerfile document`);
              continue;
            }
            const expect = (op === '==' || op === '=') && n === 0 ? 'pass' : 'fail';
            const count = (op === '==' || op === '=') ? n : undefined;
            cases.push({
              id: pkg,
              file,
              line: q.line,
              name: label ? `${testName}: ${label}` : testName,
              expect,
              ...(count !== undefined && count > 0 ? { count } : {}),
              dockerfile: renderDockerfile(input),
              ...(Object.keys(q.data).length ? { config: q.data } : {}),
            });
          }
          continue;
        }
      } catch (e) {
        skipped.push(`${file}:${line}: ${(e as Error).message}`);
      }
    }
  };
  for (const t of tests) run(t.body, new Map(), t.name, '');
  return { cases, skipped };
}

function main(): void {
  const gitDir = process.argv[2];
  if (!gitDir) throw new Error('usage: extract-trivy.ts GIT_DIR');
  const git = (...args: string[]) => execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const commit = git('rev-parse', 'HEAD').trim();
  const files = git('ls-tree', '-r', '--name-only', commit, 'checks/docker/')
    .split('\n')
    .filter((f) => f.endsWith('_test.rego'));
  const cases: UpstreamCase[] = [];
  const skipped: string[] = [];
  for (const f of files) {
    const r = extractTests(git('show', `${commit}:${f}`), f);
    cases.push(...r.cases);
    skipped.push(...r.skipped);
  }
  cases.sort((a, b) => a.id.localeCompare(b.id) || a.file.localeCompare(b.file) || a.line - b.line);
  const doc = {
    source: {
      repository: 'https://github.com/aquasecurity/trivy-checks',
      commit,
      paths: 'checks/docker/*_test.rego',
      licence: 'Apache-2.0 (test inputs and verdicts only, as data)',
      extractedBy: 'scripts/conformance/extract-trivy.ts',
    },
    skipped,
    cases,
  };
  process.stdout.write(JSON.stringify(doc, null, 1) + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) main();
