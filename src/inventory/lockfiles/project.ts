/**
 * The packages a project directory pins: every lock file / manifest a reader knows, read once, as an
 * InventoryReport whose packages carry the lock file's relative path (`path`). No image: `inv.image` names the
 * project so findings and fingerprints say where they come from.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { purlFor } from '../purl.js';
import type { InventoryReport, Package } from '../types.js';
import { lockfileReader, MAX_LOCKFILE_SIZE } from './index.js';

export interface LockfileSummary {
  /** '/'-separated path under the project root */
  path: string;
  format: string;
  ecosystem: string;
  packages: number;
}

export interface ProjectInventory {
  inventory: InventoryReport;
  lockfiles: LockfileSummary[];
}

/** `files` are the project's files ('/'-separated, relative to root), already filtered by the ignore files. */
export function projectInventory(root: string, files: string[], label: string): ProjectInventory {
  const warnings: string[] = [];
  const packages: Package[] = [];
  const lockfiles: LockfileSummary[] = [];
  const present = new Set(files);
  for (const rel of files) {
    const reader = lockfileReader(rel);
    if (!reader) continue;
    const abs = join(root, rel.split('/').join(sep));
    let text: string;
    try {
      const st = statSync(abs);
      if (st.size > MAX_LOCKFILE_SIZE) {
        warnings.push(`${rel}: ${st.size} bytes, over the ${MAX_LOCKFILE_SIZE}-byte limit for a lock file; not read`);
        continue;
      }
      text = readFileSync(abs, 'utf8');
    } catch (e) {
      warnings.push(`${rel}: cannot read (${(e as Error).message})`);
      continue;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/') + 1) : '';
    let found;
    try {
      found = reader.read(text, { hasSibling: (base) => present.has(dir + base) });
    } catch (e) {
      warnings.push(`${rel}: unreadable ${reader.name} (${(e as Error).message.split('\n')[0]!.slice(0, 200)})`);
      continue;
    }
    for (const d of found) {
      const p = { ...d, path: rel } as Omit<Package, 'purl'>;
      packages.push({ ...p, purl: purlFor(p) });
    }
    lockfiles.push({ path: rel, format: reader.name, ecosystem: reader.ecosystem, packages: found.length });
  }
  return {
    inventory: { image: { name: label, ref: label, kind: 'project', layers: [] }, packages, warnings },
    lockfiles,
  };
}

/**
 * Lines of packages in one lock file text: for each package, the first place naming it (for "group:artifact", the
 * artifact) with its version within the next 600 characters (the same entry); else the first place naming it;
 * else line 1. Native indexOf per package and a binary search over line starts: linear in the text per package.
 */
export class LineFinder {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}

  private lineAt(offset: number): number {
    if (!this.starts) {
      this.starts = [0];
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    }
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  line(name: string, version: string): number {
    const short = name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
    let first = -1;
    let best = -1;
    let bestGap = Infinity;
    let n = 0;
    // the occurrence of the name closest before an occurrence of the version (the same entry), within 600 characters
    for (let at = this.text.indexOf(short); at !== -1 && n < 10_000; at = this.text.indexOf(short, at + 1), n++) {
      if (first < 0) first = at;
      const v = this.text.indexOf(version, at + short.length);
      const gap = v - at;
      if (v !== -1 && gap < 600 && gap < bestGap) {
        best = at;
        bestGap = gap;
        if (gap <= short.length + 32) break;
      }
    }
    if (best >= 0) return this.lineAt(best);
    return first < 0 ? 1 : this.lineAt(first);
  }
}
