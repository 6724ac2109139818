/**
 * Secret false alarms on the realistic bench image (bench/realistic/build.sh: Debian bookworm, a JRE, Python, the Go
 * 1.19 toolchain with its sources, two Node.js apps with about 2,000 npm packages, aws-sdk v2 among them). build.sh
 * plants no secret, so every secret finding on it is a false alarm. To check that the allow rules hide nothing real,
 * this bench adds two layers on top (an OCI layout beside the image, its blobs hard-linked, nothing rebuilt):
 *
 *   layer 10  planted, freshly generated: an EC key in /srv/app/config/tls.key, an ed25519 key in /root/.ssh, AWS keys
 *             in /srv/app/.env, an AWS secret in node_modules/leaky-pkg/.env (a package that ships its .env), and a
 *             GitHub token in /srv/app/config/deploy-token
 *   layer 11  deletes /srv/app/config/deploy-token (a whiteout): it must still be reported as extractable
 *
 * and scans it with `bulwark image --no-vulns` (from src/, through tsx), once with the configured allow rules and
 * once (warm, from the layer cache) without any, to show what the allow rules let through. It prints the secret
 * findings outside the plants (goal: 0) and the plants found (goal: all), and exits 1 when either goal is missed.
 *
 *   npm run bench -- secrets      (needs the realistic image: built by `npm run bench -- image` when absent)
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveSecrets } from '../src/analyzers/image/secrets/settings.js';
import { fake } from '../test/analyzers-image/fake-secrets.js';
import { BENCH_DIR, ensureImage, log, withLock } from './realistic/image.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Plant {
  path: string;
  ruleId: string;
  content: string;
  /** a later layer deletes it */
  deleted?: boolean;
}

const PLANTS: Plant[] = [
  { path: 'srv/app/config/tls.key', ruleId: 'BW-SECRET-001', content: fake.ecPem() },
  { path: 'root/.ssh/id_ed25519', ruleId: 'BW-SECRET-001', content: fake.pkcs8Pem() },
  { path: 'srv/app/.env', ruleId: 'BW-SECRET-003', content: `NODE_ENV=production\nAWS_ACCESS_KEY_ID=${fake.awsKeyId()}\nAWS_SECRET_ACCESS_KEY=${fake.awsSecret()}\n` },
  { path: 'srv/app/node_modules/leaky-pkg/.env', ruleId: 'BW-SECRET-004', content: `AWS_SECRET_ACCESS_KEY=${fake.awsSecret()}\n` },
  { path: 'srv/app/config/deploy-token', ruleId: 'BW-SECRET-007', content: `token: ${fake.githubToken()}\n`, deleted: true },
];

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** An uncompressed layer tar of `files` (path -> content; '' with a `.wh.` name is a whiteout), entries owned by root. */
function layerTar(work: string, name: string, files: Record<string, string>): Buffer {
  const stage = join(work, name);
  rmSync(stage, { recursive: true, force: true });
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(stage, p)), { recursive: true });
    writeFileSync(join(stage, p), c, { mode: 0o600 });
  }
  const tops = readdirSync(stage).sort();
  const r = spawnSync('tar', ['--numeric-owner', '--owner=0', '--group=0', '--sort=name', '--mtime=2024-06-01', '-C', stage, '-cf', '-', ...tops], { maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`tar failed: ${r.stderr}`);
  return r.stdout;
}

