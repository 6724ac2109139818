/** `bulwark compose` parses every file of a corpus of real-world compose files (see compose-corpus/SOURCES.md). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadComposeSpecs } from '../../src/runtime/compose/normalize.js';
import { checkContainer } from '../../src/analyzers/runtime/index.js';
import { runCli } from '../support/cli.js';

const DIR = join(import.meta.dirname, '../fixtures/runtime/compose-corpus');
const FILES = readFileSync(join(DIR, 'SOURCES.md'), 'utf8')
  .split('\n')
  .map((l) => /^\| `([^`]+\.ya?ml)` \|/.exec(l)?.[1])
  .filter((x): x is string => Boolean(x));

test('the corpus holds at least 30 compose files', () => {
  assert.ok(FILES.length >= 30, String(FILES.length));
});

const results = new Map<string, Set<string>>();

for (const f of FILES) {
  test(`parses ${f}`, () => {
    const { specs } = loadComposeSpecs({ files: [join(DIR, f)], env: {} });
    assert.ok(specs.length >= 1, 'at least one enabled service');
    const ids = new Set(specs.flatMap((s) => checkContainer(s)).map((x) => x.ruleId));
    results.set(f, ids);
    for (const s of specs) {
      for (const [k, ref] of Object.entries(s.at)) if (ref.file) assert.ok(ref.line && ref.line >= 1, `${s.service} ${k}`);
    }
  });
}

test('real-world risks are found where they are', () => {
  const has = (f: string, id: string) => assert.ok(results.get(f)?.has(id), `${f}: ${id}`);
  has('awesome-portainer/docker-compose.yaml', 'BW-ESCAPE-003');
  has('awesome-traefik-golang/compose.yaml', 'BW-ESCAPE-003');
  has('awesome-netdata/compose.yaml', 'BW-RUNTIME-002');
  has('awesome-netdata/compose.yaml', 'BW-RUNTIME-019');
  has('awesome-plex/compose.yaml', 'BW-RUNTIME-004');
  has('composego-runtime-flags/runtime-flags.yaml', 'BW-ESCAPE-001');
  has('awesome-gitea-postgres/compose.yaml', 'BW-RUNTIME-026');
  assert.ok(!results.get('awesome-nginx-golang-mysql/docker-compose.yaml')?.has('BW-RUNTIME-026'), '*_FILE secrets are fine');
});

test('.env next to the file drives interpolation and profiles (sentry: COMPOSE_PROFILES=feature-complete)', () => {
  const { specs, project } = loadComposeSpecs({ files: [join(DIR, 'sentry-self-hosted/docker-compose.yml')], env: {} });
  assert.equal(project.name, 'sentry-self-hosted');
  assert.ok(specs.some((s) => s.service === 'web'), 'profile-gated service enabled by .env');
  const nginx = specs.find((s) => s.service === 'nginx')!;
  assert.deepEqual(nginx.ports[0], { hostIp: undefined, hostPort: '9000', containerPort: '80', protocol: 'tcp' });
  const redis = specs.find((s) => s.service === 'redis')!;
  assert.equal(redis.healthcheck?.retries, 10);
  // merge-key values are located at the anchor that defines them
  assert.equal(redis.at.restart?.line, 2);
});

test('CLI on corpus files: exit 0 (first eight files; the parse tests above cover all)', async () => {
  for (const f of FILES.slice(0, 8)) {
    const r = await runCli(['compose', '--file', join(DIR, f), '--format', 'json']);
    assert.equal(r.code, 0, `${f}: ${r.stderr}`);
  }
});
