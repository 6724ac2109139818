import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { addReportOptions, emitReport, resolveConfig, type ReportOptions } from '../output.js';
import { InputError } from '../../core/errors.js';
import { auditProject } from '../../app/build.js';

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('scan')
    .description('scan a project directory: every Dockerfile/Containerfile (and every other project file an analyzer knows), .gitignore respected')
    .argument('[dir]', 'directory to scan', '.');
  addReportOptions(cmd).action(async (dir: string, opts: ReportOptions) => {
    const root = resolve(dir);
    let st;
    try {
      st = statSync(root);
    } catch {
      throw new InputError(`no such directory: ${dir}`);
    }
    if (!st.isDirectory()) throw new InputError(`not a directory: ${dir} (use 'bulwark dockerfile ${dir}' for a single file)`);
    const cfg = resolveConfig(opts, [root]);
    const report = await auditProject(root, dir, cfg);
    ctx.setExitCode(emitReport(report, opts, [root], cfg));
  });
}
