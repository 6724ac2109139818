/** The data files shipped beside the profiles code (src/profiles/data/, copied to dist/ by the build), loaded on first use. */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cache = new Map<string, unknown>();

export function profileData<T>(file: string): T {
  let v = cache.get(file);
  if (v === undefined) {
    v = require(`./data/${file}`) as unknown;
    cache.set(file, v);
  }
  return v as T;
}
