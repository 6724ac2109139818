/** `bulwark cis` JSON and SARIF carry every check with its verdict, as Docker Bench's JSON does (#19). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../support/cli.js';
import { buildTree, loadTree } from '../daemon/tree.js';
import type { Report } from '../../src/core/report.js';

test('cis --format json: a structured result for every check (pass, fail, warn, info, not evaluated)', async () => {
  const root = buildTree(loadTree('root-bad'));
  const r = await runCli(['cis', '--root', root, '-f', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as Report & { summary: { cis: { checks: number; counts: Record<string, number> } } };
  const checks = rep.checks!;
  assert.equal(checks.length, rep.summary.cis.checks);
  for (const c of checks) {
    for (const k of ['ruleId', 'title', 'status', 'message'] as const) assert.ok(c[k], `${c.ruleId} lacks ${k}`);
    if (c.status === 'fail' || c.status === 'warn') assert.ok(c.remediation && c.remediation.length > 5, `${c.ruleId} ${c.cis}: no remediation`);
  }
  const statuses = new Set(checks.map((c) => c.status));
  for (const s of ['pass', 'fail', 'warn', 'not-evaluated']) assert.ok(statuses.has(s as never), `no ${s} check`);
  assert.equal(checks.filter((c) => c.status === 'pass').length, rep.summary.cis.counts.pass);
  assert.ok(checks.some((c) => c.evidence && Object.keys(c.evidence).length > 0), 'evidence travels with the checks');
  // findings stay the fail/warn ones
  assert.equal(rep.findings.length, checks.filter((c) => c.status === 'fail' || c.status === 'warn').length);

  const s = await runCli(['cis', '--root', root, '-f', 'sarif']);
  const run = (JSON.parse(s.stdout) as { runs: Array<{ results: Array<{ kind: string; level: string; ruleId: string; ruleIndex: number }>; tool: { driver: { rules: Array<{ id: string }> } }; properties: { cisScore: { score: number; sections: Array<{ section: string; score: number; checks: number }> } } }> }).runs[0]!;
  // the score per section and in total travels in the run's property bag, as in the JSON summary
  const sum = rep.summary.cis as unknown as { score: number; sections: Array<{ section: string; score: number; checks: number }> };
  assert.equal(run.properties.cisScore.score, sum.score);
  assert.deepEqual(run.properties.cisScore.sections.map((x) => `${x.section}:${x.score}/${x.checks}`), sum.sections.map((x) => `${x.section}:${x.score}/${x.checks}`));
  assert.deepEqual(run.properties.cisScore.sections.map((x) => x.section), ['1', '2', '3', '4', '5', '6', '7', 'K']);
  const kinds = (k: string) => run.results.filter((x) => x.kind === k).length;
  assert.equal(kinds('pass'), rep.summary.cis.counts.pass);
  assert.equal(kinds('fail'), rep.findings.length);
  assert.equal(kinds('open'), rep.summary.cis.counts['not-evaluated']);
  assert.ok(run.results.filter((x) => x.kind !== 'fail').every((x) => x.level === 'none'));
  assert.ok(run.results.every((x) => run.tool.driver.rules[x.ruleIndex]!.id === x.ruleId));
});
