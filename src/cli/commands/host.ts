import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { registerAuditCommand } from '../audit-command.js';

export function register(program: Command, ctx: CliContext): void {
  registerAuditCommand(program, ctx, 'host', 'host', 'audit the host: CIS 1 (partition, docker group, audit rules) and the kernel, runc and containerd against known container escapes');
}
