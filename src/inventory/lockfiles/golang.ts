/**
 * Go modules: go.mod (every `require`, with `replace` applied; local replacements are not registry modules) and,
 * for a directory without go.mod, go.sum (module content lines, the highest listed version of each module).
 * Versions keep Go's "v" prefix, as in binaries' build info.
 */
import type { DetectedPackage } from '../types.js';
import type { LockfileReader } from './types.js';

function stripComment(line: string): { text: string; indirect: boolean } {
  const i = line.indexOf('//');
  if (i < 0) return { text: line.trim(), indirect: false };
  return { text: line.slice(0, i).trim(), indirect: /\bindirect\b/.test(line.slice(i)) };
}

function unquote(s: string): string {
  return s.replace(/^"(.*)"$/, '$1').replace(/^`(.*)`$/, '$1');
}

export function parseGoMod(text: string): DetectedPackage[] {
  if (!/^\s*(module|go|require|replace)\s/m.test(text)) throw new Error('no module, go or require directive');
  const reqs: Array<{ path: string; version: string; indirect: boolean }> = [];
  const replaces: Array<{ path: string; version?: string; to: string; toVersion?: string }> = [];
  let block: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const { text: line, indirect } = stripComment(raw);
    if (!line) continue;
    if (block) {
      if (line === ')') {
        block = undefined;
        continue;
      }
      handle(block, line, indirect);
      continue;
    }
    const m = /^(require|replace|exclude|retract|tool|godebug|ignore)\s*(\(?)\s*(.*)$/.exec(line);
    if (!m) continue;
    if (m[2] === '(') {
      block = m[1];
      if (m[3]) handle(m[1]!, m[3], indirect);
    } else handle(m[1]!, m[3]!, indirect);
  }
  function handle(kind: string, line: string, indirect: boolean): void {
    const parts = line.split(/\s+/).map(unquote);
    if (kind === 'require' && parts.length >= 2) reqs.push({ path: parts[0]!, version: parts[1]!, indirect });
    if (kind === 'replace') {
      const arrow = parts.indexOf('=>');
      if (arrow < 1) return;
      const [path, version] = parts.slice(0, arrow);
      const [to, toVersion] = parts.slice(arrow + 1);
      if (path && to) replaces.push({ path, version, to, toVersion });
    }
  }
  const out: DetectedPackage[] = [];
  for (const r of reqs) {
    // a versioned replace wins over an unversioned one, as in cmd/go
    const rep = replaces.find((x) => x.path === r.path && x.version === r.version) ?? replaces.find((x) => x.path === r.path && !x.version);
    if (rep && (rep.to.startsWith('./') || rep.to.startsWith('../') || rep.to.startsWith('/') || !rep.toVersion)) continue; // local directory
    const name = rep ? rep.to : r.path;
    const version = rep?.toVersion ?? r.version;
    const p: DetectedPackage = { name, version, ecosystem: 'golang', fromLockfile: true };
    if (!r.indirect) p.main = true;
    out.push(p);
  }
  return out;
}

export function parseGoSum(text: string): DetectedPackage[] {
  const last = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const parts = raw.trim().split(/\s+/);
    if (parts.length !== 3 || !parts[2]!.startsWith('h1:')) {
      if (raw.trim()) throw new Error(`not a go.sum line: ${raw.trim().slice(0, 60)}`);
      continue;
    }
    if (parts[1]!.endsWith('/go.mod')) continue; // only the go.mod was downloaded: the module's code is not in the build
    last.set(parts[0]!, parts[1]!);
  }
  return [...last].map(([name, version]) => ({ name, version, ecosystem: 'golang' as const, fromLockfile: true }));
}

export const goMod: LockfileReader = {
  name: 'go.mod',
  ecosystem: 'golang',
  matches: (base, rel) => base === 'go.mod' && !/(?:^|\/)vendor\//.test(rel),
  read: (text) => parseGoMod(text),
};

export const goSum: LockfileReader = {
  name: 'go.sum',
  ecosystem: 'golang',
  matches: (base, rel) => base === 'go.sum' && !/(?:^|\/)vendor\//.test(rel),
  read: (text, ctx) => (ctx.hasSibling('go.mod') ? [] : parseGoSum(text)),
};
