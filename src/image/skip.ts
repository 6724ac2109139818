/**
 * `--skip-dirs` / `--skip-files` in the layer walker: every analyzer is wrapped so that it never asks for a skipped
 * file (the walker then neither buffers nor streams it to anyone), and the skipped paths leave the scan's entries
 * (no check sees their metadata either). The wrapped analyzers cache their outputs under another name (the skip
 * globs' hash), so a scan with skips never reuses, nor leaves behind, outputs that include skipped files. They keep
 * an origin, so layers still walk in worker threads: the wrapper is rebuilt there from the inner analyzer's origin.
 */
import { createHash } from 'node:crypto';
import { skipMatcher, type SkipSpec } from '../core/selectors.js';
import type { AnalyzerOrigin, LayerAnalyzer } from './types.js';

function wrap(a: LayerAnalyzer, spec: SkipSpec, skip: (p: string) => boolean): LayerAnalyzer {
  const tag = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 12);
  const w: LayerAnalyzer = {
    name: a.name,
    version: a.version,
    cacheName: `${a.cacheName ?? a.name}~skip-${tag}`,
    wants: (meta) => !skip(meta.path) && a.wants(meta),
    analyze: (meta, content, ctx) => a.analyze(meta, content, ctx),
  };
  if (a.maxFileSize !== undefined) w.maxFileSize = a.maxFileSize;
  if (a.stream) w.stream = (meta, ctx) => a.stream!(meta, ctx);
  if (a.origin) w.origin = { module: import.meta.url, export: 'skippingAnalyzer', args: [a.origin, spec] };
  return w;
}

/** The analyzers, each blind to the skipped paths (as given when nothing is skipped). */
export function skippingAnalyzers(analyzers: LayerAnalyzer[], spec: SkipSpec | undefined): LayerAnalyzer[] {
  const skip = skipMatcher(spec);
  if (!skip || !spec) return analyzers;
  return analyzers.map((a) => wrap(a, spec, skip));
}

/** Worker threads: load the inner analyzer from its origin and wrap it again. */
export async function skippingAnalyzer(origin: AnalyzerOrigin, spec: SkipSpec): Promise<LayerAnalyzer> {
  const mod = (await import(origin.module)) as Record<string, unknown>;
  const x = mod[origin.export];
  const inner = (origin.args ? await (x as (...args: unknown[]) => unknown)(...origin.args) : x) as LayerAnalyzer;
  return wrap(inner, spec, skipMatcher(spec)!);
}
