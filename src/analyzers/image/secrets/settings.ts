/**
 * The `secrets` section of `.bulwark.yaml`:
 *
 *   secrets:
 *     disable: [generic-password, BW-SECRET-018]   # kind ids or catalogue ids
 *     allowPaths: ["opt/app/fixtures/**"]          # extra globs no rule fires on
 *     allowRules:                                  # extra allow rules, same shape as allow-rules.json
 *       - { id: our-fixtures, paths: ["srv/app/test/keys/**"], kinds: [private-key] }
 *     disableAllowRules: [go-toolchain-tests]      # built-in allow rules (allow-rules.json) by id
 *     defaultAllowPaths: true                      # false: no built-in allow rule at all
 *     rules:                                        # your own kinds, same shape as the built-in table
 *       - id: acme-api-key
 *         regex: "acme_[a-z0-9]{32}"
 *         keywords: [acme_]
 *         severity: high
 */
import { createRequire } from 'node:module';
import { configSection, type BulwarkConfig } from '../../../core/config.js';
import { InputError } from '../../../core/errors.js';
import { SEVERITIES } from '../../../core/finding.js';
import { makeAllowRuleSchema, builtinAllowRules, compileAllowRules, type AllowRule } from './allow-rules.js';
import { BUILTIN_SECRET_RULES, type SecretRuleData } from './rules-table.js';

export const CUSTOM_RULE_ID = 'BW-SECRET-099';

const require = createRequire(import.meta.url);

const makeSecretsSchema = (z: typeof import('zod').z) => {
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
  return (
    z
      .object({
        disable: z.array(z.string()).default([]),
        allowPaths: z.array(z.string()).default([]),
        allowRules: z.array(makeAllowRuleSchema(z)).default([]),
        disableAllowRules: z.array(z.string()).default([]),
        defaultAllowPaths: z.boolean().default(true),
        rules: z.array(customRuleSchema).default([]),
      })
      // a misspelt key (allowRule:, disableAllowRule:) must not be ignored silently
      .strict()
  );
};

export type SecretsSettings = ReturnType<ReturnType<typeof makeSecretsSchema>['parse']>;
let schema: ReturnType<typeof makeSecretsSchema> | undefined;

/** The `secrets` section's schema; zod loads when a config has that section, not on every scan. */
export function secretsSchema(): ReturnType<typeof makeSecretsSchema> {
  return (schema ??= makeSecretsSchema((require('zod') as typeof import('zod')).z));
}

/** The settings of a config without a `secrets` section: the schema's defaults (a test holds them equal). */
export function defaultSecretsSettings(): SecretsSettings {
  return { disable: [], allowPaths: [], allowRules: [], disableAllowRules: [], defaultAllowPaths: true, rules: [] };
}

export interface ResolvedSecrets {
  settings: SecretsSettings;
  /** built-in rules minus disabled ones */
  builtin: SecretRuleData[];
  /** the user's rules, converted to rule data */
  custom: SecretRuleData[];
  /** every active rule by kind id */
  byId: Map<string, SecretRuleData>;
  /** the allow rules in force: the built-in ones not disabled, then the user's */
  allowRules: AllowRule[];
  /** true when no rule fires on this path (an allow rule for every kind covers it): the file need not be read */
  allowed(path: string): boolean;
  /** the id of the allow rule that covers a secret of kind `kind` (a kind id) on `path`, or undefined */
  allowedBy(path: string, kind: string): string | undefined;
}

export function readSecretsSettings(cfg: BulwarkConfig): SecretsSettings {
  if ((cfg as Record<string, unknown>).secrets === undefined) return defaultSecretsSettings();
  return configSection(cfg, 'secrets', secretsSchema())!;
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
  const allowRules = resolveAllowRules(settings, [...BUILTIN_SECRET_RULES, ...custom].map((r) => r.id));
  const matcher = compileAllowRules(allowRules);
  return {
    settings,
    builtin,
    custom,
    byId: new Map([...builtin, ...custom].map((r) => [r.id, r])),
    allowRules,
    allowed: (p) => matcher.wholePath(p) !== undefined,
    allowedBy: (p, kind) => matcher.hit(p, kind),
  };
}

/** Built-in allow rules minus disabled ones, the user's rules, and `allowPaths` as one rule of every kind. */
function resolveAllowRules(settings: SecretsSettings, kindIds: string[]): AllowRule[] {
  const builtin = builtinAllowRules();
  const ids = new Set(builtin.map((r) => r.id));
  for (const id of settings.disableAllowRules) {
    if (!ids.has(id)) throw new InputError(`secrets.disableAllowRules: no built-in allow rule '${id}' (known: ${[...ids].join(', ')})`);
  }
  const kinds = new Set(kindIds);
  for (const r of settings.allowRules) {
    if (ids.has(r.id)) throw new InputError(`secrets.allowRules: id '${r.id}' is a built-in allow rule id; choose another`);
    for (const k of r.kinds ?? []) if (!kinds.has(k)) throw new InputError(`secrets.allowRules '${r.id}': unknown secret kind '${k}' (kinds: ${kindIds.join(', ')})`);
  }
  const off = new Set(settings.disableAllowRules);
  return [
    ...(settings.defaultAllowPaths ? builtin.filter((r) => !off.has(r.id)) : []),
    ...settings.allowRules,
    ...(settings.allowPaths.length ? [{ id: 'config-allowPaths', description: 'secrets.allowPaths in the config', paths: settings.allowPaths }] : []),
  ];
}
