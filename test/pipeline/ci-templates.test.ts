/**
 * The CI templates, run for real: action.yml's composite steps, the GitLab job's script lines and the Jenkinsfile's
 * `sh` steps are parsed from the files and executed with bash against a copy of examples/pipeline, with `bulwark`
 * on PATH (the CLI from this checkout), an offline database built from the committed feed subsets, and the example
 * image built on the real engine. The gates must fail where the policy says so, and `docker push` must never run.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync, execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { tempDir } from '../support/tmp.js';
import { dockerAvailable, ensureAlpineImage } from '../support/images.js';
import { fx } from '../vulndb/helpers.js';

const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const example = join(repo, 'examples/pipeline');
const FEEDS = [fx('osv/ghsa'), fx('alpine'), fx('kev/known_exploited_vulnerabilities.json')];

let bin: string;
let cacheHome: string;
before(() => {
  bin = tempDir('bw-ci-bin-');
  const tsx = import.meta.resolve('tsx');
  writeFileSync(join(bin, 'bulwark'), `#!/bin/sh\nexec "${process.execPath}" --import "${tsx}" "${join(repo, 'src/cli/bin.ts')}" "$@"\n`);
  chmodSync(join(bin, 'bulwark'), 0o755);
  // `docker push` must never be reached: a shim records it and fails; every other docker command goes through
  const realDocker = spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).stdout.trim() || '/usr/bin/docker';
  writeFileSync(join(bin, 'docker'), `#!/bin/sh\nif [ "$1" = push ]; then echo "$@" >> "${join(bin, 'pushed')}"; exit 99; fi\nexec "${realDocker}" "$@"\n`);
  chmodSync(join(bin, 'docker'), 0o755);
  cacheHome = tempDir('bw-ci-cache-');
});

function workspace(): string {
  const ws = tempDir('bw-ci-ws-');
  cpSync(example, join(ws, 'examples/pipeline'), { recursive: true });
  return ws;
}

function bash(script: string, env: Record<string, string>, cwd: string): { code: number; out: string; err: string } {
  const r = spawnSync('bash', ['-c', script], {
    cwd,
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: process.env.HOME ?? '/root', XDG_CACHE_HOME: cacheHome, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

interface ActionStep {
  name: string;
  id?: string;
  run?: string;
  uses?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

/** Run action.yml's steps as the runner would (inputs substituted, GITHUB_* files), `uses` steps skipped. */
function runAction(inputs: Record<string, string>, ws: string): { results: Array<{ name: string; code: number; out: string; err: string }>; outputs: string } {
  const action = parseYaml(readFileSync(join(repo, 'action.yml'), 'utf8')) as { inputs: Record<string, { default: string }>; runs: { using: string; steps: ActionStep[] } };
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(action.inputs)) values[k] = inputs[k] ?? v.default;
  const outFile = join(ws, 'github-output');
  writeFileSync(outFile, '');
  const stepOutputs: Record<string, Record<string, string>> = {};
  const subst = (s: string) =>
    s.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, k: string) => values[k] ?? '').replace(/\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}/g, (_, id: string, k: string) => stepOutputs[id]?.[k] ?? '');
  const results = [];
  for (const step of action.runs.steps) {
    if (!step.run) continue;
    writeFileSync(outFile, '');
    const env: Record<string, string> = { GITHUB_ACTION_PATH: repo, GITHUB_PATH: join(ws, 'github-path'), GITHUB_OUTPUT: outFile, GITHUB_WORKSPACE: ws };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = subst(String(v));
    const r = bash(subst(step.run), env, ws);
    if (step.id) stepOutputs[step.id] = Object.fromEntries(readFileSync(outFile, 'utf8').split('\n').filter(Boolean).map((l) => l.split('=', 2) as [string, string]));
    results.push({ name: step.name, ...r });
    if (r.code !== 0) break;
  }
  return { results, outputs: JSON.stringify(stepOutputs) };
}

