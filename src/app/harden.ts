/**
 * The hardening use cases: write the hardened version of a compose file, a `docker run` line or Kubernetes
 * manifests.
 *
 *   hardenCompose(file, config, opts)   compose text -> hardened text + unified diff (comments and layout kept)
 *   hardenRun(argv, config, opts)       docker run|create ARGS -> hardened command line + the list of changes
 *   hardenK8s(file, config, opts)       Kubernetes manifests -> hardened text + unified diff (comments and layout kept)
 *
 * `opts.keep` leaves settings on purpose (`--keep`); the images' USER is looked up on the Docker engine when
 * one answers (so the non-root user is the image's own), else a numeric UID is used.
 */
import { isAbsolute, relative, dirname, resolve } from 'node:path';
import type { BulwarkConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { readSeccompProfileFile } from './profiles.js';
import { hardenSettings } from '../harden/config.js';
import { hardenComposeText, type HardenResult } from '../harden/compose.js';
import { hardenRunArgs, type HardenRunResult } from '../harden/run.js';
import { hardenK8sText, type HardenK8sResult } from '../harden/k8s.js';
import { loadK8sText, MAX_MANIFEST_BYTES } from '../runtime/k8s.js';
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
  /** --seccomp-profile [SERVICE=]FILE: the profile each service (or every one, '*') runs under; checked to be a valid profile */
  seccompProfiles?: Record<string, string>;
}

/** Check every --seccomp-profile file parses (Docker would refuse to start with a broken one). */
function checkedProfiles(profiles: Record<string, string> | undefined, relativeTo?: string): { seccompProfiles?: Record<string, string>; warnings: string[] } {
  if (!profiles || !Object.keys(profiles).length) return { warnings: [] };
  const out: Record<string, string> = {};
  const warnings: string[] = [];
  for (const [svc, file] of Object.entries(profiles)) {
    const r = readSeccompProfileFile(file);
    warnings.push(...r.warnings.map((w) => `${file}: ${w}`));
    // compose resolves the path from the project directory; a run line from where it is typed
    let p = relativeTo ? relative(relativeTo, r.path) : file;
    if (relativeTo && !p.startsWith('.') && !isAbsolute(p)) p = `./${p}`;
    out[svc] = p;
  }
  return { seccompProfiles: out, warnings };
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

export async function hardenCompose(file: string, cfg: BulwarkConfig, opts: HardenUseOptions = {}): Promise<HardenResult & { warnings: string[] }> {
  const text = readYamlText(file, 'compose file', MAX_COMPOSE_BYTES);
  const keep = parseKeep([...configKeep(cfg), ...(opts.keep ?? [])]);
  const p = checkedProfiles(opts.seccompProfiles, dirname(resolve(file)));
  const images = [...text.matchAll(/^\s*image:\s*["']?([^\s"'#]+)/gm)].map((m) => m[1]!).filter((i) => !i.includes('$'));
  const users = await imageUsers(images, opts.engine);
  const settings = hardenSettings(cfg, p.seccompProfiles ? { seccompProfiles: p.seccompProfiles } : {});
  return { ...hardenComposeText(text, file, settings, { keep, imageUsers: users }), warnings: p.warnings };
}

export async function hardenRun(argv: string[], cfg: BulwarkConfig, opts: HardenUseOptions = {}): Promise<HardenRunResult & { warnings: string[] }> {
  if (opts.seccompProfiles && Object.keys(opts.seccompProfiles).some((k) => k !== '*')) throw new UserError('harden run: --seccomp-profile takes a file (SERVICE=FILE is for harden compose)');
  const keep = parseKeep([...configKeep(cfg), ...(opts.keep ?? [])]);
  const p = checkedProfiles(opts.seccompProfiles);
  const image = runArgsToSpec(argv).spec.image;
  const users = await imageUsers(image ? [image] : [], opts.engine);
  const settings = hardenSettings(cfg, p.seccompProfiles ? { seccompProfiles: p.seccompProfiles } : {});
  return { ...hardenRunArgs(argv, settings, { keep, imageUser: image ? users.get(image) : undefined }), warnings: p.warnings };
}

export async function hardenK8s(file: string, cfg: BulwarkConfig, opts: HardenUseOptions = {}): Promise<HardenK8sResult> {
  const text = readYamlText(file, 'Kubernetes manifest', MAX_MANIFEST_BYTES);
  const keep = parseKeep([...configKeep(cfg), ...(opts.keep ?? [])]);
  const images = [...new Set(loadK8sText(text, file).specs.flatMap((s) => (s.image ? [s.image] : [])))];
  const users = await imageUsers(images, opts.engine);
  return hardenK8sText(text, file, hardenSettings(cfg), { keep, imageUsers: users });
}

/** `.bulwark.yaml` `harden.keep: [SETTING[=REASON], ...]` */
function configKeep(cfg: BulwarkConfig): string[] {
  return hardenSettings(cfg).keep;
}
