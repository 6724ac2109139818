/**
 * Rebuild a layer's tar stream the way the Docker engine does for `docker save`: from its tar-split record
 * (`layerdb/sha256/<chain-id>/tar-split.json.gz`: JSON lines, `{"type":2,"payload":<base64>}` for raw header and
 * padding bytes, `{"type":1,"name":...,"size":N}` for a file's content) and the files of the layer's directory
 * (overlay2 `diff`). The bytes are the exact tar the engine computed the diff_id over, so the caller verifies
 * them against it. Format: github.com/vbatts/tar-split (storage/entry.go, tar/asm/assemble.go).
 *
 * Hostile or damaged input: lines are bounded, names must stay inside the root, every directory on the way to a
 * file is checked not to be a symlink, files are opened with O_NOFOLLOW, and a file shorter than recorded is an error.
 */
import type { ChunkRing } from './chunk-ring.js';
import { closeSync, constants as fsc, fstatSync, lstatSync, openSync, readSync, createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { InputError } from '../core/errors.js';
import { normalizePath } from './layer.js';
import { decodeName } from './tar/reader.js';

const OUT_CHUNK = 1024 * 1024;
const MAX_LINE = 16 * 1024 * 1024;

interface Entry {
  type?: number;
  name?: string;
  name_raw?: string;
  size?: number;
  payload?: string | null;
}

async function* lines(file: string): AsyncGenerator<string> {
  const raw = createReadStream(file);
  const src = raw.pipe(createGunzip());
  let rest = '';
  try {
    for await (const c of src as AsyncIterable<Buffer>) {
      const text = rest + c.toString('utf8');
      let start = 0;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', start)) {
        if (i > start) yield text.slice(start, i);
        start = i + 1;
      }
      rest = text.slice(start);
      if (rest.length > MAX_LINE) throw new InputError(`${file}: a record longer than ${MAX_LINE} bytes`);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${file}: unreadable tar-split record (${(e as Error).message})`);
  } finally {
    // a reader that stops early, or fails, ends the file stream too: `pipe` leaves its source open (its file
    // descriptor held until the process ends) when the destination is destroyed
    src.destroy();
    raw.destroy();
  }
  if (rest.trim()) yield rest;
}

export async function* tarSplitStream(tarSplitGz: string, root: string, ring?: ChunkRing): AsyncGenerator<Buffer> {
  // the rebuilt tar is plain: the layer reader enables the ring after the first chunk (see ChunkRing)
  if (ring) ring.accepted = true;
  const fresh = () => (ring?.enabled ? ring.take(OUT_CHUNK) : Buffer.allocUnsafeSlow(OUT_CHUNK));
  let out = fresh();
  let n = 0;
  /** directories checked not to be symlinks (relative paths) */
  const dirsOk = new Set<string>(['']);
  const checkDirs = (rel: string) => {
    const parts = rel.split('/');
    let cur = '';
    for (let i = 0; i < parts.length - 1; i++) {
      cur = cur ? `${cur}/${parts[i]}` : parts[i]!;
      if (dirsOk.has(cur)) continue;
      const st = lstatSync(`${root}/${cur}`, { throwIfNoEntry: false });
      if (!st || !st.isDirectory()) throw new InputError(`${root}: '${rel}' is not reachable through directories of the layer (a symlink or a missing directory on the way)`);
      dirsOk.add(cur);
    }
  };
  for await (const line of lines(tarSplitGz)) {
    let e: Entry;
    try {
      e = JSON.parse(line) as Entry;
    } catch {
      throw new InputError(`${tarSplitGz}: not a tar-split record: ${line.slice(0, 80)}`);
    }
    if (e.type === 2) {
      const p = Buffer.from(e.payload ?? '', 'base64');
      let at = 0;
      while (at < p.length) {
        if (n === out.length) {
          yield out;
          out = fresh();
          n = 0;
        }
        const take = Math.min(p.length - at, out.length - n);
        p.copy(out, n, at, at + take);
        n += take;
        at += take;
      }
      continue;
    }
    if (e.type !== 1) throw new InputError(`${tarSplitGz}: unknown tar-split record type ${String(e.type)}`);
    const size = e.size ?? 0;
    if (!Number.isSafeInteger(size) || size < 0) throw new InputError(`${tarSplitGz}: bad size in a file record`);
    if (size === 0) continue;
    const name = e.name_raw ? decodeName(Buffer.from(e.name_raw, 'base64')) : (e.name ?? '');
    const rel = normalizePath(name);
    if (rel.escaped || !rel.path) throw new InputError(`${tarSplitGz}: file record '${name}' points outside the layer`);
    checkDirs(rel.path);
    let fd: number;
    try {
      fd = openSync(`${root}/${rel.path}`, fsc.O_RDONLY | fsc.O_NOFOLLOW);
    } catch (err) {
      throw new InputError(`${root}: cannot read '${rel.path}' of the layer (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    try {
      if (!fstatSync(fd).isFile()) throw new InputError(`${root}: '${rel.path}' is not a regular file`);
      let left = size;
      let pos = 0;
      while (left > 0) {
        if (n === out.length) {
          yield out;
          out = fresh();
          n = 0;
        }
        const want = Math.min(left, out.length - n);
        const got = readSync(fd, out, n, want, pos);
        if (got === 0) throw new InputError(`${root}: '${rel.path}' is shorter than the layer records (${size} bytes)`);
        n += got;
        pos += got;
        left -= got;
      }
    } finally {
      closeSync(fd);
    }
  }
  if (n > 0) yield out.subarray(0, n);
}
