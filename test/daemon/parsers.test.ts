/** Settings resolution, systemd units, audit rules, root-confined symlink resolution. */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDockerdArgs, resolveSettings } from '../../src/host/settings.js';
import { expandExec, parseEnvFile, resolveUnit, splitCommand } from '../../src/host/systemd.js';
import { covers, rulePaths } from '../../src/host/audit.js';
import { HostFs } from '../../src/host/fsroot.js';
import { parseMountinfo } from '../../src/host/collect.js';

describe('dockerd settings', () => {
  it('parses flags in all their forms; bool flags take no separate value; last one wins', () => {
    const p = parseDockerdArgs(['dockerd', '--icc=false', '--live-restore', '-l', 'warn', '-Hunix:///a', '-H', 'tcp://b:1', '--icc=true', '--config-file', '/x.json']);
    assert.deepEqual(p.values.get('--icc'), ['false', 'true']);
    assert.deepEqual(p.values.get('--live-restore'), ['true']);
    assert.deepEqual(p.values.get('-l'), ['warn']);
    assert.equal(p.configFile, '/x.json');
    const r = resolveSettings(['dockerd', '--icc=false', '--icc=true', '-H', 'unix:///a', '--host=tcp://b:1'], undefined);
    assert.equal(r.settings.get('icc')!.value, true);
    assert.deepEqual(r.settings.get('hosts')!.value, ['unix:///a', 'tcp://b:1']);
  });
  it('says where each value came from: flag, daemon.json or the default', () => {
    const r = resolveSettings(['dockerd', '--icc=false'], { 'live-restore': true }, '20.10.24');
    assert.equal(r.settings.get('icc')!.source, 'flag');
    assert.equal(r.settings.get('live-restore')!.source, 'daemon.json');
    assert.equal(r.settings.get('userland-proxy')!.source, 'default');
    assert.equal(r.settings.get('userland-proxy')!.value, true);
  });
  it('reports a key set both as a flag and in daemon.json (dockerd refuses to start)', () => {
    const r = resolveSettings(['dockerd', '-H', 'fd://'], { hosts: ['tcp://0.0.0.0:2375'] });
    assert.equal(r.conflicts.length, 1);
    assert.deepEqual(r.conflicts[0]!.conflict, { flag: ['fd://'], file: ['tcp://0.0.0.0:2375'] });
  });
  it('knows defaults that changed between engine versions', () => {
    assert.equal(resolveSettings(['dockerd'], undefined, '26.1.4').settings.get('ip6tables')!.value, false);
    assert.equal(resolveSettings(['dockerd'], undefined, '27.0.3').settings.get('ip6tables')!.value, true);
  });
  it('parses map flags (--default-ulimit, --log-opt) and string bools in daemon.json', () => {
    const r = resolveSettings(['dockerd', '--default-ulimit', 'nofile=1024:2048', '--log-opt', 'max-size=10m'], { icc: 'false' });
    assert.deepEqual(r.settings.get('default-ulimits')!.value, { nofile: '1024:2048' });
    assert.deepEqual(r.settings.get('log-opts')!.value, { 'max-size': '10m' });
    assert.equal(r.settings.get('icc')!.value, false);
  });
});

