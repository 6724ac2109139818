import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { walkBytesHint } from '../../src/sources/blob-hint.js';

test('walkBytesHint: a gzip blob tells its uncompressed size (ISIZE), a plain one its own size, inside a bigger file too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-hint-'));
  try {
    const tar = Buffer.alloc(3 * 1024 * 1024, 'a'); // compresses ~1000 to 1: ordered by it, it would come last
    const gz = gzipSync(tar);
    const file = join(dir, 'archive');
    const pad = Buffer.alloc(777, 9);
    writeFileSync(file, Buffer.concat([pad, gz, tar.subarray(0, 5000), pad]));
    assert.equal(walkBytesHint({ kind: 'file', path: file, offset: pad.length, size: gz.length, verifyRaw: true }), tar.length);
    assert.equal(walkBytesHint({ kind: 'file', path: file, offset: pad.length + gz.length, size: 5000, verifyRaw: true }), 5000);
    // never below the compressed size (ISIZE counts modulo 2^32, and the last member only)
    const two = Buffer.concat([gzipSync(Buffer.alloc(100_000, 'b')), gzipSync(Buffer.alloc(10, 'c'))]);
    writeFileSync(join(dir, 'two'), two);
    assert.equal(walkBytesHint({ kind: 'file', path: join(dir, 'two'), offset: 0, size: two.length, verifyRaw: true }), two.length);
    // a blob that cannot be read, or is not a local file: no hint
    assert.equal(walkBytesHint({ kind: 'file', path: join(dir, 'gone'), offset: 0, size: 100, verifyRaw: true }), undefined);
    assert.equal(walkBytesHint({ kind: 'file', path: file, offset: 10_000_000, size: 100, verifyRaw: true }), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
