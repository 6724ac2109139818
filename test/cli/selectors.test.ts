/**
 * Trivy's scan selectors through the CLI: --scanners (a scanner left out does no work: its layer analyzers never run),
 * --pkg-types, --skip-dirs / --skip-files (skipped paths reach no analyzer), --list-all-pkgs, the licence scanner,
 * and their BULWARK_* variables. Images: the committed Alpine minirootfs (rootfs:) with the real secdb v3.20 feed,
 * and a dir: tree written here (a generated private key is never committed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { classifyLicense } from '../../src/analyzers/license/classify.js';

const FIXTURE = new URL('../fixtures/image/alpine-minirootfs-3.20.3-subset.tar.gz', import.meta.url).pathname;
const SECDB = new URL('../fixtures/vulndb/alpine/v3.20/main.json', import.meta.url).pathname;

function write(root: string, files: Record<string, string>): string {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

const KEY = () => generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

/** A dir: image: npm packages (one under app/testdata), a Python dist-info, a private key. */
function imageTree(): string {
  return write(tempDir('bw-sel-img-'), {
    'app/node_modules/agpl-pkg/package.json': '{"name":"agpl-pkg","version":"1.0.0","license":"AGPL-3.0-only"}',
    'app/node_modules/mit-pkg/package.json': '{"name":"mit-pkg","version":"2.0.0","license":"MIT"}',
    'app/node_modules/dual/package.json': '{"name":"dual","version":"1.1.0","license":"(GPL-2.0-only OR MIT)"}',
    'app/testdata/node_modules/skipped-pkg/package.json': '{"name":"skipped-pkg","version":"3.0.0","license":"GPL-3.0-or-later"}',
    'usr/lib/python3/site-packages/flask-3.0.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: flask\nVersion: 3.0.0\nClassifier: License :: OSI Approved :: BSD License\n',
    'app/keys/server.pem': KEY(),
  });
}

const json = (r: { code: number; stdout: string; stderr: string }) => {
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { findings: any[]; packages?: any[]; summary?: any; targets: any[] };
};
/** secrets of a project: in the repository (BW-PIPELINE-001), copied into an image (002) */
const SECRET_RULE = /SECRET|^BW-PIPELINE-00[12]$/;
const ids = (rep: { findings: any[] }) => rep.findings.map((f) => f.ruleId);

test('licence classification follows Trivy: AND takes the worst, OR the best, suffixes and aliases fold', () => {
  assert.equal(classifyLicense('AGPL-3.0-only').category, 'forbidden');
  assert.equal(classifyLicense('GPL-2.0+').category, 'restricted');
  assert.equal(classifyLicense('MIT AND MPL-2.0').category, 'reciprocal');
  assert.equal(classifyLicense('GPL-2.0-only OR MIT').category, 'notice');
  assert.equal(classifyLicense('MIT License').category, 'notice');
  assert.equal(classifyLicense('Apache-2.0 WITH LLVM-exception').category, 'notice');
  assert.equal(classifyLicense('CC0-1.0').category, 'unencumbered');
  assert.equal(classifyLicense('MIT AND Some-Custom').category, 'unknown', 'an unknown part makes the whole unknown');
  assert.equal(classifyLicense('BSD License').category, 'unknown', 'ambiguous free text is not guessed');
  assert.equal(classifyLicense('(MIT').category, 'unknown');
  assert.equal(classifyLicense('x'.repeat(10_000)).severity, 'unknown');
});

