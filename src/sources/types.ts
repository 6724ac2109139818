/**
 * How image bytes come in. Every source (docker-archive, OCI layout, Engine API, dir:, rootfs:,
 * and later a registry) opens to the same OpenedImage; everything downstream sees only this.
 */
import type { Readable } from 'node:stream';

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
}

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
  platform?: string;
  /** annotations of the manifest / index entry (org.opencontainers.image.base.name, ...) */
  annotations?: Record<string, string>;
  /**
   * The layer's entries, decompressed, digest-verified (a mismatch rejects with an error at the end of
   * the stream), and with hostile names normalised or rejected. Streams the layer once.
   */
  layerEntries(index: number): AsyncIterable<LayerEntry>;
  close(): Promise<void>;
}

export interface ImageSourceOptions {
  platform?: string;
  /** where temporary files may go (never outside this dir) */
  tmpDir?: string;
}

/** A source recognises references it can open: `docker:NAME`, `dir:PATH`, a file path, ... */
export interface ImageSource {
  name: string;
  /** true when this source should handle the reference */
  accepts(ref: string): boolean | Promise<boolean>;
  open(ref: string, opts: ImageSourceOptions): Promise<OpenedImage>;
}
