import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';

import { join } from 'node:path';
import { parseRunArgs, runArgsToSpec, parseMountCsv, parseVolumeShort } from '../../src/runtime/runargs.js';
import { InputError } from '../../src/core/errors.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

test('prefixes: docker run, docker create, docker container run|create', () => {
  assert.equal(parseRunArgs(['docker', 'run', 'img']).command, 'run');
  assert.equal(parseRunArgs(['docker', 'create', 'img']).command, 'create');
  assert.equal(parseRunArgs(['docker', 'container', 'run', 'img']).image, 'img');
  assert.equal(parseRunArgs(['docker', 'container', 'create', '--rm', 'img', 'sh']).cmd[0], 'sh');
  assert.throws(() => parseRunArgs(['docker', 'exec', 'x']), InputError);
});

test('long/short forms, --flag=value, bools with =false, combined short flags', () => {
  const p = parseRunArgs(['docker', 'run', '-itd', '--privileged=false', '-p8080:80', '-e=A=1', '--name=web', '-u', 'nobody', 'img', '-x', '--not-a-flag']);
  const byName = (n: string) => p.flags.filter((f) => f.name === n).map((f) => f.value);
  assert.deepEqual(byName('interactive'), ['true']);
  assert.deepEqual(byName('tty'), ['true']);
  assert.deepEqual(byName('detach'), ['true']);
  assert.deepEqual(byName('privileged'), ['false']);
  assert.deepEqual(byName('publish'), ['8080:80']);
  assert.deepEqual(byName('env'), ['A=1']);
  assert.deepEqual(byName('name'), ['web']);
  assert.equal(p.image, 'img');
  assert.deepEqual(p.cmd, ['-x', '--not-a-flag']);
  // combined short bools then a value flag taking the next argument
  const q = parseRunArgs(['docker', 'run', '-itp', '80:80', 'img']);
  assert.deepEqual(q.flags.map((f) => f.name), ['interactive', 'tty', 'publish']);
  assert.equal(q.flags[2]!.value, '80:80');
  // hidden alias --net folds into --network
  assert.equal(parseRunArgs(['docker', 'run', '--net', 'host', 'img']).flags[0]!.name, 'network');
});

test('repeated flags accumulate', () => {
  const { spec } = runArgsToSpec(['docker', 'run', '--cap-add', 'NET_ADMIN', '--cap-add=cap_sys_time', '-p', '1:1', '-p', '2:2', 'img']);
  assert.deepEqual(spec.capAdd, ['NET_ADMIN', 'SYS_TIME']);
  assert.equal(spec.ports.length, 2);
});

test('unknown flags and bad values are errors naming the flag', () => {
  assert.throws(() => parseRunArgs(['docker', 'run', '--bogus', 'img']), /unknown flag: --bogus/);
  assert.throws(() => parseRunArgs(['docker', 'run', '-Z', 'img']), /unknown shorthand flag: 'Z'/);
  assert.throws(() => parseRunArgs(['docker', 'run', '--privileged=maybe', 'img']), /--privileged/);
  assert.throws(() => parseRunArgs(['docker', 'run', '--memory']), /needs an argument: --memory/);
  assert.throws(() => parseRunArgs(['docker', 'run', '-d']), /requires an image/);
  assert.throws(() => runArgsToSpec(['docker', 'run', '--memory', 'lots', 'img']), /--memory/);
});

test('--mount CSV syntax', () => {
  const m = parseMountCsv('type=bind,source=/var/run/docker.sock,target=/s,readonly,bind-propagation=rshared');
  assert.deepEqual(m, { type: 'bind', source: '/var/run/docker.sock', target: '/s', readOnly: true, propagation: 'rshared' });
  assert.equal(parseMountCsv('type=volume,src=data,dst=/d,ro=false,volume-nocopy').readOnly, false);
  assert.equal(parseMountCsv('"type=bind","src=/a,b",target=/x').source, '/a,b');
  assert.throws(() => parseMountCsv('type=bind,source=/x'), /target is required/);
  assert.throws(() => parseMountCsv('type=weird,target=/x'), /invalid type/);
});

test('-v syntax: named volume vs bind, :ro, :z, propagation, anonymous', () => {
  assert.deepEqual(parseVolumeShort('data:/d'), { type: 'volume', source: 'data', target: '/d', readOnly: false });
  assert.deepEqual(parseVolumeShort('/srv:/d:ro,z,rslave'), { type: 'bind', source: '/srv', target: '/d', readOnly: true, selinux: 'z', propagation: 'rslave' });
  assert.deepEqual(parseVolumeShort('/anon'), { type: 'volume', target: '/anon', readOnly: false });
  assert.equal(parseVolumeShort('./rel:/d', '/base').source, '/base/rel');
  assert.throws(() => parseVolumeShort('/a:/b:bogus'), /invalid volume option/);
});

