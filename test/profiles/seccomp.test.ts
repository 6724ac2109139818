/**
 * Seccomp profiles: the reader (moby's own test vectors), moby's includes/excludes semantics, the delta
 * against Docker's default, the checks (each with a failing and a passing case) and the generator's output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseJsonWithLines, JsonSyntaxError } from '../../src/profiles/json-lines.js';
import { formatSeccompProfile, parseSeccompProfile, ProfileError } from '../../src/profiles/seccomp/profile.js';
import { allowedNames, containerCaps, evaluate, isAllowed, type EvalContext } from '../../src/profiles/seccomp/evaluate.js';
import { analyzeSeccomp } from '../../src/profiles/seccomp/analyze.js';
import { countLine, seccompDelta } from '../../src/profiles/seccomp/delta.js';
import { dockerDefaultProfile } from '../../src/profiles/seccomp/default.js';
import { seccompFromTrace } from '../../src/profiles/generate/seccomp.js';
import { StraceParser } from '../../src/profiles/trace/parse.js';

const FIX = fileURLToPath(new URL('../fixtures/profiles/', import.meta.url));
const read = (f: string) => readFileSync(FIX + f, 'utf8');
const load = (f: string) => parseSeccompProfile(read(f), f);
const ctx = (caps = containerCaps()): EvalContext => ({ arch: 'amd64', caps });

test('json-lines: values, lines of nested values, and errors with line and column', () => {
  const d = parseJsonWithLines('{\n  "a": [1,\n    "x"],\n  "b": {"c": null}\n}');
  assert.deepEqual(d.value, { a: [1, 'x'], b: { c: null } });
  assert.equal(d.lineOf('a.1'), 3);
  assert.equal(d.lineOf('b.c'), 4);
  assert.throws(() => parseJsonWithLines('{\n  "a": 1,\n  "b" 2\n}'), (e: unknown) => e instanceof JsonSyntaxError && e.line === 3 && e.column === 7);
  assert.throws(() => parseJsonWithLines('{"a": 1} x'), /after the JSON value/);
  assert.throws(() => parseJsonWithLines('['.repeat(300) + ']'.repeat(300)), /too deep/);
  // a __proto__ key is data, not a prototype change
  const p = parseJsonWithLines('{"__proto__": {"polluted": 1}}').value as Record<string, unknown>;
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.deepEqual(Object.keys(p), ['__proto__']);
  assert.deepEqual(parseJsonWithLines('\ufeff{"x": "\\u0041\\n"}').value, { x: 'A\n' });
});

test("moby's own vectors load: example (old name form), the pre-1.12 default, conditional includes, the 20.10 and 29.7 defaults", () => {
  for (const f of ['moby/example.json', 'moby/default-old-format.json', 'moby/conditional_include.json', 'moby/default-v20.10.24.json']) {
    const r = load(f);
    assert.deepEqual(r.warnings, [], f);
  }
  const ex = load('moby/example.json').profile;
  assert.deepEqual(
    ex.syscalls.map((s) => s.names),
    [['clone'], ['open'], ['close']],
  );
  assert.equal(ex.syscalls[0]!.args![0]!.op, 'SCMP_CMP_MASKED_EQ');
  assert.ok(dockerDefaultProfile().syscalls.length > 20);
});

test("moby's minKernel vectors (TestMarshalUnmarshalFilter): only \"<kernel>.<major>\" strings", () => {
  const bad = ['3', '3.12', 'true', '"0.0"', '"3"', '".3"', '"3."', '"true"', '"4.15abc"', '"3.12.1"'];
  const good: Array<[string, string | undefined]> = [['null', undefined], ['""', undefined], ['"0.5"', '0.5'], ['"0.50"', '0.50'], ['"5.0"', '5.0'], ['"50.0"', '50.0'], ['"4.15"', '4.15']];
  const doc = (mk: string) => `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["s390x"],"minKernel":${mk}}}]}`;
  for (const b of bad) assert.throws(() => parseSeccompProfile(doc(b)), /invalid kernel version/, b);
  for (const [g, want] of good) assert.equal(parseSeccompProfile(doc(g)).profile.syscalls[0]!.includes?.minKernel, want, g);
});

test('malformed JSON: one clear error with its line; an unknown action: named with its line', () => {
  assert.throws(() => load('malformed.json'), (e: unknown) => e instanceof ProfileError && /malformed JSON: expected ',' or '\}' at line 5, column 29/.test(e.message));
  assert.throws(() => load('bad-action.json'), (e: unknown) => e instanceof ProfileError && /unknown action "SCMP_ACT_PERMIT".*\(line 4\)/.test(e.message));
  assert.throws(() => parseSeccompProfile('[]'), /not a JSON object/);
  assert.throws(() => parseSeccompProfile('{"syscalls": []}'), /no "defaultAction"/);
  assert.throws(() => parseSeccompProfile('{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"name":"read","names":["write"],"action":"SCMP_ACT_ALLOW"}]}'), /cannot both be set/);
  assert.throws(() => parseSeccompProfile('{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":6,"value":1,"op":"SCMP_CMP_EQ"}]}]}'), /index 0-5/);
  assert.throws(() => parseSeccompProfile('x'.repeat(5 * 1024 * 1024)), /larger than/);
});

test('an unknown syscall name is a warning with its line, not an error', () => {
  const r = load('unknown-syscall.json');
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0]!, /unknown syscall "not_a_syscall" in syscalls\[0\] \(line 5\)/);
});

test('json-lines agrees with JSON.parse on random documents', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const value = (d: number): unknown => {
    const k = Math.floor(rnd() * (d > 3 ? 4 : 7));
    if (k === 0) return Math.floor(rnd() * 1e6) - 5e5;
    if (k === 1) return rnd() * 100;
    if (k === 2) return String.fromCharCode(...Array.from({ length: Math.floor(rnd() * 8) }, () => 32 + Math.floor(rnd() * 0x2000)));
    if (k === 3) return [true, false, null][Math.floor(rnd() * 3)];
    if (k === 4) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(d + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, (_, i) => [`k${i}\u00e9"`, value(d + 1)]));
  };
  for (let i = 0; i < 300; i++) {
    const v = value(0);
    const text = JSON.stringify(v, null, i % 3 === 0 ? undefined : i % 3 === 1 ? 2 : '\t');
    assert.deepEqual(parseJsonWithLines(text).value, JSON.parse(text));
    // a truncated document: the same verdict as JSON.parse (a prefix of a number is still a number)
    const cut = text.slice(0, Math.floor(text.length * rnd()));
    let expected: unknown;
    try {
      expected = JSON.parse(cut);
    } catch {
      assert.throws(() => parseJsonWithLines(cut), JsonSyntaxError);
      continue;
    }
    assert.deepEqual(parseJsonWithLines(cut).value, expected);
  }
});

test("includes/excludes follow moby (TestLoadConditional): caps, arches, minKernel", () => {
  const p = load('moby/conditional_include.json').profile;
  const names = (caps: string[]) => allowedNames(evaluate(p, { arch: 'amd64', caps: new Set(caps) }), ['chmod', 'syslog', 'ptrace']).sort();
  assert.deepEqual(names([]), ['chmod', 'ptrace']);
  assert.deepEqual(names(['CAP_SYSLOG']), ['chmod', 'ptrace', 'syslog']);
  assert.deepEqual(names(['CAP_SYS_ADMIN']), ['chmod']);
  const d = dockerDefaultProfile();
  // arch_prctl is amd64/x32 only; ptrace needs kernel 4.8 in the 20.10 profile
  assert.ok(isAllowed(evaluate(d, ctx()), 'arch_prctl'));
  assert.ok(!isAllowed(evaluate(d, { arch: 'arm64', caps: containerCaps() }), 'arch_prctl'));
  const p20 = load('moby/default-v20.10.24.json').profile;
  assert.ok(isAllowed(evaluate(p20, { ...ctx(), kernel: '5.10.0' }), 'ptrace'));
  assert.ok(!isAllowed(evaluate(p20, { ...ctx(), kernel: '4.4.0' }), 'ptrace'));
});

test("containerCaps: Docker's default set, --cap-add, --cap-drop, ALL, privileged", () => {
  assert.ok(containerCaps().has('CAP_CHOWN') && !containerCaps().has('CAP_SYS_ADMIN'));
  assert.ok(containerCaps({ capAdd: ['sys_admin'] }).has('CAP_SYS_ADMIN'));
  assert.ok(!containerCaps({ capDrop: ['CHOWN'] }).has('CAP_CHOWN'));
  assert.deepEqual([...containerCaps({ capDrop: ['ALL'], capAdd: ['NET_BIND_SERVICE'] })], ['CAP_NET_BIND_SERVICE']);
  assert.ok(containerCaps({ capAdd: ['ALL'], capDrop: ['SYS_ADMIN'] }).has('CAP_BPF'));
  assert.ok(!containerCaps({ capAdd: ['ALL'], capDrop: ['SYS_ADMIN'] }).has('CAP_SYS_ADMIN'));
  assert.ok(containerCaps({ privileged: true }).has('CAP_SYS_ADMIN'));
});

test("delta: Docker's default against itself is empty; the 20.10 default differs from 29.7 by io_uring and newer syscalls", () => {
  const self = seccompDelta(dockerDefaultProfile(), ctx());
  assert.deepEqual([self.added, self.removed, self.filterChanged], [[], [], []]);
  assert.equal(self.allowed.length, self.baseAllowed.length);
  assert.match(countLine(self), /^\d+ syscalls allowed, against \d+ in Docker's default profile$/);
  const d20 = seccompDelta(load('moby/default-v20.10.24.json').profile, ctx());
  assert.deepEqual(d20.added, ['io_uring_enter', 'io_uring_register', 'io_uring_setup']);
  assert.ok(d20.removed.includes('futex_waitv') === false && d20.removed.includes('cachestat'));
  // 20.10 allows socket for every family, 29.7 refuses AF_ALG and AF_VSOCK
  assert.deepEqual(d20.filterChanged, [{ name: 'socket', profile: 'allow', base: 'conditional' }]);
  const least = seccompDelta(load('least.json').profile, ctx());
  assert.equal(least.allowed.length, 12);
  assert.deepEqual(least.added, []);
});

test('check: allow-by-default and log-by-default fail, an allow list passes', () => {
  const kinds = (f: string, c = ctx()) => analyzeSeccomp(load(f).profile, c).map((i) => `${i.kind}${i.syscall ? `:${i.syscall}` : ''}`);
  assert.ok(kinds('permissive.json').includes('permissive-default'));
  const log = analyzeSeccomp(load('log-default.json').profile, ctx()).find((i) => i.kind === 'permissive-default');
  assert.match(log!.message, /SCMP_ACT_LOG: the profile logs and allows/);
  assert.equal(log!.line, 2);
  assert.deepEqual(kinds('least.json'), []);
  assert.deepEqual(analyzeSeccomp(dockerDefaultProfile(), ctx()), []);
});

test("check: dangerous syscalls beyond the default fail, an argument condition still counts, what the default allows in the same context passes", () => {
  const issues = analyzeSeccomp(load('dangerous.json').profile, ctx());
  const danger = issues.filter((i) => i.kind === 'dangerous-syscall');
  // ptrace is in the list but Docker's default allows it (kernel >= 4.8): not beyond it
  assert.deepEqual(danger.map((i) => i.syscall).sort(), ['bpf', 'keyctl', 'mount', 'unshare']);
  assert.equal(danger.find((i) => i.syscall === 'mount')!.line, 10);
  assert.match(danger.find((i) => i.syscall === 'unshare')!.message, /with argument conditions/);
  // on a kernel before 4.8 Docker's default refuses ptrace
  assert.ok(analyzeSeccomp(load('dangerous.json').profile, { ...ctx(), kernel: '4.4.0' }).some((i) => i.syscall === 'ptrace'));
  // with CAP_SYS_ADMIN Docker's default allows mount and unshare too
  const admin = analyzeSeccomp(load('dangerous.json').profile, ctx(containerCaps({ capAdd: ['SYS_ADMIN'] }))).filter((i) => i.kind === 'dangerous-syscall');
  assert.deepEqual(admin.map((i) => i.syscall).sort(), ['keyctl']);
  assert.deepEqual(analyzeSeccomp(dockerDefaultProfile(), ctx(containerCaps({ capAdd: ['SYS_ADMIN'] }))), []);
});

test('check: clone without the namespace mask and clone3 fail; the masked clone of moby/example.json passes', () => {
  const clone = analyzeSeccomp(load('dangerous.json').profile, ctx()).filter((i) => i.kind === 'clone-unfiltered');
  assert.deepEqual(clone.map((i) => i.syscall), ['clone', 'clone3']);
  assert.deepEqual(analyzeSeccomp(load('moby/example.json').profile, ctx()).filter((i) => i.kind === 'clone-unfiltered'), []);
  // a mask that leaves CLONE_NEWUSER out is no filter
  const weak = parseSeccompProfile('{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1845624832,"op":"SCMP_CMP_MASKED_EQ"}]}]}').profile;
  assert.equal(analyzeSeccomp(weak, ctx()).filter((i) => i.kind === 'clone-unfiltered').length, 1);
});

test('check: no architecture list fails, architectures or archMap pass', () => {
  assert.ok(analyzeSeccomp(load('dangerous.json').profile, ctx()).some((i) => i.kind === 'no-arch'));
  assert.ok(!analyzeSeccomp(load('least.json').profile, ctx()).some((i) => i.kind === 'no-arch'));
  assert.ok(!analyzeSeccomp(dockerDefaultProfile(), ctx()).some((i) => i.kind === 'no-arch'));
});

test('generator: observed syscalls + the runtime start-up set, EPERM default, clone masked, clone3 ENOSYS, socket per family', () => {
  const p = new StraceParser([100], '/');
  for (const l of [
    '100   read(0, ""..., 1) = 1', // the helper's, before the gate opens: not recorded
    '100   execve("/bin/server", [...], 0x7ffd /* 3 vars */) = 0',
    '100   socket(2, 0x80001, 0) = 3',
    '100   socket(10, 0x2, 0) = 4',
    '100   bind(3, {sa_family=2, sin_port=htons(80), sin_addr=inet_addr("0.0.0.0")}, 16) = 0',
    '100   clone3({flags=0x3d0f00, child_tid=0x7f, parent_tid=0x7f, exit_signal=0, stack=0x7f, stack_size=0x7fff00, tls=0x7f} => {parent_tid=[0]}, 88) = -1 ENOSYS (Function not implemented)',
    '100   clone(child_stack=0x7f, flags=0x3d0f00, parent_tid=[101], tls=0x7f, child_tidptr=0x7f) = 101',
    '101   unshare(0x10000000) = -1 EPERM (Operation not permitted)',
    '101   mkdir("/tmp/x", 0700) = 0',
    '100   personality(0xffffffff) = 0',
  ])
    p.line(l);
  const t = p.summary();
  assert.equal(t.syscalls.has('read'), false);
  assert.equal(t.threads, 1);
  const g = seccompFromTrace(t, { startupObserved: true, ctx: ctx() });
  const prof = g.profile;
  assert.equal(prof.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(prof.defaultErrnoRet, 1);
  assert.deepEqual(prof.architectures, ['SCMP_ARCH_X86_64']);
  const allow = prof.syscalls[0]!.names;
  for (const n of ['execve', 'bind', 'mkdir', 'capset', 'setgroups', 'fstatfs']) assert.ok(allow.includes(n), n);
  assert.ok(!allow.includes('unshare'), 'refused while recording and by the default: left out');
  assert.deepEqual(g.excluded.map((x) => x.name), ['unshare']);
  assert.ok(!allow.includes('clone') && !allow.includes('clone3'));
  assert.deepEqual(
    prof.syscalls.filter((r) => r.names[0] === 'socket').map((r) => r.args![0]!.value),
    [2, 10],
  );
  assert.equal(prof.syscalls.find((r) => r.names[0] === 'clone3')!.errnoRet, 38);
  assert.deepEqual(prof.syscalls.filter((r) => r.names[0] === 'personality').map((r) => r.args![0]!.value), [0xffffffff]);
  // the written profile reads back, passes every check and counts as the delta says
  const back = parseSeccompProfile(g.text);
  assert.deepEqual(back.warnings, []);
  assert.deepEqual(analyzeSeccomp(back.profile, ctx()), []);
  assert.equal(seccompDelta(back.profile, ctx()).allowed.length, g.delta.allowed.length);
  assert.equal(formatSeccompProfile(back.profile), g.text);
  assert.deepEqual(g.delta.added, []);
  // not observing the start adds the dynamic loader's set
  const attached = seccompFromTrace(t, { startupObserved: false, ctx: ctx() });
  assert.ok(attached.profile.syscalls[0]!.names.includes('rseq') && !allow.includes('rseq'));
});

