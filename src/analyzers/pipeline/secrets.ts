/**
 * Secrets in a project directory, found with the image secret rules (the same table, the same `secrets:` config),
 * and what each Dockerfile's build context sends into an image.
 *
 * - Project files: the files `scan` walks (.gitignore honoured: an ignored file is not in the repository).
 * - Build contexts: the Docker client does not read .gitignore, only `.dockerignore` (or `<Dockerfile>.dockerignore`
 *   next to the Dockerfile, which wins), so a context is walked on its own with those rules. A COPY / ADD of a
 *   shipped stage whose sources cover a secret-bearing file bakes it into the image.
 * Every file's content is scanned at most once (hits cached by absolute path), files are read only when a
 * rule wants them (size and binary checks of the image analyzer).
 */
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join, sep } from 'node:path';
import picomatch from 'picomatch';
import type { Severity } from '../../core/finding.js';
import type { BulwarkConfig } from '../../core/config.js';
import type { EntryMeta } from '../../sources/types.js';
import type { LayerAnalyzer } from '../../image/types.js';
import { makeSecretsAnalyzer } from '../image/secrets/analyzer.js';
import type { SecretHit } from '../image/secrets/engine.js';
import { resolveSecrets, type ResolvedSecrets } from '../image/secrets/settings.js';
import type { SecretRuleData } from '../image/secrets/rules-table.js';

/** A secret in a file under the project root. */
export interface FileSecret {
  /** '/'-separated, relative to the project root */
  file: string;
  line: number;
  /** the kind's catalogue rule (BW-SECRET-NNN) and data rule */
  catalogueId: string;
  rule: string;
  kind: string;
  severity: Severity;
  redacted: string;
  digest: string;
}

const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);
/** a context is walked up to this many entries (a context of a whole home directory is itself a problem) */
export const MAX_CONTEXT_ENTRIES = 200_000;

export class SecretScanner {
  readonly resolved: ResolvedSecrets;
  private readonly analyzer: LayerAnalyzer<SecretHit[]>;
  private readonly rules: Map<string, SecretRuleData>;
  private readonly cache = new Map<string, FileSecret[]>();
  /** files whose content was read */
  scanned = 0;

  constructor(
    private readonly root: string,
    cfg: BulwarkConfig,
  ) {
    this.resolved = resolveSecrets(cfg);
    const all = [...this.resolved.builtin, ...this.resolved.custom];
    this.analyzer = makeSecretsAnalyzer(all, 'project-secrets', 1);
    this.rules = new Map(all.map((r) => [r.id, r]));
  }

  /** The secrets of one file ('/'-separated path relative to the root); [] for allowed, binary, huge files. */
  file(rel: string): FileSecret[] {
    const hit = this.cache.get(rel);
    if (hit) return hit;
    const out = this.scan(rel);
    this.cache.set(rel, out);
    return out;
  }

  private scan(rel: string): FileSecret[] {
    if (this.resolved.allowed(rel)) return [];
    const abs = join(this.root, rel.split('/').join(sep));
    let size: number;
    try {
      const st = statSync(abs);
      if (!st.isFile()) return [];
      size = st.size;
    } catch {
      return [];
    }
    const meta: EntryMeta = { path: rel, type: 'file', mode: 0o644, uid: 0, gid: 0, size };
    if (!this.analyzer.wants(meta)) return [];
    let buf: Buffer;
    try {
      buf = readFileSync(abs);
    } catch {
      return [];
    }
    this.scanned++;
    const hits = this.analyzer.analyze(meta, buf, { layer: { index: 0, digest: '' } as never, imageName: '', truncated: false });
    if (!hits || hits instanceof Promise) return [];
    const out: FileSecret[] = [];
    for (const h of hits) {
      const r = this.rules.get(h.rule);
      if (!r || this.resolved.allowedBy(rel, r.id)) continue;
      out.push({ file: rel, line: h.line, catalogueId: r.ruleId, rule: r.id, kind: r.kind, severity: r.severity as Severity, redacted: h.redacted, digest: h.digest });
    }
    return out;
  }
}

