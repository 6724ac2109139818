/**
 * Reads feed documents from a file, a directory (recursively) or a zip archive (OSV's all.zip),
 * yielding one JSON document at a time so a large archive is never held whole in memory.
 */
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join, relative } from 'node:path';
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
export const MAX_ZIP_ENTRIES = 2_000_000;

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

async function* readZip(path: string, label: string): AsyncGenerator<FeedDoc> {
  const zip = await new Promise<yauzl.ZipFile>((res, rej) =>
    yauzl.open(path, { lazyEntries: true, autoClose: true, strictFileNames: false, validateEntrySizes: true }, (err, z) =>
      err ? rej(new InputError(`${label}: not a readable zip archive (${err.message})`)) : res(z),
    ),
  );
  let count = 0;
  try {
    while (true) {
      const entry = await new Promise<yauzl.Entry | undefined>((res, rej) => {
        const onEntry = (e: yauzl.Entry) => {
          cleanup();
          res(e);
        };
        const onEnd = () => {
          cleanup();
          res(undefined);
        };
        const onErr = (e: Error) => {
          cleanup();
          rej(new InputError(`${label}: damaged zip archive (${e.message})`));
        };
        const cleanup = () => {
          zip.off('entry', onEntry);
          zip.off('end', onEnd);
          zip.off('error', onErr);
        };
        zip.on('entry', onEntry);
        zip.on('end', onEnd);
        zip.on('error', onErr);
        zip.readEntry();
      });
      if (!entry) return;
      if (++count > MAX_ZIP_ENTRIES) throw new InputError(`${label}: more than ${MAX_ZIP_ENTRIES} entries`);
      if (entry.fileName.endsWith('/') || !entry.fileName.endsWith('.json')) continue;
      if (entry.uncompressedSize > MAX_ZIP_ENTRY_BYTES) {
        throw new InputError(`${label}: entry ${entry.fileName} declares ${entry.uncompressedSize} bytes (limit ${MAX_ZIP_ENTRY_BYTES})`);
      }
      const text = await new Promise<string>((res, rej) => {
        zip.openReadStream(entry, (err, stream) => {
          if (err) return rej(new InputError(`${label}: cannot read ${entry.fileName} (${err.message})`));
          const chunks: Buffer[] = [];
          let n = 0;
          stream.on('data', (c: Buffer) => {
            n += c.length;
            if (n > MAX_ZIP_ENTRY_BYTES) {
              stream.destroy(new Error(`entry larger than ${MAX_ZIP_ENTRY_BYTES} bytes`));
              return;
            }
            chunks.push(c);
          });
          stream.on('error', (e) => rej(new InputError(`${label}: ${entry.fileName}: ${e.message}`)));
          stream.on('end', () => res(Buffer.concat(chunks).toString('utf8')));
        });
      });
      yield { name: `${label}!${entry.fileName}`, data: parseJson(text, `${label}!${entry.fileName}`) };
    }
  } finally {
    zip.close();
  }
}

