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
 */
import { existsSync, statSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { dirSource } from './dir.js';
import { dockerArchiveSource } from './docker-archive.js';
import { dockerDaemonSource } from './docker-daemon.js';
import { ociLayoutSource } from './oci-layout.js';
import { rootfsSource } from './rootfs.js';
import type { ImageSource, ImageSourceOptions, OpenedImage } from './types.js';

export const imageSources: ImageSource[] = [dockerDaemonSource, rootfsSource, dirSource, ociLayoutSource, dockerArchiveSource];

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

export type { ImageSource, ImageSourceOptions, OpenedImage } from './types.js';
