/**
 * AppArmor: the parser on docker-default (moby's template) and hand-written profiles, each check with a
 * failing and a passing profile, glob semantics, and generated profiles compiled by Debian's apparmor_parser.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AppArmorSyntaxError, globToRegExp, parseAppArmor, expandVariables } from '../../src/profiles/apparmor/parse.js';
import { analyzeAppArmor } from '../../src/profiles/apparmor/analyze.js';
import { apparmorFromTrace, fileRules, validateAppArmor } from '../../src/profiles/generate/apparmor.js';
import { StraceParser } from '../../src/profiles/trace/parse.js';
import { runArgsToSpec } from '../../src/runtime/runargs.js';

const FIX = fileURLToPath(new URL('../fixtures/profiles/apparmor/', import.meta.url));
const DOCKER_DEFAULT = readFileSync(fileURLToPath(new URL('../../src/profiles/data/docker-default-apparmor.txt', import.meta.url)), 'utf8');
const kinds = (text: string) => analyzeAppArmor(text).issues.map((i) => `${i.kind}${i.path ? `:${i.path}` : ''}@${i.line}`);
const HAVE_PARSER = spawnSync('apparmor_parser', ['--version'], { encoding: 'utf8' }).status === 0;

test('docker-default parses: one profile, its flags, the rule kinds with deny qualifiers, and passes every check', () => {
  const doc = parseAppArmor(DOCKER_DEFAULT);
  assert.equal(doc.profiles.length, 1);
  const p = doc.profiles[0]!;
  assert.equal(p.name, 'docker-default');
  assert.deepEqual(p.flags, ['attach_disconnected', 'mediate_deleted']);
  assert.deepEqual(doc.includes, ['<tunables/global>']);
  assert.equal(p.rules.filter((r) => r.kind === 'file' && r.deny).length, 14);
  assert.ok(p.rules.some((r) => r.kind === 'mount' && r.deny));
  assert.ok(p.rules.some((r) => r.kind === 'capability' && !r.deny && r.caps!.length === 0));
  assert.deepEqual(analyzeAppArmor(DOCKER_DEFAULT).issues, []);
});

test('capability sys_admin and mount rules fail; a profile without them passes', () => {
  const bad = readFileSync(FIX + 'sys-admin-mount.profile', 'utf8');
  assert.deepEqual(kinds(bad), ['cap-sys-admin@5', 'mount-allowed@7']);
  // umount is allowed by docker-default too and is not reported; the chown/dac_override line is not sys_admin
  assert.deepEqual(kinds(readFileSync(FIX + 'narrow.profile', 'utf8')), []);
  assert.deepEqual(kinds('profile p {\n  deny capability sys_admin,\n  deny mount,\n}\n'), []);
  assert.deepEqual(kinds('profile p {\n  remount /,\n  pivot_root,\n}\n'), ['mount-allowed@2', 'mount-allowed@3']);
});

test('missing denies: reachable sensitive paths without a deny fail; docker-default and a narrow profile pass', () => {
  assert.deepEqual(kinds(readFileSync(FIX + 'broad-no-denies.profile', 'utf8')), ['missing-deny:/proc/sysrq-trigger@8', 'missing-deny:/sys/firmware@8']);
  assert.deepEqual(kinds('profile p {\n  /proc/** r,\n}\n'), ['missing-deny:/proc/sysrq-trigger@2', 'missing-deny:/proc/kcore@2']);
  // a deny that only takes write away leaves kcore readable
  assert.deepEqual(kinds('profile p {\n  @{PROC}/** rw,\n  deny @{PROC}/kcore w,\n  deny @{PROC}/sysrq-trigger rwklx,\n}\n'), ['missing-deny:/proc/kcore@2']);
  assert.deepEqual(kinds(readFileSync(FIX + 'narrow.profile', 'utf8')), []);
});

test('complain and unconfined modes fail, enforce passes', () => {
  assert.deepEqual(kinds(readFileSync(FIX + 'complain.profile', 'utf8')), ['not-enforced@3']);
  assert.deepEqual(kinds('profile p flags=(unconfined) {\n}\n'), ['not-enforced@1']);
  assert.deepEqual(kinds('profile p flags=(attach_disconnected) {\n}\n'), []);
});

test('parser: hats and child profiles, attachments, quoted names, comments, rules outside a profile, errors with lines', () => {
  const doc = parseAppArmor('@{X}=/opt/a /opt/b\n# comment, with a comma\n/usr/bin/foo flags=(complain) {\n  /etc/foo r, # trailing\n  ^hat {\n    /tmp/** rw,\n  }\n  profile "child one" /usr/bin/bar {\n    capability sys_admin,\n  }\n}\n');
  const top = doc.profiles[0]!;
  assert.equal(top.name, '/usr/bin/foo');
  assert.deepEqual(top.children.map((c) => c.name), ['hat', 'child one']);
  assert.equal(top.children[1]!.attachment, '/usr/bin/bar');
  assert.deepEqual(doc.variables.get('X'), ['/opt/a', '/opt/b']);
  assert.deepEqual(analyzeAppArmor(readFileSync(FIX + 'complain.profile', 'utf8')).doc.profiles[0]!.rules.map((r) => r.kind), ['include', 'network', 'file', 'file', 'file']);
  assert.throws(() => parseAppArmor('profile p {\n  /x r,\n'), (e: unknown) => e instanceof AppArmorSyntaxError && e.line === 1);
  assert.throws(() => parseAppArmor('/x r,\n}\n'), /without an open profile \(line 2\)/);
  assert.match(parseAppArmor('/x r,\nprofile p {\n}\n').warnings[0]!, /outside any profile/);
});

test('globs: ** crosses directories, * does not, alternations, classes, variables', () => {
  assert.ok(globToRegExp('/sys/firmware/**').test('/sys/firmware/efi/efivars/x'));
  assert.ok(!globToRegExp('/sys/firmware/*').test('/sys/firmware/efi/efivars'));
  assert.ok(globToRegExp('/sys/f[^s]*/**').test('/sys/firmware/x'));
  assert.ok(!globToRegExp('/sys/f[^s]*/**').test('/sys/fs/cgroup/x'));
  assert.ok(globToRegExp('/etc/{passwd,group}').test('/etc/group'));
  assert.ok(globToRegExp('/proc//kcore').test('/proc/kcore'));
  assert.deepEqual(expandVariables('@{PROC}/kcore', new Map()), ['/proc//kcore']);
  assert.deepEqual(expandVariables('@{A}/@{B}', new Map([['A', ['/a', '/b']], ['B', ['c']]])), ['/a/c', '/b/c']);
});

