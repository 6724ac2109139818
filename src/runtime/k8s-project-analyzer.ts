/**
 * `bulwark scan DIR`: Kubernetes manifests are recognised by content (a document with top-level
 * `apiVersion` and `kind`), not by name; any `.yaml` / `.yml` file that is not a
 * compose file is looked at. Unrendered Helm templates (`{{ ... }}`) are not YAML yet and are skipped.
 */
import { basename } from 'node:path';
import type { ProjectAnalyzer } from '../analyzers/project.js';
import { checkContainer } from '../analyzers/runtime/index.js';
import { registryPolicy } from '../registry/allowed.js';
import { checkContainerImage } from '../analyzers/registry/index.js';
import { isComposeFileName } from './compose/load.js';
import { loadK8sText, looksLikeK8s, MAX_MANIFEST_BYTES } from './k8s.js';
import { readYamlText } from './yaml.js';

export const k8sAnalyzer: ProjectAnalyzer = {
  name: 'k8s',
  matches: (relPath) => /\.ya?ml$/i.test(relPath) && !isComposeFileName(basename(relPath)),
  async analyze(absPath, relPath, cfg) {
    const text = readYamlText(absPath, 'YAML file', MAX_MANIFEST_BYTES);
    if (!looksLikeK8s(text) || /\{\{[-\s]/.test(text)) return undefined;
    // locations relative to the scanned directory, as for Dockerfiles and compose files
    const load = loadK8sText(text, relPath);
    const allowed = registryPolicy(cfg);
    const findings = load.specs.flatMap((s) => [...checkContainer(s), ...checkContainerImage(s, allowed)]);
    return { target: { type: 'k8s', name: relPath, objects: load.objects.length, containers: load.specs.length }, findings };
  },
};
