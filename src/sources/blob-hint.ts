/** What a layer blob tells of its walk's size without being read (a scheduling hint for the walker). */
import { closeSync, constants as fsc, openSync, readSync } from 'node:fs';
import type { LayerBlob } from './types.js';

/**
 * The bytes a walk of the layer goes through, as far as the blob tells without being read: an uncompressed blob's
 * size, or a gzip blob's ISIZE (its last four bytes: the uncompressed size modulo 2^32, of the last member; RFC 1952),
 * never less than the compressed size. The walk's cost follows the uncompressed bytes (the tar reader, the analyzers,
 * the diff_id hash) more than the compressed ones: a layer of JavaScript packages inflates 5 to 1, a layer of
 * executables 3 to 1, and biggest-first scheduling by compressed size handed such a layer out last. A hint only
 * (it orders the walk, nothing else): undefined where the blob is not a local file or cannot be read.
 */
export function walkBytesHint(blob: LayerBlob): number | undefined {
  if (blob.kind !== 'file') return undefined;
  if (blob.size < 18) return blob.size;
  let fd: number | undefined;
  try {
    fd = openSync(blob.path, blob.noFollow ? fsc.O_RDONLY | fsc.O_NOFOLLOW : fsc.O_RDONLY);
    const b = Buffer.alloc(4);
    if (readSync(fd, b, 0, 2, blob.offset) !== 2) return undefined;
    if (b[0] !== 0x1f || b[1] !== 0x8b) return blob.size;
    if (readSync(fd, b, 0, 4, blob.offset + blob.size - 4) !== 4) return undefined;
    return Math.max(b.readUInt32LE(0), blob.size);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
