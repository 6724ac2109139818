import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import AjvDraft04Module from 'ajv-draft-04';
import addFormats from 'ajv-formats';

// ajv-draft-04 is CommonJS: under NodeNext its default export is the module object.
const AjvDraft04 = ((AjvDraft04Module as unknown as { default?: unknown }).default ?? AjvDraft04Module) as unknown as new (o: object) => {
  compile(s: unknown): ((d: unknown) => boolean) & { errors?: unknown };
};
import { toSarif } from '../../src/report/sarif.js';
import { sampleReport } from '../support/findings.js';
import { applyPolicy, parseSeverityFilter } from '../../src/core/policy.js';
import { parseIgnoreText } from '../../src/core/ignore.js';

const schema = JSON.parse(readFileSync(new URL('../fixtures/report/sarif-schema-2.1.0.json', import.meta.url), 'utf8'));

// The schema has one pattern (language tags) that is not valid in unicode mode, hence unicodeRegExp: false.
function validator() {
  const ajv = new AjvDraft04({ allErrors: true, strict: false, validateFormats: true, unicodeRegExp: false });
  (addFormats as unknown as (a: unknown) => void)(ajv);
  return ajv.compile(schema);
}

test('SARIF output validates against the SARIF 2.1.0 schema, with every location kind and a suppression', () => {
  const report = applyPolicy(sampleReport(), { severities: parseSeverityFilter(undefined), ignores: parseIgnoreText('CIS-5.5 reason=known', 'x') });
  const sarif = toSarif(report);
  const validate = validator();
  const ok = validate(sarif);
  assert.ok(ok, JSON.stringify(validate.errors, null, 2));
});

test('SARIF carries rule metadata, levels, fingerprints and file regions', () => {
  const sarif = toSarif(sampleReport()) as any;
  const run = sarif.runs[0];
  const rules = run.tool.driver.rules;
  assert.deepEqual(rules.map((r: any) => r.id).sort(), ['BW-TEST-001', 'BW-TEST-002']);
  const r1 = rules.find((r: any) => r.id === 'BW-TEST-001');
  assert.equal(r1.properties['security-severity'], '8.0');
  assert.deepEqual(r1.properties.references, ['DL3008', 'CIS-4.7']);
  const fileResult = run.results.find((r: any) => r.locations[0].physicalLocation?.artifactLocation.uri === 'app/Dockerfile');
  assert.equal(fileResult.level, 'error');
  assert.deepEqual(fileResult.locations[0].physicalLocation.region, { startLine: 3, startColumn: 1, endLine: 4 });
  assert.match(fileResult.partialFingerprints['bulwark/v1'], /^[0-9a-f]{32}$/);
  const compose = run.results.find((r: any) => r.locations[0].physicalLocation?.artifactLocation.uri === 'compose.yaml');
  assert.equal(compose.locations[0].physicalLocation.region.startLine, 7);
  assert.equal(compose.locations[0].logicalLocations[0].fullyQualifiedName, 'web.privileged');
  assert.equal(run.results.length, 5);
  assert.equal(rules[fileResult.ruleIndex].id, fileResult.ruleId);
});

test('a SARIF document with a wrong level fails the schema (the validator is live)', () => {
  const sarif = toSarif(sampleReport()) as any;
  sarif.runs[0].results[0].level = 'fatal';
  assert.equal(validator()(sarif), false);
});
