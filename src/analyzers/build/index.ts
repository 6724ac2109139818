import type { RuleMeta } from '../../core/rule.js';
import { allBuildRules } from './rules/index.js';

export { analyzeDockerfile, applyFixes, type DockerfileAnalysis } from './analyze.js';
export { parseDockerfile } from '../../dockerfile/parse.js';

/** Every rule of the build stage (metadata); the checks live beside it in ./rules. */
export const buildRules: RuleMeta[] = allBuildRules.map((r) => r.meta);
