/**
 * Cross-stage correlation rules, each with a failing and a passing project: BW-PIPELINE-010 (a vulnerable package
 * reaching an exposed workload, with its chain), BW-PIPELINE-011 (root in several stages, one entry), the runtime
 * "runs as root" that the Dockerfile's USER answers, top fixes, per-stage gates and the CI formats.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { buildDb, fx } from '../vulndb/helpers.js';
import { gateFailures, parseFailOn } from '../../src/app/scan.js';
import { exposureOf } from '../../src/analyzers/pipeline/exposure.js';
import type { ContainerSpec } from '../../src/runtime/model.js';
import type { Finding } from '../../src/core/finding.js';

const here = dirname(fileURLToPath(import.meta.url));
const nodeLock = join(here, '../fixtures/inventory/node/package-lock-v3.json');

let cache: string;
before(async () => {
  cache = (await buildDb([fx('osv/ghsa')])).cacheDir;
});

function project(files: Record<string, string>): string {
  const dir = tempDir('bw-corr-');
  copyFileSync(nodeLock, join(dir, 'package-lock.json'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

interface Rep {
  findings: Array<Finding>;
  summary: { topFixes: Array<{ title: string; where: string; effect: string; score: number }>; text?: string };
}

async function scanJson(dir: string, ...args: string[]): Promise<Rep> {
  const r = await runCli(['scan', dir, '--cache-dir', cache, '-f', 'json', ...args]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return JSON.parse(r.stdout) as Rep;
}

const EXPOSED = {
  Dockerfile: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n',
  'compose.yaml': 'services:\n  web:\n    build: .\n    ports:\n      - "8080:8080"\n',
};
const PRIVATE = {
  Dockerfile: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n',
  'compose.yaml': 'services:\n  web:\n    build: .\n    ports:\n      - "127.0.0.1:8080:8080"\n',
};

test('BW-PIPELINE-010: a vulnerable lock file copied into the image of a service that publishes 0.0.0.0 and runs as root', async () => {
  const rep = await scanJson(project(EXPOSED));
  const chains = rep.findings.filter((f) => f.ruleId === 'BW-PIPELINE-010');
  const lodash = chains.find((f) => /in lodash 4\.17\.15/.test(f.message));
  assert.ok(lodash, chains.map((f) => f.message).join('\n'));
  assert.match(lodash.message, /^CVE-[^→]+ in lodash 4\.17\.15 \(package-lock\.json:\d+\) → copied into the image by COPY at Dockerfile:3 → service web \(compose\.yaml\) publishes 0\.0\.0\.0:8080 and runs as root$/);
  assert.equal(lodash.severity, 'high');
  assert.deepEqual(lodash.evidence!.factors, ['published', 'root']);
  assert.equal(lodash.evidence!.score, 7 * 2.5);
  // minimist 1.2.0: a critical one
  assert.ok(chains.some((f) => /minimist 1\.2\.0/.test(f.message) && f.severity === 'critical'));
  // the table shows the chain and the top fixes first
  const t = await runCli(['scan', project(EXPOSED), '--cache-dir', cache]);
  assert.match(t.stdout, /^Exposed vulnerabilities \(package → build → workload\):\n {2}\[CRITICAL\] (CVE-\S+, )?CVE-2021-44906 in minimist 1\.2\.0 \(package-lock\.json:14\) → /);
  // the exposure of the service amplifies 16 vulnerabilities: binding its port removes the most risk
  assert.match(t.stdout, /\nTop fixes \(by risk removed\):\n {2}1\. bind service web's published ports to 127\.0\.0\.1: "127\.0\.0\.1:8080:8080" \(service web [^\n]*compose\.yaml:5\)\): removes exposure on every interface for \d+ vulnerabilities it runs/);
  assert.match(t.stdout, /\n {2}\d\. upgrade minimist 1\.2\.0 → 1\.2\.6 \(package-lock\.json:14\): removes 2 vulnerabilities \(1 critical, 1 medium\)/);
});

test('BW-PIPELINE-010 passing: bound to 127.0.0.1 and USER node in the Dockerfile; not copied into any image', async () => {
  const rep = await scanJson(project(PRIVATE));
  assert.deepEqual(rep.findings.filter((f) => f.ruleId === 'BW-PIPELINE-010'), []);
  // the lock file's vulnerabilities are still reported, at the lock file
  assert.ok(rep.findings.some((f) => f.vulnerability?.package.name === 'lodash'));
  const notCopied = await scanJson(project({ ...EXPOSED, Dockerfile: 'FROM node:20-slim\nCOPY server.js /app/\n' }));
  assert.deepEqual(notCopied.findings.filter((f) => f.ruleId === 'BW-PIPELINE-010'), []);
});

test('BW-PIPELINE-011: root in the Dockerfile and the compose service is one entry; the stage findings fold into it', async () => {
  const rep = await scanJson(project(EXPOSED));
  const one = rep.findings.filter((f) => f.ruleId === 'BW-PIPELINE-011');
  assert.equal(one.length, 1);
  assert.match(one[0]!.message, /^service web \(compose\.yaml\) runs as root: build Dockerfile:1:1 \(BW-BUILD-004\); runtime service web services\.web \(compose\.yaml:2\) \(BW-RUNTIME-020\)$/);
  assert.deepEqual(rep.findings.filter((f) => f.ruleId === 'BW-BUILD-004' || f.ruleId === 'BW-RUNTIME-020'), []);
});

test('BW-PIPELINE-011 passing, and the runtime root finding answered by the Dockerfile USER (suppressed, with the reason)', async () => {
  const rep = await scanJson(project(PRIVATE));
  assert.deepEqual(rep.findings.filter((f) => f.ruleId === 'BW-PIPELINE-011'), []);
  const rt = rep.findings.filter((f) => f.ruleId === 'BW-RUNTIME-020');
  assert.equal(rt.length, 1);
  assert.equal(rt[0]!.suppressed?.kind, 'config');
  assert.match(rt[0]!.suppressed!.reason!, /built by Dockerfile, whose final stage sets a non-root USER/);
  // a service with an image the project does not build keeps it
  const other = await scanJson(project({ ...PRIVATE, 'compose.yaml': 'services:\n  db:\n    image: postgres:16\n' }));
  assert.equal(other.findings.filter((f) => f.ruleId === 'BW-RUNTIME-020' && !f.suppressed).length, 1);
});

test('exposure factors and their weights', () => {
  const base = { ports: [], capAdd: [], capDrop: [], mounts: [], privileged: false, publishAll: false } as unknown as ContainerSpec;
  assert.deepEqual(exposureOf(base), []);
  assert.deepEqual(exposureOf(base, true).map((f) => f.id), ['root']);
  const all = { ...base, ports: [{ hostPort: '443', containerPort: '443', protocol: 'tcp' }], networkMode: 'host', privileged: true, mounts: [{ type: 'bind', source: '/var/run/docker.sock', target: '/s', readOnly: false }], pidMode: 'host', user: '0' } as unknown as ContainerSpec;
  assert.deepEqual(exposureOf(all).map((f) => `${f.id}:${f.weight}`), ['published:1', 'host-network:1', 'privileged:1', 'runtime-socket:1', 'host-pid:0.5', 'root:0.5']);
  const local = { ...base, ports: [{ hostIp: '127.0.0.1', hostPort: '443', containerPort: '443', protocol: 'tcp' }], capAdd: ['CAP_SYS_ADMIN'], user: 'app' } as unknown as ContainerSpec;
  assert.deepEqual(exposureOf(local).map((f) => f.text), ['adds SYS_ADMIN']);
});

test('top fixes rank by risk removed: an exposure fix counts the vulnerabilities it stops amplifying', async () => {
  const rep = await scanJson(project({ ...EXPOSED, 'compose.yaml': 'services:\n  web:\n    build: .\n    privileged: true\n    ports:\n      - "8080:8080"\n' }));
  const fixes = rep.summary.topFixes;
  assert.ok(fixes.length >= 3 && fixes.length <= 5);
  for (let i = 1; i < fixes.length; i++) assert.ok(fixes[i - 1]!.score >= fixes[i]!.score);
  const priv = fixes.find((x) => x.title === 'remove privileged: true from service web');
  assert.ok(priv, JSON.stringify(fixes, null, 1));
  assert.match(priv.effect, /removes an escape path \(privileged\) for \d+ vulnerabilities it runs/);
  assert.ok(fixes.some((x) => x.title === 'upgrade minimist 1.2.0 → 1.2.6'));
});

test('per-stage gates: --fail-on and .bulwark.yaml fail-on', async () => {
  const dir = project(PRIVATE);
  const build = await runCli(['scan', dir, '--cache-dir', cache, '-f', 'json', '--fail-on', 'build=critical']);
  assert.equal(build.code, 1);
  assert.match(build.stderr, /gate failed: build: \d+ finding\(s\) at critical or worse/);
  const rt = await runCli(['scan', dir, '--cache-dir', cache, '-f', 'json', '--fail-on', 'runtime=critical', '--exit-code', '0']);
  assert.equal(rt.code, 0, rt.stderr);
  writeFileSync(join(dir, '.bulwark.yaml'), 'fail-on:\n  runtime: critical\n  image: high\n');
  assert.equal((await runCli(['scan', dir, '--cache-dir', cache, '-f', 'json'])).code, 0);
  writeFileSync(join(dir, '.bulwark.yaml'), 'fail-on:\n  build: high\n');
  assert.equal((await runCli(['scan', dir, '--cache-dir', cache, '-f', 'json'])).code, 1);
  // an ignored finding does not fail its gate, whatever --severity shows
  writeFileSync(join(dir, '.bulwark.yaml'), 'fail-on:\n  build: critical\nignore:\n  - CVE-2021-44906\n');
  assert.equal((await runCli(['scan', dir, '--cache-dir', cache, '-f', 'json', '--severity', 'low'])).code, 0);
  assert.equal((await runCli(['scan', dir, '--fail-on', 'bogus=high'])).code, 2);
  assert.deepEqual(parseFailOn('high'), { build: 'high', image: 'high', registry: 'high', runtime: 'high', daemon: 'high', host: 'high' });
  const unknownOnly = [{ stage: 'image', severity: 'unknown' } as Finding];
  assert.deepEqual(gateFailures(unknownOnly, { image: 'low' }), []);
  assert.equal(gateFailures(unknownOnly, { image: 'unknown' }).length, 1);
});

test('--format junit and github', async () => {
  const dir = project(EXPOSED);
  const j = await runCli(['scan', dir, '--cache-dir', cache, '-f', 'junit'], { cwd: dir });
  assert.match(j.stdout, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="bulwark" tests="\d+" failures="\d+"/);
  assert.match(j.stdout, /<testsuite name="build" tests="\d+" failures="\d+"/);
  assert.match(j.stdout, /<testcase classname="build\.package-lock\.json" name="CVE-2021-44906 package-lock\.json:\d+" file="package-lock\.json" line="\d+">\n {6}<failure type="critical"/);
  // well-formed enough for a strict parser: every testcase closed, no raw & < in text
  assert.equal((j.stdout.match(/<testcase /g) ?? []).length, (j.stdout.match(/<\/testcase>/g) ?? []).length);
  assert.doesNotMatch(j.stdout.replace(/<[^>]*>/g, ''), /[<&](?!amp;|lt;|gt;|quot;)/);
  const g = await runCli(['scan', dir, '--cache-dir', cache, '-f', 'github'], { cwd: dir });
  assert.match(g.stdout, /^::error file=package-lock\.json,line=\d+,col=1,title=CVE-2021-44906 \(critical\)%3A /m);
  assert.match(g.stdout, /^::warning file=compose\.yaml,line=5,col=9,title=BW-RUNTIME-021 \(medium\)%3A Port published on all host interfaces::/m);
  assert.match(g.stdout, /title=BW-PIPELINE-010 \(critical\)[^\n]*fix: upgrade minimist to ≥ 1\.2\.6; /);
  assert.match(g.stdout, /\nbulwark: \d+ finding\(s\) in \d+ target\(s\)\n$/);
  void parseYaml;
});
