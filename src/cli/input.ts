/**
 * Reading a file or standard input named on the command line, with the size limit applied while reading:
 * `bulwark dockerfile - < /dev/zero` reads limit + 1 bytes and stops, and a 52 MB file is reported with its real
 * size without being read.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { InputError, describeError } from '../core/errors.js';

export type BoundedInput =
  | { ok: true; buf: Buffer }
  /** over the limit: `size` is the real size of a file, or for a stream "more than limit" bytes */
  | { ok: false; size: number; sizeKnown: boolean };

/** Read `path` ('-' = standard input) when it holds at most `limit` bytes. */
export async function readBounded(path: string, limit: number, what = 'file'): Promise<BoundedInput> {
  if (path === '-') return readStdin(limit);
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputError(`no such file: ${path}`);
    throw new InputError(`cannot read ${path}: ${describeError(e)}`);
  }
  if (st.isDirectory()) throw new InputError(`${path} is a directory`);
  if (!st.isFile()) throw new InputError(`${path} is not a regular file (a ${what} must be a file; use - for standard input)`);
  if (st.size > limit) return { ok: false, size: st.size, sizeKnown: true };
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${describeError(e)}`);
  }
  try {
    return readFd(fd, limit, path);
  } finally {
    closeSync(fd);
  }
}

/** Reads at most limit + 1 bytes from an open descriptor (a file may grow between stat and read). */
function readFd(fd: number, limit: number, name: string): BoundedInput {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const want = Math.min(1 << 20, limit + 1 - total);
    if (want <= 0) break;
    const b = Buffer.allocUnsafe(want);
    let n: number;
    try {
      n = readSync(fd, b, 0, want, null);
    } catch (e) {
      throw new InputError(`cannot read ${name}: ${(e as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : describeError(e)}`);
    }
    if (n === 0) break;
    chunks.push(n === want ? b : b.subarray(0, n));
    total += n;
  }
  if (total > limit) {
    let size = total;
    try {
      const st = fstatSync(fd);
      if (st.isFile()) size = Math.max(size, st.size);
    } catch {
      /* keep what was read */
    }
    return { ok: false, size, sizeKnown: size > total };
  }
  return { ok: true, buf: Buffer.concat(chunks, total) };
}

/** Standard input, stopping after limit + 1 bytes (an endless stream is never held in memory). */
async function readStdin(limit: number): Promise<BoundedInput> {
  try {
    const st = fstatSync(0);
    if (st.isFile()) {
      // `< FILE`: its size is known without reading it
      if (st.size > limit) return { ok: false, size: st.size, sizeKnown: true };
    }
  } catch {
    /* no stdin */
  }
  const stdin = process.stdin;
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const c of stdin) {
      const b = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
      chunks.push(b);
      total += b.length;
      if (total > limit) break;
    }
  } catch (e) {
    throw new InputError(`cannot read standard input: ${describeError(e)}`);
  } finally {
    if (total > limit) stdin.destroy();
  }
  if (total > limit) return { ok: false, size: total, sizeKnown: false };
  return { ok: true, buf: Buffer.concat(chunks, total) };
}

/** "52.4 MB (54960000 bytes)", or "more than 1048576 bytes" for a stream that was cut off. */
export function describeSize(r: { size: number; sizeKnown: boolean }, limit: number): string {
  if (!r.sizeKnown) return `more than ${limit} bytes`;
  const mb = r.size / 1e6;
  return mb >= 1 ? `${mb.toFixed(1)} MB (${r.size} bytes)` : `${r.size} bytes`;
}
