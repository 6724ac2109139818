import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { registerAuditCommand } from '../audit-command.js';

export function register(program: Command, ctx: CliContext): void {
  registerAuditCommand(program, ctx, 'cis', 'all', 'the whole CIS Docker Benchmark audit (sections 1, 2, 3, 6 and kernel/runtime escapes), grouped by section with a score');
}
