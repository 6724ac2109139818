/**
 * Image sources and the one function that picks among them. A new source (a registry, later) is one more
 * ImageSource in `imageSources`, before the path-based fallbacks.
 *
 *   docker:NAME[:TAG]            the local Docker engine (Engine API; DOCKER_HOST honoured)
 *   docker-archive:FILE[:TAG]    a `docker save` tar (legacy manifest.json or OCI layout inside)
 *   oci:PATH[:REF]               an OCI image layout directory or tar
 *   dir:PATH                     an unpacked root filesystem (one pseudo-layer)
 *   rootfs:FILE.tar[.gz|.zst]    a single-layer rootfs tarball
 *   PATH                         a directory with index.json (OCI layout) or a tar file (docker save / OCI)
 *   HOST[:PORT]/REPO[:TAG|@DIGEST]  a registry (HTTP API v2; also written registry:REF or docker://REF)
 *   NAME[:TAG]                   a bare name: the local engine first, then its registry (as `docker run`)
 */
import { existsSync, statSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { isBareName, isDirRef, isDockerArchiveRef, isDockerDaemonRef, isOciLayoutRef, isRegistryRef, isRootfsRef, resolutionOf } from './refs.js';
import type { ImageSource, ImageSourceOptions, OpenedImage } from './types.js';

/** A source whose module loads when it is picked; `accepts` is its own test (refs.ts), so every source agrees. */
function lazySource(name: string, accepts: (ref: string) => boolean, load: () => Promise<ImageSource>): ImageSource {
  return { name, accepts, open: async (ref, opts) => (await load()).open(ref, opts) };
}

// the registry source comes first only for its explicit prefixes (docker:// would otherwise be the engine's);
// names that exist as paths are read as files; bare names come last
export const imageSources: ImageSource[] = [
  lazySource('registry', isRegistryRef, async () => (await import('./registry.js')).registrySource),
  // the Engine API client and the engine's storage reader
  lazySource('docker-daemon', isDockerDaemonRef, async () => ({ name: 'docker-daemon', accepts: isDockerDaemonRef, open: (await import('./docker-daemon.js')).openDockerDaemon })),
  lazySource('rootfs', isRootfsRef, async () => (await import('./rootfs.js')).rootfsSource),
  lazySource('dir', isDirRef, async () => (await import('./dir.js')).dirSource),
  lazySource('oci-layout', isOciLayoutRef, async () => (await import('./oci-layout.js')).ociLayoutSource),
  lazySource('docker-archive', isDockerArchiveRef, async () => (await import('./docker-archive.js')).dockerArchiveSource),
  lazySource('bare-name', isBareName, async () => (await import('./bare-name.js')).bareNameSource),
];

export async function openImage(ref: string, opts: ImageSourceOptions = {}): Promise<OpenedImage> {
  if (!ref) throw new InputError('no image reference given');
  for (const s of imageSources) {
    if (await s.accepts(ref)) return s.open(ref, opts);
  }
  if (!existsSync(ref)) {
    throw new InputError(`cannot read image '${ref}': not a file or directory; use docker:NAME for an image in the local engine, or one of docker-archive:, oci:, dir:, rootfs:`);
  }
  let st;
  try {
    st = statSync(ref);
  } catch {
    st = undefined;
  }
  if (st && !st.isDirectory()) {
    const kind = st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : 'not a regular file';
    throw new InputError(`cannot read image '${ref}': it is ${kind}; give a docker save tar, an OCI layout (directory or tar), dir:PATH or rootfs:FILE`);
  }
  throw new InputError(`cannot read image '${ref}': a directory must be an OCI layout (index.json) or be given as dir:PATH`);
}

/** Which source answered for an image, for reports: the kind, and for bare names how the name resolved. */
export interface SourceInfo {
  kind: string;
  /** what the bare name was read as (`docker:alpine:3.20`, `docker.io/library/alpine:3.20`) */
  resolvedAs?: string;
  /** why the local engine did not answer, when a bare name went to its registry */
  engineMiss?: string;
  /** the registry digest of what was read, when known */
  digest?: string;
  text: string;
}

export function sourceOf(image: OpenedImage): SourceInfo {
  const r = resolutionOf(image);
  const what = image.kind === 'docker-daemon' ? 'local Docker engine' : image.kind === 'registry' ? 'registry' : image.kind;
  const info: SourceInfo = { kind: image.kind, text: what };
  if (image.kind === 'registry' && image.manifestDigest) info.digest = image.manifestDigest;
  if (r) {
    info.resolvedAs = r.as;
    if (r.engineMiss) info.engineMiss = r.engineMiss;
    info.text = r.source === 'registry' ? `registry, as ${r.as} (not in the local engine)` : `local Docker engine, as ${r.as}`;
  }
  if (info.digest) info.text += ` @ ${info.digest}`;
  return info;
}

export type { ImageSource, ImageSourceOptions, OpenedImage } from './types.js';