test('--scanners selects the work: license findings per package, secrets and misconfig analyzers not run when left out', async () => {
  const cache = tempDir('bw-sel-cache-');
  // license only: no database needed (no vuln), and the layer walk ran the package detectors alone
  const lic = json(await runCli(['image', `rootfs:${FIXTURE}`, '--cache-dir', cache, '--scanners', 'license', '-f', 'json']));
  assert.ok(lic.findings.length > 0 && lic.findings.every((f) => f.ruleId.startsWith('BW-LICENSE-')), ids(lic).join());
  const busybox = lic.findings.find((f) => f.evidence.package.name === 'busybox');
  assert.equal(busybox.ruleId, 'BW-LICENSE-002');
  assert.equal(busybox.severity, 'high');
  assert.equal(busybox.evidence.category, 'restricted');
  assert.equal(busybox.location.path, 'lib/apk/db/installed');
  const cached = readdirSync(join(cache, 'layers'), { recursive: true }).map(String).filter((f) => f.endsWith('.json.gz'));
  assert.ok(cached.some((f) => f.includes('inventory-apk')), cached.join());
  assert.ok(!cached.some((f) => /secret|files/.test(f)), `no secret or file analyzer ran: ${cached.join()}`);

  // the default (vuln, secret, misconfig) needs the database and reports image checks, no licences
  assert.equal((await runCli(['db', 'update', '--cache-dir', cache, '--source', SECDB])).code, 0);
  const def = json(await runCli(['image', `rootfs:${FIXTURE}`, '--cache-dir', cache, '-f', 'json']));
  assert.ok(ids(def).includes('BW-IMAGE-001') && ids(def).includes('CVE-2024-9143'), "ids(def).includes('BW-IMAGE-001') && ids(def).includes('CVE-");
  assert.ok(!ids(def).some((id) => id.startsWith('BW-LICENSE-')), "!ids(def).some((id) => id.startsWith('BW-LICENSE-'))");
  const vulnOnly = json(await runCli(['image', `rootfs:${FIXTURE}`, '--cache-dir', cache, '--scanners', 'vuln', '-f', 'json']));
  assert.ok(vulnOnly.findings.every((f) => f.vulnerability || f.ruleId === 'BW-IMAGE-090'), ids(vulnOnly).join());
  assert.ok(ids(vulnOnly).includes('CVE-2024-9143'), "ids(vulnOnly).includes('CVE-2024-9143')");

  // secret vs misconfig on a tree with a key: each scanner files only its own rules
  const tree = imageTree();
  const secret = json(await runCli(['image', `dir:${tree}`, '--cache-dir', cache, '--scanners', 'secret', '-f', 'json']));
  assert.deepEqual([...new Set(ids(secret))], ['BW-SECRET-001']);
  const misconfig = json(await runCli(['image', `dir:${tree}`, '--cache-dir', cache, '--scanners', 'misconfig', '-f', 'json']));
  assert.ok(ids(misconfig).includes('BW-IMAGE-001') && !ids(misconfig).some((id) => id.startsWith('BW-SECRET-')), ids(misconfig).join());

  // licences of language packages: one finding per package, at its file
  const langs = json(await runCli(['image', `dir:${tree}`, '--cache-dir', cache, '--scanners', 'license', '-f', 'json']));
  const byPkg = Object.fromEntries(langs.findings.map((f) => [f.evidence.package.name, f]));
  assert.equal(byPkg['agpl-pkg'].ruleId, 'BW-LICENSE-001');
  assert.equal(byPkg['agpl-pkg'].severity, 'critical');
  assert.equal(byPkg['agpl-pkg'].location.path, 'app/node_modules/agpl-pkg/package.json');
  assert.equal(byPkg['dual'].ruleId, 'BW-LICENSE-004', 'GPL OR MIT: the user may choose MIT');
  assert.equal(byPkg['flask'].ruleId, 'BW-LICENSE-005');
  assert.equal(byPkg['skipped-pkg'].ruleId, 'BW-LICENSE-002');

  // usage errors, from the flag and from the environment
  const bad = await runCli(['image', `dir:${tree}`, '--scanners', 'vuln,sbom']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown scanner 'sbom' \(use vuln, secret, misconfig, license\)/);
  process.env.BULWARK_SCANNERS = 'license';
  try {
    const env = json(await runCli(['image', `dir:${tree}`, '--cache-dir', cache, '-f', 'json']));
    assert.ok(env.findings.every((f) => f.ruleId.startsWith('BW-LICENSE-')), "env.findings.every((f) => f.ruleId.startsWith('BW-LICENSE-')");
  } finally {
    delete process.env.BULWARK_SCANNERS;
  }
});

