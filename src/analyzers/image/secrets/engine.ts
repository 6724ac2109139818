/**
 * The secret-matching engine: compiles rule data once, then scans text. A combined keyword expression
 * rejects most inputs with one pass; only rules whose keywords occur (or that are limited to the file's
 * path) run their regex. Matches never carry the secret itself: only a short prefix, its length and a
 * truncated hash (for de-duplication and fingerprints).
 */
import { createHash } from 'node:crypto';
import picomatch from 'picomatch';
import type { SecretRuleData } from './rules-table.js';
import { KeywordScanner } from './keyword-scanner.js';

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
  return {
    data,
    re,
    keywords: data.keywords.map((k) => k.toLowerCase()).filter(Boolean),
    pathMatch: globs(data.paths),
    allowPath: globs(data.allowPaths),
    allowValues: (data.allowValues ?? []).map((v) => new RegExp(v, 'i')),
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

  constructor(rules: SecretRuleData[]) {
    this.rules = rules.map(compileRule);
    this.pathRules = this.rules.filter((r) => r.pathMatch);
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
  }

  /** Rules limited to paths (dotfiles like .npmrc): true when one of them wants `path`. */
  wantsPath(path: string): boolean {
    return this.pathRules.some((r) => r.pathMatch!(path));
  }

  /** The rules to run on these bytes, in table order (which decides the rule that wins a value two rules match). */
  private candidates(bytes: Uint8Array, path: string | undefined): CompiledRule[] {
    const mask = this.mask;
    mask.fill(0);
    mask.set(this.baseMask);
    if (path !== undefined) {
      for (const r of this.pathRules) {
        if (!r.pathMatch!(path)) continue;
        const i = this.rules.indexOf(r);
        mask[i >>> 5] |= 1 << (i & 31);
      }
    }
    this.keywordScanner?.scanGroups(bytes, mask);
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
    const candidates = this.candidates(content, path);
    if (candidates.length === 0) return [];
    return this.run(content.toString('latin1'), candidates, path, {});
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
      const re = r.re!;
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      let n = 0;
      while ((m = re.exec(text)) !== null) {
        if (m[0].length === 0) {
          re.lastIndex++;
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
