/**
 * The vulnerability database as a file, without opening it: what `bulwark image` checks before it reads an
 * image (a missing or unusable database is reported at once, not after minutes of walking), and its identity,
 * under which matches are kept (match-cache.ts). No SQLite here: a rescan whose match is kept never loads it.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { UserError } from '../core/errors.js';

export const SCHEMA_VERSION = 3;
export const APPLICATION_ID = 0x42574442; // "BWDB"

/** Throws a UserError when `path` is not a Bulwark vulnerability database of this schema version. */
export function checkDbFile(path: string): void {
  if (!existsSync(path)) {
    throw new UserError(`no vulnerability database at ${path}: run 'bulwark db update' (or 'bulwark db update --source PATH' offline)`);
  }
  const st = statSync(path);
  if (!st.isFile()) throw new UserError(`vulnerability database ${path} is not a file`);
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(100);
  try {
    readSync(fd, head, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (head.subarray(0, 16).toString('latin1') !== 'SQLite format 3\u0000') {
    throw new UserError(`${path} is not a vulnerability database (not an SQLite file): remove it and run 'bulwark db update'`);
  }
  const pageSize = head.readUInt16BE(16) === 1 ? 65536 : head.readUInt16BE(16);
  const pages = head.readUInt32BE(28);
  if (pages > 0 && st.size < pageSize * pages) {
    throw new UserError(`vulnerability database ${path} is truncated (${st.size} of ${pageSize * pages} bytes): run 'bulwark db update'`);
  }
  const userVersion = head.readUInt32BE(60);
  const appId = head.readUInt32BE(68);
  if (appId !== APPLICATION_ID) {
    throw new UserError(`${path} is an SQLite file but not a Bulwark vulnerability database: remove it and run 'bulwark db update'`);
  }
  if (userVersion !== SCHEMA_VERSION) {
    throw new UserError(
      `vulnerability database ${path} has schema version ${userVersion}, this Bulwark reads version ${SCHEMA_VERSION}: run 'bulwark db update'`,
    );
  }
}

/**
 * What the database file is: updates never write a database in place (a new file is built and renamed over the
 * old one, see store.ts), so its device, inode, size and modification time change whenever its content does.
 */
export function dbFileIdentity(path: string): string {
  const st = statSync(path, { bigint: true });
  return JSON.stringify({ schema: SCHEMA_VERSION, dev: String(st.dev), ino: String(st.ino), size: String(st.size), mtime: String(st.mtimeNs) });
}
