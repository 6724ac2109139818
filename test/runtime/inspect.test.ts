/** The saved-`docker inspect` front end, from fixtures captured on dockerd (no engine needed). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';

import { join } from 'node:path';
import { readInspectFile, inspectToSpec } from '../../src/runtime/inspect.js';
import { checkContainer } from '../../src/analyzers/runtime/index.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

const FIX = join(import.meta.dirname, '../fixtures/runtime/inspect');

test('privileged created container: settings normalised, escape findings with JSON field paths', () => {
  const [spec] = readInspectFile(join(FIX, 'privileged.json'));
  assert.equal(spec!.privileged, true);
  assert.equal(spec!.state, 'created');
  assert.deepEqual(spec!.ports, [{ hostIp: undefined, hostPort: '8080', containerPort: '80', protocol: 'tcp' }]);
  assert.equal(spec!.mounts[0]?.source, '/var/run/docker.sock');
  const f = checkContainer(spec!);
  const byId = new Map(f.map((x) => [x.ruleId, x]));
  assert.equal((byId.get('BW-RUNTIME-001')!.location as { field: string }).field, 'HostConfig.Privileged');
  assert.ok(byId.get('BW-ESCAPE-003')?.location.kind === 'runtime');
  assert.match((byId.get('BW-ESCAPE-003')!.location as { field: string }).field, /^Mounts\[0\]$|^HostConfig\.Binds\[0\]$/);
  assert.ok(byId.has('BW-RUNTIME-026'));
  assert.ok(byId.has('BW-RUNTIME-021'));
});

test('hardened container: above info only the cgroup v1 daemon default (host cgroupns)', () => {
  const [spec] = readInspectFile(join(FIX, 'hardened.json'));
  const f = checkContainer(spec!);
  assert.deepEqual(f.filter((x) => x.severity !== 'info').map((x) => x.ruleId), ['BW-RUNTIME-031']);
});

test('hostile / wrong inspect input: clear errors', () => {
  const dir = tempDir('bw-insp-');
  const w = (n: string, t: string) => (writeFileSync(join(dir, n), t), join(dir, n));
  assert.throws(() => readInspectFile(w('trunc.json', '[{"Id": "abc", "Config": {')), /not valid JSON/);
  assert.throws(() => readInspectFile(w('empty.json', '[]')), /no containers/);
  assert.throws(() => readInspectFile(w('image.json', '[{"Id":"sha256:x","RepoTags":[],"Config":{}}]')), /not a container inspect object/);
  assert.throws(() => readInspectFile(join(dir, 'missing.json')), /cannot read/);
  // odd field types do not crash
  const spec = inspectToSpec({ Name: '/x', Config: { Env: 'nope' }, HostConfig: { CapAdd: 'x', Mounts: 5, PortBindings: { '80/tcp': null } } });
  assert.equal(spec.name, 'x');
  assert.equal(spec.ports.length, 1);
});

test('CLI: containers --from-inspect (one object or many) and exit code 2 on bad input', async () => {
  const r = await runCli(['containers', '--from-inspect', join(FIX, 'privileged.json'), '--from-inspect', join(FIX, 'hardened.json'), '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  assert.equal(rep.summary.containers.length, 2);
  const single = tempDir('bw-insp-');
  const one = JSON.parse((await import('node:fs')).readFileSync(join(FIX, 'privileged.json'), 'utf8'))[0];
  writeFileSync(join(single, 'one.json'), JSON.stringify(one));
  const r1 = await runCli(['containers', '--from-inspect', join(single, 'one.json'), '--format', 'json']);
  assert.equal(r1.code, 0);
  assert.ok(JSON.parse(r1.stdout).findings.some((f: { ruleId: string }) => f.ruleId === 'BW-ESCAPE-001'));
  writeFileSync(join(single, 'bad.json'), '{');
  const bad = await runCli(['containers', '--from-inspect', join(single, 'bad.json')]);
  assert.equal(bad.code, 2);
});
