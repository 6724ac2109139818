/**
 * `bulwark harden compose [-F|--file FILE] [--output FILE] [--keep SETTING]...`: write the hardened compose file
 * (stdout or --output) and print a unified diff (to stderr when the file goes to stdout).
 * `bulwark harden run [--keep SETTING]... -- docker run ...`: print the hardened command line.
 * Both list each change with the findings it resolves, what was kept and why, and a re-audit of the result
 * on stderr (`--quiet` leaves only the output).
 */
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { CliContext } from '../main.js';
import { resolveConfig } from '../output.js';
import { severityRank, type Finding } from '../../core/finding.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** `--seccomp-profile web=web.json` → {web: 'web.json'}; a bare FILE applies to every service ('*'). */
function collectProfile(v: string, prev: Record<string, string>): Record<string, string> {
  const m = /^([A-Za-z0-9][A-Za-z0-9_.-]*)=(.+)$/.exec(v);
  return { ...prev, ...(m ? { [m[1]!]: m[2]! } : { '*': v }) };
}

const KEEP_HELP =
  'leave a setting on purpose, with an optional reason: SETTING[=REASON][,...] (repeatable); SETTING is a capability (SYS_ADMIN), a host or container path (/var/run/docker.sock), or privileged, docker-socket, pid, ipc, network, uts, userns, cgroupns, seccomp, apparmor, selinux, systempaths, user, read-only, ports, devices, sysctls, limits; SERVICE:SETTING limits it to one service';

/** The summary printed after a hardening: changes with what they resolve, kept settings, and the re-audit. */
export function summary(changes: string[], kept: Array<{ setting: string; text: string; reason: string; rules: string[]; target?: string }>, notes: string[], after: Finding[]): string {
  const lines: string[] = [];
  for (const c of changes) lines.push(`# ${c}`);
  for (const k of kept) lines.push(`# ${k.target ? `${k.target}: ` : ''}kept on purpose (--keep ${k.setting}): ${k.text.replace(/^removed (the )?/, '')}: ${k.reason}${k.rules.length ? ` [leaves ${k.rules.join(', ')} open]` : ''}`);
  for (const n of notes) lines.push(`# ${n}`);
  const high = after.filter((f) => severityRank(f.severity) >= severityRank('high'));
  lines.push(
    high.length === 0
      ? '# re-audit of the result: no critical or high runtime finding'
      : `# re-audit of the result: ${high.length} critical/high runtime finding(s) remain${kept.length ? ' (settings kept on purpose)' : ''}: ${[...new Set(high.map((f) => f.ruleId))].join(', ')}`,
  );
  return lines.join('\n') + '\n';
}

