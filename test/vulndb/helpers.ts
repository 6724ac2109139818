

import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { updateDb, type UpdateResult } from '../../src/vulndb/update.js';
import { tempDir } from '../support/tmp.js';

const here = dirname(fileURLToPath(import.meta.url));
export const FIX = resolve(here, '../fixtures/vulndb');
export const SHARED = resolve(here, '../../../shared/data');
export const haveShared = existsSync(join(SHARED, 'osv/go'));

export function fx(...p: string[]): string {
  return join(FIX, ...p);
}

export function tmpCache(): string {
  return tempDir('bw-vulndb-');
}

export const ALL_FIXTURE_SOURCES = [
  fx('osv/go'),
  fx('osv/pypi'),
  fx('osv/ghsa'),
  fx('alpine'),
  fx('debian/bookworm-trixie-subset.json'),
  fx('debian/tracker-states.json'),
  fx('kev/known_exploited_vulnerabilities.json'),
  fx('nodejs/npm'),
];

export async function buildDb(sources = ALL_FIXTURE_SOURCES, cacheDir = tmpCache()): Promise<UpdateResult & { cacheDir: string }> {
  const r = await updateDb({ cacheDir, sources });
  return { ...r, cacheDir };
}
