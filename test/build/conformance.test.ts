/**
 * Conformance with hadolint's and trivy-checks' own rule tests (see test/build/conformance.ts and
 * test/fixtures/conformance/SOURCES.md). Fails when a case of a mapped upstream ID disagrees without a
 * documented reason (agreement dropped), when a documented difference agrees again (the list is stale),
 * and when docs/rules/conformance.md is out of date.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadCases, loadDifferences, renderConformanceDoc, runAll, summarize, type CaseResult } from './conformance.js';

const results: CaseResult[] = runAll();
const differences = loadDifferences();

test('the upstream suites are there in full', () => {
  assert.ok(loadCases('hadolint').cases.length >= 1000, 'hadolint rule spec cases');
  assert.ok(loadCases('trivy').cases.length >= 180, 'trivy-checks Dockerfile test cases');
  const ids = new Set(results.filter((r) => r.rules.length).map((r) => `${r.upstream}:${r.c.id}`));
  assert.ok(ids.size >= 85, `mapped upstream IDs: ${ids.size}`);
});

test('every case of a mapped upstream ID agrees, or is a documented deliberate difference', () => {
  const documented = new Set(differences.map((d) => d.key));
  const dropped = results
    .filter((r) => r.rules.length && !r.agrees && !documented.has(r.key))
    .map((r) => `${r.key} (${r.c.id} "${r.c.name}": upstream expects ${r.c.expect === 'fail' ? 'a finding' : 'none'}, Bulwark reports ${r.fired})\n${r.c.dockerfile}`);
  assert.deepEqual(dropped, [], 'agreement dropped');
});

test('every documented difference still differs and has a reason', () => {
  const byKey = new Map(results.map((r) => [r.key, r]));
  for (const d of differences) {
    assert.ok(d.reason && d.reason.length > 40, `${d.key}: a reason`);
    const r = byKey.get(d.key);
    assert.ok(r, `${d.key}: no such case (re-extracted upstream data? update differences.yaml)`);
    assert.equal(r.agrees, false, `${d.key} agrees now: remove it from differences.yaml`);
  }
});

test('agreement on mapped IDs is at least 97%', () => {
  const { mapped } = summarize(results, differences);
  assert.ok(mapped.agree / mapped.cases >= 0.97, `${mapped.agree}/${mapped.cases}`);
});

test('a rule that stops firing is caught (the check is live)', () => {
  const fail = results.find((r) => r.agrees && r.c.expect === 'fail' && r.c.id === 'DL3008')!;
  assert.ok(fail, 'a DL3008 case that fires');
  const broken: CaseResult = { ...fail, fired: 0, agrees: false };
  const { ids } = summarize([broken], []);
  assert.equal(ids[0]!.agree, 0);
  assert.equal(ids[0]!.differences[0]!.reason, undefined);
});

test('docs/rules/conformance.md is generated from the current results (npm run conformance:doc)', () => {
  const doc = readFileSync(new URL('../../docs/rules/conformance.md', import.meta.url), 'utf8');
  assert.equal(doc, renderConformanceDoc(results, differences));
});
