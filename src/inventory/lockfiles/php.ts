/** PHP: composer.lock `packages` and `packages-dev` (dev-branch versions name no release and are skipped). */
import type { DetectedPackage } from '../types.js';
import type { LockfileReader } from './types.js';

export function parseComposerLock(text: string): DetectedPackage[] {
  const j = JSON.parse(text) as Record<string, unknown>;
  if (!j || typeof j !== 'object' || Array.isArray(j)) throw new Error('not a composer.lock object');
  const out: DetectedPackage[] = [];
  for (const key of ['packages', 'packages-dev'] as const) {
    const list = j[key];
    if (!Array.isArray(list)) continue;
    for (const raw of list as Array<{ name?: unknown; version?: unknown }>) {
      if (!raw || typeof raw.name !== 'string' || typeof raw.version !== 'string') continue;
      if (raw.version.startsWith('dev-') || raw.version.endsWith('-dev')) continue;
      const p: DetectedPackage = { name: raw.name, version: raw.version.replace(/^v(?=\d)/, ''), ecosystem: 'composer', fromLockfile: true };
      if (key === 'packages-dev') p.dev = true;
      out.push(p);
    }
  }
  return out;
}

export const composerLock: LockfileReader = {
  name: 'composer.lock',
  ecosystem: 'composer',
  matches: (base, rel) => base === 'composer.lock' && !/(?:^|\/)vendor\//.test(rel),
  read: (text) => parseComposerLock(text),
};
