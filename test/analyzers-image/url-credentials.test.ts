/**
 * Credentials in connection URLs, planted in a real docker-built image (a .env file and image labels), and
 * the false-positive side: placeholders in the same image, and the real node_modules tree of this repository,
 * give no finding.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { checkImage, imageContentAnalyzers } from '../../src/analyzers/image/index.js';
import { builtinSecretsAnalyzer } from '../../src/analyzers/image/secrets/analyzer.js';
import { BUILTIN_SECRET_RULES } from '../../src/analyzers/image/secrets/rules-table.js';
import { SecretMatcher } from '../../src/analyzers/image/secrets/engine.js';
import { resolveSecrets } from '../../src/analyzers/image/secrets/settings.js';
import type { Finding } from '../../src/core/finding.js';
import { analyzeImage } from '../../src/image/pipeline.js';
import type { EntryMeta } from '../../src/sources/types.js';
import { dockerAvailable, ensureAlpineImage } from '../support/images.js';
import { fake, randomFrom } from './fake-secrets.js';

const haveDocker = dockerAvailable();
const skip = haveDocker ? false : 'no Docker engine reachable (start dockerd)';
const TAG = `bulwark-test/url-credentials:${process.pid}`;
let cacheDir = '';
let ctxDir = '';
const pw = () => randomFrom('abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789', 14);
const plants = {
  postgres: `postgres://app:${pw()}@db:5432/app`,
  postgresql: `postgresql://reporting:${pw()}@db.internal/reports?sslmode=require`,
  mysql: `mysql://root:${pw()}@mysql:3306/shop`,
  mongo: `mongodb://svc:${pw()}@mongo-0.mongo,mongo-1.mongo/app?replicaSet=rs0`,
  mongoSrv: `mongodb+srv://svc:${pw()}@cluster0.ab1cd.mongodb.net/app`,
  redis: `redis://:${pw()}@cache:6379/0`,
  amqp: `amqp://worker:${pw()}@rabbit:5672/%2f`,
  http: `http://proxyuser:${pw()}@proxy.corp.internal:3128`,
  https: `https://deploy:${pw()}@git.corp.internal/team/app.git`,
  label: `postgres://labeluser:${pw()}@db/app`,
  token: fake.githubToken(),
};
const secretOf = (url: string) => /:([^:@/]+)@/.exec(url.replace(/^[a-z+]+:\/\//, ''))![1]!;

before(() => {
  if (!haveDocker) return;
  cacheDir = mkdtempSync(join(tmpdir(), 'bw-url-cache-'));
  ctxDir = mkdtempSync(join(tmpdir(), 'bw-url-ctx-'));
  mkdirSync(join(ctxDir, 'app', 'config'), { recursive: true });
  writeFileSync(
    join(ctxDir, 'app', '.env'),
    [
      'APP_ENV=production',
      `DATABASE_URL=${plants.postgres}`,
      `REPORTING_DB=${plants.postgresql}`,
      `MYSQL_URL="${plants.mysql}"`,
      `MONGO_URL=${plants.mongo}`,
      `MONGO_SRV=${plants.mongoSrv}`,
      `REDIS_URL=${plants.redis}`,
      `BROKER_URL=${plants.amqp}`,
      `HTTPS_PROXY=${plants.http}`,
      `REPO=${plants.https}`,
      '',
    ].join('\n'),
  );
  // what documentation and templates write: none of it is a secret
  writeFileSync(
    join(ctxDir, 'app', 'config', 'database.conf'),
    [
      '# connect with: psql postgres://user:password@localhost/db',
      'url = postgres://app:${DB_PASS}@db:5432/app',
      'broker = amqp://guest:guest@localhost:5672/',
      'proxy = http://abc:xyz123@example.com:8080',
      'template = mysql://%s:%s@%s/%s',
      'python = postgresql://{user}:{password}@{host}/{db}',
      'url_no_credentials = https://registry.npmjs.org/',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(ctxDir, 'Dockerfile'),
    [
      `FROM ${ensureAlpineImage()}`,
      'COPY app/ /app/',
      `LABEL org.example.db-url="${plants.label}" org.example.deploy-token="${plants.token}" org.example.docs="postgres://user:password@localhost/db"`,
      'USER 65534',
      '',
    ].join('\n'),
  );
  execFileSync('docker', ['build', '-q', '--network', 'none', '-t', TAG, ctxDir], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 10 * 60_000 });
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

test('URL credentials in a .env file and secrets in image labels are reported; placeholders are not', { skip, timeout: 15 * 60_000 }, async () => {
  const scan = await analyzeImage(`docker:${TAG}`, { analyzers: imageContentAnalyzers, cacheDir });
  const findings = checkImage(scan, undefined, {}, { cacheDir });
  const secrets = findings.filter((f: Finding) => f.ruleId.startsWith('BW-SECRET'));
  const show = () => secrets.map((f) => `${f.ruleId} ${f.message}`).join('\n');
  const at = (f: Finding) => (f.location.kind === 'image' ? f.location : assert.fail('not an image location'));

  const inEnv = secrets.filter((f) => f.ruleId === 'BW-SECRET-021' && at(f).path === 'app/.env');
  // one finding per planted URL, each on its own line (2..10)
  assert.deepEqual(inEnv.map((f) => at(f).line).sort((a, b) => a! - b!), [2, 3, 4, 5, 6, 7, 8, 9, 10], show());
  for (const f of inEnv) assert.equal(f.severity, 'high');

  // labels: the URL and the GitHub token in config.Labels
  const label = secrets.find((f) => f.ruleId === 'BW-SECRET-021' && (at(f).field ?? '').includes('org.example.db-url'));
  assert.ok(label, show());
  const token = secrets.find((f) => f.ruleId === 'BW-SECRET-007' && (at(f).field ?? '').includes('org.example.deploy-token'));
  assert.ok(token, show());

  // placeholders: nothing from the docs-like config or the docs label
  assert.deepEqual(secrets.filter((f) => at(f).path === 'app/config/database.conf' || (at(f).field ?? '').includes('org.example.docs')).map((f) => f.message), []);

  // no secret value in the output
  const json = JSON.stringify(findings);
  for (const url of Object.values(plants).filter((v) => v.includes('://'))) assert.ok(!json.includes(secretOf(url)), `a password leaked: ${url.split(':')[0]}`);
  assert.ok(!json.includes(plants.token.slice(4)));
});

test('the URL rule on its own: every scheme, and the placeholder forms', () => {
  const m = new SecretMatcher(BUILTIN_SECRET_RULES.filter((r) => r.id === 'url-credentials'));
  for (const url of Object.values(plants).filter((v) => v.includes('://'))) assert.equal(m.scan(`X=${url}`, 'x.env').length, 1, url.split(':')[0]);
  for (const placeholder of [
    'postgres://user:password@localhost/db',
    'postgres://app:${DB_PASS}@db/app',
    'postgres://app:$DB_PASS@db/app',
    'mysql://%s:%s@%s/%s',
    'postgresql://{user}:{password}@{host}/{db}',
    'http://abc:xyz123@example.com',
    'https://u:Zx9Qp2Lm7T@api.example.org/x',
    'amqp://guest:guest@localhost:5672/',
    'redis://:changeme@cache:6379',
    'postgres://app:<password>@db/app',
    'https://github.com/org/repo',
  ]) {
    assert.deepEqual(m.scan(placeholder, 'x.conf'), [], placeholder);
  }
  // random values that merely start with "my" / "your" are secrets (a CI run drew 'MygQCuFkvk6Abg' and lost it
  // to the "my..." placeholder pattern); the placeholder nouns are not
  for (const real of ['MygQCuFkvk6Abg', 'mYAxFMfnhsgyxw', 'yourT7kq2ZpW9x', 'my_8fKq2LzR0w']) {
    assert.equal(m.scan(`REDIS_URL=redis://:${real}@cache:6379/0`, 'x.env').length, 1, real);
  }
  for (const dummy of ['mypassword', 'my_secret', 'your-password', 'yourApiKeyHere', 'my_db_password2', 'YOUR_TOKEN']) {
    assert.deepEqual(m.scan(`REDIS_URL=redis://:${dummy}@cache:6379/0`, 'x.env'), [], dummy);
  }
});

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) walk(p, out);
    else if (st.isFile()) out.push(p);
  }
  return out;
}

test('a real node_modules tree (this repository\'s) gives no secret finding', { timeout: 10 * 60_000 }, () => {
  const root = new URL('../../node_modules', import.meta.url).pathname;
  const allowed = resolveSecrets({}).allowed;
  const files = walk(root);
  assert.ok(files.length > 1000, `${files.length} files`);
  const found: string[] = [];
  let scanned = 0;
  for (const file of files) {
    const st = statSync(file);
    // as the walker sees it inside an image: /app/node_modules/...
    const meta: EntryMeta = { path: `app/node_modules/${relative(root, file)}`, type: 'file', size: st.size, mode: 0o644, uid: 0, gid: 0 };
    if (!builtinSecretsAnalyzer.wants(meta) || allowed(meta.path)) continue;
    scanned++;
    const hits = builtinSecretsAnalyzer.analyze(meta, readFileSync(file), { truncated: false } as never) as Array<{ rule: string; line: number }> | undefined;
    for (const h of hits ?? []) found.push(`${h.rule} ${meta.path}:${h.line}`);
  }
  assert.ok(scanned > 1000, `${scanned} files scanned`);
  assert.deepEqual(found, []);
});
