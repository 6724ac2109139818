/** Rust: Cargo.lock packages from a registry (local workspace crates and git sources have no crates.io release). */
import type { DetectedPackage } from '../types.js';
import { assertToml, tomlPackages } from './toml-lite.js';
import type { LockfileReader } from './types.js';

export function parseCargoLock(text: string): DetectedPackage[] {
  assertToml(text, 'Cargo.lock');
  const out: DetectedPackage[] = [];
  for (const p of tomlPackages(text)) {
    const { name, version, source } = p.fields;
    if (typeof name !== 'string' || typeof version !== 'string') continue;
    if (typeof source !== 'string' || !source.startsWith('registry+') && !source.startsWith('sparse+')) continue;
    out.push({ name, version, ecosystem: 'cargo', fromLockfile: true });
  }
  return out;
}

export const cargoLock: LockfileReader = {
  name: 'Cargo.lock',
  ecosystem: 'cargo',
  matches: (base) => base === 'Cargo.lock',
  read: (text) => parseCargoLock(text),
};
