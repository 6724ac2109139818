/**
 * Acceptance on the real dockerd: one container per risky setting plus a fully hardened one.
 * `bulwark containers --all` must report exactly the expected rules for each; the same settings given as
 * `docker run` args and as a compose service must give the same rule IDs (one model, three front ends).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

import { join } from 'node:path';
import { dockerAvailable, ensureAlpineImage } from '../support/images.js';
import { runCli } from '../support/cli.js';
import { runArgsToSpec } from '../../src/runtime/runargs.js';
import { checkContainer } from '../../src/analyzers/runtime/index.js';
import { loadComposeSpecs } from '../../src/runtime/compose/normalize.js';
import { EngineClient } from '../../src/sources/engine/client.js';
import { engineContainers } from '../../src/runtime/inspect.js';
import { tempDir } from '../support/tmp.js';

const HAVE_DOCKER = dockerAvailable();
const PREFIX = `bwrt${process.pid}-`;
const NET = `${PREFIX}net`;
const work = tempDir('bw-engine-');
const hostDir = join(work, 'hostdir');
mkdirSync(hostDir);

/**
 * the rules a plain `docker run -d --network NET IMAGE busybox sleep` container triggers. Containers sit on a
 * user-defined network (the default bridge is its own case, created only: it does not depend on docker0).
 */
const BASE = ['BW-RUNTIME-003', 'BW-RUNTIME-013', 'BW-RUNTIME-014', 'BW-RUNTIME-015', 'BW-RUNTIME-016', 'BW-RUNTIME-017', 'BW-RUNTIME-020', 'BW-RUNTIME-025'];

interface Case {
  name: string;
  args: string[];
  add: string[];
  remove?: string[];
  /** create only (cannot start on this machine, or would bind host resources) */
  createOnly?: boolean;
  /** do not add `--network NET` */
  noNet?: boolean;
  /** the same settings as a compose service (YAML lines under the service), for the three-front-end check */
  compose?: string;
}

const HARDENED_ARGS = [
  '--user', '65534:65534', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges:true', '--read-only', '--tmpfs', '/tmp:rw,noexec,nosuid,size=8m',
  '--memory', '64m', '--cpus', '0.5', '--pids-limit', '50', '--network', NET, '--cgroupns', 'private', '--health-cmd', 'busybox true', '--restart', 'on-failure:3',
];

