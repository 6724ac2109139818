/**
 * CI definitions and scripts as `bulwark scan DIR` finds them, for the registry stage's trust rules
 * (content trust switched off in a pipeline). Recognised: GitHub Actions workflows, GitLab CI, Jenkinsfiles,
 * Azure Pipelines, CircleCI, Bitbucket Pipelines, Travis, Drone, Cloud Build, CodeBuild, Makefiles and shell
 * scripts. Files are read whole up to 2 MB (larger ones are skipped with a warning).
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { InputError } from '../../core/errors.js';
import type { ProjectAnalyzer } from '../project.js';
import ciContentTrustOff from './rules/ci-content-trust-off.js';

export interface PipelineFile {
  /** path as reported (relative to the scanned directory) */
  path: string;
  kind: 'yaml' | 'groovy' | 'shell' | 'make';
  text: string;
}

const MAX = 2 * 1024 * 1024;

/** The kind of pipeline file a relative path is, or undefined. */
export function pipelineKind(relPath: string): PipelineFile['kind'] | undefined {
  const p = relPath.replace(/\\/g, '/');
  const b = basename(p).toLowerCase();
  if (/(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i.test(p)) return 'yaml';
  if (/(^|\/)\.circleci\/config\.ya?ml$/i.test(p)) return 'yaml';
  if (/^(\.gitlab-ci|azure-pipelines|bitbucket-pipelines|\.travis|\.drone|cloudbuild|buildspec)(\.[\w-]+)?\.ya?ml$/.test(b)) return 'yaml';
  if (/^jenkinsfile([._-].*)?$/.test(b) || b.endsWith('.jenkinsfile') || b.endsWith('.groovy')) return 'groovy';
  if (b === 'makefile' || b === 'gnumakefile' || b.endsWith('.mk')) return 'make';
  if (b.endsWith('.sh') || b.endsWith('.bash')) return 'shell';
  return undefined;
}

export const pipelineRules = [ciContentTrustOff];

export const ciFilesAnalyzer: ProjectAnalyzer = {
  name: 'ci-files',
  matches: (relPath) => pipelineKind(relPath) !== undefined,
  async analyze(absPath, relPath) {
    const kind = pipelineKind(relPath)!;
    const target = { type: 'ci-file', name: relPath };
    const st = statSync(absPath);
    if (st.size > MAX) throw new InputError(`${relPath} is ${st.size} bytes, over the ${MAX}-byte limit for a CI file; not analysed`);
    const text = readFileSync(absPath, 'utf8');
    const file: PipelineFile = { path: relPath, kind, text };
    return { target, findings: pipelineRules.flatMap((r) => r.check(file)) };
  },
};
