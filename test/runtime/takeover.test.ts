/**
 * The host takeover the project exists to stop, on the real engine: a container with CAP_SYS_ADMIN and the
 * host's / mounted writes a file onto the host. Before hardening it succeeds; the command line and the
 * compose file `bulwark harden` writes from the same input start a container that cannot.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { dockerAvailable, ensureAlpineImage } from '../support/images.js';
import { tempDir } from '../support/tmp.js';
import { hardenRunArgs } from '../../src/harden/run.js';
import { HARDEN_DEFAULTS } from '../../src/harden/config.js';

const HAVE = dockerAvailable();
const HAVE_COMPOSE = HAVE && spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
const PREFIX = `bwtakeover${process.pid}`;
const markers: string[] = [];

after(() => {
  for (const m of markers) rmSync(m, { force: true });
  if (!HAVE) return;
  const ids = spawnSync('docker', ['ps', '-aq', '--filter', `label=bulwark-test=${PREFIX}`], { encoding: 'utf8' }).stdout.trim();
  if (ids) spawnSync('docker', ['rm', '-f', ...ids.split('\n')], { stdio: 'ignore' });
});

function marker(name: string): string {
  const m = `/tmp/${PREFIX}-${name}`;
  rmSync(m, { force: true });
  markers.push(m);
  return m;
}

/** the attack: write a file onto the host through the / mount (and, with SYS_ADMIN, try mounting too) */
const attack = (m: string) => `echo pwned > /host${m} || { mount -t tmpfs none /mnt && echo mounted; exit 1; }`;

