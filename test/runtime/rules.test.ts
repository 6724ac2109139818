/** Every runtime rule: a positive and a negative case, written as `docker run` args (one model for all front ends). */
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { runArgsToSpec } from '../../src/runtime/runargs.js';
import { checkContainer, runtimeRules } from '../../src/analyzers/runtime/index.js';
import type { ContainerSpec } from '../../src/runtime/model.js';
import { resolveProfiles } from '../../src/profiles/resolve.js';

/** seccomp=FILE and apparmor=NAME cases read their profiles from the fixtures, as the app layer does */
const PROFILES = fileURLToPath(new URL('../fixtures/profiles/', import.meta.url));

const HARD = [
  '--user', '10001:10001', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges:true', '--read-only',
  '--memory', '128m', '--cpus', '0.5', '--pids-limit', '100', '--network', 'appnet', '--health-cmd', 'true',
];

/** a versioned image: an untagged one is itself a finding (BW-RUNTIME-033) */
const IMG = 'img:1.0';

function ids(args: string[], mutate?: (s: ContainerSpec) => void): string[] {
  const { spec } = runArgsToSpec(['docker', 'run', ...args, IMG]);
  resolveProfiles(spec, { baseDir: PROFILES, apparmorDir: `${PROFILES}apparmor` });
  mutate?.(spec);
  return [...new Set(checkContainer(spec).map((f) => f.ruleId))].sort();
}

