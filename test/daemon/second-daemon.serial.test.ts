/**
 * Acceptance on a real daemon: a SECOND dockerd is started beside the normal one (own data-root,
 * exec-root, pidfile, no bridge, own unix socket, a TCP listener on 127.0.0.1), first deliberately
 * insecure, then restarted with a hardened daemon.json (TLS with certificates generated here). The audit
 * must find it by its socket and PID, never confuse it with the normal daemon, and report each setting.
 * Both runs are stopped by the PID this test started, also when an assertion fails (after hooks).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { EngineClient } from '../../src/sources/engine/client.js';
import { identifyDaemon } from '../../src/host/proc.js';
import { auditReport } from '../../src/host/report.js';
import type { Report } from '../../src/core/report.js';
import type { HostEvidence } from '../../src/host/types.js';
import { isRoot } from './tree.js';

const MAIN_SOCK = '/var/run/docker.sock';

function which(bin: string): string | undefined {
  for (const d of ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin']) if (existsSync(join(d, bin))) return join(d, bin);
  return undefined;
}

const DOCKERD = which('dockerd');
const skip = !isRoot ? 'starting a second dockerd needs root' : !DOCKERD ? 'dockerd is not installed' : !which('openssl') ? 'openssl is not installed' : !existsSync(MAIN_SOCK) ? 'no normal dockerd at /var/run/docker.sock' : false;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

interface Started {
  child: ChildProcess;
  pid: number;
  log: string;
}

async function startDockerd(args: string[], sock: string, log: string): Promise<Started> {
  const fd = openSync(log, 'a');
  const child = spawn(DOCKERD!, args, { stdio: ['ignore', fd, fd] });
  if (!child.pid) throw new Error('dockerd did not start');
  started.add(child);
  const client = new EngineClient({ host: `unix://${sock}`, timeoutMs: 5000 });
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`dockerd exited with ${child.exitCode}:\n${tail(log)}`);
    if (existsSync(sock) && (await client.ping())) return { child, pid: child.pid, log };
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`dockerd did not answer on ${sock} within 90 s:\n${tail(log)}`);
}

function tail(log: string): string {
  try {
    return readFileSync(log, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

const started = new Set<ChildProcess>();

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    started.delete(child);
    return;
  }
  const done = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await done;
  clearTimeout(t);
  started.delete(child);
}

function ruleFindings(r: Report, id: string) {
  return r.findings.filter((f) => f.ruleId === id);
}

function statuses(r: Report, cis: string): string[] {
  return ((r.summary?.results as Array<{ cis?: string; status: string }>) ?? []).filter((x) => x.cis === cis).map((x) => x.status);
}

const BRIDGE = 'bw2d0';
let iptablesBefore = '';

describe('second dockerd beside the normal one', { skip, timeout: 300_000 }, () => {
  let dir = '';
  let sock = '';
  let port = 0;
  let mainPid: number | undefined;

  before(async () => {
    dir = mkdtempSync('/tmp/bw2d-');
    // userns-remap needs the remapped root to traverse the data root's parents
    chmodSync(dir, 0o755);
    sock = join(dir, 'd.sock');
    port = await freePort();
    mainPid = identifyDaemon(`unix://${MAIN_SOCK}`).pid;
    // dockerd rewrites the host's iptables (it flushes and refills its nat chains; with userland-proxy off it adds a
    // hairpin rule that breaks 127.0.0.1 port publishing for the normal daemon). Keep what was there, put it back.
    iptablesBefore = execFileSync('iptables-save', { encoding: 'utf8' });
    execFileSync('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
    execFileSync('ip', ['addr', 'add', '10.213.77.1/24', 'dev', BRIDGE]);
    execFileSync('ip', ['link', 'set', BRIDGE, 'up']);
  });

  after(async () => {
    for (const c of [...started]) await stop(c);
    try {
      execFileSync('ip', ['link', 'del', BRIDGE], { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
    if (iptablesBefore) execFileSync('iptables-restore', { input: iptablesBefore });
    if (dir) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  });

  // This file runs alone (*.serial.test.ts, after the others): nothing else uses the engine meanwhile.
  // The second daemon gets a bridge of its own: dockerd started with --bridge=none deletes the host's docker0
  // (removeDefaultBridgeInterface), which would cut the normal daemon's containers off the network.
  const common = () => ['--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'd.pid'), `--bridge=${BRIDGE}`];

  describe('insecure run', () => {
    let d: Started;
    let report: Report;
    let ev: HostEvidence;

    before(async () => {
      d = await startDockerd([...common(), '-H', `unix://${sock}`, '-H', `tcp://127.0.0.1:${port}`, '--icc=true', '--insecure-registry=10.9.8.7:5000'], sock, join(dir, 'insecure.log'));
      ({ report, evidence: ev } = await auditReport('daemon', { host: `unix://${sock}` }));
    });
    after(async () => {
      if (d) await stop(d.child);
    });

    it('identifies the daemon by its socket and the PID this test started, not the normal dockerd', () => {
      assert.equal(ev.daemon?.pid, d.pid, ev.daemon?.identifiedBy);
      assert.match(ev.daemon!.identifiedBy, new RegExp(`unix socket ${sock.replace(/[/.]/g, '\\$&')}`));
      assert.notEqual(ev.daemon?.pid, mainPid);
      assert.deepEqual(ev.daemon?.tcpListeners, [`127.0.0.1:${port}`]);
      assert.equal(ev.daemonArgsSource, `/proc/${d.pid}/cmdline`);
    });

    it('finds the same PID through the TCP endpoint', async () => {
      const { evidence } = await auditReport('daemon', { host: `tcp://127.0.0.1:${port}` });
      assert.equal(evidence.daemon?.pid, d.pid);
      assert.match(evidence.daemon!.identifiedBy, /TCP listener on port/);
    });

    it('reports TCP without TLS as critical', () => {
      const f = ruleFindings(report, 'BW-DAEMON-006');
      assert.equal(f.length, 1, JSON.stringify(f));
      assert.equal(f[0]!.severity, 'critical');
      assert.match(f[0]!.message, new RegExp(`127\\.0\\.0\\.1:${port}.*no TLS`));
    });

    it('reports the insecure registry with the flag it came from', () => {
      const f = ruleFindings(report, 'BW-DAEMON-004');
      assert.equal(f.length, 1);
      assert.match(f[0]!.message, /10\.9\.8\.7:5000.*--insecure-registry=10\.9\.8\.7:5000/);
      assert.match(String(f[0]!.location.kind === 'host' && f[0]!.location.source), /dockerd flag/);
    });

    it('fails icc, userns, no-new-privileges, live-restore and userland-proxy', () => {
      for (const cis of ['2.2', '2.9', '2.14', '2.15', '2.16']) assert.deepEqual(statuses(report, cis), ['fail'], cis);
      assert.equal(ruleFindings(report, 'BW-DAEMON-001').length, 1);
      assert.match(ruleFindings(report, 'BW-DAEMON-001')[0]!.message, /flag --icc/);
    });

    it('checks the socket and containerd socket this daemon really uses', () => {
      assert.equal(ev.sockets.docker.path, sock);
      assert.ok(ev.sockets.containerd.some((s) => s.path === join(dir, 'exec', 'containerd', 'containerd.sock') && s.exists));
    });

    it('does not mix the second daemon into an audit of the normal one', async () => {
      const { report: main, evidence } = await auditReport('daemon', { host: `unix://${MAIN_SOCK}` });
      assert.equal(evidence.daemon?.pid, mainPid);
      assert.ok(!evidence.daemonArgs.includes('--insecure-registry=10.9.8.7:5000'));
      assert.ok(!main.findings.some((f) => f.message.includes('10.9.8.7') || f.message.includes(`:${port}`)), JSON.stringify(main.findings.map((f) => f.message)));
    });
  });

  describe('hardened run (daemon.json, TLS, userns-remap)', () => {
    let d: Started;
    let report: Report;
    let ev: HostEvidence;
    let certs = '';

    before(async () => {
      certs = join(dir, 'certs');
      mkdirSync(certs, { recursive: true });
      const ssl = (...a: string[]) => execFileSync('openssl', a, { cwd: certs, stdio: 'pipe' });
      ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=bulwark-test-ca');
      ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server-key.pem', '-out', 'server.csr', '-subj', '/CN=localhost');
      writeFileSync(join(certs, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
      ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', 'server-cert.pem', '-days', '2', '-extfile', 'server.ext');
      ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'client.csr', '-subj', '/CN=client');
      writeFileSync(join(certs, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
      ssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', 'cert.pem', '-days', '2', '-extfile', 'client.ext');
      chmodSync(join(certs, 'ca.pem'), 0o444);
      chmodSync(join(certs, 'server-cert.pem'), 0o444);
      chmodSync(join(certs, 'server-key.pem'), 0o400);
      const cfg = join(dir, 'daemon.json');
      writeFileSync(
        cfg,
        JSON.stringify(
          {
            hosts: [`unix://${sock}`, `tcp://127.0.0.1:${port}`],
            tlsverify: true,
            tlscacert: join(certs, 'ca.pem'),
            tlscert: join(certs, 'server-cert.pem'),
            tlskey: join(certs, 'server-key.pem'),
            icc: false,
            'live-restore': true,
            'no-new-privileges': true,
            'userns-remap': 'default',
            'log-driver': 'syslog',
            'log-opts': { 'syslog-address': 'udp://127.0.0.1:514' },
            'userland-proxy': false,
          },
          null,
          2,
        ),
      );
      chmodSync(cfg, 0o644);
      d = await startDockerd([...common(), '--config-file', cfg], sock, join(dir, 'hardened.log'));
      ({ report, evidence: ev } = await auditReport('daemon', { host: `unix://${sock}` }));
    });
    after(async () => {
      if (d) await stop(d.child);
    });

    it('identifies the restarted daemon (new PID) and reads its --config-file', () => {
      assert.equal(ev.daemon?.pid, d.pid);
      assert.notEqual(ev.daemon?.pid, mainPid);
      assert.equal(ev.configFile.path, join(dir, 'daemon.json'));
      assert.match(ev.configFile.source, /dockerd --config-file/);
    });

    it('passes the hardened settings, each read from daemon.json', () => {
      for (const cis of ['2.2', '2.5', '2.7', '2.9', '2.13', '2.14', '2.15', '2.16']) assert.deepEqual(statuses(report, cis), ['pass'], `${cis}: ${JSON.stringify(report.summary?.results)}`);
      for (const id of ['BW-DAEMON-001', 'BW-DAEMON-004', 'BW-DAEMON-006', 'BW-DAEMON-008', 'BW-DAEMON-012', 'BW-DAEMON-013', 'BW-DAEMON-014', 'BW-DAEMON-015', 'BW-DAEMON-019'])
        assert.deepEqual(ruleFindings(report, id), [], id);
      assert.equal(ev.settings.settings.get('icc')?.source, 'daemon.json');
    });

    it('sees userns remapping in effect on the running daemon (dockremap)', () => {
      assert.ok((ev.engine.info?.SecurityOptions as string[]).some((o) => o.includes('name=userns')));
    });

    it('passes the TLS file checks (CIS 3.9-3.14) on the generated certificates', () => {
      for (const cis of ['3.9', '3.10', '3.11', '3.12', '3.13', '3.14']) assert.deepEqual(statuses(report, cis), ['pass'], cis);
    });

    it('really requires a client certificate on TCP', async () => {
      const withCert = new EngineClient({ host: `tcp://127.0.0.1:${port}`, tlsVerify: true, certPath: certs, timeoutMs: 10_000 });
      assert.equal(await withCert.ping(), true);
      const noCertDir = join(dir, 'nocert');
      mkdirSync(noCertDir, { recursive: true });
      writeFileSync(join(noCertDir, 'ca.pem'), readFileSync(join(certs, 'ca.pem')));
      const without = new EngineClient({ host: `tcp://127.0.0.1:${port}`, tlsVerify: true, certPath: noCertDir, timeoutMs: 10_000 });
      assert.equal(await without.ping(), false);
      // and the audit over TLS identifies the same daemon by its TCP port
      const { evidence } = await auditReport('daemon', {
        host: `tcp://127.0.0.1:${port}`,
        engine: withCert,
      });
      assert.equal(evidence.daemon?.pid, d.pid);
      assert.ok(evidence.engine.info, evidence.engine.error);
    });
  });
});
