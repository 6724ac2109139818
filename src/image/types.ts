/**
 * The layer walker streams each layer once and serves analyzers only the files they asked for
 * (Trivy fanal's shape). Per-layer results are cached by (layer digest, analyzer name, analyzer version).
 */
import type { EntryMeta, LayerRef, OpenedImage } from '../sources/types.js';

export interface AnalyzerContext {
  /**
   * The layer being read. Provisional (index -1, digest '') when a one-pass source learns which layer a blob
   * is only after reading it (docker: with a legacy save stream). Outputs must not depend on it anyway:
   * they are cached by layer content and shared by every image and position that layer appears in.
   */
  layer: LayerRef;
  imageName: string;
}

/**
 * Reads one file as it streams by (LayerAnalyzer.stream): `push` gets the content in order, each chunk valid only
 * during the call (copy what you keep); returning false means no more bytes are needed. `end` is called once,
 * after the last chunk or after the sink declined more, and gives the per-file output.
 */
export interface FileSink<R = unknown> {
  push(chunk: Buffer, offset: number): boolean | void;
  end(): R | undefined;
}

/**
 * Where a worker thread loads an analyzer from: the module (its `import.meta.url`) and the export, which is the
 * analyzer itself, or a factory called with `args` (plain JSON data) that returns it.
 */
export interface AnalyzerOrigin {
  module: string;
  export: string;
  args?: unknown[];
}

/**
 * A layer analyzer. It never opens archives itself. Its per-file output must be JSON-serialisable
 * (it is cached on disk). Bump `version` whenever the output for the same input changes.
 */
export interface LayerAnalyzer<R = unknown> {
  name: string;
  version: number;
  /** the name its outputs are cached under (default `name`): an analyzer that sees fewer files caches apart */
  cacheName?: string;
  /** the files it wants; called for every regular file (and hardlink resolved to its content) */
  wants(meta: EntryMeta): boolean;
  /** larger wanted files are passed with `truncated: true` and only the first maxFileSize bytes; default 8 MiB */
  maxFileSize?: number;
  /**
   * `content` is valid during the call and until the returned promise settles, no longer: it may be a view into a
   * read buffer that the walk reuses once it reads on (an uncompressed tar layer). Copy what you keep.
   */
  analyze(meta: EntryMeta, content: Buffer, ctx: AnalyzerContext & { truncated: boolean }): R | undefined | Promise<R | undefined>;
  /**
   * Optional, for files too big to buffer (executables): when present the walker never buffers the file for this
   * analyzer and feeds it the bytes as they stream by instead of calling `analyze`.
   */
  stream?(meta: EntryMeta, ctx: AnalyzerContext): FileSink<R>;
  /**
   * Set when the analyzer can run in the walker's worker threads (an analyzer defined in a module, not a closure
   * made at run time). Layers are walked in worker threads only when every analyzer of the walk has an origin.
   */
  origin?: AnalyzerOrigin;
}

/** What one layer holds: its entries (metadata only) and each analyzer's per-path output. */
export interface LayerResult {
  layer: LayerRef;
  /** every entry's metadata, in archive order; whiteout markers are not entries (see `whiteouts`, `opaqueDirs`) */
  entries: EntryMeta[];
  /** paths removed by this layer (`.wh.NAME` -> NAME) */
  whiteouts: string[];
  /** directories made opaque by this layer (`.wh..wh..opq`) */
  opaqueDirs: string[];
  /** analyzer name -> path -> output */
  analyses: Record<string, Record<string, unknown>>;
  /** uncompressed bytes of the layer tar */
  uncompressedSize: number;
  warnings: string[];
}

/** A file of the final filesystem and where it came from. */
export interface FinalFile {
  meta: EntryMeta;
  /** the layer that added or last changed it */
  layerIndex: number;
}

/** A file present in a lower layer but hidden (deleted, overwritten, or under an opaque dir) by a later one. */
export interface HiddenFile {
  meta: EntryMeta;
  layerIndex: number;
  /** the layer that removed or replaced it */
  hiddenBy: number;
  how: 'whiteout' | 'opaque' | 'overwritten';
}

export interface ImageScan {
  image: OpenedImage;
  layers: LayerResult[];
  /** path -> final file */
  final: Map<string, FinalFile>;
  hidden: HiddenFile[];
}