test('action.yml: composite action that scans, writes annotations and SARIF, uploads it, and gates', () => {
  const action = parseYaml(readFileSync(join(repo, 'action.yml'), 'utf8')) as { runs: { using: string; steps: ActionStep[] } };
  assert.equal(action.runs.using, 'composite');
  const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
  assert.ok(upload);
  assert.equal(upload.with?.sarif_file, '${{ inputs.sarif-file }}');

  const dbSources = FEEDS.join('\n');
  // failing gate: the example's lock file has a critical vulnerability (minimist) and a key COPY . . bakes in
  const ws = workspace();
  const fail = runAction({ path: 'examples/pipeline', 'fail-on': 'build=critical', 'db-sources': dbSources }, ws);
  const names = fail.results.map((r) => `${r.name}:${r.code}`);
  assert.deepEqual(names, ['Install Bulwark:0', 'Vulnerability database:0', 'Scan:0', 'Gate:1'], JSON.stringify(fail.results.map((r) => r.err.slice(0, 500))));
  const scan = fail.results[2]!;
  assert.match(scan.out, /^::error file=examples\/pipeline\/package-lock\.json,line=\d+,col=1,title=CVE-2021-44906 \(critical\)/m);
  assert.match(scan.out, /^::error file=examples\/pipeline\/Dockerfile,line=6,col=1,title=BW-PIPELINE-002 \(critical\)/m);
  assert.match(scan.err, /gate failed: build: \d+ finding\(s\) at critical or worse/);
  const sarif = JSON.parse(readFileSync(join(ws, 'bulwark.sarif'), 'utf8')) as { runs: Array<{ results: unknown[] }> };
  assert.ok(sarif.runs[0]!.results.length > 10);
  // passing: no gate asked for
  const ok = runAction({ path: 'examples/pipeline', 'db-sources': dbSources }, workspace());
  assert.deepEqual(ok.results.map((r) => `${r.name}:${r.code}`), ['Install Bulwark:0', 'Vulnerability database:0', 'Scan:0', 'Gate:0']);
});

test('GitLab template: the job script runs, writes the JUnit report it declares, and fails on the gate', () => {
  const doc = parseYaml(readFileSync(join(repo, 'ci/bulwark.gitlab-ci.yml'), 'utf8')) as {
    variables: Record<string, string>;
    bulwark: { script: string[]; before_script: string[]; artifacts: { reports: { junit: string } } };
  };
  assert.equal(doc.bulwark.artifacts.reports.junit, 'bulwark-junit.xml');
  const ws = workspace();
  const vars = { ...doc.variables, BULWARK_PATH: 'examples/pipeline', BULWARK_DB_SOURCES: FEEDS.join('\n') };
  const lines = [...doc.bulwark.before_script, ...doc.bulwark.script];
  const codes: number[] = [];
  for (const line of lines) {
    const r = bash(line, vars, ws);
    codes.push(r.code);
    if (r.code !== 0) break;
  }
  assert.deepEqual(codes, [0, 0, 0, 0, 1]); // the last line is the gate (build=critical by default)
  const junit = readFileSync(join(ws, 'bulwark-junit.xml'), 'utf8');
  assert.match(junit, /<testsuite name="build" tests="\d+" failures="\d+"/);
  assert.match(junit, /file="examples\/pipeline\/package-lock\.json"/);
  // a looser gate passes
  const pass = bash(doc.bulwark.script.at(-1)!, { ...vars, BULWARK_FAIL_ON: 'registry=critical,daemon=critical' }, ws);
  assert.equal(pass.code, 0, pass.err);
});

const docker = dockerAvailable();
const tag = `bulwark-ci-test/web:${process.pid}`;
after(() => {
  if (docker) spawnSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' });
});

