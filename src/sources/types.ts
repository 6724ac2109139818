/**
 * How image bytes come in. Every source (docker-archive, OCI layout, Engine API, dir:, rootfs:,
 * and later a registry) opens to the same OpenedImage; everything downstream sees only this.
 */
import type { Readable } from 'node:stream';
import type { LayerLimits } from './layer.js';
import type { RegistryOptions } from './registry.js';

/** The parts of the OCI image config Bulwark reads (docker's config is a superset). */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  author?: string;
  config?: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    Labels?: Record<string, string> | null;
    ExposedPorts?: Record<string, unknown> | null;
    Volumes?: Record<string, unknown> | null;
    Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number } | null;
    OnBuild?: string[] | null;
    StopSignal?: string;
  };
  rootfs?: { type: string; diff_ids: string[] };
  history?: Array<{ created?: string; created_by?: string; author?: string; comment?: string; empty_layer?: boolean }>;
}

export interface LayerRef {
  /** 0-based position, bottom layer first */
  index: number;
  /** digest of the blob as stored (compressed), as the manifest names it; what the cache is keyed by */
  digest: string;
  /** digest of the uncompressed tar (config rootfs.diff_ids), when known */
  diffId?: string;
  /** blob size in bytes, when known */
  size?: number;
  mediaType?: string;
  /** the history entry that made it (non-empty history entries map 1:1 onto layers) */
  createdBy?: string;
  created?: string;
}

/** One entry of a layer, as the walker sees it. Paths are normalised: no leading '/', no '.'/'..' parts. */
export interface EntryMeta {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'other';
  /** permission bits including setuid (0o4000), setgid (0o2000), sticky (0o1000) */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  linkname?: string;
  mtime?: number;
  devmajor?: number;
  devminor?: number;
}

/** A layer opened for reading: an async sequence of entries, each with its content stream. */
export interface LayerEntry {
  meta: EntryMeta;
  /** raw header name before normalisation (may be hostile) */
  rawPath: string;
  /** the content; must be consumed or drained before the next entry is pulled */
  stream: Readable;
  /**
   * Optional fast path over the same content (tar-backed sources): the bytes as chunks, valid until the next
   * chunk is pulled. Use either this or `stream`, not both. Content nobody reads is skipped for free.
   */
  chunks?(): AsyncIterable<Buffer>;
  /**
   * Optional, with `chunks`: the whole content at once, without waiting, when the reader already holds all of it
   * in one buffer (a view, valid like a chunk); undefined, having read nothing, when it does not (then read the
   * chunks). Most files of a layer are small and come this way.
   */
  wholeNow?(): Buffer | undefined;
  /**
   * True when the chunks are read into buffers that are reused a few chunks later (an uncompressed tar layer read
   * from disk): a consumer that keeps content past the next chunk must copy it. False or absent: a chunk is never
   * written again (it may still be kept without a copy).
   */
  transient?: boolean;
}

/**
 * What `layerEntries()` returns on the built-in sources: the entries plus what the reader learnt on the way
 * (warnings about neutralised names; byte counts), filled as the iteration proceeds.
 */
export interface LayerEntries extends AsyncIterable<LayerEntry> {
  warnings?: string[];
  stats?: { compressedBytes: number; uncompressedBytes: number; compression: string };
}

/**
 * A layer blob met during a one-pass read (see OpenedImage.streamLayers). `layer` is set when the source knew
 * which layer it is before reading; otherwise `identify()` tells after the entries were fully read and the
 * digest was computed (undefined: the blob is not one of this image's layers or was already seen).
 */
export interface StreamedLayer {
  entries: LayerEntries;
  layer?: LayerRef;
  identify(): LayerRef | undefined;
}

/**
 * Where a layer's stored bytes (compressed or not, as `digest` names them) are on the local disk: bytes
 * [offset, offset + size) of `path`. With it, the walker can read, hash and decompress the layer in a worker
 * thread; the worker applies exactly what `layerEntries(i)` applies (compression sniffing, limits, blob digest
 * when `verifyRaw`, diff_id, hostile-name handling), so the result is the same.
 */
