/**
 * A view of a host filesystem: the live one (root "/") or a snapshot mounted at `--root DIR`.
 * Symlinks are resolved inside the root (an absolute link target restarts at DIR, ".." never leaves it),
 * so a snapshot's `/etc/docker -> /srv/docker` is followed into the snapshot, not into the auditing host.
 */
import { lstatSync, readFileSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { join, posix } from 'node:path';
import type { FileFacts } from './types.js';

const MAX_LINKS = 40;
const MAX_READ = 4 * 1024 * 1024;

export class HostFs {
  private users?: Map<number, string>;
  private groupNames?: Map<number, string>;

  constructor(readonly root: string = '/') {}

  get offline(): boolean {
    return this.root !== '/';
  }

  /** The on-disk path for a host path (no symlink resolution). */
  onDisk(hostPath: string): string {
    return this.root === '/' ? hostPath : join(this.root, posix.normalize('/' + hostPath));
  }

  /**
   * Resolve symlinks of `hostPath` inside the root. Returns the resolved host path, or an error
   * (loop, too many links). Missing components end the walk: the rest is appended as is.
   */
  resolve(hostPath: string): { path: string; error?: string } {
    let parts = posix.normalize('/' + hostPath).split('/').filter(Boolean);
    let done: string[] = [];
    let hops = 0;
    while (parts.length) {
      const name = parts.shift()!;
      if (name === '.') continue;
      if (name === '..') {
        done.pop();
        continue;
      }
      const cur = '/' + [...done, name].join('/');
      let st: Stats;
      try {
        st = lstatSync(this.onDisk(cur));
      } catch {
        return { path: '/' + [...done, name, ...parts].join('/') };
      }
      if (st.isSymbolicLink()) {
        if (++hops > MAX_LINKS) return { path: cur, error: 'too many levels of symbolic links' };
        let target: string;
        try {
          target = readlinkSync(this.onDisk(cur));
        } catch (e) {
          return { path: cur, error: (e as Error).message };
        }
        const tparts = target.split('/').filter(Boolean);
        if (target.startsWith('/')) done = [];
        parts = [...tparts, ...parts];
        continue;
      }
      done.push(name);
    }
    return { path: '/' + done.join('/') };
  }

  /** Owner, group, mode and type of a path, following symlinks inside the root (lstat of the real path). */
  stat(hostPath: string): FileFacts {
    const facts: FileFacts = { path: hostPath, exists: false };
    let isLink = false;
    try {
      isLink = lstatSync(this.onDisk(hostPath)).isSymbolicLink();
    } catch {
      /* missing: handled below */
    }
    const r = this.resolve(hostPath);
    if (r.error) return { ...facts, error: r.error, symlink: isLink || undefined };
    let st: Stats;
    try {
      st = lstatSync(this.onDisk(r.path));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return isLink ? { ...facts, symlink: true, realPath: r.path } : facts;
      return { ...facts, error: (e as Error).message };
    }
    facts.exists = true;
    if (isLink) facts.symlink = true;
    if (r.path !== posix.normalize('/' + hostPath)) facts.realPath = r.path;
    facts.type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSocket() ? 'socket' : st.isSymbolicLink() ? 'symlink' : 'other';
    facts.uid = st.uid;
    facts.gid = st.gid;
    facts.mode = st.mode & 0o7777;
    facts.owner = this.userName(st.uid);
    facts.group = this.groupName(st.gid);
    return facts;
  }

  readText(hostPath: string, limit = MAX_READ): string | undefined {
    const r = this.resolve(hostPath);
    if (r.error) return undefined;
    try {
      const st = lstatSync(this.onDisk(r.path));
      if (!st.isFile()) return undefined;
      if (st.size > limit) return readFileSync(this.onDisk(r.path)).subarray(0, limit).toString('utf8');
      return readFileSync(this.onDisk(r.path), 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Directory entries (names), [] when missing. */
  list(hostPath: string): string[] {
    const r = this.resolve(hostPath);
    if (r.error) return [];
    try {
      return readdirSync(this.onDisk(r.path)).sort();
    } catch {
      return [];
    }
  }

  /** Files below a directory (host paths), depth-limited, symlinks not followed. */
  walk(hostPath: string, maxDepth = 4, limit = 5000): string[] {
    const out: string[] = [];
    const r = this.resolve(hostPath);
    if (r.error) return out;
    const visit = (p: string, depth: number) => {
      if (out.length >= limit || depth > maxDepth) return;
      let names: string[];
      try {
        names = readdirSync(this.onDisk(p)).sort();
      } catch {
        return;
      }
      for (const n of names) {
        const child = posix.join(p, n);
        let st: Stats;
        try {
          st = lstatSync(this.onDisk(child));
        } catch {
          continue;
        }
        if (st.isDirectory()) visit(child, depth + 1);
        else out.push(child);
      }
    };
    visit(r.path, 0);
    return out;
  }

  userName(uid: number): string | undefined {
    if (!this.users) {
      this.users = new Map();
      for (const line of (this.readText('/etc/passwd') ?? '').split('\n')) {
        const f = line.split(':');
        if (f.length >= 4 && /^\d+$/.test(f[2]!)) this.users.set(Number(f[2]), f[0]!);
      }
    }
    return this.users.get(uid);
  }

  groupName(gid: number): string | undefined {
    if (!this.groupNames) {
      this.groupNames = new Map();
      for (const line of (this.readText('/etc/group') ?? '').split('\n')) {
        const f = line.split(':');
        if (f.length >= 3 && /^\d+$/.test(f[2]!)) this.groupNames.set(Number(f[2]), f[0]!);
      }
    }
    return this.groupNames.get(gid);
  }
}
