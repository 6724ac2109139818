/**
 * The image pipeline: open a reference with the right source, walk its layers with every registered
 * analyzer (cached per layer), and hand back the ImageScan. Later stages add their analyzers to
 * `imagePipelineAnalyzers` (secrets, image file checks) and consume the scan (inventory, vulnerabilities).
 */
import { openImage } from '../sources/index.js';
import type { ImageSourceOptions } from '../sources/types.js';
import type { RegistryOptions } from '../sources/registry.js';
import { inventoryAnalyzers } from '../inventory/index.js';
import { cacheRoot } from './cache.js';
import { scanImage, type ScanProgress } from './scan.js';
import type { ImageScan, LayerAnalyzer } from './types.js';

/** Every analyzer the image pipeline runs (names must be unique). Append yours. */
export const imagePipelineAnalyzers: LayerAnalyzer[] = [...inventoryAnalyzers];

export interface AnalyzeImageOptions {
  platform?: string;
  cacheDir?: string;
  noCache?: boolean;
  onProgress?: (e: ScanProgress) => void;
  /** layers walked at once (random-access sources); default 2 */
  concurrency?: number;
  /** defaults to imagePipelineAnalyzers */
  analyzers?: LayerAnalyzer[];
  /** registry credentials, trust and limits, for registry references */
  registry?: RegistryOptions;
}

export async function analyzeImage(ref: string, opts: AnalyzeImageOptions = {}): Promise<ImageScan> {
  const srcOpts: ImageSourceOptions = { tmpDir: cacheRoot(opts.cacheDir) };
  if (opts.platform) srcOpts.platform = opts.platform;
  if (opts.registry) srcOpts.registry = opts.registry;
  const image = await openImage(ref, srcOpts);
  try {
    return await scanImage(image, opts.analyzers ?? imagePipelineAnalyzers, {
      cacheDir: opts.cacheDir,
      noCache: opts.noCache,
      onProgress: opts.onProgress,
      concurrency: opts.concurrency,
    });
  } finally {
    await image.close();
  }
}
