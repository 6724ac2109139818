/**
 * Extracts hadolint's rule specs (test/Hadolint/Rule/*Spec.hs) as data: every `ruleCatches`,
 * `ruleCatchesNot`, `onBuildRuleCatches`, `onBuildRuleCatchesNot` and `assertChecks ... (failsWith N code)`
 * becomes one case with the Dockerfile text hadolint lints, the verdict it asserts and the configuration
 * it runs under. Only the test inputs and verdicts are kept; no hadolint code is copied.
 *
 *   node --import tsx scripts/conformance/extract-hadolint.ts GIT_DIR > test/fixtures/conformance/hadolint.json
 *
 * GIT_DIR is a clone of github.com/hadolint/hadolint (read with `git show`, nothing is checked out).
 */
import { execFileSync } from 'node:child_process';

export interface UpstreamCase {
  /** upstream rule ID (DL3008, DS001) */
  id: string;
  /** spec file and line of the assertion */
  file: string;
  line: number;
  /** the `it` description (hadolint) or test name (trivy-checks) */
  name: string;
  /** fail: the rule must fire; pass: it must not */
  expect: 'fail' | 'pass';
  /** exact number of findings the upstream asserts, when it asserts one */
  count?: number;
  /** RUN instructions wrapped in ONBUILD (hadolint's onBuild* helpers) */
  onbuild?: boolean;
  dockerfile: string;
  /** the upstream configuration the case runs under */
  config?: { allowedRegistries?: string[]; labelSchema?: Record<string, string>; strictLabels?: boolean; [k: string]: unknown };
}

type Tok = { t: 'str' | 'id' | 'num' | 'p'; v: string; line: number; col: number };

/** Haskell tokens: string literals (escapes and gaps decoded), identifiers (with dots), numbers, punctuation. */
export function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === '\n') {
      line++;
      i++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '-' && src[i + 1] === '-' && !/[!#$%&*+./<=>?@\\^|~:]/.test(src[i + 2] ?? ' ')) {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (c === '{' && src[i + 1] === '-') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (src[i] === '\n') {
          line++;
          lineStart = i + 1;
        }
        if (src[i] === '{' && src[i + 1] === '-') (depth++, (i += 2));
        else if (src[i] === '-' && src[i + 1] === '}') (depth--, (i += 2));
        else i++;
      }
      continue;
    }
    const col = i - lineStart + 1;
    if (c === '"') {
      const startLine = line;
      let s = '';
      i++;
      while (i < n && src[i] !== '"') {
        const ch = src[i]!;
        if (ch !== '\\') {
          s += ch;
          i++;
          continue;
        }
        const e = src[i + 1]!;
        if (/\s/.test(e)) {
          // string gap: backslash, whitespace (newlines included), backslash
          i++;
          while (i < n && src[i] !== '\\') {
            if (src[i] === '\n') {
              line++;
              lineStart = i + 1;
            }
            i++;
          }
          i++;
          continue;
        }
        i += 2;
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };
        if (e === '&') continue;
        if (/[0-9]/.test(e)) {
          let d = e;
          while (/[0-9]/.test(src[i] ?? '')) d += src[i++];
          s += String.fromCodePoint(Number(d));
          continue;
        }
        if (e === 'x') {
          let d = '';
          while (/[0-9a-fA-F]/.test(src[i] ?? '')) d += src[i++];
          s += String.fromCodePoint(parseInt(d, 16));
          continue;
        }
        if (!(e in simple)) throw new Error(`line ${line}: unknown escape \\${e}`);
        s += simple[e];
      }
      i++;
      out.push({ t: 'str', v: s, line: startLine, col });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < n && /[A-Za-z0-9_'.]/.test(src[j]!)) j++;
      out.push({ t: 'id', v: src.slice(i, j).replace(/\.$/, ''), line, col });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i;
      while (j < n && /[0-9]/.test(src[j]!)) j++;
      out.push({ t: 'num', v: src.slice(i, j), line, col });
      i = j;
      continue;
    }
    if (c === '?' && /[a-z]/.test(src[i + 1] ?? '')) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_]/.test(src[j]!)) j++;
      out.push({ t: 'id', v: src.slice(i, j), line, col });
      i = j;
      continue;
    }
    // operators: keep multi-char ones whole (<>, ==, $)
    let j = i + 1;
    if (/[!#$%&*+./<=>?@\\^|~:-]/.test(c)) while (j < n && /[!#$%&*+./<=>?@\\^|~:-]/.test(src[j]!)) j++;
    out.push({ t: 'p', v: src.slice(i, j), line, col });
    i = j;
  }
  return out;
}

