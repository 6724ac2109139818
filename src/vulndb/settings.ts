/**
 * The `vulndb` section of `.bulwark.yaml` and the flags that override it (--max-age, --severity-source): what a
 * scan command reads before it matches, without loading the matchers.
 */
import { createRequire } from 'node:module';
import type { BulwarkConfig } from '../core/config.js';
import { configSection } from '../core/config.js';

const require = createRequire(import.meta.url);

const makeVulndbConfigSchema = (z: typeof import('zod').z) =>
  z
    .object({
      'max-age-days': z.number().positive().optional(),
      /** rating sources in preference order, as --severity-source: "nvd,auto" or [nvd, auto] */
      'severity-source': z.union([z.string(), z.array(z.string())]).optional(),
    })
    .passthrough();
let schema: ReturnType<typeof makeVulndbConfigSchema> | undefined;

/** The `vulndb` section's schema; zod loads when a config has that section, not on every scan. */
export function vulndbConfigSchema(): ReturnType<typeof makeVulndbConfigSchema> {
  return (schema ??= makeVulndbConfigSchema((require('zod') as typeof import('zod')).z));
}

/** The `vulndb` section of the config, validated; undefined when there is none. */
function vulndbSection(cfg: BulwarkConfig): ReturnType<ReturnType<typeof makeVulndbConfigSchema>['parse']> | undefined {
  if ((cfg as Record<string, unknown>).vulndb === undefined) return undefined;
  return configSection(cfg, 'vulndb', vulndbConfigSchema());
}

export function maxAgeFromConfig(cfg: BulwarkConfig | undefined): number | undefined {
  if (!cfg) return undefined;
  return vulndbSection(cfg)?.['max-age-days'];
}

/**
 * `--severity-source` (wins) or `.bulwark.yaml` `vulndb.severity-source`; undefined: the default order. The
 * names are checked against the feed registry, which loads only when one is given.
 */
export async function severitySourcesFrom(flag: string | undefined, cfg: BulwarkConfig | undefined): Promise<string[] | undefined> {
  const spec = flag ?? (cfg ? vulndbSection(cfg)?.['severity-source'] : undefined);
  if (spec === undefined) return undefined;
  return (await import('./ratings.js')).parseSeveritySources(spec);
}
