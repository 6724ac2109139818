/**
 * Acceptance on the real engine: a docker-built image planting secrets and dangerous files, scanned through
 * the real source and layer walker, with the Go toolchain's test key and aws-sdk's API examples where they install
 * (no finding: only the plants are reported); and the unmodified Alpine / Debian bookworm images give no secret finding.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkImage, imageContentAnalyzers, attributeLayers } from '../../src/analyzers/image/index.js';
import type { Finding } from '../../src/core/finding.js';
import { analyzeImage } from '../../src/image/pipeline.js';
import type { ImageScan } from '../../src/image/types.js';
import { buildInventory, inventoryAnalyzers } from '../../src/inventory/index.js';
import { dockerAvailable, ensureAlpineImage, ensureBookwormImages } from '../support/images.js';
import { fake } from './fake-secrets.js';

const haveDocker = dockerAvailable();
const skip = haveDocker ? false : 'no Docker engine reachable (start dockerd)';
const TAG = `bulwark-test/image-plants:${process.pid}`;
let cacheDir = '';
let ctxDir = '';

const plants = {
  rsa: '',
  awsId: fake.awsKeyId(),
  awsSecret: fake.awsSecret(),
  npm: fake.npmToken(),
  envPw: fake.password(),
  argPw: fake.password(),
  sshKey: '',
  vendoredAws: fake.awsSecret(),
};
/** real files vendored trees ship (test/fixtures/secrets/vendored): the allow rules let them through */
const VENDORED = new URL('../fixtures/secrets/vendored/', import.meta.url).pathname;

async function scanOf(ref: string): Promise<{ scan: ImageScan; findings: Finding[] }> {
  const scan = await analyzeImage(`docker:${ref}`, { analyzers: [...inventoryAnalyzers, ...imageContentAnalyzers], cacheDir });
  return { scan, findings: checkImage(scan, buildInventory(scan), {}, { cacheDir }) };
}

