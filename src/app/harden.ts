/**
 * The hardening use cases: write the hardened version of a compose file, a `docker run` line or Kubernetes
 * manifests.
 *
 *   hardenCompose(file, config, opts)   compose text -> hardened text + unified diff (comments and layout kept)
 *   hardenRun(argv, config, opts)       docker run|create ARGS -> hardened command line + the list of changes
 *
 * `opts.keep` leaves settings on purpose (`--keep`); the images' USER is looked up on the Docker engine when
 * one answers (so the non-root user is the image's own), else a numeric UID is used.
 */
import type { BulwarkConfig } from '../core/config.js';
import { hardenSettings } from '../harden/config.js';
import { hardenComposeText, type HardenResult } from '../harden/compose.js';
import { hardenRunArgs, type HardenRunResult } from '../harden/run.js';
import { parseKeep } from '../harden/plan.js';
import { MAX_COMPOSE_BYTES } from '../runtime/compose/load.js';
import { readYamlText } from '../runtime/yaml.js';
import { runArgsToSpec } from '../runtime/runargs.js';
import { EngineClient } from '../sources/engine/client.js';

export interface HardenUseOptions {
  /** `--keep` values (SETTING[=REASON][,...]) */
  keep?: string[];
  /** look the images' USER up on this engine (default: DOCKER_HOST or the default socket); false: do not */
  engine?: string | false;
}

/** image → its configured USER ('' when none), for the images the engine knows; a missing engine is not an error */
export async function imageUsers(images: string[], engine: string | false | undefined): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (engine === false || images.length === 0) return out;
  const client = new EngineClient({ host: engine, timeoutMs: 3_000 });
  for (const image of new Set(images)) {
    try {
      const info = await client.json<{ Config?: { User?: string } }>(`/images/${encodeURIComponent(image)}/json`);
      out.set(image, typeof info?.Config?.User === 'string' ? info.Config.User : '');
    } catch {
      // not pulled here, or no engine: the USER is unknown
    }
  }
  return out;
}

export async function hardenCompose(file: string, cfg: BulwarkConfig, opts: HardenUseOptions = {}): Promise<HardenResult> {
  const text = readYamlText(file, 'compose file', MAX_COMPOSE_BYTES);
  const keep = parseKeep([...configKeep(cfg), ...(opts.keep ?? [])]);
  const images = [...text.matchAll(/^\s*image:\s*["']?([^\s"'#]+)/gm)].map((m) => m[1]!).filter((i) => !i.includes('$'));
  const users = await imageUsers(images, opts.engine);
  return hardenComposeText(text, file, hardenSettings(cfg), { keep, imageUsers: users });
}

export async function hardenRun(argv: string[], cfg: BulwarkConfig, opts: HardenUseOptions = {}): Promise<HardenRunResult> {
  const keep = parseKeep([...configKeep(cfg), ...(opts.keep ?? [])]);
  const image = runArgsToSpec(argv).spec.image;
  const users = await imageUsers(image ? [image] : [], opts.engine);
  return hardenRunArgs(argv, hardenSettings(cfg), { keep, imageUser: image ? users.get(image) : undefined });
}

/** `.bulwark.yaml` `harden.keep: [SETTING[=REASON], ...]` */
function configKeep(cfg: BulwarkConfig): string[] {
  return hardenSettings(cfg).keep;
}
