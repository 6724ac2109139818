/**
 * `bulwark profile seccomp|apparmor [-- docker run ...] [--container NAME] [--compose FILE --service NAME]`:
 * record what a workload does and write a least-privilege profile.
 * `bulwark profile check FILE`: findings on a seccomp or AppArmor profile, and a seccomp profile's delta
 * against Docker's default.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { addReportOptions, emitReport, type ReportOptions } from '../output.js';
import { UserError } from '../../core/errors.js';
import { checkProfileFile, generateAppArmorProfile, generateSeccompProfile, recordTarget, type GenerateOptions } from '../../app/profiles.js';
import { renderDelta } from '../../profiles/seccomp/delta.js';
import { dockerDefaultLabel } from '../../profiles/seccomp/default.js';
import type { Recording } from '../../profiles/generate/record.js';

interface GenOpts {
  container?: string;
  compose?: string[];
  service?: string;
  duration: string;
  exercise?: string;
  output?: string;
  busybox?: string;
  name?: string;
  quiet?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

function withGenerateOptions(cmd: Command): Command {
  return cmd
    .argument('[command...]', 'the workload as a docker run line (after --)')
    .option('--container <name>', 'attach to this running container instead (its start-up is not observed)')
    .option('--compose <file>', 'compose file (repeatable) with --service: start that service', collect)
    .option('--service <name>', 'the compose service to record')
    .option('-d, --duration <seconds>', 'how long to record', '10')
    .option('-x, --exercise <command>', 'shell command run on the host while recording (env: BULWARK_CONTAINER, BULWARK_CONTAINER_IP)')
    .option('-o, --output <file>', 'write the profile here (default: stdout)')
    .option('--busybox <path>', 'statically linked busybox used to hold the workload until the trace is attached (default /bin/busybox)')
    .option('-q, --quiet', 'no progress messages');
}

function generateOptions(args: string[], o: GenOpts): GenerateOptions {
  const seconds = Number(o.duration);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 24 * 3600) throw new UserError(`--duration takes a number of seconds (0 < s <= 86400), got '${o.duration}'`);
  return {
    target: recordTarget({ run: args, container: o.container, compose: o.compose, service: o.service }),
    durationMs: Math.round(seconds * 1000),
    exercise: o.exercise,
    busybox: o.busybox,
  };
}

/** Run with Ctrl-C ending the recording early (the containers are still cleaned up). */
async function interruptible<T>(opts: GenerateOptions, quiet: boolean, run: (o: GenerateOptions) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onInt = () => ac.abort();
  process.once('SIGINT', onInt);
  try {
    return await run({ ...opts, signal: ac.signal, log: quiet ? undefined : (m) => process.stderr.write(`bulwark: ${m}\n`) });
  } finally {
    process.removeListener('SIGINT', onInt);
  }
}

function recordingLines(r: Recording): string[] {
  const calls = [...r.trace.syscalls.values()].reduce((n, s) => n + s.calls, 0);
  const how = r.startupObserved ? "strace -f, attached before the workload's first instruction" : 'strace -f, attached to the running processes';
  const lines = [
    `recorded ${r.container.image || r.container.name} for ${(r.elapsedMs / 1000).toFixed(1)}s (${how}): ${r.trace.tasks} tasks (${r.trace.threads} threads), ${calls} syscalls of ${r.trace.syscalls.size} kinds, ${r.trace.files.size} files`,
  ];
  if (r.exercise) lines.push(`exercise: \`${r.exercise.command}\` ${r.exercise.stoppedAtEnd ? 'stopped at the end of --duration' : `exited ${r.exercise.code}`}`);
  return lines;
}

/** The profile goes to --output or stdout; the summary to stdout when the profile went to a file, else stderr. */
function emit(text: string, summary: string[], warnings: string[], output: string | undefined): void {
  const say = output ? (s: string) => process.stdout.write(s) : (s: string) => process.stderr.write(s);
  if (output) writeFileSync(output, text);
  else process.stdout.write(text);
  for (const l of summary) say(`${l}\n`);
  for (const w of warnings) process.stderr.write(`bulwark: warning: ${w}\n`);
  if (output) say(`wrote ${output}\n`);
}

export function register(program: Command, ctx: CliContext): void {
  const profile = program.command('profile').description('generate least-privilege seccomp / AppArmor profiles from what a workload does, and check profiles');

  withGenerateOptions(profile.command('seccomp').description("record a workload's syscalls and write a seccomp profile (defaultAction SCMP_ACT_ERRNO)")).action(
    async (args: string[], o: GenOpts) => {
      const { recording, generated } = await interruptible(generateOptions(ctx.passthrough(args), o), Boolean(o.quiet), generateSeccompProfile);
      const summary = [...recordingLines(recording), renderDelta(generated.delta)];
      summary.push(`compared with ${dockerDefaultLabel()}`);
      if (generated.startup.length) summary.push(`added for the runtime's start-up${recording.startupObserved ? '' : ' and the dynamic loader'} (${generated.startup.length}): ${generated.startup.join(' ')}`);
      for (const x of generated.excluded) summary.push(`left out ${x.name}: ${x.reason}`);
      emit(generated.text, summary, [...recording.warnings, ...generated.warnings], o.output);
      ctx.setExitCode(0);
    },
  );

  withGenerateOptions(profile.command('apparmor').description("record a workload's file accesses and write an AppArmor profile (validated with apparmor_parser, not loaded)"))
    .option('--name <name>', 'profile name (default: bulwark-<image>)')
    .action(async (args: string[], o: GenOpts) => {
      const { recording, generated } = await interruptible(generateOptions(ctx.passthrough(args), o), Boolean(o.quiet), (g) => generateAppArmorProfile({ ...g, name: o.name }));
      const summary = [...recordingLines(recording), `profile ${generated.name}: ${generated.fileRules} file rules`, generated.validation.message];
      for (const i of generated.issues) summary.push(`check: ${i.message}`);
      emit(generated.text, summary, recording.warnings, o.output);
      ctx.setExitCode(generated.validation.ran && !generated.validation.ok ? 2 : 0);
    });

  const check = profile
    .command('check')
    .description("check a seccomp (JSON) or AppArmor profile file; a seccomp profile is also shown as a delta against Docker's default")
    .argument('<file>', 'the profile')
    .option('--cap-add <cap>', 'judge it for a container with this capability added (repeatable)', collect)
    .option('--cap-drop <cap>', 'judge it for a container with this capability dropped (repeatable)', collect);
  addReportOptions(check).action(async (file: string, o: ReportOptions & { capAdd?: string[]; capDrop?: string[] }) => {
    const res = checkProfileFile(file, { capAdd: o.capAdd, capDrop: o.capDrop });
    const format = o.format ?? 'table';
    if (res.delta && format === 'table' && !o.output) process.stdout.write(`${renderDelta(res.delta)}\ncompared with ${dockerDefaultLabel()}\n\n`);
    ctx.setExitCode(await emitReport(res.report, o));
  });
}
