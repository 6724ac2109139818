/** Synthetic ImageScans: layers given as file lists; the real analyzers fill `analyses`, the real stacker `final`/`hidden`. */
import { stackLayers } from '../../src/image/final.js';
import type { ImageScan, LayerAnalyzer, LayerResult } from '../../src/image/types.js';
import type { EntryMeta, ImageConfig, OpenedImage } from '../../src/sources/types.js';
import { imageContentAnalyzers } from '../../src/analyzers/image/index.js';

export interface SynthFile {
  path: string;
  content?: string | Buffer;
  type?: EntryMeta['type'];
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  devmajor?: number;
  devminor?: number;
}

export interface SynthLayer {
  files?: SynthFile[];
  whiteouts?: string[];
  opaqueDirs?: string[];
  createdBy?: string;
}

export async function synthScan(
  layers: SynthLayer[],
  opts: { config?: ImageConfig; name?: string; repoTags?: string[]; analyzers?: LayerAnalyzer[]; annotations?: Record<string, string> } = {},
): Promise<ImageScan> {
  const analyzers = opts.analyzers ?? imageContentAnalyzers;
  const results: LayerResult[] = [];
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i];
    const ref = { index: i, digest: `sha256:${String(i).repeat(64).slice(0, 64)}`, diffId: `sha256:d${i}`, createdBy: l.createdBy };
    const entries: EntryMeta[] = [];
    const analyses: Record<string, Record<string, unknown>> = {};
    for (const f of l.files ?? []) {
      const content = f.content === undefined ? Buffer.alloc(0) : Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content);
      const meta: EntryMeta = {
        path: f.path,
        type: f.type ?? 'file',
        mode: f.mode ?? (f.type === 'dir' ? 0o755 : 0o644),
        uid: f.uid ?? 0,
        gid: f.gid ?? 0,
        size: f.size ?? content.length,
        ...(f.devmajor !== undefined ? { devmajor: f.devmajor, devminor: f.devminor } : {}),
      };
      entries.push(meta);
      if (meta.type !== 'file') continue;
      for (const a of analyzers) {
        if (!a.wants(meta)) continue;
        const cap = a.maxFileSize ?? 8 * 1024 * 1024;
        const out = await a.analyze(meta, content.subarray(0, cap), { layer: ref, imageName: 'synth', truncated: content.length > cap });
        if (out !== undefined) (analyses[a.name] ??= {})[meta.path] = out;
      }
    }
    results.push({ layer: ref, entries, whiteouts: l.whiteouts ?? [], opaqueDirs: l.opaqueDirs ?? [], analyses, uncompressedSize: entries.reduce((s, e) => s + e.size, 0), warnings: [] });
  }
  const { final, hidden } = stackLayers(results);
  const config: ImageConfig = opts.config ?? {
    created: '2026-11-01T00:00:00Z',
    config: { User: 'app', Healthcheck: { Test: ['CMD', 'true'] } },
    history: layers.map((l) => ({ created_by: l.createdBy ?? 'RUN /bin/sh -c true # buildkit' })),
  };
  const image: OpenedImage = {
    ref: opts.name ?? 'synth:1.0',
    kind: 'docker-archive',
    name: opts.name ?? 'synth:1.0',
    repoTags: opts.repoTags ?? [opts.name ?? 'synth:1.0'],
    config,
    layers: results.map((r) => r.layer),
    ...(opts.annotations ? { annotations: opts.annotations } : {}),
    layerEntries: () => {
      throw new Error('synthetic image has no layer streams');
    },
    close: async () => {},
  };
  return { image, layers: results, final, hidden };
}

export const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\napp:x:1000:1000::/home/app:/bin/sh\n';