const CASES: Case[] = [
  { name: 'base', args: [], add: [], compose: '' },
  { name: 'privileged', args: ['--privileged'], add: ['BW-RUNTIME-001', 'BW-ESCAPE-001'], remove: ['BW-RUNTIME-003'], createOnly: true, compose: 'privileged: true' },
  { name: 'capadd', args: ['--cap-add', 'SYS_PTRACE'], add: ['BW-RUNTIME-002'], compose: 'cap_add: [SYS_PTRACE]' },
  { name: 'bridge', args: [], add: ['BW-RUNTIME-023'], createOnly: true, noNet: true, compose: 'network_mode: bridge' },
  { name: 'nethost', args: ['--network', 'host'], add: ['BW-RUNTIME-004'], noNet: true, compose: 'network_mode: host' },
  { name: 'pidhost', args: ['--pid', 'host'], add: ['BW-RUNTIME-005'], compose: 'pid: host' },
  { name: 'ipchost', args: ['--ipc', 'host'], add: ['BW-RUNTIME-006'], compose: 'ipc: host' },
  { name: 'utshost', args: ['--uts', 'host'], add: ['BW-RUNTIME-007'], compose: 'uts: host' },
  { name: 'usernshost', args: ['--userns', 'host'], add: ['BW-RUNTIME-008'], compose: 'userns_mode: host' },
  { name: 'etcro', args: ['-v', '/etc:/host-etc:ro'], add: ['BW-RUNTIME-009'], compose: 'volumes: ["/etc:/host-etc:ro"]' },
  { name: 'sock', args: ['-v', '/var/run/docker.sock:/var/run/docker.sock'], add: ['BW-RUNTIME-010', 'BW-ESCAPE-003'], compose: 'volumes: ["/var/run/docker.sock:/var/run/docker.sock"]' },
  { name: 'rshared', args: ['--mount', `type=bind,src=${hostDir},dst=/shared,bind-propagation=rshared`], add: ['BW-RUNTIME-011'], createOnly: true },
  { name: 'device', args: ['--device', '/dev/null:/dev/xnull'], add: ['BW-RUNTIME-012'], compose: 'devices: ["/dev/null:/dev/xnull"]' },
  { name: 'seccomp', args: ['--security-opt', 'seccomp=unconfined'], add: ['BW-RUNTIME-018'], compose: 'security_opt: ["seccomp=unconfined"]' },
  { name: 'apparmor', args: ['--security-opt', 'apparmor=unconfined'], add: ['BW-RUNTIME-019'], createOnly: true, compose: 'security_opt: ["apparmor=unconfined"]' },
  { name: 'ports', args: ['-p', '80'], add: ['BW-RUNTIME-021'], compose: 'ports: ["80"]' },
  { name: 'lowport', args: ['-p', '127.0.0.1:81:80'], add: ['BW-RUNTIME-022'], createOnly: true, compose: 'ports: ["127.0.0.1:81:80"]' },
  { name: 'restart', args: ['--restart', 'always'], add: ['BW-RUNTIME-024'], compose: 'restart: always' },
  { name: 'nohealth', args: ['--no-healthcheck'], add: [], compose: 'healthcheck: {disable: true}' },
  { name: 'envsecret', args: ['-e', 'DB_PASSWORD=hunter2'], add: ['BW-RUNTIME-026'], compose: 'environment: {DB_PASSWORD: hunter2}' },
  { name: 'sysctl', args: ['--sysctl', 'kernel.msgmax=65536'], add: ['BW-RUNTIME-027'], compose: 'sysctls: {kernel.msgmax: 65536}' },
  { name: 'ulimit', args: ['--ulimit', 'nofile=1024:2048'], add: ['BW-RUNTIME-028'], compose: 'ulimits: {nofile: {soft: 1024, hard: 2048}}' },
  { name: 'cgparent', args: ['--cgroup-parent', 'bulwark-test.slice'], add: ['BW-RUNTIME-029'], createOnly: true, compose: 'cgroup_parent: bulwark-test.slice' },
  { name: 'label', args: ['--security-opt', 'label=disable'], add: ['BW-RUNTIME-030'], compose: 'security_opt: ["label=disable"]' },
  { name: 'cgroupns', args: ['--cgroupns', 'host'], add: ['BW-RUNTIME-031'], compose: 'cgroup: host' },
  { name: 'sysadmin', args: ['--cap-add', 'SYS_ADMIN', '-v', `${hostDir}:/data:ro`], add: ['BW-RUNTIME-002', 'BW-ESCAPE-002'], compose: `cap_add: [SYS_ADMIN]\n    volumes: ["${hostDir}:/data:ro"]` },
  { name: 'ptrace', args: ['--pid', 'host', '--cap-add', 'SYS_PTRACE'], add: ['BW-RUNTIME-002', 'BW-RUNTIME-005', 'BW-ESCAPE-004'], compose: 'pid: host\n    cap_add: [SYS_PTRACE]' },
  { name: 'sysrw', args: ['-v', '/usr/share/doc:/doc'], add: ['BW-RUNTIME-009', 'BW-ESCAPE-005'], compose: 'volumes: ["/usr/share/doc:/doc"]' },
];

function docker(args: string[], opts: { allowFail?: boolean } = {}): string {
  try {
    return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }).trim();
  } catch (e) {
    if (opts.allowFail) return '';
    throw new Error(`docker ${args.join(' ')}: ${(e as { stderr?: string }).stderr ?? (e as Error).message}`);
  }
}

/** every container states its cgroup namespace: on cgroup v1 hosts the daemon default is `host` (BW-RUNTIME-031) */
function fullArgs(c: Case): string[] {
  const cg = c.args.includes('--cgroupns') ? [] : ['--cgroupns', 'private'];
  return [...(c.noNet ? [] : ['--network', NET]), ...cg, ...c.args];
}

function expected(c: Case): string[] {
  const s = new Set(BASE);
  for (const r of c.remove ?? []) s.delete(r);
  for (const a of c.add) s.add(a);
  return [...s].sort();
}

let image = '';
const live = new Map<string, string[]>();

function cleanup(): void {
  const ids = docker(['ps', '-aq', '--filter', `name=${PREFIX}`], { allowFail: true });
  if (ids) docker(['rm', '-f', ...ids.split('\n')], { allowFail: true });
  docker(['network', 'rm', NET], { allowFail: true });
}

before(async () => {
  if (!HAVE_DOCKER) return;
  image = ensureAlpineImage();
  cleanup();
  docker(['network', 'create', NET]);
  for (const c of CASES) {
    docker([c.createOnly ? 'create' : 'run', ...(c.createOnly ? [] : ['-d']), '--name', `${PREFIX}${c.name}`, ...fullArgs(c), image, 'busybox', 'sleep', '600']);
  }
  docker(['run', '-d', '--name', `${PREFIX}hardened`, ...HARDENED_ARGS, image, 'busybox', 'sleep', '600']);
  const r = await runCli(['containers', '--all', '--filter', `name=${PREFIX}`, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; severity: string; location: { container: string } }> };
  for (const f of rep.findings) {
    const n = f.location.container.slice(PREFIX.length);
    if (!live.has(n)) live.set(n, []);
    if (!live.get(n)!.includes(f.ruleId)) live.get(n)!.push(f.ruleId);
    if (n === 'hardened') assert.equal(f.severity, 'info', `hardened container: ${f.ruleId}`);
  }
});

