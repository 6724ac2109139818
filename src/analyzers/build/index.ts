import type { RuleMeta } from '../../core/rule.js';

/** Every rule of the build stage (metadata); the checks live beside it. */
export const buildRules: RuleMeta[] = [];
