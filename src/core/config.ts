/**
 * `.bulwark.yaml`: defaults for every command. Looked up in the scanned directory, then the current
 * directory, or given with --config. Each stage reads its own section with `configSection`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { InputError } from './errors.js';

// yaml and zod (some 100 modules) load when a config file is read, not on every start: most runs have none
const require = createRequire(import.meta.url);

const makeBaseSchema = (zod: typeof z) =>
  zod
    .object({
      format: zod.string().optional(),
      severity: zod.string().optional(),
      'exit-code': zod.number().int().optional(),
      ignorefile: zod.string().optional(),
      /** inline ignore entries, same syntax as .bulwarkignore lines */
      ignore: zod.array(zod.string()).optional(),
      /** where images may come from (src/registry/allowed.ts): containers, and Dockerfiles unless build.allowedRegistries is set */
      allowedRegistries: zod.array(zod.string()).optional(),
    })
    .passthrough();
let baseSchema: ReturnType<typeof makeBaseSchema> | undefined;

/**
 * The top-level keys `.bulwark.yaml` may hold: the shared report defaults above and one section per stage
 * (read with `configSection`). A stage that adds a section adds its name here; any other key is a warning
 * (a misspelt `severty:` must not be ignored silently).
 */
export const CONFIG_KEYS = ['format', 'severity', 'exit-code', 'ignorefile', 'ignore', 'allowedRegistries', 'vulndb', 'imageChecks', 'secrets', 'build', 'harden', 'serve'];

export type BulwarkConfig = z.infer<ReturnType<typeof makeBaseSchema>> & {
  __path?: string;
  /** top-level keys not in CONFIG_KEYS (the CLI warns about them) */
  __unknown?: string[];
};

export const CONFIG_NAMES = ['.bulwark.yaml', '.bulwark.yml'];

export function findConfig(dirs: string[]): string | undefined {
  for (const d of dirs) {
    for (const n of CONFIG_NAMES) {
      const p = join(resolve(d), n);
      if (existsSync(p)) return p;
    }
  }
  return undefined;
}

export function loadConfig(path: string | undefined): BulwarkConfig {
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read config file ${path}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = (require('yaml') as typeof import('yaml')).parse(text, { maxAliasCount: 100 }) ?? {};
  } catch (e) {
    throw new InputError(`config file ${path} is not valid YAML: ${(e as Error).message}`);
  }
  baseSchema ??= makeBaseSchema((require('zod') as typeof import('zod')).z);
  const r = baseSchema.safeParse(data);
  if (!r.success) throw new InputError(`config file ${path}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const unknown = isRecord(data) ? Object.keys(data).filter((k) => !CONFIG_KEYS.includes(k)) : [];
  return { ...r.data, __path: path, ...(unknown.length ? { __unknown: unknown } : {}) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The warning for unknown top-level keys, with the closest known key when one is near. */
export function unknownKeysWarning(cfg: BulwarkConfig): string | undefined {
  if (!cfg.__unknown?.length) return undefined;
  const parts = cfg.__unknown.slice(0, 10).map((k) => {
    const near = CONFIG_KEYS.find((c) => editDistance(c.toLowerCase(), k.toLowerCase()) <= 2);
    return `'${k.length > 40 ? `${k.slice(0, 40)}...` : k}'${near ? ` (did you mean '${near}'?)` : ''}`;
  });
  const more = cfg.__unknown.length > 10 ? ` and ${cfg.__unknown.length - 10} more` : '';
  return `config ${cfg.__path ?? ''}: unknown key${cfg.__unknown.length > 1 ? 's' : ''} ${parts.join(', ')}${more} ignored (known: ${CONFIG_KEYS.join(', ')})`;
}

/** Levenshtein distance of two short strings (keys are capped at 64 characters). */
function editDistance(a: string, b: string): number {
  a = a.slice(0, 64);
  b = b.slice(0, 64);
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** Read and validate one section of the config (e.g. `secrets`, `harden`); undefined when absent. */
export function configSection<T>(cfg: BulwarkConfig, name: string, schema: z.ZodType<T>): T | undefined {
  const raw = (cfg as Record<string, unknown>)[name];
  if (raw === undefined) return undefined;
  const r = schema.safeParse(raw);
  if (!r.success) {
    throw new InputError(
      `config ${cfg.__path ?? ''} section '${name}': ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return r.data;
}