test('--pkg-types restricts the inventory and the matching', async () => {
  const cache = tempDir('bw-sel-pt-');
  assert.equal((await runCli(['db', 'update', '--cache-dir', cache, '--source', SECDB])).code, 0);
  const os = json(await runCli(['image', `rootfs:${FIXTURE}`, '--cache-dir', cache, '--pkg-types', 'os', '-f', 'json']));
  assert.equal(os.packages!.length, 14);
  assert.ok(ids(os).includes('CVE-2024-9143'), "ids(os).includes('CVE-2024-9143')");
  const lib = json(await runCli(['image', `rootfs:${FIXTURE}`, '--cache-dir', cache, '--pkg-types', 'library', '-f', 'json']));
  assert.equal(lib.packages!.length, 0);
  assert.ok(!lib.findings.some((f) => f.vulnerability), 'OS packages are not matched');
  assert.ok(ids(lib).includes('BW-IMAGE-001'), 'the image checks still run');

  const tree = imageTree();
  const sbom = json(await runCli(['sbom', `dir:${tree}`, '--cache-dir', cache, '--pkg-types', 'library', '-f', 'json']));
  assert.deepEqual(sbom.packages!.map((p) => p.name).sort(), ['agpl-pkg', 'dual', 'flask', 'mit-pkg', 'skipped-pkg']);
  process.env.BULWARK_PKG_TYPES = 'os';
  try {
    assert.equal(json(await runCli(['sbom', `dir:${tree}`, '--cache-dir', cache, '-f', 'json'])).packages!.length, 0);
  } finally {
    delete process.env.BULWARK_PKG_TYPES;
  }
  const bad = await runCli(['sbom', `dir:${tree}`, '--pkg-types', 'kernel']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown package type 'kernel'/);
});

test('--skip-dirs / --skip-files: skipped image paths reach no analyzer and no check', async () => {
  const cache = tempDir('bw-sel-skip-');
  const tree = imageTree();
  const all = json(await runCli(['image', `dir:${tree}`, '--cache-dir', cache, '--scanners', 'secret,license', '-f', 'json']));
  assert.ok(all.packages!.some((p) => p.name === 'skipped-pkg'), "all.packages!.some((p) => p.name === 'skipped-pkg')");
  assert.ok(ids(all).includes('BW-SECRET-001'), "ids(all).includes('BW-SECRET-001')");
  // warm cache from the unskipped run: a skipped scan must not reuse its outputs
  const skipped = json(await runCli(['image', `dir:${tree}`, '--cache-dir', cache, '--scanners', 'secret,license', '--skip-dirs', '**/testdata', '--skip-files', 'app/keys/*.pem', '-f', 'json']));
  assert.ok(!skipped.packages!.some((p) => p.name === 'skipped-pkg'), 'package in a skipped dir');
  assert.ok(!ids(skipped).includes('BW-SECRET-001'), 'secret in a skipped file');
  assert.ok(skipped.findings.every((f) => !String(f.location.path ?? '').startsWith('app/testdata')), "skipped.findings.every((f) => !String(f.location.path ?? '')");
  assert.equal(skipped.summary.files, all.summary.files - 1 - 4, 'the skipped file and the 4 entries under testdata are gone');
  // comma lists and the environment
  process.env.BULWARK_SKIP_FILES = '**/*.pem,**/nothing';
  try {
    const env = json(await runCli(['image', `dir:${tree}`, '--cache-dir', cache, '--scanners', 'secret', '-f', 'json']));
    assert.equal(env.findings.length, 0);
  } finally {
    delete process.env.BULWARK_SKIP_FILES;
  }
  // and an unskipped scan afterwards still sees everything (the skipped run cached apart)
  const again = json(await runCli(['image', `dir:${tree}`, '--cache-dir', cache, '--scanners', 'secret,license', '-f', 'json']));
  assert.deepEqual(ids(again).sort(), ids(all).sort());
});

