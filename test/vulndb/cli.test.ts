import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { buildDb, fx, tmpCache } from './helpers.js';

const entry = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const script = `import { main } from ${JSON.stringify(entry)}; process.exitCode = await main(process.argv);`;

/** Runs the CLI in a child process (the test runner owns this process's stdout). */
function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((res) => {
    const c = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, 'bulwark', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.on('close', (code) => res({ code: code ?? -1, out, err }));
  });
}

test('bulwark db update --source / db status / db match --inventory / why --inventory', async () => {
  const cache = tmpCache();
  const up = await run(['db', 'update', '--cache-dir', cache, '--source', fx('alpine'), '--source', fx('kev/known_exploited_vulnerabilities.json')]);
  assert.equal(up.code, 0, up.err);
  assert.match(up.out, /ok +.*alpine \[alpine-secdb\]/);
  assert.match(up.out, /database .*vuln\.db: [\d.]+ MB/);

  const st = await run(['db', 'status', '--cache-dir', cache]);
  assert.equal(st.code, 0);
  assert.match(st.out, /records: +\d+ vulnerabilities, \d+ package entries, 5 KEV/);
  assert.match(st.out, /releases: .*alpine:v3\.20/);
  assert.match(st.out, /feed cisa-kev, imported .* ago/);
  const stj = JSON.parse((await run(['db', 'status', '--cache-dir', cache, '-f', 'json'])).out) as { sources: unknown[] };
  assert.equal(stj.sources.length, 2);

  const m = await run(['db', 'match', '--cache-dir', cache, '--inventory', fx('inventory/alpine-3.20.3.json'), '-f', 'json', '--exit-code', '4']);
  assert.equal(m.code, 4, m.err);
  const rep = JSON.parse(m.out) as { findings: Array<{ ruleId: string; vulnerability: { fixedVersion: string } }> };
  assert.deepEqual(rep.findings.map((f) => f.ruleId), ['CVE-2024-9143', 'CVE-2024-9143']);

  const ex = await run(['db', 'match', '--cache-dir', cache, '--inventory', fx('inventory/alpine-3.20.3.json'), '--explain']);
  assert.match(ex.out, /comparison: ECOSYSTEM range .*apk 3\.3\.2-r0 < 3\.3\.2-r1 \(fixed\)/);
  assert.match(ex.out, /fix: upgrade libssl3 \(source openssl\) to ≥ 3\.3\.2-r1/);

  const vex = join(cache, 'x.vex.json');
  writeFileSync(vex, JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', statements: [{ vulnerability: { name: 'CVE-2024-9143' }, products: [{ '@id': 'pkg:apk/alpine/libssl3' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' }] }));
  const v = await run(['db', 'match', '--cache-dir', cache, '--inventory', fx('inventory/alpine-3.20.3.json'), '--vex', vex, '-f', 'json']);
  const vr = JSON.parse(v.out) as { findings: Array<{ vulnerability: { package: { name: string } }; suppressed?: { kind: string } }> };
  assert.equal(vr.findings.find((f) => f.vulnerability.package.name === 'libssl3')!.suppressed?.kind, 'vex');
  assert.equal(vr.findings.find((f) => f.vulnerability.package.name === 'libcrypto3')!.suppressed, undefined);

  const w = await run(['why', 'alpine:3.20.3', 'libcrypto3', 'CVE-2024-9143', '--cache-dir', cache, '--inventory', fx('inventory/alpine-3.20.3.json')]);
  assert.equal(w.code, 0);
  assert.match(w.out, /^alpine:3\.20\.3: MATCHED/);
  assert.match(w.out, /looked up by source name 'openssl' in alpine:v3\.20/);
});

test('clear refusals: no database, a damaged database, a bad inventory, every source failing', async () => {
  const cache = tmpCache();
  const none = await run(['db', 'match', '--cache-dir', cache, '--inventory', fx('inventory/alpine-3.20.3.json')]);
  assert.equal(none.code, 2);
  assert.match(none.err, /no vulnerability database at .* run 'bulwark db update'/);
  assert.doesNotMatch(none.err, /at .*\.ts:\d+/, 'no stack trace');
  const st = await run(['db', 'status', '--cache-dir', cache]);
  assert.equal(st.code, 2);
  const db = await buildDb([fx('alpine')]);
  writeFileSync(db.path, 'garbage'.repeat(100));
  const bad = await run(['db', 'status', '--cache-dir', db.cacheDir]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /not a vulnerability database/);
  const good = await buildDb([fx('alpine')]);
  const notInv = join(good.cacheDir, 'inv.json');
  writeFileSync(notInv, '{"hello": 1}');
  const ni = await run(['db', 'match', '--cache-dir', good.cacheDir, '--inventory', notInv]);
  assert.equal(ni.code, 2);
  assert.match(ni.err, /not an inventory report/);
  const fail = await run(['db', 'update', '--cache-dir', tmpCache(), '--source', join(good.cacheDir, 'nothing-here.json')]);
  assert.equal(fail.code, 2);
  assert.match(fail.err, /source not found/);
  assert.match(fail.err, /no source could be imported/);
  const age = await run(['db', 'match', '--cache-dir', good.cacheDir, '--inventory', fx('inventory/alpine-3.20.3.json'), '--max-age', 'soon']);
  assert.equal(age.code, 2);
});
