/**
 * The image pipeline: open a reference with the right source and walk its layers with the analyzers the
 * caller passes (cached per layer). The pipeline knows no analyzer: the application layer (src/app/) decides
 * which detectors and checks run, and consumes the ImageScan (inventory, checks, vulnerabilities).
 */
import { openImage } from '../sources/index.js';
import type { ImageSourceOptions, OpenedImage } from '../sources/types.js';
import type { RegistryOptions } from '../sources/registry.js';
import { cacheRoot } from './cache.js';
import { scanImage, type ScanProgress } from './scan.js';
import type { ImageScan, LayerAnalyzer } from './types.js';
import type { Walkers } from './pool.js';
import { skipMatcher, type SkipSpec } from '../core/selectors.js';
import { skippingAnalyzers } from './skip.js';

export interface AnalyzeImageOptions {
  /** the layer analyzers to run (names must be unique) */
  analyzers: LayerAnalyzer[];
  platform?: string;
  cacheDir?: string;
  noCache?: boolean;
  onProgress?: (e: ScanProgress) => void;
  /** layers walked at once (random-access sources); default 2 */
  concurrency?: number;
  /** registry credentials, trust and limits, for registry references */
  registry?: RegistryOptions;
  /** --skip-dirs / --skip-files: paths no analyzer reads and no check sees */
  skip?: SkipSpec;
  /** walker threads started ahead (prestart.ts); the caller stops them */
  walkers?: Promise<Walkers | undefined>;
  /** called once the main thread has walked its share while a thread still walks (see ScanOptions.onIdle) */
  onIdle?: () => void;
}

export async function analyzeImage(ref: string, opts: AnalyzeImageOptions): Promise<ImageScan> {
  const srcOpts: ImageSourceOptions = { tmpDir: cacheRoot(opts.cacheDir) };
  if (opts.platform) srcOpts.platform = opts.platform;
  if (opts.registry) srcOpts.registry = opts.registry;
  const image = await openImage(ref, srcOpts);
  try {
    return await scanOpened(image, opts);
  } finally {
    await image.close();
  }
}

/** Walk an image already opened (the caller closes it) with the analyzers given. */
export async function scanOpened(image: OpenedImage, opts: Omit<AnalyzeImageOptions, 'platform' | 'registry'>): Promise<ImageScan> {
  const skipPath = skipMatcher(opts.skip);
  return await scanImage(image, skippingAnalyzers(opts.analyzers, opts.skip), {
    ...(skipPath ? { skipPath } : {}),
    cacheDir: opts.cacheDir,
    noCache: opts.noCache,
    onProgress: opts.onProgress,
    concurrency: opts.concurrency,
    ...(opts.walkers ? { walkers: opts.walkers } : {}),
    ...(opts.onIdle ? { onIdle: opts.onIdle } : {}),
  });
}
