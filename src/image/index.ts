/**
 * The image stage's public surface: the walker, the pipeline, the cache root, final-filesystem helpers.
 *
 *   analyzeImage(ref, {analyzers})     open + walk with the given analyzers -> ImageScan
 *   scanImage(image, analyzers, opts)  walk an OpenedImage (cached per layer) -> ImageScan
 *   resolveFinal(final, path)          follow symlinks inside the image root (bounded)
 *   readLayerFiles(image, i, paths)    read named files from one layer (e.g. hidden ones)
 *   cacheRoot(explicit?)               $XDG_CACHE_HOME/bulwark or ~/.cache/bulwark
 */
export { scanImage, layerCacheKey, WALKER_VERSION, type ScanOptions, type ScanProgress } from './scan.js';
export { analyzeImage, type AnalyzeImageOptions } from './pipeline.js';
export { cacheRoot, cacheSubdir, writeFileAtomic, LayerCache } from './cache.js';
export { stackLayers, resolveFinal, finalMeta } from './final.js';
export { readLayerFiles, type ExtractedFile } from './extract.js';
export type { AnalyzerContext, LayerAnalyzer, LayerResult, FinalFile, HiddenFile, ImageScan } from './types.js';
