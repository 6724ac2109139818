/**
 * What `bulwark image FILE.tar -f json` loads: the source that reads the file and the renderer of the format,
 * not the other sources (registry client, engine client, directory and rootfs readers, bare-name resolution), the
 * other renderers (table, SARIF, HTML, CI, CycloneDX, SPDX), cosign, registry trust, or the feed registry. On a
 * rescan (image result and match cached) that is most of what the command does; the cold scan loads the matcher,
 * which needs the feed registry. Each check also names a module that must load, so a hook that saw nothing fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { tempDir } from '../support/tmp.js';
import { runCli } from '../support/cli.js';
import { sha256, tarBuffer } from '../image/support/craft.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const FIXTURE = join(ROOT, 'test/fixtures/image/alpine-minirootfs-3.20.3-subset.tar.gz');
const SECDB = join(ROOT, 'test/fixtures/vulndb/alpine/v3.20/main.json');

/** `docker save` of a one-layer image made of the Alpine fixture */
function dockerSave(path: string): void {
  const layer = gunzipSync(readFileSync(FIXTURE));
  const diffId = sha256(layer);
  const config = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', config: { User: 'app' }, rootfs: { type: 'layers', diff_ids: [diffId] }, history: [{ created_by: 'ADD rootfs /' }] }));
  const cfg = `${sha256(config).slice('sha256:'.length)}.json`;
  writeFileSync(
    path,
    tarBuffer([
      { name: 'layer/', type: '5' },
      { name: 'layer/layer.tar', content: layer },
      { name: cfg, content: config },
      { name: 'manifest.json', content: JSON.stringify([{ Config: cfg, RepoTags: ['lazy/test:1'], Layers: ['layer/layer.tar'] }]) },
    ]),
  );
}

/** the src/ modules (and node_modules packages) a CLI run resolves, in a fresh process */
function loadedBy(args: string[], dir: string): string[] {
  const hooks = join(dir, 'hooks.mjs');
  // written to fd 2 at once from the loader's thread: its process.stderr is forwarded through the main thread,
  // and what is still in flight when the process ends is lost (the last modules resolved, such as the renderer)
  writeFileSync(hooks, `import { writeSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); writeSync(2, 'ESM ' + r.url + '\\n'); return r; }\n`);
  const reg = join(dir, 'register.mjs');
  writeFileSync(reg, `import { register } from 'node:module'; register(${JSON.stringify('file://' + hooks)});\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', reg, join(ROOT, 'src/cli/bin.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  // (the hooks run on the loader's own thread: their lines may land inside the command's own stderr output)
  return [...r.stderr.matchAll(/ESM file:\/\/(\S+)/g)].map((m) => m[1]!.replace(ROOT, ''));
}

const NEVER = [
  'src/sources/registry.ts',
  'src/sources/docker-daemon.ts',
  'src/sources/dir.ts',
  'src/sources/rootfs.ts',
  'src/sources/bare-name.ts',
  'src/registry/cosign.ts',
  'src/registry/trust.ts',
  'src/registry/client.ts',
  'src/report/table.ts',
  'src/report/sarif.ts',
  'src/report/html.ts',
  'src/report/ci.ts',
  'src/report/cyclonedx.ts',
  'src/report/spdx.ts',
  'src/vulndb/saved-inventory.ts',
];

test('a docker save tar as JSON loads its source and renderer only; the rescan neither the matcher nor the feeds', async (t) => {
  const dir = tempDir('bw-lazy-cli-');
  const cache = join(dir, 'cache');
  const tar = join(dir, 'image.tar');
  dockerSave(tar);
  assert.equal((await runCli(['db', 'update', '--cache-dir', cache, '--source', SECDB])).code, 0);
  const args = ['image', tar, '--cache-dir', cache, '-f', 'json', '-o', join(dir, 'report.json')];

  const cold = loadedBy(args, dir);
  for (const m of ['src/sources/docker-archive.ts', 'src/report/json.ts', 'src/vulndb/match/index.ts']) assert.ok(cold.includes(m), `${m} loads (loaded: ${cold.filter((x) => x.startsWith('src/report') || x.startsWith('src/sources')).join(' ')}; ${cold.length} in all)`);
  for (const m of NEVER) assert.ok(!cold.includes(m), `${m} loaded by a cold scan of a tar`);
  const first = readFileSync(join(dir, 'report.json'), 'utf8');
  assert.ok(JSON.parse(first).findings.some((f: { ruleId: string }) => f.ruleId.startsWith('CVE-')), 'the scan matched');

  await t.test('rescan', () => {
    const warm = loadedBy(args, dir);
    assert.equal(readFileSync(join(dir, 'report.json'), 'utf8'), first, 'the same report');
    for (const m of ['src/sources/docker-archive.ts', 'src/report/json.ts', 'src/app/image-cache.ts']) assert.ok(warm.includes(m), `${m} loads (${warm.length} in all)`);
    for (const m of [...NEVER, 'src/vulndb/match/index.ts', 'src/vulndb/feeds/index.ts', 'src/vulndb/ratings.ts', 'src/image/walk.ts']) {
      assert.ok(!warm.includes(m), `${m} loaded by a rescan of a tar`);
    }
  });

  await t.test('the formats and options that need them still load them', async () => {
    const sarif = await runCli(['image', tar, '--cache-dir', cache, '-f', 'sarif']);
    assert.equal(sarif.code, 0, sarif.stderr);
    assert.equal(JSON.parse(sarif.stdout).version, '2.1.0');
    const cdx = await runCli(['image', tar, '--cache-dir', cache, '-f', 'cyclonedx']);
    assert.equal(cdx.code, 0, cdx.stderr);
    assert.equal(JSON.parse(cdx.stdout).bomFormat, 'CycloneDX');
    const bad = await runCli(['image', tar, '--cache-dir', cache, '-f', 'yaml']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /'yaml' is invalid/);
    const src = await runCli(['image', tar, '--cache-dir', cache, '-f', 'json', '--severity-source', 'acme']);
    assert.equal(src.code, 2);
    assert.match(src.stderr, /unknown severity source 'acme'/);
  });
});
