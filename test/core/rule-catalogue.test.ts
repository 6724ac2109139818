/**
 * The built rule catalogue (dist/rule-catalogue.json, written by scripts/postbuild.mjs) stands in for the registry
 * when `bulwark rules` lists rules and when a report cites rules: it must be the registry's rules exactly, and
 * its ID order the order `bulwark rules` prints.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleMap } from '../../src/analyzers/registry.js';
import { ruleCatalogueFromRegistry, ruleOrder } from '../../src/app/rules.js';

test('the catalogue the build writes is the registry, rule for rule, through JSON', async () => {
  const rules = await ruleCatalogueFromRegistry();
  const written = JSON.parse(JSON.stringify({ rules, byId: ruleOrder(rules) })) as { rules: unknown[]; byId: number[] };
  const registry = ruleMap();
  assert.equal(written.rules.length, registry.size);
  // a rule that does not survive JSON (undefined fields, functions, regexes) would render differently from the catalogue
  for (const r of written.rules) assert.deepStrictEqual(r, registry.get((r as { id: string }).id));
  const sorted = written.byId.map((i) => (written.rules[i] as { id: string }).id);
  assert.deepEqual(sorted, [...registry.keys()].sort(new Intl.Collator('en', { numeric: true }).compare));
  assert.equal(new Set(written.byId).size, written.rules.length);
});