export function register(program: Command, ctx: CliContext): void {
  const harden = program.command('harden').description('write the hardened version of a compose file, a docker run command line or Kubernetes manifests');
  harden
    .command('compose')
    .description('harden every service of a compose file: remove escape paths, least privilege, limits; keeps comments and formatting, prints a unified diff')
    .option('-F, --file <file>', 'compose file (default: compose.yaml / docker-compose.yml here)')
    .option('-o, --output <file>', 'write the hardened file here (default: stdout; the diff then goes to stderr)')
    .option('-c, --config <file>', 'config file with a `harden` section (default: .bulwark.yaml)')
    .option('--keep <setting>', KEEP_HELP, collect)
    .option('--no-diff', 'do not print the diff')
    .option('--no-engine', 'do not ask the Docker engine for the images\' USER')
    .option('-q, --quiet', 'print only the hardened file and the diff')
    .option('--seccomp-profile <[service=]file>', 'run the services (or SERVICE) under this seccomp profile: writes security_opt seccomp=FILE (repeatable)', collectProfile, {})
    .action(async (opts: { file?: string; output?: string; config?: string; diff: boolean; keep?: string[]; engine: boolean; quiet?: boolean; seccompProfile: Record<string, string> }) => {
      const [{ composeFilesFrom }, { hardenCompose }] = await Promise.all([import('../../app/runtime.js'), import('../../app/harden.js')]);
      const file = composeFilesFrom({ file: opts.file ? [opts.file] : undefined })[0]!;
      const cfg = resolveConfig({ config: opts.config }, [dirname(resolve(file))]);
      const res = await hardenCompose(file, cfg, { keep: opts.keep, engine: opts.engine ? undefined : false, seccompProfiles: opts.seccompProfile });
      for (const w of res.warnings) process.stderr.write(`bulwark: warning: ${w}\n`);
      if (opts.output) {
        writeFileSync(opts.output, res.text);
        if (opts.diff) process.stdout.write(res.diff);
      } else {
        process.stdout.write(res.text);
        if (opts.diff) process.stderr.write(res.diff);
      }
      if (!opts.quiet) process.stderr.write(summary(res.changes, res.kept, res.notes, res.after));
      ctx.setExitCode(0);
    });
  harden
    .command('k8s')
    .description('harden every container of Kubernetes manifests: remove escape paths, least privilege, limits; keeps comments and untouched lines, prints a unified diff')
    .argument('<file>', 'manifest file (multi-document YAML; `helm template` output works as is)')
    .option('-o, --output <file>', 'write the hardened manifests here (default: stdout; the diff then goes to stderr)')
    .option('-c, --config <file>', 'config file with a `harden` section (default: .bulwark.yaml)')
    .option('--keep <setting>', KEEP_HELP, collect)
    .option('--no-diff', 'do not print the diff')
    .option('--no-engine', 'do not ask the Docker engine for the images\' USER')
    .option('-q, --quiet', 'print only the hardened manifests and the diff')
    .action(async (file: string, opts: { output?: string; config?: string; diff: boolean; keep?: string[]; engine: boolean; quiet?: boolean }) => {
      const cfg = resolveConfig({ config: opts.config }, [dirname(resolve(file))]);
      const { hardenK8s } = await import('../../app/harden.js');
      const res = await hardenK8s(file, cfg, { keep: opts.keep, engine: opts.engine ? undefined : false });
      if (opts.output) {
        writeFileSync(opts.output, res.text);
        if (opts.diff) process.stdout.write(res.diff);
      } else {
        process.stdout.write(res.text);
        if (opts.diff) process.stderr.write(res.diff);
      }
      if (!opts.quiet) process.stderr.write(summary(res.changes, res.kept, res.notes, res.after));
      ctx.setExitCode(0);
    });
  harden
    .command('run')
    .description('print the hardened `docker run` command line (put the command after --)')
    .argument('<command...>', 'docker run|create [ARGS] IMAGE [CMD]')
    .option('-c, --config <file>', 'config file with a `harden` section (default: .bulwark.yaml)')
    .option('--keep <setting>', KEEP_HELP, collect)
    .option('--no-engine', 'do not ask the Docker engine for the image\'s USER')
    .option('-q, --quiet', 'print only the command line')
    .option('--seccomp-profile <file>', 'run the container under this seccomp profile: writes --security-opt seccomp=FILE', (v: string) => ({ '*': v }))
    .addOption(new Option('--explain', 'list the changes (the default; kept for compatibility)').hideHelp())
    .action(async (args: string[], opts: { config?: string; keep?: string[]; engine: boolean; quiet?: boolean; seccompProfile?: Record<string, string> }) => {
      const cfg = resolveConfig({ config: opts.config });
      const { hardenRun } = await import('../../app/harden.js');
      const res = await hardenRun(ctx.passthrough(args), cfg, { keep: opts.keep, engine: opts.engine ? undefined : false, seccompProfiles: opts.seccompProfile });
      for (const w of res.warnings) process.stderr.write(`bulwark: warning: ${w}\n`);
      process.stdout.write(res.command + '\n');
      if (!opts.quiet) process.stderr.write(summary(res.changes, res.kept, res.notes, res.after));
      ctx.setExitCode(0);
    });
}
