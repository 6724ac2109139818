import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { buildDb, tmpCache } from './helpers.js';
import { VulnStore } from '../../src/vulndb/store.js';

/** A one-entry zip whose local and central headers declare `declared` bytes for a small deflated body. */
function zipWith(name: string, body: Buffer, declared = body.length): Buffer {
  const data = deflateRawSync(body);
  const nameB = Buffer.from(name);
  const crc = crc32(body);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(declared, 22);
  local.writeUInt16LE(nameB.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(declared, 24);
  central.writeUInt16LE(nameB.length, 28);
  const cdOffset = 30 + nameB.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + nameB.length, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, nameB, data, central, nameB, end]);
}

function crc32(b: Buffer): number {
  let c = ~0;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

test('malformed records inside a feed are counted and skipped; the rest of the feed imports', async () => {
  const dir = join(tmpCache(), 'osv');
  mkdirSync(dir);
  writeFileSync(join(dir, 'ok.json'), JSON.stringify({ id: 'GHSA-aaaa-bbbb-cccc', modified: '2024-01-01T00:00:00Z', aliases: ['CVE-2024-0001'], affected: [{ package: { ecosystem: 'npm', name: 'left-pad' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.3.0' }] }] }] }));
  writeFileSync(join(dir, 'weird.json'), JSON.stringify({ id: 'GHSA-xxxx-yyyy-zzzz', modified: 'x', affected: [{ package: {} }, { package: { ecosystem: 'Nope', name: 'x' } }, { package: { ecosystem: 'npm', name: 'y' }, ranges: [{ type: 'GIT', repo: 'r', events: [{ introduced: 'abc' }] }] }, null].filter(Boolean), severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/garbage' }] }));
  writeFileSync(join(dir, 'notosv.json'), '[1, 2, 3]');
  writeFileSync(join(dir, 'alpine-bad.json'), JSON.stringify({ distroversion: 'v3.20', packages: [{ pkg: { name: 'a', secfixes: { '1.0-r0': 'CVE-1' } } }, { pkg: null }, {}] }));
  const r = await buildDb([dir]);
  const s = r.sources[0]!;
  assert.equal(s.ok, true, s.error);
  assert.equal(s.stats.affectedWithoutPackage, 1);
  assert.equal(s.stats['unsupportedEcosystem:Nope'], 1);
  assert.equal(s.stats.gitOnlySkipped, 1);
  assert.equal(s.stats.unrecognisedDocuments, 1);
  assert.equal(s.stats.malformed, 3, 'alpine: a secfixes value that is not a list, a null pkg, a record without pkg');
  const store = VulnStore.open(r.path);
  assert.equal(store.affectedFor('npm', '', 'left-pad').length, 1);
  assert.deepEqual(store.ratings('GHSA-xxxx-yyyy-zzzz'), [], 'an invalid CVSS vector is not scored');
  assert.equal(s.stats.invalidVectors, 1);
  store.close();
});

test('a zip entry declaring more than the per-entry limit is refused (decompression bomb)', async () => {
  const dir = tmpCache();
  const bomb = join(dir, 'bomb.zip');
  writeFileSync(bomb, zipWith('x.json', Buffer.from('{}'), 4_000_000_000));
  const r = await buildDb([bomb]);
  assert.equal(r.sources[0]!.ok, false);
  assert.match(r.sources[0]!.error!, /declares 4000000000 bytes/);
  // an entry that lies about its size (small header, big body) is cut off by the stream check
  const liar = join(dir, 'liar.zip');
  writeFileSync(liar, zipWith('x.json', Buffer.alloc(20_000_000, 0x20), 10));
  const r2 = await buildDb([liar]);
  assert.equal(r2.sources[0]!.ok, false);
  assert.match(r2.sources[0]!.error!, /liar\.zip/);
});

test('a truncated JSON feed file is a clear per-source error', async () => {
  const dir = tmpCache();
  const f = join(dir, 'tracker.json');
  writeFileSync(f, '{"openssl":{"CVE-2024-1":{"releases":{"bookworm":{"status":"resol');
  const r = await buildDb([f]);
  assert.equal(r.sources[0]!.ok, false);
  assert.match(r.sources[0]!.error!, /tracker\.json: not valid JSON/);
  assert.equal(r.swapped, false);
});
