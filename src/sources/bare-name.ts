/**
 * A bare image name (`alpine:3.20`, `myapp`, `team/app@sha256:...`) resolves like `docker run`:
 *   1. the local Docker engine, when it answers and has the image (as `docker:NAME`);
 *   2. otherwise the registry the name implies (Docker Hub for names without a registry domain).
 * Paths that exist are never bare names (the path sources see them first), and neither is anything with an
 * explicit registry (`host:5000/app`, read by the registry source). `resolutionOf(image)` tells which
 * source answered and why, for the report.
 */
import { InputError } from '../core/errors.js';
import { formatReference, parseReference } from '../registry/reference.js';
import { isBareName, recordResolution } from './refs.js';
import { openRegistryImage } from './registry.js';
import type { ImageSource, ImageSourceOptions, OpenedImage } from './types.js';

export { isBareName, resolutionOf, type Resolution } from './refs.js';

export async function openBareName(ref: string, opts: ImageSourceOptions): Promise<OpenedImage> {
  let engineMiss: string;
  // the engine's modules load when a bare name is opened, not with the sources every scan loads
  const [{ openDockerDaemon }, { EngineError }] = await Promise.all([import('./docker-daemon.js'), import('./engine/client.js')]);
  try {
    const img = await openDockerDaemon(`docker:${ref}`, opts);
    recordResolution(img, { source: 'docker-daemon', as: `docker:${ref}` });
    return img;
  } catch (e) {
    if (!(e instanceof InputError) && !(e instanceof EngineError)) throw e;
    engineMiss = (e as Error).message;
  }
  const full = formatReference(parseReference(ref, { defaultTag: 'latest' }));
  try {
    const img = await openRegistryImage(full, opts);
    recordResolution(img, { source: 'registry', as: full, engineMiss });
    return img;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new InputError(`cannot read image '${ref}': not a file, not in the local engine (${engineMiss}), and not pullable from its registry: ${e.message}`);
  }
}

export const bareNameSource: ImageSource = {
  name: 'bare-name',
  accepts: isBareName,
  open: openBareName,
};
