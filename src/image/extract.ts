/**
 * Read a few files' contents straight from one layer (one pass over that layer, only the named files
 * buffered, each capped). For follow-up work on a finished scan: e.g. the content of a file that a later
 * layer deleted (`ImageScan.hidden`) is still in its own layer and can be read from there.
 */
import type { OpenedImage } from '../sources/types.js';

export interface ExtractedFile {
  content: Buffer;
  truncated: boolean;
}

export async function readLayerFiles(image: OpenedImage, layerIndex: number, paths: Iterable<string>, maxBytes = 8 * 1024 * 1024): Promise<Map<string, ExtractedFile>> {
  const want = new Set(paths);
  const out = new Map<string, ExtractedFile>();
  if (want.size === 0) return out;
  for await (const entry of image.layerEntries(layerIndex)) {
    if (entry.meta.type !== 'file' || !want.has(entry.meta.path)) continue;
    const parts: Buffer[] = [];
    let got = 0;
    let truncated = entry.meta.size > maxBytes;
    const src: AsyncIterable<Buffer> = entry.chunks ? entry.chunks() : (entry.stream as AsyncIterable<Buffer>);
    for await (const c of src) {
      if (got >= maxBytes) {
        truncated = true;
        continue;
      }
      const take = Math.min(c.length, maxBytes - got);
      parts.push(Buffer.from(c.subarray(0, take)));
      got += take;
    }
    out.set(entry.meta.path, { content: Buffer.concat(parts), truncated });
  }
  return out;
}
