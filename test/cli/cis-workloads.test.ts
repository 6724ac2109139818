/**
 * `bulwark cis` sections 4 and 5 on the real dockerd (#19): containers and images that pass and fail chosen
 * checks, per-check statuses and section scores; offline (`--root`) they are not evaluated unless saved
 * `docker inspect` output is given.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockerAvailable, ensureAlpineImage, ALPINE_OLD_IMAGE } from '../support/images.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { buildTree, loadTree } from '../daemon/tree.js';
import { EngineClient } from '../../src/sources/engine/client.js';
import { engineContainers } from '../../src/runtime/inspect.js';
import { containerSection, CIS5 } from '../../src/analyzers/cis/containers.js';
import type { Report, CheckOutcome } from '../../src/core/report.js';

const HAVE_DOCKER = dockerAvailable();
const skip = HAVE_DOCKER ? false : 'no Docker engine reachable';
const PREFIX = `bwcis${process.pid}-`;
const NET = `${PREFIX}net`;
const TAG = `${PREFIX}img:1`;
/** built images: one that passes the scored image checks, one that fails them */
const GOOD = `${PREFIX}good:1`;
const BAD = `${PREFIX}bad:1`;
const work = tempDir('bw-cis-');
/** a static binary that only waits, mounted as /usr/sbin/sshd: a process named sshd without an SSH server */
const SSHD = join(work, 'sshd');
const HAVE_CC = spawnSync('gcc', ['--version']).status === 0;

const HARDENED = [
  '--user', '65534:65534', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges:true', '--read-only', '--memory', '64m', '--cpus', '0.5',
  '--pids-limit', '50', '--network', NET, '--health-cmd', 'busybox true', '--restart', 'on-failure:3',
];

function docker(args: string[], allowFail = false): string {
  try {
    return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }).trim();
  } catch (e) {
    if (allowFail) return '';
    throw new Error(`docker ${args.join(' ')}: ${(e as { stderr?: string }).stderr ?? (e as Error).message}`);
  }
}

function cleanup(): void {
  const ids = docker(['ps', '-aq', '--filter', `name=${PREFIX}`], true);
  if (ids) docker(['rm', '-f', ...ids.split('\n')], true);
  docker(['network', 'rm', NET], true);
  docker(['rmi', TAG], true); // a tag only: the images under it are the shared test images
  docker(['rmi', GOOD, BAD], true);
}

function build(tag: string, dockerfile: string): void {
  const ctx = join(work, tag.replace(/[^a-z0-9]/g, '_'));
  mkdirSync(ctx, { recursive: true });
  writeFileSync(join(ctx, 'Dockerfile'), dockerfile);
  // content of its own per image: identical COPY/ADD layers would let the good image be read from the bad one's cached layers
  writeFileSync(join(ctx, 'f.txt'), `hello from ${tag}\n`);
  execFileSync('docker', ['build', '-q', '-t', tag, ctx], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000, env: { ...process.env, DOCKER_BUILDKIT: '0' } });
}

let image = '';
let live: Report & { summary: { cis: { sections: Array<{ section: string; checks: number; score: number; counts: Record<string, number> }> } } };
let inUse: Report & { summary: { images: { names: string[] }; containers: { names: string[] } } };
const byCis = (r: Report, cis: string): CheckOutcome => r.checks!.find((c) => c.cis === cis)!;
const offenders = (c: CheckOutcome): string[] => ((c.evidence?.offenders as Array<{ container?: string; image?: string }>) ?? []).map((o) => o.container ?? o.image!);

