/**
 * `dir:PATH` — an unpacked root filesystem, read as one pseudo-layer. The walk uses lstat and never
 * follows symlinks (a symlink is reported as a symlink, whatever it points at), files are opened with
 * O_NOFOLLOW, and names that are not UTF-8 are kept as escaped text. Not cached (no content digest).
 */
import { constants as fsc } from 'node:fs';
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { InputError } from '../core/errors.js';
import { DEFAULT_LIMITS, LayerError, type LayerLimits, type LayerEntryStream } from './layer.js';
import { decodeName } from './tar/reader.js';
import type { EntryMeta, ImageSource, ImageSourceOptions, LayerEntry, LayerRef, OpenedImage } from './types.js';
import { isDirRef } from './refs.js';

function typeOf(st: import('node:fs').Stats): EntryMeta['type'] {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  if (st.isFIFO()) return 'fifo';
  return 'other';
}

function dirEntries(root: string, limits: LayerLimits): LayerEntryStream {
  const warnings: string[] = [];
  const stats: LayerEntryStream['stats'] = { compressedBytes: 0, uncompressedBytes: 0, compression: 'dir' };
  const rootBuf = Buffer.from(root);
  async function* gen(): AsyncGenerator<LayerEntry> {
    let count = 0;
    // explicit stack of [absolute path bytes, relative path text]
    const stack: Array<[Buffer, string]> = [[rootBuf, '']];
    while (stack.length) {
      const [absDir, relDir] = stack.pop()!;
      let names: Buffer[];
      try {
        names = (await readdir(absDir, { encoding: 'buffer' })) as Buffer[];
      } catch (e) {
        warnings.push(`cannot read directory '${relDir || '/'}': ${(e as Error).message}`);
        continue;
      }
      names.sort(Buffer.compare);
      const subdirs: Array<[Buffer, string]> = [];
      for (const nb of names) {
        const abs = Buffer.concat([absDir, Buffer.from('/'), nb]);
        const rel = relDir ? `${relDir}/${decodeName(nb)}` : decodeName(nb);
        let st;
        try {
          st = await lstat(abs);
        } catch (e) {
          warnings.push(`cannot stat '${rel}': ${(e as Error).message}`);
          continue;
        }
        if (++count > limits.maxEntries) throw new LayerError(`dir:${root}: more than ${limits.maxEntries} entries`);
        const type = typeOf(st);
        const meta: EntryMeta = { path: rel, type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: type === 'file' ? st.size : 0, mtime: Math.floor(st.mtimeMs / 1000) };
        if (type === 'symlink') meta.linkname = decodeName((await readlink(abs, { encoding: 'buffer' })) as Buffer);
        if (type === 'char' || type === 'block') {
          meta.devmajor = Math.floor(st.rdev / 256);
          meta.devminor = st.rdev % 256;
        }
        if (type === 'file') stats.uncompressedBytes += st.size;
        let stream: Readable | undefined;
        const entry: LayerEntry = {
          meta,
          rawPath: rel,
          get stream(): Readable {
            if (!stream) stream = Readable.from(readFileNoFollow(abs, rel, type));
            return stream;
          },
          chunks: () => readFileNoFollow(abs, rel, type),
        };
        yield entry;
        if (stream && !stream.readableEnded) stream.destroy();
        if (type === 'dir') subdirs.push([abs, rel]);
      }
      for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
    }
  }
  return { warnings, stats, [Symbol.asyncIterator]: () => gen() };
}

async function* readFileNoFollow(abs: Buffer, rel: string, type: EntryMeta['type']): AsyncGenerator<Buffer> {
  if (type !== 'file') return;
  let fh;
  try {
    fh = await open(abs, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
  } catch (e) {
    throw new InputError(`cannot open '${rel}': ${(e as Error).message}`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return; // replaced by something else since the walk saw it
    for await (const c of fh.createReadStream({ highWaterMark: 256 * 1024, autoClose: false })) yield c as Buffer;
  } finally {
    await fh.close();
  }
}

export async function openDir(path: string, ref: string, limits: Partial<LayerLimits> = {}): Promise<OpenedImage> {
  const root = resolve(path);
  let st;
  try {
    st = await lstat(root);
  } catch {
    throw new InputError(`no such directory: ${path}`);
  }
  if (!st.isDirectory()) throw new InputError(`${path} is not a directory`);
  const layer: LayerRef = { index: 0, digest: '', createdBy: `directory ${root}` };
  const lim = { ...DEFAULT_LIMITS, ...limits };
  return {
    ref,
    kind: 'dir',
    name: basename(root) || root,
    repoTags: [],
    config: {},
    layers: [layer],
    layerEntries(index: number) {
      if (index !== 0) throw new InputError(`a directory has one layer (asked for ${index + 1})`);
      return dirEntries(root, lim);
    },
    async close() {},
  };
}

export const dirSource: ImageSource = {
  name: 'dir',
  accepts: isDirRef,
  open: (ref: string, _opts: ImageSourceOptions) => openDir(ref.slice('dir:'.length), ref),
};
