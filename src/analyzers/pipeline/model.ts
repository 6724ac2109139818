/**
 * The pipeline model: what `scan DIR` knows about every stage of a project at once, and the input of the
 * pipeline rules (BW-PIPELINE-NNN, ./rules). Build facts (Dockerfiles, their build contexts and COPY
 * instructions), project secrets, the workloads that run the images (compose services, Kubernetes workloads),
 * and the findings every stage already produced, so a rule can relate them.
 */
import type { Finding } from '../../core/finding.js';
import type { ContainerSpec } from '../../runtime/model.js';
import type { FileSecret } from './secrets.js';
import type { ServiceExposure } from './k8s-services.js';

/** A COPY or ADD of a Dockerfile, with what it takes from the build context. */
export interface BuildCopy {
  /** the Dockerfile, relative to the project root */
  dockerfile: string;
  instruction: 'COPY' | 'ADD';
  line: number;
  column: number;
  endLine: number;
  /** the sources as written (relative to the context) */
  sources: string[];
  /** the instruction as written (first line) */
  text: string;
  /** the instruction's stage ships in the image (the last stage or one it is built FROM) */
  shipped: boolean;
  /** the build context directory, relative to the project root ('' = the root) */
  context: string;
  /** where .dockerignore was read from (relative to the root), if anywhere */
  dockerignore?: string;
  /** secrets in the context files this instruction copies (file paths relative to the project root) */
  secrets: FileSecret[];
  /** lock files / manifests this instruction copies (paths relative to the project root) */
  lockfiles: string[];
}

/** A workload that runs an image: a compose service or a Kubernetes container. */
export interface Workload {
  /** "service web (compose.yaml)" */
  label: string;
  spec: ContainerSpec;
  /** the image reference it runs, when named */
  image?: string;
  /** compose `build:`: the Dockerfile (relative to the project root) that builds its image, and its context */
  dockerfile?: string;
  context?: string;
  /** compose project name (its default image name for `build:` is `<project>-<service>`) */
  project?: string;
  /** the name the findings of its scanned image carry (location.image), once scanned */
  imageName?: string;
  /** `--live`: a container of the engine, matched to the project workloads it runs (src/app/live.ts) */
  live?: { state: string; matchedBy: string; workloads: string[] };
  /** Kubernetes: the LoadBalancer / NodePort Services and Ingresses that reach its pods (k8s-services.ts) */
  exposedBy?: ServiceExposure[];
}

export interface PipelineModel {
  /** the project's Dockerfiles (relative paths) */
  dockerfiles?: string[];
  /** secrets in the project's own files (.gitignore honoured) */
  secrets: FileSecret[];
  copies: BuildCopy[];
  workloads: Workload[];
  /** every finding the stages produced (Dockerfile, compose, lock files, images) */
  findings: Finding[];
}
