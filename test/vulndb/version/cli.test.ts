import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { runCli } from '../../support/cli.js';

/** runs the CLI with `input` as its standard input */
async function withStdin<T>(input: string, fn: () => Promise<T>): Promise<T> {
  const desc = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  Object.defineProperty(process, 'stdin', { configurable: true, enumerable: desc.enumerable, get: () => Readable.from([Buffer.from(input)]) });
  try {
    return await fn();
  } finally {
    Object.defineProperty(process, 'stdin', desc);
  }
}

test('cli: version compare prints -1, 0, 1 per ecosystem', async () => {
  const cases: Array<[string, string, string, string]> = [
    ['deb', '1.0~rc1-1', '1.0-1', '-1'],
    ['deb', '2:1.0', '1:9.9', '1'],
    ['apk', '1.2.3-r1', '1.2.3-r1', '0'],
    ['apk', '1.0_rc1', '1.0', '-1'],
    ['rpm', '1.0^git1', '1.0', '1'],
    ['npm', '4.17.20', '4.17.21', '-1'],
    ['pypi', '1.0.post1', '1.0', '1'],
    ['go', 'v0.0.0-20191109021931-daa7c04131f5', '0.1.0', '-1'],
    ['go', 'go1.21.3', '1.21.5', '-1'],
    ['golang', 'v2.0.0+incompatible', 'v2.0.0', '0'],
    ['maven', '1.0-SNAPSHOT', '1.0', '-1'],
    ['Debian', '1.0', '1.0-0', '0'],
  ];
  for (const [eco, a, b, want] of cases) {
    const r = await runCli(['version', 'compare', '--ecosystem', eco, a, b]);
    assert.equal(r.code, 0, `${eco} ${a} ${b}: ${r.stderr}`);
    assert.equal(r.stdout, `${want}\n`, `${eco} ${a} ${b}`);
  }
});

test('cli: version compare --stdin reads tab-separated lines', async () => {
  const r = await withStdin('1.0\t2.0\n2.0\t1.0\r\n1.0\t1.0\n', () => runCli(['version', 'compare', '-e', 'deb', '--stdin']));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '-1\n1\n0\n');
  const empty = await withStdin('', () => runCli(['version', 'compare', '-e', 'apk', '--stdin']));
  assert.equal(empty.code, 0);
  assert.equal(empty.stdout, '');
});

test('cli: a bad --stdin line is an error naming the line, exit 2', async () => {
  const r = await withStdin('1.0\t2.0\nonly-one-field\n3\t4\n', () => runCli(['version', 'compare', '-e', 'deb', '--stdin']));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /line 2: expected "A<TAB>B", got "only-one-field"/);
  assert.equal(r.stdout, '');
  assert.doesNotMatch(r.stderr, /\n\s+at /); // no stack trace
  const bad = await withStdin('1.0\t2.0\n1.0\t\n', () => runCli(['version', 'compare', '-e', 'deb', '--stdin']));
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /line 2:/);
  const invalid = await withStdin('1.0.0\tnot-a-version\n', () => runCli(['version', 'compare', '-e', 'npm', '--stdin']));
  assert.equal(invalid.code, 2);
  assert.match(invalid.stderr, /line 1: invalid npm version 'not-a-version'/);
});

test('cli: usage errors exit 2 without a stack trace', async () => {
  for (const args of [
    ['version', 'compare', '1', '2'],
    ['version', 'compare', '-e', 'cobol', '1', '2'],
    ['version', 'compare', '-e', 'deb', '1'],
    ['version', 'compare', '-e', 'deb', ':1', '2'],
    ['version', 'compare', '-e', 'deb', '--stdin', '1', '2'],
  ]) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^bulwark: /, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});
