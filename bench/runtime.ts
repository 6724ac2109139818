/**
 * Runtime stage figures: docker run parsing + rules, compose loading (corpus and a generated 500-service
 * file with anchors), saved-inspect auditing, compose hardening, Kubernetes manifests (corpus, hardening). Run: npx tsx bench/runtime.ts
 */
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runArgsToSpec } from '../src/runtime/runargs.js';
import { checkContainer } from '../src/analyzers/runtime/index.js';
import { loadComposeSpecs } from '../src/runtime/compose/normalize.js';
import { inspectToSpec } from '../src/runtime/inspect.js';
import { hardenComposeText } from '../src/harden/compose.js';
import { HARDEN_DEFAULTS } from '../src/harden/config.js';
import { loadK8sText } from '../src/runtime/k8s.js';
import { hardenK8sText } from '../src/harden/k8s.js';

function time(label: string, n: number, unit: string, fn: () => void): void {
  fn(); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`${label.padEnd(58)} ${(ms / n).toFixed(3).padStart(9)} ms/op  ${((n * 1000) / ms).toFixed(0).padStart(8)} ${unit}/s`);
}

const ARGS = ['docker', 'run', '-d', '--name', 'web', '--privileged', '-p', '8080:80', '-p', '127.0.0.1:8443:443/tcp', '-v', '/var/run/docker.sock:/var/run/docker.sock',
  '--mount', 'type=bind,src=/etc,dst=/host-etc,readonly', '-e', 'API_TOKEN=x', '--cap-add', 'SYS_ADMIN', '--memory', '512m', '--restart', 'always', 'nginx:1.27'];
time('docker run args: parse + all rules', 20_000, 'cmds', () => {
  checkContainer(runArgsToSpec(ARGS).spec);
});

const corpus = join(import.meta.dirname, '../test/fixtures/runtime/compose-corpus');
const files = readFileSync(join(corpus, 'SOURCES.md'), 'utf8').split('\n').map((l) => /^\| `([^`]+\.ya?ml)` \|/.exec(l)?.[1]).filter((x): x is string => Boolean(x));
time(`compose corpus: load + audit all ${files.length} files`, 50, 'corpus', () => {
  for (const f of files) for (const s of loadComposeSpecs({ files: [join(corpus, f)], env: {} }).specs) checkContainer(s);
});

// a large generated file: 500 services sharing anchors
const dir = mkdtempSync(join(tmpdir(), 'bw-bench-'));
const lines = ['x-base: &base', '  restart: always', '  environment:', '    A: "1"', '  ports: ["8080"]', 'services:'];
for (let i = 0; i < 500; i++) lines.push(`  s${i}:`, '    <<: *base', `    image: img${i}`, '    volumes:', `      - /srv/s${i}:/data`, '    cap_add: [NET_ADMIN]');
writeFileSync(join(dir, 'compose.yaml'), lines.join('\n') + '\n');
const bigBytes = readFileSync(join(dir, 'compose.yaml')).length;
time(`compose: 500 services with merge keys (${(bigBytes / 1024).toFixed(0)} KiB)`, 10, 'files', () => {
  for (const s of loadComposeSpecs({ files: [join(dir, 'compose.yaml')], env: {} }).specs) checkContainer(s);
});

const inspect = JSON.parse(readFileSync(join(import.meta.dirname, '../test/fixtures/runtime/inspect/privileged.json'), 'utf8'))[0];
time('saved docker inspect: normalise + all rules', 20_000, 'containers', () => {
  checkContainer(inspectToSpec(inspect));
});

const sentry = readFileSync(join(corpus, 'sentry-self-hosted/docker-compose.yml'), 'utf8');
time(`harden compose: sentry file (${(sentry.length / 1024).toFixed(0)} KiB, 22 services) + diff`, 20, 'files', () => {
  // the real path: the file's .env is read for interpolation, as `harden compose` does
  hardenComposeText(sentry, join(corpus, 'sentry-self-hosted/docker-compose.yml'), HARDEN_DEFAULTS);
});

// Kubernetes manifests: the corpus of real manifests (test/fixtures/k8s/corpus) and hardening a rendered bundle
const k8sDir = join(import.meta.dirname, '../test/fixtures/k8s/corpus');
const k8sFiles = readFileSync(join(k8sDir, 'SOURCES.md'), 'utf8').split('\n').map((l) => /^\| (\S+\.ya?ml) \|/.exec(l)?.[1]).filter((x): x is string => Boolean(x));
const k8sTexts = k8sFiles.map((f) => [f, readFileSync(join(k8sDir, f), 'utf8')] as const);
time(`k8s corpus: parse + audit all ${k8sFiles.length} manifests`, 20, 'corpus', () => {
  for (const [f, t] of k8sTexts) for (const s of loadK8sText(t, f).specs) checkContainer(s);
});
time('k8s: parse + audit one manifest (corpus average)', 20 * k8sTexts.length, 'manifests', (() => {
  let i = 0;
  return () => {
    const [f, t] = k8sTexts[i++ % k8sTexts.length]!;
    for (const s of loadK8sText(t, f).specs) checkContainer(s);
  };
})());
const bundle = readFileSync(join(k8sDir, 'microservices-demo/release_kubernetes-manifests.yaml'), 'utf8');
time(`harden k8s: microservices-demo bundle (${(bundle.length / 1024).toFixed(0)} KiB) + diff`, 10, 'files', () => {
  hardenK8sText(bundle, 'kubernetes-manifests.yaml', HARDEN_DEFAULTS);
});