before(() => {
  if (!haveDocker) return;
  cacheDir = mkdtempSync(join(tmpdir(), 'bw-imgchk-cache-'));
  ctxDir = mkdtempSync(join(tmpdir(), 'bw-imgchk-ctx-'));
  plants.rsa = fake.rsaPem();
  mkdirSync(join(ctxDir, 'plant'));
  writeFileSync(join(ctxDir, 'plant', 'id_rsa'), plants.rsa, { mode: 0o600 });
  writeFileSync(join(ctxDir, 'plant', '.env'), `APP_ENV=prod\nAWS_ACCESS_KEY_ID=${plants.awsId}\nAWS_SECRET_ACCESS_KEY=${plants.awsSecret}\n`);
  writeFileSync(join(ctxDir, 'npmrc'), `registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=${plants.npm}\n`);
  mkdirSync(join(ctxDir, 'repo', '.git', 'refs', 'heads'), { recursive: true });
  writeFileSync(join(ctxDir, 'repo', '.git', 'HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(join(ctxDir, 'repo', '.git', 'config'), '[core]\n\trepositoryformatversion = 0\n');
  writeFileSync(join(ctxDir, 'repo', 'main.sh'), 'echo hi\n');
  // a private key where keys live, and a package that ships its .env: found although one is in node_modules
  plants.sshKey = fake.pkcs8Pem();
  mkdirSync(join(ctxDir, 'more', 'root', '.ssh'), { recursive: true });
  writeFileSync(join(ctxDir, 'more', 'root', '.ssh', 'id_ed25519'), plants.sshKey, { mode: 0o600 });
  mkdirSync(join(ctxDir, 'more', 'srv', 'app', 'node_modules', 'leaky-pkg'), { recursive: true });
  writeFileSync(join(ctxDir, 'more', 'srv', 'app', 'node_modules', 'leaky-pkg', '.env'), `AWS_SECRET_ACCESS_KEY=${plants.vendoredAws}\n`);
  // not planted: the Go toolchain's test key and example, aws-sdk's API examples, where those packages install them
  const put = (rel: string, fixture: string) => {
    mkdirSync(join(ctxDir, 'more', rel, '..'), { recursive: true });
    copyFileSync(join(VENDORED, fixture), join(ctxDir, 'more', rel));
  };
  put('usr/share/go-1.19/src/crypto/tls/testdata/example-key.pem', 'go-example-key.pem');
  put('usr/share/go-1.19/src/crypto/tls/example_test.go', 'go-example_test.go.txt');
  put('srv/app/node_modules/aws-sdk/apis/sso-oidc-2019-06-10.examples.json', 'aws-sdk-sso-oidc-2019-06-10.examples.json');
  put('srv/app/node_modules/aws-sdk/apis/iam-2010-05-08.examples.json', 'aws-sdk-iam-2010-05-08.examples.json');
  writeFileSync(
    join(ctxDir, 'Dockerfile'),
    [
      `FROM ${ensureAlpineImage()}`,
      'ARG BUILD_PASSWORD',
      'COPY plant/ /opt/plant/',
      'RUN rm -f /opt/plant/id_rsa /opt/plant/.env',
      'COPY npmrc /root/.npmrc',
      `ENV DB_PASSWORD=${plants.envPw}`,
      'RUN echo "${#BUILD_PASSWORD}" > /tmp/pwlen',
      'RUN cp /bin/busybox /usr/local/bin/rootsh && chmod 4755 /usr/local/bin/rootsh',
      'RUN mkdir -p /srv/shared && chmod 0777 /srv/shared',
      'COPY repo/ /srv/app/',
      'COPY more/ /',
      'USER 65534',
      '',
    ].join('\n'),
  );
  execFileSync('docker', ['build', '-q', '--network', 'none', '--build-arg', `BUILD_PASSWORD=${plants.argPw}`, '-t', TAG, ctxDir], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 10 * 60_000 });
});

after(() => {
  if (!haveDocker) return;
  try {
    execFileSync('docker', ['rmi', '-f', TAG], { stdio: 'ignore' });
  } catch {
    // already gone
  }
  rmSync(cacheDir, { recursive: true, force: true });
  rmSync(ctxDir, { recursive: true, force: true });
});

const loc = (f: Finding) => (f.location.kind === 'image' ? f.location : assert.fail('not an image location'));

test('every plant is reported with the right layer, deleted ones as still extractable; vendored test keys and API examples are not', { skip, timeout: 15 * 60_000 }, async () => {
  const { scan, findings } = await scanOf(TAG);
  const layerOf = (needle: string) => {
    const i = scan.image.layers.findIndex((l) => (l.createdBy ?? '').includes(needle));
    assert.ok(i >= 0, `no layer made by ${needle}: ${scan.image.layers.map((l) => l.createdBy).join(' | ')}`);
    return i;
  };
  const copyLayer = layerOf('/opt/plant/');
  const rmLayer = layerOf('rm -f /opt/plant/id_rsa');
  const npmLayer = layerOf('/root/.npmrc');
  const argLayer = layerOf('BUILD_PASSWORD');
  const suidLayer = layerOf('rootsh');
  const wwLayer = layerOf('/srv/shared');
  const gitLayer = layerOf('/srv/app/');
  const show = () => findings.map((f) => `${f.ruleId} ${f.message}`).join('\n');
  const find = (ruleId: string, pred: (f: Finding) => boolean) => {
    const f = findings.find((x) => x.ruleId === ruleId && pred(x));
    assert.ok(f, `${ruleId} missing in:\n${show()}`);
    return f;
  };

  const key = find('BW-SECRET-001', (f) => loc(f).path === 'opt/plant/id_rsa');
  assert.equal(loc(key).layerIndex, copyLayer);
  assert.equal(loc(key).layerDigest, scan.image.layers[copyLayer].digest);
  assert.match(key.message, new RegExp(`deleted in layer ${rmLayer} but still extractable from layer ${copyLayer}`));
  for (const id of ['BW-SECRET-003', 'BW-SECRET-004']) {
    const aws = find(id, (f) => loc(f).path === 'opt/plant/.env');
    assert.equal(loc(aws).layerIndex, copyLayer);
    assert.ok(loc(aws).line === 2 || loc(aws).line === 3);
    assert.match(aws.message, new RegExp(`deleted in layer ${rmLayer} but still extractable from layer ${copyLayer}`));
  }
  const npm = find('BW-SECRET-011', (f) => loc(f).path === 'root/.npmrc');
  assert.equal(loc(npm).layerIndex, npmLayer);
  assert.equal(loc(npm).line, 2);
  assert.match(npm.message, /present in the final filesystem/);
  const env = find('BW-SECRET-020', (f) => (loc(f).field ?? '').startsWith('config.Env['));
  assert.match(env.message, /DB_PASSWORD/);
  const arg = find('BW-SECRET-020', (f) => /BUILD_PASSWORD/.test(f.message));
  assert.equal(loc(arg).layerIndex, argLayer);
  assert.match(loc(arg).field ?? '', /^history\[\d+\]\.created_by$/);

  const moreLayer = layerOf(' in / '); // COPY more/ / (the legacy builder records 'COPY dir:<hash> in / ')
  const ssh = find('BW-SECRET-001', (f) => loc(f).path === 'root/.ssh/id_ed25519');
  assert.equal(loc(ssh).layerIndex, moreLayer);
  const leaky = find('BW-SECRET-004', (f) => loc(f).path === 'srv/app/node_modules/leaky-pkg/.env');
  assert.match(leaky.message, /present in the final filesystem/);

  // every secret finding is a plant: nothing from the vendored test keys and API examples
  const planted = new Set(['opt/plant/id_rsa', 'opt/plant/.env', 'root/.npmrc', 'root/.ssh/id_ed25519', 'srv/app/node_modules/leaky-pkg/.env', 'config.Env', 'history']);
  const where = (f: Finding) => loc(f).path ?? (loc(f).field ?? '').replace(/\[.*$/, '');
  const unplanted = findings.filter((f) => f.ruleId.startsWith('BW-SECRET') && !planted.has(where(f)));
  assert.deepEqual(unplanted.map((f) => `${f.ruleId} ${f.message}`), []);

  const suid = find('BW-IMAGE-011', (f) => loc(f).path === 'usr/local/bin/rootsh');
  assert.equal(suid.severity, 'high');
  assert.equal(loc(suid).layerIndex, suidLayer);
  const ww = find('BW-IMAGE-012', (f) => loc(f).path === 'srv/shared');
  assert.equal(loc(ww).layerIndex, wwLayer);
  const git = find('BW-IMAGE-016', (f) => loc(f).path === 'srv/app/.git');
  assert.equal(loc(git).layerIndex, gitLayer);

  // every plant is the app's; the Alpine layer is the base
  const att = attributeLayers(scan, { cacheDir });
  assert.equal(att.baseLayerCount, 1);
  for (const f of [key, npm, env, arg, suid, ww, git]) assert.equal(f.origin, 'app', f.ruleId);
  for (const f of findings) assert.ok(f.origin === 'app' || f.origin === 'base');

  // no secret value anywhere in the output
  const json = JSON.stringify(findings);
  for (const v of [plants.awsId, plants.awsSecret, plants.npm, plants.envPw, plants.argPw, plants.rsa.split('\n')[1], plants.sshKey.split('\n')[1], plants.vendoredAws]) {
    assert.ok(!json.includes(v.slice(4)), 'a secret value leaked into the findings');
  }
});

test('the unmodified Alpine 3.20.3 and Debian bookworm images produce no secret finding', { skip, timeout: 40 * 60_000 }, async () => {
  const { base, app } = ensureBookwormImages();
  for (const ref of [ensureAlpineImage(), base, app]) {
    const { findings } = await scanOf(ref);
    const secrets = findings.filter((f) => f.ruleId.startsWith('BW-SECRET'));
    assert.deepEqual(secrets.map((f) => `${f.ruleId} ${f.message}`), [], ref);
  }
});
