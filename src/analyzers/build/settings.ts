/** The `build:` section of .bulwark.yaml. */
import { z } from 'zod';
import { configSection, type BulwarkConfig } from '../../core/config.js';
import { DEFAULT_SETTINGS, type BuildSettings } from './context.js';
import { parseAllowedRegistries } from '../../registry/allowed.js';

const schema = z
  .object({
    allowedRegistries: z.array(z.string()).optional(),
    labelSchema: z.record(z.string(), z.enum(['text', 'url', 'hash', 'rfc3339', 'semver', 'spdx', 'email'])).optional(),
    strictLabels: z.boolean().optional(),
    maxFileSize: z.number().int().positive().optional(),
  })
  .strict();

/**
 * The build settings of a config. Registries: `build.allowedRegistries` when set, else the top-level
 * `allowedRegistries` policy that containers are checked against too (src/registry/allowed.ts). A bad entry is a
 * usage error here, not in the middle of a lint.
 */
export function buildSettings(cfg: BulwarkConfig): BuildSettings {
  const s = configSection(cfg, 'build', schema) ?? {};
  const allowedRegistries = s.allowedRegistries ?? cfg.allowedRegistries ?? DEFAULT_SETTINGS.allowedRegistries;
  parseAllowedRegistries(allowedRegistries, `config ${cfg.__path ?? '.bulwark.yaml'}`);
  return {
    allowedRegistries,
    labelSchema: s.labelSchema ?? DEFAULT_SETTINGS.labelSchema,
    strictLabels: s.strictLabels ?? DEFAULT_SETTINGS.strictLabels,
    maxFileSize: s.maxFileSize ?? DEFAULT_SETTINGS.maxFileSize,
  };
}
