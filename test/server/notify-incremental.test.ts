/**
 * The incremental notification round (only the packages the update's change set names, read from image_keys)
 * gives exactly what matching every image again gives: the same notifications and the same stored verdicts.
 * Real feed subsets and the real inventories of the test images (bookworm-app subset, Alpine 3.20.3), plus
 * variants whose versions sit on the fixed versions the update moves. Database B, built by the same update code
 * over database A: openssl re-fixes (fixed versions moved up: added), expat advisories withdrawn (removed), perl
 * urgencies raised (severity changed, no notification), the Alpine openssl fix appearing (added). Three service
 * stores see the same images and rounds: incremental, full (the change set does not follow on), and incremental
 * for images stored before the packages per key were recorded (falls back to the stored index); on SQLite, and
 * on a throw-away PostgreSQL cluster when its binaries are installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageIndex } from '../../src/app/image.js';
import type { Package } from '../../src/inventory/types.js';
import { keyedIdentities } from '../../src/server/changes.js';
import { Metrics } from '../../src/server/metrics.js';
import { Notifier, type RoundSummary } from '../../src/server/notify.js';
import { ServiceStore } from '../../src/server/store/index.js';
import { VulnStore } from '../../src/vulndb/index.js';
import { updateDb } from '../../src/vulndb/update.js';
import pg from 'pg';
import { postgresBin, startPostgres } from '../support/postgres.js';
import { tempDir } from '../support/tmp.js';
import { fx } from '../vulndb/helpers.js';
import { secdbWithoutOpensslFix, SECDB } from './helpers.js';

type Tracker = Record<string, Record<string, { releases: Record<string, { fixed_version?: string; urgency?: string; status?: string }> }>>;

const work = tempDir('bw-notify-inc-');
const cacheDir = join(work, 'cache');
const debianFile = join(work, 'debian-tracker.json');
const alpineFile = join(work, 'alpine-main.json');
const trackerA = JSON.parse(readFileSync(fx('debian/bookworm-trixie-subset.json'), 'utf8')) as Tracker;
const fixedOf = (src: string) => Object.entries(trackerA[src]!).filter(([, v]) => v.releases.bookworm?.fixed_version && v.releases.bookworm.fixed_version !== '0');
const movedOpenssl = fixedOf('openssl').slice(-15);
const withdrawnExpat = fixedOf('expat').slice(-4).map(([id]) => id);

/** `refix`: advisories whose fixed version moves up past a version that stays vulnerable (only the detail changes). */
function trackerB(refix: Array<{ src: string; id: string }> = []): Tracker {
  const t = structuredClone(trackerA);
  for (const { src, id } of refix) t[src]![id]!.releases.bookworm!.fixed_version += '+t1';
  for (const [id] of movedOpenssl) t.openssl![id]!.releases.bookworm!.fixed_version += '+t1';
  for (const id of withdrawnExpat) delete t.expat![id];
  for (const [id] of fixedOf('perl').slice(-10)) t.perl![id]!.releases.bookworm!.urgency = 'high';
  return t;
}

function index(file: string, name: string, n: number, vary?: (p: Package) => Package): ImageIndex {
  const inventory = JSON.parse(readFileSync(fx('inventory', file), 'utf8')) as ImageIndex['inventory'];
  if (vary) inventory.packages = inventory.packages.map(vary);
  return {
    digest: `sha256:${n.toString(16).padStart(64, '0')}`,
    ref: name,
    target: { kind: 'image', name, ref: name },
    summary: { name, layers: [] },
    summaryText: '',
    inventory,
    findings: [],
    warnings: [],
  } as unknown as ImageIndex;
}

/** The real inventories, then variants on the openssl fixed versions B moves and on an older expat. */
function images(): ImageIndex[] {
  const out = [index('bookworm-app-subset.json', 'bookworm-app', 1), index('alpine-3.20.3.json', 'alpine', 2)];
  movedOpenssl.slice(-4).forEach(([, v], i) => {
    const fixed = v.releases.bookworm!.fixed_version!;
    out.push(
      index('bookworm-app-subset.json', `variant-${i}`, 10 + i, (p) =>
        p.sourceName === 'openssl' ? { ...p, version: fixed, sourceVersion: fixed } : p.sourceName === 'expat' && i % 2 ? { ...p, version: '2.5.0-1', sourceVersion: '2.5.0-1' } : p,
      ),
    );
  });
  return out;
}

