import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rpmAnalyzer, rpmDbKind } from '../../src/inventory/rpm/index.js';
import { parseRpmHeader, splitSourceRpm, RpmHeaderError } from '../../src/inventory/rpm/header.js';
import { bdbValues, BdbError } from '../../src/inventory/rpm/bdb.js';
import type { DetectorOutput } from '../../src/inventory/types.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ctx, fixture, meta, FIX } from './helpers.js';

// Both databases were made by rpm 4.18 from two locally built packages (see fixtures/inventory/rpm/README.md).
const expected = [
  'hello-bw 2:1.2.3-4.el9 x86_64 src=hello-bw 1.2.3-4.el9 lic=MIT AND Apache-2.0 files=usr/bin/hello-bw,usr/share/hello-bw,usr/share/hello-bw/README',
  'tiny-lib 0.9-1 noarch src=tiny-lib 0.9-1 lic=GPL-2.0-or-later files=etc/tiny-lib.conf',
];
const show = (r: DetectorOutput) =>
  r.packages!.map((p) => `${p.name} ${p.epoch !== undefined ? p.epoch + ':' : ''}${p.version}-${p.release} ${p.arch} src=${p.sourceName} ${p.sourceVersion} lic=${p.licenses?.join('|')} files=${p.files?.join(',')}`).sort();

test('rpmdb.sqlite (real, rpm 4.18 sqlite backend)', () => {
  const r = rpmAnalyzer.analyze(meta('var/lib/rpm/rpmdb.sqlite'), fixture('rpm/rpmdb.sqlite'), ctx()) as DetectorOutput;
  assert.deepEqual(show(r), expected);
});

test('BerkeleyDB Packages (real hash db, 512-byte pages so every header spans overflow pages)', () => {
  const r = rpmAnalyzer.analyze(meta('var/lib/rpm/Packages'), fixture('rpm/Packages'), ctx()) as DetectorOutput;
  assert.deepEqual(show(r), expected);
});

test('paths, source RPM names', () => {
  assert.equal(rpmDbKind('usr/lib/sysimage/rpm/rpmdb.sqlite'), 'sqlite');
  assert.equal(rpmDbKind('var/lib/rpm/Packages'), 'bdb');
  assert.equal(rpmDbKind('var/lib/rpm/Name'), undefined);
  assert.deepEqual(splitSourceRpm('openssl-3.0.7-27.el9.src.rpm'), { name: 'openssl', version: '3.0.7', release: '27.el9' });
});

test('hostile databases: wrong magic, truncated, cyclic overflow chain, damaged headers', () => {
  assert.throws(() => bdbValues(Buffer.alloc(4096)), BdbError);
  const bdb = Buffer.from(fixture('rpm/Packages'));
  const r1 = rpmAnalyzer.analyze(meta('var/lib/rpm/Packages'), bdb.subarray(0, 1024), ctx()) as DetectorOutput;
  assert.ok(r1.warnings?.length || r1.packages?.length === 0);
  // point every overflow page's next link at itself
  for (let pg = 1; pg * 512 < bdb.length; pg++) if (bdb[pg * 512 + 25] === 7) bdb.writeUInt32LE(pg, pg * 512 + 16);
  const r2 = rpmAnalyzer.analyze(meta('var/lib/rpm/Packages'), bdb, ctx()) as DetectorOutput;
  assert.match(r2.warnings![0]!, /unreadable rpm database/);
  const sq = rpmAnalyzer.analyze(meta('var/lib/rpm/rpmdb.sqlite'), Buffer.from('SQLite format 3\0garbage'), ctx()) as DetectorOutput;
  assert.match(sq.warnings![0]!, /unreadable rpm database/);
  assert.throws(() => parseRpmHeader(Buffer.from([0, 0, 0, 5, 0, 0, 0, 9])), RpmHeaderError);
  assert.throws(() => parseRpmHeader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])), RpmHeaderError);
});

function hasRpm(): boolean {
  try {
    execFileSync('rpm', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('both databases agree with `rpm -qa` reading the same files', { skip: hasRpm() ? false : 'rpm not installed (apt-get install rpm)' }, () => {
  const qf = '%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE} %{ARCH} %{SOURCERPM}\\n';
  for (const [file, backend] of [['rpmdb.sqlite', 'sqlite'], ['Packages', 'bdb_ro']] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-rpmdb-'));
    try {
      copyFileSync(FIX + 'rpm/' + file, join(dir, file));
      const out = execFileSync('rpm', ['--dbpath', dir, '--define', `_db_backend ${backend}`, '-qa', '--qf', qf], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const r = rpmAnalyzer.analyze(meta(`var/lib/rpm/${file}`), fixture(`rpm/${file}`), ctx()) as DetectorOutput;
      const ours = r.packages!.map((p) => `${p.name} ${p.epoch ?? 0}:${p.version}-${p.release} ${p.arch} ${p.sourceName}-${p.sourceVersion}.src.rpm`).sort();
      assert.deepEqual(ours, out.split('\n').filter(Boolean).sort(), file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});
