/**
 * `scan DIR --live` on the real engine: containers join the pipeline model, matched to compose services by the
 * compose labels and to workloads by image ID; their own settings (privileged, ports on 0.0.0.0, root) set the
 * exposure of the chains. Containers that match nothing stay out. Every container is created here and removed.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { buildDb, fx } from '../vulndb/helpers.js';
import { ALPINE_OLD_IMAGE, dockerAvailable, ensureAlpineImage } from '../support/images.js';
import type { Finding } from '../../src/core/finding.js';

const here = dirname(fileURLToPath(import.meta.url));
const docker = dockerAvailable();
const skip = docker ? false : 'no Docker engine';
const P = `bwlive${randomBytes(4).toString('hex')}`;
const created: string[] = [];
let cache: string;
let dir: string;
let alpine: string;

const d = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', timeout: 60_000 }).trim();
function container(name: string, mode: 'create' | 'run', args: string[], image: string): void {
  created.push(name);
  d(mode, ...(mode === 'run' ? ['-d'] : []), '--name', name, ...args, image, 'sleep', '600');
}

before(async () => {
  if (!docker) return;
  alpine = ensureAlpineImage();
  cache = (await buildDb([fx('osv/ghsa')])).cacheDir;
  dir = tempDir('bw-live-');
  copyFileSync(join(here, '../fixtures/inventory/node/package-lock-v3.json'), join(dir, 'package-lock.json'));
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${alpine}\nWORKDIR /app\nCOPY . .\nUSER nobody\n`);
  // private services: no port, a non-root USER; "worker" runs the alpine image by name
  writeFileSync(join(dir, 'compose.yaml'), `name: ${P}\nservices:\n  web:\n    build: .\n  worker:\n    build: .\n    image: ${alpine}\n`);
  // matched by compose labels: privileged (can be created, not started here), a port on every interface, root
  container(`${P}-web-1`, 'create', ['--label', `com.docker.compose.project=${P}`, '--label', 'com.docker.compose.service=web', '--privileged', '-p', '0.0.0.0:18461:8080'], alpine);
  // matched by image ID (worker's image), running as root with a published port
  container(`${P}-img`, 'run', ['--user', '0', '-p', '0.0.0.0:18462:8080'], alpine);
  // matched (labels) but not exposed: no port, not privileged, a non-root user
  container(`${P}-web-2`, 'create', ['--label', `com.docker.compose.project=${P}`, '--label', 'com.docker.compose.service=web', '--user', '65534'], ALPINE_OLD_IMAGE);
  // matching nothing: another compose project's labels, another image
  container(`${P}-other`, 'create', ['--label', `com.docker.compose.project=${P}x`, '--label', 'com.docker.compose.service=web', '--privileged'], ALPINE_OLD_IMAGE);
});

after(() => {
  for (const n of created) {
    try {
      d('rm', '-f', n);
    } catch {
      /* already gone */
    }
  }
});

interface Rep {
  findings: Finding[];
  targets: Array<{ type: string; name: string; state?: string; workloads?: string[] }>;
  warnings?: string[];
}

async function scan(...args: string[]): Promise<Rep> {
  const r = await runCli(['scan', dir, '--cache-dir', cache, '--no-images', '-f', 'json', ...args]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return JSON.parse(r.stdout) as Rep;
}

const mine = (rep: Rep) => rep.findings.filter((f) => f.ruleId === 'BW-PIPELINE-010' && f.message.includes(`container ${P}`));

test('--live: a container matched by compose labels brings its real exposure into the chain', { skip }, async () => {
  // without --live the project's services are private: no chain
  assert.deepEqual((await scan()).findings.filter((f) => f.ruleId === 'BW-PIPELINE-010'), []);
  const rep = await scan('--live');
  const web1 = mine(rep).filter((f) => f.message.includes(`container ${P}-web-1 `));
  assert.ok(web1.length > 0, mine(rep).map((f) => f.message).join('\n'));
  const mm = web1.find((f) => /minimist 1\.2\.0/.test(f.message))!;
  assert.equal(
    mm.message.replace(/^.* in minimist/, 'in minimist'),
    `in minimist 1.2.0 (package-lock.json:14) → copied into the image by COPY at Dockerfile:3 → container ${P}-web-1 (created; service web (compose.yaml)) publishes 0.0.0.0:18461, is privileged and runs as root`,
  );
  assert.deepEqual(mm.evidence!.factors, ['published', 'privileged', 'root']);
  const t = rep.targets.find((x) => x.type === 'container' && x.name === `${P}-web-1`);
  assert.deepEqual(t && { state: t.state, workloads: t.workloads }, { state: 'created', workloads: ['service web (compose.yaml)'] });
});

test('--live: a container matched by image ID (the image a service names), running', { skip }, async () => {
  const rep = await scan('--live');
  const img = mine(rep).filter((f) => f.message.includes(`container ${P}-img `));
  assert.ok(img.length > 0);
  assert.match(img[0]!.message, new RegExp(`→ container ${P}-img \\(running; service worker \\(compose\\.yaml\\)\\) publishes 0\\.0\\.0\\.0:18462 and runs as root$`));
});

test('--live passing: a matched container that exposes nothing, and containers of other projects or images, make no chain', { skip }, async () => {
  const rep = await scan('--live');
  assert.deepEqual(mine(rep).filter((f) => f.message.includes(`${P}-web-2`) || f.message.includes(`${P}-other`)), []);
  // web-2 is in the model (matched by labels); "other" is not
  assert.ok(rep.targets.some((x) => x.type === 'container' && x.name === `${P}-web-2`));
  assert.ok(!rep.targets.some((x) => x.name === `${P}-other`));
  assert.ok(rep.warnings!.some((w) => /--live: \d+ container\(s\) on \S+ match no workload of the project \(left out\)/.test(w)));
  // one problem, one entry: a live container adds no second "runs as root across stages" entry
  assert.ok(rep.findings.filter((f) => f.ruleId === 'BW-PIPELINE-011').every((f) => !f.message.startsWith('container ')));
});

test('--live with an engine that does not answer: a one-line error, exit 2', async () => {
  const r = await runCli(['scan', tempDir('bw-live-none-'), '--live', '-H', 'unix:///nonexistent/docker.sock']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});
