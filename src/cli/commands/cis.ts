import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { registerAuditCommand } from '../audit-command.js';

export function register(program: Command, ctx: CliContext): void {
  registerAuditCommand(program, ctx, 'cis', 'all', 'the whole CIS Docker Benchmark v1.6.0 audit (sections 1-7 and kernel/runtime escapes: host, daemon, files, images, containers, operations, swarm), grouped by section with a score per section');
}
