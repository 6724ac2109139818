import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { APPLICATION_ID, VulnStore, checkDbFile } from '../../src/vulndb/store.js';
import { updateDb } from '../../src/vulndb/update.js';
import { dbDir, dbPath } from '../../src/vulndb/paths.js';
import { UserError } from '../../src/core/errors.js';
import { buildDb, fx, tmpCache } from './helpers.js';

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

test('the database lives in <cache>/db/vuln.db; XDG_CACHE_HOME is honoured', () => {
  assert.equal(dbPath('/x/cache'), '/x/cache/db/vuln.db');
  const old = process.env.XDG_CACHE_HOME;
  const oldB = process.env.BULWARK_CACHE_DIR;
  delete process.env.BULWARK_CACHE_DIR;
  process.env.XDG_CACHE_HOME = '/tmp/xdg-test';
  try {
    assert.equal(dbDir(), '/tmp/xdg-test/bulwark/db');
  } finally {
    if (old === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = old;
    if (oldB !== undefined) process.env.BULWARK_CACHE_DIR = oldB;
  }
});

test('an update swaps a new file in atomically; readers of the old file keep working', async () => {
  const first = await buildDb([fx('alpine')]);
  const reader = VulnStore.open(first.path);
  const before = reader.affectedFor('apk', 'alpine:v3.20', 'openssl').length;
  const second = await updateDb({ cacheDir: first.cacheDir, sources: [fx('alpine'), fx('kev/known_exploited_vulnerabilities.json')] });
  assert.equal(second.swapped, true);
  // the old handle still reads its own (unlinked) file
  assert.equal(reader.affectedFor('apk', 'alpine:v3.20', 'openssl').length, before);
  assert.equal(reader.kev('CVE-2021-44228'), undefined);
  reader.close();
  const fresh = VulnStore.open(second.path);
  assert.ok(fresh.kev('CVE-2021-44228'));
  const info = fresh.info();
  assert.equal(info.sources.length, 2);
  assert.ok(info.counts.affected > 0 && info.counts.kev === 5);
  fresh.close();
  assert.deepEqual(readdirSync(dbDir(first.cacheDir)).filter((n) => n.startsWith('vuln.db.tmp')), []);
});

test('a failing source is reported, the others import, and its previous rows are carried over', async () => {
  const cache = tmpCache();
  const badDir = join(cache, 'bad');
  mkdirSync(badDir);
  const bad = join(badDir, 'kev.json');
  writeFileSync(bad, readFileSync(fx('kev/known_exploited_vulnerabilities.json')));
  await updateDb({ cacheDir: cache, sources: [fx('alpine'), bad] });
  writeFileSync(bad, '{"catalogVersion": "x", "vulnerabilities": [ truncated');
  const r = await updateDb({ cacheDir: cache, sources: [fx('alpine'), bad] });
  assert.equal(r.swapped, true);
  assert.equal(r.sources[0]!.ok, true);
  assert.equal(r.sources[1]!.ok, false);
  assert.match(r.sources[1]!.error!, /not valid JSON/);
  assert.equal(r.sources[1]!.carriedOver, true);
  const s = VulnStore.open(r.path);
  assert.ok(s.kev('CVE-2021-44228'), 'rows of the failed source come from the previous database');
  s.close();
});

test('when every source fails nothing is swapped and the current database is untouched', async () => {
  const first = await buildDb([fx('alpine')]);
  const h = sha(first.path);
  const r = await updateDb({ cacheDir: first.cacheDir, sources: [join(first.cacheDir, 'missing.json')] });
  assert.equal(r.swapped, false);
  assert.match(r.sources[0]!.error!, /source not found/);
  assert.equal(sha(first.path), h);
});

test('an update killed mid-import leaves the current database intact; the next update cleans up', async () => {
  const first = await buildDb([fx('alpine')]);
  const h = sha(first.path);
  const marker = join(first.cacheDir, 'marker');
  const script = `
    import { updateDb } from ${JSON.stringify(new URL('../../src/vulndb/update.ts', import.meta.url).pathname)};
    import { writeFileSync } from 'node:fs';
    await updateDb({ cacheDir: ${JSON.stringify(first.cacheDir)}, sources: [${JSON.stringify(fx('osv/go'))}, ${JSON.stringify(fx('osv/ghsa'))}],
      afterSource: () => { writeFileSync(${JSON.stringify(marker)}, 'x'); const t = Date.now(); while (Date.now() - t < 60000) {} } });
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'ignore' });
  const deadline = Date.now() + 60_000;
  while (!existsSync(marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.ok(existsSync(marker), 'the child reached the middle of the import');
  const tmp = readdirSync(dbDir(first.cacheDir)).filter((n) => n.startsWith('vuln.db.tmp-'));
  assert.equal(tmp.length, 1, 'the new database is being built aside');
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  assert.equal(sha(first.path), h, 'vuln.db unchanged');
  const s = VulnStore.open(first.path);
  assert.ok(s.affectedFor('apk', 'alpine:v3.20', 'openssl').length > 0);
  s.close();
  // the lock and temp file of the dead process are cleaned by the next update
  const again = await updateDb({ cacheDir: first.cacheDir, sources: [fx('alpine')] });
  assert.equal(again.swapped, true);
  assert.deepEqual(readdirSync(dbDir(first.cacheDir)).filter((n) => n.startsWith('vuln.db.tmp-')), []);
});

test('no database, a non-SQLite file, a foreign SQLite file and an old schema each get a clear error', () => {
  const dir = tmpCache();
  const p = join(dir, 'vuln.db');
  assert.throws(() => checkDbFile(p), (e: unknown) => e instanceof UserError && /no vulnerability database .*bulwark db update/.test(e.message));
  writeFileSync(p, 'hello, this is not a database at all'.repeat(10));
  assert.throws(() => VulnStore.open(p), /not an SQLite file/);
  const foreign = join(dir, 'foreign.db');
  const d = new Database(foreign);
  d.exec('CREATE TABLE t (x)');
  d.close();
  assert.throws(() => VulnStore.open(foreign), /not a Bulwark vulnerability database/);
  const old = join(dir, 'old.db');
  const o = new Database(old);
  o.pragma(`application_id = ${APPLICATION_ID}`);
  o.pragma('user_version = 99');
  o.exec('CREATE TABLE meta (key TEXT, value TEXT)');
  o.close();
  assert.throws(() => VulnStore.open(old), /schema version 99/);
});

test('a truncated database file is refused, not crashed on', async () => {
  const db = await buildDb([fx('alpine')]);
  const buf = readFileSync(db.path);
  const cut = join(db.cacheDir, 'cut.db');
  writeFileSync(cut, buf.subarray(0, 4096 * 2));
  assert.throws(
    () => {
      const s = VulnStore.open(cut);
      try {
        s.affectedFor('apk', 'alpine:v3.20', 'openssl');
        s.info();
      } finally {
        s.close();
      }
    },
    (e: unknown) => e instanceof UserError && /truncated|damaged/.test(e.message),
  );
});

test('two updates of the same cache do not run at once; a lock left by a dead process is taken over', async () => {
  const cache = tmpCache();
  mkdirSync(dbDir(cache), { recursive: true });
  const lock = join(dbDir(cache), 'update.lock');
  writeFileSync(lock, '1'); // pid 1 is alive
  await assert.rejects(updateDb({ cacheDir: cache, sources: [fx('alpine')] }), /another 'bulwark db update' \(pid 1\) is running/);
  writeFileSync(lock, '999999999'); // no such process
  const r = await updateDb({ cacheDir: cache, sources: [fx('alpine')] });
  assert.equal(r.swapped, true);
  assert.equal(existsSync(lock), false);
});

test('the staleness limit comes from .bulwark.yaml (vulndb.max-age-days) and is validated', async () => {
  const { maxAgeFromConfig } = await import('../../src/vulndb/index.js');
  assert.equal(maxAgeFromConfig({ vulndb: { 'max-age-days': 3 } } as never), 3);
  assert.equal(maxAgeFromConfig({}), undefined);
  assert.throws(() => maxAgeFromConfig({ vulndb: { 'max-age-days': 'soon' } } as never), /vulndb/);
});
