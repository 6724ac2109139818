import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { registerAuditCommand } from '../audit-command.js';

export function register(program: Command, ctx: CliContext): void {
  registerAuditCommand(program, ctx, 'daemon', 'daemon', 'audit the Docker daemon: CIS 2 (daemon configuration), 3 (its files ownership and modes) and 6 (image/container sprawl)');
}