async function build(sources: { debian: Tracker; alpine: string }): Promise<void> {
  writeFileSync(debianFile, JSON.stringify(sources.debian));
  writeFileSync(alpineFile, readFileSync(sources.alpine));
  await updateDb({ cacheDir, sources: [debianFile, alpineFile, fx('osv/ghsa'), fx('nodejs/npm')] });
}

async function dump(store: ServiceStore, updateId: string): Promise<{ notifications: string[]; verdicts: string[] }> {
  const n = await store.db.all<Record<string, unknown>>('SELECT digest, image, reason, vuln_id, package, severity, body FROM notifications WHERE update_id = :u', { u: updateId });
  // a verdict's detail: in verdict_details under its dkey, or inline (a row from schema 2)
  const v = await store.db.all<Record<string, unknown>>(
    `SELECT v.digest, v.vuln_id, v.package, v.severity, COALESCE(d.detail, v.detail) AS detail FROM image_vulns v LEFT JOIN verdict_details d ON d.dkey = v.dkey AND d.vuln_id = v.vuln_id`,
  );
  const line = (r: Record<string, unknown>) => JSON.stringify(Object.values(r));
  return { notifications: n.map(line).sort(), verdicts: v.map(line).sort() };
}

/** The three stores' locations: SQLite files, or three databases of one throw-away PostgreSQL cluster. */
async function compare(locations: string[]): Promise<void> {
  await build({ debian: trackerA, alpine: secdbWithoutOpensslFix(work) });
  const dbFile = join(cacheDir, 'db', 'vuln.db');
  const stores = await Promise.all(locations.map((l) => ServiceStore.open(l)));
  const notifiers = stores.map((s) => new Notifier(s, new Metrics(), { node: 'test', minSeverity: 'unknown', perDelivery: 500, log: () => undefined }));
  const imgs = images();
  let a = VulnStore.open(dbFile);
  for (const [i, store] of stores.entries()) {
    for (const idx of imgs) await store.storeIndexed({ name: idx.summary.name, ref: idx.ref, kind: 'index' }, { index: idx, keys: keyedIdentities(idx.inventory), verdicts: [] });
    const base = await notifiers[i]!.round((await store.startUpdate('a', 'test')).id, a);
    assert.equal(base.mode, 'baseline');
  }
  a.close();
  const baseline = await dump(stores[0]!, '');
  assert.ok(baseline.verdicts.length > 100, `${baseline.verdicts.length} verdicts under A`);
  for (const s of stores.slice(1)) assert.deepEqual((await dump(s, '')).verdicts, baseline.verdicts, 'the same baseline everywhere');

  // the full store forgets which database it notified last: its change set no longer follows on
  await stores[1]!.db.run(`UPDATE service_meta SET value = 'some other database' WHERE key = 'notified_db_built_at'`);
  // images stored before the packages per key (and the inventory's OS) were recorded
  await stores[2]!.db.run(`UPDATE image_keys SET packages = NULL WHERE digest = :d`, { d: imgs[0]!.digest });
  await stores[2]!.db.run(`UPDATE images SET inventory_os = NULL WHERE digest = :d`, { d: imgs[2]!.digest });
  // verdicts written before their details moved to verdict_details: inline, no dkey
  const inline = await stores[2]!.db.run(
    `UPDATE image_vulns SET detail = (SELECT d.detail FROM verdict_details d WHERE d.dkey = image_vulns.dkey AND d.vuln_id = image_vulns.vuln_id), dkey = NULL WHERE digest = :d`,
    { d: imgs[3]!.digest },
  );
  assert.ok(inline > 10, `${inline} verdicts made inline`);
  assert.deepEqual((await dump(stores[2]!, '')).verdicts, baseline.verdicts, 'the inline details are the shared ones');

  // a source package of bookworm-app, none of the above, whose fixed advisories all move up: its verdicts keep
  // their advisories and severities, only their details change
  const fixedIn = new Map<string, Array<{ src: string; id: string }>>();
  for (const l of baseline.verdicts) {
    const [digest, id, , , detail] = JSON.parse(l) as string[];
    const d = JSON.parse(detail!) as { fixedVersion?: string; package: { name: string; sourceName?: string } };
    const src = d.package.sourceName ?? d.package.name;
    if (digest !== imgs[0]!.digest || !d.fixedVersion || ['openssl', 'expat', 'perl'].includes(src) || trackerA[src]?.[id!]?.releases.bookworm?.fixed_version !== d.fixedVersion) continue;
    fixedIn.set(src, [...(fixedIn.get(src) ?? []), { src, id: id! }]);
  }
  const refixed = [...fixedIn.values()].sort((a, b) => b.length - a.length)[0];
  assert.ok(refixed, 'bookworm-app has fixed advisories of another source package');
  await build({ debian: trackerB(refixed), alpine: SECDB });
  const b = VulnStore.open(dbFile);
  const rounds: RoundSummary[] = [];
  const results: Array<{ notifications: string[]; verdicts: string[] }> = [];
  for (const [i, store] of stores.entries()) {
    const upd = await store.startUpdate('b', 'test');
    rounds.push(await notifiers[i]!.round(upd.id, b));
    results.push(await dump(store, upd.id));
  }
  b.close();
  assert.deepEqual(rounds.map((r) => r.mode), ['incremental', 'full', 'incremental']);
  const [inc, full, legacy] = results as [typeof results[0], typeof results[0], typeof results[0]];
  const reasons = (r: typeof inc) => new Set(r.notifications.map((l) => JSON.parse(l)[2]));
  assert.deepEqual([...reasons(full)].sort(), ['added', 'removed'], 'the update both adds and removes vulnerabilities');
  assert.ok(full.notifications.some((l) => l.includes('"alpine"')), 'the Alpine openssl fix notifies the Alpine image');
  assert.ok(full.notifications.some((l) => l.includes('"variant-0"') && l.includes('"added"')), 'a re-fix past an image\'s version notifies it');
  for (const r of [inc, full, legacy]) {
    for (const l of r.notifications) {
      const [, , , vulnId, pkg, , body] = JSON.parse(l) as string[];
      const detail = JSON.parse(body!) as { id?: string; package?: { name: string; version: string } };
      assert.equal(detail.id, vulnId, `the body of ${l.slice(0, 200)} is its verdict's detail`);
      assert.ok(pkg!.endsWith(`/${detail.package?.name}@${detail.package?.version}`), l.slice(0, 200));
    }
  }
  assert.deepEqual(inc.notifications, full.notifications);
  assert.deepEqual(inc.verdicts, full.verdicts);
  assert.deepEqual(legacy.notifications, full.notifications);
  assert.deepEqual(legacy.verdicts, full.verdicts);
  assert.notDeepEqual(full.verdicts, baseline.verdicts, 'the verdicts changed');
  assert.ok(rounds[0]!.rematchedImagePackages < rounds[1]!.rematchedImagePackages / 2, `incremental re-matched ${rounds[0]!.rematchedImagePackages} image packages, full ${rounds[1]!.rematchedImagePackages}`);
  assert.ok(rounds[0]!.verdictsWritten > 0 && rounds[0]!.verdictsDeleted > 0, JSON.stringify(rounds[0]));
  // incremental: an image's rows are not read, its packages take what changed in their stored details; the
  // full round compares every image package row by row, and so does the incremental one for an image with
  // inline verdicts (schema 2)
  assert.ok(rounds[0]!.comparedImagePackages < rounds[0]!.rematchedImagePackages, JSON.stringify(rounds[0]));
  assert.equal(rounds[1]!.comparedImagePackages, rounds[1]!.rematchedImagePackages);
  assert.ok(rounds[2]!.comparedImagePackages > rounds[0]!.comparedImagePackages, 'an image with inline verdicts is compared package by package');
  // a re-fix that changes only a verdict's detail (the fixed version) rewrites the shared detail, not the image's row
  const head = (l: string) => l.slice(0, l.indexOf(',"{')); // digest, advisory, package, severity
  const before = new Set(baseline.verdicts.map(head));
  const detailOnly = inc.verdicts.filter((l) => !baseline.verdicts.includes(l) && before.has(head(l)));
  assert.ok(detailOnly.length > 0, 'some verdicts changed only in their detail');
  assert.ok(rounds[0]!.detailsWritten >= 1, JSON.stringify(rounds[0]));
  assert.equal(rounds[0]!.verdictsWritten, inc.verdicts.filter((l) => !before.has(head(l))).length, 'only new verdicts and new severities are written per image');
  for (const s of stores) await s.close();
}

const NAMES = ['bw_incremental', 'bw_full', 'bw_legacy'];

test('an incremental round notifies and records exactly what a full recomputation does (SQLite)', async () => {
  await compare(NAMES.map((n) => join(work, `${n}.db`)));
});

test('the same on PostgreSQL', { skip: postgresBin() ? false : 'PostgreSQL is not installed (apt-get install postgresql)', timeout: 5 * 60_000 }, async () => {
  const server = await startPostgres();
  try {
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    for (const n of NAMES) await admin.query(`CREATE DATABASE ${n}`);
    await admin.end();
    await compare(NAMES.map((n) => server.url.replace(/\/postgres$/, `/${n}`)));
  } finally {
    server.stop();
  }
});
