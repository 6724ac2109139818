/**
 * The secret-matching engine: compiles rule data once, then scans text. A combined keyword expression
 * rejects most inputs with one pass; only rules whose keywords occur (or that are limited to the file's
 * path) run their regex. Matches never carry the secret itself: only a short prefix, its length and a
 * truncated hash (for de-duplication and fingerprints).
 */
import { createHash } from 'node:crypto';
import picomatch from 'picomatch';
import { BUILTIN_SECRET_RULES, type SecretRuleData } from './rules-table.js';
import { KeywordScanner, newKeywordHits, type KeywordHits } from './keyword-scanner.js';

export interface SecretHit {
  /** the data rule's id (kind id) */
  rule: string;
  /** 1-based line */
  line: number;
  /** redacted form: a short prefix and the length, e.g. "AKIA…(20 chars)" */
  redacted: string;
  length: number;
  /** truncated sha256 of the value, used to correlate and fingerprint; never shown */
  digest: string;
}

export interface CompiledRule {
  data: SecretRuleData;
  re?: RegExp;
  keywords: string[];
  pathMatch?: (p: string) => boolean;
  allowPath?: (p: string) => boolean;
  allowValues: RegExp[];
  /**
   * Set for rules whose every match starts at a place its keywords locate (see ANCHORS): the regex is tried only
   * there, sticky, instead of searching the whole text.
   */
  anchor?: Anchor;
  sticky?: RegExp;
  /** the byte conditions of a built-in rule as shipped (see MAY_MATCH) */
  mayMatch?: MayMatch;
}

/**
 * Where a match of an anchored rule can start, given one occurrence of one of its keywords:
 *   'keyword': at the occurrence itself (the match begins with the keyword: `https://`, ...);
 *   'word': at the start of the run of [A-Za-z0-9_-] characters that holds the occurrence (generic-password:
 *           a lookbehind `(?<![A-Za-z0-9_-])` then only characters of that class up to and including the keyword
 *           word, at most WORD_REACH characters after the start).
 * Every match contains an occurrence of one of the rule's keywords at such a place, so trying the sticky regex
 * at every such start in ascending order, from the end of the previous match, finds exactly the matches the
 * global regex finds (the leftmost match at or after the previous end, at each step), with the same groups.
 * Only the built-in rules are anchored, and only while their regex, flags and keywords are the built-in ones.
 */
type Anchor = 'keyword' | 'word';

const ANCHORS: Record<string, Anchor> = { 'url-credentials': 'keyword', 'generic-password': 'word' };

/** bytes whose latin1 character matches the regex class \s (tab to carriage return, space, no-break space) */
const SPACE = new Uint8Array(256).map((_, c) => (/\s/.test(String.fromCharCode(c)) ? 1 : 0));
/** bytes the user part of url-credentials' regex excludes: [^\s:@/"'<>\\] (':' ends the part) */
const URL_USER_STOP = SPACE.map((v, c) => (v || '@/"\'<>\\'.includes(String.fromCharCode(c)) ? 1 : 0));

/**
 * Necessary conditions, on the bytes, for a match of a built-in rule (its regex, flags and keywords as shipped):
 * `occurrence(b, p)` for a keyword occurrence that ends just before `p` to be part of a match (every match holds
 * one), `content(b)` for the file as a whole. When a file fails them the rule cannot match, and the file is not
 * decoded for it: most files with `https://`, `token` or `akia` in them hold no connection URL with a password, no
 * assignment and no access key ID.
 */
