/** `bulwark scan DIR` includes the compose files it finds (every compose file name form). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';

import { join } from 'node:path';
import { isComposeFileName } from '../../src/runtime/compose/load.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

test('compose file names', () => {
  for (const n of ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml', 'docker-compose.prod.yml', 'compose.override.yaml', 'compose.dev.yml']) {
    assert.ok(isComposeFileName(n), n);
  }
  for (const n of ['composer.yaml', 'my-compose.yml', 'compose.json', 'docker-compose.yml.bak']) assert.ok(!isComposeFileName(n), n);
});

test('scan DIR audits compose files with paths relative to DIR; a broken one is a warning', async () => {
  const dir = tempDir('bw-scan-');
  mkdirSync(join(dir, 'deploy'));
  writeFileSync(join(dir, 'deploy', 'docker-compose.prod.yml'), 'services:\n  web:\n    image: x\n    privileged: true\n');
  writeFileSync(join(dir, 'compose.yaml'), 'services: [\n');
  const r = await runCli(['scan', dir, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  assert.ok(rep.targets.some((t: { type: string; name: string }) => t.type === 'compose' && t.name === 'deploy/docker-compose.prod.yml'));
  const f = rep.findings.find((x: { ruleId: string }) => x.ruleId === 'BW-RUNTIME-001');
  assert.equal(f.location.file, 'deploy/docker-compose.prod.yml');
  assert.equal(f.location.line, 4);
  assert.ok(rep.warnings.some((w: string) => /compose\.yaml/.test(w)));
});
