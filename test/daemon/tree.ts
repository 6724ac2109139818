/** Build a `--root` fixture tree from its JSON description (owners and modes set at run time). */
import { chmodSync, lchownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface TreeEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink';
  mode?: string;
  uid?: number;
  gid?: number;
  content?: string;
  target?: string;
}

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'daemon');

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export function loadTree(name: string): TreeEntry[] {
  return (JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as { entries: TreeEntry[] }).entries;
}

/** Create the tree under a new temp dir; returns the dir. Owners need root (skipped otherwise). */
export function buildTree(entries: TreeEntry[], edit?: (e: TreeEntry[]) => TreeEntry[]): string {
  const root = mkdtempSync(join(tmpdir(), 'bw-root-'));
  const list = edit ? edit(entries.map((e) => ({ ...e }))) : entries;
  const dirs: Array<[string, TreeEntry]> = [];
  for (const e of list) {
    const p = join(root, e.path);
    mkdirSync(dirname(p), { recursive: true });
    if (e.type === 'dir') {
      mkdirSync(p, { recursive: true });
      dirs.push([p, e]);
    } else if (e.type === 'symlink') {
      symlinkSync(e.target!, p);
      continue;
    } else {
      writeFileSync(p, e.content ?? '');
      chmodSync(p, parseInt(e.mode ?? '0644', 8));
    }
    if (isRoot) lchownSync(p, e.uid ?? 0, e.gid ?? 0);
  }
  // directory modes last: a 0700 directory must not stop its own children being written
  for (const [p, e] of dirs.reverse()) chmodSync(p, parseInt(e.mode ?? '0755', 8));
  return root;
}

export function removeTree(root: string): void {
  rmSync(root, { recursive: true, force: true });
}
