/**
 * The cache use cases (`bulwark clean`): what the cache holds, and removing parts of it. Only the areas
 * Bulwark writes are touched, never the cache root itself or anything else in it.
 *
 *   cacheAreas(cacheDir?)           the areas, their paths and sizes
 *   cleanCache(areas, {cacheDir})   remove those areas (dry run: only report)
 */
import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot } from '../image/cache.js';

export const CACHE_AREAS = {
  layers: { dir: 'layers', what: 'per-layer walk and analyzer results' },
  images: { dir: 'images', what: 'per-image results: inventory and image check findings (app/image-cache.ts)' },
  'base-images': { dir: 'base-images', what: 'layer index of images seen before (base/app attribution)' },
  tmp: { dir: 'tmp', what: 'temporary image exports' },
  db: { dir: 'db', what: 'vulnerability database (bulwark db update rebuilds it)' },
} as const;

export type CacheArea = keyof typeof CACHE_AREAS;

export interface CacheAreaInfo {
  area: CacheArea;
  path: string;
  what: string;
  exists: boolean;
  bytes: number;
  files: number;
}

/** Size of a tree without following symlinks (iterative: a deep tree cannot overflow the stack). */
function treeSize(root: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  const stack = [root];
  while (stack.length) {
    const p = stack.pop()!;
    let st;
    try {
      st = lstatSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      let names: string[] = [];
      try {
        names = readdirSync(p);
      } catch {
        /* unreadable: counted as empty */
      }
      for (const n of names) stack.push(join(p, n));
    } else {
      bytes += st.size;
      files++;
    }
  }
  return { bytes, files };
}

export function cacheAreas(cacheDir?: string): CacheAreaInfo[] {
  const root = cacheRoot(cacheDir);
  return (Object.keys(CACHE_AREAS) as CacheArea[]).map((area) => {
    const path = join(root, CACHE_AREAS[area].dir);
    let exists = false;
    try {
      exists = lstatSync(path).isDirectory();
    } catch {
      /* absent */
    }
    return { area, path, what: CACHE_AREAS[area].what, exists, ...(exists ? treeSize(path) : { bytes: 0, files: 0 }) };
  });
}

/** Remove the given areas of the cache (a dry run only reports them); returns what was (or would be) removed. */
export function cleanCache(areas: CacheArea[], opts: { cacheDir?: string; dryRun?: boolean } = {}): CacheAreaInfo[] {
  const infos = cacheAreas(opts.cacheDir).filter((a) => areas.includes(a.area) && a.exists);
  if (!opts.dryRun) for (const a of infos) rmSync(a.path, { recursive: true, force: true });
  return infos;
}