const k8s = (s: ContainerSpec) => {
  s.frontEnd = 'k8s';
};
/** [rule, positive args, negative args] — both on top of the hardened baseline unless they replace it */
const CASES: Array<{ id: string; pos: string[]; neg: string[]; posBase?: string[]; negBase?: string[]; posMut?: (s: ContainerSpec) => void; negMut?: (s: ContainerSpec) => void }> = [
  { id: 'BW-RUNTIME-001', pos: ['--privileged'], neg: ['--privileged=false'] },
  { id: 'BW-RUNTIME-002', pos: ['--cap-add', 'SYS_PTRACE'], neg: ['--cap-add', 'NET_BIND_SERVICE'] },
  { id: 'BW-RUNTIME-003', pos: [], neg: [], posBase: HARD.filter((a, i) => !(a === '--cap-drop' || HARD[i - 1] === '--cap-drop')) },
  { id: 'BW-RUNTIME-004', pos: ['--net=host'], neg: ['--network', 'bridge2'] },
  { id: 'BW-RUNTIME-005', pos: ['--pid', 'host'], neg: ['--pid', 'container:x'] },
  { id: 'BW-RUNTIME-006', pos: ['--ipc=host'], neg: ['--ipc=private'] },
  { id: 'BW-RUNTIME-007', pos: ['--uts=host'], neg: [] },
  { id: 'BW-RUNTIME-008', pos: ['--userns=host'], neg: [] },
  { id: 'BW-RUNTIME-009', pos: ['-v', '/home/alice:/data:ro'], neg: ['-v', '/srv/app:/data:ro'] },
  { id: 'BW-RUNTIME-010', pos: ['--mount', 'type=bind,src=/run/containerd/containerd.sock,dst=/c.sock'], neg: ['-v', 'sock:/var/run/docker.sock'] },
  { id: 'BW-RUNTIME-011', pos: ['-v', '/srv/a:/a:rshared'], neg: ['-v', '/srv/a:/a:rslave'] },
  { id: 'BW-RUNTIME-012', pos: ['--device', '/dev/fuse'], neg: [] },
  { id: 'BW-RUNTIME-013', pos: ['--memory=0'], neg: [], posBase: HARD.filter((a, i) => !(a === '--memory' || HARD[i - 1] === '--memory')) },
  { id: 'BW-RUNTIME-014', pos: [], neg: ['--cpu-shares', '512'], posBase: HARD.filter((a, i) => !(a === '--cpus' || HARD[i - 1] === '--cpus')), negBase: HARD.filter((a, i) => !(a === '--cpus' || HARD[i - 1] === '--cpus')) },
  { id: 'BW-RUNTIME-015', pos: ['--pids-limit', '-1'], neg: ['--pids-limit', '50'] },
  { id: 'BW-RUNTIME-016', pos: ['--read-only=false'], neg: [] },
  { id: 'BW-RUNTIME-017', pos: ['--security-opt', 'no-new-privileges=false'], neg: [] },
  { id: 'BW-RUNTIME-018', pos: ['--security-opt', 'seccomp=unconfined'], neg: ['--security-opt', 'seccomp=/etc/docker/seccomp.json'] },
  { id: 'BW-RUNTIME-019', pos: ['--security-opt', 'apparmor:unconfined'], neg: ['--security-opt', 'apparmor=docker-default'] },
  { id: 'BW-RUNTIME-020', pos: ['-u', '0:0'], neg: ['-u', 'nobody'] },
  { id: 'BW-RUNTIME-021', pos: ['-p', '8080:80'], neg: ['-p', '127.0.0.1:8080:80'] },
  { id: 'BW-RUNTIME-022', pos: ['-p', '127.0.0.1:443:443'], neg: ['-p', '127.0.0.1:1024:443'] },
  { id: 'BW-RUNTIME-023', pos: ['--network', 'bridge'], neg: ['--network', 'none'] },
  { id: 'BW-RUNTIME-024', pos: ['--restart', 'unless-stopped'], neg: ['--restart', 'on-failure:5'] },
  { id: 'BW-RUNTIME-025', pos: ['--no-healthcheck'], neg: [], posBase: HARD.filter((a, i) => !(a === '--health-cmd' || HARD[i - 1] === '--health-cmd')) },
  { id: 'BW-RUNTIME-026', pos: ['-e', 'DB_PASSWORD=s3cret'], neg: ['-e', 'DB_PASSWORD_FILE=/run/secrets/db'] },
  { id: 'BW-RUNTIME-027', pos: ['--sysctl', 'kernel.msgmax=65536'], neg: ['--sysctl', 'net.ipv4.ip_unprivileged_port_start=0'] },
  { id: 'BW-RUNTIME-028', pos: ['--ulimit', 'nofile=1024:2048'], neg: [] },
  { id: 'BW-RUNTIME-029', pos: ['--cgroup-parent', '/custom'], neg: [] },
  { id: 'BW-RUNTIME-030', pos: ['--security-opt', 'label=disable'], neg: ['--security-opt', 'label=type:svirt_apache_t'] },
  { id: 'BW-RUNTIME-031', pos: ['--cgroupns', 'host'], neg: ['--cgroupns', 'private'] },
  { id: 'BW-RUNTIME-032', pos: ['--security-opt', 'systempaths=unconfined'], neg: [] },
  { id: 'BW-RUNTIME-033', pos: ['--pull', 'always'], neg: [], posMut: (s) => void (s.image = 'registry:5000/img') },
  { id: 'BW-RUNTIME-034', pos: [], neg: [], posMut: (s) => void (k8s(s), (s.serviceAccountToken = true), (s.cpuReservation = 1), (s.memoryReservation = 1)), negMut: (s) => void (k8s(s), (s.serviceAccountToken = false)) },
  { id: 'BW-RUNTIME-035', pos: [], neg: [], posMut: k8s },
  { id: 'BW-RUNTIME-036', pos: ['-v', '/srv/app:/app:ro'], neg: ['-v', '/srv/app:/app:ro'], posMut: k8s },
  { id: 'BW-RUNTIME-037', pos: ['--security-opt', 'label=type:spc_t'], neg: ['--security-opt', 'label=type:svirt_apache_t'] },
  { id: 'BW-ESCAPE-001', pos: ['--privileged'], neg: ['--cap-add', 'NET_ADMIN'] },
  { id: 'BW-ESCAPE-002', pos: ['--cap-add', 'SYS_ADMIN', '-v', '/srv/data:/data:ro'], neg: ['--cap-add', 'SYS_ADMIN', '-v', 'data:/data'] },
  { id: 'BW-ESCAPE-003', pos: ['-v', '/var/run/docker.sock:/var/run/docker.sock:ro'], neg: ['-v', '/var/run/docker:/x:ro'] },
  { id: 'BW-ESCAPE-004', pos: ['--pid', 'host', '--cap-add', 'SYS_PTRACE'], neg: ['--pid', 'host'] },
  { id: 'BW-ESCAPE-005', pos: ['-v', '/etc/cron.d:/cron'], neg: ['-v', '/etc/cron.d:/cron:ro'] },
  // profiles named by --security-opt, read from test/fixtures/profiles (more cases in test/profiles/)
  { id: 'BW-SECCOMP-001', pos: ['--security-opt', 'seccomp=permissive.json'], neg: ['--security-opt', 'seccomp=least.json'] },
  { id: 'BW-SECCOMP-002', pos: ['--security-opt', 'seccomp=dangerous.json'], neg: ['--security-opt', 'seccomp=least.json'] },
  { id: 'BW-SECCOMP-003', pos: ['--security-opt', 'seccomp=dangerous.json'], neg: ['--security-opt', 'seccomp=moby/example.json'] },
  { id: 'BW-SECCOMP-004', pos: ['--security-opt', 'seccomp=dangerous.json'], neg: ['--security-opt', 'seccomp=least.json'] },
  { id: 'BW-SECCOMP-005', pos: ['--security-opt', 'seccomp=malformed.json'], neg: ['--security-opt', 'seccomp=unknown-syscall.json'] },
  { id: 'BW-RUNTIME-038', pos: [], neg: [], posMut: (s) => void (s.processes = ['sleep 600', '/usr/sbin/sshd -D']), negMut: (s) => void (s.processes = ['sleep 600', 'nginx: master process', 'sshd-keygen-wrapper']) },
  { id: 'BW-RUNTIME-039', pos: [], neg: [], posMut: (s) => void (s.execs = [{ id: 'e1', privileged: true, user: '', command: 'sh', running: true }]), negMut: (s) => void (s.execs = [{ id: 'e1', privileged: false, user: '', command: 'sh', running: true }]) },
  { id: 'BW-RUNTIME-040', pos: [], neg: [], posMut: (s) => void (s.execs = [{ id: 'e1', privileged: false, user: '0:0', command: 'sh', running: true }]), negMut: (s) => void (s.execs = [{ id: 'e1', privileged: false, user: '', command: 'sh', running: true }, { id: 'e2', privileged: false, user: 'app', command: 'sh', running: true }]) },
  { id: 'BW-RUNTIME-041', pos: [], neg: [], posMut: (s) => void ((s.imageId = 'sha256:' + 'a'.repeat(64)), (s.imageRefId = 'sha256:' + 'b'.repeat(64))), negMut: (s) => void ((s.imageId = 'sha256:' + 'a'.repeat(64)), (s.imageRefId = 'sha256:' + 'a'.repeat(64))) },
  { id: 'BW-SECCOMP-006', pos: [], neg: [], posMut: (s) => ((s.seccompMode = 0), (s.pid = 42)), negMut: (s) => ((s.seccompMode = 2), (s.pid = 42)) },
  { id: 'BW-APPARMOR-001', pos: ['--security-opt', 'apparmor=fuse-helper'], neg: ['--security-opt', 'apparmor=narrow'] },
  { id: 'BW-APPARMOR-002', pos: ['--security-opt', 'apparmor=fuse-helper'], neg: ['--security-opt', 'apparmor=broad'] },
  { id: 'BW-APPARMOR-003', pos: ['--security-opt', 'apparmor=broad'], neg: ['--security-opt', 'apparmor=narrow'] },
  { id: 'BW-APPARMOR-004', pos: ['--security-opt', 'apparmor=web-complain'], neg: ['--security-opt', 'apparmor=narrow'] },
];

