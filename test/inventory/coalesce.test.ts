import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { buildInventory, inventoryAnalyzers, ownerOf } from '../../src/inventory/index.js';
import { stackLayers } from '../../src/image/final.js';
import type { ImageScan, LayerResult } from '../../src/image/types.js';
import type { EntryMeta, OpenedImage } from '../../src/sources/types.js';
import { ctx, fixture, meta } from './helpers.js';

interface LayerSpec { files?: Record<string, Buffer | string>; modes?: Record<string, number>; whiteouts?: string[]; opaque?: string[] }

/** Layers as the walker would report them: the real analyzers run on the given file contents. */
async function scanOf(specs: LayerSpec[]): Promise<ImageScan> {
  const layers: LayerResult[] = [];
  for (const [i, s] of specs.entries()) {
    const layer = { index: i, digest: `sha256:${String(i).repeat(64)}` };
    const entries: EntryMeta[] = [];
    const analyses: Record<string, Record<string, unknown>> = {};
    for (const [path, raw] of Object.entries(s.files ?? {})) {
      const content = typeof raw === 'string' ? Buffer.from(raw) : raw;
      const m = meta(path, { size: content.length, mode: s.modes?.[path] ?? 0o644 });
      entries.push(m);
      for (const a of inventoryAnalyzers) {
        if (!a.wants(m)) continue;
        const out = await a.analyze(m, content, { ...ctx(), layer });
        if (out !== undefined) (analyses[a.name] ??= {})[path] = JSON.parse(JSON.stringify(out));
      }
    }
    layers.push({ layer, entries, whiteouts: s.whiteouts ?? [], opaqueDirs: s.opaque ?? [], analyses, uncompressedSize: 0, warnings: [] });
  }
  const { final, hidden } = stackLayers(layers);
  const image = { ref: 'test', kind: 'test', name: 'test', repoTags: [], config: {}, layers: layers.map((l) => l.layer) } as unknown as OpenedImage;
  return { image, layers, final, hidden };
}

const status = fixture('dpkg/status').toString();
const stanzas = status.split('\n\n');
const osr = fixture('os/debian-os-release');
const pkgInfo = fixture('python/urllib3-egg/PKG-INFO');
const lodash = (v: string) => JSON.stringify({ name: 'lodash', version: v, license: 'MIT' });

test('final packages, introducing layers, whiteouts and rewritten databases', async () => {
  const scan = await scanOf([
    { files: { 'etc/os-release': osr, 'var/lib/dpkg/status': stanzas.slice(0, 5).join('\n\n') } },
    {
      files: {
        'var/lib/dpkg/status': stanzas.slice(0, 8).join('\n\n'), // apt install: 3 more packages, the file rewritten
        'app/node_modules/lodash/package.json': lodash('4.17.15'),
        'app/node_modules/minimist/package.json': JSON.stringify({ name: 'minimist', version: '1.2.0' }),
      },
    },
    {
      files: { 'app/node_modules/lodash/package.json': lodash('4.17.21') }, // upgraded
      whiteouts: ['app/node_modules/minimist'], // deleted
    },
  ]);
  const inv = buildInventory(scan);
  const deb = inv.packages.filter((p) => p.ecosystem === 'deb');
  assert.equal(deb.length, 8);
  const intro = Object.fromEntries(deb.map((p) => [p.name, p.layerIndex]));
  assert.deepEqual(intro, { 'base-files': 0, bash: 0, coreutils: 0, libc6: 0, libssl3: 0, login: 1, 'perl-base': 1, 'python3-urllib3': 1 });
  const npm = inv.packages.filter((p) => p.ecosystem === 'npm');
  assert.deepEqual(npm.map((p) => `${p.name}@${p.version} L${p.layerIndex}`), ['lodash@4.17.21 L2']);
  assert.equal(inv.os?.id, 'debian');
  assert.equal(deb[0]!.purl, 'pkg:deb/debian/base-files@12.4%2Bdeb12u11?arch=amd64&distro=debian-12');
  assert.equal(deb[0]!.layerDigest, `sha256:${'0'.repeat(64)}`);
});

