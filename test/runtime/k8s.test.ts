/**
 * Kubernetes manifests, the fourth runtime front end: every workload kind, the mapping of each setting
 * to the shared ContainerSpec (same rule IDs, KSV references, file:line), Trivy's own KSV test cases
 * (ported as data, test/fixtures/k8s/ksv), a corpus of real manifests, hostile YAML, `bulwark k8s`,
 * `scan DIR` picking manifests up by content, and `harden k8s` (layout kept, re-audit clean).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadK8sText, MAX_MANIFEST_DOCS } from '../../src/runtime/k8s.js';
import { checkContainer, runtimeRules } from '../../src/analyzers/runtime/index.js';
import { hardenK8sText, k8sBytes, k8sCpus } from '../../src/harden/k8s.js';
import { HARDEN_DEFAULTS } from '../../src/harden/config.js';
import { parseKeep } from '../../src/harden/plan.js';
import type { Finding } from '../../src/core/finding.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

const FIX = fileURLToPath(new URL('../fixtures/k8s/', import.meta.url));
const dir = tempDir('bw-k8s-');

const ids = (fs: Finding[]) => [...new Set(fs.map((f) => f.ruleId))].sort();
const audit = (text: string, file = 'm.yaml') => loadK8sText(text, file).specs.flatMap((s) => checkContainer(s));

const EVIL_POD = `apiVersion: v1
kind: Pod
metadata:
  name: evil
spec:
  hostPID: true
  containers:
    - name: shell
      image: alpine:3.20
      securityContext:
        privileged: true
      volumeMounts:
        - name: root
          mountPath: /host
  volumes:
    - name: root
      hostPath:
        path: /
`;

test('the pod users worry about: privileged, hostPID and hostPath / are found, each at its file:line', () => {
  const fs = audit(EVIL_POD, 'pod.yaml');
  const at = (id: string) => fs.find((f) => f.ruleId === id)?.location as { file?: string; line?: number; workload?: { kind: string; name: string }; container?: string };
  assert.deepEqual([at('BW-RUNTIME-001')?.file, at('BW-RUNTIME-001')?.line], ['pod.yaml', 11]);
  assert.equal(at('BW-RUNTIME-005')?.line, 6);
  assert.equal(at('BW-ESCAPE-005')?.line, 13);
  assert.equal(at('BW-ESCAPE-001')?.line, 11);
  assert.deepEqual(at('BW-RUNTIME-001')?.workload, { kind: 'Pod', name: 'evil' });
  assert.equal(at('BW-RUNTIME-001')?.container, 'shell');
  const priv = fs.find((f) => f.ruleId === 'BW-RUNTIME-001')!;
  assert.ok(priv.references.includes('KSV017'));
  assert.match(priv.message, /container 'shell' of Pod 'evil'/);
});

test('every workload kind, List items, init and ephemeral containers map to specs', () => {
  const podSpec = (n: string) => `spec:\n  containers:\n    - name: ${n}\n      image: nginx:1.27\n`;
  const indent = (s: string, n: number) => s.replace(/^(?=.)/gm, ' '.repeat(n));
  const docs = [
    `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  initContainers:\n    - name: init\n      image: busybox:1.36\n  containers:\n    - name: c\n      image: nginx:1.27\n  ephemeralContainers:\n    - name: dbg\n      image: busybox:1.36\n`,
    ...['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job'].map((k) => `apiVersion: apps/v1\nkind: ${k}\nmetadata: {name: ${k.toLowerCase()}}\nspec:\n  template:\n${indent(podSpec(k.toLowerCase()), 4)}`),
    `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cron}\nspec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n${indent(podSpec('cron'), 8)}`,
    `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: in-list}\n    spec:\n      containers:\n        - name: l\n          image: nginx:1.27\n          securityContext: {privileged: true}\n`,
    `apiVersion: v1\nkind: Service\nmetadata: {name: svc}\nspec:\n  ports: [{port: 80}]\n`,
    `# just a comment document\n`,
  ];
  const load = loadK8sText(docs.join('---\n'), 'all.yaml');
  const got = load.specs.map((s) => `${s.workload!.kind}/${s.workload!.container}/${s.workload!.containerType}`);
  assert.deepEqual(got, [
    'Pod/init/initContainer',
    'Pod/c/container',
    'Pod/dbg/ephemeralContainer',
    'Deployment/deployment/container',
    'StatefulSet/statefulset/container',
    'DaemonSet/daemonset/container',
    'ReplicaSet/replicaset/container',
    'ReplicationController/replicationcontroller/container',
    'Job/job/container',
    'CronJob/cron/container',
    'Pod/l/container',
  ]);
  assert.equal(load.objects.filter((o) => o.kind === 'Service').length, 1);
  const inList = load.specs.find((s) => s.workload!.container === 'l')!;
  const f = checkContainer(inList).find((x) => x.ruleId === 'BW-RUNTIME-001')!;
  const all = docs.join('---\n').split('\n');
  assert.equal((f.location as { line?: number }).line, all.findIndex((l) => l.includes('securityContext: {privileged: true}')) + 1);
});

test('each mapped setting: securityContext (pod and container), annotations, volumes, resources, token, image, env', () => {
  const m = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata:
      annotations:
        container.apparmor.security.beta.kubernetes.io/app: unconfined
    spec:
      hostNetwork: true
      hostIPC: true
      automountServiceAccountToken: true
      securityContext:
        runAsUser: 0
        seccompProfile: {type: Unconfined}
        sysctls:
          - {name: kernel.msgmax, value: "65536"}
      containers:
        - name: app
          image: registry.example.com/app:latest
          imagePullPolicy: IfNotPresent
          ports:
            - {containerPort: 80, hostPort: 80}
          env:
            - {name: DB_PASSWORD, value: hunter2hunter2}
            - name: API_TOKEN
              valueFrom: {secretKeyRef: {name: s, key: k}}
          securityContext:
            allowPrivilegeEscalation: true
            readOnlyRootFilesystem: false
            procMount: Unmasked
            capabilities:
              add: [SYS_ADMIN, SYS_MODULE]
            seLinuxOptions: {type: spc_t}
          volumeMounts:
            - {name: sock, mountPath: /var/run/docker.sock}
      volumes:
        - name: sock
          hostPath: {path: /var/run/docker.sock}
        - name: logs
          hostPath: {path: /var/log}
`;
  const fs = audit(m, 'deploy.yaml');
  const got = ids(fs);
  for (const id of [
    'BW-RUNTIME-002', // SYS_ADMIN, SYS_MODULE
    'BW-RUNTIME-004', // hostNetwork
    'BW-RUNTIME-006', // hostIPC
    'BW-RUNTIME-010', // docker.sock
    'BW-ESCAPE-003',
    'BW-RUNTIME-016', // readOnlyRootFilesystem false
    'BW-RUNTIME-017', // allowPrivilegeEscalation true
    'BW-RUNTIME-018', // seccomp Unconfined
    'BW-RUNTIME-019', // AppArmor annotation unconfined
    'BW-RUNTIME-020', // runAsUser 0
    'BW-RUNTIME-022', // hostPort 80
    'BW-RUNTIME-026', // literal secret env
    'BW-RUNTIME-027', // kernel.msgmax
    'BW-RUNTIME-032', // procMount Unmasked
    'BW-RUNTIME-033', // :latest
    'BW-RUNTIME-034', // token
    'BW-RUNTIME-035', // no requests
    'BW-RUNTIME-036', // hostPath (and the unmounted /var/log)
    'BW-RUNTIME-037', // spc_t
  ]) {
    assert.ok(got.includes(id), `${id} missing from ${got.join(' ')}`);
  }
  assert.ok(!got.includes('BW-RUNTIME-023'), 'pod networking is not the docker bridge');
  assert.ok(!got.includes('BW-RUNTIME-015'), 'PIDs limits are per node');
  const env = fs.filter((f) => f.ruleId === 'BW-RUNTIME-026');
  assert.deepEqual(env.map((f) => (f.evidence as { name: string }).name), ['DB_PASSWORD'], 'secretKeyRef is not a secret in clear');
  assert.ok(!JSON.stringify(fs).includes('hunter2hunter2'));
  const unmounted = fs.find((f) => f.ruleId === 'BW-RUNTIME-036' && /mounted by no container/.test(f.message));
  assert.ok(unmounted, 'the unmounted hostPath volume is reported');
  assert.equal((unmounted!.location as { line?: number }).line, m.split('\n').findIndex((l) => l.includes('- name: logs')) + 1);
  const root = fs.find((f) => f.ruleId === 'BW-RUNTIME-020')!;
  assert.equal((root.location as { line?: number }).line, 14);
  assert.ok(root.references.includes('KSV105'));
  // the hardened settings are quiet
  const good = `apiVersion: v1
kind: Pod
metadata: {name: ok}
spec:
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    seccompProfile: {type: RuntimeDefault}
  containers:
    - name: app
      image: nginx:1.27@sha256:${'a'.repeat(64)}
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities: {drop: [ALL]}
      resources:
        limits: {cpu: 500m, memory: 128Mi}
        requests: {cpu: 100m, memory: 64Mi}
      livenessProbe:
        httpGet: {path: /, port: 8080}
`;
  assert.deepEqual(audit(good).filter((f) => f.severity !== 'info').map((f) => `${f.ruleId} ${f.message}`), []);
});

test("Trivy's KSV test cases (trivy-checks checks/kubernetes/*_test.rego): at least 95% agreement on the mapped IDs", () => {
  const data = JSON.parse(readFileSync(join(FIX, 'ksv', 'trivy-checks-cases.json'), 'utf8')) as { cases: Array<{ id: string; test: string; expectDeny: boolean; input: unknown }> };
  const mapped = new Set(runtimeRules.flatMap((r) => r.references.filter((x) => /^KSV\d{3}$/.test(x))));
  const cases = data.cases.filter((c) => mapped.has(c.id));
  const differ: string[] = [];
  for (const c of cases) {
    const fs = audit(JSON.stringify(c.input), `${c.test}.json`);
    const deny = fs.some((f) => f.references.includes(c.id));
    if (deny !== c.expectDeny) differ.push(`${c.id} ${c.test}: Trivy ${c.expectDeny ? 'denies' : 'allows'}`);
  }
  const rate = (cases.length - differ.length) / cases.length;
  // the deliberate differences, each explained in docs/k8s.md
  assert.deepEqual(differ.sort(), [
    'KSV002 test_custom_deny: Trivy denies',
    'KSV022 test_capabilities_add_denied: Trivy denies',
    'KSV026 test_deny_sysctl_not_allowed_in_1_29: Trivy denies',
    'KSV036 test_protect_service_account_token_denied_without_mountPath: Trivy allows',
  ]);
  assert.ok(mapped.size >= 25 && cases.length >= 90, `${mapped.size} IDs, ${cases.length} cases`);
  assert.ok(rate >= 0.95, `agreement ${(rate * 100).toFixed(1)}%`);
});

test('corpus: at least 30 real manifests parse without error (test/fixtures/k8s/corpus, SOURCES.md)', () => {
  const files: string[] = [];
  for (const d of readdirSync(join(FIX, 'corpus'), { withFileTypes: true })) {
    if (d.isDirectory()) for (const f of readdirSync(join(FIX, 'corpus', d.name))) files.push(join(FIX, 'corpus', d.name, f));
  }
  assert.ok(files.length >= 30, `${files.length} files`);
  const sources = readFileSync(join(FIX, 'corpus', 'SOURCES.md'), 'utf8');
  let containers = 0;
  for (const f of files) {
    const rel = f.slice(join(FIX, 'corpus').length + 1);
    assert.ok(sources.includes(`| ${rel} |`), `${rel} has no provenance line`);
    const load = loadK8sText(readFileSync(f, 'utf8'), f);
    assert.ok(load.objects.length > 0, `${rel}: no object`);
    containers += load.specs.length;
    for (const s of load.specs) checkContainer(s);
  }
  assert.ok(containers >= 40, `${containers} containers`);
});

test('hostile YAML: alias bomb, too many documents, deep nesting, binary input, wrong types end in clear errors, fast', () => {
  const expectError = (text: string, re: RegExp) => {
    const t0 = performance.now();
    assert.throws(() => loadK8sText(text, 'bad.yaml'), (e: Error) => e.name === 'InputError' && re.test(e.message) && !/\n\s+at /.test(e.message));
    assert.ok(performance.now() - t0 < 10_000, `${re}: took ${performance.now() - t0} ms`);
  };
  let bomb = 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]\n';
  for (let i = 1; i < 10; i++) bomb += `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]\n`;
  expectError(`apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n${bomb}spec:\n  containers: []\n`, /aliases expand to more than/);
  expectError('apiVersion: v1\nkind: ConfigMap\n---\n'.repeat(10_000), new RegExp(`more than ${MAX_MANIFEST_DOCS} YAML documents`));
  expectError(`apiVersion: v1\nkind: Pod\nspec: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`, /nest(ed|ing) (too deeply|deeper than)/);
  expectError('apiVersion: v1\nkind: Pod\nspec:\n' + Array.from({ length: 1_500 }, (_, i) => ' '.repeat(i + 2) + `k${i}:`).join('\n') + ' x\n', /nest(ed|ing) (too deeply|deeper than)/);
  expectError('apiVersion: v1\nkind: Pod\n\u0000\u0001binary', /binary data/);
  expectError('apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: yes\n', /bad\.yaml:5:\d+: Pod 'x': containers must be a list/);
  expectError('apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n    - name: c\n      securityContext: {privileged: maybe}\n', /bad\.yaml:7:\d+: container 'c' of Pod 'x': privileged must be a boolean/);
  expectError('apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n    - name: c\n      resources: {limits: {memory: lots}}\n', /memory is not a Kubernetes quantity/);
  expectError('apiVersion: v1\nkind: Pod\nkind: Pod\n', /Map keys must be unique/);
  // many workloads in one file stay linear: 3,000 deployments in well under the time a quadratic walk takes
  const many = Array.from({ length: 3_000 }, (_, i) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d${i}}\nspec:\n  template:\n    spec:\n      containers:\n        - {name: c, image: "nginx:1.27"}\n`).join('---\n');
  const t0 = performance.now();
  assert.equal(loadK8sText(many, 'many.yaml').specs.length, 3_000);
  assert.ok(performance.now() - t0 < 30_000);
});

test('bulwark k8s FILE: report with file:line; a file without workloads is a warning; SARIF locates the manifest', async () => {
  const pod = join(dir, 'pod.yaml');
  writeFileSync(pod, EVIL_POD);
  const svc = join(dir, 'svc.yaml');
  writeFileSync(svc, 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n');
  const r = await runCli(['k8s', pod, svc, '-f', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  const f = rep.findings.find((x: Finding) => x.ruleId === 'BW-ESCAPE-001');
  assert.equal(f.location.file, pod);
  assert.equal(f.location.line, 11);
  assert.match(rep.warnings.join('\n'), /svc\.yaml: no workload/);
  const sarif = JSON.parse((await runCli(['k8s', pod, '-f', 'sarif'])).stdout);
  const res = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'BW-ESCAPE-001');
  assert.equal(res.locations[0].physicalLocation.region.startLine, 11);
  const bad = await runCli(['k8s', join(dir, 'missing.yaml')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /missing\.yaml/);
});

test('scan DIR: Dockerfile, compose file and Kubernetes manifests (found by content, not name) with file:line', async () => {
  const root = join(dir, 'project');
  mkdirSync(join(root, 'deploy'), { recursive: true });
  mkdirSync(join(root, 'chart', 'templates'), { recursive: true });
  writeFileSync(join(root, 'Dockerfile'), 'FROM alpine:3.20\nRUN apk add curl\n');
  writeFileSync(join(root, 'compose.yaml'), 'services:\n  web:\n    image: nginx:1.27\n    privileged: true\n');
  writeFileSync(join(root, 'deploy', 'workload.yml'), `# rendered\n${EVIL_POD}`);
  writeFileSync(join(root, 'deploy', 'values.yaml'), 'replicaCount: 2\nimage: {tag: latest}\n');
  writeFileSync(join(root, 'chart', 'templates', 'deploy.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n');
  const r = await runCli(['scan', root, '-f', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  const types = rep.targets.filter((t: { type: string }) => ['dockerfile', 'compose', 'k8s'].includes(t.type)).map((t: { type: string; name: string }) => `${t.type}:${t.name}`).sort();
  assert.deepEqual(types, ['compose:compose.yaml', 'dockerfile:Dockerfile', 'k8s:deploy/workload.yml']);
  const k = rep.findings.find((f: Finding) => f.ruleId === 'BW-RUNTIME-001' && (f.location as { file?: string }).file === 'deploy/workload.yml');
  assert.equal(k.location.line, 12);
  const c = rep.findings.find((f: Finding) => f.ruleId === 'BW-RUNTIME-001' && (f.location as { file?: string }).file === 'compose.yaml');
  assert.equal(c.location.line, 4);
  assert.ok(rep.findings.some((f: Finding) => f.location.kind === 'file' && f.location.file === 'Dockerfile' && f.location.line !== undefined));
});

const HARDEN_ME = `# Source: shop/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web   # keep this comment
spec:
  ports:
    - port: 80
---
# Source: shop/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata:
      annotations:
        container.apparmor.security.beta.kubernetes.io/web: unconfined
    spec:
      hostPID: true
      hostNetwork: true
      containers:
        - name: web   # the shop front end
          image: nginx:1.27
          ports:
            - containerPort: 8080
              hostPort: 8080
          securityContext:
            privileged: true
            capabilities:
              add: ["SYS_ADMIN", "SYS_PTRACE"]
            procMount: Unmasked
          volumeMounts:
            - name: host
              mountPath: /host
            - name: sock
              mountPath: /var/run/docker.sock
            - name: data
              mountPath: /data
      volumes:
        - name: host
          hostPath: {path: /}
        - name: sock
          hostPath: {path: /var/run/docker.sock}
        - name: data
          hostPath: {path: /srv/shop}
        - name: etc
          hostPath: {path: /etc}
`;

test('harden k8s: every escape path removed, comments and untouched documents verbatim, re-audit has no critical/high', () => {
  const r = hardenK8sText(HARDEN_ME, 'shop.yaml', HARDEN_DEFAULTS);
  const out = r.text;
  // the Service document and the comments are kept verbatim
  assert.ok(out.startsWith(HARDEN_ME.slice(0, HARDEN_ME.indexOf('---\n') + 4)), out);
  assert.match(out, /^# Source: shop\/templates\/deployment\.yaml$/m);
  assert.match(out, /- name: web {3}# the shop front end/);
  for (const gone of [/privileged: true/, /hostPID/, /hostNetwork/, /SYS_ADMIN/, /SYS_PTRACE/, /procMount/, /docker\.sock/, /path: \/\}/, /path: \/etc/, /hostPort/, /apparmor\.security/]) {
    assert.doesNotMatch(out.replace(/^\s*#.*$/gm, ''), gone, `${gone} still in\n${out}`);
  }
  for (const want of [/allowPrivilegeEscalation: false/, /readOnlyRootFilesystem: true/, /runAsNonRoot: true/, /runAsUser: 10001/, /drop:\n\s+- ALL/, /seccompProfile:\n\s+type: RuntimeDefault/, /automountServiceAccountToken: false/, /memory: 256Mi/, /cpu: 500m/, /readOnly: true/, /name: bulwark-tmp/, /mountPath: \/tmp/]) {
    assert.match(out, want, `${want} missing in\n${out}`);
  }
  // what was removed is said in the file, with why
  assert.match(out, /# bulwark: removed privileged: true/);
  assert.match(out, /# bulwark: removed volumeMount of host \/ at \/host/);
  assert.match(out, /# bulwark: removed hostPath volume 'etc' \(\/etc;/);
  // each change names the findings it resolves
  assert.ok(r.changes.some((c) => /removed securityContext\.privileged \[resolves [^\]]*BW-ESCAPE-001/.test(c)), r.changes.join('\n'));
  assert.ok(r.changes.some((c) => /removed the mount of host \/ at \/host \[resolves [^\]]*BW-ESCAPE-005/.test(c)), r.changes.join('\n'));
  assert.ok(r.changes.some((c) => /removed hostPID \[resolves [^\]]*BW-RUNTIME-005/.test(c)), r.changes.join('\n'));
  assert.ok(r.before.some((f) => f.severity === 'critical'));
  assert.deepEqual(r.after.filter((f) => f.severity === 'critical' || f.severity === 'high').map((f) => `${f.ruleId} ${f.message}`), []);
  // the output is valid and re-audits to the same result
  assert.deepEqual(ids(audit(out, 'shop.yaml')), ids(r.after));
  assert.match(r.diff, /^-\s+privileged: true$/m);
  // idempotent: hardening the hardened file changes nothing more that matters
  const again = hardenK8sText(out, 'shop.yaml', HARDEN_DEFAULTS);
  assert.deepEqual(again.after.filter((f) => f.severity === 'critical' || f.severity === 'high'), []);
});

test('harden k8s --keep: the reason is in the output and as a comment in the written file', () => {
  const r = hardenK8sText(HARDEN_ME, 'shop.yaml', HARDEN_DEFAULTS, { keep: parseKeep(['SYS_PTRACE=the profiler attaches to the app', 'pid=the profiler sees its processes']) });
  assert.match(r.text, /# bulwark: kept capability SYS_PTRACE on purpose \(--keep SYS_PTRACE\): the profiler attaches to the app \[leaves [^\]]*BW-RUNTIME-002/);
  assert.match(r.text, /hostPID: true/);
  assert.match(r.text, /"SYS_PTRACE"|- SYS_PTRACE/);
  assert.doesNotMatch(r.text, /SYS_ADMIN"/);
  assert.ok(r.kept.some((k) => k.reason === 'the profiler sees its processes'));
  assert.ok(r.after.some((f) => f.ruleId === 'BW-ESCAPE-004'), 'the kept pair stays reported');
});

test('harden k8s CLI: writes the file and prints the diff and the summary; hostile input is exit 2', async () => {
  const file = join(dir, 'shop.yaml');
  writeFileSync(file, HARDEN_ME);
  const out = join(dir, 'shop.hardened.yaml');
  const r = await runCli(['harden', 'k8s', file, '--output', out, '--no-engine']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\+\s+allowPrivilegeEscalation: false$/m);
  assert.match(r.stderr, /re-audit of the result: no critical or high runtime finding/);
  const audited = JSON.parse((await runCli(['k8s', out, '-f', 'json'])).stdout);
  assert.deepEqual(audited.findings.filter((f: Finding) => f.severity === 'critical' || f.severity === 'high').map((f: Finding) => f.ruleId), []);
  const bin = join(dir, 'bin.yaml');
  writeFileSync(bin, Buffer.from([0x61, 0x3a, 0x00, 0xff]));
  const b = await runCli(['harden', 'k8s', bin]);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /bin\.yaml:1: binary data/);
});

test('quantities: docker sizes and CPUs become Kubernetes quantities', () => {
  assert.equal(k8sBytes('256m'), '256Mi');
  assert.equal(k8sBytes('1g'), '1Gi');
  assert.equal(k8sCpus('0.5'), '500m');
  assert.equal(k8sCpus('2'), '2');
});