after(() => {
  if (HAVE_DOCKER) cleanup();
});

const skip = HAVE_DOCKER ? false : 'no Docker engine reachable';

test('containers that cannot start here are audited in Created state (--all)', { skip }, () => {
  const state = docker(['inspect', '-f', '{{.State.Status}}', `${PREFIX}privileged`]);
  assert.equal(state, 'created');
  assert.ok(live.get('privileged')?.includes('BW-ESCAPE-001'));
});

test('the fully hardened container has only info-level findings', { skip }, () => {
  assert.equal(docker(['inspect', '-f', '{{.State.Status}}', `${PREFIX}hardened`]), 'running');
  assert.deepEqual(live.get('hardened') ?? [], []);
});

for (const c of CASES) {
  test(`live container '${c.name}' (${c.args.join(' ') || (c.noNet ? 'default bridge' : 'defaults')}): exactly the expected rules; same as its docker run args`, { skip }, () => {
    assert.deepEqual([...(live.get(c.name) ?? [])].sort(), expected(c));
    const { spec } = runArgsToSpec(['docker', 'run', ...fullArgs(c), image || 'img', 'busybox', 'sleep', '600']);
    assert.deepEqual([...new Set(checkContainer(spec).map((f) => f.ruleId))].sort(), expected(c));
  });
}

test('one model, three front ends: docker run args, compose service and live container give the same rule IDs', { skip }, () => {
  const lines = ['services:'];
  for (const c of CASES.filter((x) => x.compose !== undefined)) {
    lines.push(`  ${c.name}:`, `    image: ${image}`);
    // the live containers sit on a user-defined network (compose would give them a project network)
    if (!c.compose!.includes('network_mode')) lines.push(`    network_mode: ${NET}`);
    if (!c.compose!.includes('cgroup:')) lines.push('    cgroup: private');
    if (c.compose) lines.push(`    ${c.compose}`);
  }
  const dir = tempDir('bw-eq-');
  writeFileSync(join(dir, 'compose.yaml'), lines.join('\n') + '\n');
  const { specs } = loadComposeSpecs({ files: [join(dir, 'compose.yaml')], env: {} });
  let compared = 0;
  for (const s of specs) {
    const c = CASES.find((x) => x.name === s.service)!;
    const fromCompose = [...new Set(checkContainer(s).map((f) => f.ruleId))].sort();
    const { spec } = runArgsToSpec(['docker', 'run', ...fullArgs(c), image, 'busybox', 'sleep', '600']);
    const fromArgs = [...new Set(checkContainer(spec).map((f) => f.ruleId))].sort();
    assert.deepEqual(fromCompose, fromArgs, `compose vs run args for ${c.name}`);
    assert.deepEqual(fromCompose, [...(live.get(c.name) ?? [])].sort(), `compose vs live for ${c.name}`);
    compared++;
  }
  assert.ok(compared >= 20);
});

test('engine front end reads the image config for the effective user and healthcheck', { skip }, async () => {
  const specs = await engineContainers(new EngineClient(), { all: true, filters: { name: [`${PREFIX}hardened`] } });
  assert.equal(specs.length, 1);
  assert.equal(specs[0]!.imageUserKnown, true);
  assert.equal(specs[0]!.user, '65534:65534');
  assert.equal(specs[0]!.state, 'running');
});

test('--from-inspect reads saved docker inspect output (one or many) with the same results', { skip }, async () => {
  const names = CASES.map((c) => `${PREFIX}${c.name}`);
  const file = join(work, 'inspect.json');
  writeFileSync(file, docker(['inspect', ...names]));
  const r = await runCli(['containers', '--from-inspect', file, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const got = new Map<string, Set<string>>();
  for (const f of JSON.parse(r.stdout).findings as Array<{ ruleId: string; location: { container: string; field: string } }>) {
    const n = f.location.container.slice(PREFIX.length);
    if (!got.has(n)) got.set(n, new Set());
    got.get(n)!.add(f.ruleId);
    assert.ok(f.location.field.length > 0);
  }
  for (const c of CASES) assert.deepEqual([...(got.get(c.name) ?? [])].sort(), expected(c), c.name);
});

test('without --all only running containers are audited', { skip }, async () => {
  const r = await runCli(['containers', '--filter', `name=${PREFIX}`, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const names = new Set((JSON.parse(r.stdout).targets as Array<{ name: string }>).map((t) => t.name.slice(PREFIX.length)));
  assert.ok(names.has('hardened') && names.has('base'));
  for (const c of CASES.filter((x) => x.createOnly)) assert.ok(!names.has(c.name), `${c.name} is only created`);
});
