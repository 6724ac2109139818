/**
 * `bulwark harden compose [-f FILE] [--output FILE]`: write the hardened compose file (stdout or --output)
 * and print a unified diff (to stderr when the file goes to stdout).
 * `bulwark harden run -- docker run ...`: print the hardened command line.
 */
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { resolveConfig } from '../output.js';
import { composeFilesFrom } from '../../app/runtime.js';
import { hardenCompose, hardenRun } from '../../app/harden.js';

/** `--seccomp-profile web=web.json` → {web: 'web.json'}; a bare FILE applies to every service ('*'). */
function collectProfile(v: string, prev: Record<string, string>): Record<string, string> {
  const m = /^([A-Za-z0-9][A-Za-z0-9_.-]*)=(.+)$/.exec(v);
  return { ...prev, ...(m ? { [m[1]!]: m[2]! } : { '*': v }) };
}

export function register(program: Command, ctx: CliContext): void {
  const harden = program.command('harden').description('write the hardened version of a compose file or a docker run command line');
  harden
    .command('compose')
    .description('harden every service of a compose file; keeps comments and formatting, prints a unified diff')
    .option('-f, --file <file>', 'compose file (default: compose.yaml / docker-compose.yml here)')
    .option('-o, --output <file>', 'write the hardened file here (default: stdout; the diff then goes to stderr)')
    .option('-c, --config <file>', 'config file with a `harden` section (default: .bulwark.yaml)')
    .option('--no-diff', 'do not print the diff')
    .option('--seccomp-profile <[service=]file>', 'run the services (or SERVICE) under this seccomp profile: writes security_opt seccomp=FILE (repeatable)', collectProfile, {})
    .action((opts: { file?: string; output?: string; config?: string; diff: boolean; seccompProfile: Record<string, string> }) => {
      const file = composeFilesFrom({ file: opts.file ? [opts.file] : undefined })[0]!;
      const cfg = resolveConfig({ config: opts.config }, [dirname(resolve(file))]);
      const res = hardenCompose(file, cfg, { seccompProfiles: opts.seccompProfile });
      for (const w of res.warnings) process.stderr.write(`bulwark: warning: ${w}\n`);
      if (opts.output) {
        writeFileSync(opts.output, res.text);
        if (opts.diff) process.stdout.write(res.diff);
      } else {
        process.stdout.write(res.text);
        if (opts.diff) process.stderr.write(res.diff);
      }
      ctx.setExitCode(0);
    });
  harden
    .command('run')
    .description('print the hardened `docker run` command line (put the command after --)')
    .argument('<command...>', 'docker run|create [ARGS] IMAGE [CMD]')
    .option('-c, --config <file>', 'config file with a `harden` section (default: .bulwark.yaml)')
    .option('--explain', 'also list the changes (to stderr)')
    .option('--seccomp-profile <file>', 'run the container under this seccomp profile: writes --security-opt seccomp=FILE', (v: string) => ({ '*': v }))
    .action((args: string[], opts: { config?: string; explain?: boolean; seccompProfile?: Record<string, string> }) => {
      const cfg = resolveConfig({ config: opts.config });
      const res = hardenRun(ctx.passthrough(args), cfg, { seccompProfiles: opts.seccompProfile });
      for (const w of res.warnings) process.stderr.write(`bulwark: warning: ${w}\n`);
      process.stdout.write(res.command + '\n');
      if (opts.explain) for (const c of res.changes) process.stderr.write(`# ${c}\n`);
      ctx.setExitCode(0);
    });
}
