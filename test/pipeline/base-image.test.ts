/**
 * Base image advice (`scan DIR --base-candidates`) on the real engine: an app image built on the Alpine 3.11.13
 * minirootfs (docker-imported), its base found by layer prefix among the engine's images, candidates scanned with
 * a fixture database (test/fixtures/vulndb/base-advice: fictitious advisories for the 3.11 and 3.20 packages,
 * plus the real Alpine 3.20 secdb), the best one proposed as a top fix; a major version change is not proposed.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { buildDb, fx } from '../vulndb/helpers.js';
import { ALPINE_IMAGE, ALPINE_OLD_IMAGE, dockerAvailable, ensureAlpineImage } from '../support/images.js';
import { majorOf } from '../../src/app/base-image.js';
import { haveRegistryTools, skopeoCopy, startRegistry } from '../registry/support/registries.js';

const docker = dockerAvailable();
const skip = docker ? false : 'no Docker engine';
const R = `bwbase${randomBytes(4).toString('hex')}`;
const APP = `${R}/app:1`;
const MAJOR = `${R}/alpine:4.1`;
let cache: string;

const d = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', timeout: 5 * 60_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();

before(async () => {
  if (!docker) return;
  ensureAlpineImage();
  const ctx = tempDir('bw-base-ctx-');
  writeFileSync(join(ctx, 'Dockerfile'), `FROM ${ALPINE_OLD_IMAGE}\nCOPY app.sh /usr/local/bin/app.sh\n`);
  writeFileSync(join(ctx, 'app.sh'), '#!/bin/sh\necho app\n');
  d('build', '-q', '-t', APP, ctx);
  // the newer Alpine under a tag with another major version: never proposed
  d('tag', ALPINE_IMAGE, MAJOR);
  cache = (await buildDb([fx('base-advice'), fx('alpine')])).cacheDir;
});

after(() => {
  if (!docker) return;
  for (const t of [APP, MAJOR]) {
    try {
      d('rmi', t);
    } catch {
      /* gone */
    }
  }
});

function project(image: string): string {
  const dir = tempDir('bw-base-');
  writeFileSync(join(dir, 'compose.yaml'), `services:\n  app:\n    image: ${image}\n    ports:\n      - "8080:80"\n`);
  return dir;
}

interface Rep {
  summary: { topFixes: Array<{ title: string; where: string; effect: string; score: number }>; baseImages?: Array<Record<string, unknown>> };
  warnings?: string[];
}

