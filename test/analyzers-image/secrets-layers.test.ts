import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkImage } from '../../src/analyzers/image/index.js';
import { synthScan } from './synthetic.js';
import { fake } from './fake-secrets.js';

const secretsOf = (fs: ReturnType<typeof checkImage>) => fs.filter((f) => f.ruleId.startsWith('BW-SECRET'));

test('a key and an .env added in one layer and deleted in the next are reported as still extractable', async () => {
  const pem = fake.rsaPem();
  const aws = fake.awsSecret();
  const scan = await synthScan([
    { files: [{ path: 'etc/hostname', content: 'x\n' }] },
    { files: [{ path: 'app', type: 'dir' }, { path: 'app/id_rsa', content: pem }, { path: 'app/.env', content: `AWS_SECRET_ACCESS_KEY=${aws}\nDEBUG=1\n` }] },
    { whiteouts: ['app/id_rsa', 'app/.env'] },
  ]);
  const fs = secretsOf(checkImage(scan, undefined, {}));
  const key = fs.find((f) => f.ruleId === 'BW-SECRET-001');
  assert.ok(key, JSON.stringify(fs, null, 1));
  assert.equal(key.location.kind === 'image' && key.location.layerIndex, 1);
  assert.equal(key.location.kind === 'image' && key.location.path, 'app/id_rsa');
  assert.equal(key.location.kind === 'image' && key.location.layerDigest, scan.layers[1].layer.digest);
  assert.match(key.message, /deleted in layer 2 but still extractable from layer 1/);
  assert.equal(key.evidence?.deletedInLayer, 2);
  const awsF = fs.find((f) => f.ruleId === 'BW-SECRET-004');
  assert.ok(awsF);
  assert.equal(awsF.location.kind === 'image' && awsF.location.line, 1);
  assert.match(awsF.message, /deleted in layer 2 but still extractable from layer 1/);
  // never the value, anywhere
  const json = JSON.stringify(fs);
  assert.ok(!json.includes(aws.slice(0, 12)));
  assert.ok(!json.includes(pem.split('\n')[1].slice(0, 20)));
  for (const f of fs) assert.ok(f.origin === 'base' || f.origin === 'app');
});

test('a secret present in the final filesystem says so; overwritten files are extractable', async () => {
  const tok = fake.githubToken();
  const scan = await synthScan([
    { files: [{ path: 'srv/a.conf', content: `token: ${tok}\n` }, { path: 'srv/b.conf', content: `token: ${fake.githubToken()}\n` }] },
    { files: [{ path: 'srv/b.conf', content: 'token: none\n' }] },
  ]);
  const fs = secretsOf(checkImage(scan, undefined, {}));
  const a = fs.find((f) => f.location.kind === 'image' && f.location.path === 'srv/a.conf');
  const b = fs.find((f) => f.location.kind === 'image' && f.location.path === 'srv/b.conf');
  assert.match(a!.message, /present in the final filesystem \(layer 0\)/);
  assert.match(b!.message, /overwritten in layer 1 but still extractable from layer 0/);
});

test('default allow rules: docs, package test fixtures, CA stores, package examples do not fire; config can turn them off', async () => {
  const pem = fake.rsaPem();
  const files = [
    'usr/share/doc/foo/key.pem',
    'usr/lib/python3/dist-packages/foo/tests/key.pem',
    'usr/local/lib/python3.11/site-packages/bar/test/data/key.pem',
    'app/node_modules/x/test/fixtures/key.pem',
    'root/go/pkg/mod/example.com/m@v1.0.0/testdata/key.pem',
    'etc/ssl/certs/bundle.pem',
    'srv/app/node_modules/x/README.md',
    'srv/app/node_modules/x/examples/key.pem',
  ].map((path) => ({ path, content: pem }));
  const scan = await synthScan([{ files }]);
  assert.deepEqual(secretsOf(checkImage(scan, undefined, {})), []);
  const all = secretsOf(checkImage(scan, undefined, { secrets: { defaultAllowPaths: false } }));
  assert.equal(all.length, files.length);
  const some = secretsOf(checkImage(scan, undefined, { secrets: { defaultAllowPaths: false, allowPaths: ['**/*.md', 'etc/**'] } }));
  assert.equal(some.length, files.length - 2);
});

