/**
 * Which layer analyzers an image scan runs. The walker (src/image) takes its analyzers as an argument and
 * knows none of them; this is the one place that chooses: the package detectors (src/inventory) always, and
 * the content checks' analyzers (secrets, dangerous files; src/analyzers/image) when checks run.
 */
import type { BulwarkConfig } from '../core/config.js';
import type { LayerAnalyzer } from '../image/types.js';
import { inventoryAnalyzers } from '../inventory/index.js';

/** The package detectors: what `sbom`, `why` and an index without checks run. */
export const packageDetectors: readonly LayerAnalyzer[] = inventoryAnalyzers;

/**
 * The analyzers of a full image scan: detectors, plus the checks' analyzers (and the config's custom secret rules).
 * `secret: false` (--scanners without secret) leaves the secret analyzers out, `misconfig: false` the file facts
 * analyzer: the walker then never reads a file for them. The checks' analyzers load only for a scan with checks:
 * their modules and the secret rules' automaton take 40-60 ms that a scan without them would pay for nothing.
 */
export async function imageScanAnalyzers(opts: { checks?: boolean; config?: BulwarkConfig; secret?: boolean; misconfig?: boolean } = {}): Promise<LayerAnalyzer[]> {
  if (opts.checks === false) return [...packageDetectors];
  const [{ imageContentAnalyzersFor }, { imageFilesAnalyzer }] = await Promise.all([import('../analyzers/image/content-analyzers.js'), import('../analyzers/image/files-analyzer.js')]);
  const content = imageContentAnalyzersFor(opts.config ?? {}).filter((a) => (a === imageFilesAnalyzer ? opts.misconfig !== false : opts.secret !== false));
  return [...packageDetectors, ...content];
}
