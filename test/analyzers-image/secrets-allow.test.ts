/**
 * Allow rules (src/analyzers/image/secrets/allow-rules.json): each built-in rule lets a real vendored file through
 * and still reports a near miss (the same content where the rule does not reach), on real files: the Go toolchain's
 * crypto/tls test key and example, aws-sdk's API examples (test/fixtures/secrets/vendored, provenance in its README).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkImage } from '../../src/analyzers/image/index.js';
import { builtinAllowRules } from '../../src/analyzers/image/secrets/allow-rules.js';
import { resolveSecrets } from '../../src/analyzers/image/secrets/settings.js';
import { SecretScanner } from '../../src/analyzers/pipeline/secrets.js';
import type { Finding } from '../../src/core/finding.js';
import { synthScan } from './synthetic.js';
import { fake } from './fake-secrets.js';

const fx = (n: string) => readFileSync(new URL(`../fixtures/secrets/vendored/${n}`, import.meta.url), 'utf8');
const GO_KEY = fx('go-example-key.pem');
const GO_EXAMPLE = fx('go-example_test.go.txt');
const SSO = fx('aws-sdk-sso-oidc-2019-06-10.examples.json');
const IAM = fx('aws-sdk-iam-2010-05-08.examples.json');
const secretsOf = (fs: Finding[]) => fs.filter((f) => f.ruleId.startsWith('BW-SECRET'));
const pathOf = (f: Finding) => (f.location.kind === 'image' ? f.location.path : undefined);

type Case = [path: string, content: string];
/** per built-in allow rule: files it lets through, and near misses (same kind of content, outside its reach) */
const CASES: Record<string, { allowed: Case[]; reported: Case[] }> = {
  'system-docs': {
    allowed: [['usr/share/doc/golang-1.19-src/examples/example-key.pem', GO_KEY]],
    reported: [['usr/share/myapp/example-key.pem', GO_KEY]],
  },
  'ca-certificates': {
    allowed: [['etc/ssl/certs/bundle-with-key.pem', GO_KEY]],
    reported: [['etc/ssl/private/server.key', GO_KEY]],
  },
  'example-files': {
    allowed: [['srv/app/config/settings.example.yaml', `db:\n  password: "${fake.password()}"\n`]],
    reported: [['srv/app/config/settings.yaml', `db:\n  password: "${fake.password()}"\n`]],
  },
  'node-modules-tests-docs': {
    allowed: [
      ['srv/web/node_modules/public-encrypt/test/test_key.pem', GO_KEY],
      ['srv/app/node_modules/url/test.js', "assert.equal(url.parse('http://atpass:foo%40bar@127.0.0.1/').auth, 'atpass:foo@bar');\n"],
      ['srv/app/node_modules/zod/src/v4/mini/tests/string.test.ts', `expect(jwt.parse("${fake.jwt()}")).toBeTruthy();\n`],
      ['srv/app/node_modules/ioredis/README.md', 'new Redis("redis://:authpassword@127.0.0.1:6380/4");\n'],
    ],
    reported: [
      // a package's own .env or a key in its code is not test data: a published package that ships one leaks it
      ['srv/app/node_modules/leaky-pkg/.env', `AWS_SECRET_ACCESS_KEY=${fake.awsSecret()}\n`],
      ['srv/app/node_modules/leaky-pkg/lib/key.pem', GO_KEY],
      // the application's own tests are not vendored
      ['srv/app/test/fixtures/example-key.pem', GO_KEY],
      ['srv/app/README.md', 'REDIS_URL=redis://:s3cr3tRedisPw91@cache.internal:6379/0\n'],
    ],
  },
  'node-modules-api-examples': {
    allowed: [
      ['srv/app/node_modules/aws-sdk/apis/sso-oidc-2019-06-10.examples.json', SSO],
      ['srv/app/node_modules/aws-sdk/apis/iam-2010-05-08.examples.json', IAM],
    ],
    reported: [
      ['srv/app/config/sso-oidc-2019-06-10.examples.json', SSO],
      ['srv/app/node_modules/aws-sdk/apis/iam-2010-05-08.min.json', IAM],
    ],
  },
  'python-packages-tests-docs': {
    allowed: [
      ['usr/lib/python3/dist-packages/cryptography/hazmat/tests/example-key.pem', GO_KEY],
      ['opt/venv/lib/python3.11/site-packages/requests_tls/test_tls.py', `KEY = """${GO_KEY}"""\n`],
      ['usr/lib/python3.11/test/keycert.pem', GO_KEY],
    ],
    reported: [
      ['opt/venv/lib/python3.11/site-packages/requests_tls/keys.py', `KEY = """${GO_KEY}"""\n`],
      ['srv/api/tests/example-key.pem', GO_KEY],
    ],
  },
  'go-module-tests': {
    allowed: [
      ['root/go/pkg/mod/github.com/acme/tlsutil@v1.2.0/testdata/example-key.pem', GO_KEY],
      ['root/go/pkg/mod/github.com/acme/tlsutil@v1.2.0/example_test.go', GO_EXAMPLE],
      ['srv/orders/vendor/github.com/acme/tlsutil/testdata/example-key.pem', GO_KEY],
    ],
    reported: [
      ['root/go/pkg/mod/github.com/acme/tlsutil@v1.2.0/keys.go', GO_EXAMPLE],
      ['srv/orders/internal/tls/example_test.go', GO_EXAMPLE],
    ],
  },
  'go-toolchain-tests': {
    allowed: [
      ['usr/share/go-1.19/src/crypto/tls/testdata/example-key.pem', GO_KEY],
      ['usr/share/go-1.19/src/crypto/tls/example_test.go', GO_EXAMPLE],
      ['usr/lib/go-1.19/src/crypto/tls/testdata/example-key.pem', GO_KEY],
      ['usr/local/go/src/crypto/tls/example_test.go', GO_EXAMPLE],
      ['usr/lib/go/src/crypto/tls/testdata/example-key.pem', GO_KEY],
    ],
    reported: [
      ['usr/share/go-1.19/src/crypto/tls/keys.go', GO_EXAMPLE],
      ['usr/local/go/example-key.pem', GO_KEY],
      ['srv/app/crypto/tls/testdata/example-key.pem', GO_KEY],
    ],
  },
  'jdk-demos': {
    allowed: [['usr/lib/jvm/java-17-openjdk-amd64/demo/jfc/SSLServer/example-key.pem', GO_KEY]],
    reported: [['usr/lib/jvm/java-17-openjdk-amd64/conf/security/example-key.pem', GO_KEY]],
  },
  'ruby-gem-tests': {
    allowed: [['usr/local/bundle/gems/3.2.0/gems/net-ssh-7.2.0/test/example-key.pem', GO_KEY]],
    reported: [['usr/local/bundle/gems/3.2.0/gems/net-ssh-7.2.0/lib/example-key.pem', GO_KEY]],
  },
};

