/**
 * Allow rules: where secret rules do not report. The built-in ones are data (allow-rules.json beside this file,
 * copied into dist/ by scripts/postbuild.mjs); `.bulwark.yaml` adds rules (`secrets.allowRules`) and disables
 * built-in ones by id (`secrets.disableAllowRules`). A rule is a set of path globs and, optionally, the secret
 * kinds it applies to. They are applied when findings are made (not when layers are read), so changing them
 * does not invalidate the per-layer cache, and a secret deleted in a later layer is judged by its path like any other.
 */
import { createRequire } from 'node:module';
import picomatch from 'picomatch';
import { z } from 'zod';

export const allowRuleSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, . _ - only'),
    description: z.string().optional(),
    paths: z.array(z.string().min(1)).min(1),
    /** secret kind ids (e.g. jwt, private-key); every kind when absent */
    kinds: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

export type AllowRule = z.infer<typeof allowRuleSchema>;

const fileSchema = z.object({ $comment: z.string().optional(), rules: z.array(allowRuleSchema) }).strict();

let builtin: AllowRule[] | undefined;
/** The built-in allow rules (allow-rules.json), validated once. */
export function builtinAllowRules(): AllowRule[] {
  if (!builtin) {
    const raw: unknown = createRequire(import.meta.url)('./allow-rules.json');
    const r = fileSchema.safeParse(raw);
    if (!r.success) throw new Error(`allow-rules.json: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    builtin = r.data.rules;
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
