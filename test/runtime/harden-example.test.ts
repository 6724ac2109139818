/**
 * The example app (examples/insecure-app/docker-compose.yml: privileged, host network and PID, the Docker
 * socket and / mounted, SYS_ADMIN, seccomp unconfined, a password in the environment) hardened by
 * `bulwark harden compose` still starts on dockerd and serves. Only the images change: the example's
 * `node:latest` build and `postgres:16` cannot be pulled here, so web runs the local Node.js (express) test
 * app and db the local Alpine test image.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../support/cli.js';
import { dockerAvailable, ensureAlpineImage } from '../support/images.js';
import { ensureNodeImage } from '../support/workloads.js';
import { tempDir } from '../support/tmp.js';

const HAVE = dockerAvailable() && spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
const PROJECT = `bwexample${process.pid}`;
const EXAMPLE = fileURLToPath(new URL('../../examples/insecure-app/docker-compose.yml', import.meta.url));
let dir = '';

after(() => {
  if (!HAVE || !dir) return;
  spawnSync('docker-compose', ['-p', PROJECT, '-f', join(dir, 'hardened.yaml'), 'down', '-v', '--remove-orphans'], { cwd: dir, stdio: 'ignore', timeout: 120_000 });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function get(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 2_000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

test('the example app, hardened, starts on dockerd and serves; the re-audit has no critical or high finding', { skip: HAVE ? false : 'needs dockerd and docker-compose', timeout: 600_000 }, async () => {
  const app = ensureNodeImage();
  const alpine = ensureAlpineImage();
  const port = await freePort();
  const dbPort = await freePort();
  dir = tempDir('bw-example-');
  const original = readFileSync(EXAMPLE, 'utf8');
  const text = original
    .replace(/^ {4}build: \.\n/m, '')
    .replace('image: insecure-app:latest', `image: ${app}`)
    .replace('"3000:3000"', `"${port}:3000"`)
    .replace('DB_PASSWORD: Sup3rS3cretPassw0rd!', 'DB_PASSWORD: Sup3rS3cretPassw0rd!\n      PORT: "3000"')
    .replace('image: postgres:16', `image: ${alpine}\n    command: ["sleep", "600"]`)
    .replace('"5432:5432"', `"${dbPort}:5432"`);
  assert.notEqual(text, original);
  writeFileSync(join(dir, 'docker-compose.yml'), text);
  const h = await runCli(['harden', 'compose', '--file', join(dir, 'docker-compose.yml'), '--output', join(dir, 'hardened.yaml')]);
  assert.equal(h.code, 0, h.stderr);
  assert.match(h.stderr, /re-audit of the result: no critical or high runtime finding/);
  const hardened = readFileSync(join(dir, 'hardened.yaml'), 'utf8');
  for (const gone of [/privileged: true/, /network_mode: host/, /pid: host/, /docker\.sock:\/var/, /- \/:\/host/, /- SYS_ADMIN/, /seccomp:unconfined/]) {
    assert.doesNotMatch(hardened.replace(/^\s*#.*$/gm, ''), gone, hardened);
  }
  // the image's own USER (1000), read from the engine
  assert.match(hardened, /user: "1000"/);
  assert.match(hardened, /# A deliberately insecure compose file\./);
  execFileSync('docker-compose', ['-p', PROJECT, '-f', join(dir, 'hardened.yaml'), 'up', '-d'], { cwd: dir, stdio: 'pipe', timeout: 300_000 });
  let got: { status: number; body: string } | undefined;
  for (let i = 0; i < 120 && !got; i++) {
    try {
      got = await get(port);
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  assert.ok(got, 'the hardened web service answered');
  assert.equal(got!.status, 200);
  assert.equal(got!.body, 'ok');
  const states = execFileSync('docker', ['ps', '-a', '--filter', `label=com.docker.compose.project=${PROJECT}`, '--format', '{{.State}}'], { encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual(states, ['running', 'running']);
  // the live containers: nothing critical or high left
  const live = JSON.parse((await runCli(['containers', '--filter', `label=com.docker.compose.project=${PROJECT}`, '--format', 'json'])).stdout);
  assert.deepEqual(live.findings.filter((f: { severity: string }) => f.severity === 'critical' || f.severity === 'high').map((f: { ruleId: string; message: string }) => `${f.ruleId} ${f.message}`), []);
});
