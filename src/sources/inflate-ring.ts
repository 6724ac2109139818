/**
 * Gzip decompression into reused output buffers. node:zlib's streams allocate a fresh output buffer per chunk
 * (10,000 of 256 KiB for a 2.6 GB image), each freed only by a later garbage collection: up to 64 MiB of dead
 * buffers per thread before V8 collects them, and malloc arenas that keep that high-water mark resident (about
 * 100 MiB of a 300 MiB peak on a realistic image, measured with malloc_stats). Here the zlib engine of one
 * `createGunzip()` object is driven synchronously, on the calling thread, the way node:zlib's own `*Sync`
 * functions drive it (`handle.writeSync` and the `_writeState` pair of counts), writing into the buffers of a
 * ChunkRing: every yielded chunk is one of them (valid until the ring wraps; `LayerEntry.transient`).
 *
 * The engine is the same as the streams' (multi-member files, trailing zero padding and corrupt data behave
 * alike); only the buffer ownership differs. `syncInflateSupported()` says whether this runtime exposes it; the
 * layer reader falls back to the stream otherwise.
 */
import { constants, createGunzip, type Gunzip } from 'node:zlib';
import type { ChunkRing } from './chunk-ring.js';

interface ZlibHandle {
  writeSync(flush: number, input: Buffer, inOff: number, inLen: number, out: Buffer, outOff: number, outLen: number): void;
}
interface ZlibInternals {
  _handle: ZlibHandle | null;
  _writeState: Uint32Array;
}

let supported: boolean | undefined;
/** whether node:zlib exposes the synchronous engine calls this module drives */
export function syncInflateSupported(): boolean {
  if (supported !== undefined) return supported;
  try {
    const z = createGunzip() as unknown as Partial<ZlibInternals> & Gunzip;
    supported = typeof z._handle?.writeSync === 'function' && z._writeState instanceof Uint32Array && z._writeState.length === 2;
    z.close();
  } catch {
    supported = false;
  }
  return supported;
}

/** zlib's own failure (corrupt or truncated data), as against an error of the input it reads */
export class InflateError extends Error {}

/** Counts the decompressor has taken in (the bomb guard's ratio is measured against them). */
export interface InflateCounts {
  bytes: number;
}

/**
 * Decompress a gzip stream; the chunks are `ring` buffers, full ones (ring.size bytes) except the last. Errors are
 * thrown as zlib's messages (the caller words them); an input that ends inside a member ends with
 * "unexpected end of file", like the stream.
 */
export async function* inflateIntoRing(src: AsyncIterable<Buffer>, ring: ChunkRing, consumed: InflateCounts): AsyncGenerator<Buffer> {
  const z = createGunzip() as unknown as ZlibInternals & Gunzip;
  let error: Error | undefined;
  z.on('error', (e: Error) => {
    error = e;
  });
  const state = z._writeState;
  let out = ring.take(ring.size);
  let outOff = 0;
  /** one engine call; false when the engine failed (its error is emitted on the next tick) */
  const call = (flush: number, input: Buffer, inOff: number, inLen: number): boolean => {
    const h = z._handle;
    if (!h) return false;
    h.writeSync(flush, input, inOff, inLen, out, outOff, out.length - outOff);
    return z._handle !== null;
  };
  const failed = async (): Promise<never> => {
    if (!error) await new Promise<void>((r) => setImmediate(r));
    throw new InflateError(error?.message ?? 'zlib failed');
  };
  const empty = Buffer.alloc(0);
  try {
    for await (const c of src) {
      let inOff = 0;
      let avail = c.length;
      while (avail > 0) {
        const room = out.length - outOff;
        if (!call(constants.Z_NO_FLUSH, c, inOff, avail)) await failed();
        const availOut = state[0]!;
        const availIn = state[1]!;
        consumed.bytes += avail - availIn;
        inOff += avail - availIn;
        avail = availIn;
        outOff += room - availOut;
        if (availOut === 0) {
          yield out;
          out = ring.take(ring.size);
          outOff = 0;
        } else break; // the engine took what it could: the rest (if any) is zero padding after the last member
      }
    }
    for (;;) {
      const room = out.length - outOff;
      if (!call(constants.Z_FINISH, empty, 0, 0)) await failed();
      const availOut = state[0]!;
      outOff += room - availOut;
      if (availOut !== 0) break;
      yield out;
      out = ring.take(ring.size);
      outOff = 0;
    }
    if (outOff > 0) yield out.subarray(0, outOff);
  } finally {
    z.close();
  }
}
