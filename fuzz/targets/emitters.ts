import fc from 'fast-check';
import AjvDraft04Module from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { readFileSync } from 'node:fs';
import { SEVERITIES, fingerprint, type Finding, type Location } from '../../src/core/finding.js';
import type { Ecosystem, Package } from '../../src/core/inventory.js';
import type { Report } from '../../src/core/report.js';
import { rulesCitedBy } from '../../src/analyzers/registry.js';
import { purlFor } from '../../src/inventory/purl.js';
import { toSarif } from '../../src/report/sarif.js';
import { renderCycloneDx } from '../../src/report/cyclonedx.js';
import { buildSpdx } from '../../src/report/spdx.js';
import { spdxErrors } from '../../test/support/spdx.js';
import { defineTarget } from '../harness.js';

const AjvDraft04 = ((AjvDraft04Module as unknown as { default?: unknown }).default ?? AjvDraft04Module) as unknown as new (o: object) => {
  compile(s: unknown): ((d: unknown) => boolean) & { errors?: unknown };
};
let sarifValidate: (((d: unknown) => boolean) & { errors?: unknown }) | undefined;
function sarifValid(doc: unknown): string | undefined {
  if (!sarifValidate) {
    const ajv = new AjvDraft04({ allErrors: true, strict: false, validateFormats: true, unicodeRegExp: false });
    (addFormats as unknown as (a: unknown) => void)(ajv);
    sarifValidate = ajv.compile(JSON.parse(readFileSync(new URL('../../test/fixtures/report/sarif-schema-2.1.0.json', import.meta.url), 'utf8')));
  }
  return sarifValidate(doc) ? undefined : JSON.stringify(sarifValidate.errors).slice(0, 400);
}
const cdx = new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6);

const text = fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) }, { weight: 1, arbitrary: fc.constantFrom('', ' ', '\u0000', '\n', '../../etc/passwd', 'C:\\x\\y', 'file:///x', '%2F', '#', '?', '@', 'é', '\ud800') });
const pos = fc.oneof(fc.nat(1_000_000), fc.constantFrom(0, 1));
const location: fc.Arbitrary<Location> = fc.oneof(
  fc.record({ kind: fc.constant('file' as const), file: text, line: pos, column: pos }, { requiredKeys: ['kind', 'file', 'line', 'column'] }),
  fc.record({ kind: fc.constant('image' as const), image: text, layerDigest: fc.option(fc.constant('sha256:' + 'a'.repeat(64)), { nil: undefined }), layerIndex: fc.option(fc.nat(200), { nil: undefined }), path: fc.option(text, { nil: undefined }), line: fc.option(pos, { nil: undefined }), field: fc.option(text, { nil: undefined }) }, { requiredKeys: ['kind', 'image'] }),
  fc.record({ kind: fc.constant('runtime' as const), container: fc.option(text, { nil: undefined }), service: fc.option(text, { nil: undefined }), field: text, file: fc.option(text, { nil: undefined }), line: fc.option(pos, { nil: undefined }), column: fc.option(pos, { nil: undefined }) }, { requiredKeys: ['kind', 'field'] }),
  fc.record({ kind: fc.constant('host' as const), path: fc.option(text, { nil: undefined }), setting: fc.option(text, { nil: undefined }), source: fc.option(text, { nil: undefined }), line: fc.option(pos, { nil: undefined }) }, { requiredKeys: ['kind'] }),
);
const ECOS: Ecosystem[] = ['deb', 'apk', 'rpm', 'npm', 'pypi', 'golang', 'maven'];
const RULE_IDS = ['BW-BUILD-001', 'BW-RUNTIME-001', 'BW-SECRET-021', 'BW-IMAGE-001', 'CVE-2024-3094', 'GHSA-xvch-5gv4-984h', 'BW-UNKNOWN-999'];
const pkgArb = fc.record({ name: text, version: text, ecosystem: fc.constantFrom(...ECOS), licenses: fc.option(fc.array(fc.oneof(text, fc.constantFrom('MIT', 'GPL-2.0+', 'Apache-2.0 OR MIT', 'MIT AND (', 'LicenseRef-x', 'GPLv2', '(MIT)')), { maxLength: 3 }), { nil: undefined }), sourceName: fc.option(text, { nil: undefined }), layerIndex: fc.option(fc.nat(50), { nil: undefined }), path: text });
const findingArb = fc.record({
  ruleId: fc.oneof(fc.constantFrom(...RULE_IDS), text),
  title: text,
  severity: fc.constantFrom(...SEVERITIES),
  stage: fc.constantFrom('build' as const, 'image' as const, 'runtime' as const, 'daemon' as const, 'host' as const),
  message: text,
  location,
  remediation: fc.record({ text }),
  references: fc.array(fc.oneof(text, fc.constantFrom('CVE-2024-1234', 'https://example.com/x', 'CIS-4.1')), { maxLength: 3 }),
  suppressed: fc.option(fc.record({ kind: fc.constantFrom('ignorefile' as const, 'pragma' as const, 'vex' as const, 'config' as const), reason: fc.option(text, { nil: undefined }) }, { requiredKeys: ['kind'] }), { nil: undefined }),
  vuln: fc.option(fc.record({ pkg: fc.nat(), fixed: fc.option(text, { nil: undefined }), cvss: fc.option(fc.double({ min: 0, max: 10, noNaN: true }), { nil: undefined }) }), { nil: undefined }),
});

