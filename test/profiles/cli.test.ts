/**
 * The profile commands that need no engine: `bulwark profile check` (findings at the profile's lines, the
 * delta and its count line, clear errors), `bulwark harden --seccomp-profile`, and the run/compose/inspect
 * audits reading the profiles they name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

const FIX = fileURLToPath(new URL('../fixtures/profiles/', import.meta.url));

test('profile check: a weak seccomp profile gets findings at its lines and its delta against the default', async () => {
  const r = await runCli(['profile', 'check', `${FIX}dangerous.json`, '-f', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  const ids = rep.findings.map((f: { ruleId: string }) => f.ruleId).sort();
  assert.deepEqual([...new Set(ids)], ['BW-SECCOMP-002', 'BW-SECCOMP-003', 'BW-SECCOMP-004']);
  const mount = rep.findings.find((f: { evidence?: { syscall?: string } }) => f.evidence?.syscall === 'mount');
  assert.equal(mount.location.file, `${FIX}dangerous.json`);
  assert.equal(mount.location.line, 10);
  assert.ok(rep.summary.added.includes('keyctl'));
  const table = await runCli(['profile', 'check', `${FIX}least.json`]);
  assert.match(table.stdout, /^12 syscalls allowed, against \d+ in Docker's default profile \(amd64\)$/m);
  assert.match(table.stdout, /compared with Docker's default profile \(moby docker-v29\.7\.2/);
  // with CAP_SYS_ADMIN, mount is what Docker's default allows too
  const admin = JSON.parse((await runCli(['profile', 'check', `${FIX}dangerous.json`, '--cap-add', 'SYS_ADMIN', '-f', 'json'])).stdout);
  assert.ok(!admin.findings.some((f: { evidence?: { syscall?: string } }) => f.evidence?.syscall === 'mount'));
  assert.equal((await runCli(['profile', 'check', `${FIX}permissive.json`, '--exit-code', '4'])).code, 4);
});

test('profile check: malformed JSON is one clear error (exit 2), an unknown syscall a warning, AppArmor text is recognised', async () => {
  const bad = await runCli(['profile', 'check', `${FIX}malformed.json`]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^bulwark: .*malformed\.json: malformed JSON: expected ',' or '\}' at line 5, column 29\n$/);
  const unk = await runCli(['profile', 'check', `${FIX}unknown-syscall.json`, '-f', 'json']);
  assert.equal(unk.code, 0);
  assert.match(JSON.parse(unk.stdout).warnings[0], /unknown syscall "not_a_syscall"/);
  const aa = JSON.parse((await runCli(['profile', 'check', `${FIX}apparmor/sys-admin-mount.profile`, '-f', 'json'])).stdout);
  assert.deepEqual(aa.findings.map((f: { ruleId: string }) => f.ruleId).sort(), ['BW-APPARMOR-001', 'BW-APPARMOR-002']);
  assert.equal(aa.findings.find((f: { ruleId: string }) => f.ruleId === 'BW-APPARMOR-001').location.line, 5);
  const none = await runCli(['profile', 'check', `${FIX}SOURCES-missing.json`]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /cannot read/);
});

test('profile seccomp: one workload, and a clear error for none or two', async () => {
  const r = await runCli(['profile', 'seccomp', '--container', 'a', '--', 'docker', 'run', 'img']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /give one workload/);
  assert.match((await runCli(['profile', 'seccomp', '--compose', 'x.yaml'])).stderr, /--compose needs --service/);
  assert.match((await runCli(['profile', 'seccomp', '-d', 'soon', '--container', 'a'])).stderr, /--duration takes a number of seconds/);
});

test('harden --seccomp-profile writes --security-opt / security_opt seccomp=FILE, replacing the one there', async () => {
  const run = await runCli(['harden', 'run', '--seccomp-profile', `${FIX}least.json`, '--', 'docker', 'run', '--security-opt', 'seccomp=unconfined', 'img']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`--security-opt seccomp=${FIX}least\\.json`));
  assert.doesNotMatch(run.stdout, /unconfined/);
  const broken = await runCli(['harden', 'run', '--seccomp-profile', `${FIX}malformed.json`, '--', 'docker', 'run', 'img']);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /malformed JSON/);
  const dir = tempDir('bw-harden-prof-');
  const file = join(dir, 'compose.yaml');
  writeFileSync(file, 'services:\n  web:\n    image: nginx\n    security_opt:\n      - seccomp=old.json\n  db:\n    image: redis\n');
  writeFileSync(join(dir, 'web.json'), readFileSync(`${FIX}least.json`));
  const c = await runCli(['harden', 'compose', '--file', file, '--seccomp-profile', `web=${join(dir, 'web.json')}`, '--no-diff']);
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stdout, /web:\n {4}image: nginx\n {4}# bulwark: removed security_opt seccomp=old\.json \(replaced by seccomp=\.\/web\.json\)\n {4}security_opt:\n {6}- no-new-privileges:true\n {6}- seccomp=\.\/web\.json\n/);
  assert.doesNotMatch(c.stdout, /- seccomp=old\.json/);
  assert.doesNotMatch(c.stdout.slice(c.stdout.indexOf('db:')), /seccomp=/);
});

test('run, compose and inspect audits read the profiles they name', async () => {
  const cwd = FIX;
  const run = JSON.parse((await runCli(['run', '-f', 'json', '--', 'docker', 'run', '--security-opt', 'seccomp=permissive.json', 'img'], { cwd })).stdout);
  assert.ok(run.findings.some((f: { ruleId: string }) => f.ruleId === 'BW-SECCOMP-001'));
  const unk = JSON.parse((await runCli(['run', '-f', 'json', '--', 'docker', 'run', '--security-opt', 'seccomp=unknown-syscall.json', 'img'], { cwd })).stdout);
  assert.match(unk.warnings.join('\n'), /unknown-syscall\.json: unknown syscall "not_a_syscall"/);
  const dir = tempDir('bw-compose-prof-');
  writeFileSync(join(dir, 'p.json'), readFileSync(`${FIX}dangerous.json`));
  writeFileSync(join(dir, 'compose.yaml'), 'services:\n  app:\n    image: x\n    security_opt: ["seccomp:./p.json"]\n');
  const comp = JSON.parse((await runCli(['compose', '--file', join(dir, 'compose.yaml'), '--format', 'json'])).stdout);
  const f = comp.findings.find((x: { ruleId: string }) => x.ruleId === 'BW-SECCOMP-002');
  assert.equal(f.location.service, 'app');
  assert.equal(f.evidence.profile, join(dir, 'p.json'));
  // a saved inspect: the engine stores the profile JSON itself in HostConfig.SecurityOpt
  const inspect = [{ Id: 'abc', Name: '/saved', Config: { Image: 'x' }, State: { Status: 'exited' }, HostConfig: { SecurityOpt: [`seccomp=${readFileSync(`${FIX}log-default.json`, 'utf8')}`] } }];
  writeFileSync(join(dir, 'inspect.json'), JSON.stringify(inspect));
  const ins = JSON.parse((await runCli(['containers', '--from-inspect', join(dir, 'inspect.json'), '-f', 'json'])).stdout);
  assert.ok(ins.findings.some((x: { ruleId: string; message: string }) => x.ruleId === 'BW-SECCOMP-001' && /SCMP_ACT_LOG/.test(x.message)));
});
