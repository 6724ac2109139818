/** npm, Yarn and pnpm lock files: the readers image scans use (src/inventory/node). */
import { parsePackageLock, parsePnpmLock, parseYarnLock } from '../node/index.js';
import type { LockfileReader } from './types.js';

const notInstalled = (rel: string) => !/(?:^|\/)node_modules\//.test(rel);

export const packageLock: LockfileReader = {
  name: 'package-lock',
  ecosystem: 'npm',
  matches: (base, rel) => (base === 'package-lock.json' || base === 'npm-shrinkwrap.json') && notInstalled(rel),
  read: (text) => parsePackageLock(text),
};

export const yarnLock: LockfileReader = {
  name: 'yarn.lock',
  ecosystem: 'npm',
  matches: (base, rel) => base === 'yarn.lock' && notInstalled(rel),
  read: (text) => parseYarnLock(text),
};

export const pnpmLock: LockfileReader = {
  name: 'pnpm-lock',
  ecosystem: 'npm',
  matches: (base, rel) => base === 'pnpm-lock.yaml' && notInstalled(rel),
  read: (text) => parsePnpmLock(text),
};