const ASSERTS = new Set(['ruleCatches', 'ruleCatchesNot', 'onBuildRuleCatches', 'onBuildRuleCatchesNot', 'assertChecks', 'assertOnBuildChecks']);

interface Scoped<T> {
  col: number;
  line: number;
  value: T;
}

/** Wrap RUN instructions in ONBUILD the way hadolint's assertOnBuildChecks does (continuation lines untouched). */
export function wrapRunsInOnbuild(text: string): string {
  const lines = text.split('\n');
  let continued = false;
  return lines
    .map((l) => {
      const out = !continued && /^\s*RUN\b/i.test(l) ? l.replace(/^(\s*)/, '$1ONBUILD ') : l;
      continued = /\\\s*$/.test(l);
      return out;
    })
    .join('\n');
}

function parseConfig(text: string): UpstreamCase['config'] {
  const cfg: NonNullable<UpstreamCase['config']> = {};
  const reg = /allowedRegistries\s*=\s*\[([^\]]*)\]/.exec(text);
  if (reg) cfg.allowedRegistries = [...reg[1]!.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
  const ls = /labelSchema\s*=\s*Map\.fromList\s*\[(.*)\]/s.exec(text);
  if (ls) {
    cfg.labelSchema = {};
    for (const m of ls[1]!.matchAll(/\(\s*"([^"]*)"\s*,\s*(?:Rule\.)?(\w+)\s*\)/g)) cfg.labelSchema[m[1]!] = m[2]!;
  }
  if (/strictLabels\s*=\s*True/.test(text)) cfg.strictLabels = true;
  const rest = text.replace(/allowedRegistries\s*=\s*\[[^\]]*\]|labelSchema\s*=\s*Map\.fromList\s*\[.*\]|strictLabels\s*=\s*\w+/gs, '').replace(/[\s{},]|def/g, '');
  if (rest) cfg.unparsed = text;
  return Object.keys(cfg).length ? cfg : undefined;
}