test('every built-in allow rule has a passing and a failing case', () => {
  assert.deepEqual(builtinAllowRules().map((r) => r.id).sort(), Object.keys(CASES).sort());
  for (const [id, c] of Object.entries(CASES)) assert.ok(c.allowed.length && c.reported.length, id);
});

for (const [id, { allowed, reported }] of Object.entries(CASES)) {
  test(`allow rule ${id}: its files are let through, near misses are reported, disabling it reports them`, async () => {
    const scan = await synthScan([{ files: [...allowed, ...reported].map(([path, content]) => ({ path, content })) }]);
    const found = new Set(secretsOf(checkImage(scan, undefined, {})).map(pathOf));
    const resolved = resolveSecrets({});
    for (const [path] of allowed) {
      assert.ok(!found.has(path), `${path} reported`);
      // it is this rule that lets it through
      const kinds = new Set(secretsOf(checkImage(scan, undefined, { secrets: { defaultAllowPaths: false } })).filter((f) => pathOf(f) === path).map((f) => f.evidence?.rule as string));
      assert.ok(kinds.size > 0, `${path}: no rule matches the content at all`);
      for (const k of kinds) assert.equal(resolved.allowedBy(path, k), id, `${path} (${k})`);
    }
    for (const [path] of reported) assert.ok(found.has(path), `${path} not reported; reported: ${[...found].join(', ')}`);
    const off = new Set(secretsOf(checkImage(scan, undefined, { secrets: { disableAllowRules: [id] } })).map(pathOf));
    for (const [path] of allowed) assert.ok(off.has(path), `${path} not reported with ${id} disabled`);
  });
}