test('docker run: the takeover writes to the host before hardening, not after', { skip: HAVE ? false : 'needs dockerd', timeout: 180_000 }, async () => {
  const image = ensureAlpineImage();
  const m = marker('run');
  const line = ['docker', 'run', '--label', `bulwark-test=${PREFIX}`, '--cap-add', 'SYS_ADMIN', '-v', '/:/host', image, 'sh', '-c', attack(m)];
  // before: the file appears on the host
  const before = spawnSync(line[0]!, line.slice(1), { encoding: 'utf8', timeout: 60_000 });
  assert.equal(before.status, 0, before.stderr);
  assert.ok(existsSync(m), 'the unhardened container wrote onto the host');
  assert.equal(readFileSync(m, 'utf8'), 'pwned\n');
  rmSync(m);
  // audit: the escape is reported
  const audit = await runCli(['run', '-f', 'json', '--', ...line]);
  const ids = new Set((JSON.parse(audit.stdout).findings as Array<{ ruleId: string }>).map((f) => f.ruleId));
  assert.ok(ids.has('BW-ESCAPE-002') && ids.has('BW-ESCAPE-005'), [...ids].join(' '));
  // harden (the CLI prints the same command line the library builds)
  const h = hardenRunArgs(line, HARDEN_DEFAULTS);
  const cli = await runCli(['harden', 'run', '--', ...line]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(cli.stdout.trim(), h.command);
  assert.match(cli.stderr, /removed --volume \/:\/host \[resolves [^\]]*BW-ESCAPE-005/);
  assert.match(cli.stderr, /removed --cap-add SYS_ADMIN \[resolves [^\]]*BW-ESCAPE-002/);
  assert.match(cli.stderr, /re-audit of the result: no critical or high runtime finding/);
  assert.ok(!h.argv.includes('SYS_ADMIN') && !h.argv.includes('/:/host'));
  assert.deepEqual(h.after.filter((f) => f.severity === 'critical' || f.severity === 'high').map((f) => f.ruleId), []);
  // after: the same attack fails and nothing appears on the host
  const hardened = spawnSync(h.argv[0]!, ['run', '--rm', ...h.argv.slice(2)], { encoding: 'utf8', timeout: 60_000 });
  assert.notEqual(hardened.status, 0, 'the hardened container must not succeed');
  assert.ok(!existsSync(m), 'the hardened container wrote onto the host');
  assert.ok(!/mounted/.test(hardened.stdout), 'mount(2) must fail without SYS_ADMIN');
  // a container with the same hardened settings still runs an ordinary command
  const ok = spawnSync(h.argv[0]!, ['run', '--rm', ...h.argv.slice(2, -3), 'sh', '-c', 'id -u; echo ok > /tmp/x && cat /tmp/x'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual(ok.stdout.trim().split('\n'), ['10001', 'ok']);
});

test('--keep SYS_ADMIN keeps the capability with the reason, and still removes the host mount', { skip: HAVE ? false : 'needs dockerd', timeout: 120_000 }, async () => {
  const image = ensureAlpineImage();
  const m = marker('keep');
  const line = ['docker', 'run', '--label', `bulwark-test=${PREFIX}`, '--cap-add', 'SYS_ADMIN', '-v', '/:/host', image, 'sh', '-c', attack(m)];
  const r = await runCli(['harden', 'run', '--keep', 'SYS_ADMIN=the uploader mounts FUSE filesystems', '--', ...line]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^# bulwark: kept capability SYS_ADMIN on purpose \(--keep SYS_ADMIN\): the uploader mounts FUSE filesystems \[leaves BW-RUNTIME-002/m);
  assert.match(r.stderr, /re-audit of the result: 1 critical\/high runtime finding\(s\) remain \(settings kept on purpose\): BW-RUNTIME-002/);
  const cmd = r.stdout.trim().split('\n').pop()!;
  const run = spawnSync('sh', ['-c', cmd.replace(/^docker run /, 'docker run --rm ')], { encoding: 'utf8', timeout: 60_000 });
  assert.notEqual(run.status, 0);
  assert.ok(!existsSync(m));
});

test('compose: the same takeover before and after `harden compose` (docker-compose on dockerd)', { skip: HAVE_COMPOSE ? false : 'needs dockerd and docker-compose', timeout: 240_000 }, async () => {
  const image = ensureAlpineImage();
  const dir = tempDir('bw-takeover-');
  const m = marker('compose');
  const file = join(dir, 'compose.yaml');
  writeFileSync(
    file,
    `# an "admin tool" that needs the host
services:
  attacker:
    image: ${image}
    cap_add: [SYS_ADMIN]
    volumes:
      - /:/host
      - /var/run/docker.sock:/var/run/docker.sock
    labels:
      bulwark-test: ${PREFIX}
    command: ["sh", "-c", ${JSON.stringify(attack(m))}]
`,
  );
  const project = `${PREFIX}c`;
  const up = (f: string) => spawnSync('docker-compose', ['-p', project, '-f', f, 'run', '--rm', 'attacker'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  try {
    const before = up(file);
    assert.equal(before.status, 0, before.stderr);
    assert.ok(existsSync(m), 'the unhardened service wrote onto the host');
    rmSync(m);
    const out = join(dir, 'hardened.yaml');
    const h = await runCli(['harden', 'compose', '--file', file, '--output', out]);
    assert.equal(h.code, 0, h.stderr);
    const text = readFileSync(out, 'utf8');
    assert.match(text, /^# an "admin tool" that needs the host$/m);
    assert.match(text, /# bulwark: removed volume \/:\/host/);
    assert.match(text, /# bulwark: removed volume \/var\/run\/docker\.sock/);
    assert.match(text, /# bulwark: removed cap_add SYS_ADMIN/);
    assert.match(h.stderr, /re-audit of the result: no critical or high runtime finding/);
    const after = up(out);
    assert.notEqual(after.status, 0, 'the hardened service must not succeed');
    assert.ok(!existsSync(m), 'the hardened service wrote onto the host');
  } finally {
    execFileSync('docker-compose', ['-p', project, '-f', file, 'down', '-v', '--remove-orphans'], { cwd: dir, stdio: 'ignore', timeout: 120_000 });
  }
});