/** .dockerignore semantics (moby/patternmatcher): anchored at the context root, last match wins, `!` re-includes. */
export function dockerignoreMatcher(text: string): (rel: string, isDir: boolean) => boolean {
  const pats: Array<{ neg: boolean; m: (p: string) => boolean }> = [];
  for (const raw of text.split(/\r?\n/)) {
    let p = raw.trim();
    if (!p || p.startsWith('#')) continue;
    const neg = p.startsWith('!');
    if (neg) p = p.slice(1).trim();
    p = p.replace(/^(\.\/)+/, '').replace(/^\/+/, '').replace(/\/+$/, '');
    if (!p || p === '.') {
      if (!neg) pats.push({ neg, m: () => true });
      continue;
    }
    const m = picomatch(p, { dot: true });
    // a pattern naming a directory excludes everything under it
    pats.push({ neg, m: (x) => m(x) });
  }
  return (rel) => {
    let excluded = false;
    const parts = rel.split('/');
    for (const { neg, m } of pats) {
      // the path itself or one of its parent directories
      let hit = false;
      for (let i = parts.length; i >= 1 && !hit; i--) hit = m(parts.slice(0, i).join('/'));
      if (hit) excluded = !neg;
    }
    return excluded;
  };
}

/** The files of a build context (relative to the context), .dockerignore applied, .git and node_modules not entered. */
export function contextFiles(contextAbs: string, ignoreText: string | undefined, warnings: string[]): string[] {
  const ignored = ignoreText !== undefined ? dockerignoreMatcher(ignoreText) : () => false;
  const out: string[] = [];
  let entries = 0;
  const visit = (dirRel: string): void => {
    let list: Dirent[];
    try {
      list = readdirSync(join(contextAbs, dirRel), { withFileTypes: true });
    } catch {
      return;
    }
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of list) {
      if (++entries > MAX_CONTEXT_ENTRIES) return;
      const rel = dirRel ? `${dirRel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (SKIP_DIRS.has(e.name)) continue;
        // an excluded directory may still hold re-included files (`!dir/keep`): enter it anyway, files decide
        visit(rel);
      } else if (e.isFile() && !ignored(rel, false)) out.push(rel);
    }
  };
  visit('');
  if (entries > MAX_CONTEXT_ENTRIES) warnings.push(`build context ${contextAbs}: more than ${MAX_CONTEXT_ENTRIES} entries; the rest was not checked`);
  return out;
}

/** Read .dockerignore for a Dockerfile: `<Dockerfile>.dockerignore` beside it wins over `<context>/.dockerignore`. */
export function readDockerignore(contextAbs: string, dockerfileAbs: string): { text?: string; file?: string } {
  for (const f of [`${dockerfileAbs}.dockerignore`, join(contextAbs, '.dockerignore')]) {
    try {
      return { text: readFileSync(f, 'utf8'), file: f };
    } catch {
      /* next */
    }
  }
  return {};
}

/**
 * The context files a COPY/ADD source covers. Sources are relative to the context: `.`, `./`, `/` is the whole
 * context, a directory covers everything under it, wildcards follow filepath.Match (`*` does not cross '/').
 */
export function filesCoveredBy(sources: string[], files: string[]): string[] {
  const out = new Set<string>();
  for (const raw of sources) {
    const s = raw.replace(/^(\.\/)+/, '').replace(/^\/+/, '').replace(/\/+$/, '');
    if (s === '' || s === '.') {
      for (const f of files) out.add(f);
      continue;
    }
    const glob = /[*?[]/.test(s) ? picomatch(s, { dot: true }) : undefined;
    for (const f of files) {
      if (glob) {
        const parts = f.split('/');
        for (let i = 1; i <= parts.length; i++) {
          if (glob(parts.slice(0, i).join('/'))) {
            out.add(f);
            break;
          }
        }
      } else if (f === s || f.startsWith(`${s}/`)) out.add(f);
    }
  }
  return [...out];
}