test('outside vendored trees nothing is allowed: /srv/app/config and /root/.ssh keys are found, also when deleted later', async () => {
  const scan = await synthScan([
    {
      files: [
        { path: 'usr/share/go-1.19/src/crypto/tls/testdata/example-key.pem', content: GO_KEY },
        { path: 'srv/app/node_modules/aws-sdk/apis/sso-oidc-2019-06-10.examples.json', content: SSO },
        // the Go example key copied as the application's key is still a key anyone can extract
        { path: 'srv/app/config/tls.key', content: GO_KEY },
        { path: 'root/.ssh/id_ecdsa', content: fake.ecPem() },
        { path: 'srv/app/config/oidc.json', content: SSO },
      ],
    },
    { whiteouts: ['srv/app/config/tls.key', 'root/.ssh'] },
  ]);
  const fs = secretsOf(checkImage(scan, undefined, {}));
  const paths = [...new Set(fs.map(pathOf))].sort();
  assert.deepEqual(paths, ['root/.ssh/id_ecdsa', 'srv/app/config/oidc.json', 'srv/app/config/tls.key']);
  for (const p of ['root/.ssh/id_ecdsa', 'srv/app/config/tls.key']) {
    const f = fs.find((x) => pathOf(x) === p)!;
    assert.equal(f.ruleId, 'BW-SECRET-001');
    assert.match(f.message, /deleted in layer 1 but still extractable from layer 0/);
  }
  // the sample JWTs of aws-sdk's examples, outside node_modules: four JWT findings (three distinct values on four lines: one per value)
  const jwts = fs.filter((f) => pathOf(f) === 'srv/app/config/oidc.json' && f.ruleId === 'BW-SECRET-018');
  assert.ok(jwts.length >= 2, JSON.stringify(jwts.map((f) => f.message)));
});

test('.bulwark.yaml: own allow rules (optionally per kind), disabling a built-in one, clear errors', async () => {
  const pem = GO_KEY;
  const jwt = fake.jwt();
  const scan = await synthScan([{ files: [{ path: 'srv/app/spec/keys/example-key.pem', content: pem }, { path: 'srv/app/spec/keys/token.txt', content: `token ${jwt}\n` }] }]);
  assert.equal(secretsOf(checkImage(scan, undefined, {})).length, 2);
  // a rule for one kind lets only that kind through
  const keysOnly = { secrets: { allowRules: [{ id: 'app-spec-keys', paths: ['srv/app/spec/**'], kinds: ['private-key'] }] } };
  assert.deepEqual(secretsOf(checkImage(scan, undefined, keysOnly)).map(pathOf), ['srv/app/spec/keys/token.txt']);
  const everything = { secrets: { allowRules: [{ id: 'app-spec', description: 'our specs', paths: ['srv/app/spec/**'] }] } };
  assert.deepEqual(secretsOf(checkImage(scan, undefined, everything)), []);
  assert.equal(resolveSecrets(everything).allowedBy('srv/app/spec/keys/token.txt', 'jwt'), 'app-spec');
  // errors: exit-2 input errors naming the problem
  assert.throws(() => resolveSecrets({ secrets: { disableAllowRules: ['go-toolchain-test'] } }), /no built-in allow rule 'go-toolchain-test' \(known: .*go-toolchain-tests/);
  assert.throws(() => resolveSecrets({ secrets: { allowRules: [{ id: 'x', paths: ['a/**'], kinds: ['jwts'] }] } }), /unknown secret kind 'jwts'/);
  assert.throws(() => resolveSecrets({ secrets: { allowRules: [{ id: 'system-docs', paths: ['a/**'] }] } }), /built-in allow rule id/);
  assert.throws(() => resolveSecrets({ secrets: { allowRule: [] } } as never), /section 'secrets'.*allowRule/);
  assert.throws(() => resolveSecrets({ secrets: { allowRules: [{ id: 'x', path: ['a/**'] }] } } as never), /section 'secrets'/);
});

test('scan DIR uses the same allow rules: a Go vendor testdata key is let through, the project config key is reported', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bw-allow-'));
  try {
    const put = (rel: string, content: string) => {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), content);
    };
    put('vendor/github.com/acme/tlsutil/testdata/example-key.pem', GO_KEY);
    put('vendor/github.com/acme/tlsutil/example_test.go', GO_EXAMPLE);
    put('config/tls.key', GO_KEY);
    put('internal/tls/example_test.go', GO_EXAMPLE);
    const s = new SecretScanner(dir, {});
    const files = ['vendor/github.com/acme/tlsutil/testdata/example-key.pem', 'vendor/github.com/acme/tlsutil/example_test.go', 'config/tls.key', 'internal/tls/example_test.go'];
    assert.deepEqual(files.filter((f) => s.file(f).length > 0), ['config/tls.key', 'internal/tls/example_test.go']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
