/** Hostile RUN shapes: the analyzer must finish and report, not crash or hang (no timing asserted). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeDockerfile } from '../../src/analyzers/build/analyze.js';
import { parseShell } from '../../src/dockerfile/shell/tokenize.js';
import { expand } from '../../src/dockerfile/vars.js';

const lint = (t: string) => analyzeDockerfile(Buffer.from(t), 'D').findings;

describe('hostile input', () => {
  it('deeply nested command substitutions do not exhaust the stack', () => {
    const t = 'FROM a:1\nRUN ' + 'echo $('.repeat(5000) + 'sudo x' + ')'.repeat(5000);
    assert.doesNotThrow(() => lint(t));
    assert.doesNotThrow(() => parseShell('`'.repeat(10000)));
  });
  it('deeply nested ${A:-${B:-...}} defaults do not exhaust the stack', () => {
    assert.doesNotThrow(() => expand('${A:-'.repeat(20000) + 'x' + '}'.repeat(20000), new Map()));
  });
  it('a RUN with thousands of commands gets one finding per rule, with one merged fix', () => {
    const t = 'FROM a:1\nRUN ' + 'apk add x=1 && '.repeat(3000) + 'true';
    const nc = lint(t).filter((f) => f.ruleId === 'BW-BUILD-030');
    assert.equal(nc.length, 1);
    assert.match(nc[0]!.message, /and 2999 more in this RUN/);
    assert.equal(nc[0]!.remediation.fix!.edits[0]!.replacement.split('--no-cache').length - 1, 3000);
  });
  it('unbalanced quotes, parentheses and heredoc markers are read without error', () => {
    for (const body of ['"unterminated', "'x", '$(echo', '((((', '<<', 'echo ${', '`x', 'a &&', '| b', '; ;']) {
      assert.doesNotThrow(() => lint(`FROM a:1\nRUN ${body}\n`), body);
    }
  });
  it('a lone continuation at the end of the file and CR-only line endings are read', () => {
    assert.doesNotThrow(() => lint('FROM a:1\nRUN echo \\'));
    assert.ok(lint('FROM debian:latest\rRUN echo\r').length > 0);
  });
});
