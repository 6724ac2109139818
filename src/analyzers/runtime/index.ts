import type { RuleMeta } from '../../core/rule.js';

/** Every rule of the runtime stage (metadata); the checks live beside it. */
export const runtimeRules: RuleMeta[] = [];
