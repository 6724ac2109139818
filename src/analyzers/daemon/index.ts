import type { RuleMeta } from '../../core/rule.js';

/** Every rule of the daemon stage (metadata); the checks live beside it. */
export const daemonRules: RuleMeta[] = [];