interface MayMatch {
  occurrence?: (b: Uint8Array, p: number) => boolean;
  content?: (b: Buffer) => boolean;
}
const PEM_BEGIN = Buffer.from('-----BEGIN ', 'latin1');
const MAY_MATCH: Record<string, MayMatch> = {
  // `scheme://` then [^\s:@/"'<>\\]{0,64} then ':' then [^\s@/"'<>\\]{4,128} then '@': the user part is everything
  // up to the first ':' (it cannot hold one), the password everything from there up to the first '@'
  'url-credentials': {
    occurrence: (b, p) => {
      let i = p;
      for (const end = Math.min(b.length, p + 65); ; i++) {
        if (i >= end) return false;
        const c = b[i]!;
        if (c === 58) break;
        if (URL_USER_STOP[c]) return false;
      }
      const from = ++i;
      for (const end = Math.min(b.length, from + 129); i < end; i++) {
        const c = b[i]!;
        if (c === 64) return i - from >= 4;
        if (URL_USER_STOP[c]) return false;
      }
      return false;
    },
  },
  // the four upper-case letters of the keyword (the regex is case-sensitive), then 16 of [A-Z2-7]
  'aws-access-key-id': {
    occurrence: (b, p) => {
      if (p < 4 || p + 16 > b.length) return false;
      for (let i = p - 4; i < p; i++) if (b[i]! < 65 || b[i]! > 90) return false;
      for (let i = p; i < p + 16; i++) {
        const c = b[i]!;
        if (!((c >= 65 && c <= 90) || (c >= 50 && c <= 55))) return false;
      }
      return true;
    },
  },
  // PEM blocks: a match starts with '-----BEGIN ' (the keyword may be elsewhere in the file)
  'private-key': { content: (b) => b.indexOf(PEM_BEGIN) !== -1 },
  'private-key-encrypted': { content: (b) => b.indexOf(PEM_BEGIN) !== -1 },
  // the keyword word of the regex (password|passwd|pwd|secret|secret_?key|api_?key|apikey|access_?token|
  // auth_?token|client_?secret) holds one of the rule's keywords (pass, pwd, secret, api_key, apikey, token) and
  // goes on at most 4 letters or '_' past it; then ["']?\s* and ':' or '=' (which `=>` starts with)
  'generic-password': {
    occurrence: (b, p) => {
      const n = b.length;
      for (let t = 0; t <= 4 && p + t <= n; t++) {
        if (t > 0) {
          const c = b[p + t - 1]!;
          if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95)) return false;
        }
        let i = p + t;
        if (b[i] === 34 || b[i] === 39) i++;
        while (i < n && SPACE[b[i]!]) i++;
        if (b[i] === 58 || b[i] === 61) return true;
      }
      return false;
    },
  },
};

/** Is this rule the built-in one of its id, as shipped (regex, flags, keywords, no paths, not file-only)? */
function builtinAsShipped(data: SecretRuleData): boolean {
  const b = BUILTIN_SECRET_RULES.find((r) => r.id === data.id);
  if (!b || b.regex !== data.regex || (b.flags ?? '') !== (data.flags ?? '') || b.paths || data.paths || b.fileOnly || data.fileOnly) return false;
  return b.keywords.length === data.keywords.length && b.keywords.every((k, i) => k === data.keywords[i]);
}

/** generic-password: up to 4 x 41 prefix characters, then the keyword at most 7 characters into the word */
const WORD_REACH = 4 * 41 + 16;

function anchorOf(data: SecretRuleData): Anchor | undefined {
  const kind = ANCHORS[data.id];
  return kind && builtinAsShipped(data) ? kind : undefined;
}

/** [A-Za-z0-9_-] */
function wordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}

const MAX_HITS_PER_FILE = 50;

function globs(list: string[] | undefined): ((p: string) => boolean) | undefined {
  if (!list || list.length === 0) return undefined;
  return picomatch(list, { dot: true });
}

export function compileRule(data: SecretRuleData): CompiledRule {
  let re: RegExp | undefined;
  if (!data.fileOnly) {
    const flags = new Set(((data.flags ?? '') + 'g').split(''));
    flags.delete('y');
    re = new RegExp(data.regex, [...flags].join(''));
  }
  const anchor = re ? anchorOf(data) : undefined;
  return {
    data,
    re,
    keywords: data.keywords.map((k) => k.toLowerCase()).filter(Boolean),
    pathMatch: globs(data.paths),
    allowPath: globs(data.allowPaths),
    allowValues: (data.allowValues ?? []).map((v) => new RegExp(v, 'i')),
    ...(anchor && re ? { anchor, sticky: new RegExp(re.source, re.flags.replace('g', '') + 'y') } : {}),
    ...(re && MAY_MATCH[data.id] && builtinAsShipped(data) ? { mayMatch: MAY_MATCH[data.id] } : {}),
  };
}

