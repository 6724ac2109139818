/**
 * Acceptance on the real Docker engine: Bulwark's package list equals what the package managers and runtimes
 * inside the running containers report, and the same image read through three sources gives one inventory.
 */
import { spdxErrors } from '../support/spdx.js';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerAvailable, ensureAlpineImage, ensureBookwormImages } from '../support/images.js';
import { imageInventory as inventoryOf } from '../../src/app/image.js';
import type { InventoryReport, Package } from '../../src/inventory/types.js';
import { pep503 } from '../../src/inventory/purl.js';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { sbomReport } from '../../src/app/sbom.js';
import { renderCycloneDx } from '../../src/report/cyclonedx.js';
import { renderSpdx } from '../../src/report/spdx.js';

const docker = dockerAvailable();
const skip = docker ? false : 'no Docker engine reachable';
let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'bulwark-accept-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

function sh(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, input, stdio: ['pipe', 'pipe', 'pipe'], timeout: 10 * 60_000 });
}
/** Run a command in a fresh, network-less container of the image. */
function inContainer(image: string, cmd: string[], input?: string): string {
  return sh('docker', ['run', '--rm', '-i', '--network', 'none', '--entrypoint', cmd[0]!, image, ...cmd.slice(1)], input);
}

/** Every difference between two multisets of lines, for the failure message. */
function diff(what: string, bulwark: string[], truth: string[]): string | undefined {
  const count = (xs: string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
  const a = count(bulwark);
  const b = count(truth);
  const lines: string[] = [];
  for (const [k, n] of b) if ((a.get(k) ?? 0) < n) lines.push(`  missing in Bulwark: ${k}`);
  for (const [k, n] of a) if ((b.get(k) ?? 0) < n) lines.push(`  extra in Bulwark:   ${k}`);
  return lines.length ? `${what}: ${lines.length} difference(s) (Bulwark ${bulwark.length}, reference ${truth.length})\n${lines.sort().join('\n')}` : undefined;
}

const scans = new Map<string, Promise<InventoryReport>>();
function inventory(ref: string): Promise<InventoryReport> {
  if (!scans.has(ref)) scans.set(ref, inventoryOf(ref, { noCache: true }).then((r) => r.inv));
  return scans.get(ref)!;
}
const of = (inv: InventoryReport, eco: string): Package[] => inv.packages.filter((p) => p.ecosystem === eco && !p.fromLockfile);

test('Alpine 3.20.3: apk packages equal `apk info -v`', { skip, timeout: 20 * 60_000 }, async () => {
  const image = ensureAlpineImage();
  const inv = await inventory(`docker:${image}`);
  const truth = inContainer(image, ['apk', 'info', '-v']).split('\n').filter(Boolean);
  const problem = diff('apk', of(inv, 'apk').map((p) => `${p.name}-${p.version}`), truth);
  assert.equal(problem, undefined, problem);
  assert.equal(inv.os?.id, 'alpine');
  assert.equal(inv.os?.versionId, '3.20.3');
  assert.equal(inv.packages.length, truth.length);
});

const DPKG = ['dpkg-query', '-W', '-f', '${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n'];
function dpkgTruth(image: string): string[] {
  return inContainer(image, DPKG).split('\n').filter((l) => l.startsWith('ii')).map((l) => l.split('\t').slice(1).join(' '));
}

test('bookworm base and app: deb packages equal `dpkg-query -W`', { skip, timeout: 30 * 60_000 }, async () => {
  const { base, app } = ensureBookwormImages();
  for (const image of [base, app]) {
    const inv = await inventory(`docker:${image}`);
    const problem = diff(`dpkg ${image}`, of(inv, 'deb').map((p) => `${p.name} ${p.version} ${p.arch}`), dpkgTruth(image));
    assert.equal(problem, undefined, problem);
    assert.equal(inv.os?.codename, 'bookworm');
  }
  // packages the app image added are attributed to a layer above the base
  const baseInv = await inventory(`docker:${base}`);
  const appInv = await inventory(`docker:${app}`);
  const baseNames = new Set(of(baseInv, 'deb').map((p) => p.name));
  const added = of(appInv, 'deb').filter((p) => !baseNames.has(p.name));
  assert.ok(added.length > 0 && added.every((p) => (p.layerIndex ?? 0) > 0));
  assert.ok(of(appInv, 'deb').filter((p) => baseNames.has(p.name)).some((p) => p.layerIndex === 0));
});

const PY = `
import importlib.metadata as m, os, sys
dirs = []
for top in ['/usr', '/opt', '/app', '/srv', '/home', '/root']:
    for d, subdirs, files in os.walk(top):
        if os.path.basename(d) in ('site-packages', 'dist-packages'):
            dirs.append(d); subdirs[:] = []
for dist in m.distributions(path=dirs):
    print(dist.metadata['Name'] + '\\t' + dist.version + '\\t' + str(dist._path))
`;

test('app image: Python packages equal importlib.metadata over every site/dist-packages dir', { skip, timeout: 30 * 60_000 }, async () => {
  const { app } = ensureBookwormImages();
  const inv = await inventory(`docker:${app}`);
  const truth = inContainer(app, ['python3', '-'], PY).split('\n').filter(Boolean).map((l) => {
    const [name, version, path] = l.split('\t');
    return `${pep503(name!)} ${version} ${path!.replace(/^\//, '')}`;
  });
  const ours = of(inv, 'pypi').map((p) => `${p.name} ${p.version} ${p.path.replace(/\/(METADATA|PKG-INFO)$/, '')}`);
  const problem = diff('pypi', ours, truth);
  assert.equal(problem, undefined, problem);
  const urllib3 = of(inv, 'pypi').find((p) => p.name === 'urllib3' && p.path.startsWith('usr/lib/python3/dist-packages/'));
  assert.deepEqual(urllib3?.ownedBy, { ecosystem: 'deb', name: 'python3-urllib3' });
});

const NODE = `
const fs = require('fs'), path = require('path');
function pkgs(nm) {
  let names; try { names = fs.readdirSync(nm); } catch { return; }
  for (const n of names) {
    const dirs = n.startsWith('@') ? (() => { try { return fs.readdirSync(path.join(nm, n)).map((s) => path.join(n, s)); } catch { return []; } })() : [n];
    for (const d of dirs) {
      const full = path.join(nm, d);
      let st; try { st = fs.lstatSync(full); } catch { continue; }
      if (!st.isDirectory()) continue;
      try {
        // a package.json that is itself a symlink (Debian's lodash-es -> lodash) aliases another package
        if (fs.lstatSync(path.join(full, 'package.json')).isSymbolicLink()) continue;
        const j = JSON.parse(fs.readFileSync(path.join(full, 'package.json'), 'utf8'));
        if (typeof j.name === 'string' && typeof j.version === 'string' && j.name && j.version) console.log(j.name + '\\t' + j.version + '\\t' + path.join(full, 'package.json'));
      } catch {}
    }
  }
}
function walk(dir) {
  let ents; try { ents = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
  for (const e of ents) {
    if (!e.isDirectory()) continue;
    const full = path.join(dir, e.name);
    if (['/proc', '/sys', '/dev'].includes(full)) continue;
    if (e.name === 'node_modules') pkgs(full);
    walk(full);
  }
}
walk('/');
// Debian's node-* packages live in Node's global folders
for (const g of ['/usr/share/nodejs', '/usr/lib/nodejs', '/usr/lib/x86_64-linux-gnu/nodejs']) pkgs(g);
`;

test('app image: npm packages equal every node_modules package.json', { skip, timeout: 30 * 60_000 }, async () => {
  const { app } = ensureBookwormImages();
  const inv = await inventory(`docker:${app}`);
  const truth = inContainer(app, ['node', '-'], NODE).split('\n').filter(Boolean).map((l) => l.split('\t').join(' ').replace(' /', ' '));
  const ours = of(inv, 'npm').map((p) => `${p.name} ${p.version} ${p.path}`);
  const problem = diff('npm', ours, truth);
  assert.equal(problem, undefined, problem);
  const lodash = of(inv, 'npm').find((p) => p.name === 'lodash' && p.path === 'app/node_modules/lodash/package.json');
  assert.ok(lodash && !lodash.ownedBy, 'the app lodash is not owned by a deb');
  // Debian's npm keeps its bundled modules in /usr/share/nodejs/npm/node_modules
  const bundled = of(inv, 'npm').filter((p) => p.path.startsWith('usr/share/nodejs/npm/node_modules/'));
  assert.ok(bundled.length > 0);
  assert.deepEqual(new Set(bundled.map((p) => JSON.stringify(p.ownedBy))), new Set([JSON.stringify({ ecosystem: 'deb', name: 'npm' })]));
  // lock files shipped inside Debian packages are not the app's dependencies
  assert.ok(!inv.packages.some((p) => p.fromLockfile && p.path.startsWith('usr/share/nodejs/')));
  const debNpm = of(inv, 'npm').find((p) => p.path === 'usr/share/nodejs/npm/package.json');
  assert.deepEqual(debNpm?.ownedBy, { ecosystem: 'deb', name: 'npm' });
});

/** What `go version -m` says, in Bulwark's terms: main module, each effective dependency, stdlib. */
function goTruth(out: string): string[] {
  const res: string[] = [];
  let bin = '';
  let last: { path: string; version: string; i: number } | undefined;
  for (const line of out.split('\n')) {
    if (!line.trim()) continue;
    if (!line.startsWith('\t')) {
      const m = /^(.*): (go\S+)/.exec(line);
      if (!m) continue;
      bin = m[1]!;
      const v = /^go(\d+)\.(\d+)(?:\.(\d+))?/.exec(m[2]!);
      if (v) res.push(`${bin} stdlib v${v[1]}.${v[2]}.${v[3] ?? '0'}`);
      continue;
    }
    const f = line.slice(1).split('\t');
    if (f[0] === 'mod') res.push(`${bin} ${f[1]} ${f[2] === '(devel)' ? '' : f[2]}`);
    else if (f[0] === 'dep') {
      res.push(`${bin} ${f[1]} ${f[2]}`);
      last = { path: f[1]!, version: f[2]!, i: res.length - 1 };
    } else if (f[0] === '=>' && last) {
      const local = !f[2] || f[2] === '(devel)' || /^[./]/.test(f[1]!);
      res[last.i] = local ? `${bin} ${last.path} ` : `${bin} ${f[1]} ${f[2]}`;
    }
  }
  return res;
}

test('app image: Go binaries equal `go version -m` on the files copied out', { skip, timeout: 30 * 60_000 }, async () => {
  const { app } = ensureBookwormImages();
  const inv = await inventory(`docker:${app}`);
  const cid = sh('docker', ['create', '--network', 'none', app]).trim();
  const out = join(work, 'gofs');
  try {
    sh('mkdir', ['-p', out]);
    for (const d of ['usr', 'opt', 'app', 'srv']) {
      try {
        sh('docker', ['cp', `${cid}:/${d}`, join(out, d)]);
      } catch {
        /* not in this image */
      }
    }
  } finally {
    sh('docker', ['rm', '-f', cid]);
  }
  // go version follows symlinks to binaries (bookworm's /usr/bin/runc -> ../sbin/runc): one binary, one entry
  const truth = [...new Set(goTruth(sh('go', ['version', '-m', out])).map((l) => {
    const i = l.indexOf(' ');
    return `${realpathSync(l.slice(0, i)).slice(realpathSync(out).length + 1)}${l.slice(i)}`;
  }))];
  assert.ok(truth.length > 0, 'the app image has Go binaries');
  const ours = of(inv, 'golang').map((p) => `${p.go!.binary} ${p.name} ${p.version}`);
  const problem = diff('golang', ours, truth);
  assert.equal(problem, undefined, problem);
  const runc = of(inv, 'golang').find((p) => p.go?.binary === 'usr/sbin/runc');
  assert.equal(runc?.ownedBy?.name, 'runc');
});

test('docker:NAME, a docker save tar and an OCI layout give identical inventories', { skip, timeout: 30 * 60_000 }, async () => {
  const { app } = ensureBookwormImages();
  const alpine = ensureAlpineImage();
  const haveSkopeo = (() => { try { sh('skopeo', ['--version']); return true; } catch { return false; } })();
  for (const image of [alpine, app]) {
    const slug = image.replace(/[^a-z0-9]+/gi, '-');
    const tar = join(work, `${slug}.tar`);
    sh('docker', ['save', '-o', tar, image]);
    const refs = [`docker:${image}`, tar];
    if (haveSkopeo) {
      const oci = join(work, `${slug}-oci`);
      sh('skopeo', ['copy', '--quiet', `docker-daemon:${image}`, `oci:${oci}:latest`]);
      refs.push(`oci:${oci}`);
    }
    const key = (inv: InventoryReport) => inv.packages.map((p) => `${p.purl} ${p.path} L${p.layerIndex} ${p.layerDigest} ${p.ownedBy?.name ?? ''}`);
    const first = key(await inventory(refs[0]!));
    for (const r of refs.slice(1)) {
      const inv = await inventory(r);
      const problem = diff(`${r} vs ${refs[0]}`, key(inv), first);
      assert.equal(problem, undefined, problem);
    }
    rmSync(tar, { force: true });
  }
  assert.ok(haveSkopeo || !existsSync('/usr/bin/skopeo'));
});

test('SBOMs of the real images validate (CycloneDX 1.6 library validator, official SPDX 2.3 schema)', { skip, timeout: 30 * 60_000 }, async () => {
  const { app } = ensureBookwormImages();
  const alpine = ensureAlpineImage();
  for (const image of [alpine, app]) {
    const ref = `docker:${image}`;
    const report = sbomReport(await inventory(ref), ref);
    const errors = await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(renderCycloneDx(report));
    assert.equal(errors, null, `${image}: ${JSON.stringify(errors)}`);
    const doc = JSON.parse(renderSpdx(report)) as Record<string, unknown>;
    const spdx = spdxErrors(doc);
    assert.deepEqual(spdx, { v23: [], v231: [] }, `${image}: ${JSON.stringify(spdx)}`);
  }
});

test('layers built by docker: a removed package, a deleted node_modules tree and a rewritten database', { skip, timeout: 20 * 60_000 }, async () => {
  const base = ensureAlpineImage();
  const ctxDir = join(work, 'layers-ctx');
  sh('mkdir', ['-p', join(ctxDir, 'gone/node_modules/left-pad'), join(ctxDir, 'kept/node_modules/minimist')]);
  sh('sh', ['-c', `printf '{"name":"left-pad","version":"1.3.0"}' > ${ctxDir}/gone/node_modules/left-pad/package.json && printf '{"name":"minimist","version":"1.2.0"}' > ${ctxDir}/kept/node_modules/minimist/package.json`]);
  sh('sh', ['-c', `cat > ${ctxDir}/Dockerfile <<'X'
FROM ${base}
COPY gone /srv/gone
COPY kept /srv/kept
RUN apk del --no-network alpine-keys && rm -rf /srv/gone
X`]);
  const tag = 'bulwark-test/inventory-layers:1';
  sh('docker', ['build', '-q', '--network', 'none', '-t', tag, ctxDir]);
  const inv = await inventoryOf(`docker:${tag}`, { noCache: true }).then((r) => r.inv);
  const truth = inContainer(tag, ['apk', 'info', '-v']).split('\n').filter(Boolean);
  const problem = diff('apk after apk del', of(inv, 'apk').map((p) => `${p.name}-${p.version}`), truth);
  assert.equal(problem, undefined, problem);
  assert.ok(!truth.some((l) => l.startsWith('alpine-keys-')));
  // the database was rewritten by the last layer, yet the packages are still introduced by the base layer
  assert.ok(of(inv, 'apk').every((p) => p.layerIndex === 0), JSON.stringify(of(inv, 'apk').map((p) => [p.name, p.layerIndex])));
  assert.deepEqual(of(inv, 'npm').map((p) => `${p.name}@${p.version} ${p.path} L${p.layerIndex}`), ['minimist@1.2.0 srv/kept/node_modules/minimist/package.json L2']);
});