export interface LayerBlobFile {
  kind: 'file';
  path: string;
  offset: number;
  size: number;
  /** false when `LayerRef.digest` is not the digest of these bytes (legacy docker-archive layer.tar) */
  verifyRaw: boolean;
  /** open with O_NOFOLLOW (a blob file inside a directory layout) */
  noFollow?: boolean;
  /** the source's limits for this layer, when not the defaults */
  limits?: Partial<LayerLimits>;
}

/**
 * A layer kept by the Docker engine's overlay2 driver: the tar stream is rebuilt from the engine's tar-split
 * record (headers and padding as stored) and the files of the layer's `diff` directory, so its diff_id can be
 * verified exactly as for a `docker save` stream.
 */
export interface LayerBlobTarSplit {
  kind: 'tar-split';
  /** the gzip-compressed tar-split JSON lines (layerdb/.../tar-split.json.gz) */
  tarSplit: string;
  /** the layer's files (overlay2/<cache-id>/diff) */
  root: string;
  /** the uncompressed size the engine recorded (layerdb `size`) */
  size?: number;
}

/**
 * A layer streamed by the main thread (a registry connection) and read in a worker thread through a MessagePort
 * (`layer-port.ts`); verified against the layer's digest and diff_id like a file.
 */
export interface LayerBlobPort {
  kind: 'port';
  port: import('node:worker_threads').MessagePort;
  /** the compressed size the manifest announces */
  size?: number;
  limits?: Partial<LayerLimits>;
}

export type LayerBlob = LayerBlobFile | LayerBlobTarSplit | LayerBlobPort;

export interface OpenedImage {
  /** what the user typed */
  ref: string;
  /** docker-archive | oci-layout | docker-daemon | dir | rootfs | registry */
  kind: string;
  /** a human name for reports (repo tag when there is one) */
  name: string;
  repoTags: string[];
  manifestDigest?: string;
  /** image ID: digest of the config blob */
  configDigest?: string;
  config: ImageConfig;
  layers: LayerRef[];
  /**
   * The bytes a full walk reads, for progress, when the layers' own sizes do not say (an Engine API save stream:
   * the sum of the image's layer sizes from its history). Progress clamps to it, so an estimate is fine.
   */
  totalBytes?: number;
  platform?: string;
  /** annotations of the manifest / index entry (org.opencontainers.image.base.name, ...) */
  annotations?: Record<string, string>;
  /**
   * The layer's entries, decompressed, digest-verified (a mismatch rejects with an error at the end of
   * the stream), and with hostile names normalised or rejected. Streams the layer once.
   */
  layerEntries(index: number): LayerEntries;
  /**
   * Optional, for sources that can only read the image in one pass in their own order (the Engine API
   * stream). Calls `visit` once per layer blob as it streams by; `need` are the layer indexes the caller
   * wants (blobs known in advance to be other layers are skipped). Resolves after the last blob; rejects
   * when a needed layer never came. The walker prefers this to `layerEntries` when present.
   */
  streamLayers?(need: Set<number>, visit: (layer: StreamedLayer) => Promise<void>): Promise<void>;
  /**
   * Optional: where layer `index`'s bytes are on local disk (undefined when this layer is not), so that the
   * walker can read layers in worker threads, several at once. Sources that only stream need not offer it.
   */
  layerBlob?(index: number): Promise<LayerBlob | undefined>;
  close(): Promise<void>;
}

export interface ImageSourceOptions {
  platform?: string;
  /**
   * docker: images: 'auto' (default) reads the layers straight from the engine's overlay2 storage when Bulwark runs
   * as root on the engine's host (verified against the diff_ids), else through the Engine API save stream; 'api'
   * always uses the save stream.
   */
  engineRead?: 'auto' | 'api';
  /** where temporary files may go (never outside this dir) */
  tmpDir?: string;
  /** registry access: credentials, trust (CA, insecure registries), limits (src/registry/) */
  registry?: RegistryOptions;
}

/** A source recognises references it can open: `docker:NAME`, `dir:PATH`, a file path, ... */
export interface ImageSource {
  name: string;
  /** true when this source should handle the reference */
  accepts(ref: string): boolean | Promise<boolean>;
  open(ref: string, opts: ImageSourceOptions): Promise<OpenedImage>;
}
