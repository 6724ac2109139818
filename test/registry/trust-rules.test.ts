/**
 * Content trust and pinning: images not pinned by digest in `docker run` lines and compose files
 * (BW-REGISTRY-030), content trust turned off for a container (BW-REGISTRY-031), and in CI files and
 * scripts (BW-REGISTRY-032, through `bulwark scan`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { pipelineKind } from '../../src/analyzers/registry/ci-files.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

async function json(args: string[], cwd?: string) {
  // --format before `--` (everything after it is the docker command line)
  const dd = args.indexOf('--');
  const full = dd >= 0 ? [...args.slice(0, dd), '--format', 'json', ...args.slice(dd)] : [...args, '--format', 'json'];
  const r = await runCli(full, cwd ? { cwd } : {});
  assert.ok(r.code === 0, `exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const of = (rep: any, id: string) => rep.findings.filter((f: any) => f.ruleId === id);

test('docker run: a tag is not a digest; --disable-content-trust', async () => {
  const tagged = await json(['run', '--', 'docker', 'run', '--disable-content-trust', '--read-only', 'nginx:1.25']);
  const pin = of(tagged, 'BW-REGISTRY-030');
  assert.equal(pin.length, 1);
  assert.equal(pin[0].severity, 'low');
  assert.equal(pin[0].stage, 'registry');
  assert.match(pin[0].message, /uses image 'nginx:1\.25' by tag, not by digest/);
  const dct = of(tagged, 'BW-REGISTRY-031');
  assert.equal(dct.length, 1);
  assert.equal(dct[0].severity, 'high');
  assert.match(dct[0].location.field, /--disable-content-trust/);

  const pinned = await json(['run', '--', 'docker', 'run', '--disable-content-trust=false', `nginx:1.25@${DIGEST}`]);
  assert.deepEqual(of(pinned, 'BW-REGISTRY-030'), []);
  assert.deepEqual(of(pinned, 'BW-REGISTRY-031'), []);
});

test('compose: unpinned images with their line, DOCKER_CONTENT_TRUST=0 in a service, built images left alone', async () => {
  const dir = tempDir('bw-trust-compose-');
  writeFileSync(
    join(dir, 'compose.yaml'),
    [
      'services:',
      '  web:',
      '    image: nginx:1.25',
      '  runner:',
      `    image: docker:27-cli@${DIGEST}`,
      '    environment:',
      '      DOCKER_CONTENT_TRUST: "0"',
      '  app:',
      '    build: .',
      '',
    ].join('\n'),
  );
  const rep = await json(['compose', '--file', join(dir, 'compose.yaml')]);
  const pin = of(rep, 'BW-REGISTRY-030');
  assert.deepEqual(pin.map((f: any) => f.location.service), ['web']);
  assert.equal(pin[0].location.line, 3, 'points at the image line');
  const dct = of(rep, 'BW-REGISTRY-031');
  assert.deepEqual(dct.map((f: any) => f.location.service), ['runner']);
  assert.equal(dct[0].severity, 'medium');
});

test('CI files and scripts: DOCKER_CONTENT_TRUST=0 and --disable-content-trust, with lines; comments and =false ignored', async () => {
  const dir = tempDir('bw-trust-ci-');
  mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
  writeFileSync(
    join(dir, '.github', 'workflows', 'ci.yml'),
    ['on: push', 'env:', '  DOCKER_CONTENT_TRUST: 0', 'jobs:', '  build:', '    runs-on: ubuntu-latest', '    steps:', '      - run: docker pull --disable-content-trust registry.example/base:1', '      # - run: docker pull --disable-content-trust old', ''].join('\n'),
  );
  writeFileSync(join(dir, 'deploy.sh'), '#!/bin/sh\nexport DOCKER_CONTENT_TRUST=0\ndocker run --rm app:1\n');
  writeFileSync(join(dir, 'Makefile'), 'image:\n\tdocker build --disable-content-trust=false -t app .\n');
  writeFileSync(join(dir, '.gitlab-ci.yml'), 'variables:\n  DOCKER_CONTENT_TRUST: "1"\n');
  writeFileSync(join(dir, 'Jenkinsfile'), "pipeline { agent any\n  stages { stage('b') { steps { sh 'DOCKER_CONTENT_TRUST=false docker push app:1' } } }\n  // sh 'docker pull --disable-content-trust x'\n}\n");
  const rep = await json(['scan', dir]);
  const got = of(rep, 'BW-REGISTRY-032').map((f: any) => `${f.location.file}:${f.location.line}`).sort();
  assert.deepEqual(got, ['.github/workflows/ci.yml:3', '.github/workflows/ci.yml:8', 'Jenkinsfile:2', 'deploy.sh:2']);
  assert.ok(rep.targets.some((t: any) => t.type === 'ci-file' && t.name === 'Makefile'));
});

test('which files are pipeline files', () => {
  for (const p of ['.github/workflows/release.yaml', '.gitlab-ci.yml', 'Jenkinsfile', 'ci/Jenkinsfile.deploy', 'azure-pipelines.yml', '.circleci/config.yml', 'bitbucket-pipelines.yml', '.travis.yml', 'cloudbuild.yaml', 'scripts/push.sh', 'Makefile']) assert.ok(pipelineKind(p), p);
  for (const p of ['compose.yaml', 'README.md', 'src/app.ts', '.github/dependabot.yml', 'workflows/x.yml']) assert.equal(pipelineKind(p), undefined, p);
});

test('Kubernetes manifests: unpinned images through bulwark k8s and bulwark scan, pinned ones pass', async () => {
  const dir = tempDir('bw-trust-k8s-');
  const file = join(dir, 'deploy.yaml');
  writeFileSync(
    file,
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: { name: web }',
      'spec:',
      '  selector: { matchLabels: { app: web } }',
      '  template:',
      '    metadata: { labels: { app: web } }',
      '    spec:',
      '      containers:',
      '        - name: web',
      '          image: nginx:1.25',
      '        - name: sidecar',
      `          image: envoyproxy/envoy:v1.30@${DIGEST}`,
      '',
    ].join('\n'),
  );
  for (const rep of [await json(['k8s', file]), await json(['scan', dir])]) {
    const pin = of(rep, 'BW-REGISTRY-030');
    assert.equal(pin.length, 1, JSON.stringify(pin));
    assert.match(pin[0].message, /'nginx:1\.25' by tag/);
  }
});
