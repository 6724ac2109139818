/**
 * Golden reports of the shared test images: `bulwark image docker:NAME -f json` (inventory, vulnerability,
 * secret, file and config findings) against a vulnerability database built from the committed feed fixtures,
 * compared byte for byte with `test/fixtures/image/golden/<image>.json`. Optimisations of the walker, the
 * sources and the analyzers must leave these reports unchanged; a change that alters them on purpose re-records
 * them and says why in its commit:
 *
 *   BULWARK_UPDATE_GOLDEN=1 node scripts/test.mjs test/image/golden.test.ts
 *
 * What is normalised, because it legitimately differs between runs or machines (nothing else is):
 *   - `tool.version`;
 *   - the image ID (`targets[].id`, `summary.id`, `summary.inventory.image.configDigest`) and `summary.created`:
 *     `docker import` stamps the import time into the config, so the same layers get another ID on every machine;
 *   - findings of the two rules whose verdict depends on today's date (BW-IMAGE-005 image age, BW-IMAGE-006
 *     end-of-life release) are left out, and the per-severity counts of `summary.origin` are recomputed without them.
 * The Debian images are debootstrapped from the live mirror, so on a machine that built them on another day their
 * layers differ from the recorded ones: the golden comparison then reports that it was not applicable (the layer
 * digests are part of each golden file) and the test still compares every scan path against each other.
 *
 * Besides the golden file, every image must give the same normalised report cold and warm (from the layer
 * cache), and the small Alpine image also as a `docker save` tar and as a gzip OCI layout.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { buildDb } from '../vulndb/helpers.js';
import { ALPINE_IMAGE, ALPINE_OLD_IMAGE, BOOKWORM_APP_IMAGE, BOOKWORM_BASE_IMAGE, dockerAvailable, ensureAlpineImage, ensureBookwormImages } from '../support/images.js';

const GOLDEN = join(import.meta.dirname, '../fixtures/image/golden');
const UPDATE = process.env.BULWARK_UPDATE_GOLDEN === '1';
const SHARED_ROOTFS = join(import.meta.dirname, '../../../shared/data/rootfs');
const engine = dockerAvailable();
const skip = !engine ? 'no Docker engine' : existsSync(SHARED_ROOTFS) ? false : 'needs ../shared/data/rootfs';
/** rules whose verdict depends on the date the test runs */
const CLOCK_RULES = new Set(['BW-IMAGE-005', 'BW-IMAGE-006']);

let db = '';
let work = '';

before(async () => {
  if (skip) return;
  ensureAlpineImage();
  ensureBookwormImages();
  work = tempDir('bw-golden-');
  db = join((await buildDb(undefined, join(work, 'db'))).cacheDir, 'db', 'vuln.db');
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** The report with run-dependent fields normalised (see the header). */
export function normalise(report: Json): Json {
  const r = structuredClone(report);
  r.tool.version = '(version)';
  for (const t of r.targets ?? []) if (t.id) t.id = '(image id)';
  r.findings = (r.findings ?? []).filter((f: Json) => !CLOCK_RULES.has(f.ruleId));
  const s = r.summary;
  if (s) {
    if (s.id) s.id = '(image id)';
    if (s.created) s.created = '(created)';
    if (s.inventory?.image?.configDigest) s.inventory.image.configDigest = '(image id)';
    const o = s.origin;
    if (o) {
      for (const side of ['base', 'app'] as const) {
        const c: Record<string, number> = { total: 0 };
        for (const f of r.findings) {
          if (f.suppressed || (f.origin ?? f.vulnerability?.origin) !== side) continue;
          c.total++;
          c[f.severity] = (c[f.severity] ?? 0) + 1;
        }
        o[side] = c;
      }
      // the origin line repeats the counts: keep its shape, drop the numbers that depended on the clock rules
      o.text = String(o.text).replace(/\d+ findings/g, 'N findings');
      s.text = String(s.text).replace(/^Origin: .*$/m, 'Origin: (see summary.origin)').replace(/^Created: .*$/m, 'Created: (created)').replace(/^ID: .*$/m, 'ID: (image id)');
    }
  }
  return r;
}

/** Only the parts a different scan path of the same image may legitimately change: what the user typed, the source kind and the stored blob sizes. */
function sourceIndependent(report: Json): Json {
  const r = structuredClone(report);
  for (const t of r.targets) t.ref = '(ref)';
  r.summary.ref = '(ref)';
  r.summary.kind = '(kind)';
  // which source answered is, by design, source-dependent
  r.summary.source = '(source)';
  if (typeof r.summary.text === 'string') r.summary.text = r.summary.text.replace(/^Source: .*$/m, 'Source:   (source)');
  for (const l of r.summary.layers) delete l.blobSize;
  if (r.summary.inventory?.image) {
    r.summary.inventory.image.ref = '(ref)';
    r.summary.inventory.image.kind = '(kind)';
    // only an OCI layout has a manifest of its own (the engine and a legacy save tar have none)
    delete r.summary.inventory.image.manifestDigest;
  }
  return r;
}

/** The first place two JSON values differ, as a path (for a readable assertion message). */
function firstDiff(a: Json, b: Json, path = '$'): string | undefined {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const d = firstDiff(a[k], b[k], `${path}.${k}`);
      if (d) return d;
    }
    return `${path}: same members, different order`;
  }
  return `${path}: ${JSON.stringify(a)?.slice(0, 300)} vs ${JSON.stringify(b)?.slice(0, 300)}`;
}