test('scan DIR: --scanners, --skip-dirs / --skip-files on project paths, --list-all-pkgs, licences from package-lock', async () => {
  const dir = write(tempDir('bw-sel-proj-'), {
    Dockerfile: 'FROM alpine:3.20\nRUN apk add curl\n',
    'package-lock.json': JSON.stringify({
      name: 'app',
      lockfileVersion: 3,
      packages: {
        '': { name: 'app', version: '1.0.0' },
        'node_modules/left-pad': { version: '1.3.0', license: 'WTFPL' },
        'node_modules/lodash': { version: '4.17.21', license: 'MIT' },
      },
    }, null, 2),
    'vendor/Dockerfile': 'FROM debian\n',
  });
  write(dir, { 'secrets/id_rsa': KEY() });
  const args = ['scan', dir, '--no-images', '--no-vulns', '-f', 'json'];
  const all = json(await runCli(args));
  assert.ok(ids(all).some((id) => id.startsWith('BW-BUILD-')), "ids(all).some((id) => id.startsWith('BW-BUILD-'))");
  assert.ok(all.findings.some((f) => f.location.file === 'vendor/Dockerfile'), "all.findings.some((f) => f.location.file === 'vendor/Dockerf");
  assert.ok(all.findings.some((f) => SECRET_RULE.test(f.ruleId)), ids(all).join());
  assert.equal(all.packages, undefined, 'no package list by default');

  const skipped = json(await runCli([...args, '--skip-dirs', 'vendor', '--skip-files', 'secrets/*']));
  assert.ok(!skipped.findings.some((f) => f.location.file === 'vendor/Dockerfile'), "!skipped.findings.some((f) => f.location.file === 'vendor/Do");
  assert.ok(!skipped.findings.some((f) => SECRET_RULE.test(f.ruleId)), ids(skipped).join());
  assert.ok(!skipped.targets.some((t: any) => t.name === 'vendor/Dockerfile'), "!skipped.targets.some((t: any) => t.name === 'vendor/Dockerf");

  const secretOnly = json(await runCli([...args, '--scanners', 'secret']));
  assert.ok(secretOnly.findings.length > 0 && !secretOnly.findings.some((f) => f.ruleId.startsWith('BW-BUILD-')), ids(secretOnly).join());
  const misconfigOnly = json(await runCli([...args, '--scanners', 'misconfig']));
  assert.ok(!misconfigOnly.findings.some((f) => SECRET_RULE.test(f.ruleId)), ids(misconfigOnly).join());

  const lic = json(await runCli([...args, '--scanners', 'license', '--list-all-pkgs']));
  const pad = lic.findings.find((f) => f.evidence?.package?.name === 'left-pad');
  assert.equal(pad.ruleId, 'BW-LICENSE-001', 'WTFPL is forbidden in Trivy\'s table');
  assert.equal(pad.location.file, 'package-lock.json');
  assert.ok(pad.location.line > 1, `line ${pad.location.line}: the line that pins left-pad`);
  assert.deepEqual(lic.packages!.map((p) => p.name).sort(), ['left-pad', 'lodash']);
  const table = await runCli(['scan', dir, '--no-images', '--no-vulns', '--list-all-pkgs']);
  assert.match(table.stdout, /npm +lodash +4\.17\.21/);
  const noLib = json(await runCli([...args, '--pkg-types', 'os', '--list-all-pkgs']));
  assert.deepEqual(noLib.packages, []);
});

test('image --list-all-pkgs lists every package in the table', async () => {
  const plain = await runCli(['image', `rootfs:${FIXTURE}`, '--no-vulns', '--no-cache']);
  assert.doesNotMatch(plain.stdout, /apk +busybox-binsh/);
  const all = await runCli(['image', `rootfs:${FIXTURE}`, '--no-vulns', '--no-cache', '--list-all-pkgs']);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, /apk +busybox-binsh +1\.36\.1-r29/);
  assert.match(all.stdout, /14 packages \(apk 14\)/);
});
