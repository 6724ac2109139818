/**
 * A read-only walker for Berkeley DB hash and btree database files (the rpm `Packages` file), enough to
 * return every stored value. Page layout from Berkeley DB's dbinc/db_page.h:
 *   metadata page 0: magic at 12 (hash 0x061561, btree 0x053162), pagesize at 20, last_pgno at 32;
 *   page header (26 bytes): lsn 8, pgno 4, prev 4, next 4, entries 2, hf_offset 2, level 1, type 1;
 *   hash pages (type 2 unsorted, 13 sorted): entries uint16 offsets after the header, key/data items alternating;
 *     item type H_KEYDATA 1 (bytes up to the previous item), H_OFFPAGE 3 (pgno at +4, total length at +8);
 *   btree leaf pages (type 5): BKEYDATA {len 2, type 1, data}, B_OVERFLOW 3 {pgno at +4, tlen at +8};
 *   overflow pages (type 7): hf_offset = bytes on the page, data at 26, chained by next.
 */

const HASH_MAGIC = 0x061561;
const BTREE_MAGIC = 0x053162;
const P_HASH_UNSORTED = 2, P_LBTREE = 5, P_OVERFLOW = 7, P_HASH = 13;
const H_KEYDATA = 1, H_OFFPAGE = 3;
const B_KEYDATA = 1, B_OVERFLOW = 3;
const HDR = 26;

export class BdbError extends Error {}

export function bdbValues(buf: Buffer): Buffer[] {
  if (buf.length < 512) throw new BdbError('file too short for a Berkeley DB database');
  let le = true;
  let magic = buf.readUInt32LE(12);
  if (magic !== HASH_MAGIC && magic !== BTREE_MAGIC) {
    magic = buf.readUInt32BE(12);
    le = false;
    if (magic !== HASH_MAGIC && magic !== BTREE_MAGIC) throw new BdbError('not a Berkeley DB hash or btree database');
  }
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const pageSize = u32(20);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) throw new BdbError(`bad page size ${pageSize}`);
  const lastPgno = u32(32);
  const nPages = Math.min(lastPgno + 1, Math.floor(buf.length / pageSize));
  const values: Buffer[] = [];

  const overflow = (pgno: number, total: number): Buffer => {
    const parts: Buffer[] = [];
    let got = 0;
    const seen = new Set<number>();
    while (pgno !== 0 && got < total) {
      if (pgno >= nPages || seen.has(pgno)) throw new BdbError(`broken overflow chain at page ${pgno}`);
      seen.add(pgno);
      const p = pgno * pageSize;
      if (buf[p + 25] !== P_OVERFLOW) throw new BdbError(`page ${pgno} is not an overflow page`);
      const len = Math.min(u16(p + 22), pageSize - HDR, total - got);
      parts.push(buf.subarray(p + HDR, p + HDR + len));
      got += len;
      pgno = u32(p + 16);
    }
    if (got < total) throw new BdbError('overflow chain shorter than the item length');
    return Buffer.concat(parts, total);
  };

  for (let pg = 1; pg < nPages; pg++) {
    const p = pg * pageSize;
    const type = buf[p + 25];
    const entries = u16(p + 20);
    if (HDR + entries * 2 > pageSize) continue;
    if (type === P_HASH || type === P_HASH_UNSORTED) {
      for (let i = 1; i < entries; i += 2) {
        // odd index = data item of the pair
        const off = u16(p + HDR + i * 2);
        const end = u16(p + HDR + (i - 1) * 2); // items grow downward: the key (i-1) sits above the data
        if (off < HDR || off >= pageSize) continue;
        const t = buf[p + off];
        if (t === H_KEYDATA) {
          if (end <= off || end > pageSize) continue;
          values.push(buf.subarray(p + off + 1, p + end));
        } else if (t === H_OFFPAGE) {
          values.push(overflow(u32(p + off + 4), u32(p + off + 8)));
        }
      }
    } else if (type === P_LBTREE) {
      for (let i = 1; i < entries; i += 2) {
        const off = u16(p + HDR + i * 2);
        if (off < HDR || off + 3 > pageSize) continue;
        const t = buf[p + off + 2]! & 0x7f; // high bit = deleted
        if (buf[p + off + 2]! & 0x80) continue;
        if (t === B_KEYDATA) {
          const len = u16(p + off);
          if (off + 3 + len > pageSize) continue;
          values.push(buf.subarray(p + off + 3, p + off + 3 + len));
        } else if (t === B_OVERFLOW) {
          values.push(overflow(u32(p + off + 4), u32(p + off + 8)));
        }
      }
    }
  }
  return values;
}
