/**
 * Every file of the compose corpus (test/fixtures/runtime/compose-corpus) and of the Kubernetes corpus
 * (test/fixtures/k8s/corpus), hardened with the defaults: the result parses, and its re-audit has no
 * critical or high runtime finding (nothing is kept).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hardenComposeText } from '../../src/harden/compose.js';
import { hardenK8sText } from '../../src/harden/k8s.js';
import { HARDEN_DEFAULTS } from '../../src/harden/config.js';
import { loadK8sText } from '../../src/runtime/k8s.js';

const FIX = fileURLToPath(new URL('../fixtures/', import.meta.url));
const high = (fs: Array<{ severity: string; ruleId: string; message: string }>) => fs.filter((f) => f.severity === 'critical' || f.severity === 'high').map((f) => `${f.ruleId} ${f.message}`);

test('compose corpus: every file hardened re-audits with no critical or high finding', () => {
  const corpus = join(FIX, 'runtime', 'compose-corpus');
  const files = readFileSync(join(corpus, 'SOURCES.md'), 'utf8').split('\n').map((l) => /^\| `([^`]+\.ya?ml)` \|/.exec(l)?.[1]).filter((x): x is string => Boolean(x));
  assert.ok(files.length >= 30, `${files.length} files`);
  let before = 0;
  for (const f of files) {
    const p = join(corpus, f);
    const r = hardenComposeText(readFileSync(p, 'utf8'), p, HARDEN_DEFAULTS, { env: {} });
    before += high(r.before).length;
    assert.deepEqual(high(r.after), [], f);
  }
  assert.ok(before > 0, 'the corpus has critical/high findings to remove');
});

test('Kubernetes corpus: every manifest hardened re-audits with no critical or high finding', () => {
  const corpus = join(FIX, 'k8s', 'corpus');
  let n = 0;
  for (const d of readdirSync(corpus, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    for (const f of readdirSync(join(corpus, d.name))) {
      const p = join(corpus, d.name, f);
      const r = hardenK8sText(readFileSync(p, 'utf8'), p, HARDEN_DEFAULTS);
      assert.deepEqual(high(r.after), [], f);
      loadK8sText(r.text, p);
      n++;
    }
  }
  assert.ok(n >= 30);
});
