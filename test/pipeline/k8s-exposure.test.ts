/**
 * Kubernetes Service exposure as a pipeline exposure factor (k8s-services.ts): a LoadBalancer or NodePort Service,
 * or an Ingress through any Service, whose selector matches a workload's pod labels exposes it; a ClusterIP
 * Service alone, a selector that does not match, another namespace, or a Service without a selector do not.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { buildDb, fx } from '../vulndb/helpers.js';
import { projectWorkloads } from '../../src/app/scan.js';
import { workloadLinks } from '../../src/analyzers/pipeline/correlate.js';
import type { Finding } from '../../src/core/finding.js';

const here = dirname(fileURLToPath(import.meta.url));
const alpineRootfs = join(here, '../fixtures/image/alpine-minirootfs-3.20.3-subset.tar.gz');

const DEPLOY = (labels = 'app: web', ns = '') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n${ns}spec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        ${labels}\n        tier: front\n    spec:\n      initContainers:\n        - name: migrate\n          image: alpine:3.20\n      containers:\n        - name: web\n          image: example/web:1\n          securityContext:\n            runAsNonRoot: true\n            runAsUser: 1000\n`;
const SERVICE = (type: string, selector = 'app: web', ns = '') =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n${ns}spec:\n  type: ${type}\n  selector:\n    ${selector}\n  ports:\n    - port: 80\n      targetPort: 8080\n${type === 'NodePort' ? '      nodePort: 30080\n' : ''}`;
const INGRESS = 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: site\nspec:\n  rules:\n    - host: example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: web\n                port:\n                  number: 80\n';

function project(files: Record<string, string>): string {
  const dir = tempDir('bw-k8s-exp-');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** container name -> its exposure factor texts */
function factors(files: Record<string, string>): Record<string, string[]> {
  const dir = project(files);
  const ws = projectWorkloads(dir, Object.keys(files), []);
  const out: Record<string, string[]> = {};
  for (const l of workloadLinks({ secrets: [], copies: [], workloads: ws, findings: [] })) out[l.workload.spec.name] = l.factors.map((f) => `${f.id}: ${f.text}`);
  return out;
}

test('a LoadBalancer or NodePort Service selecting the pods exposes the workload (another file of the project)', () => {
  assert.deepEqual(factors({ 'k8s/deploy.yaml': DEPLOY(), 'k8s/svc.yaml': SERVICE('LoadBalancer') }), {
    migrate: [],
    web: ['k8s-service: is exposed by Service web (LoadBalancer, port 80)'],
  });
  assert.deepEqual(factors({ 'all.yaml': `${DEPLOY()}---\n${SERVICE('NodePort')}` }).web, ['k8s-service: is exposed by Service web (NodePort, node port 30080)']);
  // an Ingress reaches the pods through a ClusterIP Service
  assert.deepEqual(factors({ 'all.yaml': `${DEPLOY()}---\n${SERVICE('ClusterIP')}---\n${INGRESS}` }).web, ['k8s-service: is exposed by Ingress site → Service web']);
});

test('not exposed: a ClusterIP Service, a selector that does not match, another namespace, no selector', () => {
  assert.deepEqual(factors({ 'all.yaml': `${DEPLOY()}---\n${SERVICE('ClusterIP')}` }).web, []);
  assert.deepEqual(factors({ 'all.yaml': `${DEPLOY()}---\n${SERVICE('ClusterIP', '{}')}` }).web, []);
  assert.deepEqual(factors({ 'all.yaml': `${DEPLOY('app: api')}---\n${SERVICE('LoadBalancer')}` }).web, []);
  // every selector key must match
  assert.deepEqual(factors({ 'all.yaml': `${DEPLOY()}---\n${SERVICE('LoadBalancer', 'app: web\n    tier: back')}` }).web, []);
  assert.deepEqual(factors({ 'all.yaml': `${DEPLOY('app: web', '  namespace: prod\n')}---\n${SERVICE('LoadBalancer')}` }).web, []);
  assert.deepEqual(factors({ 'all.yaml': `${DEPLOY('app: web', '  namespace: prod\n')}---\n${SERVICE('LoadBalancer', 'app: web', '  namespace: prod\n')}` }).web, [
    'k8s-service: is exposed by Service web (LoadBalancer, port 80)',
  ]);
  // an Ingress to a Service that selects other pods
  assert.deepEqual(factors({ 'all.yaml': `${DEPLOY('app: api')}---\n${SERVICE('ClusterIP')}---\n${INGRESS}` }).web, []);
});

let cache: string;
before(async () => {
  cache = (await buildDb([fx('alpine')])).cacheDir;
});

async function chains(files: Record<string, string>): Promise<Finding[]> {
  const r = await runCli(['scan', project(files), '--cache-dir', cache, '-f', 'json', '--image', `web=rootfs:${alpineRootfs}`]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return (JSON.parse(r.stdout) as { findings: Finding[] }).findings.filter((f) => f.ruleId === 'BW-PIPELINE-010');
}

test('BW-PIPELINE-010 through a LoadBalancer Service: the image vulnerability reaches the exposed Deployment; ClusterIP: no chain', async () => {
  const exposed = await chains({ 'k8s/deploy.yaml': DEPLOY(), 'k8s/svc.yaml': SERVICE('LoadBalancer') });
  assert.ok(exposed.length > 0);
  for (const c of exposed) assert.match(c.message, /→ in image [^→]+ → Deployment web container web \(k8s\/deploy\.yaml\) is exposed by Service web \(LoadBalancer, port 80\)$/);
  assert.deepEqual(exposed[0]!.evidence!.factors, ['k8s-service']);
  assert.deepEqual(await chains({ 'k8s/deploy.yaml': DEPLOY(), 'k8s/svc.yaml': SERVICE('ClusterIP') }), []);
});
