/**
 * Acceptance on real images and the real engine: Bulwark's verdicts are checked against oracles it
 * did not write — `apk version -t` inside the Alpine image and `dpkg --compare-versions` inside the
 * bookworm image — for EVERY advisory row of every installed source package (matches and non-matches).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { InventoryReport } from '../../src/inventory/types.js';
import { VulnStore } from '../../src/vulndb/store.js';
import { matchInventory } from '../../src/vulndb/match/index.js';
import { distroKey } from '../../src/vulndb/match/distro.js';
import { imageInventory } from '../../src/app/image.js';
import { findComparator } from '../../src/vulndb/version/index.js';
import { dockerAvailable, ensureAlpineImage, ensureBookwormImages } from '../support/images.js';
import { buildDb, fx, haveShared, SHARED, tmpCache } from './helpers.js';

const docker = dockerAvailable();

/** Runs `sh` in the image with a script on stdin; returns stdout lines. */
function inContainer(image: string, script: string): string[] {
  const out = execFileSync('docker', ['run', '--rm', '-i', '--network', 'none', '--user', '0', '--entrypoint', 'sh', image], {
    input: script,
    maxBuffer: 64 * 1024 * 1024,
    timeout: 10 * 60_000,
  });
  return out.toString('utf8').split('\n').filter((l) => l !== '');
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

interface Pair {
  installed: string;
  fixed: string;
  ours: boolean;
  what: string;
}

/** Every (installed source version, fixed version) pair the feed has for the installed source packages. */
function pairs(inv: InventoryReport, store: VulnStore, eco: 'apk' | 'deb', namespace: string): Pair[] {
  const out: Pair[] = [];
  const cmp = findComparator(eco)!;
  const seen = new Set<string>();
  for (const p of inv.packages.filter((x) => x.ecosystem === eco)) {
    const { key, version } = distroKey(p);
    for (const row of store.affectedFor(eco, namespace, key)) {
      for (const r of row.ranges) {
        for (const e of r.events) {
          if (!e.fixed) continue;
          const k = `${version}|${e.fixed}`;
          if (seen.has(k)) continue;
          seen.add(k);
          out.push({ installed: version, fixed: e.fixed, ours: cmp.compare(version, e.fixed) < 0, what: `${key} ${row.vulnId}` });
        }
      }
    }
  }
  return out;
}

test('Alpine 3.20.3 image against alpine-secdb v3.20: every finding and every non-finding agrees with apk version -t', { skip: docker ? false : 'needs a Docker engine' }, async () => {
  const image = ensureAlpineImage();
  const { inv } = await imageInventory(`docker:${image}`, { cacheDir: tmpCache() });
  assert.equal(inv.os?.id, 'alpine');
  const sources = haveShared ? [join(SHARED, 'alpine-secdb/v3.20')] : [fx('alpine')];
  const db = await buildDb(sources);
  const store = VulnStore.open(db.path);
  try {
    const findings = matchInventory(inv, store, { explain: true });
    assert.ok(findings.length >= 2, 'the 3.20.3 rootfs predates the secdb snapshot: real findings');
    const ps = pairs(inv, store, 'apk', 'alpine:v3.20');
    assert.ok(ps.length > 50);
    // every finding's installed/fixed pair, then every pair the feed holds for installed origins
    const checks = [
      ...findings.map((f) => ({ installed: f.vulnerability!.package.version, fixed: f.vulnerability!.fixedVersion!, ours: true, what: `${f.ruleId} ${f.vulnerability!.package.name}` })),
      ...ps,
    ];
    const out = inContainer(image, checks.map((c) => `apk version -t ${q(c.installed)} ${q(c.fixed)}`).join('\n') + '\n');
    assert.equal(out.length, checks.length);
    const bad = checks.filter((c, i) => (out[i] === '<') !== c.ours).map((c, i) => `${c.what}: ${c.installed} vs ${c.fixed}: apk says ${out[i]}, Bulwark says ${c.ours ? '<' : '>='}`);
    assert.deepEqual(bad, []);
    for (const f of findings) assert.equal(f.vulnerability!.status, 'fixed');
  } finally {
    store.close();
  }
});

test('Debian bookworm app image: debian-tracker, osv/go, osv/pypi and GHSA; deb verdicts agree with dpkg --compare-versions', { skip: docker ? false : 'needs a Docker engine' }, async () => {
  const { app } = ensureBookwormImages();
  const { inv } = await imageInventory(`docker:${app}`, { cacheDir: tmpCache() });
  assert.equal(inv.os?.codename, 'bookworm');
  const sources = haveShared
    ? [join(SHARED, 'debian-tracker/bookworm-trixie.json'), join(SHARED, 'osv/go'), join(SHARED, 'osv/pypi'), join(SHARED, 'osv/ghsa'), join(SHARED, 'kev/known_exploited_vulnerabilities.json'), join(SHARED, 'nodejs-security-wg/npm')]
    : [fx('debian/bookworm-trixie-subset.json'), fx('osv/go'), fx('osv/pypi'), fx('osv/ghsa'), fx('kev/known_exploited_vulnerabilities.json'), fx('nodejs/npm')];
  const db = await buildDb(sources);
  const store = VulnStore.open(db.path);
  try {
    const findings = matchInventory(inv, store);
    const deb = findings.filter((f) => f.vulnerability?.package.ecosystem === 'deb');
    assert.ok(deb.length > 20, `Debian findings: ${deb.length}`);
    // deb: every pair the tracker holds for installed sources, checked by dpkg itself
    const ps = pairs(inv, store, 'deb', 'debian:bookworm');
    const out = inContainer(app, ps.map((c) => `if dpkg --compare-versions ${q(c.installed)} lt ${q(c.fixed)}; then echo lt; else echo ge; fi`).join('\n') + '\n');
    assert.equal(out.length, ps.length);
    const bad = ps.filter((c, i) => (out[i] === 'lt') !== c.ours).map((c) => `${c.what}: ${c.installed} vs ${c.fixed}`);
    assert.deepEqual(bad, []);
    for (const f of deb) {
      const v = f.vulnerability!;
      assert.ok(v.status === 'fixed' && v.fixedVersion, `${f.ruleId} ${v.package.name}`);
    }
    // expat in bookworm: the derived feed lists CVEs fixed only in bookworm-security
    assert.ok(deb.some((f) => f.vulnerability!.package.sourceName === 'expat'));
    if (haveShared) {
      // the feed's README counts, per base-image source, the CVEs fixed above the plain bookworm version
      // (an image built without the security suite, like this one): the distinct CVEs reported must be the same
      const per = new Map<string, Set<string>>();
      for (const f of deb) {
        const src = f.vulnerability!.package.sourceName ?? f.vulnerability!.package.name;
        per.set(src, (per.get(src) ?? new Set()).add(f.ruleId));
      }
      const got = Object.fromEntries(['expat', 'python3.11', 'perl', 'openssl', 'nodejs', 'apt', 'pcre2'].map((s) => [s, per.get(s)?.size ?? 0]));
      assert.deepEqual(got, { expat: 27, 'python3.11': 14, perl: 13, openssl: 12, nodejs: 11, apt: 1, pcre2: 1 });
    }

    // the node app: old lodash / minimist / express / jsonwebtoken against GHSA
    const npm = findings.filter((f) => f.vulnerability?.package.ecosystem === 'npm').map((f) => `${f.vulnerability!.package.name}@${f.vulnerability!.package.version} ${f.ruleId} >=${f.vulnerability!.fixedVersion}`);
    for (const want of [
      'lodash@4.17.15 CVE-2021-23337 >=4.17.21',
      'lodash@4.17.15 CVE-2020-8203 >=4.17.19',
      'minimist@1.2.0 CVE-2021-44906 >=1.2.6',
      'express@4.16.0 CVE-2024-29041 >=4.19.2',
      'jsonwebtoken@8.5.0 CVE-2022-23539 >=9.0.0',
      'qs@6.5.1 CVE-2022-24999 >=6.5.3',
    ]) {
      assert.ok(npm.includes(want), `${want} missing from:\n${npm.join('\n')}`);
    }
    // npm packages shipped by Debian's own node-* packages are not matched against GHSA
    const ownedNpm = inv.packages.filter((p) => p.ecosystem === 'npm' && p.ownedBy);
    assert.ok(ownedNpm.length > 100);
    const ownedPaths = new Set(ownedNpm.map((p) => p.path));
    const onOwned = findings.filter((f) => f.vulnerability?.package.ecosystem === 'npm' && f.location.kind === 'image' && ownedPaths.has(f.location.path ?? ''));
    assert.deepEqual(onOwned.map((f) => `${f.ruleId} ${f.vulnerability!.package.name} ${f.location.kind === 'image' ? f.location.path : ''}`), []);

    // Go: runc's build info is owned by the runc .deb (only the OS feed applies); the same binary copied in by
    // an app (no owner) is matched by its toolchain against osv/go
    const stdlib = inv.packages.filter((p) => p.ecosystem === 'golang');
    assert.ok(stdlib.length >= 1 && stdlib.every((p) => p.ownedBy?.name === 'runc'));
    assert.ok(!findings.some((f) => f.vulnerability?.package.ecosystem === 'golang'));
    if (findComparator('golang')) {
      const unowned: InventoryReport = { ...inv, packages: stdlib.map((p) => ({ ...p, ownedBy: undefined })) };
      const go = matchInventory(unowned, store);
      const ids = go.map((f) => `${f.ruleId}>=${f.vulnerability!.fixedVersion}`);
      assert.ok(ids.includes('CVE-2023-24539>=1.19.9'), ids.join(' '));
      assert.ok(go.every((f) => f.vulnerability!.aliases.some((a) => a.startsWith('GO-'))));
    }

    // Python: pip and setuptools installed by pip under /usr/local (not owned by dpkg)
    if (findComparator('pypi')) {
      const py = findings.filter((f) => f.vulnerability?.package.ecosystem === 'pypi').map((f) => `${f.vulnerability!.package.name} ${f.ruleId}`);
      assert.ok(py.includes('pip CVE-2023-5752'), py.join(' '));
      assert.ok(findings.every((f) => f.vulnerability?.package.ecosystem !== 'pypi' || !f.location.kind || (f.location.kind === 'image' && f.location.path?.startsWith('usr/local/'))));
    }
  } finally {
    store.close();
  }
});