test('disable by kind id or catalogue id', async () => {
  const scan = await synthScan([{ files: [{ path: 'a/x.conf', content: `t ${fake.githubToken()}\nk ${fake.stripeKey()}\n` }] }]);
  assert.equal(secretsOf(checkImage(scan, undefined, {})).length, 2);
  assert.equal(secretsOf(checkImage(scan, undefined, { secrets: { disable: ['github-token'] } })).length, 1);
  assert.equal(secretsOf(checkImage(scan, undefined, { secrets: { disable: ['BW-SECRET-010', 'github-token'] } })).length, 0);
});

test('custom rules from .bulwark.yaml run in their own analyzer and produce BW-SECRET-099', async () => {
  const { imageContentAnalyzersFor } = await import('../../src/analyzers/image/index.js');
  const cfg = { secrets: { rules: [{ id: 'acme-key', regex: 'acme_[a-z0-9]{24}', keywords: ['acme_'], severity: 'medium' }] } };
  const analyzers = imageContentAnalyzersFor(cfg);
  assert.equal(analyzers.length, 3);
  const scan = await synthScan([{ files: [{ path: 'etc/acme.conf', content: 'key=acme_0123456789abcdefghijklmn\n' }] }], { analyzers });
  const fs = secretsOf(checkImage(scan, undefined, cfg));
  assert.equal(fs.length, 1);
  assert.equal(fs[0].ruleId, 'BW-SECRET-099');
  assert.equal(fs[0].severity, 'medium');
  assert.throws(() => imageContentAnalyzersFor({ secrets: { rules: [{ id: 'bad', regex: '(' }] } }), /invalid regular expression/);
  assert.throws(() => imageContentAnalyzersFor({ secrets: { rules: [{ id: 'private-key', regex: 'x' }] } }), /built-in/);
  assert.throws(() => checkImage(scan, undefined, { secrets: { disable: 'x' } }), /section 'secrets'/);
});

test('image config: password in ENV and build arg in history; GPG_KEY and placeholders do not fire', async () => {
  const envPw = fake.password();
  const argPw = fake.password();
  const config = {
    created: '2026-11-01T00:00:00Z',
    config: {
      User: 'app',
      Healthcheck: { Test: ['CMD', 'true'] },
      Env: ['PATH=/usr/bin', `DB_PASSWORD=${envPw}`, 'GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D', 'API_TOKEN=${TOKEN}'],
      Labels: { maintainer: 'a@b.c' },
    },
    history: [
      { created_by: '/bin/sh -c #(nop) ADD file:abc in / ' },
      { created_by: '/bin/sh -c #(nop)  CMD ["/bin/sh"]', empty_layer: true },
      { created_by: `ENV DB_PASSWORD=${envPw}`, comment: 'buildkit.dockerfile.v0', empty_layer: true },
      { created_by: `RUN |1 BUILD_PASSWORD=${argPw} /bin/sh -c echo building # buildkit`, comment: 'buildkit.dockerfile.v0' },
    ],
  };
  const scan = await synthScan([{ files: [{ path: 'bin/sh', content: 'x' }] }, { files: [{ path: 'tmp/x', content: 'y' }] }], { config });
  const fs = secretsOf(checkImage(scan, undefined, {}));
  assert.equal(fs.length, 2, JSON.stringify(fs, null, 1));
  const env = fs.find((f) => f.location.kind === 'image' && f.location.field === 'config.Env[1]');
  assert.ok(env);
  assert.equal(env.origin, 'app');
  const arg = fs.find((f) => f.location.kind === 'image' && f.location.field === 'history[3].created_by');
  assert.ok(arg);
  assert.equal(arg.location.kind === 'image' && arg.location.layerIndex, 1);
  assert.match(arg.message, /BUILD_PASSWORD/);
  assert.ok(!JSON.stringify(fs).includes(envPw) && !JSON.stringify(fs).includes(argPw));
});
