import fc from 'fast-check';
import { bdbValues, BdbError } from '../../src/inventory/rpm/bdb.js';
import { parseRpmHeader, rpmPackageFromHeader, RpmHeaderError } from '../../src/inventory/rpm/header.js';
import { sqliteBlobs } from '../../src/inventory/rpm/index.js';
import { corpus, defineTarget, mutatedBytes } from '../harness.js';

const BE32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b.toString('latin1');
};
/** header-block numbers that matter: counts, tags, types, offsets */
const NUMS = [0, 1, 2, 3, 4, 6, 7, 8, 9, 100, 0x7fffffff, 0xffffffff, 0x10000, 1000, 1001, 1002, 1003, 1116, 1117, 1118].map(BE32);

export const rpmHeader = defineTarget<Buffer>({
  name: 'rpm-header',
  about: 'rpm header blobs (index entries, type/offset/count checks, string arrays, file lists)',
  input: () => mutatedBytes(corpus('rpm-header'), NUMS),
  run(blob) {
    rpmPackageFromHeader(parseRpmHeader(blob));
  },
  expected: (e) => e instanceof RpmHeaderError,
});

export const rpmBdb = defineTarget<Buffer>({
  name: 'rpm-bdb',
  about: 'the BerkeleyDB hash/btree Packages file (pages, overflow chains), then each header blob',
  input: () => mutatedBytes(corpus('rpm-bdb'), NUMS.map((s) => s.split('').reverse().join(''))),
  run(buf) {
    for (const v of bdbValues(buf)) {
      try {
        rpmPackageFromHeader(parseRpmHeader(v));
      } catch (e) {
        if (!(e instanceof RpmHeaderError)) throw e;
      }
    }
  },
  expected: (e) => e instanceof BdbError,
});

export const rpmSqlite = defineTarget<Buffer>({
  name: 'rpm-sqlite',
  about: 'the rpmdb.sqlite database (opened read-only from memory by SQLite), then each header blob',
  input: () => fc.oneof(mutatedBytes(corpus('rpm-sqlite')), fc.constant(Buffer.alloc(0))),
  run(buf) {
    for (const v of sqliteBlobs(buf)) {
      try {
        rpmPackageFromHeader(parseRpmHeader(v));
      } catch (e) {
        if (!(e instanceof RpmHeaderError)) throw e;
      }
    }
  },
  // SQLite's own refusal of a damaged or foreign file (SQLITE_CORRUPT, SQLITE_NOTADB, no such table, ...)
  expected: (e) => (e as Error)?.name === 'SqliteError',
});
