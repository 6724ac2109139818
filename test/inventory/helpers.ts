import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EntryMeta } from '../../src/sources/types.js';
import type { AnalyzerContext } from '../../src/image/types.js';

export const FIX = fileURLToPath(new URL('../fixtures/inventory/', import.meta.url));
export const fixture = (p: string): Buffer => readFileSync(FIX + p);

export function meta(path: string, extra: Partial<EntryMeta> = {}): EntryMeta {
  return { path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0, ...extra };
}

export function ctx(truncated = false): AnalyzerContext & { truncated: boolean } {
  return { layer: { index: 0, digest: 'sha256:' + '0'.repeat(64) }, imageName: 'test', truncated };
}
