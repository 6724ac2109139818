/**
 * A cold image scan loads the walker, the detectors and the checks, and not the libraries only some inputs or
 * configs need: zod (config sections, ~95 modules, 75-110 ms cold), yaml (pnpm-lock.yaml), better-sqlite3
 * (rpmdb.sqlite) and yauzl (Java archives) load on first use. The defaults a scan uses without a config section
 * are the schemas' own, and the shipped allow-rules.json passes its schema.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ImageCheckContext, defaultImageChecksSettings, imageChecksSchema } from '../../src/analyzers/image/context.js';
import { builtinAllowRules, makeAllowRulesFileSchema } from '../../src/analyzers/image/secrets/allow-rules.js';
import { defaultSecretsSettings, readSecretsSettings, secretsSchema } from '../../src/analyzers/image/secrets/settings.js';

const LAZY = ['zod', 'yaml', 'better-sqlite3', 'yauzl'];

/**
 * Runs `body` (TypeScript, with `src` bound to the sources' folder) in a fresh process and lists what it loaded: every
 * module URL the ESM loader resolved ("ESM url") and, at its end, every CommonJS module loaded through require ("CJS
 * path").
 */
function modulesLoadedBy(body: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'bw-lazy-'));
  try {
    const hooks = join(dir, 'hooks.mjs');
    // written to fd 2 at once: the loader thread's process.stderr goes through the main thread, and what is in flight
    // when the process ends is lost
    writeFileSync(hooks, `import { writeSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); writeSync(2, 'ESM ' + r.url + '\\n'); return r; }\n`);
    const reg = join(dir, 'register.mjs');
    writeFileSync(reg, `import { register } from 'node:module'; register(${JSON.stringify('file://' + hooks)});\n`);
    const root = new URL('../../', import.meta.url).pathname;
    const main = join(dir, 'main.mts');
    writeFileSync(
      main,
      `import { createRequire } from 'node:module';
const src = ${JSON.stringify(root + 'src/')};
${body}
for (const k of Object.keys(createRequire(import.meta.url).cache)) process.stderr.write('CJS ' + k + '\\n');
`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', reg, main], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    return r.stderr.split('\n').filter((l) => l.startsWith('ESM ') || l.startsWith('CJS '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the scan modules load without zod, yaml, better-sqlite3 or yauzl, and settle their default settings', () => {
  const loaded = modulesLoadedBy(`await import(src + 'image/pipeline.ts');
await import(src + 'inventory/index.ts');
const { imageScanAnalyzers } = await import(src + 'app/analyzers.ts');
const { resolveSecrets } = await import(src + 'analyzers/image/secrets/settings.ts');
const { ImageCheckContext } = await import(src + 'analyzers/image/context.ts');
if ((await imageScanAnalyzers({ checks: true, config: {} })).length < 5) throw new Error('analyzers missing');
resolveSecrets({});
ImageCheckContext.settingsFrom({});`);
  assert.ok(loaded.some((l) => l.includes('/src/analyzers/image/secrets/engine.ts')), 'the hook saw the scan modules');
  assert.ok(loaded.some((l) => l.includes('/node_modules/picomatch/')), 'CommonJS modules are listed');
  for (const lib of LAZY) assert.deepEqual(loaded.filter((l) => l.includes(`/node_modules/${lib}/`)), [], `${lib} loaded by a plain scan`);
});

test('a scan without the checks loads none of their analyzers (the secret rules, their automaton, picomatch)', () => {
  const loaded = modulesLoadedBy(`await import(src + 'image/pipeline.ts');
const { imageScanAnalyzers, packageDetectors } = await import(src + 'app/analyzers.ts');
if ((await imageScanAnalyzers({ checks: false })).length !== packageDetectors.length) throw new Error('not the detectors alone');`);
  assert.ok(loaded.some((l) => l.includes('/src/inventory/')), 'the hook saw the detectors');
  assert.deepEqual(loaded.filter((l) => l.includes('/src/analyzers/image/') || l.includes('/node_modules/picomatch/')), []);
});

test('without a config section the settings are the schemas defaults; with one they are validated', () => {
  assert.deepEqual(defaultImageChecksSettings(), imageChecksSchema().parse({}));
  assert.deepEqual(ImageCheckContext.settingsFrom({}), imageChecksSchema().parse({}));
  assert.deepEqual(defaultSecretsSettings(), secretsSchema().parse({}));
  assert.deepEqual(readSecretsSettings({}), secretsSchema().parse({}));
  // each call a fresh object: a caller may change its copy
  assert.notEqual(defaultSecretsSettings().disable, defaultSecretsSettings().disable);
  assert.equal(ImageCheckContext.settingsFrom({ imageChecks: { maxAgeDays: 30 } } as never).maxAgeDays, 30);
  assert.throws(() => ImageCheckContext.settingsFrom({ imageChecks: { maxAgeDays: -1 } } as never), /imageChecks/);
  assert.throws(() => readSecretsSettings({ secrets: { allowRule: [] } } as never), /secrets/);
});

test('the shipped allow-rules.json passes its schema', () => {
  const raw: unknown = JSON.parse(readFileSync(new URL('../../src/analyzers/image/secrets/allow-rules.json', import.meta.url), 'utf8'));
  const r = makeAllowRulesFileSchema(z).safeParse(raw);
  assert.ok(r.success, r.success ? '' : JSON.stringify(r.error.issues));
  assert.deepEqual(builtinAllowRules(), r.data.rules);
});
