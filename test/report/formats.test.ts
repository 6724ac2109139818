import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTable } from '../../src/report/table.js';
import { renderJson } from '../../src/report/json.js';
import { sampleReport } from '../support/findings.js';
import { SEVERITIES, STAGES } from '../../src/core/finding.js';

test('JSON report keeps the finding contract fields', () => {
  const parsed = JSON.parse(renderJson(sampleReport()));
  assert.deepEqual(Object.keys(parsed.tool).sort(), ['name', 'version']);
  assert.equal(parsed.tool.name, 'bulwark');
  for (const f of parsed.findings) {
    for (const k of ['ruleId', 'title', 'severity', 'stage', 'message', 'location', 'remediation', 'references', 'fingerprint']) {
      assert.ok(k in f, `finding lacks ${k}`);
    }
    assert.ok(SEVERITIES.includes(f.severity));
    assert.ok(STAGES.includes(f.stage));
    assert.equal(typeof f.remediation.text, 'string');
    assert.ok(Array.isArray(f.references));
  }
  const file = parsed.findings.find((f: any) => f.location.kind === 'file');
  assert.deepEqual([file.location.file, file.location.line, file.location.column], ['app/Dockerfile', 3, 1]);
  const img = parsed.findings.find((f: any) => f.location.kind === 'image');
  assert.equal(img.location.layerDigest.length, 71);
});

test('table output has colour only when asked, and hides suppressed findings unless shown', () => {
  const report = sampleReport();
  report.findings[0]!.suppressed = { kind: 'ignorefile', reason: 'r' };
  const plain = renderTable(report, { color: false });
  assert.doesNotMatch(plain, /\x1b\[/);
  assert.match(plain, /1 suppressed/);
  assert.doesNotMatch(plain, /Pin versions in apt-get install/);
  const coloured = renderTable(report, { color: true, showSuppressed: true });
  assert.match(coloured, /\x1b\[1;31mCRITICAL/);
  assert.match(coloured, /Pin versions in apt-get install \[suppressed: ignorefile, r\]/);
});