export function extractSpec(src: string, file: string): { cases: UpstreamCase[]; skipped: string[] } {
  const toks = tokenize(src);
  const cases: UpstreamCase[] = [];
  const skipped: string[] = [];
  const values = new Map<string, Value>();
  let configs: Array<Scoped<string>> = [];
  let itName = '';
  const srcLines = src.split('\n');
  const indentOf = (line: number) => /^\s*/.exec(srcLines[line - 1] ?? '')![0].length;
  for (let k = 0; k < toks.length; k++) {
    const tk = toks[k]!;
    // a binding's scope ends at the first later line indented less than the binding
    if (tk.col === indentOf(tk.line) + 1) configs = configs.filter((c) => tk.line === c.line || tk.col >= c.col);
    if (tk.t === 'id' && tk.v === 'it' && toks[k + 1]?.t === 'str') itName = toks[k + 1]!.v;
    if (tk.t === 'id' && tk.v === 'let' && toks[k + 1]?.v === '?config' && toks[k + 2]?.v === '=') {
      // def { ... } up to the matching brace, or plain def
      let j = k + 3;
      let text = '';
      if (toks[j]?.v === 'def' && toks[j + 1]?.v === '{') {
        let depth = 0;
        for (; j < toks.length; j++) {
          const v = toks[j]!;
          text += v.t === 'str' ? JSON.stringify(v.v) : v.v;
          text += ' ';
          if (v.v === '{') depth++;
          if (v.v === '}' && --depth === 0) break;
        }
      } else text = 'def';
      configs.push({ col: tk.col, line: tk.line, value: text });
      continue;
    }
    if (tk.t === 'id' && /^[a-z]/.test(tk.v) && toks[k + 1]?.v === '=' && toks[k - 1]?.v !== '?config') {
      const v = evalExpr(toks, k + 2, values);
      if (v) values.set(tk.v, v.value);
      continue;
    }
    if (tk.t !== 'id' || !ASSERTS.has(tk.v)) continue;
    const where = `${file}:${tk.line}`;
    let j = k + 1;
    let id: string | undefined;
    let count: number | undefined;
    let expect: 'fail' | 'pass';
    const onbuild = tk.v.startsWith('onBuild') || tk.v === 'assertOnBuildChecks';
    if (tk.v.startsWith('assert')) {
      // assertChecks ARG (failsWith N "CODE")
      const argStart = j;
      const arg = readArg(toks, argStart, values);
      if (!arg) {
        skipped.push(`${where}: argument not understood`);
        continue;
      }
      j = arg.next;
      if (toks[j]?.v === '$') j++;
      if (toks[j]?.v === '(') j++;
      if (toks[j]?.v === 'failsWith' && toks[j + 1]?.t === 'num' && toks[j + 2]?.t === 'str') {
        count = Number(toks[j + 1]!.v);
        id = toks[j + 2]!.v;
        expect = count > 0 ? 'fail' : 'pass';
      } else if (toks[j]?.v === 'failsWithSome' && toks[j + 1]?.t === 'str') {
        id = toks[j + 1]!.v;
        expect = 'fail';
      } else {
        skipped.push(`${where}: assertion ${toks[j]?.v} not understood`);
        continue;
      }
      cases.push(makeCase(id, file, tk.line, itName, expect, count, onbuild, arg.text, configs));
      continue;
    }
    const code = evalExpr(toks, j, values);
    if (!code || typeof code.value !== 'string') {
      skipped.push(`${where}: rule code not understood`);
      continue;
    }
    id = code.value;
    if (!/^DL\d{4}$/.test(id)) {
      // (DL3045Spec passes "FROM scratch\nDL3045" as the code: that assertion checks nothing)
      skipped.push(`${where}: ${JSON.stringify(id)} is not a rule code; the upstream assertion checks nothing`);
      continue;
    }
    const arg = readArg(toks, code.next, values);
    if (!arg) {
      skipped.push(`${where}: argument not understood (${toks[j + 1]?.v} ${toks[j + 2]?.v})`);
      continue;
    }
    expect = tk.v.endsWith('Not') ? 'pass' : 'fail';
    // onBuildRuleCatches asserts exactly one finding (failsWith 1); ruleCatches at least one
    cases.push(makeCase(id, file, tk.line, itName, expect, onbuild && expect === 'fail' ? 1 : undefined, onbuild, arg.text, configs));
  }
  return { cases, skipped };
}

function makeCase(
  id: string,
  file: string,
  line: number,
  name: string,
  expect: 'fail' | 'pass',
  count: number | undefined,
  onbuild: boolean,
  text: string,
  configs: Array<Scoped<string>>,
): UpstreamCase {
  // helpers parse `dockerfile <> "\n"`; wrapping in ONBUILD happens on the parsed instructions
  const dockerfile = onbuild ? wrapRunsInOnbuild(text) : text;
  const cfg = configs.length ? parseConfig(configs[configs.length - 1]!.value) : undefined;
  return {
    id,
    file,
    line,
    name,
    expect,
    ...(count !== undefined ? { count } : {}),
    ...(onbuild ? { onbuild } : {}),
    dockerfile,
    ...(cfg ? { config: cfg } : {}),
  };
}

