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
import { existsSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { dirSource } from './dir.js';
import { dockerArchiveSource } from './docker-archive.js';
import { dockerDaemonSource } from './docker-daemon.js';
import { ociLayoutSource } from './oci-layout.js';
import { rootfsSource } from './rootfs.js';
import { registrySource } from './registry.js';
import { bareNameSource } from './bare-name.js';
import type { ImageSource, ImageSourceOptions, OpenedImage } from './types.js';

// the registry source comes first only for its explicit prefixes (docker:// would otherwise be the engine's);
// names that exist as paths are read as files; bare names come last
export const imageSources: ImageSource[] = [registrySource, dockerDaemonSource, rootfsSource, dirSource, ociLayoutSource, dockerArchiveSource, bareNameSource];

export async function openImage(ref: string, opts: ImageSourceOptions = {}): Promise<OpenedImage> {
  if (!ref) throw new InputError('no image reference given');
  for (const s of imageSources) {
    if (await s.accepts(ref)) return s.open(ref, opts);
  }
  if (!existsSync(ref)) {
    throw new InputError(`cannot read image '${ref}': not a file or directory; use docker:NAME for an image in the local engine, or one of docker-archive:, oci:, dir:, rootfs:`);
  }
  throw new InputError(`cannot read image '${ref}': a directory must be an OCI layout (index.json) or be given as dir:PATH`);
}

export type { ImageSource, ImageSourceOptions, OpenedImage } from './types.js';
