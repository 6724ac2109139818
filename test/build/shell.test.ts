import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseShell } from '../../src/dockerfile/shell/tokenize.js';
import { effective, flagValue, hasFlag, positionals } from '../../src/dockerfile/shell/command.js';
import { isPinned, packageCommand } from '../../src/dockerfile/shell/packages.js';

const argvs = (s: string) => parseShell(s).map((c) => c.argv);

describe('shell reader', () => {
  it('splits on &&, ||, ;, | and newlines', () => {
    assert.deepEqual(argvs('a 1 && b 2 || c; d | e\nf'), [['a', '1'], ['b', '2'], ['c'], ['d'], ['e'], ['f']]);
  });
  it('keeps quoted operators inside words and removes quotes', () => {
    assert.deepEqual(argvs(`echo "a && b" 'c | d' e\\ f`), [['echo', 'a && b', 'c | d', 'e f']]);
  });
  it('marks pipelines', () => {
    const c = parseShell('curl -s x | tar xz && echo ok');
    assert.equal(c[0]!.pipeLength, 2);
    assert.equal(c[1]!.pipeIndex, 1);
    assert.equal(c[2]!.pipeLength, 1);
  });
  it('reads $(...), backticks, subshells and sh -c bodies as commands too', () => {
    const names = parseShell('X=$(cat /f) && (cd /a && make) && echo `id -u` && sh -c "apt-get install -y x"').map((c) => c.argv[0]);
    for (const n of ['cat', 'cd', 'make', 'id', 'apt-get']) assert.ok(names.includes(n), n);
    const nested = parseShell('sh -c "apt-get install -y x"').find((c) => c.argv[0] === 'apt-get')!;
    assert.equal(nested.depth, 1);
  });
  it('drops redirections and their targets', () => {
    assert.deepEqual(argvs('make > /dev/null 2>&1 && cat </etc/x >>log'), [['make'], ['cat']]);
  });
  it('joins backslash-newline continuations and skips comment lines inside them', () => {
    assert.deepEqual(argvs('apt-get install \\\n# a comment\n  curl \\\n  git'), [['apt-get', 'install', 'curl', 'git']]);
  });
  it('honours a backtick escape character for continuations', () => {
    assert.deepEqual(argvs.call(null, 'x'), [['x']]);
    assert.deepEqual(parseShell('choco install `\n  git', 0, '`').map((c) => c.argv), [['choco', 'install', 'git']]);
  });
  it('reports word offsets into the source', () => {
    const src = 'apt-get   install curl';
    const c = parseShell(src, 100)[0]!;
    assert.equal(c.words[1]!.start, 110);
    assert.equal(src.slice(c.words[1]!.start - 100, c.words[1]!.end - 100), 'install');
  });
  it('strips shell keywords of if/for/while lists', () => {
    const names = parseShell('if [ -f x ]; then apt-get update; fi; for i in 1 2; do echo $i; done').map((c) => c.argv[0]);
    assert.ok(names.includes('apt-get') && names.includes('['));
    assert.ok(!names.includes('fi') && !names.includes('then') && !names.includes('done'));
  });
  it('survives unbalanced quotes and parentheses', () => {
    assert.doesNotThrow(() => parseShell('echo "unterminated && $(foo ( `bar'));
  });
});

describe('command helpers', () => {
  it('sees through sudo, env and assignments', () => {
    const e = effective(parseShell('DEBIAN_FRONTEND=noninteractive sudo -E -u root env A=1 apt-get install -y x')[0]!);
    assert.equal(e.name, 'apt-get');
    assert.equal(e.sudo, true);
  });
  it('reads flags in long, short and clustered forms', () => {
    assert.ok(hasFlag(['-qy'], ['yes'], ['y']));
    assert.ok(hasFlag(['--yes'], ['yes'], ['y']));
    assert.ok(!hasFlag(['--yesterday'], ['yes'], []));
    assert.equal(flagValue(['-o', 'out'], ['output'], ['o']), 'out');
    assert.equal(flagValue(['--output=out'], ['output'], ['o']), 'out');
    assert.deepEqual(positionals(['-t', 'x', 'a', '--', '-b'], new Set(['-t'])), ['a', '-b']);
  });
});

describe('package managers', () => {
  const pc = (s: string) => packageCommand(parseShell(s)[0]!)!;
  it('apt-get with value flags', () => {
    const p = pc('apt-get -o Dpkg::Options::=--force-confnew -t bookworm-backports install -y curl=7.88 git');
    assert.equal(p.action, 'install');
    assert.deepEqual(p.packages, ['curl=7.88', 'git']);
  });
  it('apk --virtual names are not packages', () => {
    assert.deepEqual(pc('apk add --no-cache --virtual .deps gcc').packages, ['gcc']);
  });
  it('python -m pip', () => {
    assert.equal(pc('python3 -m pip install flask').manager, 'pip');
  });
  it('pinning per manager', () => {
    assert.ok(isPinned('apt-get', 'foo=1.2'));
    assert.ok(!isPinned('apt-get', 'foo'));
    assert.ok(isPinned('apk', 'foo~1.2'));
    assert.ok(isPinned('pip', 'foo>=1'));
    assert.ok(isPinned('npm', '@s/p@1.0'));
    assert.ok(!isPinned('npm', '@s/p'));
    assert.ok(isPinned('go', 'x.io/t@v1.0.0'));
    assert.ok(!isPinned('go', 'x.io/t@latest'));
    assert.ok(isPinned('yum', 'httpd-2.4.24'));
    assert.ok(isPinned('gem', 'bundler:2.0'));
  });
});