type Input = { findings: Array<Omit<Finding, 'fingerprint'> & { vuln?: { pkg: number; fixed?: string; cvss?: number } }>; packages: Array<Omit<Package, 'purl'>>; name: string };

/** Random reports through the SARIF, CycloneDX and SPDX emitters: the output must stay schema-valid. */
export default defineTarget<Input>({
  name: 'emitters',
  about: 'SARIF 2.1.0, CycloneDX 1.6 and SPDX 2.3 output of random findings and packages (odd strings, every location kind, suppressions, vulnerabilities), checked against the schemas',
  input: () => fc.record({ findings: fc.array(findingArb as fc.Arbitrary<Input['findings'][number]>, { maxLength: 6 }), packages: fc.array(pkgArb as fc.Arbitrary<Omit<Package, 'purl'>>, { maxLength: 5 }), name: text }),
  async setup() {
    sarifValid({});
    await cdx.validate('{}');
    spdxErrors({});
  },
  async run(input) {
    const packages: Package[] = input.packages.map((p) => ({ ...p, purl: purlFor(p) }));
    const findings: Finding[] = input.findings.map(({ vuln, ...f }) => {
      const out: Finding = { ...f, fingerprint: fingerprint(f.ruleId, f.message) };
      const p = vuln && packages.length ? packages[vuln.pkg % packages.length]! : undefined;
      if (vuln && p) {
        out.vulnerability = { id: f.ruleId, aliases: [], package: { name: p.name, version: p.version, ecosystem: p.ecosystem, purl: p.purl }, status: vuln.fixed ? 'fixed' : 'affected', fixedVersion: vuln.fixed, feed: 'osv', ...(vuln.cvss !== undefined ? { cvss: { score: vuln.cvss, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', version: '3.1' } } : {}) };
      }
      return out;
    });
    const report: Report = { tool: { name: 'bulwark', version: '0.0.0' }, targets: [{ type: 'image', name: input.name }], findings, packages, rules: rulesCitedBy(findings) };
    const sarifErr = sarifValid(toSarif(report, { cwd: '/work' }));
    if (sarifErr) throw new Error(`SARIF invalid: ${sarifErr}`);
    const cdxErr = await cdx.validate(renderCycloneDx(report));
    if (cdxErr !== null) throw new Error(`CycloneDX invalid: ${JSON.stringify(cdxErr).slice(0, 400)}`);
    const spdx = spdxErrors(buildSpdx(report, { created: new Date(0), namespaceId: 'fuzz' }));
    if (spdx.v23.length || spdx.v231.length) throw new Error(`SPDX invalid: ${JSON.stringify(spdx).slice(0, 400)}`);
  },
  expected: () => false,
  encode: (i) => i,
  decode: (j) => j as Input,
});