type Value = string | string[];

/**
 * The value of a Haskell expression made of string literals, lists of them, names bound to either,
 * `Text.unlines`, `Text.intercalate SEP`, `<>` and parentheses; undefined for anything else.
 */
function evalExpr(toks: Tok[], at: number, values: Map<string, Value>): { value: Value; next: number } | undefined {
  let j = at;
  if (toks[j]?.v === '$') j++;
  const atom = (): { value: Value; next: number } | undefined => {
    const tk = toks[j];
    if (!tk) return undefined;
    if (tk.t === 'str') return { value: tk.v, next: j + 1 };
    if (tk.v === '(') {
      const inner = evalExpr(toks, j + 1, values);
      if (!inner || toks[inner.next]?.v !== ')') return undefined;
      return { value: inner.value, next: inner.next + 1 };
    }
    if (tk.v === '[') {
      const items: string[] = [];
      let q = j + 1;
      for (; q < toks.length && toks[q]!.v !== ']'; q++) {
        const v = toks[q]!;
        if (v.t === 'str') items.push(v.v);
        else if (v.v !== ',') return undefined;
      }
      return { value: items, next: q + 1 };
    }
    if (tk.t === 'id' && (tk.v === 'Text.unlines' || tk.v === 'unlines')) {
      const save = j;
      j++;
      if (toks[j]?.v === '$') j++;
      const a = atom();
      j = save;
      if (!a || !Array.isArray(a.value)) return undefined;
      return { value: a.value.map((x) => `${x}\n`).join(''), next: a.next };
    }
    if (tk.t === 'id' && (tk.v === 'Text.intercalate' || tk.v === 'intercalate') && toks[j + 1]?.t === 'str') {
      const sep = toks[j + 1]!.v;
      const save = j;
      j += 2;
      const a = atom();
      j = save;
      if (!a || !Array.isArray(a.value)) return undefined;
      return { value: a.value.join(sep), next: a.next };
    }
    if (tk.t === 'id' && values.has(tk.v)) return { value: values.get(tk.v)!, next: j + 1 };
    return undefined;
  };
  let r = atom();
  if (!r) return undefined;
  while (toks[r.next]?.v === '<>' && typeof r.value === 'string') {
    j = r.next + 1;
    const b = atom();
    if (!b || typeof b.value !== 'string') return undefined;
    r = { value: r.value + b.value, next: b.next };
  }
  return r;
}

/** A Dockerfile argument: an expression whose value is a string. */
function readArg(toks: Tok[], at: number, values: Map<string, Value>): { text: string; next: number } | undefined {
  const v = evalExpr(toks, at, values);
  return v && typeof v.value === 'string' ? { text: v.value, next: v.next } : undefined;
}

function main(): void {
  const gitDir = process.argv[2];
  if (!gitDir) throw new Error('usage: extract-hadolint.ts GIT_DIR');
  const git = (...args: string[]) => execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const commit = git('rev-parse', 'HEAD').trim();
  const files = git('ls-tree', '-r', '--name-only', commit, 'test/Hadolint/Rule/')
    .split('\n')
    .filter((f) => /\/DL\d+Spec\.hs$/.test(f));
  const cases: UpstreamCase[] = [];
  const skipped: string[] = [];
  for (const f of files) {
    const r = extractSpec(git('show', `${commit}:${f}`), f);
    cases.push(...r.cases);
    skipped.push(...r.skipped);
  }
  const doc = {
    source: {
      repository: 'https://github.com/hadolint/hadolint',
      commit,
      paths: 'test/Hadolint/Rule/DL*Spec.hs',
      licence: 'GPL-3.0 (test inputs and verdicts only, as data)',
      extractedBy: 'scripts/conformance/extract-hadolint.ts',
    },
    skipped,
    cases,
  };
  process.stdout.write(JSON.stringify(doc, null, 1) + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) main();
