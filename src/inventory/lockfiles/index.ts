/**
 * Lock files and manifests of a project directory -> packages, for `bulwark scan DIR`. One reader per format
 * (./<language>.ts), one line here. The packages go through the same vulnerability matchers as an image's.
 */
import type { LockfileReader } from './types.js';
import { packageLock, pnpmLock, yarnLock } from './node.js';
import { pipfileLock, poetryLock, requirementsTxt } from './python.js';
import { goMod, goSum } from './golang.js';
import { gradleLockfile, pomXml } from './java.js';
import { gemfileLock } from './ruby.js';
import { cargoLock } from './rust.js';
import { composerLock } from './php.js';

export type { LockfileReader, LockfileContext } from './types.js';
export { MAX_LOCKFILE_SIZE } from './types.js';

export const LOCKFILE_READERS: LockfileReader[] = [
  packageLock,
  yarnLock,
  pnpmLock,
  requirementsTxt,
  poetryLock,
  pipfileLock,
  goMod,
  goSum,
  pomXml,
  gradleLockfile,
  gemfileLock,
  cargoLock,
  composerLock,
];

/** The reader for a project file, if any (`rel` is '/'-separated). */
export function lockfileReader(rel: string): LockfileReader | undefined {
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  return LOCKFILE_READERS.find((r) => r.matches(base, rel));
}
