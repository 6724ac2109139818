import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { request } from 'node:http';

import { join } from 'node:path';
import { hardenComposeText } from '../../src/harden/compose.js';
import { hardenRunArgs, shellQuote } from '../../src/harden/run.js';
import { HARDEN_DEFAULTS, hardenSettings } from '../../src/harden/config.js';
import { loadComposeSpecs } from '../../src/runtime/compose/normalize.js';
import { checkContainer } from '../../src/analyzers/runtime/index.js';
import { runArgsToSpec } from '../../src/runtime/runargs.js';
import { runCli } from '../support/cli.js';
import { loadConfig } from '../../src/core/config.js';
import { dockerAvailable, ensureAlpineImage } from '../support/images.js';
import { tempDir } from '../support/tmp.js';

const SAMPLE = `# top comment
x-logging: &logging
  driver: json-file   # keep this

services:
  web:   # the web server
    image: nginx:1.27
    privileged: true
    pid: host
    cap_add:
      - NET_ADMIN
    ports:
      - "8080:80"   # http
      - 9443:443
      - target: 53
        published: 5353
        protocol: udp
    logging: *logging

  worker:
    image: worker
    security_opt: [seccomp:unconfined]
    deploy:
      resources:
        limits:
          memory: 1g
`;

test('harden compose: every service hardened, comments and untouched lines kept verbatim', () => {
  const r = hardenComposeText(SAMPLE, 'compose.yaml', HARDEN_DEFAULTS);
  const out = r.text;
  for (const keep of ['# top comment', '  driver: json-file   # keep this', '  web:   # the web server', '    image: nginx:1.27', '    logging: *logging', '          memory: 1g']) {
    assert.ok(out.includes(keep + '\n'), `kept: ${keep}`);
  }
  assert.ok(!/^\s+privileged: true/m.test(out));
  assert.ok(!/^\s+pid: host/m.test(out));
  assert.match(out, /# bulwark: removed privileged: true/);
  assert.match(out, /# bulwark: removed pid: host/);
  assert.match(out, /# bulwark: kept cap_add NET_ADMIN/);
  assert.match(out, /"127\.0\.0\.1:8080:80" # http/);
  assert.match(out, /"127\.0\.0\.1:9443:443"/);
  assert.match(out, /host_ip: 127\.0\.0\.1/);
  assert.match(r.diff, /^--- compose\.yaml/m);
  assert.match(r.diff, /^-    privileged: true$/m);
  assert.match(r.diff, /^\+    cap_drop: \[ALL\]$/m);
  // limits go into an existing deploy.resources.limits block, else service keys
  assert.match(out, / {10}cpus: 0\.5\n {10}pids: 200/);
  assert.match(out, /mem_limit: 256m/);
  // the hardened file re-audits clean of everything harden fixes
  const dir = tempDir('bw-h-');
  writeFileSync(join(dir, 'compose.yaml'), out);
  const { specs } = loadComposeSpecs({ files: [join(dir, 'compose.yaml')], env: {} });
  const ids = new Set(specs.flatMap((s) => checkContainer(s)).map((f) => f.ruleId));
  for (const id of ['BW-RUNTIME-001', 'BW-RUNTIME-003', 'BW-RUNTIME-005', 'BW-RUNTIME-013', 'BW-RUNTIME-014', 'BW-RUNTIME-015', 'BW-RUNTIME-016', 'BW-RUNTIME-017', 'BW-RUNTIME-018', 'BW-RUNTIME-021', 'BW-ESCAPE-001']) {
    assert.ok(!ids.has(id), `still ${id}`);
  }
  // hardening a hardened file changes nothing
  const again = hardenComposeText(out, 'compose.yaml', HARDEN_DEFAULTS);
  assert.equal(again.text, out);
  assert.deepEqual(again.changes, []);
});

test('harden compose: config section (limits, tmpfs size, public ports) and indentation style', () => {
  const dir = tempDir('bw-hc-');
  writeFileSync(join(dir, '.bulwark.yaml'), 'harden:\n  memory: 1g\n  pids: 64\n  cpus: 2\n  tmpfsSize: 16m\n  publicPorts: ["web:443"]\n');
  const settings = hardenSettings(loadConfig(join(dir, '.bulwark.yaml')));
  assert.equal(settings.memory, '1g');
  assert.equal(settings.cpus, '2');
  const text = 'services:\n    web:\n        image: x\n        ports:\n        - "80:80"\n        - "443:443"\n';
  const r = hardenComposeText(text, 'c.yaml', settings);
  assert.match(r.text, /^ {8}- "127\.0\.0\.1:80:80"$/m);
  assert.match(r.text, /^ {8}- "443:443"$/m);
  assert.match(r.text, /mem_limit: 1g/);
  assert.match(r.text, /pids_limit: 64/);
  assert.match(r.text, /size=16m/);
  assert.throws(() => hardenSettings({ __path: 'x', harden: { memory: 'lots' } } as never), /section 'harden'/);
});

test('harden run: hardened, shell-quoted command line', () => {
  const r = hardenRunArgs(['docker', 'run', '-d', '--privileged', '--net=host', '-p', '8080:80', '-e', "MSG=it's here", '--cap-add', 'NET_ADMIN', 'nginx', 'sh', '-c', 'echo $HOME'], HARDEN_DEFAULTS);
  assert.ok(!r.argv.includes('--privileged'));
  assert.ok(!r.argv.includes('host'));
  assert.ok(r.argv.includes('127.0.0.1:8080:80'));
  assert.equal(r.command.includes(`--env 'MSG=it'\\''s here'`), true);
  assert.ok(r.command.endsWith(`nginx sh -c 'echo $HOME'`));
  // the result parses back and is clean of what harden fixes
  const { spec } = runArgsToSpec(r.argv);
  const ids = new Set(checkContainer(spec).map((f) => f.ruleId));
  for (const id of ['BW-RUNTIME-001', 'BW-RUNTIME-003', 'BW-RUNTIME-004', 'BW-RUNTIME-013', 'BW-RUNTIME-014', 'BW-RUNTIME-015', 'BW-RUNTIME-016', 'BW-RUNTIME-017', 'BW-RUNTIME-021']) assert.ok(!ids.has(id), id);
  assert.equal(shellQuote(''), "''");
  assert.equal(shellQuote('a b'), "'a b'");
});

test('CLI: harden run prints the command; harden compose --output writes the file and prints the diff', async () => {
  const r = await runCli(['harden', 'run', '--', 'docker', 'run', '--privileged', 'alpine']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^docker run --cap-drop ALL --security-opt no-new-privileges:true --read-only /);
  const dir = tempDir('bw-hcli-');
  writeFileSync(join(dir, 'compose.yaml'), SAMPLE);
  const out = join(dir, 'hardened.yaml');
  const c = await runCli(['harden', 'compose', '--file', join(dir, 'compose.yaml'), '--output', out]);
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stdout, /^\+    read_only: true$/m);
  assert.match(readFileSync(out, 'utf8'), /# top comment/);
  const bad = await runCli(['harden', 'run', '--', 'docker', 'run', '--nope', 'x']);
  assert.equal(bad.code, 2);
});

// ---------------------------------------------------------------- the hardened result still runs

const has = (cmd: string, args: string[]) => {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
/** needs dockerd, Debian's docker-compose and busybox-static (Alpine's busybox has no httpd applet) */
const HAVE = dockerAvailable() && has('docker-compose', ['version']) && has('busybox', ['httpd', '--help']);
const HTTPD_IMAGE = 'bulwark-test/httpd:1';

/** bulwark-test/httpd:1 = the Alpine test image plus the host's static busybox (with httpd) */
function ensureHttpdImage(): string {
  const base = ensureAlpineImage();
  const ctx = tempDir('bw-httpd-img-');
  const bb = execFileSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).trim();
  writeFileSync(join(ctx, 'busybox'), readFileSync(bb), { mode: 0o755 });
  writeFileSync(join(ctx, 'Dockerfile'), `FROM ${base}\nCOPY busybox /usr/local/bin/busybox-full\n`);
  execFileSync('flock', ['/tmp/bulwark-test-images.lock', 'docker', 'build', '-q', '-t', HTTPD_IMAGE, ctx], { stdio: 'ignore', timeout: 300_000 });
  return HTTPD_IMAGE;
}
const PROJECT = `bwhard${process.pid}`;
let composeDir = '';

after(() => {
  if (HAVE && composeDir) {
    try {
      execFileSync('docker-compose', ['-p', PROJECT, '-f', join(composeDir, 'hardened.yaml'), 'down', '-v', '--remove-orphans'], { stdio: 'ignore', timeout: 120_000 });
    } catch {
      /* best effort */
    }
  }
});

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
    s.on('error', rej);
  });
}

function httpGet(port: number): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const req = request({ host: '127.0.0.1', port, path: '/index.html', timeout: 5000 }, (r) => {
      let body = '';
      r.on('data', (c) => (body += c));
      r.on('end', () => res({ status: r.statusCode ?? 0, body }));
    });
    req.on('error', rej);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

test('the hardened compose file still runs on dockerd (docker-compose) and busybox httpd serves', { skip: HAVE ? false : 'needs dockerd, docker-compose and busybox-static', timeout: 300_000 }, async () => {
  const image = ensureHttpdImage();
  const port = await freePort();
  composeDir = tempDir('bw-hrun-');
  mkdirSync(join(composeDir, 'www'));
  writeFileSync(join(composeDir, 'www', 'index.html'), 'hello from bulwark\n');
  writeFileSync(
    join(composeDir, 'compose.yaml'),
    `# a deliberately risky service
services:
  web:
    image: ${image}
    privileged: true   # "needed" for nothing
    pid: host
    ports:
      - "${port}:8080"
    volumes:
      - ./www:/www:ro
    command: ["busybox-full", "httpd", "-f", "-p", "8080", "-h", "/www"]
  sidecar:
    image: ${image}
    command: ["busybox", "sleep", "600"]
`,
  );
  const c = await runCli(['harden', 'compose', '--file', join(composeDir, 'compose.yaml'), '--output', join(composeDir, 'hardened.yaml')]);
  assert.equal(c.code, 0, c.stderr);
  const hardened = readFileSync(join(composeDir, 'hardened.yaml'), 'utf8');
  assert.match(hardened, /127\.0\.0\.1:\d+:8080/);
  assert.match(hardened, /# a deliberately risky service/);
  execFileSync('docker-compose', ['-p', PROJECT, '-f', join(composeDir, 'hardened.yaml'), 'up', '-d'], { cwd: composeDir, stdio: 'pipe', timeout: 180_000 });
  const ps = execFileSync('docker', ['ps', '-a', '--filter', `label=com.docker.compose.project=${PROJECT}`, '--format', '{{.Names}} {{.State}}'], { encoding: 'utf8' });
  const states = ps.trim().split('\n').map((l) => l.split(' ')[1]);
  assert.equal(states.length, 2, ps);
  // wait for httpd
  let got: { status: number; body: string } | undefined;
  for (let i = 0; i < 40 && !got; i++) {
    try {
      got = await httpGet(port);
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  assert.ok(got, 'httpd answered');
  assert.equal(got!.status, 200);
  assert.equal(got!.body, 'hello from bulwark\n');
  const ps2 = execFileSync('docker', ['ps', '-a', '--filter', `label=com.docker.compose.project=${PROJECT}`, '--format', '{{.State}}'], { encoding: 'utf8' });
  assert.deepEqual(ps2.trim().split('\n'), ['running', 'running']);
  // and the live, hardened containers audit clean of what harden fixes
  const r = await runCli(['containers', '--filter', `label=com.docker.compose.project=${PROJECT}`, '--format', 'json']);
  const ids = new Set((JSON.parse(r.stdout).findings as Array<{ ruleId: string }>).map((f) => f.ruleId));
  for (const id of ['BW-RUNTIME-001', 'BW-RUNTIME-003', 'BW-RUNTIME-005', 'BW-RUNTIME-013', 'BW-RUNTIME-014', 'BW-RUNTIME-015', 'BW-RUNTIME-016', 'BW-RUNTIME-017', 'BW-RUNTIME-021']) {
    assert.ok(!ids.has(id), `live hardened container still has ${id}`);
  }
});

test('harden compose: privileged from a merge key is overridden; an inherited host namespace is flagged, the shared anchor untouched', () => {
  const text = 'x-base: &base\n  privileged: true\n  pid: host\nservices:\n  a:\n    <<: *base\n    image: x\n';
  const r = hardenComposeText(text, 'c.yaml', HARDEN_DEFAULTS);
  assert.match(r.text, /^x-base: &base\n  privileged: true\n  pid: host\n/);
  assert.match(r.text, /^ {4}privileged: false$/m);
  assert.match(r.text, /# bulwark: pid: host is inherited from a YAML anchor/);
  assert.ok(r.changes.some((c) => /pid: host inherited/.test(c)));
});

test('harden compose: hostile or broken input is a clear error (exit 2), never a crash', async () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
  bomb.push('services:\n  s:\n    image: x\n    command: *l');
  assert.throws(() => hardenComposeText(bomb.join('\n') + '\n', 'b.yaml', HARDEN_DEFAULTS), /[Aa]lias|resource exhaustion/);
  assert.throws(() => hardenComposeText('services: [\n', 'x.yaml', HARDEN_DEFAULTS), /invalid YAML/);
  assert.throws(() => hardenComposeText('version: "3"\n', 'x.yaml', HARDEN_DEFAULTS), /no 'services'/);
  const dir = tempDir('bw-hbad-');
  writeFileSync(join(dir, 'compose.yaml'), 'services:\n  a: [\n');
  const r = await runCli(['harden', 'compose', '--file', join(dir, 'compose.yaml')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /invalid YAML/);
});
