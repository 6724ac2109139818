/**
 * Where the vulnerability database lives: `<cache root>/db/vuln.db`. The cache root is the one the
 * image cache uses (`--cache-dir`, else `$XDG_CACHE_HOME/bulwark`, else `~/.cache/bulwark`).
 */
import { join } from 'node:path';
import { cacheRoot } from '../image/cache.js';

export function dbDir(cacheDir?: string): string {
  return join(cacheRoot(cacheDir), 'db');
}

export function dbPath(cacheDir?: string): string {
  return join(dbDir(cacheDir), 'vuln.db');
}
