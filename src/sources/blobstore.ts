/**
 * Random access to the files of an image archive without extracting it: a tar file on disk is indexed
 * once (headers only, seeking over contents), then each member is read by offset. A directory (OCI
 * layout) is read in place, never following symlinks out of it.
 */
import { constants as fsc, readSync } from 'node:fs';
import { open, readFile, stat, lstat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { InputError } from '../core/errors.js';
import { checksumOk, cstr, decodeName, isZero, parseOctal, parsePax } from './tar/reader.js';
import { normalizePath, sniffCompression } from './layer.js';
import type { LayerBlobFile } from './types.js';
import type { ChunkRing } from './chunk-ring.js';

export interface BlobStore {
  /** a human description for errors */
  where: string;
  has(path: string): boolean | Promise<boolean>;
  size(path: string): Promise<number | undefined>;
  /** the whole member (small JSON documents only: capped) */
  read(path: string, cap?: number): Promise<Buffer>;
  /** the member's bytes; with `ring`, chunks come from it once it is enabled (see ChunkRing) */
  open(path: string, ring?: ChunkRing): Promise<AsyncIterable<Buffer>>;
  /** where the member's bytes are on disk (for reading them in a worker thread), when they are */
  locate?(path: string): Promise<Omit<LayerBlobFile, 'kind' | 'verifyRaw'> | undefined>;
}

const JSON_CAP = 64 * 1024 * 1024;

export interface TarMember {
  offset: number;
  size: number;
}

/**
 * Index a tar file's regular members by normalised name (last one wins, as tar extraction would). The headers are
 * read synchronously (a `docker save` archive has a few dozen members: a round trip through the thread pool per
 * header was most of the time a rescan takes to open it), with a turn of the event loop every 1,024 members.
 */
export async function indexTarFile(path: string, maxMembers = 5_000_000): Promise<Map<string, TarMember>> {
  const fh = await open(path, 'r');
  try {
    const fd = fh.fd;
    const { size: fileSize } = await fh.stat();
    const head = Buffer.alloc(512);
    readSync(fd, head, 0, 512, 0);
    const comp = sniffCompression(head);
    if (comp !== 'none') throw new InputError(`${path} is ${comp}-compressed; decompress it first (e.g. ${comp === 'gzip' ? 'gunzip' : 'unzstd'} -k) so it can be read without extracting`);
    const out = new Map<string, TarMember>();
    /** symlink/hardlink members: path -> target path (docker save links repeated layers to the first copy) */
    const links = new Map<string, string>();
    let pos = 0;
    let longName: Buffer | undefined;
    let pax: Map<string, Buffer> | undefined;
    let count = 0;
    const h = Buffer.alloc(512);
    for (;;) {
      if ((count & 1023) === 1023) await new Promise((r) => setImmediate(r));
      const bytesRead = readSync(fd, h, 0, 512, pos);
      if (bytesRead === 0) break;
      if (bytesRead < 512) throw new InputError(`${path}: truncated tar (header at byte ${pos} is cut short)`);
      if (isZero(h)) break;
      if (!checksumOk(h)) throw new InputError(`${path}: not a tar archive or corrupt header at byte ${pos}`);
      if (++count > maxMembers) throw new InputError(`${path}: more than ${maxMembers} members`);
      const flag = String.fromCharCode(h[156]!);
      let size = parseOctal(h, 124, 12, 'size');
      const dataAt = pos + 512;
      if (flag === 'L' || flag === 'x') {
        if (size > 1024 * 1024) throw new InputError(`${path}: extended header too large at byte ${pos}`);
        const body = Buffer.alloc(size);
        readSync(fd, body, 0, size, dataAt);
        if (flag === 'L') longName = cstr(body, 0, body.length);
        else pax = parsePax(body);
        pos = dataAt + Math.ceil(size / 512) * 512;
        continue;
      }
      let name = cstr(h, 0, 100);
      if (h.subarray(257, 262).toString('latin1') === 'ustar') {
        const prefix = cstr(h, 345, 155);
        if (prefix.length) name = Buffer.concat([prefix, Buffer.from('/'), name]);
      }
      if (pax?.has('path')) name = pax.get('path')!;
      if (pax?.has('size')) size = Number(pax.get('size')!.toString('latin1')) || size;
      if (longName) name = longName;
      const paxLink = pax?.get('linkpath');
      longName = undefined;
      pax = undefined;
      const isFile = flag === '0' || flag === '\0' || flag === '7';
      if (flag === '1' || flag === '2') {
        let link = cstr(h, 157, 100);
        if (paxLink) link = paxLink;
        const from = normalizePath(decodeName(name)).path;
        const t = decodeName(link);
        const base = flag === '2' && !t.startsWith('/') ? from.split('/').slice(0, -1).join('/') : '';
        const to = normalizePath(base ? `${base}/${t}` : t);
        if (!to.escaped && to.path && from) links.set(from, to.path);
      }
      if (isFile) {
        if (dataAt + size > fileSize) throw new InputError(`${path}: truncated tar (member '${decodeName(name)}' runs past the end of the file)`);
        const n = normalizePath(decodeName(name));
        if (!n.escaped && n.path) out.set(n.path, { offset: dataAt, size });
      }
      pos = dataAt + (isFile || flag === 'g' || flag === 'K' ? Math.ceil(size / 512) * 512 : 0);
    }
    for (const [from, first] of links) {
      let to: string | undefined = first;
      for (let hops = 0; to !== undefined && !out.has(to) && hops < 16; hops++) to = links.get(to);
      const m = to === undefined ? undefined : out.get(to);
      if (m && !out.has(from)) out.set(from, m);
    }
    return out;
  } finally {
    await fh.close();
  }
}

/**
 * Bytes [start, start + size) of a file, in 1 MiB chunks (O_NOFOLLOW when asked); a file that ends early is an error.
 * The chunks are read synchronously: a layer blob is nearly always in the page cache (just written, or read by the
 * scan before), where a read is a memory copy, and a round trip through libuv's thread pool per chunk cost more
 * than it overlapped (about 0.9 s CPU on a 2.1 GB docker-archive, with the walking thread idle meanwhile).
 *
 * A generator's `yield` only queues a microtask: the event loop does not turn on it. So that messages, timers and
 * I/O are still served while a consumer works through a big layer without any real I/O (a worker thread's reply
 * and its next layer, on a main thread that walks layers too), the event loop is turned (`setImmediate`) before a
 * chunk once `TURN_MS` have gone by since the last turn: about a hundred turns a second, a few microseconds each.
 */
export async function* readRange(path: string, start: number, size: number, noFollow = false, ring?: ChunkRing): AsyncGenerator<Buffer> {
  if (size === 0) return;
  if (ring) ring.accepted = true;
  const fh = await open(path, noFollow ? fsc.O_RDONLY | fsc.O_NOFOLLOW : fsc.O_RDONLY);
  try {
    let pos = start;
    const end = start + size;
    let turned = performance.now();
    while (pos < end) {
      if (performance.now() - turned >= TURN_MS) {
        await new Promise((r) => setImmediate(r));
        turned = performance.now();
      }
      // a fresh buffer per chunk (consumers such as zlib may still hold the previous one), or the ring's next one
      const want = Math.min(CHUNK, end - pos);
      const b = ring?.enabled && want <= ring.size ? ring.take(want) : Buffer.allocUnsafeSlow(want);
      const bytesRead = readSync(fh.fd, b, 0, want, pos);
      if (bytesRead === 0) throw new InputError(`${path}: truncated (member at byte ${start} ends early)`);
      pos += bytesRead;
      yield bytesRead === want ? b : b.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}
const CHUNK = 1024 * 1024;
/** the longest a reader goes without turning the event loop (see readRange) */
const TURN_MS = 10;

/** The bytes a LayerBlobFile names. */
export function openBlobFile(blob: LayerBlobFile, ring?: ChunkRing): AsyncIterable<Buffer> {
  return readRange(blob.path, blob.offset, blob.size, blob.noFollow, ring);
}

export class TarBlobStore implements BlobStore {
  private constructor(
    readonly file: string,
    readonly members: Map<string, TarMember>,
  ) {}

  get where(): string {
    return this.file;
  }

  static async open(file: string): Promise<TarBlobStore> {
    return new TarBlobStore(file, await indexTarFile(file));
  }

  has(path: string): boolean {
    return this.members.has(normalizePath(path).path);
  }

  private member(path: string): TarMember {
    const m = this.members.get(normalizePath(path).path);
    if (!m) throw new InputError(`${this.file}: no '${path}' in the archive`);
    return m;
  }

  async size(path: string): Promise<number | undefined> {
    return this.members.get(normalizePath(path).path)?.size;
  }

  async read(path: string, cap = JSON_CAP): Promise<Buffer> {
    const m = this.member(path);
    if (m.size > cap) throw new InputError(`${this.file}: '${path}' is ${m.size} bytes, more than the ${cap}-byte limit for metadata`);
    const fh = await open(this.file, 'r');
    try {
      const b = Buffer.alloc(m.size);
      readSync(fh.fd, b, 0, m.size, m.offset);
      return b;
    } finally {
      await fh.close();
    }
  }

  async open(path: string, ring?: ChunkRing): Promise<AsyncIterable<Buffer>> {
    const m = this.member(path);
    return readRange(this.file, m.offset, m.size, false, ring);
  }

  async locate(path: string): Promise<{ path: string; offset: number; size: number }> {
    const m = this.member(path);
    return { path: this.file, offset: m.offset, size: m.size };
  }
}

/** A directory (OCI layout): paths are resolved inside it and symlinks are never followed. */
export class DirBlobStore implements BlobStore {
  readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }
  get where(): string {
    return this.root;
  }
  private full(path: string): string {
    const n = normalizePath(path);
    if (n.escaped || !n.path) throw new InputError(`${this.root}: refusing path '${path}' (outside the layout)`);
    const p = join(this.root, n.path);
    if (!p.startsWith(this.root + sep)) throw new InputError(`${this.root}: refusing path '${path}'`);
    return p;
  }
  private async checkNoSymlink(path: string): Promise<void> {
    const n = normalizePath(path).path.split('/');
    let cur = this.root;
    for (const part of n) {
      cur = join(cur, part);
      const st = await lstat(cur);
      if (st.isSymbolicLink()) throw new InputError(`${this.root}: '${path}' goes through a symlink; refusing to follow it`);
    }
  }
  async has(path: string): Promise<boolean> {
    try {
      await stat(this.full(path));
      return true;
    } catch {
      return false;
    }
  }
  async size(path: string): Promise<number | undefined> {
    try {
      return (await lstat(this.full(path))).size;
    } catch {
      return undefined;
    }
  }
  async read(path: string, cap = JSON_CAP): Promise<Buffer> {
    const p = this.full(path);
    await this.checkNoSymlink(path).catch((e) => {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(`${this.root}: no '${path}' in the layout`);
      throw e;
    });
    const st = await lstat(p);
    if (st.size > cap) throw new InputError(`${p} is ${st.size} bytes, more than the ${cap}-byte limit for metadata`);
    return readFile(p);
  }
  async open(path: string, ring?: ChunkRing): Promise<AsyncIterable<Buffer>> {
    // a regular file, read by the same chunked reader as an archive member (O_NOFOLLOW)
    const at = await this.locate(path);
    return readRange(at.path, at.offset, at.size, true, ring);
  }
  async locate(path: string): Promise<{ path: string; offset: number; size: number; noFollow: true }> {
    const p = this.full(path);
    await this.checkNoSymlink(path).catch((e) => {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(`${this.root}: blob '${path}' is missing from the layout`);
      throw e;
    });
    const st = await lstat(p);
    if (!st.isFile()) throw new InputError(`${this.root}: blob '${path}' is not a regular file`);
    return { path: p, offset: 0, size: st.size, noFollow: true };
  }
}

export function parseJson<T>(buf: Buffer, what: string): T {
  try {
    return JSON.parse(buf.toString('utf8')) as T;
  } catch (e) {
    throw new InputError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}