test("the daemon's seccomp-profile: each issue is a result naming the line; unreadable or malformed files fail", async () => {
  const { makeEvidence } = await import('../daemon/evidence.js');
  const { hostRules } = await import('../../src/analyzers/daemon/index.js');
  const rule = hostRules.find((r) => r.meta.id === 'BW-DAEMON-060')!;
  const run = (text: string | undefined, error?: string) =>
    rule.check(makeEvidence({ json: { 'seccomp-profile': '/etc/docker/s.json' }, patch: (ev) => (ev.daemonSeccompProfile = { path: '/etc/docker/s.json', text, error }) }));
  const bad = run(read('dangerous.json'));
  assert.ok(bad.every((r) => r.status === 'fail'));
  assert.ok(bad.some((r) => /line 10: mount is allowed beyond Docker's default/.test(r.message)));
  assert.ok(bad.some((r) => r.key === 'seccomp-profile|no-arch|' && r.severity === 'low'));
  assert.match(run(read('malformed.json'))[0]!.message, /malformed JSON.*line 5.*dockerd does not start/);
  assert.match(run(undefined, 'the file does not exist or cannot be read')[0]!.message, /cannot be read/);
  const good = run(read('least.json'));
  assert.equal(good[0]!.status, 'pass');
  assert.match(good[0]!.message, /12 syscalls allowed, against \d+ in Docker's default profile/);
  assert.equal(rule.check(makeEvidence({}))[0]!.status, 'pass');
});
