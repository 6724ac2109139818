/**
 * `.bulwark.yaml`: defaults for every command. Looked up in the scanned directory, then the current
 * directory, or given with --config. Each stage reads its own section with `configSection`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { InputError } from './errors.js';

const baseSchema = z
  .object({
    format: z.string().optional(),
    severity: z.string().optional(),
    'exit-code': z.number().int().optional(),
    ignorefile: z.string().optional(),
    /** inline ignore entries, same syntax as .bulwarkignore lines */
    ignore: z.array(z.string()).optional(),
  })
  .passthrough();

export type BulwarkConfig = z.infer<typeof baseSchema> & { __path?: string };

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
    data = parse(text, { maxAliasCount: 100 }) ?? {};
  } catch (e) {
    throw new InputError(`config file ${path} is not valid YAML: ${(e as Error).message}`);
  }
  const r = baseSchema.safeParse(data);
  if (!r.success) throw new InputError(`config file ${path}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { ...r.data, __path: path };
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
