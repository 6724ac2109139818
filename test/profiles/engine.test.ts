/**
 * The proof on the real engine, for three workloads (busybox httpd, a Node.js HTTP server, Redis from Debian
 * packages): `bulwark profile seccomp` records each while an exercise drives it; the workload restarted under
 * the generated profile answers requests; inside it unshare(CLONE_NEWUSER), mount and keyctl/add_key fail
 * with EPERM, and so do three calls with invalid arguments that the kernel itself would answer EINVAL /
 * EFAULT / EOPNOTSUPP, which shows the EPERM comes from the filter and not from a missing capability.
 * Also: --container and --compose, the AppArmor generator, and the live-container and host checks.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { dockerAvailable } from '../support/images.js';
import { buildProbe, ensureHttpdImage, ensureNodeImage, ensureRedisImage, EXERCISE, haveTool, parseProbe } from '../support/workloads.js';
import { parseSeccompProfile } from '../../src/profiles/seccomp/profile.js';
import { analyzeSeccomp } from '../../src/profiles/seccomp/analyze.js';
import { containerCaps } from '../../src/profiles/seccomp/evaluate.js';

const NEED = ['docker', 'strace', 'gcc', 'busybox-static'];
const HAVE =
  dockerAvailable() &&
  haveTool('strace', ['-V']) &&
  haveTool('gcc') &&
  haveTool('busybox', ['httpd', '--help']) &&
  process.getuid?.() === 0;
const SKIP = HAVE ? false : `needs ${NEED.join(', ')} and root`;
const PREFIX = `bwprof-${randomBytes(3).toString('hex')}`;
const FIX = fileURLToPath(new URL('../fixtures/profiles/', import.meta.url));
const started: string[] = [];
/** recording containers that existed before this file ran (left by a killed run) */
let leftBefore = new Set<string>();

