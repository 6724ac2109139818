/**
 * rpm: the SQLite database (rpmdb.sqlite, table Packages(hnum, blob)) and the BerkeleyDB `Packages` hash file,
 * in var/lib/rpm/ and usr/lib/sysimage/rpm/. Both hold the same header blobs; see header.ts and bdb.ts.
 */
import { createRequire } from 'node:module';
import type { LayerAnalyzer } from '../../image/types.js';
import type { DetectedPackage, DetectorOutput } from '../types.js';
import { parseRpmHeader, rpmPackageFromHeader, splitSourceRpm } from './header.js';
import { bdbValues } from './bdb.js';

const require = createRequire(import.meta.url);

const DIRS = ['var/lib/rpm/', 'usr/lib/sysimage/rpm/', 'usr/share/rpm/'];

export function rpmDbKind(path: string): 'sqlite' | 'bdb' | undefined {
  for (const d of DIRS) {
    if (!path.startsWith(d)) continue;
    const rest = path.slice(d.length);
    if (rest === 'rpmdb.sqlite') return 'sqlite';
    if (rest === 'Packages') return 'bdb';
  }
  return undefined;
}

export function sqliteBlobs(content: Buffer): Buffer[] {
  // better-sqlite3 loads with the first rpmdb.sqlite, not with the detectors
  const Database = require('better-sqlite3') as typeof import('better-sqlite3');
  const db = new Database(content, { readonly: true });
  try {
    const rows = db.prepare('SELECT blob FROM Packages ORDER BY hnum').all() as Array<{ blob: unknown }>;
    // a damaged database can hold NULL, a number or text where a header blob belongs: only blobs are headers
    return rows.filter((r) => Buffer.isBuffer(r.blob)).map((r) => Buffer.from(r.blob as Buffer));
  } finally {
    db.close();
  }
}

export function packagesFromBlobs(blobs: Buffer[], warnings: string[], path: string): DetectedPackage[] {
  const out: DetectedPackage[] = [];
  let bad = 0;
  for (const b of blobs) {
    if (b.length <= 8) continue; // BDB bookkeeping records (e.g. the next-instance counter)
    let info;
    try {
      info = rpmPackageFromHeader(parseRpmHeader(b));
    } catch {
      bad++;
      continue;
    }
    if (!info || info.name === 'gpg-pubkey') continue;
    const p: DetectedPackage = { name: info.name, version: info.version, release: info.release, ecosystem: 'rpm' };
    if (info.epoch !== undefined) p.epoch = info.epoch;
    if (info.arch) p.arch = info.arch;
    if (info.license) p.licenses = [info.license];
    const src = info.sourceRpm ? splitSourceRpm(info.sourceRpm) : undefined;
    if (src) {
      p.sourceName = src.name;
      p.sourceVersion = `${src.version}-${src.release}`;
    }
    if (info.files.length) p.files = info.files;
    out.push(p);
  }
  if (bad) warnings.push(`${path}: ${bad} damaged package header(s) skipped`);
  return out;
}

export const rpmAnalyzer: LayerAnalyzer<DetectorOutput> = {
  origin: { module: import.meta.url, export: 'rpmAnalyzer' },
  name: 'inventory-rpm',
  version: 1,
  maxFileSize: 512 * 1024 * 1024,
  wants: (meta) => meta.type === 'file' && rpmDbKind(meta.path) !== undefined,
  analyze(meta, content, ctx) {
    const warnings: string[] = [];
    if (ctx.truncated) return { warnings: [`${meta.path}: rpm database larger than ${rpmAnalyzer.maxFileSize} bytes, skipped`] };
    let blobs: Buffer[];
    try {
      blobs = rpmDbKind(meta.path) === 'sqlite' ? sqliteBlobs(content) : bdbValues(content);
    } catch (e) {
      return { warnings: [`${meta.path}: unreadable rpm database (${(e as Error).message})`] };
    }
    const packages = packagesFromBlobs(blobs, warnings, meta.path);
    return { packages, warnings: warnings.length ? warnings : undefined };
  },
};