test('a database deleted in a later layer takes its packages with it; an opaque dir hides language packages', async () => {
  const scan = await scanOf([
    { files: { 'lib/apk/db/installed': fixture('apk/installed-3.20.3'), 'srv/node_modules/lodash/package.json': lodash('4.17.4') } },
    { files: { 'srv/keep': 'x' }, whiteouts: ['lib/apk/db/installed'], opaque: ['srv/node_modules'] },
  ]);
  const inv = buildInventory(scan);
  assert.deepEqual(inv.packages, []);
});

test('a package that disappears and comes back is introduced by the layer that brought it back', async () => {
  const two = stanzas.slice(0, 2).join('\n\n');
  const one = stanzas.slice(0, 1).join('\n\n');
  const inv = buildInventory(await scanOf([{ files: { 'var/lib/dpkg/status': two } }, { files: { 'var/lib/dpkg/status': one } }, { files: { 'var/lib/dpkg/status': two } }]));
  assert.deepEqual(inv.packages.map((p) => `${p.name} L${p.layerIndex}`), ['base-files L0', 'bash L2']);
});

test('ownership: Debian-shipped Python and npm packages, Go binary; file lists and ownerOf across usr-merge', async () => {
  const urllib3List = fixture('dpkg/python3-urllib3.list');
  const hello = gunzipSync(fixture('golang/hello-go1.19.gz'));
  const scan = await scanOf([
    {
      files: {
        'etc/os-release': osr,
        'var/lib/dpkg/status': status,
        'var/lib/dpkg/info/python3-urllib3.list': urllib3List,
        'var/lib/dpkg/info/zlib1g:amd64.list': fixture('dpkg/zlib1g:amd64.list'),
        'usr/lib/python3/dist-packages/urllib3-1.26.12.egg-info/PKG-INFO': pkgInfo,
        'usr/local/lib/python3.11/site-packages/urllib3-2.0.0.dist-info/METADATA': 'Name: urllib3\nVersion: 2.0.0\n',
        'usr/local/bin/hello': hello,
      },
      modes: { 'usr/local/bin/hello': 0o755 },
    },
  ]);
  const inv = buildInventory(scan);
  const py = inv.packages.filter((p) => p.ecosystem === 'pypi');
  assert.deepEqual(py.map((p) => [p.version, p.ownedBy?.name]), [['1.26.12', 'python3-urllib3'], ['2.0.0', undefined]]);
  const zlib = inv.packages.find((p) => p.name === 'zlib1g')!;
  assert.ok(zlib.files?.includes('lib/x86_64-linux-gnu/libz.so.1.2.13'));
  assert.equal(ownerOf(inv, '/usr/lib/x86_64-linux-gnu/libz.so.1.2.13')?.name, 'zlib1g');
  assert.equal(ownerOf(inv, 'usr/bin/nothing'), undefined);
  const go = inv.packages.filter((p) => p.ecosystem === 'golang');
  assert.deepEqual(go.map((p) => p.name).sort(), ['example.com/app', 'example.com/dep', 'stdlib']);
  assert.ok(go.every((p) => !p.ownedBy && p.path === 'usr/local/bin/hello'));
});

test('distroless: dpkg status.d without dpkg; lock-file entries already installed are not doubled', async () => {
  const zlib = stanzas.find((s) => s.startsWith('Package: zlib1g'))!.replace(/^Status:.*\n/m, '');
  const lock = JSON.stringify({ lockfileVersion: 3, packages: { '': { name: 'app' }, 'node_modules/lodash': { version: '4.17.21' }, 'node_modules/ms': { version: '2.1.3', dev: true } } });
  const inv = buildInventory(await scanOf([{ files: { 'var/lib/dpkg/status.d/zlib1g': zlib, 'usr/lib/os-release': osr, 'app/package-lock.json': lock, 'app/node_modules/lodash/package.json': lodash('4.17.21') } }]));
  assert.equal(inv.os?.distroless, true);
  assert.equal(inv.os?.evidence, 'usr/lib/os-release');
  assert.deepEqual(inv.packages.map((p) => `${p.ecosystem}:${p.name}@${p.version}${p.fromLockfile ? ' lock' : ''}`), ['deb:zlib1g@1:1.2.13.dfsg-1', 'npm:lodash@4.17.21', 'npm:ms@2.1.3 lock']);
});
