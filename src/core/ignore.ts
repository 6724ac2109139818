/**
 * `.bulwarkignore`: one entry per line.
 *
 *   # comment
 *   DL3008                                        rule ID or any mapped reference (hadolint, CIS, CVE, GHSA)
 *   BW-BUILD-012 path=services/api/**             only under a path (glob, matched against the finding's file or image path)
 *   CVE-2023-1234 exp=2027-01-31 reason=waiting for the upstream fix
 *   3f2a9c...                                     a finding fingerprint
 *
 * `exp=` is inclusive; an expired entry stops suppressing, and the report says so.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type Picomatch from 'picomatch';
import type { Finding } from './finding.js';
import { locationPath } from './finding.js';
import { InputError } from './errors.js';

// picomatch (some 15 ms to load) only when a pattern is compiled: most runs have no ignore paths or skip patterns
const require = createRequire(import.meta.url);
const picomatch = ((...args: Parameters<typeof Picomatch>) => (require('picomatch') as typeof Picomatch)(...args)) as typeof Picomatch;

export interface IgnoreEntry {
  id: string;
  path?: string;
  expires?: string;
  reason?: string;
  source: string;
  line: number;
}

const FIELD = /^(path|exp|expires|reason)=(.*)$/;

export function parseIgnoreText(text: string, source: string): IgnoreEntry[] {
  const out: IgnoreEntry[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const hash = raw.search(/(^|\s)#/);
    const comment = hash >= 0 ? raw.slice(hash).replace(/^\s*#\s*/, '') : '';
    const line = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (!line) return;
    const tokens = line.split(/\s+/);
    const entry: IgnoreEntry = { id: tokens[0]!, source, line: i + 1 };
    for (let t = 1; t < tokens.length; t++) {
      const m = FIELD.exec(tokens[t]!);
      if (!m) throw new InputError(`${source}:${i + 1}: unknown field '${tokens[t]}' (expected path=, exp=, reason=)`);
      const [, k, v] = m;
      if (k === 'path') entry.path = v;
      else if (k === 'exp' || k === 'expires') {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(v!)) throw new InputError(`${source}:${i + 1}: exp must be YYYY-MM-DD, got '${v}'`);
        entry.expires = v;
      } else if (k === 'reason') {
        entry.reason = [v, ...tokens.slice(t + 1)].join(' ');
        break;
      }
    }
    if (!entry.reason && comment) entry.reason = comment;
    out.push(entry);
  });
  return out;
}

export function loadIgnoreFile(path: string): IgnoreEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ignore file ${path}: ${(e as Error).message}`);
  }
  return parseIgnoreText(text, path);
}

export function isExpired(e: IgnoreEntry, today = new Date()): boolean {
  if (!e.expires) return false;
  const end = new Date(`${e.expires}T23:59:59.999Z`);
  return today.getTime() > end.getTime();
}

export function entryMatches(e: IgnoreEntry, f: Finding): boolean {
  const id = e.id.toUpperCase();
  const idHit =
    f.ruleId.toUpperCase() === id ||
    f.fingerprint.toLowerCase() === e.id.toLowerCase() ||
    f.references.some((r) => r.toUpperCase() === id) ||
    (f.vulnerability ? [f.vulnerability.id, ...f.vulnerability.aliases].some((a) => a.toUpperCase() === id) : false);
  if (!idHit) return false;
  if (!e.path) return true;
  const p = locationPath(f.location);
  if (!p) return false;
  const norm = p.replace(/^\.\//, '').replace(/^\//, '');
  const isMatch = picomatch(e.path.replace(/^\.\//, '').replace(/^\//, ''), { dot: true });
  return isMatch(norm) || isMatch(p) || norm.startsWith(e.path.replace(/\/$/, '') + '/');
}
