import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile, runCommands } from '../../src/dockerfile/parse.js';
import { expand } from '../../src/dockerfile/vars.js';
import { finalStage, shippedStages } from '../../src/dockerfile/model.js';

describe('variable substitution', () => {
  const env = new Map<string, string | undefined>([['A', 'x'], ['E', ''], ['U', undefined]]);
  it('handles $VAR, ${VAR}, defaults and alternatives', () => {
    assert.equal(expand('$A-${A}', env).value, 'x-x');
    assert.equal(expand('${E:-d}', env).value, 'd');
    assert.equal(expand('${E-d}', env).value, '');
    assert.equal(expand('${N:-d}', env).value, 'd');
    assert.equal(expand('${A:+alt}', env).value, 'alt');
    assert.equal(expand('${E:+alt}', env).value, '');
    assert.equal(expand('\\$A', env).value, '$A');
  });
  it('flags unknown variables as unresolved and keeps them', () => {
    const r = expand('img:${TAG}', env);
    assert.equal(r.value, 'img:${TAG}');
    assert.equal(r.unresolved, true);
  });
});

describe('Dockerfile model', () => {
  it('reads stages: image, tag, digest, registry, alias, platform, parent', () => {
    const df = parseDockerfile(
      'ARG V=3.20\nFROM --platform=$BUILDPLATFORM registry.example.com:5000/team/alpine:${V} AS Build\nFROM build AS final\nFROM ubuntu@sha256:' + 'a'.repeat(64) + '\n',
      'Dockerfile',
    );
    const [a, b, c] = df.stages;
    assert.equal(a!.image.registry, 'registry.example.com:5000');
    assert.equal(a!.image.name, 'team/alpine');
    assert.equal(a!.image.tag, '3.20');
    assert.equal(a!.alias, 'build');
    assert.equal(a!.platform, '$BUILDPLATFORM');
    assert.equal(b!.parent, 0);
    assert.equal(c!.image.digest, 'sha256:' + 'a'.repeat(64));
    assert.equal(finalStage(df), c);
    assert.deepEqual([...shippedStages(df)], [2]);
  });
  it('scopes ARG before FROM to FROM lines; ARG NAME re-imports the default inside a stage', () => {
    const df = parseDockerfile('ARG V=1\nFROM a:$V\nWORKDIR /x$V\nARG V\nWORKDIR /y$V', 'D');
    const wd = df.instructions.filter((i) => i.keyword === 'WORKDIR');
    assert.equal(wd[0]!.expanded, '/x$V');
    assert.equal(wd[0]!.unresolved, true);
    assert.equal(wd[1]!.expanded, '/y1');
  });
  it('ENV values see the environment from before the ENV', () => {
    const df = parseDockerfile('FROM a:1\nENV A=1\nENV A=2 B=$A\nWORKDIR /$B-$A', 'D');
    assert.equal(df.instructions[3]!.expanded, '/1-2');
  });
  it('positions are 1-based and span continuation lines', () => {
    const df = parseDockerfile('FROM a:1\n\nRUN apt-get update \\\n  && apt-get install -y x\n', 'D');
    const run = df.instructions[1]!;
    assert.deepEqual([run.line, run.column, run.endLine], [3, 1, 4]);
  });
  it('honours the escape directive', () => {
    const df = parseDockerfile('# escape=`\nFROM mcr.microsoft.com/windows:1\nRUN choco install `\n  git', 'D');
    assert.equal(df.escape, '`');
    const cmds = runCommands(df.instructions[1]!, df.escape);
    assert.deepEqual(cmds[0]!.argv, ['choco', 'install', 'git']);
  });
  it('reads heredoc scripts as shell', () => {
    const df = parseDockerfile('FROM a:1\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n', 'D');
    const run = df.instructions[1]!;
    assert.equal(run.heredocs.length, 1);
    assert.equal(run.heredocs[0]!.terminated, true);
    assert.deepEqual(runCommands(run, '\\').map((c) => c.argv[0]), ['apt-get', 'apt-get']);
  });
  it('does not read a heredoc fed to a non-shell program as shell', () => {
    const df = parseDockerfile('FROM a:1\nRUN python3 <<EOF\nimport os\nEOF\n', 'D');
    assert.deepEqual(runCommands(df.instructions[1]!, '\\').map((c) => c.argv[0]), ['python3']);
  });
  it('reports an unterminated heredoc and an unknown instruction as problems with their line', () => {
    const df = parseDockerfile('FROM a:1\nFOO bar\nRUN <<EOF\necho hi\n', 'D');
    assert.deepEqual(df.problems.map((p) => [p.line, p.key]), [[2, 'unknown:FOO'], [3, 'heredoc:EOF']]);
  });
  it('distinguishes JSON and shell form', () => {
    const df = parseDockerfile('FROM a:1\nCMD ["a", "b"]\nCMD a b\nRUN ["apt-get", "install", "x"]\nCMD [broken', 'D');
    assert.deepEqual(df.instructions[1]!.json, ['a', 'b']);
    assert.equal(df.instructions[2]!.json, undefined);
    assert.equal(runCommands(df.instructions[3]!, '\\')[0]!.argv[0], 'apt-get');
    assert.equal(df.instructions[4]!.json, undefined);
  });
  it('reads COPY --from and flags', () => {
    const df = parseDockerfile('FROM a:1 AS b\nFROM c:1\nCOPY --from=b --chown=1:1 /x /y', 'D');
    assert.deepEqual(df.instructions[2]!.flags, [{ name: 'from', value: 'b' }, { name: 'chown', value: '1:1' }]);
  });
  it('collects hadolint and bulwark pragmas, local and global', () => {
    const df = parseDockerfile('# hadolint global ignore=DL3006\nFROM a\n# hadolint ignore=DL3008,DL3015\n# bulwark ignore=BW-BUILD-026\nRUN x\n\nRUN y', 'D');
    assert.deepEqual(df.globalPragmas[0]!.ids, ['DL3006']);
    const [r1, r2] = df.instructions.filter((i) => i.keyword === 'RUN');
    assert.deepEqual(r1!.pragmas.flatMap((p) => p.ids).sort(), ['BW-BUILD-026', 'DL3008', 'DL3015']);
    assert.deepEqual(r2!.pragmas, []);
  });
});
