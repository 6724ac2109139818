/**
 * RPM header blobs as stored in the rpm database (no lead, no 8-byte header magic):
 *   il (int32 BE, index entries), dl (int32 BE, data bytes), il x {tag, type, offset, count} (int32 BE each),
 *   then dl bytes of data. See rpm's lib/header.c / header_internal.h.
 */

export const TAG = {
  NAME: 1000, VERSION: 1001, RELEASE: 1002, EPOCH: 1003, LICENSE: 1014, VENDOR: 1011, ARCH: 1022,
  OLDFILENAMES: 1027, SOURCERPM: 1044, DIRINDEXES: 1116, BASENAMES: 1117, DIRNAMES: 1118, MODULARITYLABEL: 5096,
} as const;

const T_INT8 = 2, T_INT16 = 3, T_INT32 = 4, T_INT64 = 5, T_STRING = 6, T_BIN = 7, T_STRING_ARRAY = 8, T_I18NSTRING = 9, T_CHAR = 1;

export type HeaderValue = string | string[] | number[] | Buffer;

export class RpmHeaderError extends Error {}

const MAX_INDEX = 0xffff;
const MAX_DATA = 256 * 1024 * 1024;

export function parseRpmHeader(blob: Buffer): Map<number, HeaderValue> {
  if (blob.length < 8) throw new RpmHeaderError('header blob shorter than 8 bytes');
  const il = blob.readUInt32BE(0);
  const dl = blob.readUInt32BE(4);
  if (il > MAX_INDEX || dl > MAX_DATA) throw new RpmHeaderError(`implausible header sizes il=${il} dl=${dl}`);
  const dataStart = 8 + il * 16;
  if (dataStart + dl > blob.length) throw new RpmHeaderError(`header blob truncated (${blob.length} < ${dataStart + dl})`);
  const data = blob.subarray(dataStart, dataStart + dl);
  const out = new Map<number, HeaderValue>();
  const cstr = (o: number): [string, number] => {
    const end = data.indexOf(0, o);
    if (end < 0) throw new RpmHeaderError('unterminated string in header');
    return [data.toString('utf8', o, end), end + 1];
  };
  for (let i = 0; i < il; i++) {
    const e = 8 + i * 16;
    const tag = blob.readUInt32BE(e);
    const type = blob.readUInt32BE(e + 4);
    const off = blob.readInt32BE(e + 8);
    const count = blob.readUInt32BE(e + 12);
    if (off < 0 || off > dl || count > dl + 1) continue; // region trailers and damaged entries
    try {
      switch (type) {
        case T_STRING: out.set(tag, cstr(off)[0]); break;
        case T_STRING_ARRAY:
        case T_I18NSTRING: {
          const arr: string[] = [];
          let o = off;
          for (let k = 0; k < count; k++) { const [s, n] = cstr(o); arr.push(s); o = n; }
          out.set(tag, type === T_I18NSTRING ? arr[0] ?? '' : arr);
          break;
        }
        case T_INT32: {
          if (off + count * 4 > dl) continue;
          const a: number[] = [];
          for (let k = 0; k < count; k++) a.push(data.readInt32BE(off + k * 4));
          out.set(tag, a);
          break;
        }
        case T_INT16: {
          if (off + count * 2 > dl) continue;
          const a: number[] = [];
          for (let k = 0; k < count; k++) a.push(data.readUInt16BE(off + k * 2));
          out.set(tag, a);
          break;
        }
        case T_INT8: case T_CHAR: {
          if (off + count > dl) continue;
          out.set(tag, [...data.subarray(off, off + count)]);
          break;
        }
        case T_INT64: {
          if (off + count * 8 > dl) continue;
          const a: number[] = [];
          for (let k = 0; k < count; k++) a.push(Number(data.readBigInt64BE(off + k * 8)));
          out.set(tag, a);
          break;
        }
        case T_BIN:
          if (off + count > dl) continue;
          out.set(tag, data.subarray(off, off + count));
          break;
      }
    } catch (err) {
      if (err instanceof RpmHeaderError) throw err;
      throw new RpmHeaderError(`damaged header entry for tag ${tag}`);
    }
  }
  return out;
}

export interface RpmPackageInfo {
  name: string;
  epoch?: number;
  version: string;
  release: string;
  arch?: string;
  sourceRpm?: string;
  license?: string;
  vendor?: string;
  modularityLabel?: string;
  files: string[];
}

const str = (v: HeaderValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

export function rpmPackageFromHeader(h: Map<number, HeaderValue>): RpmPackageInfo | undefined {
  const name = str(h.get(TAG.NAME));
  const version = str(h.get(TAG.VERSION));
  if (!name || version === undefined) return undefined;
  const epochV = h.get(TAG.EPOCH);
  const files: string[] = [];
  const base = h.get(TAG.BASENAMES);
  const dirs = h.get(TAG.DIRNAMES);
  const idx = h.get(TAG.DIRINDEXES);
  if (Array.isArray(base) && Array.isArray(dirs) && Array.isArray(idx)) {
    for (let i = 0; i < base.length; i++) {
      const d = (dirs as string[])[(idx as number[])[i]!] ?? '';
      files.push((d + base[i]).replace(/^\/+/, ''));
    }
  } else {
    const old = h.get(TAG.OLDFILENAMES);
    if (Array.isArray(old)) for (const f of old as unknown[]) if (typeof f === 'string') files.push(f.replace(/^\/+/, '')); // (a damaged header can give the tag another type)
  }
  return {
    name,
    version,
    release: str(h.get(TAG.RELEASE)) ?? '',
    epoch: Array.isArray(epochV) && typeof epochV[0] === 'number' ? epochV[0] : undefined,
    arch: str(h.get(TAG.ARCH)),
    sourceRpm: str(h.get(TAG.SOURCERPM)),
    license: str(h.get(TAG.LICENSE)),
    vendor: str(h.get(TAG.VENDOR)),
    modularityLabel: str(h.get(TAG.MODULARITYLABEL)),
    files,
  };
}

/** "openssl-3.0.7-27.el9.src.rpm" -> {name: openssl, version: 3.0.7, release: 27.el9} */
export function splitSourceRpm(s: string): { name: string; version: string; release: string } | undefined {
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(s);
  return m ? { name: m[1]!, version: m[2]!, release: m[3]! } : undefined;
}