describe('systemd units', () => {
  const root = mkdtempSync(join(tmpdir(), 'bw-unit-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const put = (p: string, text: string) => {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  };
  put('/lib/systemd/system/docker.service', '[Service]\nEnvironmentFile=-/etc/default/docker\nExecStart=/usr/bin/dockerd -H fd:// \\\n  $DOCKER_OPTS\n');
  put('/etc/systemd/system/docker.service.d/20-b.conf', '[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H fd:// -H tcp://0.0.0.0:2376 --tlsverify $DOCKER_OPTS\n');
  put('/run/systemd/system/docker.service.d/10-a.conf', '[Service]\nEnvironment="DOCKER_OPTS=--icc=false --debug"\n');
  put('/etc/default/docker', 'export DOCKER_OPTS="--log-level=warn"\n# comment\n');
  mkdirSync(join(root, '/etc/systemd/system'), { recursive: true });
  symlinkSync('/dev/null', join(root, '/etc/systemd/system/docker.socket'));

  it('finds the fragment, applies drop-ins from every directory in name order, resets ExecStart', () => {
    const u = resolveUnit(new HostFs(root), 'docker.service');
    assert.equal(u.fragment?.path, '/lib/systemd/system/docker.service');
    assert.deepEqual(u.dropIns.map((d) => d.path), ['/run/systemd/system/docker.service.d/10-a.conf', '/etc/systemd/system/docker.service.d/20-b.conf']);
    assert.equal(u.execStart.length, 1);
    assert.match(u.execStart[0]!, /tcp:\/\/0\.0\.0\.0:2376/);
    assert.equal(u.environment.DOCKER_OPTS, '--icc=false --debug');
  });
  it('expands $VAR into words like systemd; EnvironmentFile beats Environment', () => {
    const env = { ...{ DOCKER_OPTS: '--icc=false --debug' }, ...parseEnvFile('export DOCKER_OPTS="--log-level=warn"\n') };
    assert.deepEqual(expandExec('/usr/bin/dockerd -H fd:// $DOCKER_OPTS', env), ['/usr/bin/dockerd', '-H', 'fd://', '--log-level=warn']);
    assert.deepEqual(splitCommand(`a "b c" 'd' e\\ f`), ['a', 'b c', 'd', 'e f']);
  });
  it('recognises a masked unit', () => {
    const u = resolveUnit(new HostFs(root), 'docker.socket');
    assert.equal(u.masked, true);
  });
});

describe('audit rules', () => {
  it('reads watches and path/dir fields', () => {
    assert.deepEqual(rulePaths('-w /usr/bin/dockerd -p wa -k docker'), [{ path: '/usr/bin/dockerd', recursive: true }]);
    assert.deepEqual(rulePaths('-a always,exit -F path=/usr/sbin/runc -F perm=x'), [{ path: '/usr/sbin/runc', recursive: false }]);
    assert.deepEqual(rulePaths('-a exit,always -F dir=/etc/docker/ -k d'), [{ path: '/etc/docker', recursive: true }]);
  });
  it('a directory watch covers what is inside; a path rule only itself; no prefix confusion', () => {
    assert.ok(covers('-w /etc/docker -k d', '/etc/docker/daemon.json'));
    assert.ok(!covers('-w /etc/docker -k d', '/etc/dockerfoo'));
    assert.ok(!covers('-a always,exit -F path=/etc/docker', '/etc/docker/daemon.json'));
  });
});

describe('HostFs (--root)', () => {
  const root = mkdtempSync(join(tmpdir(), 'bw-fs-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc/docker'), { recursive: true });
  mkdirSync(join(root, 'srv'), { recursive: true });
  writeFileSync(join(root, 'srv/daemon.json'), '{}');
  symlinkSync('/srv/daemon.json', join(root, 'etc/docker/daemon.json'));
  symlinkSync('../../../../../../../../etc/passwd', join(root, 'etc/docker/up'));
  symlinkSync('loop2', join(root, 'etc/docker/loop1'));
  symlinkSync('loop1', join(root, 'etc/docker/loop2'));

  it('resolves absolute link targets inside the root', () => {
    const f = new HostFs(root).stat('/etc/docker/daemon.json');
    assert.equal(f.exists, true);
    assert.equal(f.realPath, '/srv/daemon.json');
    assert.equal(f.symlink, true);
  });
  it('never climbs out of the root with ..', () => {
    const fs = new HostFs(root);
    assert.equal(fs.resolve('/etc/docker/up').path, '/etc/passwd');
    assert.equal(fs.stat('/etc/docker/up').exists, false);
    assert.equal(fs.readText('/etc/docker/up'), undefined);
  });
  it('reports a symlink loop instead of hanging', () => {
    const f = new HostFs(root).stat('/etc/docker/loop1');
    assert.match(f.error ?? '', /too many levels/);
  });
});

describe('mountinfo', () => {
  it('reads device numbers, bind roots and escaped paths', () => {
    const m = parseMountinfo('29 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n40 29 254:1 /srv/docker /var/lib/docker rw - ext4 /dev/vda1 rw\n41 29 0:50 / /mnt/a\\040b rw - tmpfs tmpfs rw\n');
    assert.equal(m[1]!.root, '/srv/docker');
    assert.equal(m[1]!.majMin, '254:1');
    assert.equal(m[2]!.mountPoint, '/mnt/a b');
  });
});
