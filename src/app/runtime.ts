/**
 * The runtime use cases: audit containers described by a `docker run` line, compose files, the live engine
 * or saved `docker inspect` output. Each front end (src/runtime) yields ContainerSpecs; the runtime rules
 * check them; runtimeReport assembles the Report.
 *
 *   auditRunArgs(argv)              docker run|create ARGS -> Report
 *   auditCompose(opts)              compose files (merged, interpolated, profiles) -> Report + project dir
 *   auditContainers(opts)           Engine API containers -> Report
 *   auditInspectFiles(files)        saved `docker inspect` JSON -> Report
 *   auditK8s(files)                 Kubernetes manifests (multi-document, rendered Helm output) -> Report
 *
 * Each takes a ContainerPolicy last: the registry policy (allowedRegistries) the images are checked against.
 */
export type { ContainerPolicy } from '../runtime/audit.js';
import type { Report } from '../core/report.js';
import { UserError } from '../core/errors.js';
import { runArgsToSpec } from '../runtime/runargs.js';
import { loadComposeSpecs } from '../runtime/compose/normalize.js';
import { defaultComposeFiles } from '../runtime/compose/load.js';
import { engineContainers, readInspectFile } from '../runtime/inspect.js';
import { runtimeReport, type ContainerPolicy } from '../runtime/audit.js';
import { redactRunArgv } from '../runtime/redact.js';
import { EngineClient } from '../sources/engine/client.js';
import { loadK8sFile } from '../runtime/k8s.js';
import { profileWarnings, resolveProfiles } from '../profiles/resolve.js';

/** `bulwark run -- docker run ...` */
export function auditRunArgs(argv: string[], policy: ContainerPolicy = {}): Report {
  if (argv.length === 0) throw new UserError('usage: bulwark run -- docker run [ARGS] IMAGE [CMD]');
  const { spec, parsed } = runArgsToSpec(argv);
  resolveProfiles(spec, { baseDir: process.cwd() });
  // the command line is echoed as the target: never with an environment value or a credential in clear
  return runtimeReport([{ type: 'run-args', name: redactRunArgv(argv, parsed).join(' ') }], [spec], profileWarnings([spec]), policy);
}

/** The compose files to read: the given ones, else compose.yaml / docker-compose.yml in `cwd`. */
export function composeFilesFrom(opts: { file?: string[] }, cwd = process.cwd()): string[] {
  const files = opts.file?.length ? opts.file : defaultComposeFiles(cwd);
  if (files.length === 0) throw new UserError('no compose file: give -f FILE, or run where compose.yaml / docker-compose.yml is');
  return files;
}

export interface AuditComposeOptions {
  files: string[];
  profiles?: string[];
  envFiles?: string[];
  projectDir?: string;
  projectName?: string;
  policy?: ContainerPolicy;
}

/** `bulwark compose`: every service of the merged project; `projectDir` is where its config and ignore file live. */
export function auditCompose(opts: AuditComposeOptions): { report: Report; projectDir: string } {
  const { project, specs } = loadComposeSpecs({
    files: opts.files,
    profiles: opts.profiles,
    envFiles: opts.envFiles,
    projectDir: opts.projectDir,
    projectName: opts.projectName,
  });
  // seccomp=FILE in security_opt: relative to the project directory
  for (const s of specs) resolveProfiles(s, { baseDir: project.projectDir });
  const report = runtimeReport(
    project.files.map((f) => ({ type: 'compose', name: f, project: project.name })),
    specs,
    profileWarnings(specs),
    opts.policy,
  );
  return { report, projectDir: project.projectDir };
}

/** `bulwark containers --from-inspect FILE...` */
export function auditInspectFiles(files: string[], policy: ContainerPolicy = {}): Report {
  const specs = files.flatMap((f) => readInspectFile(f));
  for (const s of specs) resolveProfiles(s);
  return runtimeReport(files.map((f) => ({ type: 'inspect-file', name: f })), specs, profileWarnings(specs), policy);
}

export interface AuditContainersOptions {
  /** Docker endpoint (default DOCKER_HOST or the default socket) */
  host?: string;
  /** created and stopped containers too */
  all?: boolean;
  /** `docker ps --filter` style: key -> values */
  filters?: Record<string, string[]>;
  policy?: ContainerPolicy;
}

/** `bulwark containers`: every (running) container of the engine. */
export async function auditContainers(opts: AuditContainersOptions = {}): Promise<Report> {
  const client = new EngineClient({ host: opts.host });
  const specs = await engineContainers(client, { all: opts.all, filters: opts.filters ?? {} });
  // the processes are visible in /proc only when the engine runs on this machine
  const local = client.host.startsWith('unix://');
  for (const s of specs) resolveProfiles(s, { live: local });
  return runtimeReport(
    specs.map((s) => ({ type: 'container', name: s.container ?? s.name, image: s.image, state: s.state })),
    specs,
    specs.length === 0 ? [`no ${opts.all ? '' : 'running '}containers on ${client.host}`] : profileWarnings(specs),
    opts.policy,
  );
}

/** `bulwark k8s FILE...`: every container of every workload in the manifests. */
export function auditK8s(files: string[], policy: ContainerPolicy = {}): Report {
  if (files.length === 0) throw new UserError('usage: bulwark k8s FILE... (Kubernetes manifests, e.g. rendered `helm template` output)');
  const loads = files.map((f) => loadK8sFile(f));
  const specs = loads.flatMap((l) => l.specs);
  // Localhost seccomp profiles are read under the kubelet's seccomp directory when it is on this machine
  for (const s of specs) resolveProfiles(s);
  const warnings = profileWarnings(specs);
  for (const l of loads) if (l.specs.length === 0) warnings.push(`${l.file}: no workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) in ${l.objects.length} object(s)`);
  return runtimeReport(
    loads.map((l) => ({ type: 'k8s', name: l.file })),
    specs,
    warnings,
    policy,
  );
}
