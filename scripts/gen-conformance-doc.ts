/**
 * Writes docs/rules/conformance.md: Bulwark's agreement with hadolint's and trivy-checks' own rule tests.
 * Usage: node --import tsx scripts/gen-conformance-doc.ts [--check]   (npm run conformance:doc)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDifferences, renderConformanceDoc, runAll } from '../test/build/conformance.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'rules', 'conformance.md');
const text = renderConformanceDoc(runAll(), loadDifferences());
if (process.argv.includes('--check')) {
  if ((existsSync(out) ? readFileSync(out, 'utf8') : '') !== text) {
    console.error(`${out} is out of date: run npm run conformance:doc`);
    process.exit(1);
  }
} else {
  writeFileSync(out, text);
  console.log(`wrote ${out}`);
}
