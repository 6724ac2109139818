/**
 * The `secrets` section of `.bulwark.yaml`:
 *
 *   secrets:
 *     disable: [generic-password, BW-SECRET-018]   # kind ids or catalogue ids
 *     allowPaths: ["opt/app/fixtures/**"]          # extra globs no rule fires on
 *     defaultAllowPaths: true                      # false: also scan docs, package test dirs, CA stores
 *     rules:                                        # your own kinds, same shape as the built-in table
 *       - id: acme-api-key
 *         regex: "acme_[a-z0-9]{32}"
 *         keywords: [acme_]
 *         severity: high
 */
import picomatch from 'picomatch';
import { z } from 'zod';
import { configSection, type BulwarkConfig } from '../../../core/config.js';
import { InputError } from '../../../core/errors.js';
import { SEVERITIES } from '../../../core/finding.js';
import { BUILTIN_SECRET_RULES, DEFAULT_ALLOW_PATHS, type SecretRuleData } from './rules-table.js';

export const CUSTOM_RULE_ID = 'BW-SECRET-099';

const customRuleSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, . _ - only'),
  kind: z.string().optional(),
  description: z.string().optional(),
  regex: z.string().min(1),
  flags: z.string().regex(/^[imsu]*$/, 'only i, m, s, u').optional(),
  keywords: z.array(z.string()).default([]),
  entropy: z.number().min(0).max(8).optional(),
  paths: z.array(z.string()).optional(),
  allowPaths: z.array(z.string()).optional(),
  allowValues: z.array(z.string()).optional(),
  severity: z.enum(SEVERITIES).default('high'),
});

export const secretsSchema = z.object({
  disable: z.array(z.string()).default([]),
  allowPaths: z.array(z.string()).default([]),
  defaultAllowPaths: z.boolean().default(true),
  rules: z.array(customRuleSchema).default([]),
});

export type SecretsSettings = z.infer<typeof secretsSchema>;

export interface ResolvedSecrets {
  settings: SecretsSettings;
  /** built-in rules minus disabled ones */
  builtin: SecretRuleData[];
  /** the user's rules, converted to rule data */
  custom: SecretRuleData[];
  /** every active rule by kind id */
  byId: Map<string, SecretRuleData>;
  /** true when no rule fires on this path */
  allowed(path: string): boolean;
}

export function readSecretsSettings(cfg: BulwarkConfig): SecretsSettings {
  return configSection(cfg, 'secrets', secretsSchema) ?? secretsSchema.parse({});
}

export function customRuleData(settings: SecretsSettings): SecretRuleData[] {
  const builtinIds = new Set(BUILTIN_SECRET_RULES.map((r) => r.id));
  return settings.rules.map((r) => {
    if (builtinIds.has(r.id)) throw new InputError(`secrets.rules: id '${r.id}' is a built-in rule id; choose another`);
    try {
      new RegExp(r.regex, (r.flags ?? '') + 'g');
      for (const v of r.allowValues ?? []) new RegExp(v, 'i');
    } catch (e) {
      throw new InputError(`secrets.rules '${r.id}': invalid regular expression: ${(e as Error).message}`);
    }
    return {
      id: r.id,
      ruleId: CUSTOM_RULE_ID,
      kind: r.kind ?? r.id,
      description: r.description ?? `custom rule ${r.id}`,
      regex: r.regex,
      flags: r.flags,
      keywords: r.keywords,
      entropy: r.entropy,
      paths: r.paths,
      allowPaths: r.allowPaths,
      allowValues: r.allowValues,
      severity: r.severity,
    };
  });
}

export function resolveSecrets(cfg: BulwarkConfig): ResolvedSecrets {
  const settings = readSecretsSettings(cfg);
  const disabled = new Set(settings.disable.map((d) => d.toLowerCase()));
  const active = (r: SecretRuleData) => !disabled.has(r.id.toLowerCase()) && !disabled.has(r.ruleId.toLowerCase());
  const builtin = BUILTIN_SECRET_RULES.filter(active);
  const custom = customRuleData(settings).filter(active);
  const allowList = [...(settings.defaultAllowPaths ? DEFAULT_ALLOW_PATHS : []), ...settings.allowPaths];
  const allowMatch = allowList.length ? picomatch(allowList, { dot: true }) : () => false;
  return {
    settings,
    builtin,
    custom,
    byId: new Map([...builtin, ...custom].map((r) => [r.id, r])),
    allowed: (p) => allowMatch(p),
  };
}