before(async () => {
  if (!HAVE_DOCKER) return;
  image = ensureAlpineImage();
  cleanup();
  docker(['network', 'create', NET]);
  docker(['run', '-d', '--name', `${PREFIX}hard`, ...HARDENED, image, 'busybox', 'sleep', '600']);
  docker(['create', '--name', `${PREFIX}priv`, '--network', NET, '--privileged', image, 'busybox', 'sleep', '600']);
  docker(['run', '-d', '--name', `${PREFIX}nomem`, '--network', NET, image, 'busybox', 'sleep', '600']);
  // an exec session as root that is still running when the audit reads ExecIDs
  docker(['exec', '-d', '-u', 'root', `${PREFIX}nomem`, 'busybox', 'sleep', '600']);
  if (HAVE_CC) {
    writeFileSync(join(work, 's.c'), '#include <unistd.h>\nint main(void){for(;;)pause();}\n');
    execFileSync('gcc', ['-static', '-O2', '-o', SSHD, join(work, 's.c')]);
    docker(['run', '-d', '--name', `${PREFIX}ssh`, '--network', NET, '-v', `${SSHD}:/usr/sbin/sshd:ro`, image, '/usr/sbin/sshd', '-D']);
  }
  // created from a tag that then moves on to another image: the container runs an older image than its tag names
  docker(['tag', image, TAG]);
  docker(['create', '--name', `${PREFIX}stale`, '--network', NET, TAG, 'busybox', 'sleep', '600']);
  ensureAlpineImage();
  docker(['tag', ALPINE_OLD_IMAGE, TAG]);
  build(GOOD, `FROM ${image}\nCOPY f.txt /f.txt\nUSER 65534\nHEALTHCHECK CMD true\n`);
  // the package index update fails offline: '|| true' keeps it alone in its RUN, which is the point
  build(BAD, `FROM ${image}\nADD f.txt /f.txt\nENV API_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789\nRUN apk update || true\nRUN cp /bin/busybox /usr/local/bin/suidbox && chmod 4755 /usr/local/bin/suidbox\n`);
  docker(['create', '--name', `${PREFIX}badimg`, '--network', NET, BAD, 'busybox', 'sleep', '600']);
  const prev = process.env.DOCKER_CONTENT_TRUST;
  const prevCache = process.env.BULWARK_CACHE_DIR;
  process.env.DOCKER_CONTENT_TRUST = '1';
  // 4.8 reads the files of images whose layers an earlier `bulwark image` scan put in the layer cache
  process.env.BULWARK_CACHE_DIR = join(work, 'cache');
  try {
    const scan = await runCli(['image', `docker:${BAD}`, '--no-vulns', '-f', 'json']);
    assert.equal(scan.code, 0, scan.stderr);
    const r = await runCli(['cis', '-f', 'json']);
    assert.equal(r.code, 0, r.stderr);
    live = JSON.parse(r.stdout);
    const u = await runCli(['cis', '--images', 'in-use', '--containers', 'running', '-f', 'json']);
    assert.equal(u.code, 0, u.stderr);
    inUse = JSON.parse(u.stdout);
  } finally {
    if (prev === undefined) delete process.env.DOCKER_CONTENT_TRUST;
    else process.env.DOCKER_CONTENT_TRUST = prev;
    if (prevCache === undefined) delete process.env.BULWARK_CACHE_DIR;
    else process.env.BULWARK_CACHE_DIR = prevCache;
  }
});

after(() => {
  if (HAVE_DOCKER) cleanup();
});

