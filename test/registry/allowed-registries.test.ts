/**
 * The allowedRegistries policy (src/registry/allowed.ts): BW-REGISTRY-033 on the images of `docker run` lines,
 * compose services, Kubernetes workloads, saved inspect output and live containers on the real engine, and
 * BW-BUILD-061 on Dockerfile FROM through the same list in `bulwark scan`. Docker Hub names, ports, digests
 * and path prefixes; bad entries are a one-line usage error (exit 2).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { dockerAvailable, ensureAlpineImage } from '../support/images.js';
import { checkAllowedImage, parseAllowedRegistries } from '../../src/registry/allowed.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const RULE = 'BW-REGISTRY-033';

async function json(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const dd = args.indexOf('--');
  const full = dd >= 0 ? [...args.slice(0, dd), '--format', 'json', ...args.slice(dd)] : [...args, '--format', 'json'];
  const saved = Object.fromEntries(Object.keys(opts.env ?? {}).map((k) => [k, process.env[k]]));
  Object.assign(process.env, opts.env ?? {});
  let r;
  try {
    r = await runCli(full, opts.cwd ? { cwd: opts.cwd } : {});
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
const of = (rep: any, id: string) => rep.findings.filter((f: any) => f.ruleId === id);

function allowed(list: string[], image: string): boolean | undefined {
  return checkAllowedImage(image, parseAllowedRegistries(list, 'test'))?.allowed;
}

test('matching: Docker Hub normalisation, ports, digests, path prefixes, wildcards', () => {
  // every spelling of an official image is docker.io/library/NAME
  for (const img of ['alpine', 'alpine:3.20', 'library/alpine', 'docker.io/alpine', 'docker.io/library/alpine:3', 'index.docker.io/library/alpine', `alpine@${DIGEST}`, `alpine:3.20@${DIGEST}`]) {
    assert.equal(allowed(['docker.io'], img), true, img);
    assert.equal(allowed(['index.docker.io'], img), true, `${img} (alias entry)`);
    assert.equal(allowed(['docker.io/library'], img), true, `${img} (official images only)`);
    assert.equal(allowed(['registry.example.com'], img), false, img);
  }
  assert.equal(allowed(['docker.io/library'], 'bitnami/redis:7'), false);
  assert.equal(allowed(['docker.io/bitnami'], 'bitnami/redis:7'), true);
  assert.equal(allowed(['docker.io'], 'ghcr.io/acme/app:1'), false);
  // a port is part of the registry's name
  assert.equal(allowed(['registry.example.com:5000'], 'registry.example.com:5000/app:1'), true);
  assert.equal(allowed(['registry.example.com:5000'], `registry.example.com:5000/team/app@${DIGEST}`), true);
  assert.equal(allowed(['registry.example.com:5000'], 'registry.example.com/app:1'), false);
  assert.equal(allowed(['registry.example.com:5000'], 'registry.example.com:5001/app:1'), false);
  assert.equal(allowed(['registry.example.com'], 'registry.example.com:5000/app:1'), false);
  assert.equal(allowed(['127.0.0.1:5000'], '127.0.0.1:5000/app:1'), true);
  assert.equal(allowed(['[::1]:5000'], '[::1]:5000/app:1'), true);
  assert.equal(allowed(['localhost:5000'], 'localhost:5000/app'), true);
  assert.equal(allowed(['localhost:5000'], '127.0.0.1:5000/app'), false);
  // host names compare case-insensitively
  assert.equal(allowed(['Registry.Example.COM'], 'registry.example.com/app'), true);
  // path prefixes stop at a component boundary
  assert.equal(allowed(['ghcr.io/acme'], 'ghcr.io/acme/app:1'), true);
  assert.equal(allowed(['ghcr.io/acme/'], 'ghcr.io/acme/team/app:1'), true);
  assert.equal(allowed(['ghcr.io/acme'], 'ghcr.io/acmecorp/app:1'), false);
  assert.equal(allowed(['docker.io/library/alpine'], 'alpine:3.20'), true, 'an entry may name one repository');
  assert.equal(allowed(['docker.io/library/alpine'], 'alpine-extra:1'), false);
  // wildcards: subdomains only, same port
  assert.equal(allowed(['*.example.com'], 'r1.example.com/app'), true);
  assert.equal(allowed(['*.example.com'], 'a.b.example.com/app'), true);
  assert.equal(allowed(['*.example.com'], 'example.com/app'), false);
  assert.equal(allowed(['*.example.com'], 'r1.example.com:5000/app'), false);
  assert.equal(allowed(['*.example.com:5000'], 'r1.example.com:5000/app'), true);
  assert.equal(allowed(['*.example.com'], 'evilexample.com/app'), false);
  assert.equal(allowed(['*'], 'anything.example/app'), true);
  // no verdict for what names no pullable image
  for (const img of ['${REGISTRY}/app:1', '$IMAGE', `sha256:${'c'.repeat(64)}`, 'c'.repeat(64), 'UPPER/Case', '']) assert.equal(allowed(['docker.io'], img), undefined, img);
});

test('bad entries are usage errors that name the entry', () => {
  for (const bad of ['https://registry.example.com', 'reg*.example.com', '*.', 'registry.example.com:99999', 'ghcr.io/Acme', ' ', 'a b']) {
    assert.throws(() => parseAllowedRegistries([bad], 'config x.yaml'), (e: Error) => e.name === 'InputError' && e.message.startsWith('config x.yaml: allowed registry'), bad);
  }
});

test('docker run: --allowed-registries flags an image from elsewhere; allowed images, and no policy, pass', async () => {
  const rep = await json(['run', '--allowed-registries', 'registry.example.com:5000', '--', 'docker', 'run', `nginx:1.25@${DIGEST}`]);
  const f = of(rep, RULE);
  assert.equal(f.length, 1);
  assert.equal(f[0].severity, 'medium');
  assert.equal(f[0].stage, 'registry');
  assert.match(f[0].message, /runs image 'nginx:1\.25@sha256:[a-f0-9]+' from docker\.io \(docker\.io\/library\/nginx\), which allowedRegistries does not allow \(allowed: registry\.example\.com:5000\)/);
  assert.equal(f[0].evidence.registry, 'docker.io');
  assert.deepEqual(of(await json(['run', '--allowed-registries', 'registry.example.com:5000,docker.io', '--', 'docker', 'run', 'nginx:1.25']), RULE), []);
  assert.deepEqual(of(await json(['run', '--allowed-registries', 'registry.example.com:5000', '--', 'docker', 'run', 'registry.example.com:5000/app:1']), RULE), []);
  assert.deepEqual(of(await json(['run', '--', 'docker', 'run', 'ghcr.io/acme/app:1']), RULE), [], 'no policy: every registry is allowed');
  // the flag from the environment, as every long flag
  const env = await json(['run', '--', 'docker', 'run', 'ghcr.io/acme/app:1'], { env: { BULWARK_ALLOWED_REGISTRIES: 'ghcr.io/other' } });
  assert.equal(of(env, RULE).length, 1);
});

test('compose: the policy from .bulwark.yaml, with the image line; built services and ${VAR} images left alone', async () => {
  const dir = tempDir('bw-allowed-compose-');
  writeFileSync(join(dir, '.bulwark.yaml'), 'allowedRegistries:\n  - registry.example.com:5000\n  - docker.io/library\n');
  writeFileSync(
    join(dir, 'compose.yaml'),
    [
      'services:',
      '  web:',
      '    image: nginx:1.25',
      '  cache:',
      '    image: bitnami/redis:7',
      '  api:',
      `    image: registry.example.com:5000/team/api@${DIGEST}`,
      '  side:',
      '    image: quay.io/acme/side:2',
      '  app:',
      '    build: .',
      '    image: myapp:dev',
      '  tpl:',
      '    image: ${UNSET_REGISTRY_X:-}/thing:1',
      '',
    ].join('\n'),
  );
  const rep = await json(['compose', '--file', join(dir, 'compose.yaml')]);
  const f = of(rep, RULE);
  assert.deepEqual(f.map((x: any) => x.location.service).sort(), ['cache', 'side']);
  const side = f.find((x: any) => x.location.service === 'side');
  assert.equal(side.location.line, 9, 'points at the image line');
  assert.match(side.message, /service 'side' runs image 'quay\.io\/acme\/side:2' from quay\.io, which allowedRegistries does not allow/);
  // the flag replaces the config's list
  const flagged = await json(['compose', '--file', join(dir, 'compose.yaml'), '--allowed-registries', '*']);
  assert.deepEqual(of(flagged, RULE), []);
  // a bad entry in the config: exit 2, one line, no stack
  writeFileSync(join(dir, '.bulwark.yaml'), 'allowedRegistries: ["https://registry.example.com"]\n');
  const bad = await runCli(['compose', '--file', join(dir, 'compose.yaml')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /allowed registry 'https:\/\/registry\.example\.com' has a URL scheme/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
});

test('Kubernetes manifests and saved inspect output', async () => {
  const dir = tempDir('bw-allowed-k8s-');
  writeFileSync(
    join(dir, 'deploy.yaml'),
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web, namespace: prod}',
      'spec:',
      '  selector: {matchLabels: {app: web}}',
      '  template:',
      '    metadata: {labels: {app: web}}',
      '    spec:',
      '      initContainers:',
      '        - name: init',
      '          image: busybox:1.36',
      '      containers:',
      '        - name: web',
      `          image: ghcr.io/acme/web@${DIGEST}`,
      '        - name: proxy',
      '          image: ghcr.io/acmecorp/proxy:1',
      '',
    ].join('\n'),
  );
  const rep = await json(['k8s', join(dir, 'deploy.yaml'), '--allowed-registries', 'ghcr.io/acme']);
  const f = of(rep, RULE);
  assert.deepEqual(f.map((x: any) => x.message.match(/container '(\w+)'/)[1]).sort(), ['init', 'proxy']);
  assert.match(f.find((x: any) => /proxy/.test(x.message)).message, /init container|container 'proxy' of Deployment 'prod\/web'/);

  const inspect = [{ Name: '/svc', Id: 'f'.repeat(64), State: { Status: 'running' }, Config: { Image: 'quay.io/acme/svc:3', Env: [] }, HostConfig: {}, Mounts: [] }, { Name: '/byid', Id: 'e'.repeat(64), Config: { Image: '0123456789ab' }, HostConfig: {} }];
  writeFileSync(join(dir, 'inspect.json'), JSON.stringify(inspect));
  const ins = await json(['containers', '--from-inspect', join(dir, 'inspect.json'), '--allowed-registries', 'docker.io']);
  assert.deepEqual(of(ins, RULE).map((x: any) => x.location.container), ['svc'], 'an image ID gives no verdict');
});

test('bulwark scan: compose, Kubernetes and Dockerfile FROM under one allowedRegistries list', async () => {
  const dir = tempDir('bw-allowed-scan-');
  writeFileSync(join(dir, '.bulwark.yaml'), 'allowedRegistries: [registry.example.com:5000]\n');
  writeFileSync(join(dir, 'Dockerfile'), `FROM registry.example.com:5000/base:1@${DIGEST} AS ok\nFROM debian:12\nCOPY --from=ghcr.io/acme/tools:1 /bin/x /x\n`);
  writeFileSync(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: nginx:1.25\n  api:\n    image: registry.example.com:5000/api:1\n');
  writeFileSync(join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: quay.io/x/y:1\n');
  const rep = await json(['scan', dir, '--no-vulns', '--no-images']);
  const reg = of(rep, RULE);
  assert.deepEqual(reg.map((f: any) => f.location.file).sort(), ['compose.yaml', 'pod.yaml']);
  const build = of(rep, 'BW-BUILD-061');
  assert.deepEqual(build.map((f: any) => f.location.line).sort(), [2, 3]);
  // build.allowedRegistries still narrows Dockerfiles only
  writeFileSync(join(dir, '.bulwark.yaml'), 'allowedRegistries: [registry.example.com:5000]\nbuild:\n  allowedRegistries: [docker.io, ghcr.io, registry.example.com:5000]\n');
  const rep2 = await json(['scan', dir, '--no-vulns', '--no-images']);
  assert.deepEqual(of(rep2, 'BW-BUILD-061'), []);
  assert.equal(of(rep2, RULE).length, 2);
  // no policy, no finding
  writeFileSync(join(dir, '.bulwark.yaml'), 'severity: low\n');
  const rep3 = await json(['scan', dir, '--no-vulns', '--no-images']);
  assert.deepEqual([...of(rep3, RULE), ...of(rep3, 'BW-BUILD-061')], []);
  // a bad entry: exit 2 before anything is scanned
  const bad = await runCli(['scan', dir, '--no-vulns', '--allowed-registries', 'reg*.example.com']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--allowed-registries: allowed registry 'reg\*\.example\.com' may use \* only/);
});

const HAVE_DOCKER = dockerAvailable();
const NAME = `bw-allowed-${process.pid}`;
after(() => {
  if (HAVE_DOCKER) execFileSync('docker', ['rm', '-f', NAME], { stdio: 'ignore' });
});

test('live containers on the engine', { skip: !HAVE_DOCKER && 'no Docker engine' }, async () => {
  const image = ensureAlpineImage(); // bulwark-test/alpine:3.20.3: docker.io/bulwark-test/alpine
  execFileSync('docker', ['create', '--name', NAME, image, 'true'], { stdio: 'ignore' });
  const rep = await json(['containers', '--all', '--filter', `name=^${NAME}$`, '--allowed-registries', 'docker.io/library,registry.example.com']);
  const f = of(rep, RULE);
  assert.equal(f.length, 1, JSON.stringify(rep.findings.map((x: any) => x.ruleId)));
  assert.equal(f[0].location.container, NAME);
  assert.equal(f[0].evidence.repository, 'bulwark-test/alpine');
  const ok = await json(['containers', '--all', '--filter', `name=^${NAME}$`, '--allowed-registries', 'docker.io/bulwark-test']);
  assert.deepEqual(of(ok, RULE), []);
});
