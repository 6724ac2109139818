/**
 * Reads feed documents from a file, a directory (recursively) or a zip archive (OSV's all.zip),
 * yielding one JSON document at a time so a large archive is never held whole in memory.
 *
 * Zip archives: yauzl reads the central directory once (entry names, sizes, offsets); the archive is refused
 * before any entry is inflated when it holds more than MAX_ZIP_ENTRIES entries or its entries declare more than
 * MAX_ZIP_TOTAL_BYTES together (a 46 MB bomb declaring 45 GB stops here, at once). Each entry is then read with
 * one positioned read and inflated in one call capped at the size it declared (and at MAX_ZIP_ENTRY_BYTES), so
 * an entry that lies about its size cannot expand further, and its CRC-32 is checked.
 */
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join, relative } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import { InputError } from '../../core/errors.js';

export interface FeedDoc {
  /** path inside the source (file name, path under a directory, or entry name in a zip) */
  name: string;
  data: unknown;
}

/** Per-document size cap: no real feed document is larger (Debian's full tracker JSON is ~80 MB). */
export const MAX_DOC_BYTES = 512 * 1024 * 1024;
/** Per-entry cap inside zip archives (OSV records are a few KB; a bomb is refused). */
export const MAX_ZIP_ENTRY_BYTES = 16 * 1024 * 1024;
/** OSV's largest per-ecosystem all.zip holds well under 200,000 records */
export const MAX_ZIP_ENTRIES = 1_000_000;
/** What all entries of one archive may expand to together (OSV's largest all.zip expands to well under 2 GiB). */
export const MAX_ZIP_TOTAL_BYTES = 4 * 1024 * 1024 * 1024;

export function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${name}: not valid JSON (${(e as Error).message})`);
  }
}

function isZip(path: string): boolean {
  const fd = openSync(path, 'r');
  const b = Buffer.alloc(4);
  try {
    readSync(fd, b, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  return b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

export async function* readDocs(path: string): AsyncGenerator<FeedDoc> {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    throw new InputError(`source not found: ${path}`);
  }
  if (st.isDirectory()) {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const n of readdirSync(d).sort()) {
        const p = join(d, n);
        const s = lstatSync(p);
        if (s.isDirectory()) walk(p);
        else if (s.isFile() && (n.endsWith('.json') || n.endsWith('.zip'))) files.push(p);
      }
    };
    walk(path);
    for (const f of files) {
      if (f.endsWith('.zip')) yield* readZip(f, relative(path, f));
      else yield readFileDoc(f, relative(path, f));
    }
    return;
  }
  if (!st.isFile()) throw new InputError(`source is not a file or directory: ${path}`);
  if (st.size >= 4 && path.endsWith('.zip')) {
    yield* readZip(path, path);
    return;
  }
  if (st.size >= 4 && isZipFile(path)) {
    yield* readZip(path, path);
    return;
  }
  yield readFileDoc(path, path);
}

function isZipFile(path: string): boolean {
  try {
    return isZip(path);
  } catch {
    return false;
  }
}

function readFileDoc(path: string, name: string): FeedDoc {
  const st = lstatSync(path);
  if (st.size > MAX_DOC_BYTES) throw new InputError(`${name}: ${st.size} bytes is larger than the ${MAX_DOC_BYTES}-byte limit for one feed document`);
  return { name, data: parseJson(readFileSync(path, 'utf8'), name) };
}

interface ZipItem {
  name: string;
  offset: number;
  compressed: number;
  size: number;
  method: number;
  crc: number;
}

/** The central directory: every .json entry, after the count and total-size checks. */
async function zipDirectory(path: string, label: string): Promise<ZipItem[]> {
  const zip = await new Promise<yauzl.ZipFile>((res, rej) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true }, (err, z) =>
      err ? rej(new InputError(`${label}: not a readable zip archive (${err.message})`)) : res(z),
    ),
  );
  try {
    if (zip.entryCount > MAX_ZIP_ENTRIES) throw new InputError(`${label}: ${zip.entryCount} entries, more than the limit of ${MAX_ZIP_ENTRIES}`);
    const items: ZipItem[] = [];
    let total = 0;
    await new Promise<void>((res, rej) => {
      zip.on('entry', (e: yauzl.Entry) => {
        if (!e.fileName.endsWith('/') && e.fileName.endsWith('.json')) {
          if (e.isEncrypted()) return rej(new InputError(`${label}: entry ${e.fileName} is encrypted`));
          if (e.compressionMethod !== 0 && e.compressionMethod !== 8) {
            return rej(new InputError(`${label}: entry ${e.fileName} uses compression method ${e.compressionMethod} (only stored and deflate are read)`));
          }
          if (e.uncompressedSize > MAX_ZIP_ENTRY_BYTES) {
            return rej(new InputError(`${label}: entry ${e.fileName} declares ${e.uncompressedSize} bytes (limit ${MAX_ZIP_ENTRY_BYTES})`));
          }
          total += e.uncompressedSize;
          if (total > MAX_ZIP_TOTAL_BYTES) {
            return rej(new InputError(`${label}: its entries declare more than ${MAX_ZIP_TOTAL_BYTES} bytes together (a decompression bomb?); refused before reading`));
          }
          items.push({ name: e.fileName, offset: e.relativeOffsetOfLocalHeader, compressed: e.compressedSize, size: e.uncompressedSize, method: e.compressionMethod, crc: e.crc32 });
        }
        zip.readEntry();
      });
      zip.on('end', () => res());
      zip.on('error', (e: Error) => rej(new InputError(`${label}: damaged zip archive (${e.message})`)));
      zip.readEntry();
    });
    return items;
  } finally {
    zip.close();
  }
}

async function* readZip(path: string, label: string): AsyncGenerator<FeedDoc> {
  const items = await zipDirectory(path, label);
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(30);
  try {
    for (const it of items) {
      const where = `${label}!${it.name}`;
      if (readSync(fd, head, 0, 30, it.offset) !== 30 || head.readUInt32LE(0) !== 0x04034b50) throw new InputError(`${where}: damaged zip archive (bad local header)`);
      const start = it.offset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
      const raw = Buffer.allocUnsafe(it.compressed);
      if (readSync(fd, raw, 0, it.compressed, start) !== it.compressed) throw new InputError(`${where}: damaged zip archive (truncated entry)`);
      let data: Buffer;
      if (it.method === 0) data = raw;
      else {
        try {
          // one byte over the declared size is enough to know the entry lies about it
          data = inflateRawSync(raw, { maxOutputLength: Math.min(it.size, MAX_ZIP_ENTRY_BYTES) + 1 });
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          throw new InputError(`${where}: ${code === 'ERR_BUFFER_TOO_LARGE' ? `expands beyond the ${it.size} bytes it declares` : `cannot inflate (${(e as Error).message})`}`);
        }
      }
      if (data.length !== it.size) throw new InputError(`${where}: expands to ${data.length} bytes, not the ${it.size} it declares`);
      if (crc32(data) !== it.crc) throw new InputError(`${where}: CRC-32 mismatch (damaged archive)`);
      yield { name: where, data: parseJson(data.toString('utf8'), where) };
    }
  } finally {
    closeSync(fd);
  }
}