/** The realistic OCI layout plus the plant layers, as another OCI layout (blobs hard-linked). */
function plantedLayout(oci: string): string {
  const dir = join(BENCH_DIR, 'secrets-planted');
  const work = join(BENCH_DIR, `secrets-work-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(dir, 'oci-layout'), readFileSync(join(oci, 'oci-layout')));
  for (const b of readdirSync(join(oci, 'blobs', 'sha256'))) {
    const from = join(oci, 'blobs', 'sha256', b);
    const to = join(dir, 'blobs', 'sha256', b);
    try {
      linkSync(from, to);
    } catch {
      symlinkSync(from, to);
    }
  }
  const blob = (d: string) => readFileSync(join(oci, 'blobs', 'sha256', d.slice(7)));
  const put = (data: Buffer | string) => {
    const h = sha256(data);
    writeFileSync(join(dir, 'blobs', 'sha256', h), data);
    return { digest: `sha256:${h}`, size: Buffer.byteLength(data) };
  };
  const index = JSON.parse(readFileSync(join(oci, 'index.json'), 'utf8')) as Json;
  const manifest = JSON.parse(blob(index.manifests[0].digest).toString('utf8')) as Json;
  const config = JSON.parse(blob(manifest.config.digest).toString('utf8')) as Json;
  const add = (tar: Buffer, createdBy: string) => {
    const d = put(tar);
    manifest.layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...d });
    config.rootfs.diff_ids.push(d.digest);
    config.history.push({ created: '2024-06-01T12:00:00Z', created_by: createdBy });
  };
  try {
    add(layerTar(work, 'plants', Object.fromEntries(PLANTS.map((p) => [p.path, p.content]))), 'COPY planted/ /   # bench/secrets.ts');
    const wh = Object.fromEntries(PLANTS.filter((p) => p.deleted).map((p) => [join(dirname(p.path), `.wh.${p.path.split('/').pop()}`), '']));
    add(layerTar(work, 'whiteouts', wh), 'RUN rm /srv/app/config/deploy-token   # bench/secrets.ts');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  manifest.config = { ...manifest.config, ...put(JSON.stringify(config)) };
  const m = put(JSON.stringify(manifest));
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: manifest.mediaType, ...m, annotations: { 'org.opencontainers.image.ref.name': 'bench' } }] }));
  return dir;
}

/** `bulwark image REF --no-vulns -f json` from src/; the report and the CPU time of the run. */
function scan(ref: string, cacheDir: string, extra: string[] = []): { report: Json; cpuS: number; wallS: number } {
  const out = join(BENCH_DIR, `secrets-report-${process.pid}.json`);
  const timeFile = join(BENCH_DIR, `.secrets-time-${process.pid}`);
  const r = spawnSync('/usr/bin/time', ['-o', timeFile, '-f', '%e %U %S', process.execPath, '--import', 'tsx', 'src/cli/bin.ts', 'image', ref, '--no-vulns', '-f', 'json', '-o', out, '--cache-dir', cacheDir, ...extra], { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`bulwark image exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const [wall, user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  const report = JSON.parse(readFileSync(out, 'utf8')) as Json;
  rmSync(out, { force: true });
  rmSync(timeFile, { force: true });
  return { report, cpuS: user! + sys!, wallS: wall! };
}

async function main(): Promise<void> {
  const { oci } = await withLock('realistic-build', ensureImage);
  const layout = plantedLayout(oci);
  const ref = `oci:${layout}:bench`;
  const cacheDir = join(BENCH_DIR, 'cache-secrets');
  const loadBefore = loadavg()[0]!;
  log('bulwark image --no-vulns on the realistic image + planted layers (the realistic layers are cached after the first run)...');
  const run = scan(ref, cacheDir);
  const secrets = (run.report.findings as Json[]).filter((f) => String(f.ruleId).startsWith('BW-SECRET'));
  const where = (f: Json) => f.location.path ?? f.location.field;
  const isPlant = (f: Json) => PLANTS.some((p) => p.path === where(f));
  const unplanted = secrets.filter((f) => !isPlant(f));
  const missing = PLANTS.filter((p) => !secrets.some((f) => f.ruleId === p.ruleId && where(f) === p.path && (!p.deleted || /deleted in layer \d+ but still extractable/.test(f.message))));

  log('the same without any allow rule (warm)...');
  const cfgFile = join(BENCH_DIR, `secrets-noallow-${process.pid}.yaml`);
  writeFileSync(cfgFile, 'secrets:\n  defaultAllowPaths: false\n');
  const raw = scan(ref, cacheDir, ['--config', cfgFile]);
  rmSync(cfgFile, { force: true });
  const resolved = resolveSecrets({});
  const byRule = new Map<string, number>();
  let allowedCount = 0;
  for (const f of (raw.report.findings as Json[]).filter((x) => String(x.ruleId).startsWith('BW-SECRET') && !isPlant(x))) {
    const id = f.location.path ? resolved.allowedBy(f.location.path, f.evidence?.rule) : undefined;
    if (!id) continue;
    allowedCount++;
    byRule.set(id, (byRule.get(id) ?? 0) + 1);
  }

  const goal = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  const out: string[] = [];
  out.push(`realistic image + 2 planted layers (${PLANTS.length} plants, 1 deleted later); load average ${loadBefore.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)}`);
  out.push(`bulwark image --no-vulns: ${run.wallS.toFixed(1)} s wall, ${run.cpuS.toFixed(1)} s CPU; ${secrets.length} secret findings`);
  out.push(`secret findings outside the plants: ${unplanted.length} (goal 0) ${goal(unplanted.length === 0)}`);
  for (const f of unplanted) out.push(`  ${f.ruleId} ${f.message}`);
  out.push(`planted secrets found: ${PLANTS.length - missing.length}/${PLANTS.length} (goal all, the deleted one as still extractable) ${goal(missing.length === 0)}`);
  for (const p of missing) out.push(`  missing: ${p.ruleId} /${p.path}`);
  out.push(`raw hits the built-in allow rules let through: ${allowedCount} (${[...byRule].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  process.stdout.write(out.join('\n') + '\n');
  if (unplanted.length || missing.length) process.exitCode = 1;
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
