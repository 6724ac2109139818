/**
 * Which source reads a reference: each source's `accepts` test, apart from the source itself, so that telling
 * them costs no module. `sources/index.ts` loads a source's module when the source is picked (a scan of a
 * `docker save` tar never loads the registry client, the engine client or the directory reader).
 */
import { existsSync, statSync } from 'node:fs';
import { hasExplicitRegistry, parseReference } from '../registry/reference.js';
import type { OpenedImage } from './types.js';

/** A registry: `registry:REF` and `docker://REF` always; `HOST[:PORT]/REPO...` unless it is a path that exists. */
export function isRegistryRef(ref: string): boolean {
  if (ref.startsWith('registry:') || ref.startsWith('docker://')) return true;
  return hasExplicitRegistry(ref) && !existsSync(ref);
}

/** An image of the local engine. */
export function isDockerDaemonRef(ref: string): boolean {
  // docker://NAME is a registry reference (skopeo's transport syntax), not an image of the local engine
  return (ref.startsWith('docker:') && !ref.startsWith('docker://')) || ref.startsWith('docker-daemon:');
}

export function isRootfsRef(ref: string): boolean {
  return ref.startsWith('rootfs:');
}

export function isDirRef(ref: string): boolean {
  return ref.startsWith('dir:');
}

/** An OCI layout: `oci:PATH`, or a directory with index.json. */
export function isOciLayoutRef(ref: string): boolean {
  if (ref.startsWith('oci:')) return true;
  try {
    return statSync(ref).isDirectory() && existsSync(`${ref}/index.json`);
  } catch {
    return false;
  }
}

/** A `docker save` tar (or an OCI layout tar, which the archive source also reads): `docker-archive:FILE`, or a file. */
export function isDockerArchiveRef(ref: string): boolean {
  if (ref.startsWith('docker-archive:')) return true;
  try {
    return statSync(ref).isFile();
  } catch {
    return false;
  }
}

const PREFIXES = /^(docker|docker-daemon|docker-archive|oci|dir|rootfs|registry):/;

/** A bare name (`alpine:3.20`, `myapp`): no prefix, no explicit registry, not a path that exists. */
export function isBareName(ref: string): boolean {
  if (!ref || PREFIXES.test(ref) || ref.startsWith('docker://') || existsSync(ref) || hasExplicitRegistry(ref)) return false;
  if (ref.startsWith('/') || ref.startsWith('.') || ref.includes('\\')) return false;
  try {
    parseReference(ref);
    return true;
  } catch {
    return false;
  }
}

/** How a bare name resolved (set by the bare-name source, read for reports). */
export interface Resolution {
  /** 'docker-daemon' or 'registry' */
  source: string;
  /** what was asked of it: `docker:alpine:3.20`, `docker.io/library/alpine:3.20` */
  as: string;
  /** why the engine did not answer, when the registry did */
  engineMiss?: string;
}

const resolutions = new WeakMap<OpenedImage, Resolution>();

export function resolutionOf(image: OpenedImage): Resolution | undefined {
  return resolutions.get(image);
}

export function recordResolution(image: OpenedImage, r: Resolution): void {
  resolutions.set(image, r);
}
