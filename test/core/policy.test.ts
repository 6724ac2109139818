import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPolicy, exitCodeFor, parseSeverityFilter } from '../../src/core/policy.js';
import { parseIgnoreText, isExpired } from '../../src/core/ignore.js';
import { sampleReport } from '../support/findings.js';
import { SEVERITIES, fingerprint, severityRank, type Finding } from '../../src/core/finding.js';
import { compareIds, sortFindings } from '../../src/core/policy.js';

test('--severity high keeps high and critical; a list keeps exactly the list', () => {
  assert.deepEqual([...parseSeverityFilter('high')].sort(), ['critical', 'high']);
  assert.deepEqual([...parseSeverityFilter('HIGH,LOW')].sort(), ['high', 'low']);
  assert.equal(parseSeverityFilter(undefined).size, SEVERITIES.length);
  assert.throws(() => parseSeverityFilter('severe'), /unknown severity 'severe'/);
});

test('unknown sits below low and above info; no threshold admits it unless named', () => {
  assert.ok(severityRank('low') > severityRank('unknown') && severityRank('unknown') > severityRank('info'));
  assert.deepEqual([...parseSeverityFilter('low')].sort(), ['critical', 'high', 'low', 'medium']);
  assert.deepEqual([...parseSeverityFilter('medium')].sort(), ['critical', 'high', 'medium']);
  assert.deepEqual([...parseSeverityFilter('unknown')].sort(), ['critical', 'high', 'low', 'medium', 'unknown']);
  assert.deepEqual([...parseSeverityFilter('info')].sort(), [...SEVERITIES].sort(), 'info and worse is everything');
  assert.deepEqual([...parseSeverityFilter('HIGH+,UNKNOWN')].sort(), ['critical', 'high', 'unknown']);
  assert.deepEqual([...parseSeverityFilter('high,unknown')].sort(), ['high', 'unknown']);
  assert.deepEqual([...parseSeverityFilter('negligible')].sort(), [...SEVERITIES].sort());
  assert.throws(() => parseSeverityFilter('high,severe+'), /unknown severity 'severe\+'/);
});

test('a gate on medium neither shows nor fails on unrated vulnerabilities; naming unknown does both', () => {
  const mk = (severity: Finding['severity'], id: string): Finding => ({
    ruleId: id, title: id, severity, stage: 'image', message: id, location: { kind: 'image', image: 'x' }, remediation: { text: '' }, references: [], fingerprint: fingerprint(id),
  });
  const report = { tool: { name: 'bulwark', version: '0' }, targets: [], findings: [mk('unknown', 'CVE-1'), mk('low', 'CVE-2')] };
  assert.equal(exitCodeFor(applyPolicy(report, { severities: parseSeverityFilter('medium'), ignores: [] }), 1), 0);
  const r = applyPolicy(report, { severities: parseSeverityFilter('medium+,unknown'), ignores: [] });
  assert.deepEqual(r.findings.map((f) => f.ruleId), ['CVE-1']);
  assert.equal(exitCodeFor(r, 1), 1);
});

test('sorting: worse first; within a severity, known-exploited first', () => {
  const mk = (severity: Finding['severity'], id: string, kev = false): Finding => ({
    ruleId: id, title: id, severity, stage: 'image', message: id, location: { kind: 'image', image: 'x' }, remediation: { text: '' }, references: [], fingerprint: fingerprint(id),
    ...(kev ? { vulnerability: { id, aliases: [], package: { name: 'p', version: '1', ecosystem: 'npm' }, status: 'fixed', feed: 'x', kev: { dateAdded: '2024-01-01' } } } : {}),
  });
  const sorted = sortFindings([mk('unknown', 'A'), mk('high', 'B'), mk('high', 'Z', true), mk('info', 'C'), mk('low', 'D'), mk('critical', 'E')]);
  assert.deepEqual(sorted.map((f) => f.ruleId), ['E', 'Z', 'B', 'D', 'A', 'C']);
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

test('compareIds orders as localeCompare does (rule IDs, fingerprints, and strings that fall back to the collator)', () => {
  const sign = (n: number) => Math.sign(n);
  const real = ['BW-IMAGE-011', 'BW-IMAGE-013', 'BW-SECRET-019', 'CVE-2026-48618', 'CVE-2019-1010022', 'GHSA-29mw-wpgm-hmr9', 'GHSA-29MW-wpgm-hmr9', 'NSWG-ECO-516', 'DL3008', 'DS001', 'GO-2023-1571', 'PYSEC-2021-1', 'RUSTSEC-2020-0071', 'BW-IMAGE-01', 'BW-IMAGE-011a', 'a3f9', 'A3F9', 'bw_image', 'bw.image', 'bw:image', 'ab', 'aB', 'Ab', 'AB', ''];
  for (const a of real) for (const b of real) assert.equal(sign(compareIds(a, b)), sign(a.localeCompare(b)), `${a} vs ${b}`);
  // random strings over the ID alphabet plus a few characters that fall back
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const alphabet = 'ABCXYZabcxyz0129-_.:/ ';
  const word = () => Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
  for (let i = 0; i < 20000; i++) {
    const a = word();
    const b = rnd() < 0.5 ? a.slice(0, Math.floor(rnd() * a.length)) + word() : word();
    assert.equal(sign(compareIds(a, b)), sign(a.localeCompare(b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
});
