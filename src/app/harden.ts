/**
 * The hardening use cases: write the hardened version of a compose file or a `docker run` line.
 *
 *   hardenCompose(file, config)   compose text -> hardened text + unified diff (comments and layout kept)
 *   hardenRun(argv, config)       docker run|create ARGS -> hardened command line + the list of changes
 */
import { readFileSync, statSync } from 'node:fs';
import type { BulwarkConfig } from '../core/config.js';
import { InputError } from '../core/errors.js';
import { hardenSettings } from '../harden/config.js';
import { hardenComposeText, type HardenResult } from '../harden/compose.js';
import { hardenRunArgs, type HardenRunResult } from '../harden/run.js';
import { MAX_COMPOSE_BYTES } from '../runtime/compose/load.js';

export function hardenCompose(file: string, cfg: BulwarkConfig): HardenResult {
  let text: string;
  try {
    if (statSync(file).size > MAX_COMPOSE_BYTES) throw new InputError(`${file}: larger than ${MAX_COMPOSE_BYTES} bytes`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read compose file ${file}: ${(e as Error).message}`);
  }
  return hardenComposeText(text, file, hardenSettings(cfg));
}

export function hardenRun(argv: string[], cfg: BulwarkConfig): HardenRunResult {
  return hardenRunArgs(argv, hardenSettings(cfg));
}
