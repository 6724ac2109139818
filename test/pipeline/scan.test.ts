/**
 * `bulwark scan DIR`: lock files matched against a database built from real feed subsets, the one-line
 * message without a database, project secrets and secrets a COPY bakes into the image.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { buildDb, fx } from '../vulndb/helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const nodeLock = join(here, '../fixtures/inventory/node/package-lock-v3.json');
const lockDir = join(here, '../fixtures/lockfiles');

interface F {
  ruleId: string;
  stage: string;
  severity: string;
  message: string;
  location: { kind: string; file?: string; line?: number };
  vulnerability?: { package: { name: string; ecosystem: string }; aliases: string[] };
}

let cache: string;
before(async () => {
  cache = (await buildDb([fx('osv/ghsa'), fx('osv/go'), fx('osv/pypi')])).cacheDir;
});

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

const privateKey = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

async function scan(dir: string, ...args: string[]): Promise<{ code: number; rep: { findings: F[]; warnings?: string[]; targets: Array<{ type: string; name: string; packages?: number }>; summary: Record<string, unknown> }; stderr: string }> {
  const r = await runCli(['scan', dir, '-f', 'json', ...args]);
  return { code: r.code, rep: JSON.parse(r.stdout || '{}'), stderr: r.stderr };
}

test('lock files are matched with the image matchers; findings point at the lock file line, stage build', async () => {
  const dir = tempDir('bw-scan-lock-');
  mkdirSync(join(dir, 'web'));
  copyFileSync(nodeLock, join(dir, 'web/package-lock.json'));
  copyFileSync(join(lockDir, 'go-indirect-1.23.mod'), join(dir, 'go.mod'));
  write(dir, { 'api/requirements.txt': 'pip==21.0\nsetuptools==65.0.0\nrequests>=2\n' });
  const { code, rep } = await scan(dir, '--cache-dir', cache);
  assert.equal(code, 0);
  const lockTargets = rep.targets.filter((t) => t.type === 'lockfile').map((t) => t.name).sort();
  assert.deepEqual(lockTargets, ['api/requirements.txt', 'go.mod', 'web/package-lock.json']);
  const vulns = rep.findings.filter((f) => f.vulnerability);
  const byPkg = (n: string) => vulns.filter((f) => f.vulnerability!.package.name === n);
  // lodash 4.17.15: fixed in 4.17.19 / 4.17.21 (GHSA-p6mc-m468-83gw, GHSA-29mw-wpgm-hmr9, GHSA-35jh-r3h4-6jhm)
  assert.deepEqual(byPkg('lodash').map((f) => f.ruleId).sort(), ['CVE-2020-28500', 'CVE-2020-8203', 'CVE-2021-23337']);
  assert.ok(byPkg('lodash').some((f) => f.vulnerability!.aliases.includes('GHSA-p6mc-m468-83gw')));
  assert.ok(byPkg('minimist').some((f) => f.ruleId === 'CVE-2021-44906' && f.severity === 'critical'));
  assert.ok(byPkg('pip').length >= 1 && byPkg('setuptools').length >= 1, JSON.stringify(vulns.map((f) => f.ruleId)));
  const lodash = byPkg('lodash')[0]!;
  assert.equal(lodash.stage, 'build');
  assert.equal(lodash.location.kind, 'file');
  assert.equal(lodash.location.file, 'web/package-lock.json');
  assert.ok(lodash.location.line! > 1);
  assert.equal(rep.summary.vulnerabilitiesChecked, true);
  // gates work on them like on any finding
  const gated = await runCli(['scan', dir, '--cache-dir', cache, '--severity', 'critical', '--exit-code', '3', '-f', 'json']);
  assert.equal(gated.code, 3);
});

test('without a database: one line on how to get one, every other stage still runs, exit 0', async () => {
  const dir = tempDir('bw-scan-nodb-');
  copyFileSync(nodeLock, join(dir, 'package-lock.json'));
  write(dir, { Dockerfile: 'FROM debian:12\nRUN apt-get install -y curl\n' });
  const empty = tempDir('bw-scan-nodb-cache-');
  const { code, rep } = await scan(dir, '--cache-dir', empty, '--exit-code', '0');
  assert.equal(code, 0);
  const w = (rep.warnings ?? []).filter((x) => /vulnerability database/.test(x));
  assert.equal(w.length, 1);
  assert.match(w[0]!, /bulwark db update/);
  assert.ok(rep.findings.some((f) => f.ruleId.startsWith('BW-BUILD-')));
  assert.equal(rep.summary.vulnerabilitiesChecked, false);
  const table = await runCli(['scan', dir, '--cache-dir', empty]);
  assert.equal(table.code, 0);
  assert.match(table.stdout + table.stderr, /bulwark db update/);
  // an explicit --db that does not exist is the user's mistake: a clear error
  const bad = await runCli(['scan', dir, '--db', join(empty, 'nope.db')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no vulnerability database/);
});

test('secrets: a tracked file is BW-PIPELINE-001; a .gitignored key copied by COPY . . is BW-PIPELINE-002 at the COPY line', async () => {
  const dir = tempDir('bw-scan-secret-');
  write(dir, {
    '.gitignore': '.env\nkeys/\n',
    'keys/deploy.pem': privateKey(),
    'config/app.pem': privateKey(),
    'Dockerfile': 'FROM node:20-slim\nWORKDIR /app\nCOPY package.json ./\nCOPY . .\nUSER node\n',
  });
  const { rep } = await scan(dir, '--no-vulns');
  const p1 = rep.findings.filter((f) => f.ruleId === 'BW-PIPELINE-001');
  assert.deepEqual(p1.map((f) => f.location.file), ['config/app.pem']); // keys/ is not in the repository
  const p2 = rep.findings.filter((f) => f.ruleId === 'BW-PIPELINE-002');
  assert.deepEqual(p2.map((f) => f.message.split(' ')[0]).sort(), ['config/app.pem', 'keys/deploy.pem']);
  for (const f of p2) {
    assert.equal(f.location.file, 'Dockerfile');
    assert.equal(f.location.line, 4);
    assert.equal(f.severity, 'critical');
    assert.match(f.message, /no \.dockerignore/);
  }
});

test('secrets: .dockerignore (and <Dockerfile>.dockerignore), narrow COPY sources, COPY --from and builder stages', async () => {
  const dir = tempDir('bw-scan-ctx-');
  write(dir, {
    'svc/.dockerignore': '*.pem\n!keep.pem\n',
    'svc/keep.pem': privateKey(),
    'svc/drop.pem': privateKey(),
    'svc/Dockerfile': 'FROM alpine:3.20\nCOPY . /srv\n',
    'narrow/config/id.pem': privateKey(),
    'narrow/Dockerfile': 'FROM alpine:3.20\nCOPY app/ /app/\nCOPY con*/ /etc/app/\n',
    'narrow/app/main.sh': 'echo hi\n',
    'multi/secret.pem': privateKey(),
    'multi/Dockerfile': 'FROM golang:1.22 AS build\nCOPY . /src\nRUN go build -o /out/app ./...\nFROM scratch\nCOPY --from=build /out/app /app\n',
    'own/Dockerfile': 'FROM alpine:3.20\nCOPY . /x\n',
    'own/Dockerfile.dockerignore': '**/*.pem\n',
    'own/k.pem': privateKey(),
  });
  const { rep } = await scan(dir, '--no-vulns');
  const p2 = rep.findings.filter((f) => f.ruleId === 'BW-PIPELINE-002').map((f) => `${f.location.file}:${f.location.line} ${f.message.split(' ')[0]}`).sort();
  assert.deepEqual(p2, ['narrow/Dockerfile:3 narrow/config/id.pem', 'svc/Dockerfile:2 svc/keep.pem']);
  // every key is still in the repository
  assert.equal(rep.findings.filter((f) => f.ruleId === 'BW-PIPELINE-001').length, 5);
});