test('cis live: section 5 has every check 5.1-5.32, each once, with the offending containers', { skip }, () => {
  const five = live.checks!.filter((c) => c.section === '5');
  assert.deepEqual(five.map((c) => c.cis).sort(), ['5.1', ...CIS5.map((c) => c.cis)].sort());
  assert.equal(byCis(live, '5.1').status, 'pass'); // no swarm on the test daemon
  const p = byCis(live, '5.5');
  assert.equal(p.status, 'fail');
  assert.ok(offenders(p).includes(`${PREFIX}priv`), 'a created (not started) privileged container is audited');
  assert.ok(!offenders(p).includes(`${PREFIX}hard`));
  const mem = byCis(live, '5.11');
  assert.equal(mem.status, 'fail');
  assert.ok(offenders(mem).includes(`${PREFIX}nomem`) && !offenders(mem).includes(`${PREFIX}hard`));
  if (HAVE_CC) assert.deepEqual(offenders(byCis(live, '5.7')).filter((n) => n.startsWith(PREFIX)), [`${PREFIX}ssh`]);
  const ex = byCis(live, '5.24');
  assert.equal(ex.status, 'info', 'manual check: listed, not scored');
  assert.ok(offenders(ex).includes(`${PREFIX}nomem`));
  assert.ok(offenders(byCis(live, '5.28')).includes(`${PREFIX}stale`));
  assert.ok(!offenders(byCis(live, '5.28')).includes(`${PREFIX}nomem`));
  // each offender is a finding of the deciding rule, located at the container
  assert.ok(live.findings.some((f) => f.ruleId === 'BW-RUNTIME-001' && (f.location as { container?: string }).container === `${PREFIX}priv`));
  // the section score is Docker Bench's: pass +1, fail/warn -1; manual checks answer info
  const sec = live.summary.cis.sections.find((s) => s.section === '5')!;
  assert.equal(sec.checks, 32);
  assert.equal(sec.score, five.filter((c) => c.status === 'pass').length - five.filter((c) => c.status === 'fail' || c.status === 'warn').length);
  for (const c of five.filter((x) => CIS5.find((d) => d.cis === x.cis)?.manual)) assert.ok(c.status === 'info', `${c.cis} is manual: ${c.status}`);
});

test('cis live: section 4 over every local image, per check, and the content trust of the environment', { skip }, () => {
  const four = live.checks!.filter((c) => c.section === '4');
  assert.deepEqual(four.map((c) => c.cis).sort(), ['4.1', '4.10', '4.11', '4.12', '4.2', '4.3', '4.4', '4.5', '4.6', '4.7', '4.8', '4.9']);
  assert.equal(byCis(live, '4.5').status, 'pass', 'DOCKER_CONTENT_TRUST=1 in the environment');
  for (const [cis, status] of [['4.1', 'fail'], ['4.6', 'fail'], ['4.10', 'fail'], ['4.7', 'info'], ['4.9', 'info']] as const) {
    const c = byCis(live, cis);
    assert.equal(c.status, status, `${cis}: ${c.message}`);
    assert.ok(offenders(c).includes(BAD), `${cis} names ${BAD}: ${c.message}`);
    assert.ok(!offenders(c).includes(GOOD), `${cis} passes ${GOOD}`);
  }
  // the base image's own root filesystem (ADD file:... in /) is not an ADD of the build
  assert.ok(!offenders(byCis(live, '4.9')).includes(image));
  for (const cis of ['4.2', '4.3', '4.4', '4.8', '4.11', '4.12']) assert.equal(byCis(live, cis).status, 'info', `${cis} is manual`);
  // 4.8: the scanned image's setuid file, found from the layer cache; the never-scanned good image is named as not read
  const su = byCis(live, '4.8');
  assert.ok(offenders(su).includes(BAD), su.message);
  assert.ok((su.evidence!.notRead as string[]).includes(GOOD), su.message);
  assert.ok(live.findings.some((f) => f.ruleId === 'BW-IMAGE-011' && f.severity === 'high' && /suidbox/.test(f.message)));
  for (const c of live.checks!.filter((x) => x.status === 'fail' || x.status === 'warn')) assert.ok(c.remediation && c.remediation.length > 10, `${c.cis} ${c.ruleId}: no remediation`);
  assert.ok(live.findings.some((f) => f.ruleId === 'BW-SECRET-007' && (f.location as { image?: string }).image === BAD), 'the token in ENV is a finding of the secret rule');
  assert.ok(!JSON.stringify(live).includes('ghp_abcdefghijklmnopqrstuvwxyz0123456789'), 'the secret is redacted');
  const sec = live.summary.cis.sections.find((s) => s.section === '4')!;
  assert.equal(sec.checks, 12);
  assert.equal(sec.score, four.filter((c) => c.status === 'pass').length - four.filter((c) => c.status === 'fail' || c.status === 'warn').length);
});

