import type { RuleMeta } from '../../core/rule.js';

/** Every rule of the image stage (metadata); the checks live beside it. */
export const imageRules: RuleMeta[] = [];