test('the hardened baseline triggers no rule above info', () => {
  const { spec } = runArgsToSpec(['docker', 'run', ...HARD, IMG]);
  assert.deepEqual(checkContainer(spec).filter((f) => f.severity !== 'info').map((f) => f.ruleId), []);
});

test('every runtime rule has a case here', () => {
  assert.deepEqual(runtimeRules.map((r) => r.id).sort(), CASES.map((c) => c.id).sort());
});

for (const c of CASES) {
  test(`${c.id}: fires on ${c.pos.join(' ') || '(setting absent)'}`, () => {
    assert.ok(ids([...(c.posBase ?? HARD), ...c.pos], c.posMut).includes(c.id));
  });
  test(`${c.id}: quiet on ${c.neg.join(' ') || 'the hardened baseline'}`, () => {
    assert.ok(!ids([...(c.negBase ?? HARD), ...c.neg], c.negMut).includes(c.id));
  });
}

test('every finding carries a CIS or upstream reference and a location', () => {
  const { spec } = runArgsToSpec(['docker', 'run', '--privileged', '-p', '80:80', '-v', '/:/host', 'img']);
  for (const f of checkContainer(spec)) {
    assert.ok(f.location.kind === 'runtime' && f.location.field);
    if (!f.ruleId.startsWith('BW-RUNTIME-031')) assert.ok(f.references.length > 0, f.ruleId);
  }
  assert.ok(checkContainer(spec).find((f) => f.ruleId === 'BW-RUNTIME-001')!.references.includes('CIS-5.5'));
});

test('sensitive mount: read-only is medium, read-write high; sub-paths count', () => {
  const { spec } = runArgsToSpec(['docker', 'run', '-v', '/etc/shadow:/s:ro', '-v', '/root:/r', 'img']);
  const f = checkContainer(spec).filter((x) => x.ruleId === 'BW-RUNTIME-009');
  assert.deepEqual(f.map((x) => x.severity), ['medium', 'high']);
});

test('escape findings explain the path step by step', () => {
  const { spec } = runArgsToSpec(['docker', 'run', '--privileged', 'img']);
  const f = checkContainer(spec).find((x) => x.ruleId === 'BW-ESCAPE-001')!;
  assert.equal(f.severity, 'critical');
  assert.ok(Array.isArray(f.evidence?.steps) && (f.evidence!.steps as string[]).length >= 3);
  assert.match(f.message, /1\) .* 2\) /);
});

test('fingerprints ignore argument order and line positions', () => {
  const a = runArgsToSpec(['docker', 'run', '--privileged', '-p', '80:80', 'img']).spec;
  const b = runArgsToSpec(['docker', 'run', '-p', '80:80', '-d', '--privileged', 'img']).spec;
  const fa = new Map(checkContainer(a).map((f) => [f.ruleId + f.message, f.fingerprint]));
  const fb = new Map(checkContainer(b).map((f) => [f.ruleId + f.message, f.fingerprint]));
  assert.ok(fa.size > 3);
  for (const [k, v] of fa) assert.equal(fb.get(k), v, k);
});
