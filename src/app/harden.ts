/**
 * The hardening use cases: write the hardened version of a compose file or a `docker run` line.
 *
 *   hardenCompose(file, config)   compose text -> hardened text + unified diff (comments and layout kept)
 *   hardenRun(argv, config)       docker run|create ARGS -> hardened command line + the list of changes
 */
import { readFileSync, statSync } from 'node:fs';
import type { BulwarkConfig } from '../core/config.js';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { InputError, UserError } from '../core/errors.js';
import { readSeccompProfileFile } from './profiles.js';
import { hardenSettings } from '../harden/config.js';
import { hardenComposeText, type HardenResult } from '../harden/compose.js';
import { hardenRunArgs, type HardenRunResult } from '../harden/run.js';
import { MAX_COMPOSE_BYTES } from '../runtime/compose/load.js';

export interface HardenOptions {
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

export function hardenCompose(file: string, cfg: BulwarkConfig, opts: HardenOptions = {}): HardenResult & { warnings: string[] } {
  let text: string;
  try {
    if (statSync(file).size > MAX_COMPOSE_BYTES) throw new InputError(`${file}: larger than ${MAX_COMPOSE_BYTES} bytes`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read compose file ${file}: ${(e as Error).message}`);
  }
  const p = checkedProfiles(opts.seccompProfiles, dirname(resolve(file)));
  return { ...hardenComposeText(text, file, hardenSettings(cfg, p.seccompProfiles ? { seccompProfiles: p.seccompProfiles } : {})), warnings: p.warnings };
}

export function hardenRun(argv: string[], cfg: BulwarkConfig, opts: HardenOptions = {}): HardenRunResult & { warnings: string[] } {
  if (opts.seccompProfiles && Object.keys(opts.seccompProfiles).some((k) => k !== '*')) throw new UserError('harden run: --seccomp-profile takes a file (SERVICE=FILE is for harden compose)');
  const p = checkedProfiles(opts.seccompProfiles);
  return { ...hardenRunArgs(argv, hardenSettings(cfg, p.seccompProfiles ? { seccompProfiles: p.seccompProfiles } : {})), warnings: p.warnings };
}