async function scan(dir: string, ...args: string[]): Promise<Rep> {
  const r = await runCli(['scan', dir, '--cache-dir', cache, '-f', 'json', ...args]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return JSON.parse(r.stdout) as Rep;
}

test('the base is found by layer prefix and the candidate that removes the most vulnerabilities is the first top fix', { skip }, async () => {
  const rep = await scan(project(APP), '--base-candidates', `${ALPINE_IMAGE},${MAJOR}`);
  const b = rep.summary.baseImages![0]!;
  assert.match(String(b.base), /3\.11\.13$/);
  assert.equal(b.method, 'engine-layers');
  assert.equal(b.baseLayers, 1);
  // busybox + ssl_client (critical), musl + musl-utils (high), zlib (medium); 3.20.3 has its own: busybox x3 (low), libcrypto3 + libssl3
  assert.deepEqual(b.advice, { candidate: ALPINE_IMAGE, removes: 5, adds: 5 });
  const first = rep.summary.topFixes[0]!;
  assert.equal(first.title, `upgrade base image ${b.base} → ${ALPINE_IMAGE}`);
  assert.equal(first.effect, 'removes 5 vulnerabilities (2 critical, 2 high, 1 medium), adds 5');
  // the exposure of the service (0.0.0.0, root) multiplies: (2×10 + 2×7 + 4) × 2.5
  assert.equal(first.score, 95);
  assert.ok(rep.warnings!.includes(`base image candidate ${MAJOR} for ${APP}: major version 4 ≠ 3`), rep.warnings!.join('\n'));
  // the table's top-fix list says it in one line
  const t = await runCli(['scan', project(APP), '--cache-dir', cache, '--base-candidates', ALPINE_IMAGE]);
  assert.match(t.stdout, new RegExp(`\\n {2}1\\. upgrade base image \\S+3\\.11\\.13 → ${ALPINE_IMAGE.replace(/[.]/g, '\\.')} \\(image ${APP.replace(/[.]/g, '\\.')}\\): removes 5 vulnerabilities \\(2 critical, 2 high, 1 medium\\), adds 5`));
});

test('no advice: only a major version change, the base itself, or a base that cannot be identified', { skip }, async () => {
  const major = await scan(project(APP), '--base-candidates', MAJOR);
  assert.ok(!major.summary.topFixes.some((f) => f.title.startsWith('upgrade base image')));
  assert.equal(major.summary.baseImages![0]!.advice, undefined);
  const same = await scan(project(APP), '--base-candidates', ALPINE_OLD_IMAGE);
  assert.ok(!same.summary.topFixes.some((f) => f.title.startsWith('upgrade base image')));
  // the base image itself (one layer, imported): nothing below it
  const bare = await scan(project(ALPINE_OLD_IMAGE), '--base-candidates', ALPINE_IMAGE);
  assert.ok(!bare.summary.topFixes.some((f) => f.title.startsWith('upgrade base image')));
  assert.ok(bare.warnings!.some((w) => w === `base image of ${ALPINE_OLD_IMAGE}: not identified (no base annotation, no known image whose layers it starts with); --base-candidates not applied`), bare.warnings!.join('\n'));
});

test('major versions of tags', () => {
  assert.equal(majorOf('alpine:3.20.3'), 3);
  assert.equal(majorOf('localhost:5000/team/app:v12-slim'), 12);
  assert.equal(majorOf('localhost:5000/app'), undefined);
  assert.equal(majorOf('debian:bookworm'), undefined);
  assert.equal(majorOf('debian:12.8@sha256:' + 'a'.repeat(64)), 12);
});

test('with a registry-named base: the newer tags of the same major version the registry lists are the candidates', { skip: skip || haveRegistryTools() || false }, async () => {
  const reg = await startRegistry({});
  const tagged: string[] = [];
  try {
    const push = (from: string, tag: string) => skopeoCopy(`docker-daemon:${from}`, `docker://${reg.addr}/alpine:${tag}`, ['--dest-tls-verify=false']);
    await push(ALPINE_OLD_IMAGE, '3.11.13');
    await push(ALPINE_OLD_IMAGE, '3.10.9'); // older: not a candidate
    await push(ALPINE_IMAGE, '3.20.3');
    await push(ALPINE_IMAGE, '4.1'); // another major version: not a candidate
    // the engine's copy of the base carries the registry name (as after `docker pull`): the layer-prefix match names it so
    const base = `${reg.addr}/alpine:3.11.13`;
    d('tag', ALPINE_OLD_IMAGE, base);
    tagged.push(base);
    const fresh = (await buildDb([fx('base-advice'), fx('alpine')])).cacheDir;
    const r = await runCli(['scan', project(APP), '--cache-dir', fresh, '-f', 'json', '--base-candidates', 'newer', '--insecure-registry', reg.addr]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const rep = JSON.parse(r.stdout) as Rep;
    assert.equal(rep.summary.baseImages![0]!.base, base);
    assert.deepEqual(rep.summary.baseImages![0]!.advice, { candidate: `${reg.addr}/alpine:3.20.3`, removes: 5, adds: 5 });
    assert.equal(rep.summary.topFixes[0]!.title, `upgrade base image ${base} → ${reg.addr}/alpine:3.20.3`);
    // without --insecure-registry the registry's tags cannot be listed: one warning, no advice, no failure
    const noTrust = await runCli(['scan', project(APP), '--cache-dir', fresh, '-f', 'json', '--base-candidates', 'newer']);
    assert.ok(noTrust.code === 0 || noTrust.code === 1, noTrust.stderr);
    const nt = JSON.parse(noTrust.stdout) as Rep;
    assert.ok(!nt.summary.topFixes.some((f) => f.title.startsWith('upgrade base image')));
    assert.ok(nt.warnings!.some((w) => w.startsWith(`base image ${base}: the registry's tags could not be listed`)), nt.warnings!.join('\n'));
  } finally {
    for (const t of tagged) d('rmi', t);
    await reg.stop();
  }
});
