/** `bulwark scan DIR`: compose files found in the tree are audited one file at a time (paths reported relative to DIR). */
import { basename } from 'node:path';
import type { ProjectAnalyzer } from '../../analyzers/project.js';
import { checkContainer } from '../../analyzers/runtime/index.js';
import { registryPolicy } from '../../registry/allowed.js';
import { checkContainerImage } from '../../analyzers/registry/index.js';
import { isComposeFileName } from './load.js';
import { loadComposeSpecs } from './normalize.js';

export const composeAnalyzer: ProjectAnalyzer = {
  name: 'compose',
  matches: (relPath) => isComposeFileName(basename(relPath)),
  async analyze(absPath, relPath, cfg) {
    const { project, specs } = loadComposeSpecs({ files: [absPath] });
    const root = absPath.slice(0, absPath.length - relPath.length);
    const allowed = registryPolicy(cfg);
    const findings = specs.flatMap((s) => [...checkContainer(s), ...checkContainerImage(s, allowed)]);
    for (const f of findings) {
      if (f.location.kind === 'runtime' && f.location.file?.startsWith(root)) f.location.file = f.location.file.slice(root.length);
    }
    return { target: { type: 'compose', name: relPath, project: project.name, services: specs.length }, findings };
  },
};
