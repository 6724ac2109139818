/** Every daemon/host rule: a positive (fail/warn) and a negative (pass/info) case on synthetic evidence. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostRules, daemonRules } from '../../src/analyzers/daemon/index.js';
import type { HostRule } from '../../src/analyzers/daemon/check.js';
import { runChecks } from '../../src/analyzers/daemon/run.js';
import type { HostEvidence } from '../../src/host/types.js';
import { file, makeEvidence, missing, type EvidenceInit } from './evidence.js';
import { readFileSync } from 'node:fs';

const profileFixture = (f: string) => readFileSync(new URL(`../fixtures/profiles/${f}`, import.meta.url), 'utf8');

function check(id: string): HostRule {
  const c = hostRules.find((x) => x.meta.id === id);
  assert.ok(c, id);
  return c;
}

function statusesOf(id: string, ev: HostEvidence): string[] {
  return check(id).check(ev).map((r) => r.status);
}

interface Case {
  id: string;
  bad: EvidenceInit;
  good: EvidenceInit;
  badStatus?: string;
}

const cases: Case[] = [
  { id: 'BW-DAEMON-001', bad: {}, good: { json: { icc: false } } },
  { id: 'BW-DAEMON-002', bad: { argv: ['dockerd', '-l', 'debug'] }, good: { argv: ['dockerd', '--log-level=info'] } },
  { id: 'BW-DAEMON-003', bad: { argv: ['dockerd', '--iptables=false'] }, good: {} },
  { id: 'BW-DAEMON-004', bad: { json: { 'insecure-registries': ['reg.local:5000'] } }, good: { json: { 'insecure-registries': ['127.0.0.0/8'] } } },
  { id: 'BW-DAEMON-055', bad: { json: { 'registry-mirrors': ['http://mirror.local:5000'] } }, good: { json: { 'registry-mirrors': ['https://mirror.local'] } } },
  { id: 'BW-DAEMON-005', bad: { info: { Driver: 'aufs' } }, good: { info: { Driver: 'overlay2' } } },
  { id: 'BW-DAEMON-006', bad: { argv: ['dockerd', '-H', 'tcp://0.0.0.0:2375'] }, good: { argv: ['dockerd', '-H', 'tcp://0.0.0.0:2376', '--tlsverify'] } },
  { id: 'BW-DAEMON-007', bad: {}, good: { json: { 'default-ulimits': { nofile: { Name: 'nofile', Soft: 1024, Hard: 2048 } } } }, badStatus: 'info' },
  { id: 'BW-DAEMON-008', bad: {}, good: { json: { 'userns-remap': 'default' }, info: { SecurityOptions: ['name=seccomp,profile=default', 'name=userns'] } } },
  { id: 'BW-DAEMON-009', bad: { json: { 'cgroup-parent': '/foo' } }, good: {}, badStatus: 'warn' },
  { id: 'BW-DAEMON-010', bad: { argv: ['dockerd', '--storage-opt', 'dm.basesize=50G'] }, good: {}, badStatus: 'warn' },
  { id: 'BW-DAEMON-011', bad: {}, good: { info: { Plugins: { Authorization: ['authz-broker'] } } }, badStatus: 'warn' },
  { id: 'BW-DAEMON-012', bad: {}, good: { info: { LoggingDriver: 'fluentd' } }, badStatus: 'warn' },
  { id: 'BW-DAEMON-013', bad: {}, good: { argv: ['dockerd', '--no-new-privileges'] } },
  { id: 'BW-DAEMON-014', bad: {}, good: { json: { 'live-restore': true }, info: { LiveRestoreEnabled: true } } },
  { id: 'BW-DAEMON-015', bad: { argv: ['dockerd', '--userland-proxy=true'] }, good: { argv: ['dockerd', '--userland-proxy=false'] } },
  { id: 'BW-DAEMON-016', bad: { json: { 'seccomp-profile': 'unconfined' } }, good: {} },
  {
    id: 'BW-DAEMON-060',
    bad: { json: { 'seccomp-profile': '/etc/docker/seccomp.json' }, patch: (ev) => (ev.daemonSeccompProfile = { path: '/etc/docker/seccomp.json', text: profileFixture('permissive.json') }) },
    good: { json: { 'seccomp-profile': '/etc/docker/seccomp.json' }, patch: (ev) => (ev.daemonSeccompProfile = { path: '/etc/docker/seccomp.json', text: profileFixture('least.json') }) },
  },
  {
    id: 'BW-HOST-020',
    bad: { patch: (ev) => (ev.engine.confinement = [{ name: 'web', appArmorProfile: '', securityOpt: [], privileged: false, processLabel: '' }]) },
    good: { info: { SecurityOptions: ['name=apparmor', 'name=seccomp,profile=default'] }, patch: (ev) => (ev.engine.confinement = [{ name: 'web', appArmorProfile: 'docker-default', securityOpt: [], privileged: false, processLabel: '' }]) },
  },
  { id: 'BW-DAEMON-017', bad: { version: { Version: '27.3.1', Experimental: true } }, good: {} },
  { id: 'BW-DAEMON-018', bad: {}, good: { patch: (ev) => (ev.rootless = true) }, badStatus: 'info' },
  { id: 'BW-DAEMON-019', bad: { argv: ['dockerd', '--icc=false'], json: { icc: true } }, good: { json: { icc: false } } },
  { id: 'BW-DAEMON-020', bad: { patch: (ev) => ev.units.service.dropIns.push(file('/etc/systemd/system/docker.service.d/x.conf', 0o664)) }, good: {} },
  { id: 'BW-DAEMON-021', bad: { patch: (ev) => (ev.units.socket.fragment = file('/lib/systemd/system/docker.socket', 0o644, 1000)) }, good: {} },
  { id: 'BW-DAEMON-022', bad: { patch: (ev) => (ev.files['/etc/docker'] = { ...file('/etc/docker', 0o775), type: 'dir' }) }, good: {} },
  {
    id: 'BW-DAEMON-023',
    bad: { patch: (ev) => (ev.registryCerts = [file('/etc/docker/certs.d/r:5000/ca.crt', 0o644)]) },
    good: { patch: (ev) => (ev.registryCerts = [file('/etc/docker/certs.d/r:5000/ca.crt', 0o444), file('/etc/docker/certs.d/r:5000/client.key', 0o400)]) },
  },
  {
    id: 'BW-DAEMON-024',
    bad: { json: { tlsverify: true, tlscacert: '/etc/docker/ca.pem' }, patch: (ev) => (ev.files['/etc/docker/ca.pem'] = file('/etc/docker/ca.pem', 0o644)) },
    good: { json: { tlsverify: true, tlscacert: '/etc/docker/ca.pem' }, patch: (ev) => (ev.files['/etc/docker/ca.pem'] = file('/etc/docker/ca.pem', 0o444)) },
  },
  {
    id: 'BW-DAEMON-025',
    bad: { json: { tlsverify: true, tlscert: '/etc/docker/cert.pem' }, patch: (ev) => (ev.files['/etc/docker/cert.pem'] = file('/etc/docker/cert.pem', 0o444, 1000)) },
    good: { json: { tlsverify: true, tlscert: '/etc/docker/cert.pem' }, patch: (ev) => (ev.files['/etc/docker/cert.pem'] = file('/etc/docker/cert.pem', 0o444)) },
  },
  {
    id: 'BW-DAEMON-026',
    bad: { json: { tlsverify: true, tlskey: '/etc/docker/key.pem' }, patch: (ev) => (ev.files['/etc/docker/key.pem'] = file('/etc/docker/key.pem', 0o600)) },
    good: { json: { tlsverify: true, tlskey: '/etc/docker/key.pem' }, patch: (ev) => (ev.files['/etc/docker/key.pem'] = file('/etc/docker/key.pem', 0o400)) },
  },
  { id: 'BW-DAEMON-027', bad: { patch: (ev) => (ev.sockets.docker = { ...file('/var/run/docker.sock', 0o666, 0, 999), type: 'socket' }) }, good: {} },
  { id: 'BW-DAEMON-028', bad: { json: {}, patch: (ev) => (ev.configFile.facts = file('/etc/docker/daemon.json', 0o664)) }, good: { json: {} } },
  { id: 'BW-DAEMON-029', bad: { patch: (ev) => (ev.envFiles.defaultDocker = file('/etc/default/docker', 0o644, 0, 1000)) }, good: {} },
  { id: 'BW-DAEMON-030', bad: { patch: (ev) => (ev.envFiles.sysconfigDocker = file('/etc/sysconfig/docker', 0o606)) }, good: { patch: (ev) => (ev.envFiles.sysconfigDocker = file('/etc/sysconfig/docker', 0o600)) } },
  { id: 'BW-DAEMON-031', bad: { patch: (ev) => (ev.sockets.containerd = [{ ...file('/run/containerd/containerd.sock', 0o666), type: 'socket' }]) }, good: {} },
  { id: 'BW-DAEMON-040', bad: { images: [{ Id: 'sha256:aaa', RepoTags: null }, { Id: 'sha256:bbb', RepoTags: ['x:1'] }] }, good: { images: [{ Id: 'sha256:bbb', RepoTags: ['x:1'] }] }, badStatus: 'warn' },
  { id: 'BW-DAEMON-041', bad: { containers: Array.from({ length: 30 }, (_, i) => ({ Id: `c${i}`, State: 'exited' })) }, good: { containers: [{ Id: 'c', State: 'running' }] }, badStatus: 'warn' },
  { id: 'BW-DAEMON-050', bad: { info: { Swarm: { LocalNodeState: 'active', ControlAvailable: true, Managers: 4 } } }, good: { info: { Swarm: { LocalNodeState: 'active', ControlAvailable: true, Managers: 3 } } }, badStatus: 'warn' },
  {
    id: 'BW-DAEMON-051',
    bad: { info: { Swarm: { LocalNodeState: 'active', ControlAvailable: true } }, tcpListeners: ['[::]:2377'] },
    good: { info: { Swarm: { LocalNodeState: 'active', ControlAvailable: true } }, tcpListeners: ['10.0.0.5:2377'] },
  },
  {
    id: 'BW-DAEMON-052',
    bad: { patch: (ev) => (ev.engine.networks = [{ Name: 'ingress', Driver: 'overlay', Options: {} }, { Name: 'backend', Driver: 'overlay', Options: {} }]) },
    good: { patch: (ev) => (ev.engine.networks = [{ Name: 'ingress', Driver: 'overlay', Options: {} }, { Name: 'backend', Driver: 'overlay', Options: { encrypted: '' } }]) },
  },
  { id: 'BW-HOST-030', bad: { patch: (ev) => (ev.clientEnv = {}) }, good: { patch: (ev) => (ev.clientEnv = { DOCKER_CONTENT_TRUST: '1' }) }, badStatus: 'warn' },
  {
    id: 'BW-DAEMON-056',
    bad: { info: { Swarm: { LocalNodeState: 'active', ControlAvailable: false } } },
    good: { info: { Swarm: { LocalNodeState: 'inactive' } } },
    badStatus: 'warn',
  },
  {
    id: 'BW-DAEMON-053',
    bad: { info: { Swarm: { LocalNodeState: 'active', ControlAvailable: true, Cluster: { Spec: { EncryptionConfig: { AutoLockManagers: false } } } } } },
    good: { info: { Swarm: { LocalNodeState: 'active', ControlAvailable: true, Cluster: { Spec: { EncryptionConfig: { AutoLockManagers: true } } } } } },
  },
  {
    id: 'BW-DAEMON-054',
    bad: { info: { Swarm: { LocalNodeState: 'active', ControlAvailable: true, Cluster: { Spec: { CAConfig: { NodeCertExpiry: 90 * 86400e9 } } } } } },
    good: { info: { Swarm: { LocalNodeState: 'active', ControlAvailable: true, Cluster: { Spec: { CAConfig: { NodeCertExpiry: 7 * 86400e9 } } } } } },
    badStatus: 'info',
  },
  { id: 'BW-HOST-001', bad: { patch: (ev) => (ev.mounts = ev.mounts.slice(0, 1)) }, good: {} },
  { id: 'BW-HOST-002', bad: { patch: (ev) => (ev.groups.dockerGroup!.members = ['alice']) }, good: {}, badStatus: 'warn' },
  {
    id: 'BW-HOST-003',
    bad: { patch: (ev) => (ev.binaries.runc = file('/usr/sbin/runc', 0o755)) },
    good: {
      patch: (ev) => {
        ev.binaries.runc = file('/usr/sbin/runc', 0o755);
        ev.audit.rules = [
          '-a always,exit -F path=/usr/sbin/runc -F perm=x -k docker',
          '-w /var/lib/docker -k docker',
          '-w /etc/docker -k docker',
          '-w /lib/systemd/system/docker.service -k docker',
          '-w /lib/systemd/system/docker.socket -k docker',
          '-a always,exit -F dir=/run/containerd -F perm=wa -k docker',
          '-w /etc/default/docker -k docker',
        ].map((text) => ({ text, source: '/etc/audit/rules.d/docker.rules' }));
      },
    },
  },
  { id: 'BW-HOST-010', bad: { patch: (ev) => (ev.kernel.release = '5.10.90') }, good: {} },
  { id: 'BW-HOST-011', bad: { patch: (ev) => (ev.components.runc = { version: '1.1.11', source: 'test' }) }, good: {} },
  { id: 'BW-HOST-012', bad: { patch: (ev) => (ev.components.containerd = { version: '1.4.2', source: 'test' }) }, good: {} },
];

describe('daemon/host rules: positive and negative cases', () => {
  it('every rule has a case', () => {
    const withCase = new Set(cases.map((c) => c.id));
    for (const r of daemonRules) if (r.id !== 'BW-HOST-004') assert.ok(withCase.has(r.id), `no test case for ${r.id}`);
  });
  for (const c of cases) {
    it(`${c.id}: flags the bad case, not the good one`, () => {
      const bad = statusesOf(c.id, makeEvidence(c.bad));
      const good = statusesOf(c.id, makeEvidence(c.good));
      const want = c.badStatus ?? 'fail';
      assert.ok(bad.includes(want), `bad: expected ${want} in ${JSON.stringify(bad)}`);
      assert.ok(!good.includes('fail') && !good.includes('warn'), `good: ${JSON.stringify(check(c.id).check(makeEvidence(c.good)))}`);
    });
  }
  it('BW-HOST-004 lists the component versions as info', () => {
    const r = check('BW-HOST-004').check(makeEvidence());
    assert.equal(r[0]!.status, 'info');
    assert.match(r[0]!.message, /Engine 27\.3\.1; containerd 1\.7\.29; runc 1\.2\.8; kernel 6\.6\.30/);
  });
});

describe('Docker Bench bugs that Bulwark does not repeat', () => {
  it('reads --log-level from the command line (Docker Bench only reads daemon.json)', () => {
    assert.deepEqual(statusesOf('BW-DAEMON-002', makeEvidence({ argv: ['dockerd', '--log-level=debug'] })), ['fail']);
  });
  it('detects -H tcp:// on the command line (Docker Bench misses it: a non-breaking space breaks its test)', () => {
    const r = check('BW-DAEMON-006').check(makeEvidence({ argv: ['dockerd', '-H', 'tcp://0.0.0.0:2375'] }));
    assert.equal(r[0]!.status, 'fail');
  });
  it('detects a live TCP listener even when no flag names it', () => {
    const r = check('BW-DAEMON-006').check(makeEvidence({ tcpListeners: ['0.0.0.0:2375'] }));
    assert.equal(r[0]!.status, 'fail');
    assert.match(r[0]!.message, /listening \(PID 4242\)/);
  });
  it('a bool flag does not take a separate value: `--userland-proxy false` leaves an argument dockerd rejects', () => {
    const ev = makeEvidence({ argv: ['dockerd', '--userland-proxy', 'false'] });
    assert.deepEqual(statusesOf('BW-DAEMON-015', ev), ['fail']);
    const r = check('BW-DAEMON-019').check(ev);
    assert.equal(r[0]!.status, 'fail');
    assert.match(r[0]!.message, /does not take arguments: 'false'/);
  });
  it('detects cgroup-parent in daemon.json (Docker Bench grep -v "" never matches)', () => {
    assert.deepEqual(statusesOf('BW-DAEMON-009', makeEvidence({ json: { 'cgroup-parent': 'x' } })), ['warn']);
  });
  it('fails a bind mount of the root filesystem over the data root (Docker Bench mountpoint -q passes it)', () => {
    const ev = makeEvidence({ patch: (e) => (e.mounts[1] = { ...e.mounts[1]!, majMin: '254:1', device: '/dev/vda1', root: '/srv/docker' }) });
    const r = check('BW-HOST-001').check(ev);
    assert.equal(r[0]!.status, 'fail');
    assert.match(r[0]!.message, /bind mount of \/srv\/docker/);
  });
  it('reads the running default bridge for icc and reports a configuration not yet in effect', () => {
    const ev = makeEvidence({ json: { icc: false }, patch: (e) => (e.engine.bridge = { Options: { 'com.docker.network.bridge.enable_icc': 'true' } }) });
    const r = check('BW-DAEMON-001').check(ev);
    assert.equal(r[0]!.status, 'fail');
    assert.match(r[0]!.message, /restart pending/);
  });
  it('does not flag the built-in 127.0.0.0/8 insecure range that /info always lists', () => {
    assert.deepEqual(statusesOf('BW-DAEMON-004', makeEvidence()), ['pass']);
  });
  it('uses the effective /info value: a userns-remap in the file that is not in effect is a failure', () => {
    const r = check('BW-DAEMON-008').check(makeEvidence({ json: { 'userns-remap': 'default' } }));
    assert.equal(r[0]!.status, 'fail');
    assert.match(r[0]!.message, /not in effect/);
  });
  it('checks rootless sockets and files against the daemon user, not root', () => {
    const ev = makeEvidence({
      patch: (e) => {
        e.rootless = true;
        e.daemon!.uid = 1000;
        e.daemonUser = { uid: 1000, name: 'alice', home: '/home/alice', runtimeDir: '/run/user/1000', primaryGid: 1000, subgids: [{ start: 165536, count: 65536 }] };
        // rootless dockerd: group is a subordinate gid, sticky bit set against tmpfiles cleaning
        e.sockets.docker = { ...file('/run/user/1000/docker.sock', 0o1660, 1000, 165640), type: 'socket' };
      },
    });
    assert.deepEqual(statusesOf('BW-DAEMON-027', ev), ['pass', 'pass']);
    // a system file stays root's even for a rootless audit
    assert.deepEqual(statusesOf('BW-DAEMON-029', ev), ['pass', 'pass']);
    ev.sockets.docker = { ...file('/run/user/1000/docker.sock', 0o660, 1001, 1001), type: 'socket' };
    assert.deepEqual(statusesOf('BW-DAEMON-027', ev), ['fail', 'pass']);
  });
  it('reports audit rules present in files but not loaded', () => {
    const ev = makeEvidence({
      patch: (e) => {
        e.binaries.runc = file('/usr/sbin/runc', 0o755);
        e.audit = { rules: [{ text: '-w /usr/sbin/runc -k docker', source: '/etc/audit/rules.d/docker.rules' }], loadedKnown: true, loaded: [] };
      },
    });
    const r = check('BW-HOST-003').check(ev).find((x) => x.cis === '1.1.18');
    assert.equal(r?.status, 'fail');
    assert.match(r!.message, /not loaded/);
  });
});

describe('runChecks', () => {
  it('turns fail/warn into findings with the CIS number of the result only', () => {
    const { findings, results } = runChecks(makeEvidence({ patch: (e) => (e.binaries.runc = file('/usr/sbin/runc', 0o755)) }), 'host');
    const audit = findings.filter((f) => f.ruleId === 'BW-HOST-003');
    assert.ok(audit.length >= 1);
    for (const f of audit) assert.deepEqual(f.references.filter((r) => r.startsWith('CIS-')), [`CIS-${(f.evidence as { cis: string }).cis}`]);
    assert.ok(results.some((r) => r.status === 'pass'));
    assert.equal(findings.length, results.filter((r) => r.status === 'fail' || r.status === 'warn').length);
  });
  it('marks offline engine-only checks not evaluated', () => {
    const { results } = runChecks(makeEvidence({ offline: true }), 'daemon');
    assert.deepEqual(results.filter((r) => r.cis === '6.1' || r.cis === '6.2').map((r) => r.status), ['not-evaluated', 'not-evaluated']);
  });
  it('keeps going when a file could not be examined', () => {
    const ev = makeEvidence({ patch: (e) => (e.envFiles.defaultDocker = { ...missing('/etc/default/docker'), error: 'too many levels of symbolic links' }) });
    const r = check('BW-DAEMON-029').check(ev);
    assert.equal(r[0]!.status, 'warn');
  });
});
