/** .bulwark.yaml defaults and .bulwarkignore discovery, through the main job (`bulwark scan DIR`). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

const DOCKERFILE = ['FROM debian:latest', 'RUN apt-get update && apt-get install -y curl', 'ENV DB_PASSWORD=Sup3rS3cretPassw0rd!', ''].join('\n');

test('.bulwark.yaml in the scanned directory sets format, severity and exit code; flags win over it', async () => {
  const dir = tempDir('bw-cfg-');
  writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
  const plain = await runCli(['scan', dir, '-f', 'json']);
  const all = JSON.parse(plain.stdout).findings as Array<{ severity: string }>;
  assert.ok(all.some((f) => f.severity === 'low' || f.severity === 'info'), 'the Dockerfile has low/info findings too');

  writeFileSync(join(dir, '.bulwark.yaml'), 'format: json\nseverity: high\nexit-code: 3\n');
  const r = await runCli(['scan', dir]);
  assert.equal(r.code, 3);
  const rep = JSON.parse(r.stdout);
  assert.ok(rep.findings.length > 0);
  assert.ok(rep.findings.every((f: { severity: string }) => f.severity === 'high' || f.severity === 'critical'));

  const flags = await runCli(['scan', dir, '--severity', 'critical', '--exit-code', '0', '-f', 'table']);
  assert.equal(flags.code, 0);
  assert.match(flags.stdout, /target/);

  writeFileSync(join(dir, '.bulwark.yaml'), 'severity: [not, a, string]\n');
  const bad = await runCli(['scan', dir]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /\.bulwark\.yaml.*severity/);
});

test('.bulwarkignore in the scanned directory suppresses by rule or upstream ID; expired entries warn', async () => {
  const dir = tempDir('bw-ign-');
  writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
  const before = JSON.parse((await runCli(['scan', dir, '-f', 'json'])).stdout).findings as Array<{ ruleId: string; references: string[]; suppressed?: unknown }>;
  const latest = before.find((f) => f.references.includes('DL3007'));
  assert.ok(latest, 'FROM debian:latest maps to hadolint DL3007');
  writeFileSync(join(dir, '.bulwarkignore'), 'DL3007 reason=pinned by the release pipeline\nDL3008 exp=2001-01-01\n');
  const r = await runCli(['scan', dir, '-f', 'json']);
  const after = JSON.parse(r.stdout);
  const f = after.findings.find((x: { ruleId: string }) => x.ruleId === latest.ruleId);
  assert.equal(f.suppressed.kind, 'ignorefile');
  assert.equal(f.suppressed.reason, 'pinned by the release pipeline');
  assert.ok(after.findings.filter((x: { references: string[] }) => x.references.includes('DL3008')).every((x: { suppressed?: unknown }) => !x.suppressed));
  assert.match(r.stderr, /DL3008.*expired on 2001-01-01/);
});
