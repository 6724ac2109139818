/**
 * A small POSIX-shell reader for RUN instructions: words (with quotes and escapes removed, offsets
 * kept), operators (&&, ||, ;, |, &, newlines), subshells and groups, `$(...)`/backtick command
 * substitutions and `sh -c "..."` bodies (read recursively). It does not evaluate anything.
 */

export interface Word {
  /** the word with quotes and escapes removed (variables are left as written) */
  text: string;
  /** offsets in the source handed to parseShell (plus `base`) */
  start: number;
  end: number;
  quoted: boolean;
}

export interface SimpleCommand {
  /** every word of the command, redirections removed */
  words: Word[];
  argv: string[];
  /** commands joined by `|` share a pipeline id */
  pipeline: number;
  /** position in its pipeline (0-based) and the pipeline's length */
  pipeIndex: number;
  pipeLength: number;
  /** the operator that precedes this command ('' for the first one) */
  after: string;
  /** 0 at top level, 1+ inside $(...), backticks or sh -c bodies */
  depth: number;
  /** offset just after the last word (where to append `&& ...`) */
  end: number;
}

const OPS = ['&&', '||', ';;', '|&', '|', ';', '&', '\n', '(', ')'];
const REDIR = /^(\d*|&)(>>|>\||>&|>|<<<|<<-|<<|<&|<>|<)$/;
const SKIP_FIRST = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time']);
const DROP = new Set(['fi', 'done', 'esac', '}', 'then', 'do', 'else']);

interface Tok {
  kind: 'word' | 'op';
  text: string;
  start: number;
  end: number;
  quoted: boolean;
  subs: string[];
  subStarts: number[];
}

/** Reads `src` into tokens. `cont` is the line-continuation character (Dockerfile escape char). */
function lex(src: string, base: number, cont: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const n = src.length;
  let cur: Tok | null = null;
  const startWord = (at: number): Tok => (cur ??= { kind: 'word', text: '', start: base + at, end: base + at, quoted: false, subs: [], subStarts: [] });
  const endWord = (at: number) => {
    if (cur) {
      cur.end = base + at;
      out.push(cur);
      cur = null;
    }
  };
  /** skip a balanced $( ... ) starting at the '(' ; returns index after ')' */
  const balanced = (from: number, open: string, close: string): number => {
    let d = 0;
    let j = from;
    let q: string | null = null;
    while (j < n) {
      const c = src[j]!;
      if (q) {
        if (c === '\\' && q === '"') j++;
        else if (c === q) q = null;
      } else if (c === '\\') j++;
      else if (c === "'" || c === '"') q = c;
      else if (c === open) d++;
      else if (c === close) {
        d--;
        if (d === 0) return j + 1;
      }
      j++;
    }
    return n;
  };
  while (i < n) {
    const c = src[i]!;
    // line continuation (Dockerfile escape char + newline); a comment line right after is dropped
    if (c === cont && (src[i + 1] === '\n' || (src[i + 1] === '\r' && src[i + 2] === '\n'))) {
      i += src[i + 1] === '\r' ? 3 : 2;
      for (;;) {
        let j = i;
        while (j < n && (src[j] === ' ' || src[j] === '\t')) j++;
        if (src[j] === '#') {
          const nl = src.indexOf('\n', j);
          i = nl < 0 ? n : nl + 1;
        } else break;
      }
      continue;
    }
    if (cur === null && c === '#') {
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? n : nl;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord(i);
      i++;
      continue;
    }
    const op = c === '&' && src[i + 1] === '>' ? undefined : OPS.find((o) => src.startsWith(o, i));
    if (op && !(op === '(' && cur !== null)) {
      endWord(i);
      out.push({ kind: 'op', text: op, start: base + i, end: base + i + op.length, quoted: false, subs: [], subStarts: [] });
      i += op.length;
      continue;
    }
    if ((c === '<' || c === '>') && src[i + 1] === '(') {
      // process substitution <(...) / >(...): a word whose body is read as commands too
      const w = startWord(i);
      const e = balanced(i + 1, '(', ')');
      w.subs.push(src.slice(i + 2, e - 1));
      w.subStarts.push(base + i + 2);
      w.text += src.slice(i, e);
      i = e;
      continue;
    }
    if (c === '>' || c === '<' || (c === '&' && src[i + 1] === '>')) {
      // redirection operators form their own word (digits before stay attached)
      const w = startWord(i);
      if (w.text && !/^\d+$/.test(w.text)) {
        endWord(i);
      }
      const t = startWord(i);
      let j = c === '&' ? i + 1 : i;
      while (j < n && (src[j] === '>' || src[j] === '<' || src[j] === '|' || src[j] === '-')) {
        if (src[j] === '-' && !src.startsWith('<<-', j - 2)) break;
        j++;
      }
      if (src[j] === '&') j++;
      t.text += src.slice(i, j);
      i = j;
      endWord(i);
      continue;
    }
    const w = startWord(i);
    if (c === '\\') {
      if (i + 1 < n && src[i + 1] !== '\n') w.text += src[i + 1];
      i += 2;
      continue;
    }
    if (c === "'") {
      const j = src.indexOf("'", i + 1);
      const e = j < 0 ? n : j;
      w.text += src.slice(i + 1, e);
      w.quoted = true;
      i = e + 1;
      continue;
    }
    if (c === '$' && src[i + 1] === "'") {
      const j = src.indexOf("'", i + 2);
      const e = j < 0 ? n : j;
      w.text += src.slice(i + 2, e).replace(/\\n/g, '\n').replace(/\\t/g, '\t');
      w.quoted = true;
      i = e + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < n && src[j] !== '"') {
        if (src[j] === '\\' && j + 1 < n && '"\\$`\n'.includes(src[j + 1]!)) {
          if (src[j + 1] !== '\n') s += src[j + 1];
          j += 2;
          continue;
        }
        if (src[j] === '$' && src[j + 1] === '(') {
          const e = balanced(j + 1, '(', ')');
          w.subs.push(src.slice(j + 2, e - 1));
          w.subStarts.push(base + j + 2);
          s += src.slice(j, e);
          j = e;
          continue;
        }
        s += src[j];
        j++;
      }
      w.text += s;
      w.quoted = true;
      i = j + 1;
      continue;
    }
    if (c === '$' && src[i + 1] === '(') {
      const e = balanced(i + 1, '(', ')');
      if (src[i + 2] !== '(') {
        w.subs.push(src.slice(i + 2, e - 1));
        w.subStarts.push(base + i + 2);
      }
      w.text += src.slice(i, e);
      i = e;
      continue;
    }
    if (c === '$' && src[i + 1] === '{') {
      const e = balanced(i + 1, '{', '}');
      w.text += src.slice(i, e);
      i = e;
      continue;
    }
    if (c === '`') {
      const j = src.indexOf('`', i + 1);
      const e = j < 0 ? n : j;
      w.subs.push(src.slice(i + 1, e));
      w.subStarts.push(base + i + 1);
      w.text += src.slice(i, e + 1);
      i = e + 1;
      continue;
    }
    w.text += c;
    i++;
  }
  endWord(n);
  return out;
}