test('-p with IPs, ranges, /udp, IPv6, and -P', () => {
  const { spec } = runArgsToSpec(['docker', 'run', '-p', '127.0.0.1:8080:80/udp', '-p', '9000-9010:9000-9010', '-p', '[::1]:53:53/udp', '-p', '80', '-P', 'img']);
  assert.deepEqual(spec.ports[0], { hostIp: '127.0.0.1', hostPort: '8080', containerPort: '80', protocol: 'udp' });
  assert.deepEqual(spec.ports[1], { hostIp: undefined, hostPort: '9000-9010', containerPort: '9000-9010', protocol: 'tcp' });
  assert.equal(spec.ports[2]!.hostIp, '::1');
  assert.deepEqual(spec.ports[3], { hostIp: undefined, hostPort: undefined, containerPort: '80', protocol: 'tcp' });
  assert.equal(spec.publishAll, true);
  assert.throws(() => runArgsToSpec(['docker', 'run', '-p', '80/icmp', 'img']), /invalid published port/);
});

test('--env-file is read; -e overrides; env origin recorded', () => {
  const dir = tempDir('bw-env-');
  const f = join(dir, 'app.env');
  writeFileSync(f, '# comment\nAPI_TOKEN=abc123\nPLAIN=1\n\n');
  const { spec } = runArgsToSpec(['docker', 'run', '--env-file', f, '-e', 'PLAIN=2', 'img']);
  assert.deepEqual(spec.env.find((e) => e.name === 'API_TOKEN'), { name: 'API_TOKEN', value: 'abc123', from: 'env-file', file: f });
  assert.equal(spec.env.find((e) => e.name === 'PLAIN')!.value, '2');
  assert.throws(() => runArgsToSpec(['docker', 'run', '--env-file', join(dir, 'missing.env'), 'img']), /cannot read env file/);
});

test('security options, resources, restart, healthcheck, ulimits, sysctls are normalised', () => {
  const { spec } = runArgsToSpec([
    'docker', 'run', '--security-opt', 'seccomp=unconfined', '--security-opt', 'no-new-privileges', '--security-opt', 'label=disable',
    '-m', '512m', '--cpus', '1.5', '-c', '256', '--pids-limit', '64', '--restart', 'on-failure:3', '--health-cmd', 'curl -f localhost',
    '--ulimit', 'nofile=1024:2048', '--sysctl', 'net.core.somaxconn=1024', '--tmpfs', '/tmp:size=1m', '--device', '/dev/sda:/dev/xvda:r',
    '--cgroup-parent', 'x', '--userns', 'host', '--cgroupns=host', 'img',
  ]);
  assert.equal(spec.securityOpt.seccomp, 'unconfined');
  assert.equal(spec.securityOpt.noNewPrivileges, true);
  assert.deepEqual(spec.securityOpt.labels, ['disable']);
  assert.equal(spec.memory, 512 * 1024 * 1024);
  assert.equal(spec.cpus, 1.5);
  assert.equal(spec.cpuShares, 256);
  assert.equal(spec.pidsLimit, 64);
  assert.deepEqual(spec.restart, { name: 'on-failure', maxRetries: 3 });
  assert.deepEqual(spec.healthcheck?.test, ['CMD-SHELL', 'curl -f localhost']);
  assert.deepEqual(spec.ulimits, [{ name: 'nofile', soft: 1024, hard: 2048 }]);
  assert.equal(spec.sysctls['net.core.somaxconn'], '1024');
  assert.deepEqual(spec.tmpfs, [{ target: '/tmp', options: 'size=1m' }]);
  assert.deepEqual(spec.devices, [{ host: '/dev/sda', container: '/dev/xvda', permissions: 'r' }]);
  assert.equal(spec.usernsMode, 'host');
  assert.equal(spec.cgroupnsMode, 'host');
  assert.equal(spec.at.memory!.argIndex, 8);
});

test('CLI: bulwark run reports findings with argument locations; unknown flag exits 2', async () => {
  const r = await runCli(['run', '--format', 'json', '--', 'docker', 'run', '--privileged', 'img']);
  assert.equal(r.code, 0);
  const rep = JSON.parse(r.stdout);
  const f = rep.findings.find((x: { ruleId: string }) => x.ruleId === 'BW-RUNTIME-001');
  assert.equal(f.location.field, '--privileged (arg 2)');
  const bad = await runCli(['run', '--', 'docker', 'run', '--no-such-flag', 'img']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown flag: --no-such-flag/);
});

test('run-only flags are rejected for docker create', () => {
  assert.throws(() => parseRunArgs(['docker', 'create', '-d', 'img']), /docker create has no such flag/);
  assert.throws(() => parseRunArgs(['docker', 'container', 'create', '--sig-proxy=false', 'img']), /sig-proxy/);
  assert.equal(parseRunArgs(['docker', 'run', '-d', '--detach-keys', 'ctrl-x', 'img']).flags.length, 2);
});

test('docker global options before the sub-command are skipped', () => {
  const p = parseRunArgs(['docker', '-H', 'tcp://127.0.0.1:2375', '--context=ci', '-D', 'run', '--privileged', 'img']);
  assert.equal(p.image, 'img');
  assert.deepEqual(p.prefix, ['docker', '-H', 'tcp://127.0.0.1:2375', '--context=ci', '-D', 'run']);
  assert.throws(() => parseRunArgs(['docker', '--bogus', 'run', 'img']), /unknown docker global flag: --bogus/);
  const { spec } = runArgsToSpec(['docker', '-H', 'x', 'run', '--privileged', 'img']);
  assert.equal(spec.at.privileged!.argIndex, 4);
});