test('cis --images in-use --containers running: only running containers and the images they use', { skip }, () => {
  assert.ok(inUse.summary.containers.names.includes(`${PREFIX}hard`));
  assert.ok(!inUse.summary.containers.names.includes(`${PREFIX}priv`), 'a created container is not running');
  assert.ok(inUse.summary.images.names.includes(image));
  assert.ok(!inUse.summary.images.names.includes(BAD), 'the bad image is used only by a created container');
  assert.ok(!inUse.summary.images.names.includes(GOOD), 'no container uses the good image');
  assert.equal(byCis(inUse, '5.5').status === 'fail' && offenders(byCis(inUse, '5.5')).includes(`${PREFIX}priv`), false);
});

test('section 5 over chosen containers: exact statuses and score', { skip }, async () => {
  const client = new EngineClient();
  const specs = await engineContainers(client, { all: true, filters: { name: [PREFIX] } });
  const hard = specs.filter((s) => s.container === `${PREFIX}hard`);
  assert.equal(hard.length, 1);
  const h = containerSection({ specs: hard, what: 'hardened' });
  const scored = CIS5.filter((c) => !c.manual).length;
  assert.deepEqual(h.results.filter((r) => r.status !== 'pass' && r.status !== 'info').map((r) => `${r.cis} ${r.status} ${r.message}`), []);
  assert.equal(h.results.filter((r) => r.status === 'pass').length, scored, 'the hardened container passes every scored check');
  assert.equal(h.findings.length, 0);

  const two = specs.filter((s) => s.container === `${PREFIX}hard` || s.container === `${PREFIX}priv`);
  const t = containerSection({ specs: two, what: 'two' });
  const failed = t.results.filter((r) => r.status === 'fail').map((r) => r.cis);
  // --privileged with no limits, writable root, no health check, default nnp: what Docker Bench would flag, minus 5.2/5.3/5.22 (privileged is 5.5's)
  assert.deepEqual(failed, ['5.5', '5.11', '5.12', '5.13', '5.26', '5.27', '5.29']);
  assert.equal(
    t.results.filter((r) => r.status === 'pass').length - failed.length,
    scored - 2 * failed.length,
  );
});

test('cis --root: sections 4 and 5 not evaluated with the reason; --from-inspect evaluates section 5 offline', { skip }, async () => {
  const root = buildTree(loadTree('root-good'));
  const off = await runCli(['cis', '--root', root, '-f', 'json']);
  assert.equal(off.code, 0, off.stderr);
  const rep = JSON.parse(off.stdout) as Report;
  const five = rep.checks!.filter((c) => c.section === '5' && c.cis !== '5.1');
  assert.equal(five.length, CIS5.length);
  assert.ok(five.every((c) => c.status === 'not-evaluated' && /no engine/.test(c.message)), JSON.stringify(five[0]));
  const four = rep.checks!.filter((c) => c.section === '4');
  assert.equal(four.length, 12);
  assert.ok(four.every((c) => c.status === 'not-evaluated'), JSON.stringify(four.find((c) => c.status !== 'not-evaluated')));

  const file = join(work, 'inspect.json');
  writeFileSync(file, docker(['inspect', `${PREFIX}priv`, `${PREFIX}hard`]));
  const on = await runCli(['cis', '--root', root, '--from-inspect', file, '-f', 'json']);
  assert.equal(on.code, 0, on.stderr);
  const rep2 = JSON.parse(on.stdout) as Report;
  assert.equal(byCis(rep2, '5.5').status, 'fail');
  assert.deepEqual(offenders(byCis(rep2, '5.5')), [`${PREFIX}priv`]);
  assert.equal(byCis(rep2, '5.16').status, 'pass');

  // hostile input: a device never ends, so it is refused before reading (one line, exit 2)
  const dev = await runCli(['cis', '--root', root, '--from-inspect', '/dev/zero']);
  assert.equal(dev.code, 2);
  assert.match(dev.stderr, /not a regular file/);
  const junk = join(work, 'junk.json');
  writeFileSync(junk, '[{"Config": 1}]');
  const j = await runCli(['cis', '--root', root, '--from-inspect', junk]);
  assert.equal(j.code, 2);
  assert.match(j.stderr, /not a container inspect object/);
  const bad = await runCli(['cis', '--root', root, '--containers', 'some']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--containers: expected all or running/);
});