function assertSame(actual: Json, expected: Json, what: string): void {
  const a = JSON.stringify(actual, null, 1);
  const e = JSON.stringify(expected, null, 1);
  if (a !== e) assert.fail(`${what}: first difference at ${firstDiff(actual, expected)}`);
}

async function scan(ref: string, cacheDir: string, extra: string[] = []): Promise<Json> {
  const r = await runCli(['image', ref, '-f', 'json', '--cache-dir', cacheDir, '--db', db, ...extra]);
  assert.ok(r.code === 0 || r.code === 1, `bulwark image ${ref}: exit ${r.code}: ${r.stderr}`);
  return normalise(JSON.parse(r.stdout));
}

function diffIds(image: string): string[] {
  return JSON.parse(execFileSync('docker', ['image', 'inspect', '-f', '{{json .RootFS.Layers}}', image], { encoding: 'utf8' })) as string[];
}

function goldenPath(image: string): string {
  return join(GOLDEN, `${image.replace(/^bulwark-test\//, '').replace(/[^A-Za-z0-9.-]+/g, '-')}.json`);
}

/** Compare with (or record) the golden report; returns false when the golden was recorded for other layers. */
function checkGolden(image: string, report: Json): boolean {
  const layers = diffIds(image);
  const file = goldenPath(image);
  const text = JSON.stringify({ image, layers, report }, null, 1) + '\n';
  if (UPDATE) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, text);
    return true;
  }
  assert.ok(existsSync(file), `no golden report ${file}: record it with BULWARK_UPDATE_GOLDEN=1`);
  const golden = JSON.parse(readFileSync(file, 'utf8'));
  if (JSON.stringify(golden.layers) !== JSON.stringify(layers)) return false;
  // byte-identical: the serialised report, not a structural comparison
  assertSame(report, golden.report, `${image}: the report differs from ${file}`);
  return true;
}

for (const image of [ALPINE_IMAGE, ALPINE_OLD_IMAGE, BOOKWORM_BASE_IMAGE, BOOKWORM_APP_IMAGE]) {
  test(`golden report: ${image}, cold and warm`, { skip }, async (t) => {
    const cache = tempDir('bw-golden-cache-');
    const cold = await scan(`docker:${image}`, cache);
    const applicable = checkGolden(image, cold);
    if (!applicable) t.diagnostic(`${image} was built from other content than the golden report's (a later debootstrap): golden comparison not applicable here`);
    const warm = await scan(`docker:${image}`, cache);
    assertSame(warm, cold, `${image}: the warm rescan differs from the cold scan`);
  });
}

test('golden report: the same image as a docker save tar and as a gzip OCI layout', { skip }, async () => {
  const cache = tempDir('bw-golden-cache-');
  const tar = join(work, 'alpine.tar');
  execFileSync('docker', ['save', '-o', tar, ALPINE_IMAGE], { timeout: 120_000 });
  const oci = join(work, 'alpine-oci');
  execFileSync('skopeo', ['copy', '-q', '--dest-compress', '--dest-compress-format', 'gzip', `docker-archive:${tar}`, `oci:${oci}:${ALPINE_IMAGE}`], { timeout: 120_000, stdio: ['ignore', 'ignore', 'inherit'] });
  const viaEngine = sourceIndependent(await scan(`docker:${ALPINE_IMAGE}`, cache));
  const viaTar = sourceIndependent(await scan(tar, cache));
  assertSame(viaTar, viaEngine, 'docker save tar vs docker:');
  const viaOci = sourceIndependent(await scan(`oci:${oci}:${ALPINE_IMAGE}`, tempDir('bw-golden-cache-')));
  // the OCI layout names its layers by compressed blob digests: the layer digests in the report differ, nothing else
  const blobDigests = (r: Json) => r.summary.layers.map((l: Json) => l.digest);
  const swap = (r: Json, from: string[], to: string[]) => {
    let s = JSON.stringify(r);
    from.forEach((d, i) => (s = s.split(d).join(to[i]!)));
    return JSON.parse(s);
  };
  const ociDigests = blobDigests(viaOci);
  const asEngine = swap(viaOci, ociDigests, blobDigests(viaEngine));
  assertSame(asEngine, viaEngine, 'gzip OCI layout vs docker:');
});
