/**
 * The layer analyzers the image checks need from the walk: the secret scanner and the file facts. Apart from
 * `index.ts` (the checks and their rules), so that a scan loads what it walks with before the walk, and the rules
 * after it, or while it waits on a walker thread (`ScanOptions.onIdle`).
 */
import type { BulwarkConfig } from '../../core/config.js';
import type { LayerAnalyzer } from '../../image/types.js';
import { imageFilesAnalyzer } from './files-analyzer.js';
import { builtinSecretsAnalyzer, makeCustomSecretsAnalyzer } from './secrets/analyzer.js';
import { resolveSecrets } from './secrets/settings.js';

/** The analyzers the layer walker runs on every layer for these checks (built-in rules only). */
export const imageContentAnalyzers: LayerAnalyzer[] = [builtinSecretsAnalyzer, imageFilesAnalyzer];

/** The analyzers for a given config: the built-in ones plus one for the user's own secret rules, if any. */
export function imageContentAnalyzersFor(cfg: BulwarkConfig): LayerAnalyzer[] {
  const custom = makeCustomSecretsAnalyzer(resolveSecrets(cfg).custom);
  return custom ? [...imageContentAnalyzers, custom] : imageContentAnalyzers;
}
