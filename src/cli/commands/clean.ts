/**
 * `bulwark clean`: remove cached data. By default the scan caches (layers, base-image index, temporary exports);
 * `--db` the vulnerability database, `--all` everything Bulwark keeps in its cache directory.
 */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { CACHE_AREAS, cleanCache, type CacheArea } from '../../app/cache.js';

/** (kept here: app/image.js would load the image pipeline) */
function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const u = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  for (; v >= 1024 && i < u.length - 1; i++) v /= 1024;
  return `${v.toFixed(v < 10 ? 1 : 0)} ${u[i]}`;
}

interface Opts {
  cacheDir?: string;
  layers?: boolean;
  baseImages?: boolean;
  db?: boolean;
  all?: boolean;
  dryRun?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('clean')
    .description('remove cached data (default: the scan caches; --db the vulnerability database; --all both)')
    .option('--cache-dir <dir>', 'cache directory (default: $XDG_CACHE_HOME/bulwark or ~/.cache/bulwark)')
    .option('--layers', `only the layer cache (${CACHE_AREAS.layers.what}) and the image results built on it (${CACHE_AREAS.images.what})`)
    .option('--base-images', `only the base-image index (${CACHE_AREAS['base-images'].what})`)
    .option('--db', 'the vulnerability database')
    .option('--all', 'everything: scan caches and the vulnerability database')
    .option('--dry-run', 'list what would be removed, remove nothing')
    .action((opts: Opts) => {
      const picked: CacheArea[] = [];
      if (opts.layers) picked.push('layers', 'images');
      if (opts.baseImages) picked.push('base-images');
      if (opts.db) picked.push('db');
      const areas: CacheArea[] = opts.all ? ['layers', 'images', 'base-images', 'tmp', 'db'] : picked.length ? picked : ['layers', 'images', 'base-images', 'tmp'];
      const removed = cleanCache(areas, { cacheDir: opts.cacheDir, dryRun: opts.dryRun });
      const verb = opts.dryRun ? 'would remove' : 'removed';
      for (const a of removed) process.stdout.write(`${verb} ${a.area}: ${a.path} (${a.files} files, ${formatBytes(a.bytes)})\n`);
      if (!removed.length) process.stdout.write(`nothing to remove (${areas.join(', ')} not in the cache)\n`);
      ctx.setExitCode(0);
    });
}