/**
 * A quick necessary condition for "one of these globs matches the path", on the base name alone: a glob whose
 * last segment is a plain name (`.npmrc` after `**` and a slash, `git/credentials`) needs that base name, one whose last segment has
 * only `*` wildcards (`.env.*`) needs the base name to match that segment. Globs with other syntax (braces,
 * classes, extglobs, `?`, a trailing `**`) make it always true. The globs themselves are tested only when it holds:
 * picomatch's regexes cost about 1 s per image when run on every file.
 */
function baseNameFilter(list: string[]): (p: string) => boolean {
  if (list.length === 0) return () => false;
  const names = new Set<string>();
  const segs: RegExp[] = [];
  // and a cheaper one before it, on two characters (every file of an image is asked): the base name starts with a
  // character a plain name or a segment starts with, or ends with one a segment that starts with `*` ends with.
  // Only ASCII characters are screened; any other, or a segment with `*` at both ends, turns the screen off.
  const firstOk = new Uint8Array(128);
  const lastOk = new Uint8Array(128);
  let screen = true;
  const allow = (table: Uint8Array, c: number) => {
    if (c < 128) table[c] = 1;
    else screen = false;
  };
  for (const g of list) {
    const last = g.slice(g.lastIndexOf('/') + 1);
    if (/[{}()[\]!\\+@?]/.test(g) || last === '' || last.includes('**')) return () => true;
    if (last.includes('*')) segs.push(picomatch.makeRe(last, { dot: true }));
    else names.add(last);
    const c0 = last.charCodeAt(0);
    const c1 = last.charCodeAt(last.length - 1);
    if (c0 !== 42) allow(firstOk, c0);
    else if (c1 !== 42) allow(lastOk, c1);
    else screen = false;
  }
  const union = segs.length ? new RegExp(segs.map((r) => `(?:${r.source})`).join('|')) : undefined;
  return (p) => {
    const at = p.lastIndexOf('/') + 1;
    if (screen) {
      const c0 = p.charCodeAt(at);
      const c1 = p.charCodeAt(p.length - 1);
      if (c0 < 128 && c1 < 128 && firstOk[c0] === 0 && lastOk[c1] === 0) return false;
    }
    const base = p.slice(at);
    return names.has(base) || (union !== undefined && union.test(base));
  };
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  if (!s) return 0;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  const n = s.length;
  for (const k of counts.values()) {
    const p = k / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/** "AKIA…(20 chars)": at most 4 characters, and never more than a quarter of the value. */
export function redact(value: string): string {
  const n = value.length;
  const keep = Math.min(4, Math.floor(n / 4));
  return `${value.slice(0, keep)}…(${n} chars)`;
}

export function secretDigest(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}

export class SecretMatcher {
  readonly rules: CompiledRule[];
  /** one pass over the bytes: which keyword rules have a keyword in them (one bit per rule, in table order) */
  private readonly keywordScanner: KeywordScanner | undefined;
  private readonly alwaysRun: CompiledRule[];
  private readonly pathRules: CompiledRule[];
  /** rules that run without a keyword hit (no keywords, not path-limited), as a rule mask */
  private readonly baseMask: Int32Array;
  private readonly mask: Int32Array;
  /** false when no path-limited rule can want the path (a test of its base name) */
  private readonly anyPathRule: (p: string) => boolean;
  /** the keyword occurrences of the last scan, for anchored rules */
  private readonly hits: KeywordHits = newKeywordHits();
  private readonly recording: boolean;
  /** per rule (table index): the scanner's ids of its keywords */
  private readonly ruleKeywordIds: Array<Set<number>>;

  constructor(rules: SecretRuleData[]) {
    this.rules = rules.map(compileRule);
    this.pathRules = this.rules.filter((r) => r.pathMatch);
    this.anyPathRule = baseNameFilter(this.pathRules.flatMap((r) => r.data.paths ?? []));
    this.alwaysRun = this.rules.filter((r) => !r.pathMatch && r.keywords.length === 0);
    const words = Math.max(1, Math.ceil(this.rules.length / 32));
    this.baseMask = new Int32Array(words);
    this.rules.forEach((r, i) => {
      if (this.alwaysRun.includes(r)) this.baseMask[i >>> 5] |= 1 << (i & 31);
    });
    // each keyword enables the rules (by table index) that list it
    const kws = [...new Set(this.rules.filter((r) => !r.pathMatch).flatMap((r) => r.keywords))];
    const groups = kws.map((k) => this.rules.flatMap((r, i) => (!r.pathMatch && r.keywords.includes(k) ? [i] : [])));
    this.keywordScanner = kws.length ? new KeywordScanner(kws, groups) : undefined;
    this.mask = new Int32Array(Math.max(words, this.keywordScanner?.groupWords ?? 0));
    this.ruleKeywordIds = this.rules.map((r) => new Set(r.pathMatch ? [] : r.keywords.map((k) => kws.indexOf(k)).filter((i) => i >= 0)));
    this.recording = this.rules.some((r) => r.anchor);
  }

  /** Rules limited to paths (dotfiles like .npmrc): true when one of them wants `path`. */
  wantsPath(path: string): boolean {
    return this.anyPathRule(path) && this.pathRules.some((r) => r.pathMatch!(path));
  }

  /** The places where a match of anchored rule `r` (table index `ri`) can start, ascending, from the last scan. */
  private anchoredStarts(r: CompiledRule, ri: number, text: string): number[] {
    const scanner = this.keywordScanner!;
    const ids = this.ruleKeywordIds[ri]!;
    const { ends, states, count } = this.hits;
    const out: number[] = [];
    for (let h = 0; h < count; h++) {
      for (const id of scanner.keywordsAt(states[h]!)) {
        if (!ids.has(id)) continue;
        const at = ends[h]! - scanner.keywords[id]!.length + 1;
        if (r.anchor === 'keyword') out.push(at);
        else {
          let s = at;
          while (s > 0 && at - s <= WORD_REACH && wordChar(text.charCodeAt(s - 1))) s--;
          // a run that starts further back cannot hold a match that reaches this occurrence
          if (at - s <= WORD_REACH) out.push(s);
        }
      }
    }
    out.sort((a, b) => a - b);
    return out;
  }

  /** The rules to run on these bytes, in table order (which decides the rule that wins a value two rules match). */
  private candidates(bytes: Uint8Array, path: string | undefined): CompiledRule[] {
    const mask = this.mask;
    mask.fill(0);
    mask.set(this.baseMask);
    if (path !== undefined && this.anyPathRule(path)) {
      for (const r of this.pathRules) {
        if (!r.pathMatch!(path)) continue;
        const i = this.rules.indexOf(r);
        mask[i >>> 5] |= 1 << (i & 31);
      }
    }
    if (this.recording) this.keywordScanner?.scanGroupsRecording(bytes, mask, this.hits);
    else this.keywordScanner?.scanGroups(bytes, mask);
    const out: CompiledRule[] = [];
    for (let w = 0; w < mask.length; w++) {
      let m = mask[w]!;
      while (m !== 0) {
        const bit = 31 - Math.clz32(m & -m);
        m &= m - 1;
        out.push(this.rules[w * 32 + bit]!);
      }
    }
    return out;
  }

  /**
   * Scan file content. The keyword prefilter runs on the bytes; only when some rule is a candidate is the
   * content decoded (latin1: byte-preserving, the patterns are ASCII) and matched.
   */
  scanBuffer(content: Buffer, path: string): SecretHit[] {
    let candidates = this.candidates(content, path);
    if (candidates.length === 0) return [];
    // before the content is decoded: rules that cannot match it (MAY_MATCH), and rules that do not report on this
    // path (generic-password in source code), are dropped; `run` would find nothing for them
    candidates = candidates.filter((r) => !(r.mayMatch && !this.mayMatch(r, r.mayMatch, content)) && !r.allowPath?.(path));
    if (candidates.length === 0) return [];
    return this.run(content.toString('latin1'), candidates, path, {});
  }

  /** Can rule r match these bytes, as far as its MAY_MATCH conditions tell (on the occurrences of the last scan)? */
  private mayMatch(r: CompiledRule, may: MayMatch, bytes: Buffer): boolean {
    if (may.content && !may.content(bytes)) return false;
    // the occurrences are recorded when the matcher has anchored rules (the built-in table has)
    if (!may.occurrence || !this.recording || !this.keywordScanner) return true;
    const test = may.occurrence;
    const scanner = this.keywordScanner;
    const ids = this.ruleKeywordIds[this.rules.indexOf(r)]!;
    const { ends, states, count } = this.hits;
    for (let h = 0; h < count; h++) {
      for (const id of scanner.keywordsAt(states[h]!)) {
        if (ids.has(id) && test(bytes, ends[h]! + 1)) return true;
      }
    }
    return false;
  }

  /**
   * Scan one text. `path` (relative, no leading '/') selects path-limited rules; pass undefined for
   * config strings. Returns hits de-duplicated by (line, value), first rule in table order winning.
   */
  scan(text: string, path?: string, opts: { configOnly?: boolean } = {}): SecretHit[] {
    const candidates = this.candidates(Buffer.from(text, 'latin1'), path);
    if (candidates.length === 0) return [];
    return this.run(text, candidates, path, opts);
  }

  private run(text: string, candidates: CompiledRule[], path: string | undefined, opts: { configOnly?: boolean }): SecretHit[] {
    const hits: SecretHit[] = [];
    const seen = new Set<string>();
    let lineIndex: number[] | undefined;
    const lineOf = (offset: number): number => {
      if (!lineIndex) {
        lineIndex = [0];
        for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineIndex.push(i + 1);
      }
      let lo = 0;
      let hi = lineIndex.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (lineIndex[mid] <= offset) lo = mid;
        else hi = mid - 1;
      }
      return lo + 1;
    };

    for (const r of candidates) {
      if (opts.configOnly && r.data.config === false) continue;
      if (path !== undefined && r.allowPath?.(path)) continue;
      if (r.data.fileOnly) {
        if (text.trim().length === 0) continue;
        hits.push({ rule: r.data.id, line: 1, redacted: `(${text.length} bytes)`, length: text.length, digest: secretDigest(text.slice(0, 4096)) });
        continue;
      }
      let next: () => RegExpExecArray | null;
      if (r.sticky) {
        // anchored: the sticky regex at each possible start at or after the previous match's end
        const starts = this.anchoredStarts(r, this.rules.indexOf(r), text);
        const re = r.sticky;
        let k = 0;
        let from = 0;
        next = () => {
          for (; k < starts.length; k++) {
            const at = starts[k]!;
            if (at < from) continue;
            re.lastIndex = at;
            const m = re.exec(text);
            if (m === null) continue;
            k++;
            from = m[0].length === 0 ? at + 1 : at + m[0].length;
            return m;
          }
          return null;
        };
      } else {
        const re = r.re!;
        re.lastIndex = 0;
        next = () => re.exec(text);
      }
      let m: RegExpExecArray | null;
      let n = 0;
      while ((m = next()) !== null) {
        if (m[0].length === 0) {
          if (!r.sticky) r.re!.lastIndex++;
          continue;
        }
        const value = (m.groups?.secret ?? m[0]).trim();
        // the line where the match starts (a PEM block's BEGIN line, an assignment's key)
        const off = m.index + (m[0].length - m[0].trimStart().length);
        if (!value) continue;
        if (r.data.entropy !== undefined && shannonEntropy(value) < r.data.entropy) continue;
        if (r.allowValues.some((a) => a.test(value))) continue;
        const line = lineOf(Math.max(0, off));
        const digest = secretDigest(value);
        const key = `${line}|${digest}`;
        if (seen.has(key)) continue;
        seen.add(key);
        hits.push({ rule: r.data.id, line, redacted: redact(value), length: value.length, digest });
        if (++n >= MAX_HITS_PER_FILE || hits.length >= MAX_HITS_PER_FILE * 2) break;
      }
    }
    return hits;
  }
}