const docker = (args: string[], timeout = 120_000) => execFileSync('docker', args, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
const ipOf = (name: string) => docker(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', name]).trim();
const node = process.execPath;

function exercise(kind: 'http' | 'redis', ipVar: string, port: number, extra: string[]): string {
  return [node, EXERCISE, kind, ipVar, String(port), ...extra].map((a) => (a.startsWith('$') ? `"${a}"` : `'${a}'`)).join(' ');
}

interface Workload {
  name: string;
  image: () => string;
  /** docker run args after the image */
  cmd: string[];
  kind: 'http' | 'redis';
  port: number;
  /** --duration: node starts slowly under ptrace */
  seconds: number;
  extra: string[];
  /** a real `unshare -U` in the image */
  unshare: string[];
}

const WORKLOADS: Workload[] = [
  { name: 'busybox-httpd', image: ensureHttpdImage, cmd: ['busybox-full', 'httpd', '-f', '-p', '8080', '-h', '/etc'], kind: 'http', port: 8080, seconds: 8, extra: ['/hostname', '10'], unshare: ['busybox-full', 'unshare', '-U', 'true'] },
  { name: 'node-express', image: ensureNodeImage, cmd: [], kind: 'http', port: 8080, seconds: 12, extra: ['/', '10'], unshare: ['unshare', '-U', 'true'] },
  { name: 'redis', image: ensureRedisImage, cmd: [], kind: 'redis', port: 6379, seconds: 8, extra: ['20'], unshare: ['unshare', '-U', 'true'] },
];

let probeDir = '';
let work = '';
const results: Array<{ workload: string; allowed: number; base: number; seconds: number }> = [];

describe('seccomp profiles generated and proved on dockerd', { skip: SKIP }, () => {
  before(() => {
    leftBefore = new Set(docker(['ps', '-aq', '--filter', 'name=bulwark-profile-']).trim().split('\n').filter(Boolean));
  });
  before(() => {
    probeDir = buildProbe();
    work = tempDir('bw-prof-engine-');
  });
  after(() => {
    for (const c of started) spawnSync('docker', ['rm', '-f', '-v', c], { stdio: 'ignore', timeout: 60_000 });
    if (results.length) console.log(`# profile generation: ${results.map((r) => `${r.workload} ${r.allowed}/${r.base} syscalls in ${r.seconds.toFixed(1)}s`).join('; ')}`);
  });

  test('the probe tells a seccomp EPERM from the kernel refusing bad arguments (control: unconfined)', () => {
    const image = ensureHttpdImage();
    const out = docker(['run', '--rm', '--security-opt', 'seccomp=unconfined', '-v', `${probeDir}:/.probe:ro`, image, '/.probe/probe']);
    const p = parseProbe(out);
    assert.deepEqual([p.unshare_bad, p.mount_bad, p.keyctl_bad], [22, 14, 95], out);
  });

  for (const w of WORKLOADS) {
    test(`${w.name}: profile generated, the workload restarted under it answers, unshare/mount/keyctl fail with EPERM`, async () => {
      const image = w.image();
      const out = join(work, `${w.name}.json`);
      const t0 = Date.now();
      const r = await runCli(['profile', 'seccomp', '-q', '-d', String(w.seconds), '-x', exercise(w.kind, '$BULWARK_CONTAINER_IP', w.port, w.extra), '-o', out, '--', 'docker', 'run', '--rm', '-d', image, ...w.cmd]);
      const seconds = (Date.now() - t0) / 1000;
      assert.equal(r.code, 0, r.stderr);
      const m = /(\d+) syscalls allowed, against (\d+) in Docker's default profile/.exec(r.stdout);
      assert.ok(m, r.stdout);
      results.push({ workload: w.name, allowed: Number(m[1]), base: Number(m[2]), seconds });
      assert.match(r.stdout, /exercise: .* exited 0/);
      assert.doesNotMatch(r.stderr, /exercise command exited|exited after/);
      assert.ok(Number(m[1]) < Number(m[2]));
      const text = readFileSync(out, 'utf8');
      const { profile, warnings } = parseSeccompProfile(text);
      assert.deepEqual(warnings, []);
      assert.equal(profile.defaultAction, 'SCMP_ACT_ERRNO');
      assert.deepEqual(profile.architectures, ['SCMP_ARCH_X86_64']);
      assert.deepEqual(analyzeSeccomp(profile, { arch: 'amd64', caps: containerCaps() }), []);
      // no container of the recording is left (one left by an earlier, killed run is not this run's)
      const left = docker(['ps', '-aq', '--filter', 'name=bulwark-profile-']).trim().split('\n').filter((id) => id && !leftBefore.has(id));
      assert.deepEqual(left, []);

      // restart under the profile
      const name = `${PREFIX}-${w.name}`;
      started.push(name);
      docker(['run', '-d', '--name', name, '--security-opt', `seccomp=${out}`, '-v', `${probeDir}:/.probe:ro`, image, ...w.cmd]);
      const ip = ipOf(name);
      const ex = spawnSync(node, [EXERCISE, w.kind, ip, String(w.port), ...w.extra], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(ex.status, 0, `${ex.stdout}${ex.stderr}\n${spawnSync('docker', ['logs', '--tail', '20', name], { encoding: 'utf8' }).stderr}`);
      const pid = docker(['inspect', '-f', '{{.State.Pid}}', name]).trim();
      assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), /^Seccomp:\s+2$/m);
      const probe = parseProbe(docker(['exec', name, '/.probe/probe']));
      assert.deepEqual(probe, { unshare: 1, mount: 1, keyctl: 1, add_key: 1, unshare_bad: 1, mount_bad: 1, keyctl_bad: 1 });
      // and the real tool
      const u = spawnSync('docker', ['exec', name, ...w.unshare], { encoding: 'utf8', timeout: 60_000 });
      assert.notEqual(u.status, 0);
      assert.match(u.stderr, /unshare.*Operation not permitted/, u.stderr);
      // the workload still answers after all that
      const again = spawnSync(node, [EXERCISE, w.kind, ip, String(w.port), ...w.extra.slice(0, -1), '3'], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(again.status, 0, again.stderr);
      spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
    });
  }

  test('--container: attaches to a running container; the start-up it missed is said and filled with the runtime and loader sets', async () => {
    const image = ensureHttpdImage();
    const name = `${PREFIX}-attach`;
    started.push(name);
    docker(['run', '-d', '--name', name, image, 'busybox-full', 'httpd', '-f', '-p', '8080', '-h', '/etc']);
    const out = join(work, 'attach.json');
    const r = await runCli(['profile', 'seccomp', '-q', '--container', name, '-d', '6', '-x', exercise('http', '$BULWARK_CONTAINER_IP', 8080, ['/hostname', '5']), '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /attached to the running processes/);
    assert.match(r.stdout, /and the dynamic loader/);
    assert.match(r.stderr, /what .* did while starting was not observed/);
    const names = parseSeccompProfile(readFileSync(out, 'utf8')).profile.syscalls[0]!.names;
    assert.ok(names.includes('accept') || names.includes('accept4'), 'the requests were seen');
    assert.ok(names.includes('rseq'), 'the loader set was added');
    // the container was left running
    assert.equal(docker(['inspect', '-f', '{{.State.Running}}', name]).trim(), 'true');
  });

  test('--compose FILE --service: the service is recorded through an override, the project is removed afterwards', { skip: !haveTool('docker-compose', ['version']) && !haveTool('docker', ['compose', 'version']) && 'needs docker compose' }, async () => {
    const image = ensureHttpdImage();
    const dir = tempDir('bw-prof-compose-');
    const file = join(dir, 'compose.yaml');
    writeFileSync(file, `services:\n  web:\n    image: ${image}\n    command: ["busybox-full", "httpd", "-f", "-p", "8080", "-h", "/etc"]\n    environment:\n      GREETING: "cost $$5"\n`);
    const out = join(dir, 'web.json');
    const r = await runCli(['profile', 'seccomp', '-q', '--compose', file, '--service', 'web', '-d', '6', '-x', exercise('http', '$BULWARK_CONTAINER_IP', 8080, ['/hostname', '5']), '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /exited 0/);
    assert.ok(parseSeccompProfile(readFileSync(out, 'utf8')).profile.syscalls[0]!.names.includes('bind'));
    assert.equal(docker(['ps', '-aq', '--filter', 'label=com.docker.compose.project', '--filter', 'name=bulwarkprofile']).trim(), '');
  });

  test('apparmor: a profile from the container spec and the files it used, validated by apparmor_parser, not loaded', { skip: !haveTool('apparmor_parser', ['--version']) && "needs Debian's apparmor_parser" }, async () => {
    const image = ensureHttpdImage();
    const out = join(work, 'httpd.apparmor');
    const r = await runCli(['profile', 'apparmor', '-q', '--name', 'bulwark-httpd', '-d', '6', '-x', exercise('http', '$BULWARK_CONTAINER_IP', 8080, ['/hostname', '5']), '-o', out, '--', 'docker', 'run', '--cap-drop', 'ALL', '--cap-add', 'NET_BIND_SERVICE', image, 'busybox-full', 'httpd', '-f', '-p', '8080', '-h', '/etc']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /apparmor_parser -Q accepted the profile; it was not loaded/);
    const text = readFileSync(out, 'utf8');
    assert.match(text, /^profile bulwark-httpd flags=/m);
    assert.match(text, /^ {2}capability net_bind_service,$/m);
    // busybox httpd listens on :: (both IPv4 and IPv6)
    assert.match(text, /^ {2}network inet6? stream,$/m);
    assert.match(text, /^ {2}\/usr\/local\/bin\/busybox-full .*ix,$/m);
    assert.match(text, /^ {2}\/etc\/hostname r,$/m);
    assert.match(text, /^ {2}deny @\{PROC\}\/kcore rwklx,$/m);
    const check = await runCli(['profile', 'check', out, '-f', 'json']);
    assert.equal(JSON.parse(check.stdout).findings.length, 0, check.stdout);
  });

  test('live containers: an inline allow-by-default profile is found; the host check names containers without AppArmor/SELinux', async () => {
    const image = ensureHttpdImage();
    const name = `${PREFIX}-permissive`;
    started.push(name);
    docker(['run', '-d', '--name', name, '--security-opt', `seccomp=${FIX}permissive.json`, image, 'sleep', '300']);
    const r = await runCli(['containers', '--filter', `name=${name}`, '-f', 'json']);
    const findings = JSON.parse(r.stdout).findings as Array<{ ruleId: string; message: string }>;
    assert.ok(findings.some((f) => f.ruleId === 'BW-SECCOMP-001'), JSON.stringify(findings.map((f) => f.ruleId)));
    assert.ok(!findings.some((f) => f.ruleId === 'BW-SECCOMP-006'), 'Seccomp: 2 in /proc/PID/status');
    const info = JSON.parse(docker(['info', '--format', '{{json .SecurityOptions}}'])) as string[];
    const h = await runCli(['host', '-f', 'json']);
    const lsm = (JSON.parse(h.stdout).findings as Array<{ ruleId: string; message: string }>).find((f) => f.ruleId === 'BW-HOST-020');
    if (info.some((o) => o.includes('apparmor') || o.includes('selinux'))) assert.equal(lsm, undefined);
    else assert.match(lsm!.message, new RegExp(`${name}`));
  });
});
