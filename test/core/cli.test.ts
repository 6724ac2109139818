import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../support/cli.js';

test('bulwark rules lists the catalogue as JSON with the metadata every rule must have', async () => {
  const r = await runCli(['rules', '--format', 'json']);
  assert.equal(r.code, 0);
  const rules = JSON.parse(r.stdout);
  assert.ok(Array.isArray(rules));
  const ids = new Set<string>();
  for (const rule of rules) {
    for (const k of ['id', 'title', 'severity', 'stage', 'rationale', 'remediation', 'references']) assert.ok(rule[k] !== undefined, `${rule.id} lacks ${k}`);
    assert.ok(!ids.has(rule.id), `duplicate ${rule.id}`);
    ids.add(rule.id);
    assert.match(rule.id, /^BW-[A-Z]+-\d{3}$/);
    assert.ok(rule.rationale.length > 10 && rule.remediation.length > 5, `${rule.id} has empty text`);
  }
});

test('bulwark explain of an unknown rule is a usage error (exit 2), not a stack trace', async () => {
  const r = await runCli(['explain', 'NOPE-999']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no rule 'NOPE-999'/);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
});

test('unknown command and unknown option exit 2', async () => {
  assert.equal((await runCli(['frobnicate'])).code, 2);
  assert.equal((await runCli(['rules', '--bogus'])).code, 2);
  const v = await runCli(['--version']);
  assert.equal(v.code, 0);
  assert.match(v.stdout, /^\d+\.\d+\.\d+/);
});
