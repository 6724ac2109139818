/** Offline audits (`--root DIR`) of the good and bad fixture trees: CIS 1.1.x audit rules, CIS 3 files, settings. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectHostEvidence } from '../../src/host/collect.js';
import { runChecks, type RunResult } from '../../src/analyzers/daemon/run.js';
import type { HostEvidence } from '../../src/host/types.js';
import { HostFs } from '../../src/host/fsroot.js';
import { buildTree, isRoot, loadTree, removeTree } from './tree.js';

const ownersNeedRoot = isRoot ? false : 'building fixture trees with owners needs root (chown)';

function statusOf(results: RunResult[], cis: string, ruleId?: string): string[] {
  return results.filter((r) => r.cis === cis && (!ruleId || r.ruleId === ruleId)).map((r) => r.status);
}

describe('--root good tree', { skip: ownersNeedRoot }, () => {
  let root = '';
  let ev: HostEvidence;
  let results: RunResult[];
  before(async () => {
    root = buildTree(loadTree('root-good'));
    ev = await collectHostEvidence({ root });
    results = runChecks(ev, 'all').results;
  });
  after(() => removeTree(root));

  it('is offline, with flags from the unit ExecStart as overridden by the drop-in', () => {
    assert.equal(ev.mode, 'offline');
    assert.match(ev.daemonArgsSource, /docker\.service ExecStart \(with drop-ins\)/);
    assert.ok(ev.daemonArgs.includes('tcp://0.0.0.0:2376'), ev.daemonArgs.join(' '));
    assert.equal(ev.units.service.dropIns.length, 1);
  });

  it('passes every CIS 1.1.3-1.1.18 audit rule check whose path exists (rules from rules.d)', () => {
    const audit = results.filter((r) => r.ruleId === 'BW-HOST-003');
    assert.equal(audit.length, 16);
    for (const r of audit) assert.ok(r.status === 'pass' || r.status === 'info', `${r.cis}: ${r.status} ${r.message}`);
    // the dockerd binary lives in /usr/sbin here; Docker Bench looks only at /usr/bin/dockerd
    assert.deepEqual(statusOf(results, '1.1.3'), ['pass']);
    assert.deepEqual(statusOf(results, '1.1.18'), ['pass']);
  });

  it('passes the separate-partition check from /etc/fstab', () => {
    assert.deepEqual(statusOf(results, '1.1.1'), ['pass']);
  });

  it('passes every CIS 3 ownership and mode check that has a file', () => {
    const files = results.filter((r) => r.section === '3');
    for (const r of files) assert.ok(r.status === 'pass' || r.status === 'info', `${r.cis} ${r.ruleId}: ${r.status} ${r.message}`);
    for (const cis of ['3.1', '3.2', '3.3', '3.4', '3.5', '3.6', '3.7', '3.8', '3.9', '3.10', '3.11', '3.12', '3.13', '3.14', '3.17', '3.18', '3.19', '3.20']) {
      assert.ok(statusOf(results, cis).includes('pass'), `${cis} should pass: ${JSON.stringify(results.filter((r) => r.cis === cis))}`);
    }
  });

  it('passes the hardened daemon settings read from daemon.json and the unit', () => {
    for (const cis of ['2.2', '2.3', '2.5', '2.7', '2.8', '2.9', '2.12', '2.13', '2.14', '2.15', '2.16']) {
      assert.deepEqual(statusOf(results, cis), ['pass'], `${cis}: ${JSON.stringify(results.filter((r) => r.cis === cis))}`);
    }
  });

  it('says "not evaluated" for what needs the Engine API instead of passing', () => {
    assert.deepEqual(statusOf(results, '6.1'), ['not-evaluated']);
    assert.deepEqual(statusOf(results, '6.2'), ['not-evaluated']);
    assert.deepEqual(statusOf(results, '2.6'), ['not-evaluated']);
  });

  it('reads runc/containerd versions from the dpkg database and the Debian fixed versions decide', () => {
    const runc = results.filter((r) => r.ruleId === 'BW-HOST-011');
    const leaky = runc.find((r) => r.key === 'CVE-2024-21626');
    assert.equal(leaky?.status, 'pass', leaky?.message);
    assert.match(leaky!.message, /Debian bookworm fixed CVE-2024-21626 in 1\.1\.5\+ds1-1\+deb12u1/);
  });

  it('evaluates installed kernels offline as uncertain at most (the running one is unknown)', () => {
    const k = results.filter((r) => r.ruleId === 'BW-HOST-010');
    assert.ok(k.length > 0);
    assert.ok(k.every((r) => r.status !== 'fail'), JSON.stringify(k.map((r) => r.status)));
    // 6.1.0-18-amd64 is a Debian ABI name: upstream 6.1.0 is in CVE-2024-1086's range, but Debian backports
    const nft = k.find((r) => r.key === 'CVE-2024-1086|6.1.0-18-amd64');
    assert.equal(nft?.status, 'warn');
    assert.match(nft!.message, /uncertain/);
    assert.equal(nft!.severity, 'low');
  });
});

describe('--root bad tree', { skip: ownersNeedRoot }, () => {
  let root = '';
  let ev: HostEvidence;
  let results: RunResult[];
  before(async () => {
    root = buildTree(loadTree('root-bad'));
    ev = await collectHostEvidence({ root });
    results = runChecks(ev, 'all').results;
  });
  after(() => removeTree(root));

  it('fails the audit rule for dockerd when the rule names /usr/bin/dockerd but the binary is /usr/sbin/dockerd', () => {
    assert.deepEqual(statusOf(results, '1.1.3'), ['fail']);
    assert.deepEqual(statusOf(results, '1.1.6'), ['pass']);
    // a watch on the /etc/docker directory covers daemon.json inside it
    assert.deepEqual(statusOf(results, '1.1.11'), ['pass']);
    assert.deepEqual(statusOf(results, '1.1.14'), ['fail']);
    // absent and unaudited: nothing to do
    assert.deepEqual(statusOf(results, '1.1.12'), ['info']);
  });

  it('lists each docker group member (supplementary and primary) as root-equivalent', () => {
    const g = results.filter((r) => r.ruleId === 'BW-HOST-002');
    assert.deepEqual(g.map((r) => r.status), ['warn', 'warn']);
    assert.ok(g.some((r) => /'alice'/.test(r.message)));
    assert.ok(g.some((r) => /'bob'.*primary group/.test(r.message)));
  });

  it('fails the partition check when fstab has no mount for the data root', () => {
    assert.deepEqual(statusOf(results, '1.1.1'), ['fail']);
  });

  it('fails mode 0606 (world-writable), which Docker Bench passes by comparing octal as decimal', () => {
    const r = results.find((x) => x.cis === '3.21');
    assert.equal(r?.status, 'fail');
    assert.match(r!.message, /0606.*world-writable/);
  });

  it('follows the /etc/default/docker symlink inside the root and checks the real file', () => {
    const r = results.find((x) => x.cis === '3.20');
    assert.equal(r?.status, 'fail');
    assert.match(r!.message, /-> \/srv\/evil\/default-docker/);
    // the environment file it points to feeds DOCKER_OPTS into the command line
    assert.ok(ev.daemonArgs.includes('--userland-proxy=true'), ev.daemonArgs.join(' '));
  });

  it('checks unit drop-ins too (Docker Bench does not)', () => {
    const owner = results.filter((x) => x.cis === '3.1');
    assert.ok(owner.some((r) => r.status === 'fail' && /50-env\.conf/.test(r.message)), JSON.stringify(owner));
    const sock = results.filter((x) => x.cis === '3.3');
    assert.deepEqual(sock.map((r) => r.status), ['fail']);
  });

  it('fails TLS file ownership and key mode', () => {
    assert.deepEqual(statusOf(results, '3.11'), ['fail']);
    assert.deepEqual(statusOf(results, '3.14'), ['fail']);
    assert.deepEqual(statusOf(results, '3.10'), ['fail']);
    assert.deepEqual(statusOf(results, '3.13'), ['pass']);
  });

  it('fails registry certificates and private keys by their own limits', () => {
    const m = results.filter((x) => x.cis === '3.8');
    assert.equal(m.length, 2);
    assert.ok(m.every((r) => r.status === 'fail'), JSON.stringify(m));
  });

  it('reports the hosts flag/daemon.json conflict (dockerd would refuse to start)', () => {
    const c = results.filter((r) => r.ruleId === 'BW-DAEMON-019');
    assert.equal(c.length, 1);
    assert.equal(c[0]!.status, 'fail');
    assert.match(c[0]!.message, /'hosts' is set both as a flag/);
  });

  it('treats TCP with tls but without tlsverify as unauthenticated root (critical finding)', () => {
    const { findings } = runChecks(ev, 'daemon');
    const tcp = findings.filter((f) => f.ruleId === 'BW-DAEMON-006');
    assert.ok(tcp.length >= 1);
    assert.equal(tcp[0]!.severity, 'critical');
    assert.match(tcp[0]!.message, /TLS without client verification/);
  });

  it('fails the insecure daemon settings with the place they were set', () => {
    const icc = results.find((r) => r.cis === '2.2');
    assert.equal(icc?.status, 'fail');
    assert.equal(icc?.location?.source, 'daemon.json');
    assert.deepEqual(statusOf(results, '2.11'), ['warn']);
    for (const cis of ['2.3', '2.5', '2.6', '2.16', '2.17', '2.18']) assert.ok(statusOf(results, cis).includes('fail'), `${cis}: ${JSON.stringify(results.filter((r) => r.cis === cis))}`);
    assert.deepEqual(statusOf(results, '2.10'), ['warn']);
  });

  it('marks runc older than the Debian fix for CVE-2024-21626 as affected', () => {
    const r = results.find((x) => x.ruleId === 'BW-HOST-011' && x.key === 'CVE-2024-21626');
    assert.equal(r?.status, 'fail', r?.message);
  });

  it('never leaves the root through a symlink with many ..', () => {
    // /etc/docker/escape.json -> ../../../../../../../etc/hostname: resolved inside the snapshot (absent there)
    const hfs = new HostFs(root);
    assert.equal(hfs.resolve('/etc/docker/escape.json').path, '/etc/hostname');
    assert.equal(hfs.readText('/etc/docker/escape.json'), undefined);
    assert.equal(hfs.stat('/etc/docker/escape.json').exists, false);
  });
});
