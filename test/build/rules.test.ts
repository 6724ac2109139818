/**
 * Every build rule against its positive (bad) and negative (good) examples. The examples come from
 * hadolint's rule specs and trivy-checks' docker tests where those exist (see each cases file).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allBuildRules } from '../../src/analyzers/build/rules/index.js';
import { assertFires, assertQuiet, type RuleCase } from './helpers.js';
import { cases as from } from './cases/from.js';
import { cases as user } from './cases/user.js';
import { cases as copy } from './cases/copy.js';
import { cases as labels } from './cases/labels.js';
import { cases as apt } from './cases/apt.js';
import { cases as apk } from './cases/apk.js';
import { cases as rpm } from './cases/rpm.js';
import { cases as lang } from './cases/lang.js';
import { cases as run } from './cases/run.js';
import { cases as security } from './cases/security.js';
import { cases as gaps } from './cases/gaps.js';

const all: RuleCase[] = [...from, ...user, ...copy, ...labels, ...apt, ...apk, ...rpm, ...lang, ...run, ...security, ...gaps];

for (const c of all) {
  describe(c.id, () => {
    c.bad.forEach((text, i) => it(`flags bad example ${i + 1}`, () => void assertFires(c.id, text, c.settings)));
    c.good.forEach((text, i) => it(`passes good example ${i + 1}`, () => assertQuiet(c.id, text, c.settings)));
  });
}

describe('rule catalogue', () => {
  it('every rule except the parse-error rule has bad and good examples', () => {
    const covered = new Set(all.filter((c) => c.bad.length && c.good.length).map((c) => c.id));
    const missing = allBuildRules.map((r) => r.meta.id).filter((id) => id !== 'BW-BUILD-000' && !covered.has(id));
    assert.deepEqual(missing, []);
  });
  it('IDs are unique, sequential and every rule has rationale and remediation', () => {
    allBuildRules.forEach((r, i) => {
      assert.equal(r.meta.id, `BW-BUILD-${String(i).padStart(3, '0')}`);
      assert.ok(r.meta.rationale.length > 20 && r.meta.remediation.length > 5, r.meta.id);
      assert.equal(r.meta.stage, 'build');
    });
  });
  it('maps every hadolint DL rule and every Trivy DS check', () => {
    const refs = new Set(allBuildRules.flatMap((r) => r.meta.references));
    const dl = [
      3000, 3001, 3002, 3003, 3004, 3005, 3006, 3007, 3008, 3009, 3010, 3011, 3012, 3013, 3014, 3015, 3016, 3017, 3018, 3019, 3020, 3021, 3022, 3023, 3024, 3025, 3026,
      3027, 3028, 3029, 3030, 3031, 3032, 3033, 3034, 3035, 3036, 3037, 3038, 3039, 3040, 3041, 3042, 3043, 3044, 3045, 3046, 3047, 3048, 3049, 3050, 3051, 3052, 3053,
      3054, 3055, 3056, 3057, 3058, 3059, 3060, 3061, 3062, 4000, 4001, 4003, 4004, 4005, 4006,
    ].map((n) => `DL${n}`);
    const ds = [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32].map((n) => `DS${String(n).padStart(3, '0')}`);
    assert.deepEqual([...dl, ...ds].filter((id) => !refs.has(id)), []);
  });
});
