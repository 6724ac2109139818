/**
 * Allow rules: where secret rules do not report. The built-in ones are data (allow-rules.json beside this file,
 * copied into dist/ by scripts/postbuild.mjs); `.bulwark.yaml` adds rules (`secrets.allowRules`) and disables
 * built-in ones by id (`secrets.disableAllowRules`). A rule is a set of path globs and, optionally, the secret
 * kinds it applies to. They are applied when findings are made (not when layers are read), so changing them
 * does not invalidate the per-layer cache, and a secret deleted in a later layer is judged by its path like any other.
 */
import { createRequire } from 'node:module';
import picomatch from 'picomatch';

const require = createRequire(import.meta.url);

/** One allow rule: where (path globs) secrets of which kinds (every kind when absent) are not reported. */
export interface AllowRule {
  id: string;
  description?: string;
  paths: string[];
  /** secret kind ids (e.g. jwt, private-key); every kind when absent */
  kinds?: string[];
}

/**
 * The schema of an allow rule in `.bulwark.yaml` (`secrets.allowRules`), built on the zod it is given: zod loads
 * when a config has a `secrets` section, not on every scan.
 */
export const makeAllowRuleSchema = (z: typeof import('zod').z) =>
  z
    .object({
      id: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, . _ - only'),
      description: z.string().optional(),
      paths: z.array(z.string().min(1)).min(1),
      kinds: z.array(z.string().min(1)).min(1).optional(),
    })
    .strict();

/** The schema of allow-rules.json (its test validates the shipped file against it). */
export const makeAllowRulesFileSchema = (z: typeof import('zod').z) => z.object({ $comment: z.string().optional(), rules: z.array(makeAllowRuleSchema(z)) }).strict();

let builtin: AllowRule[] | undefined;
/**
 * The built-in allow rules (allow-rules.json, part of the package: its test validates it against
 * `makeAllowRulesFileSchema`; here only its shape is checked, so that a scan does not load zod).
 */
export function builtinAllowRules(): AllowRule[] {
  if (!builtin) {
    const raw = require('./allow-rules.json') as { rules?: unknown };
    const rules = raw?.rules;
    if (!Array.isArray(rules) || !rules.every((r: Partial<AllowRule> | null) => typeof r?.id === 'string' && Array.isArray(r.paths) && r.paths.length > 0 && r.paths.every((p) => typeof p === 'string' && p.length > 0) && (r.kinds === undefined || (Array.isArray(r.kinds) && r.kinds.every((k) => typeof k === 'string'))))) {
      throw new Error('allow-rules.json: not a list of allow rules (id, paths, kinds)');
    }
    builtin = rules as AllowRule[];
  }
  return builtin;
}

export interface AllowMatcher {
  /** the id of the first rule that allows every kind on `path`, or undefined: the file need not be read at all */
  wholePath(path: string): string | undefined;
  /** the id of the first rule that allows a secret of kind `kind` on `path`, or undefined */
  hit(path: string, kind: string): string | undefined;
}

export function compileAllowRules(rules: AllowRule[]): AllowMatcher {
  const compiled = rules.map((r) => ({ id: r.id, match: picomatch(r.paths, { dot: true }), kinds: r.kinds ? new Set(r.kinds) : undefined }));
  const all = compiled.filter((r) => !r.kinds);
  return {
    wholePath: (path) => all.find((r) => r.match(path))?.id,
    hit: (path, kind) => compiled.find((r) => (!r.kinds || r.kinds.has(kind)) && r.match(path))?.id,
  };
}
