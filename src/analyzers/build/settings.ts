/** The `build:` section of .bulwark.yaml. */
import { z } from 'zod';
import { configSection, type BulwarkConfig } from '../../core/config.js';
import { DEFAULT_SETTINGS, type BuildSettings } from './context.js';

const schema = z
  .object({
    allowedRegistries: z.array(z.string()).optional(),
    labelSchema: z.record(z.string(), z.enum(['text', 'url', 'hash', 'rfc3339', 'semver', 'spdx', 'email'])).optional(),
    strictLabels: z.boolean().optional(),
    maxFileSize: z.number().int().positive().optional(),
  })
  .strict();

export function buildSettings(cfg: BulwarkConfig): BuildSettings {
  const s = configSection(cfg, 'build', schema) ?? {};
  return {
    allowedRegistries: s.allowedRegistries ?? DEFAULT_SETTINGS.allowedRegistries,
    labelSchema: s.labelSchema ?? DEFAULT_SETTINGS.labelSchema,
    strictLabels: s.strictLabels ?? DEFAULT_SETTINGS.strictLabels,
    maxFileSize: s.maxFileSize ?? DEFAULT_SETTINGS.maxFileSize,
  };
}
