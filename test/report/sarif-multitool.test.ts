/**
 * SARIF from every command that writes it passes Microsoft's own validator, `sarif-multitool validate` (npm
 * @microsoft/sarif-multitool), with no error: repository-relative URIs with originalUriBaseIds, regions where a
 * line is known. One validator run covers every file (the tool takes seconds to start).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { buildTree, loadTree } from '../daemon/tree.js';
import { haveRegistryTools, skopeoCopy, startRegistry, type RunningRegistry } from '../registry/support/registries.js';
import { TEST_PUB } from '../registry/support/cosign.js';
import { ALPINE_IMAGE, dockerAvailable, ensureAlpineImage } from '../support/images.js';

const REPO = join(import.meta.dirname, '..', '..');
const FX = join(REPO, 'test', 'fixtures');
const require = createRequire(import.meta.url);

function multitool(): string {
  const bin = require('@microsoft/sarif-multitool') as string; // the path of the platform binary
  if ((statSync(bin).mode & 0o100) === 0) chmodSync(bin, 0o755); // its postinstall chmod may not have run
  return bin;
}

test('SARIF of every command passes sarif-multitool validate with no error', { timeout: 10 * 60_000 }, async () => {
  const work = tempDir('bulwark-sarif-');
  const out = (name: string) => join(work, `${name}.sarif`);
  const root = buildTree(loadTree('root-bad'));
  const cache = join(work, 'cache');
  // a project inside a git repository, scanned from the repository root and from elsewhere
  const repo = join(work, 'repo');
  mkdirSync(join(repo, 'svc'), { recursive: true });
  mkdirSync(join(repo, '.git'));
  writeFileSync(join(repo, 'svc', 'Dockerfile'), readFileSync(join(FX, 'build', 'insecure.Dockerfile')));
  writeFileSync(join(repo, 'compose.yaml'), readFileSync(join(REPO, 'examples', 'insecure-app', 'docker-compose.yml')));
  const runs: Array<[string, string[], string?]> = [
    ['dockerfile', ['dockerfile', join(FX, 'build', 'insecure.Dockerfile')]],
    ['dockerfile-binary', ['dockerfile', join(FX, 'image', 'alpine-minirootfs-3.20.3-subset.tar.gz')]],
    ['scan', ['scan', 'svc'], repo],
    ['scan-outside', ['scan', join(REPO, 'examples', 'insecure-app')], work],
    ['compose', ['compose', '--file', 'compose.yaml'], repo],
    ['compose-abs', ['compose', '--file', join(repo, 'compose.yaml')]],
    ['run', ['run', '--', 'docker', 'run', '--privileged', '-v', '/:/host', '-p', '80:80', 'alpine']],
    ['containers', ['containers', '--from-inspect', join(FX, 'runtime', 'inspect', 'privileged.json')]],
    ['k8s', ['k8s', join(FX, 'k8s', 'corpus', 'microservices-demo', 'release_kubernetes-manifests.yaml')]],
    ['image', ['image', `rootfs:${join(FX, 'image', 'alpine-minirootfs-3.20.3-subset.tar.gz')}`, '--no-vulns', '--cache-dir', cache]],
    ['daemon', ['daemon', '--root', root]],
    ['host', ['host', '--root', root]],
    ['cis', ['cis', '--root', root]],
    // sections 4 and 5 offline from saved inspect output: container findings and check results of their own
    ['cis-inspect', ['cis', '--root', root, '--from-inspect', join(FX, 'runtime', 'inspect', 'privileged.json')]],
  ];
  // the whole benchmark live: image and container findings (sections 4 and 5) from the engine's own images and containers
  if (dockerAvailable()) runs.push(['cis-live', ['cis']]);
  // the registry stage: a plain-HTTP docker-registry with deletes on (its audit), and an unsigned image read from it
  let registry: RunningRegistry | undefined;
  if (!haveRegistryTools() && dockerAvailable()) {
    ensureAlpineImage();
    registry = await startRegistry({ deletes: true });
    await skopeoCopy(`docker-daemon:${ALPINE_IMAGE}`, `docker://${registry.addr}/team/app:1`, ['--dest-tls-verify=false']);
    runs.push(
      ['registry', ['registry', registry.addr]],
      ['image-registry', ['image', `${registry.addr}/team/app:1`, '--insecure-registry', registry.addr, '--key', TEST_PUB, '--no-vulns', '--cache-dir', cache]],
    );
  }
  after(() => registry?.stop());
  for (const [name, args, cwd] of runs) {
    const r = await runCli([...args, ...(args[0] === 'compose' ? ['--format'] : ['-f']), 'sarif', '-o', out(name)], cwd ? { cwd } : {});
    assert.ok(r.code === 0 || (name === 'dockerfile-binary' && r.code === 2), `${name}: exit ${r.code} ${r.stderr}`);
  }
  const files = runs.map(([name]) => out(name));
  const result = join(work, 'validation.sarif');
  const v = spawnSync(multitool(), ['validate', ...files, '-o', result, '--log', 'ForceOverwrite', '-q'], { encoding: 'utf8', timeout: 8 * 60_000 });
  assert.equal(v.status, 0, `sarif-multitool: ${v.stdout}${v.stderr}`);
  const log = JSON.parse(readFileSync(result, 'utf8')) as { runs: Array<{ results?: Array<{ level?: string; ruleId: string; message: { id?: string; arguments?: string[] }; locations?: Array<{ physicalLocation?: { artifactLocation?: { uri?: string } } }> }> }> };
  const errors = (log.runs[0]!.results ?? []).filter((r) => (r.level ?? 'warning') === 'error');
  assert.deepEqual(
    errors.map((e) => `${e.locations?.[0]?.physicalLocation?.artifactLocation?.uri}: ${e.ruleId} ${e.message.id} ${(e.message.arguments ?? []).join(' ')}`),
    [],
  );

  // the URIs code scanning needs: repository-relative with %SRCROOT% for project files, HOSTROOT for a snapshot
  const sarif = (name: string) => JSON.parse(readFileSync(out(name), 'utf8')) as { runs: Array<Record<string, any>> };
  const scan = sarif('scan').runs[0]!;
  assert.equal(scan.originalUriBaseIds['%SRCROOT%'].uri, `file://${repo}/`);
  assert.ok(scan.results.every((r: any) => r.locations[0].physicalLocation.artifactLocation.uri === 'svc/Dockerfile' && r.locations[0].physicalLocation.artifactLocation.uriBaseId === '%SRCROOT%'));
  assert.ok(scan.results.every((r: any) => r.locations[0].physicalLocation.region.startLine >= 1));
  const compose = sarif('compose-abs').runs[0]!;
  assert.ok(compose.results.length > 0 && compose.results.every((r: any) => r.locations[0].physicalLocation.artifactLocation.uri === 'compose.yaml' || r.locations[0].physicalLocation.artifactLocation.uri.startsWith('file:///')));
  const cis = sarif('cis').runs[0]!;
  assert.equal(cis.originalUriBaseIds.HOSTROOT.uri, `file://${root}/`);
  assert.ok(cis.results.some((r: any) => r.locations[0].physicalLocation?.artifactLocation.uri === 'etc/docker/daemon.json'));
  if (registry) {
    const reg = sarif('registry').runs[0]!;
    const ids = new Set(reg.results.map((r: any) => r.ruleId));
    for (const id of ['BW-REGISTRY-001', 'BW-REGISTRY-010', 'BW-REGISTRY-012']) assert.ok(ids.has(id), `${id} in ${[...ids].join(', ')}`);
    const unsigned = sarif('image-registry').runs[0]!.results.filter((r: any) => r.ruleId === 'BW-REGISTRY-020');
    assert.equal(unsigned.length, 1);
  }
  const binary = sarif('dockerfile-binary').runs[0]!;
  assert.equal(binary.invocations[0].executionSuccessful, false);
  assert.match(binary.invocations[0].toolExecutionNotifications[0].message.text, /binary content/);
});

test('sarif-multitool reports a broken URI as an error (the validator is live)', { timeout: 5 * 60_000 }, () => {
  const work = tempDir('bulwark-sarif-bad-');
  const file = join(work, 'bad.sarif');
  writeFileSync(
    file,
    JSON.stringify({
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'x', version: '1', informationUri: 'https://example.com' } }, originalUriBaseIds: { SRC: { uri: 'file:///x/' } }, results: [{ ruleId: 'R', message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: { uri: '/abs/path', uriBaseId: 'SRC' } } }] }] }],
    }),
  );
  const result = join(work, 'validation.sarif');
  execFileSync(multitool(), ['validate', file, '-o', result, '--log', 'ForceOverwrite', '-q'], { encoding: 'utf8' });
  const log = JSON.parse(readFileSync(result, 'utf8')) as { runs: Array<{ results?: Array<{ level?: string; ruleId: string }> }> };
  assert.ok((log.runs[0]!.results ?? []).some((r) => r.level === 'error' && r.ruleId === 'SARIF1004'));
});
