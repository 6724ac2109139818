import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';

import { join } from 'node:path';
import { loadComposeSpecs } from '../../src/runtime/compose/normalize.js';
import { interpolate, parseDotEnv } from '../../src/runtime/compose/interpolate.js';
import { checkContainer } from '../../src/analyzers/runtime/index.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

function project(files: Record<string, string>): string {
  const dir = tempDir('bw-compose-');
  for (const [n, t] of Object.entries(files)) {
    mkdirSync(join(dir, n, '..'), { recursive: true });
    writeFileSync(join(dir, n), t);
  }
  return dir;
}

test('interpolation: ${VAR}, $VAR, :-, -, :?, ?, :+, nested defaults, $$ escapes', () => {
  const env = { A: 'a', EMPTY: '' };
  assert.equal(interpolate('${A}/$A/${B:-d}/${EMPTY:-e}/${EMPTY-f}/${B-g}', env), 'a/a/d/e//g');
  assert.equal(interpolate('${B:-${A}x}', env), 'ax');
  assert.equal(interpolate('$$HOME and $${A}', env), '$HOME and ${A}');
  assert.equal(interpolate('${A:+set}${B:+no}', env), 'set');
  assert.throws(() => interpolate('${B:?B is required}', env), /B is required/);
  assert.throws(() => interpolate('${EMPTY:?empty}', env), /empty/);
  assert.equal(interpolate('${EMPTY?x}', env), '');
  assert.throws(() => interpolate('${A', env), /missing '}'/);
  assert.throws(() => interpolate('${A B}', env), /invalid interpolation/);
});

test('.env parsing: quotes, export, comments, references', () => {
  const e = parseDotEnv('# c\nexport A=1\nB="two ${A}"\nC=\'lit ${A}\'\nD=x # comment\nE\n', '.env');
  assert.deepEqual(e, { A: '1', B: 'two 1', C: 'lit ${A}', D: 'x', E: '' });
});

test('multiple files merge in order; .env + defaults; positions point at the defining file', () => {
  const dir = project({
    '.env': 'TAG=1.2\nPORT=8081\n',
    'compose.yaml': 'services:\n  web:\n    image: nginx:${TAG}\n    ports:\n      - "${PORT}:80"\n    environment:\n      A: "1"\n    cap_add: [NET_ADMIN]\n',
    'compose.override.yaml': 'services:\n  web:\n    privileged: true\n    environment:\n      - B=2\n    ports:\n      - "127.0.0.1:9000:9000"\n    cap_add: [SYS_TIME]\n',
  });
  const { specs } = loadComposeSpecs({ files: [join(dir, 'compose.yaml'), join(dir, 'compose.override.yaml')], env: {} });
  const web = specs[0]!;
  assert.equal(web.image, 'nginx:1.2');
  assert.equal(web.privileged, true);
  assert.deepEqual(web.capAdd, ['NET_ADMIN', 'SYS_TIME']);
  assert.deepEqual(web.ports.map((p) => `${p.hostIp ?? ''}:${p.hostPort}:${p.containerPort}`), [':8081:80', '127.0.0.1:9000:9000']);
  assert.deepEqual(web.env.map((e) => `${e.name}=${e.value}`).sort(), ['A=1', 'B=2']);
  assert.equal(web.at.privileged!.file, join(dir, 'compose.override.yaml'));
  assert.equal(web.at.privileged!.line, 3);
  assert.equal(web.at['ports.0']!.file, join(dir, 'compose.yaml'));
  assert.equal(web.at['ports.0']!.line, 5);
  assert.equal(web.at['ports.0']!.column, 9);
});

test('!reset and !override tags in override files', () => {
  const dir = project({
    'a.yaml': 'services:\n  s:\n    image: x\n    ports: ["80:80"]\n    cap_add: [NET_ADMIN]\n',
    'b.yaml': 'services:\n  s:\n    ports: !reset []\n    cap_add: !override [SYS_TIME]\n',
  });
  const { specs } = loadComposeSpecs({ files: [join(dir, 'a.yaml'), join(dir, 'b.yaml')], env: {} });
  assert.deepEqual(specs[0]!.ports, []);
  assert.deepEqual(specs[0]!.capAdd, ['SYS_TIME']);
});

