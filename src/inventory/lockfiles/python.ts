/**
 * Python: requirements*.txt (only `name==version` pins: a range names no version), poetry.lock and Pipfile.lock.
 * Names are PEP 503 normalised (the matcher normalises again; the purl needs it).
 */
import { pep503 } from '../purl.js';
import type { DetectedPackage } from '../types.js';
import { assertToml, tomlPackages } from './toml-lite.js';
import type { LockfileReader } from './types.js';

/** requirements.txt, requirements-dev.txt, requirements/prod.txt, dev-requirements.txt, requirements.in is NOT pinned */
export function isRequirementsFile(base: string, rel: string): boolean {
  if (!base.endsWith('.txt')) return false;
  return /requirements/i.test(base) || /(?:^|\/)requirements\/[^/]+\.txt$/i.test(rel);
}

const PIN = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)\s*(?:;.*)?$/;

export function parseRequirements(text: string): DetectedPackage[] {
  const out: DetectedPackage[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    // continuation lines (a backslash at the end) belong to this requirement: `--hash=` options follow
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + ' ' + lines[++i]!;
    line = line.replace(/(^|\s)#.*$/, '').replace(/\s--?[a-z][a-z-]*(?:[= ]\S+)?/g, '').trim();
    if (!line || line.startsWith('-')) continue;
    const m = PIN.exec(line);
    if (!m || m[2]!.includes('*')) continue;
    out.push({ name: pep503(m[1]!), version: m[2]!, ecosystem: 'pypi', fromLockfile: true });
  }
  return out;
}

export function parsePoetryLock(text: string): DetectedPackage[] {
  assertToml(text, 'poetry.lock');
  const out: DetectedPackage[] = [];
  for (const p of tomlPackages(text)) {
    const { name, version } = p.fields;
    if (typeof name !== 'string' || typeof version !== 'string' || !name || !version) continue;
    const srcType = p.sub.source?.type;
    if (srcType === 'git' || srcType === 'directory' || srcType === 'file' || srcType === 'url') continue; // not a PyPI release
    const d: DetectedPackage = { name: pep503(name), version, ecosystem: 'pypi', fromLockfile: true };
    const groups = p.fields.groups;
    if (p.fields.category === 'dev' || (Array.isArray(groups) && groups.length > 0 && !groups.includes('main'))) d.dev = true;
    out.push(d);
  }
  return out;
}

export function parsePipfileLock(text: string): DetectedPackage[] {
  const j = JSON.parse(text) as Record<string, unknown>;
  if (!j || typeof j !== 'object' || Array.isArray(j)) throw new Error('not a Pipfile.lock object');
  const out: DetectedPackage[] = [];
  for (const section of ['default', 'develop'] as const) {
    const deps = j[section];
    if (!deps || typeof deps !== 'object') continue;
    for (const [name, raw] of Object.entries(deps as Record<string, { version?: unknown }>)) {
      const v = raw && typeof raw.version === 'string' ? raw.version : undefined;
      if (!v || !v.startsWith('==')) continue; // git / path entries carry no version
      const d: DetectedPackage = { name: pep503(name), version: v.replace(/^===?/, ''), ecosystem: 'pypi', fromLockfile: true };
      if (section === 'develop') d.dev = true;
      out.push(d);
    }
  }
  return out;
}

export const requirementsTxt: LockfileReader = {
  name: 'requirements.txt',
  ecosystem: 'pypi',
  matches: isRequirementsFile,
  read: (text) => parseRequirements(text),
};

export const poetryLock: LockfileReader = {
  name: 'poetry.lock',
  ecosystem: 'pypi',
  matches: (base) => base === 'poetry.lock',
  read: (text) => parsePoetryLock(text),
};

export const pipfileLock: LockfileReader = {
  name: 'Pipfile.lock',
  ecosystem: 'pypi',
  matches: (base) => base === 'Pipfile.lock',
  read: (text) => parsePipfileLock(text),
};