test('generated file rules: files grouped by directory, libraries mapped, executables kept exact, /proc/PID generalised', () => {
  const p = new StraceParser([], '/app');
  for (const l of [
    '5  execve("/usr/bin/node", [...], 0x7 /* 3 vars */) = 0',
    '5  openat(-100, "/lib/x86_64-linux-gnu/libc.so.6", 0x80000) = 3',
    '5  openat(-100, "/lib/x86_64-linux-gnu/libm.so.6", 0x80000) = 3',
    '5  openat(-100, "index.js", 0x80000) = 3',
    '5  openat(-100, "/proc/5/status", 0) = 3',
    '5  openat(-100, "/proc/self/maps", 0) = 3',
    '5  openat(-100, "/tmp/upload-1", 0x241, 0600) = 4',
    '5  openat(-100, "/etc/hosts", 0) = -1 ENOENT (No such file or directory)',
    '5  openat(-100, "/app/node_modules", 0x90800) = 5',
    '5  openat(7, "relative", 0) = 6',
  ])
    p.line(l);
  const t = p.summary();
  assert.equal(t.unresolvedPaths, 1);
  const rules = fileRules(t.files);
  assert.deepEqual(rules, [
    '/app/index.js r,',
    '/app/node_modules/ r,',
    '/lib/x86_64-linux-gnu/** mr,',
    '/tmp/ r,',
    '/tmp/** rwk,',
    '/usr/bin/node rix,',
    '@{PROC}/@{pid}/maps r,',
    '@{PROC}/@{pid}/status r,',
  ]);
});

test('generated profile: capabilities from the container, network families, docker-default denies; it passes every check', { skip: !HAVE_PARSER && "Debian's apparmor_parser is not installed" }, () => {
  const p = new StraceParser([], '/');
  for (const l of ['9  execve("/bin/srv", [...], 0x7 /* 1 var */) = 0', '9  socket(2, 0x80001, 0) = 3', '9  socket(1, 0x1, 0) = 4', '9  openat(-100, "/srv/data", 0x42, 0644) = 5'])
    p.line(l);
  const { spec } = runArgsToSpec(['docker', 'run', '--cap-drop', 'ALL', '--cap-add', 'NET_BIND_SERVICE', 'img']);
  const g = apparmorFromTrace(p.summary(), spec, 'bulwark-test-srv');
  assert.match(g.text, /^profile bulwark-test-srv flags=\(attach_disconnected,mediate_deleted\) \{$/m);
  assert.match(g.text, /^ {2}capability net_bind_service,$/m);
  assert.match(g.text, /^ {2}network inet stream,$/m);
  assert.match(g.text, /^ {2}network unix,$/m);
  assert.match(g.text, /^ {2}\/bin\/srv rix,$/m);
  assert.match(g.text, /^ {2}deny @\{PROC\}\/sysrq-trigger rwklx,$/m);
  assert.deepEqual(g.issues, []);
  const v = validateAppArmor(g.text);
  assert.ok(v.ran && v.ok, v.message);
  assert.match(v.message, /accepted the profile; it was not loaded/);
  // and the parser refuses what is not AppArmor
  const bad = validateAppArmor('profile x {\n  /tmp/** rwq,\n}\n');
  assert.equal(bad.ok, false);
  assert.match(bad.message, /apparmor_parser rejected the profile/);
});
