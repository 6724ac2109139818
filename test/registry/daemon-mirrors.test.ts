/** BW-DAEMON-055: registry mirrors over plain HTTP, linked with insecure-registries (and BW-DAEMON-004 says so). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostRules } from '../../src/analyzers/daemon/index.js';
import { makeEvidence } from '../daemon/evidence.js';

const run = (id: string, ev: ReturnType<typeof makeEvidence>) => hostRules.find((c) => c.meta.id === id)!.check(ev);

test('an http:// mirror fails, with where it was set and whether it is also insecure', () => {
  const r = run('BW-DAEMON-055', makeEvidence({ json: { 'registry-mirrors': ['http://mirror.corp:5000'], 'insecure-registries': ['mirror.corp:5000'] } }));
  assert.equal(r.length, 1);
  assert.equal(r[0]!.status, 'fail');
  assert.match(r[0]!.message, /mirror http:\/\/mirror\.corp:5000 is reached over plain HTTP \(registry-mirrors=.*daemon\.json.*\); it is also listed in insecure-registries/);
  assert.deepEqual(r[0]!.evidence, { mirror: 'http://mirror.corp:5000', plainHttp: true, insecureRegistry: true });
  assert.equal(r[0]!.location?.path, '/etc/docker/daemon.json');
});

test('an https:// mirror listed in insecure-registries fails: its certificate is not checked', () => {
  const r = run('BW-DAEMON-055', makeEvidence({ argv: ['dockerd', '--registry-mirror=https://mirror.corp', '--insecure-registry=mirror.corp'] }));
  assert.equal(r[0]!.status, 'fail');
  assert.match(r[0]!.message, /also in insecure-registries .*not checked/);
  const insecure = run('BW-DAEMON-004', makeEvidence({ argv: ['dockerd', '--registry-mirror=https://mirror.corp', '--insecure-registry=mirror.corp'] }));
  assert.match(insecure[0]!.message, /also a registry mirror, so every Docker Hub pull goes through it/);
});

test('mirrors the engine reports are checked too; verified HTTPS mirrors pass; none configured passes', () => {
  const live = run('BW-DAEMON-055', makeEvidence({ info: { RegistryConfig: { InsecureRegistryCIDRs: ['127.0.0.0/8'], IndexConfigs: {}, Mirrors: ['http://10.0.0.5:5000/'] } } }));
  assert.equal(live[0]!.status, 'fail');
  assert.equal(live[0]!.location?.source, '/info RegistryConfig');
  assert.deepEqual(run('BW-DAEMON-055', makeEvidence({ json: { 'registry-mirrors': ['https://mirror.gcr.io'] } })).map((x) => x.status), ['pass']);
  assert.deepEqual(run('BW-DAEMON-055', makeEvidence()).map((x) => x.status), ['pass']);
});