let pipelineSeq = 0;
/** command substitutions nested deeper than this are not read (hostile input cannot exhaust the stack) */
const MAX_DEPTH = 12;

/**
 * Split a shell script into simple commands. Offsets in the result are `base` + the offset in `src`.
 * `cont` is the Dockerfile escape character used for line continuations ('\\' or '`').
 */
export function parseShell(src: string, base = 0, cont = '\\', depth = 0): SimpleCommand[] {
  if (depth > MAX_DEPTH) return [];
  const toks = lex(src, base, cont);
  const out: SimpleCommand[] = [];
  let words: Word[] = [];
  let after = '';
  let pipeline = ++pipelineSeq;
  let pipeMembers: SimpleCommand[] = [];
  let skipNext = false;
  let heredocPending = false;
  const nested: SimpleCommand[] = [];
  const flush = (op: string) => {
    // drop leading shell keywords
    while (words.length && SKIP_FIRST.has(words[0]!.text) && !words[0]!.quoted) words.shift();
    while (words.length && DROP.has(words[words.length - 1]!.text) && !words[words.length - 1]!.quoted && words.length === 1) words.pop();
    if (words.length && !(words.length === 1 && DROP.has(words[0]!.text))) {
      const cmd: SimpleCommand = {
        words,
        argv: words.map((w) => w.text),
        pipeline,
        pipeIndex: pipeMembers.length,
        pipeLength: 0,
        after,
        depth,
        end: words[words.length - 1]!.end,
      };
      out.push(cmd);
      pipeMembers.push(cmd);
      // sh -c "script": read the script too
      const a = cmd.argv;
      const shIdx = /^(?:\/(?:usr\/)?bin\/)?(?:ba|da|a|z)?sh$/.test(a[0] ?? '') ? a.findIndex((x, k) => k > 0 && /^-[a-z]*c[a-z]*$/.test(x)) : -1;
      if (shIdx > 0 && a[shIdx + 1] !== undefined) {
        const w = words[shIdx + 1]!;
        nested.push(...parseShell(w.text, w.start + (w.quoted ? 1 : 0), cont, depth + 1));
      }
    }
    words = [];
    if (op === '|' || op === '|&') {
      after = op;
      return;
    }
    for (const m of pipeMembers) m.pipeLength = pipeMembers.length;
    pipeMembers = [];
    pipeline = ++pipelineSeq;
    after = op;
  };
  for (const t of toks) {
    if (t.kind === 'op') {
      if (t.text === '\n' && heredocPending) heredocPending = false;
      flush(t.text === '\n' ? ';' : t.text === '(' || t.text === ')' ? ';' : t.text);
      continue;
    }
    for (let k = 0; k < t.subs.length; k++) nested.push(...parseShell(t.subs[k]!, t.subStarts[k]!, cont, depth + 1));
    if (skipNext) {
      skipNext = false;
      continue;
    }
    if (!t.quoted && REDIR.test(t.text)) {
      skipNext = true;
      if (t.text.includes('<<')) heredocPending = true;
      continue;
    }
    // `>file` / `2>/dev/null` written without a space
    if (!t.quoted && /^(\d*|&)(>>|>|<)(?!\()\S/.test(t.text) && !/^\d+$/.test(t.text)) continue;
    words.push({ text: t.text, start: t.start, end: t.end, quoted: t.quoted });
  }
  flush(';');
  return [...out, ...nested];
}