test('Jenkinsfile: builds the image, the scan gate fails on it, and the push stage is never reached', { skip: docker ? false : 'no Docker engine' }, () => {
  const base = ensureAlpineImage();
  const text = readFileSync(join(repo, 'examples/jenkins/Jenkinsfile'), 'utf8');
  const steps = [...text.matchAll(/^\s*sh '([^']+)'\s*$/gm)].map((m) => m[1]!);
  assert.deepEqual(steps.map((s) => s.split(' ').slice(0, 3).join(' ')), [
    'docker build --build-arg',
    'bulwark db update',
    'bulwark scan "$PROJECT"',
    'bulwark scan "$PROJECT"',
    'docker push "$IMAGE"',
  ]);
  const env: Record<string, string> = { IMAGE: tag, PROJECT: 'examples/pipeline', FAIL_ON: /FAIL_ON = '([^']+)'/.exec(text)![1]!, BASE_IMAGE: base };
  const ws = workspace();
  // the database step: offline sources instead of the online default
  steps[1] = `bulwark db update ${FEEDS.map((f) => `--source ${f}`).join(' ')}`;
  const codes: number[] = [];
  let last = { code: 0, out: '', err: '' };
  for (const s of steps) {
    last = bash(s, env, ws);
    codes.push(last.code);
    if (last.code !== 0) break;
  }
  assert.deepEqual(codes, [0, 0, 0, 1], last.err);
  assert.ok(!existsSync(join(bin, 'pushed')), 'docker push ran');
  assert.match(last.err, /gate failed: image: \d+ finding\(s\) at critical or worse/);
  // the JUnit report of the same scan carries the image stage
  assert.match(readFileSync(join(ws, 'bulwark-junit.xml'), 'utf8'), /<testsuite name="image"/);
});

test('the example project: the scan shows the correlated chain from the image and the lock file to the exposed service, and the top fixes', { skip: docker ? false : 'no Docker engine' }, () => {
  const base = ensureAlpineImage();
  const ws = workspace();
  const dir = join(ws, 'examples/pipeline');
  execFileSync('docker', ['build', '-q', '--build-arg', `BASE=${base}`, '-t', tag, dir], { stdio: 'ignore', timeout: 5 * 60_000 });
  mkdirSync(join(ws, 'cache'));
  const db = bash(`bulwark db update --cache-dir cache ${FEEDS.map((f) => `--source ${f}`).join(' ')}`, {}, ws);
  assert.equal(db.code, 0, db.err);
  const r = bash(`bulwark scan examples/pipeline --cache-dir cache --image web=${tag}`, {}, ws);
  assert.equal(r.code, 0, r.err);
  const chainHead = r.out.split('\n\n')[0]!;
  assert.match(chainHead, /^Exposed vulnerabilities \(package → build → workload\):\n {2}\[CRITICAL\] (CVE-\S+, )?CVE-2021-44906 in minimist 1\.2\.0 \(package-lock\.json:\d+\) → copied into the image by COPY at Dockerfile:6 → service web \(compose\.yaml\) publishes 0\.0\.0\.0:8080, adds SYS_ADMIN and runs as root\n/);
  assert.match(chainHead, /\nTop fixes \(by risk removed\):\n {2}1\. /);
  assert.match(r.out, /BW-PIPELINE-002[^\n]*\n[^\n]*deploy\/id_ecdsa\.pem holds a [^\n]*COPY \. \. at Dockerfile:6 bakes it into the image/);
  const j = bash(`bulwark scan examples/pipeline --cache-dir cache --image web=${tag} -f json`, {}, ws);
  const rep = JSON.parse(j.out) as { findings: Array<{ ruleId: string; message: string; location: { kind: string; path?: string }; evidence?: { alsoIn?: string[] } }> };
  const chains = rep.findings.filter((f) => f.ruleId === 'BW-PIPELINE-010').map((f) => f.message);
  // the base image's openssl, through the image the service runs
  assert.ok(chains.some((m) => /^CVE-2024-9143 in (libcrypto3|libssl3) 3\.3\.2-r0 \([^)]*layer 0[^)]*\) → in image \S+, layer 0 → service web \(compose\.yaml\) publishes 0\.0\.0\.0:8080, adds SYS_ADMIN and runs as root$/.test(m)), chains.join('\n'));
  // the Kubernetes Deployment of the same container name runs the same image, privileged, behind a LoadBalancer
  assert.ok(chains.some((m) => /→ in image \S+, layer 0 → Deployment web container web \(k8s\/deployment\.yaml\) is exposed by Service web \(LoadBalancer, port 80\), is privileged/.test(m)), chains.join('\n'));
  // one problem, one entry: the image's copy of the lock file is folded into the project's lock file findings
  assert.deepEqual(rep.findings.filter((f) => f.location.kind === 'image' && f.location.path?.endsWith('package-lock.json')), []);
  const minimist = rep.findings.find((f) => f.ruleId === 'CVE-2021-44906')!;
  assert.match(minimist.evidence!.alsoIn![0]!, /layer 2 .*app\/package-lock\.json/);
  void cpSync;
});