test('extends: same file and another file, with positions of the base', () => {
  const dir = project({
    'common/base.yml': 'services:\n  hardened:\n    read_only: true\n    cap_drop: [ALL]\n    privileged: true\n',
    'compose.yaml':
      'services:\n  base:\n    image: alpine\n    pid: host\n  child:\n    extends: base\n    user: "1000"\n  other:\n    extends:\n      file: common/base.yml\n      service: hardened\n    image: busybox\n',
  });
  const { specs } = loadComposeSpecs({ files: [join(dir, 'compose.yaml')], env: {} });
  const child = specs.find((s) => s.service === 'child')!;
  assert.equal(child.pidMode, 'host');
  assert.equal(child.image, 'alpine');
  assert.equal(child.user, '1000');
  assert.equal(child.at.pidMode!.line, 4);
  const other = specs.find((s) => s.service === 'other')!;
  assert.equal(other.readOnlyRootfs, true);
  assert.equal(other.privileged, true);
  assert.equal(other.image, 'busybox');
  assert.equal(other.at.privileged!.file, join(dir, 'common/base.yml'));
  assert.equal(other.at.privileged!.line, 5);
});

test('extends cycles are a clear error', () => {
  const dir = project({ 'compose.yaml': 'services:\n  a:\n    extends: b\n  b:\n    extends: a\n' });
  assert.throws(() => loadComposeSpecs({ files: [join(dir, 'compose.yaml')], env: {} }), /circular extends/);
});

test('profiles: services with profiles only when active (--profile or COMPOSE_PROFILES)', () => {
  const dir = project({ 'compose.yaml': 'services:\n  app:\n    image: a\n  debug:\n    image: d\n    profiles: [debug]\n' });
  const f = [join(dir, 'compose.yaml')];
  assert.deepEqual(loadComposeSpecs({ files: f, env: {} }).specs.map((s) => s.service), ['app']);
  assert.deepEqual(loadComposeSpecs({ files: f, env: {}, profiles: ['debug'] }).specs.map((s) => s.service), ['app', 'debug']);
  assert.deepEqual(loadComposeSpecs({ files: f, env: { COMPOSE_PROFILES: 'debug' } }).specs.map((s) => s.service), ['app', 'debug']);
});

test('anchors and merge keys: values merged, positions at the anchor', () => {
  const dir = project({
    'compose.yaml': 'x-base: &base\n  privileged: true\n  restart: always\nservices:\n  a:\n    <<: *base\n    image: x\n  b:\n    <<: *base\n    privileged: false\n    image: y\n',
  });
  const { specs } = loadComposeSpecs({ files: [join(dir, 'compose.yaml')], env: {} });
  const a = specs.find((s) => s.service === 'a')!;
  const b = specs.find((s) => s.service === 'b')!;
  assert.equal(a.privileged, true);
  assert.equal(a.at.privileged!.line, 2);
  assert.equal(b.privileged, false);
  assert.equal(b.at.privileged!.line, 10);
  assert.deepEqual(b.restart, { name: 'always', maxRetries: undefined });
});

