/**
 * `bulwark scan DIR` on a generated 2,000-file repository: 20 Dockerfiles (the build bench's corpus), 10 compose
 * files, 10 lock files (the real ones under test/fixtures), 1,960 source and data files, .gitignore and
 * .dockerignore files; no image scans. Timed through the same use case as the command (scanDirectory), without and
 * with a vulnerability database (built from the committed feed subsets), cold (first run in the process) and warm.
 * Usage: npm run bench -- scan   (target: < 2 s without image scans)
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { scanDirectory } from '../src/app/scan.js';
import { updateDb } from '../src/vulndb/update.js';
import { dockerfile } from './dockerfiles/corpus.js';

const FX = join(import.meta.dirname, '../test/fixtures');
const LOCKS: Array<[string, string]> = [
  ['inventory/node/package-lock-v3.json', 'package-lock.json'],
  ['inventory/node/yarn-v1.lock', 'yarn.lock'],
  ['lockfiles/poetry-multiple-packages.v2.lock', 'poetry.lock'],
  ['lockfiles/Pipfile-two-packages.lock', 'Pipfile.lock'],
  ['lockfiles/requirements-osv-scanner.txt', 'requirements.txt'],
  ['lockfiles/go-indirect-1.23.mod', 'go.mod'],
  ['lockfiles/pom-maven-transitive.xml', 'pom.xml'],
  ['lockfiles/Gemfile-rails.lock', 'Gemfile.lock'],
  ['lockfiles/Cargo-many-packages.lock', 'Cargo.lock'],
  ['lockfiles/composer-two-packages.lock', 'composer.lock'],
];

function generate(root: string): number {
  let files = 0;
  const w = (rel: string, text: string) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
    files++;
  };
  w('.gitignore', 'dist/\n*.log\n.env\n');
  for (let s = 0; s < 20; s++) {
    const svc = `services/svc${s}`;
    w(`${svc}/Dockerfile`, dockerfile(s));
    if (s % 2 === 0) {
      w(`${svc}/compose.yaml`, `services:\n  svc${s}:\n    build: .\n    ports:\n      - "${8000 + s}:8080"\n${s % 4 === 0 ? '    privileged: true\n' : ''}    environment:\n      - MODE=prod\n`);
      w(`${svc}/.dockerignore`, 'node_modules\n*.md\n.git\n');
    }
    if (s < LOCKS.length) {
      const [from, to] = LOCKS[s]!;
      copyFileSync(join(FX, from), join(root, svc, to));
      files++;
    }
  }
  // source and data files up to 2,000
  for (let i = 0; files < 2000; i++) {
    const svc = `services/svc${i % 20}`;
    const kind = i % 5;
    if (kind === 0) w(`${svc}/src/m${i}.js`, `export function f${i}(x) {\n  return x * ${i};\n}\n`.repeat(20));
    else if (kind === 1) w(`${svc}/lib/m${i}.py`, `def f${i}(x):\n    return x + ${i}\n`.repeat(30));
    else if (kind === 2) w(`${svc}/config/c${i}.yaml`, `name: c${i}\nreplicas: ${i % 7}\nlabels:\n  tier: backend\n`);
    else if (kind === 3) w(`${svc}/docs/d${i}.md`, `# Notes ${i}\n\nSome text about the service.\n`.repeat(10));
    else w(`${svc}/data/r${i}.json`, JSON.stringify({ id: i, values: Array.from({ length: 50 }, (_, k) => k * i) }));
  }
  return files;
}

const root = mkdtempSync(join(tmpdir(), 'bulwark-bench-scan-'));
const cache = mkdtempSync(join(tmpdir(), 'bulwark-bench-scan-db-'));
try {
  const n = generate(root);
  console.log(`repository: ${n} files (20 Dockerfiles, 10 compose files, 10 lock files), no image scans`);
  const run = async (label: string, vulnerabilities: { cacheDir: string } | false) => {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const rep = await scanDirectory(root, 'repo', {}, { vulnerabilities, images: false });
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(c0);
    const s = rep.summary as { filesAnalysed: number; packages: number; secretsScannedFiles: number };
    console.log(
      `${label}: ${secs.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU: ${s.filesAnalysed} files analysed, ` +
        `${s.packages} packages, ${s.secretsScannedFiles} files read for secrets, ${rep.findings.length} findings`,
    );
    return { secs, cpu: (cpu.user + cpu.system) / 1e6 };
  };
  await run('no database, cold', { cacheDir: cache });
  await run('no database, warm', { cacheDir: cache });
  await updateDb({ cacheDir: cache, sources: ['osv/ghsa', 'osv/go', 'osv/pypi', 'alpine', 'nodejs/npm'].map((p) => join(FX, 'vulndb', p)) });
  await run('with database (committed feed subsets), first', { cacheDir: cache });
  const warmRun = await run('with database, warm', { cacheDir: cache });
  const warm = warmRun.secs;
  // the command as users run it (a fresh process)
  // bash's `times` gives the child's CPU (user + system), which Node cannot read for a spawned process
  const t0 = process.hrtime.bigint();
  // the installed command (dist/, after `npm run build`) when it is built, else from src/ through tsx
  const built = existsSync(join(import.meta.dirname, '../dist/cli/bin.js'));
  const entry = built ? [join(import.meta.dirname, '../bin/bulwark.js')] : ['--import', 'tsx', join(import.meta.dirname, '../src/cli/bin.ts')];
  const argv = [process.execPath, ...entry, 'scan', root, '--cache-dir', cache, '--no-images', '-f', 'json', '-o', '/dev/null'];
  const r = spawnSync('bash', ['-c', '"$@"; rc=$?; times >&2; exit $rc', 'bench', ...argv], { encoding: 'utf8' });
  const cliSecs = Number(process.hrtime.bigint() - t0) / 1e9;
  const tl = r.stderr.trim().split('\n').pop() ?? '';
  const tm = [...tl.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  const cliCpu = tm.length === 2 ? `${(tm[0]! + tm[1]!).toFixed(2)} s CPU` : 'CPU unknown';
  console.log(`bulwark scan (new process, ${built ? 'bin/bulwark.js from dist/' : 'src/ through tsx, TypeScript loading included'}, with database): ${cliSecs.toFixed(2)} s wall, ${cliCpu}, exit ${r.status}`);
  const load = loadavg()[0]!;
  // on a loaded machine the wall time measures the other processes: the verdict then goes by CPU time, and says so
  const busy = load > cpus().length;
  const judged = busy ? warmRun.cpu : warm;
  console.log(
    `target < 2 s without image scans: ${judged < 2 ? 'met' : 'NOT met'} by ${busy ? 'CPU' : 'wall'} time (${warm.toFixed(2)} s wall, ${warmRun.cpu.toFixed(2)} s CPU in-process)` +
      (busy ? `; load ${load.toFixed(1)} on ${cpus().length} CPUs: wall time is not meaningful, the CPU time is what a quiet machine's wall time approaches` : ''),
  );
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB; machine: ${cpus().length} CPUs, load average (1 min) ${loadavg()[0]!.toFixed(1)}`);
} finally {
  rmSync(root, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
}