test('compose build.context decides the context of the Dockerfile it names', async () => {
  const dir = tempDir('bw-scan-compose-ctx-');
  write(dir, {
    'compose.yaml': 'services:\n  api:\n    build:\n      context: .\n      dockerfile: docker/api.Dockerfile\n',
    'docker/api.Dockerfile': 'FROM alpine:3.20\nCOPY . /app\n',
    '.gitignore': 'secrets/\n',
    'secrets/prod.pem': privateKey(),
  });
  const { rep } = await scan(dir, '--no-vulns');
  const p2 = rep.findings.filter((f) => f.ruleId === 'BW-PIPELINE-002');
  assert.deepEqual(p2.map((f) => `${f.location.file} ${f.message.split(' ')[0]}`), ['docker/api.Dockerfile secrets/prod.pem']);
});

test('one problem, one entry: BW-BUILD-074 (key file by name) folds into BW-PIPELINE-002 (its content) at the same COPY', async () => {
  const dir = tempDir('bw-scan-keyfold-');
  write(dir, {
    'deploy.key': privateKey(),
    '.npmrc': 'registry=https://registry.npmjs.org/\n',
    'Dockerfile': 'FROM alpine:3.20\nCOPY deploy.key /etc/app/\nCOPY .npmrc /root/\nCOPY . /srv\nUSER nobody\n',
  });
  const { rep } = await scan(dir, '--no-vulns');
  const at = (id: string) => rep.findings.filter((f) => f.ruleId === id).map((f) => `${f.location.file}:${f.location.line}`).sort();
  // line 2: both rules see deploy.key -> one BW-PIPELINE-002 with both locations; line 4 (COPY . /srv): 002 only
  assert.deepEqual(at('BW-PIPELINE-002'), ['Dockerfile:2', 'Dockerfile:4']);
  // .npmrc holds no token: the name alone is the finding, 074 stays
  assert.deepEqual(at('BW-BUILD-074'), ['Dockerfile:3']);
  const folded = rep.findings.find((f) => f.ruleId === 'BW-PIPELINE-002' && f.location.line === 2) as F & { evidence: Record<string, unknown> };
  assert.deepEqual(folded.evidence.rules, ['BW-PIPELINE-002', 'BW-BUILD-074']);
  assert.deepEqual(folded.evidence.locations, ['Dockerfile:2:1', 'deploy.key:1']);
  assert.equal((folded.evidence.replaces as string[]).length, 1);
  assert.match(folded.message, /also BW-BUILD-074: a key file by its name/);
  const plain = rep.findings.find((f) => f.ruleId === 'BW-PIPELINE-002' && f.location.line === 4) as F & { evidence: Record<string, unknown> };
  assert.equal(plain.evidence.replaces, undefined);
  // without the pipeline's content check (the key excluded from the context), the lint finding stands alone
  write(dir, { '.dockerignore': 'deploy.key\n' });
  const again = await scan(dir, '--no-vulns');
  assert.deepEqual(again.rep.findings.filter((f) => f.ruleId === 'BW-BUILD-074').map((f) => f.location.line).sort(), [2, 3]);
  assert.ok(!again.rep.findings.some((f) => f.ruleId === 'BW-PIPELINE-002' && f.location.line === 2));
});
