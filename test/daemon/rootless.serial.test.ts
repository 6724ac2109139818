/**
 * Rootless Docker, live: dockerd-rootless.sh run as an unprivileged user (rootlesskit with the host
 * network: slirp4netns needs /dev/net/tun, which is root-only on this machine). The audit must find the
 * daemon by its socket under the user's runtime dir, read its environment (HOME, XDG_RUNTIME_DIR), use
 * ~/.config/docker, and judge its files against that user, not root.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EngineClient } from '../../src/sources/engine/client.js';
import { auditReport } from '../../src/host/report.js';
import type { Report } from '../../src/core/report.js';
import type { HostEvidence } from '../../src/host/types.js';
import { isRoot } from './tree.js';

const USER = 'bwrootless';
const SCRIPT = ['/usr/share/docker.io/contrib/dockerd-rootless.sh', '/usr/bin/dockerd-rootless.sh', '/usr/local/bin/dockerd-rootless.sh'].find((p) => existsSync(p));
const have = (b: string) => spawnSync('sh', ['-c', `command -v ${b}`]).status === 0;

function ensureUser(): string | undefined {
  if (spawnSync('id', ['-u', USER]).status !== 0) {
    // useradd on Debian also gives the user /etc/subuid and /etc/subgid ranges
    const r = spawnSync('useradd', ['-m', '-s', '/bin/sh', USER], { encoding: 'utf8' });
    if (r.status !== 0) return `cannot create user ${USER}: ${r.stderr}`;
  }
  const sub = readFileSync('/etc/subuid', 'utf8');
  if (!sub.split('\n').some((l) => l.startsWith(`${USER}:`))) return `${USER} has no /etc/subuid range`;
  return undefined;
}

const skip = !isRoot
  ? 'needs root to run a daemon as another user'
  : !SCRIPT
    ? 'dockerd-rootless.sh is not installed'
    : !have('rootlesskit') || !have('newuidmap')
      ? 'rootlesskit / uidmap are not installed'
      : (ensureUser() ?? false);

describe('rootless dockerd', { skip, timeout: 180_000 }, () => {
  let dir = '';
  let child: ChildProcess | undefined;
  let report: Report;
  let ev: HostEvidence;
  let uid = 0;
  const extraPids: number[] = [];

  before(async () => {
    uid = Number(spawnSync('id', ['-u', USER], { encoding: 'utf8' }).stdout.trim());
    dir = mkdtempSync('/tmp/bwrl-');
    const run = join(dir, 'run');
    const data = join(dir, 'data');
    mkdirSync(run, { mode: 0o700 });
    mkdirSync(data, { mode: 0o700 });
    for (const p of [dir, run, data]) chownSync(p, uid, uid);
    const log = openSync(join(dir, 'log'), 'a');
    child = spawn(
      'runuser',
      ['-u', USER, '--', 'env', `XDG_RUNTIME_DIR=${run}`, `HOME=/home/${USER}`, 'DOCKERD_ROOTLESS_ROOTLESSKIT_NET=host', 'DOCKERD_ROOTLESS_ROOTLESSKIT_PORT_DRIVER=none', `PATH=/usr/share/docker.io/contrib:/usr/sbin:/usr/bin:/sbin:/bin`, SCRIPT!, '--data-root', data, '--bridge=none', '--iptables=false'],
      { stdio: ['ignore', log, log] },
    );
    const sock = join(run, 'docker.sock');
    const client = new EngineClient({ host: `unix://${sock}`, timeoutMs: 5000 });
    const deadline = Date.now() + 90_000;
    while (!(existsSync(sock) && (await client.ping()))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`rootless dockerd did not start:\n${readFileSync(join(dir, 'log'), 'utf8').slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    ({ report, evidence: ev } = await auditReport('daemon', { host: `unix://${sock}` }));
    if (ev.daemon) extraPids.push(ev.daemon.pid);
  });

  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const done = new Promise<void>((r) => child!.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child!.kill('SIGKILL'), 20_000);
      await done;
      clearTimeout(t);
    }
    // the dockerd this test started (a descendant of runuser), by its PID, if it outlived its parent
    for (const pid of extraPids) {
      try {
        process.kill(pid, 0);
        process.kill(pid, 'SIGTERM');
        await new Promise((r) => setTimeout(r, 3000));
      } catch {
        /* already gone */
      }
    }
    if (dir) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  });

  it('is recognised as rootless and identified by its socket', () => {
    assert.equal(ev.rootless, true);
    assert.equal(ev.daemon?.uid, uid);
    assert.match(ev.daemon!.identifiedBy, /unix socket/);
    assert.deepEqual(((report.summary?.results as Array<{ cis?: string; status: string }>) ?? []).filter((r) => r.cis === '2.1').map((r) => r.status), ['pass']);
  });

  it("reads the daemon's own HOME and XDG_RUNTIME_DIR and the rootless config location", () => {
    assert.equal(ev.daemonUser.home, `/home/${USER}`);
    assert.equal(ev.daemonUser.runtimeDir, join(dir, 'run'));
    assert.equal(ev.configFile.path, `/home/${USER}/.config/docker/daemon.json`);
    assert.ok(ev.sockets.containerd.some((s) => s.path === join(dir, 'run', 'docker', 'containerd', 'containerd.sock') && s.exists));
  });

  it("judges the rootless socket against the user (subordinate group, sticky bit), not root:docker", () => {
    const res = (report.summary?.results as Array<{ cis?: string; status: string; message: string }>) ?? [];
    for (const cis of ['3.15', '3.16', '3.23', '3.24']) assert.deepEqual(res.filter((r) => r.cis === cis).map((r) => r.status), ['pass'], `${cis}: ${JSON.stringify(res.filter((r) => r.cis === cis))}`);
    assert.deepEqual(res.filter((r) => r.cis === '2.9').map((r) => r.status), ['pass']);
  });
});
