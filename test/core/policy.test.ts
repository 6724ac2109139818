import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPolicy, exitCodeFor, parseSeverityFilter } from '../../src/core/policy.js';
import { parseIgnoreText, isExpired } from '../../src/core/ignore.js';
import { sampleReport } from '../support/findings.js';
import { fingerprint } from '../../src/core/finding.js';

test('--severity high keeps high and critical; a list keeps exactly the list', () => {
  assert.deepEqual([...parseSeverityFilter('high')].sort(), ['critical', 'high']);
  assert.deepEqual([...parseSeverityFilter('HIGH,LOW')].sort(), ['high', 'low']);
  assert.equal(parseSeverityFilter(undefined).size, 5);
  assert.throws(() => parseSeverityFilter('severe'), /unknown severity 'severe'/);
});

test('severity filter drops findings below the threshold and the exit code follows what remains', () => {
  const r = applyPolicy(sampleReport(), { severities: parseSeverityFilter('high'), ignores: [] });
  assert.deepEqual(r.findings.map((f) => f.severity).sort(), ['critical', 'high']);
  assert.equal(exitCodeFor(r, 4), 4);
  assert.equal(exitCodeFor(r, undefined), 0);
  const none = applyPolicy(sampleReport(), { severities: parseSeverityFilter('critical'), ignores: parseIgnoreText('BW-TEST-001', 'x') });
  assert.equal(none.findings.length, 1);
  assert.ok(none.findings[0]!.suppressed);
  assert.equal(exitCodeFor(none, 1), 0, 'suppressed findings do not fail the gate');
});

test('ignore entries match rule IDs, upstream references, fingerprints and paths', () => {
  const report = sampleReport();
  const fp = report.findings[1]!.fingerprint;
  const ignores = parseIgnoreText(
    [
      '# comment line',
      'dl3008 path=app/**   # hadolint id, lower case, only under app/',
      `${fp} reason=accepted risk for the demo`,
    ].join('\n'),
    '.bulwarkignore',
  );
  assert.equal(ignores.length, 2);
  assert.equal(ignores[1]!.reason, 'accepted risk for the demo');
  const r = applyPolicy(report, { severities: parseSeverityFilter(undefined), ignores });
  const suppressed = r.findings.filter((f) => f.suppressed).map((f) => f.location.kind);
  // DL3008 with path=app/** hits only the file finding (the image finding's path etc/shadow is outside app/)
  assert.deepEqual(suppressed.sort(), ['file', 'runtime']);
  assert.equal(r.findings.find((f) => f.location.kind === 'file')!.suppressed!.reason, 'hadolint id, lower case, only under app/');
});

test('expired entries stop suppressing and say so', () => {
  const ignores = parseIgnoreText('BW-TEST-002 exp=2020-01-31 reason=temporary\nBW-TEST-001 exp=2999-12-31', 'ign');
  assert.equal(isExpired(ignores[0]!, new Date('2020-01-31T12:00:00Z')), false, 'the expiry day itself still suppresses');
  assert.equal(isExpired(ignores[0]!, new Date('2020-02-01T00:00:01Z')), true);
  const r = applyPolicy(sampleReport(), { severities: parseSeverityFilter(undefined), ignores, today: new Date('2026-01-01') });
  assert.ok(r.findings.filter((f) => f.ruleId === 'BW-TEST-002').every((f) => !f.suppressed));
  assert.ok(r.findings.filter((f) => f.ruleId === 'BW-TEST-001').every((f) => f.suppressed));
  assert.equal(r.warnings!.length, 1);
  assert.match(r.warnings![0]!, /expired on 2020-01-31/);
});

test('malformed ignore lines are errors with the line number', () => {
  assert.throws(() => parseIgnoreText('DL3008 exp=tomorrow', 'f'), /f:1: exp must be YYYY-MM-DD/);
  assert.throws(() => parseIgnoreText('\nDL3008 when=now', 'f'), /f:2: unknown field 'when=now'/);
});

test('fingerprints depend on content keys, not on anything positional', () => {
  assert.equal(fingerprint('R', 'a', 'b'), fingerprint('R', 'a', 'b'));
  assert.notEqual(fingerprint('R', 'a', 'b'), fingerprint('R', 'ab', ''));
  assert.notEqual(fingerprint('R', 'a'), fingerprint('S', 'a'));
});
