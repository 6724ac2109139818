#!/usr/bin/env node
// The packed-artifact smoke test (run by .ci/run): what users install must work, not only src/ through tsx.
//   1. `npm pack` (runs the build), install the tarball into a temporary prefix as `npm install -g` would;
//   2. the installed dist/ has every non-TypeScript file of src/ (data tables such as escapes.json);
//   3. every command `bulwark --help` lists runs from the installed `bulwark` binary, with its exit code and
//      output checked, including `host --root` on a fixture tree where BW-HOST-010..012 evaluate.
// Usage: node scripts/smoke-packed.mjs [--keep] [--no-build]
//   --no-build: pack the dist/ that is there (`npm ci` has just built it in CI) instead of building again;
//   BULWARK_SMOKE_TARBALL=FILE tests that tarball instead of packing one.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const noBuild = process.argv.includes('--no-build');
const work = mkdtempSync(join(tmpdir(), 'bulwark-smoke-'));
const started = Date.now();
let failures = 0;
let passes = 0;

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...opts });
  if (r.error) throw r.error;
  return r;
}

function must(cmd, args, opts = {}) {
  const r = sh(cmd, args, opts);
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  }
  return r;
}

function cleanup() {
  if (!keep) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
}

try {
  // 1. pack and install
  let tarball = process.env.BULWARK_SMOKE_TARBALL;
  if (!tarball) {
    if (noBuild) must(process.execPath, [join(repo, 'scripts', 'postbuild.mjs'), '--check'], { cwd: repo });
    const packed = must('npm', ['pack', '--json', '--pack-destination', work, ...(noBuild ? ['--ignore-scripts'] : [])], { cwd: repo });
    const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')));
    tarball = join(work, info[0].filename);
  }
  const prefix = join(work, 'prefix');
  // Install scripts are skipped and the one native module is taken from this checkout when its version is the
  // same (building SQLite again would add minutes); a different version is rebuilt the way npm would.
  must('npm', ['install', '-g', '--prefix', prefix, '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: work });
  const pkgDir = join(prefix, 'lib', 'node_modules', 'bulwark');
  const sqliteDir = [join(pkgDir, 'node_modules', 'better-sqlite3'), join(prefix, 'lib', 'node_modules', 'better-sqlite3')].find((d) => existsSync(d));
  if (!sqliteDir) throw new Error('better-sqlite3 was not installed with the package');
  const localSqlite = join(repo, 'node_modules', 'better-sqlite3');
  const version = (d) => JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).version;
  const built = join(localSqlite, 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(built) && version(localSqlite) === version(sqliteDir)) {
    mkdirSync(join(sqliteDir, 'build', 'Release'), { recursive: true });
    copyFileSync(built, join(sqliteDir, 'build', 'Release', 'better_sqlite3.node'));
  } else {
    must('npm', ['rebuild', 'better-sqlite3', '--build-from-source'], { cwd: pkgDir });
  }
  const bin = join(prefix, 'bin', 'bulwark');
  console.log(`installed ${relative(work, tarball)} into ${prefix} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  // 2. data files beside the sources reached the package
  const src = join(repo, 'src');
  const assets = [];
  (function walk(d) {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (!n.endsWith('.ts')) assets.push(relative(src, p));
    }
  })(src);
  const missing = assets.filter((a) => !existsSync(join(pkgDir, 'dist', a)));
  check('installed dist/ has every non-TypeScript file of src/', missing.length === 0, `missing: ${missing.join(', ')}`);

  // 3. the commands, from the installed binary, in a directory of their own
  const home = join(work, 'home');
  const cwd = join(work, 'cwd');
  mkdirSync(home, { recursive: true });
  mkdirSync(cwd, { recursive: true });
  const cacheDir = join(work, 'cache');
  const env = { ...process.env, HOME: home, XDG_CACHE_HOME: join(home, '.cache'), NO_COLOR: '1' };
  delete env.NODE_OPTIONS;
  const fx = (p) => join(repo, 'test', 'fixtures', p);
  const rootTree = buildRootTree(join(work, 'host-root'));
  const alpine = `rootfs:${fx('image/alpine-minirootfs-3.20.3-subset.tar.gz')}`;
  const sbomFile = join(work, 'alpine.cdx.json');
  const invFile = join(work, 'alpine.inventory.json');
  const covered = new Set();

  const run = (args, opts = {}) => sh(bin, args, { cwd, env: { ...env, ...(opts.env ?? {}) }, input: opts.input ?? '', timeout: 120_000 });
  function smoke(name, args, expect) {
    covered.add(args[0]);
    const t = Date.now();
    const r = run(args, expect);
    const problems = [];
    const code = expect.code ?? 0;
    if (r.status !== code) problems.push(`exit ${r.status} (signal ${r.signal ?? '-'}), expected ${code}`);
    if (/\n\s+at .+:\d+:\d+\)?\n/.test(r.stderr) || /internal error/.test(r.stderr)) problems.push('a stack trace on stderr');
    for (const re of [].concat(expect.stdout ?? [])) if (!re.test(r.stdout)) problems.push(`stdout does not match ${re}`);
    for (const re of [].concat(expect.stderr ?? [])) if (!re.test(r.stderr)) problems.push(`stderr does not match ${re}`);
    if (expect.json) {
      try {
        const msg = expect.json(JSON.parse(r.stdout));
        if (msg) problems.push(msg);
      } catch (e) {
        problems.push(`stdout is not the expected JSON: ${e.message}`);
      }
    }
    check(`${name} (${Date.now() - t} ms)`, problems.length === 0, `bulwark ${args.join(' ')}: ${problems.join('; ')}\n--- stdout\n${r.stdout.slice(0, 1500)}\n--- stderr\n${r.stderr.slice(0, 1500)}`);
  }

  smoke('--version', ['--version'], { stdout: /^\d+\.\d+\.\d+/ });
  const help = run(['--help']);
  check('--help lists the commands', help.status === 0 && /Commands:/.test(help.stdout), help.stderr);
  const commands = [...help.stdout.slice(help.stdout.indexOf('Commands:')).matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]).filter((c) => c !== 'help');

  smoke('rules', ['rules'], { stdout: /BW-BUILD-\d{3}/ });
  smoke('explain an upstream ID', ['explain', 'DL3008'], { stdout: /Why it matters/ });
  smoke('dockerfile', ['dockerfile', fx('build/insecure.Dockerfile'), '--exit-code', '4'], { code: 4, stdout: /BW-BUILD-/ });
  smoke('dockerfile from stdin', ['dockerfile', '-', '-f', 'json'], { input: 'FROM alpine:3.20\nUSER nobody\n', json: (j) => (Array.isArray(j.findings) ? '' : 'no findings array') });
  smoke('scan', ['scan', join(repo, 'examples', 'insecure-app'), '-f', 'sarif'], { json: (j) => (j.version === '2.1.0' && j.runs[0].results.length > 0 ? '' : 'no SARIF results') });
  smoke('compose', ['compose', ...composeFileFlag(), join(repo, 'examples', 'insecure-app', 'docker-compose.yml')], { stdout: /BW-RUNTIME-/ });
  smoke('run', ['run', '--', 'docker', 'run', '--privileged', 'alpine'], { stdout: /privileged/i });
  smoke('k8s', ['k8s', fx('k8s/corpus/microservices-demo/release_kubernetes-manifests.yaml'), '-f', 'json'], { json: (j) => (j.findings.some((f) => f.location.workload) ? '' : 'no workload finding') });
  smoke('harden k8s', ['harden', 'k8s', fx('k8s/corpus/k8s-examples/web_guestbook_frontend-deployment.yaml'), '--no-diff', '--no-engine'], { stdout: /allowPrivilegeEscalation: false/ });
  smoke('containers --from-inspect', ['containers', '--from-inspect', fx('runtime/inspect/privileged.json'), '-f', 'json'], { json: (j) => (j.findings.length > 0 ? '' : 'no findings') });
  smoke('harden run', ['harden', 'run', '--', 'docker', 'run', 'alpine'], { stdout: /--cap-drop/ });
  smoke('harden compose', ['harden', 'compose', ...composeFileFlag(), join(repo, 'examples', 'insecure-app', 'docker-compose.yml'), '--no-diff'], { stdout: /services:/ });
  smoke('image (no vulnerability DB needed)', ['image', alpine, '--no-vulns', '--cache-dir', cacheDir], { stdout: /apk/ });
  smoke('sbom cyclonedx', ['sbom', alpine, '-o', sbomFile, '--cache-dir', cacheDir], {});
  check('sbom wrote CycloneDX', existsSync(sbomFile) && /"bomFormat": "CycloneDX"/.test(readFileSync(sbomFile, 'utf8')), sbomFile);
  smoke('sbom json (an inventory)', ['sbom', alpine, '-f', 'json', '-o', invFile, '--cache-dir', cacheDir], {});
  smoke('db update --source (offline feeds)', ['db', 'update', '--cache-dir', cacheDir, '--source', fx('vulndb/alpine/v3.20/main.json'), '--source', fx('vulndb/kev/known_exploited_vulnerabilities.json')], { stdout: /^ok /m });
  smoke('db status', ['db', 'status', '--cache-dir', cacheDir], { stdout: /records:/ });
  smoke('db match', ['db', 'match', '--inventory', fx('vulndb/inventory/alpine-3.20.3.json'), '--cache-dir', cacheDir, '-f', 'json'], { json: (j) => (Array.isArray(j.findings) ? '' : 'no findings array') });
  smoke('image with vulnerabilities', ['image', alpine, '--cache-dir', cacheDir, '-f', 'json'], { json: (j) => (j.findings.some((f) => f.vulnerability) ? '' : 'no vulnerability finding') });
  smoke('image -f cyclonedx (vulnerabilities as a VDR)', ['image', alpine, '--cache-dir', cacheDir, '-f', 'cyclonedx'], { json: (j) => (j.bomFormat === 'CycloneDX' && j.vulnerabilities?.length > 0 ? '' : 'no vulnerabilities in the BOM') });
  smoke('image -f spdx', ['image', alpine, '--cache-dir', cacheDir, '-f', 'spdx'], { json: (j) => (j.spdxVersion === 'SPDX-2.3' ? '' : 'not SPDX 2.3') });
  smoke('db match --sbom (a CycloneDX SBOM as input)', ['db', 'match', '--sbom', sbomFile, '--cache-dir', cacheDir, '-f', 'json'], { json: (j) => (j.findings.some((f) => f.vulnerability) ? '' : 'no vulnerability finding from the SBOM') });
  smoke('db match --inventory (sbom -f json round-trip)', ['db', 'match', '--inventory', invFile, '--cache-dir', cacheDir, '-f', 'json'], { json: (j) => (j.findings.some((f) => f.vulnerability) ? '' : 'no vulnerability finding from the saved inventory') });
  smoke('image sbom:FILE (Trivy SPDX)', ['image', `sbom:${fx('sbom/trivy-alpine-3.20.3.spdx.json')}`, '--cache-dir', cacheDir, '-f', 'json'], { json: (j) => (j.findings.some((f) => f.vulnerability) ? '' : 'no vulnerability finding from the SPDX SBOM') });
  smoke('sbom sbom:FILE -f spdx (conversion)', ['sbom', `sbom:${sbomFile}`, '-f', 'spdx'], { json: (j) => (j.spdxVersion === 'SPDX-2.3' && j.packages.length > 1 ? '' : 'not an SPDX conversion') });
  smoke('completion bash', ['completion', 'bash'], { stdout: /complete -o filenames -F _bulwark bulwark/ });
  smoke('completion fish', ['completion', 'fish'], { stdout: /complete -c bulwark/ });
  smoke('clean --dry-run', ['clean', '--cache-dir', cacheDir, '--dry-run'], { stdout: /would remove layers/ });
  smoke('BULWARK_FORMAT=json (flags from the environment)', ['rules'], { env: { BULWARK_FORMAT: 'json' }, json: (j) => (Array.isArray(j) || Array.isArray(j.rules) ? '' : 'not the JSON rule list') });
  smoke('--debug prints stage timings', ['image', alpine, '--no-vulns', '--cache-dir', cacheDir, '-f', 'json', '-o', '/dev/null', '--debug'], { stderr: /debug: index image .* ms/ });
  await serveSmoke();
  smoke('why', ['why', 'alpine', 'openssl', 'CVE-2024-5535', '--inventory', fx('vulndb/inventory/alpine-3.20.3.json'), '--cache-dir', cacheDir], { stdout: /MATCHED/ });
  smoke('version compare', [versionCompareCommand(commands), ...versionCompareArgs(commands), '--ecosystem', 'deb', '1.0-1', '1.0-2'], { stdout: /^-1$/m });
  smoke('daemon --root', ['daemon', '--root', rootTree, '-f', 'json'], { json: (j) => (j.findings.length > 0 ? '' : 'no findings') });
  smoke('host --root: the escape checks evaluate', ['host', '--root', rootTree, '-f', 'json'], {
    json: (j) => {
      const results = j.summary?.results ?? [];
      const bad = ['BW-HOST-010', 'BW-HOST-011', 'BW-HOST-012'].filter((id) => {
        const rs = results.filter((r) => r.ruleId === id);
        return rs.length === 0 || rs.some((r) => r.status === 'not-evaluated' || r.status === 'error' || /Cannot find module|check failed/.test(r.message));
      });
      return bad.length ? `not evaluated: ${bad.join(', ')} (${JSON.stringify(results.filter((r) => bad.includes(r.ruleId)))})` : '';
    },
  });
  smoke('cis --root', ['cis', '--root', rootTree], { stdout: /Score:/ });
  await registrySmokes(smoke, fx('image/alpine-minirootfs-3.20.3-subset.tar.gz'), cacheDir);
  for (const [name, args] of extraCommandSmokes(commands)) smoke(name, args, {});

  /**
   * serve: the installed binary starts the service on the embedded store (the vulnerability database the db
   * update case above built), a path under --allow-path is indexed over HTTP with a token (refused without
   * one), its vulnerability report is read, and `image --server` prints the same findings as a local scan.
   */
  async function serveSmoke() {
    covered.add('serve');
    const t = Date.now();
    const problems = [];
    const allow = join(work, 'serve-allow');
    mkdirSync(allow, { recursive: true });
    const image = join(allow, 'alpine.tar.gz');
    copyFileSync(fx('image/alpine-minirootfs-3.20.3-subset.tar.gz'), image);
    const tokens = join(work, 'serve-tokens');
    writeFileSync(tokens, 'smoke-read-token-0123456789 read\nsmoke-write-token-0123456789 read,write\n');
    const srv = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--allow-path', allow, '--tokens', tokens, '--cache-dir', cacheDir, '-q'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    srv.stdout.on('data', (d) => (log += d));
    srv.stderr.on('data', (d) => (log += d));
    const exited = new Promise((res) => srv.once('exit', (code, signal) => res({ code, signal })));
    try {
      const url = await new Promise((res, rej) => {
        const timer = setTimeout(() => rej(new Error('serve did not print "listening on" within 60 s')), 60_000);
        srv.stderr.on('data', () => {
          const m = /listening on (\S+)/.exec(log);
          if (m) {
            clearTimeout(timer);
            res(m[1]);
          }
        });
        void exited.then(({ code }) => {
          clearTimeout(timer);
          rej(new Error(`serve exited with ${code} before listening`));
        });
      });
      const api = async (method, path, token, json) => {
        const r = await fetch(url + path, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(json ? { 'content-type': 'application/json' } : {}) }, body: json ? JSON.stringify(json) : undefined, signal: AbortSignal.timeout(30_000) });
        const text = await r.text();
        let body;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        return { status: r.status, type: r.headers.get('content-type') ?? '', text, body };
      };
      const health = await api('GET', '/healthz');
      if (health.status !== 200) problems.push(`/healthz answered ${health.status}`);
      const openapi = await api('GET', '/api/v1/openapi.json');
      if (openapi.body?.openapi !== '3.1.0') problems.push('no OpenAPI 3.1 document at /api/v1/openapi.json');
      const anon = await api('POST', '/api/v1/index', undefined, { ref: image });
      if (anon.status !== 401 || !anon.type.startsWith('application/problem+json')) problems.push(`POST /index without a token answered ${anon.status} ${anon.type}`);
      const sub = await api('POST', '/api/v1/index', 'smoke-write-token-0123456789', { ref: `rootfs:${image}` });
      if (sub.status !== 202 || !/^sha256:[a-f0-9]{64}$/.test(sub.body?.digest ?? '') || !sub.body?.job) problems.push(`POST /index answered ${sub.status}: ${sub.text.slice(0, 300)}`);
      let report;
      for (const deadline = Date.now() + 90_000; sub.status === 202 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
        const r = await api('GET', `/api/v1/vulnerabilities/${sub.body.digest}`, 'smoke-read-token-0123456789');
        if (r.status === 200) {
          report = r.body;
          break;
        }
        if (r.status !== 202) {
          problems.push(`GET /vulnerabilities answered ${r.status}: ${r.text.slice(0, 300)}`);
          break;
        }
      }
      if (!report) problems.push('no vulnerability report within 90 s');
      else if (!report.findings?.some((f) => f.vulnerability?.id)) problems.push('the served report has no vulnerability finding');
      // client mode: the same vulnerability findings as the local scan of the same image
      const local = run(['image', alpine, '--cache-dir', cacheDir, '-f', 'json', '--no-checks']);
      const remote = sh(bin, ['image', alpine, '--cache-dir', cacheDir, '-f', 'json', '--no-checks', '--server', url], { cwd, env: { ...env, BULWARK_TOKEN: 'smoke-write-token-0123456789' }, timeout: 120_000, encoding: 'utf8' });
      const ids = (out) => {
        try {
          return JSON.parse(out).findings.filter((f) => f.vulnerability).map((f) => `${f.vulnerability.id} ${f.vulnerability.package.name}`).sort().join('\n');
        } catch {
          return undefined;
        }
      };
      if (remote.status !== 0) problems.push(`image --server exited ${remote.status}: ${remote.stderr.slice(0, 500)}`);
      else if (!ids(local.stdout) || ids(local.stdout) !== ids(remote.stdout)) problems.push('image --server did not print the vulnerability findings of the local scan');
    } catch (e) {
      problems.push(e.message);
    } finally {
      if (srv.exitCode === null) srv.kill('SIGTERM');
      const { code, signal } = await exited;
      if (code !== 0 && !problems.length) problems.push(`serve exited with ${code ?? signal} on SIGTERM`);
    }
    if (/\n\s+at .+:\d+:\d+\)?\n/.test(log)) problems.push('a stack trace in the server log');
    check(`serve: index over HTTP, report, image --server (${Date.now() - t} ms)`, problems.length === 0, `${problems.join('; ')}\n--- server log\n${log.slice(-2000)}`);
  }

  const uncovered = commands.filter((c) => !covered.has(c));
  check('every command in --help has a smoke case', uncovered.length === 0, `no smoke case for: ${uncovered.join(', ')}`);
} catch (e) {
  failures++;
  console.log(`not ok - ${e.message}`);
} finally {
  cleanup();
}
console.log(`\npacked smoke test: ${passes} passed, ${failures} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.exit(failures ? 1 : 0);

function check(name, ok, detail) {
  if (ok) {
    passes++;
    console.log(`ok - ${name}`);
  } else {
    failures++;
    console.log(`not ok - ${name}\n  ${String(detail).split('\n').join('\n  ')}`);
  }
}

/** compose and harden compose take the compose file with -F/--file once `-f` means --format everywhere. */
function composeFileFlag() {
  return ['--file'];
}

function versionCompareCommand(commands) {
  return commands.includes('version-compare') ? 'version-compare' : 'version';
}

function versionCompareArgs(commands) {
  return commands.includes('version-compare') ? [] : ['compare'];
}

/**
 * Debian's docker-registry on a free 127.0.0.1 port (plain HTTP, deletes on), with a one-layer image pushed over
 * the Registry HTTP API (the alpine rootfs fixture is the layer): `bulwark registry` audits it and `bulwark image`
 * reads the image from it. Skipped (with a line saying so) where docker-registry is not installed.
 */
async function registrySmokes(smoke, layerFile, cacheDir) {
  if (sh('sh', ['-c', 'command -v docker-registry']).status !== 0) {
    console.log('# registry smoke skipped: docker-registry is not installed');
    return;
  }
  const port = await new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = srv.address().port;
      srv.close(() => resolve(p));
    });
    srv.on('error', reject);
  });
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-smoke-registry-'));
  const config = join(dir, 'config.yml');
  writeFileSync(config, ['version: 0.1', 'log:', '  level: error', '  accesslog:', '    disabled: true', 'storage:', '  filesystem:', `    rootdirectory: ${join(dir, 'storage')}`, '  delete:', '    enabled: true', 'http:', `  addr: 127.0.0.1:${port}`, ''].join('\n'));
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  const addr = `127.0.0.1:${port}`;
  const base = `http://${addr}/v2`;
  try {
    for (let i = 0; ; i++) {
      const ok = await fetch(`${base}/`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 100 || child.exitCode !== null) throw new Error(`docker-registry did not start on ${addr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const sha = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
    const layer = readFileSync(layerFile);
    const cfg = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [sha(gunzipSync(layer))] } }));
    for (const blob of [layer, cfg]) {
      const start = await fetch(`${base}/smoke/alpine/blobs/uploads/`, { method: 'POST' });
      const loc = new URL(start.headers.get('location'), base);
      loc.searchParams.set('digest', sha(blob));
      const put = await fetch(loc, { method: 'PUT', body: blob, headers: { 'content-type': 'application/octet-stream' } });
      if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status}`);
    }
    const mt = 'application/vnd.oci.image.manifest.v1+json';
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: mt, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(cfg), size: cfg.length }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(layer), size: layer.length }] });
    const put = await fetch(`${base}/smoke/alpine/manifests/3.20`, { method: 'PUT', body: manifest, headers: { 'content-type': mt } });
    if (put.status !== 201) throw new Error(`manifest upload: HTTP ${put.status}`);
    smoke('registry (a live docker-registry)', ['registry', addr, '-f', 'json'], {
      json: (j) => {
        const ids = new Set(j.findings.map((f) => f.ruleId));
        const want = ['BW-REGISTRY-001', 'BW-REGISTRY-010', 'BW-REGISTRY-012'].filter((id) => !ids.has(id));
        return want.length ? `missing ${want.join(', ')} (got ${[...ids].join(', ')})` : '';
      },
    });
    smoke('image from a registry', ['image', `${addr}/smoke/alpine:3.20`, '--insecure-registry', addr, '--no-vulns', '--cache-dir', cacheDir, '-f', 'json'], {
      json: (j) => (j.packages?.length > 0 && j.summary?.source?.kind === 'registry' ? '' : `no packages or not from the registry: ${JSON.stringify(j.summary?.source)}`),
    });
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Commands without a dedicated case above get one that must at least print their help. */
function extraCommandSmokes(commands) {
  const known = new Set(['rules', 'explain', 'dockerfile', 'scan', 'compose', 'run', 'containers', 'harden', 'image', 'sbom', 'db', 'why', 'version', 'version-compare', 'daemon', 'host', 'cis', 'completion', 'clean']);
  return commands.filter((c) => !known.has(c)).map((c) => [`${c} --help`, [c, '--help']]);
}

/** test/fixtures/daemon/root-bad.json as a tree, plus an installed kernel so BW-HOST-010 has one to judge. */
function buildRootTree(root) {
  const { entries } = JSON.parse(readFileSync(join(repo, 'test', 'fixtures', 'daemon', 'root-bad.json'), 'utf8'));
  entries.push({ path: '/lib/modules/5.10.0-8-amd64', type: 'dir', mode: '0755' });
  entries.push({ path: '/lib/modules/5.10.0-8-amd64/modules.dep', type: 'file', mode: '0644', content: '' });
  const dirs = [];
  for (const e of entries) {
    const p = join(root, e.path);
    mkdirSync(dirname(p), { recursive: true });
    if (e.type === 'dir') {
      mkdirSync(p, { recursive: true });
      dirs.push([p, e]);
    } else if (e.type === 'symlink') {
      continue; // links point at absolute host paths in some fixtures; the audit does not need them here
    } else {
      writeFileSync(p, e.content ?? '');
      chmodSync(p, parseInt(e.mode ?? '0644', 8));
    }
  }
  for (const [p, e] of dirs.reverse()) chmodSync(p, parseInt(e.mode ?? '0755', 8));
  return root;
}