test('short and long syntaxes: ports, volumes, secrets, devices, deploy limits, tmpfs, ulimits, sysctls, healthcheck', () => {
  const dir = project({
    'app.env': 'SECRET_KEY=abc\n',
    'compose.yaml': `services:
  s:
    image: x
    env_file: [app.env]
    ports:
      - 80
      - "127.0.0.1:8000-8001:8000-8001/udp"
      - target: 443
        published: "8443"
        host_ip: 0.0.0.0
        protocol: tcp
    volumes:
      - ./data:/data:ro,z
      - named:/named
      - type: bind
        source: /var/run/docker.sock
        target: /sock
        bind:
          propagation: rshared
      - type: tmpfs
        target: /cache
    secrets:
      - db
      - source: api
        target: api_key
    devices:
      - "/dev/fuse:/dev/fuse:rwm"
    deploy:
      resources:
        limits:
          cpus: "0.5"
          memory: 64M
          pids: 100
      restart_policy:
        condition: on-failure
        max_attempts: 3
    tmpfs: /run
    ulimits:
      nproc: 65535
      nofile:
        soft: 20000
        hard: 40000
    sysctls:
      - net.core.somaxconn=1024
    healthcheck:
      test: curl -f http://localhost
    security_opt:
      - apparmor:unconfined
secrets:
  db:
    file: ./db.txt
  api:
    file: ./api.txt
`,
  });
  const s = loadComposeSpecs({ files: [join(dir, 'compose.yaml')], env: {} }).specs[0]!;
  assert.equal(s.ports.length, 3);
  assert.deepEqual(s.ports[1], { hostIp: '127.0.0.1', hostPort: '8000-8001', containerPort: '8000-8001', protocol: 'udp' });
  assert.equal(s.ports[2]!.hostIp, '0.0.0.0');
  assert.deepEqual(s.mounts[0], { type: 'bind', source: join(dir, 'data'), target: '/data', readOnly: true, selinux: 'z' });
  assert.equal(s.mounts[1]!.type, 'volume');
  assert.equal(s.mounts[2]!.propagation, 'rshared');
  assert.deepEqual(s.tmpfs.map((t) => t.target).sort(), ['/cache', '/run']);
  assert.equal(s.memory, 64 * 1024 * 1024);
  assert.equal(s.cpus, 0.5);
  assert.equal(s.pidsLimit, 100);
  assert.deepEqual(s.restart, { name: 'on-failure', maxRetries: 3 });
  assert.deepEqual(s.ulimits, [{ name: 'nproc', soft: 65535, hard: 65535 }, { name: 'nofile', soft: 20000, hard: 40000 }]);
  assert.equal(s.sysctls['net.core.somaxconn'], '1024');
  assert.deepEqual(s.healthcheck?.test, ['CMD-SHELL', 'curl -f http://localhost']);
  assert.equal(s.securityOpt.apparmor, 'unconfined');
  assert.equal(s.env.find((e) => e.name === 'SECRET_KEY')?.from, 'compose-env_file');
  const ids = new Set(checkContainer(s).map((f) => f.ruleId));
  for (const id of ['BW-ESCAPE-003', 'BW-RUNTIME-011', 'BW-RUNTIME-012', 'BW-RUNTIME-019', 'BW-RUNTIME-021', 'BW-RUNTIME-026']) assert.ok(ids.has(id), id);
  assert.ok(!ids.has('BW-RUNTIME-013') && !ids.has('BW-RUNTIME-015') && !ids.has('BW-RUNTIME-024'));
});

test('wrong types are clear errors with file:line:column', () => {
  const dir = project({ 'compose.yaml': 'services:\n  web:\n    image: x\n    privileged: "sometimes"\n    ports: "80:80"\n' });
  assert.throws(() => loadComposeSpecs({ files: [join(dir, 'compose.yaml')], env: {} }), (e: Error) => /compose\.yaml:4:5: service 'web': privileged must be a boolean/.test(e.message));
  const dir2 = project({ 'compose.yaml': 'services:\n  web:\n    image: x\n    ports: "80:80"\n' });
  assert.throws(() => loadComposeSpecs({ files: [join(dir2, 'compose.yaml')], env: {} }), /compose\.yaml:4:5: .*ports must be a list/);
  const dir3 = project({ 'compose.yaml': 'services: [a, b]\n' });
  assert.throws(() => loadComposeSpecs({ files: [join(dir3, 'compose.yaml')], env: {} }), /compose\.yaml:1:1: 'services' must be a mapping/);
  const dir4 = project({ 'compose.yaml': 'services:\n  web:\n    image: ${IMG:?set IMG}\n' });
  assert.throws(() => loadComposeSpecs({ files: [join(dir4, 'compose.yaml')], env: {} }), /compose\.yaml:3:5: required variable IMG is missing a value: set IMG/);
});

