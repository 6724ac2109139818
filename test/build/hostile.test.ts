/** Hostile RUN shapes: the analyzer must finish and report, not crash or hang (no timing asserted). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeDockerfile } from '../../src/analyzers/build/analyze.js';
import { parseShell } from '../../src/dockerfile/shell/tokenize.js';
import { expand, ExpansionBudget } from '../../src/dockerfile/vars.js';
import { runCli } from '../support/cli.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';

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
  it('39 lines of ARG A<i>=${A<i-1>}${A<i-1>} (813 bytes, 2^39 characters expanded) end with a finding, not a RangeError', async () => {
    let t = 'FROM alpine:3.20\nARG A0=xy\n';
    for (let i = 1; i <= 39; i++) t += `ARG A${i}=\${A${i - 1}}\${A${i - 1}}\nRUN echo \${A${i}}\n`;
    const f = lint(t);
    const limit = f.filter((x) => x.ruleId === 'BW-BUILD-000' && /variable substitution/.test(x.message));
    assert.equal(limit.length, 1, JSON.stringify(f.map((x) => x.message)));
    // through the CLI: exit 0/1 with a report, never 3 with a stack trace
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-args-'));
    try {
      const file = join(dir, 'Dockerfile');
      writeFileSync(file, t);
      const r = await runCli(['dockerfile', file, '-f', 'json']);
      assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /RangeError|at .*\.js/);
      assert.ok(JSON.parse(r.stdout).findings.some((x: { message: string }) => /variable substitution/.test(x.message)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('80,000 lines of ENV a=$a$a end with a finding, bounded in memory', () => {
    const t = 'FROM alpine:3.20\nENV a=x\n' + 'ENV a=$a$a\n'.repeat(80000);
    const before = process.memoryUsage().rss;
    const f = lint(t);
    assert.ok(f.some((x) => x.ruleId === 'BW-BUILD-000' && /variable substitution/.test(x.message)));
    assert.ok(process.memoryUsage().rss - before < 512 * 1024 * 1024, 'under 512 MB more');
  });
  it('the expansion budget cuts one value and stops after the total', () => {
    const b = new ExpansionBudget(100, 10);
    const env = new Map([['a', 'x'.repeat(8)]]);
    const r = expand('$a$a$a', env, '\\', 0, b);
    assert.equal(r.value.length, 10);
    assert.equal(r.limited, true);
    assert.equal(b.hit, 'value');
    for (let i = 0; i < 20; i++) expand('$a', env, '\\', 0, b);
    assert.equal(b.hit, 'total');
    assert.deepEqual(expand('$a', env, '\\', 0, b), { value: '$a', unresolved: true, limited: true });
  });
});