test('hostile YAML: alias bomb, invalid YAML, duplicate keys, huge file, deep nesting → errors, no hang', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
  bomb.push('services:\n  s:\n    image: x\n    command: *l');
  const dir = project({
    'bomb.yaml': bomb.join('\n') + '\n',
    'bad.yaml': 'services:\n  s:\n    image: [unclosed\n',
    'dup.yaml': 'services:\n  s:\n    image: a\n    image: b\n',
    'huge.yaml': 'services: {}\n#' + 'x'.repeat(9 * 1024 * 1024) + '\n',
    'deep.yaml': 'services:\n  s:\n    labels: ' + '['.repeat(300) + ']'.repeat(300) + '\n',
  });
  const t0 = Date.now();
  assert.throws(() => loadComposeSpecs({ files: [join(dir, 'bomb.yaml')], env: {} }), /[Aa]lias|resource exhaustion/);
  assert.throws(() => loadComposeSpecs({ files: [join(dir, 'bad.yaml')], env: {} }), /bad\.yaml:\d+:\d+: invalid YAML/);
  assert.throws(() => loadComposeSpecs({ files: [join(dir, 'dup.yaml')], env: {} }), /dup\.yaml:4:\d+: invalid YAML/);
  assert.throws(() => loadComposeSpecs({ files: [join(dir, 'huge.yaml')], env: {} }), /larger than/);
  assert.throws(() => loadComposeSpecs({ files: [join(dir, 'deep.yaml')], env: {} }), /deep\.yaml/);
  assert.ok(Date.now() - t0 < 20_000);
});

test('CLI: compose -f; findings carry compose locations; SARIF shows the file and line', async () => {
  const dir = project({ 'docker-compose.yml': 'services:\n  web:\n    image: x\n    # the risky bit\n    privileged: true\n' });
  const r = await runCli(['compose', '--file', join(dir, 'docker-compose.yml'), '--format', 'sarif']);
  assert.equal(r.code, 0, r.stderr);
  const sarif = JSON.parse(r.stdout);
  const res = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'BW-RUNTIME-001');
  const loc = res.locations[0].physicalLocation;
  assert.match(loc.artifactLocation.uri, /docker-compose\.yml$/);
  assert.equal(loc.region.startLine, 5);
  assert.equal(loc.region.startColumn, 5);
  assert.ok(res.properties.references.includes('CIS-5.5'));
  // without -f: the default file in the current directory
  const r2 = await runCli(['compose', '--format', 'json'], { cwd: dir });
  assert.equal(r2.code, 0, r2.stderr);
  assert.ok(JSON.parse(r2.stdout).findings.some((f: { ruleId: string }) => f.ruleId === 'BW-ESCAPE-001'));
  const bad = await runCli(['compose', '--file', join(dir, 'nope.yml')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /cannot read compose file/);
});

test('include: files loaded as their own project, services added, paths relative to the included file; cycles rejected', () => {
  const dir = project({
    'compose.yaml': 'include:\n  - sub/db.yaml\nservices:\n  app:\n    image: app\n',
    'sub/db.yaml': 'services:\n  db:\n    image: ${DB_IMAGE:-postgres}\n    env_file: [db.env]\n    volumes:\n      - ./data:/var/lib/postgresql/data\n    privileged: true\n',
    'sub/db.env': 'POSTGRES_PASSWORD=secret\n',
    'sub/.env': 'DB_IMAGE=postgres:16\n',
  });
  const { specs } = loadComposeSpecs({ files: [join(dir, 'compose.yaml')], env: {} });
  const db = specs.find((s) => s.service === 'db')!;
  assert.equal(db.image, 'postgres:16');
  assert.equal(db.mounts[0]!.source, join(dir, 'sub/data'));
  assert.equal(db.env.find((e) => e.name === 'POSTGRES_PASSWORD')?.file, join(dir, 'sub/db.env'));
  assert.equal(db.at.privileged!.file, join(dir, 'sub/db.yaml'));
  assert.equal(db.at.privileged!.line, 7);
  const cyc = project({ 'a.yaml': 'include: [b.yaml]\nservices: {}\n', 'b.yaml': 'include: [a.yaml]\nservices: {}\n' });
  assert.throws(() => loadComposeSpecs({ files: [join(cyc, 'a.yaml')], env: {} }), /include cycle/);
  const clash = project({ 'a.yaml': 'include: [b.yaml]\nservices:\n  x:\n    image: a\n', 'b.yaml': 'services:\n  x:\n    image: b\n' });
  assert.throws(() => loadComposeSpecs({ files: [join(clash, 'a.yaml')], env: {} }), /conflicts/);
});
