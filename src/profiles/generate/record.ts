/**
 * Record what a container does: start it (from a `docker run` line or a compose service) or attach to a
 * running one, trace its syscalls and file accesses with strace for a fixed time while an optional exercise
 * command drives it, then clean up every container, network and file it created.
 *
 * Started workloads are held at the door so nothing escapes the trace: the container's entrypoint becomes a
 * static busybox (mounted read-only from the host) that blocks reading a FIFO; strace attaches to it, Bulwark
 * writes to the FIFO, and the helper exec's the workload's real argv (the Path and Args Docker resolved for
 * it). The helper's own syscalls before that execve are not recorded.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, constants, copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserError } from '../../core/errors.js';
import { parseRunArgs } from '../../runtime/runargs.js';
import { inspectToSpec } from '../../runtime/inspect.js';
import type { ContainerSpec } from '../../runtime/model.js';
import { StraceSession } from '../trace/strace.js';
import type { TraceSummary } from '../trace/parse.js';
import { cmdline, composeCommand, descendants, docker, run } from './docker.js';

export type RecordTarget =
  | { kind: 'run'; args: string[] }
  | { kind: 'container'; name: string }
  | { kind: 'compose'; files: string[]; service: string };

export interface RecordOptions {
  target: RecordTarget;
  durationMs: number;
  /** shell command run on the host while recording (BULWARK_CONTAINER, BULWARK_CONTAINER_IP set) */
  exercise?: string;
  /** statically linked busybox on the host (default: /bin/busybox, /usr/bin/busybox) */
  busybox?: string;
  /** progress messages */
  log?: (msg: string) => void;
  /** abort early (Ctrl-C): recording stops, cleanup still runs */
  signal?: AbortSignal;
}

export interface ContainerFacts {
  id: string;
  name: string;
  image: string;
  workingDir: string;
  ip?: string;
  /** the workload's container as configured (before the recording helper was added) */
  spec: ContainerSpec;
  /** the raw inspect object of that configuration */
  inspect: Record<string, unknown>;
}

export interface Recording {
  target: RecordTarget;
  container: ContainerFacts;
  trace: TraceSummary;
  /** true when the trace started before the workload's first instruction */
  startupObserved: boolean;
  /** the workload's argv (run and compose modes) */
  argv?: string[];
  exercise?: { command: string; code: number | null; output: string; stoppedAtEnd: boolean };
  /** wall time from release to the end of the recording */
  elapsedMs: number;
  /** the workload exited before the end of --duration */
  exitedEarly?: { code: number; logs: string };
  warnings: string[];
}

/** The path of the helper inside the container. */
export const HELPER_DIR = '/.bulwark-profile';
const HELPER_SCRIPT = `read _ < ${HELPER_DIR}/go; exec "$@"`;

/** Is this ELF file statically linked (no PT_INTERP program header)? */
export function isStaticElf(path: string): boolean {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch {
    return false;
  }
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2 || buf[5] !== 1) return false;
  const phoff = Number(buf.readBigUInt64LE(0x20));
  const phentsize = buf.readUInt16LE(0x36);
  const phnum = buf.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const off = phoff + i * phentsize;
    if (off + 4 > buf.length) return false;
    if (buf.readUInt32LE(off) === 3) return false;
  }
  return true;
}

export function findStaticBusybox(explicit?: string): string {
  const candidates = explicit ? [explicit] : ['/bin/busybox', '/usr/bin/busybox'];
  for (const c of candidates) if (existsSync(c) && isStaticElf(c)) return c;
  throw new UserError(
    `${explicit ?? 'busybox'}: a statically linked x86-64 busybox is needed to hold the workload until the trace is attached (Debian package busybox-static)`,
  );
}

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function inspect(prefix: string[], ref: string): Promise<J> {
  const out = await docker(prefix, ['inspect', '--type', 'container', ref], 60_000);
  const arr = JSON.parse(out) as J[];
  if (!Array.isArray(arr) || !arr[0]) throw new UserError(`docker inspect ${ref}: no such container`);
  return arr[0];
}

function ipOf(c: J): string | undefined {
  const nets = (c.NetworkSettings?.Networks ?? {}) as Record<string, J>;
  for (const n of Object.values(nets)) if (typeof n?.IPAddress === 'string' && n.IPAddress) return n.IPAddress;
  return typeof c.NetworkSettings?.IPAddress === 'string' && c.NetworkSettings.IPAddress ? c.NetworkSettings.IPAddress : undefined;
}

function facts(c: J): ContainerFacts {
  return {
    id: String(c.Id),
    name: String(c.Name ?? '').replace(/^\//, ''),
    image: String(c.Config?.Image ?? ''),
    workingDir: typeof c.Config?.WorkingDir === 'string' && c.Config.WorkingDir ? c.Config.WorkingDir : '/',
    ip: ipOf(c),
    spec: inspectToSpec(c),
    inspect: c,
  };
}

/** The argv Docker resolved for the container: Path + Args. */
function argvOf(c: J): string[] {
  const path = typeof c.Path === 'string' ? c.Path : '';
  const args = Array.isArray(c.Args) ? (c.Args as unknown[]).map(String) : [];
  if (!path) throw new UserError(`container ${c.Name ?? c.Id}: no command to run (the image has neither ENTRYPOINT nor CMD)`);
  return [path, ...args];
}

const DROP_FLAGS = new Set(['rm', 'detach', 'interactive', 'tty', 'name', 'attach', 'sig-proxy', 'detach-keys']);

/** `docker run ...` → the docker binary and its global flags, and the create flags without the interactive ones. */
export function runLine(args: string[]): { prefix: string[]; flags: string[]; image: string; cmd: string[]; dropped: string[] } {
  const parsed = parseRunArgs(args);
  const p = [...parsed.prefix];
  // prefix = [docker, global flags..., (container), run|create]
  p.pop();
  if (p[p.length - 1] === 'container') p.pop();
  const prefix = p.length ? p : ['docker'];
  const flags: string[] = [];
  const dropped: string[] = [];
  for (const f of parsed.flags) {
    if (DROP_FLAGS.has(f.name)) {
      if (!(f.name === 'rm' || f.name === 'detach') || f.value === 'true') dropped.push(`--${f.name}`);
      continue;
    }
    flags.push(`--${f.name}=${f.value}`);
  }
  return { prefix, flags, image: parsed.image, cmd: parsed.cmd, dropped };
}

interface Started {
  prefix: string[];
  containerRef: string;
  facts: ContainerFacts;
  argv: string[];
  cleanup: () => Promise<void>;
}

function suffix(): string {
  return randomBytes(4).toString('hex');
}

function helperDir(busybox: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-profile-'));
  chmodSync(dir, 0o755);
  copyFileSync(busybox, join(dir, 'busybox'));
  chmodSync(join(dir, 'busybox'), 0o755);
  const r = spawnSync('mkfifo', ['-m', '0666', join(dir, 'go')], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new UserError(`mkfifo failed: ${(r.stderr || r.error?.message || '').trim()}`);
  return dir;
}

async function startRun(args: string[], dir: string, log: (m: string) => void, warnings: string[]): Promise<Started> {
  const line = runLine(args);
  if (line.dropped.length) warnings.push(`ignored for recording: ${line.dropped.join(' ')} (the container is created detached, named by Bulwark, and removed afterwards)`);
  const name = `bulwark-profile-${suffix()}`;
  const probeName = `${name}-config`;
  // 1. the container exactly as the line describes it, to learn what Docker would run and how
  await docker(line.prefix, ['create', `--name=${probeName}`, ...line.flags, line.image, ...line.cmd]);
  let pristine: J;
  try {
    pristine = await inspect(line.prefix, probeName);
  } finally {
    await docker(line.prefix, ['rm', '-f', probeName], 60_000).catch(() => undefined);
  }
  const argv = argvOf(pristine);
  // 2. the same container, entered through the helper
  log(`creating ${name} from ${line.image}: ${argv.join(' ')}`);
  await docker(line.prefix, [
    'create',
    `--name=${name}`,
    ...line.flags,
    `--volume=${dir}:${HELPER_DIR}:ro`,
    `--entrypoint=${HELPER_DIR}/busybox`,
    line.image,
    'sh',
    '-c',
    HELPER_SCRIPT,
    'bulwark-profile',
    ...argv,
  ]);
  const cleanup = async () => {
    await docker(line.prefix, ['rm', '-f', '-v', name], 60_000).catch(() => undefined);
  };
  try {
    await docker(line.prefix, ['start', name]);
  } catch (e) {
    await cleanup();
    throw e;
  }
  return { prefix: line.prefix, containerRef: name, facts: { ...facts(pristine), name }, argv, cleanup };
}

/** compose's `$` interpolation: a literal `$` is written `$$`. */
const composeEscape = (s: string) => s.replace(/\$/g, '$$$$');

async function startCompose(files: string[], service: string, dir: string, log: (m: string) => void): Promise<Started> {
  const compose = composeCommand();
  const project = `bulwarkprofile${suffix()}`;
  const fileArgs = files.flatMap((f) => ['-f', f]);
  const [cbin, ...cpre] = compose;
  const c = async (extra: string[], args: string[], timeoutMs = 600_000) => {
    const r = await run(cbin!, [...cpre, ...fileArgs, ...extra, '-p', project, ...args], { timeoutMs });
    if (r.code !== 0) throw new UserError(`${compose.join(' ')} ${args[0]} failed: ${(r.stderr.trim().split('\n').pop() ?? '').trim() || `exit ${r.code}`}`);
    return r.stdout;
  };
  const override = join(dir, 'compose.override.json');
  let overrideWritten = false;
  const cleanup = async () => {
    await c(overrideWritten ? ['-f', override] : [], ['down', '-v', '--remove-orphans', '--timeout', '5'], 180_000).catch(() => undefined);
  };
  try {
    log(`creating compose project ${project} (service ${service})`);
    await c([], ['up', '--no-start', service]);
    const id0 = (await c([], ['ps', '-q', service])).trim().split('\n')[0];
    if (!id0) throw new UserError(`compose created no container for service '${service}'`);
    const pristine = await inspect(['docker'], id0);
    const argv = argvOf(pristine);
    writeFileSync(
      override,
      JSON.stringify({
        services: {
          [service]: {
            entrypoint: [`${HELPER_DIR}/busybox`, 'sh', '-c', composeEscape(HELPER_SCRIPT), 'bulwark-profile'],
            command: argv.map(composeEscape),
            volumes: [`${dir}:${HELPER_DIR}:ro`],
          },
        },
      }),
    );
    overrideWritten = true;
    log(`starting ${service} through the recording helper: ${argv.join(' ')}`);
    await c(['-f', override], ['up', '-d', service]);
    const id = (await c(['-f', override], ['ps', '-q', service])).trim().split('\n')[0];
    if (!id) throw new UserError(`compose did not start service '${service}'`);
    return { prefix: ['docker'], containerRef: id, facts: facts(pristine), argv, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** The helper process inside the started container: the init itself, or a child of --init's docker-init. */
async function findHelper(prefix: string[], ref: string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await inspect(prefix, ref);
    const pid = Number(c.State?.Pid ?? 0);
    if (!c.State?.Running || !pid) {
      if (c.State?.Status === 'exited' || c.State?.Status === 'dead') {
        const logs = await docker(prefix, ['logs', '--tail', '20', ref], 30_000).catch(() => '');
        throw new UserError(`the container exited before the recording started (exit ${c.State?.ExitCode}): ${logs.trim().split('\n').pop() ?? ''}`);
      }
    } else {
      for (const p of [pid, ...descendants(pid)]) if (cmdline(p)[0] === `${HELPER_DIR}/busybox`) return p;
    }
    if (Date.now() > deadline) throw new UserError(`the recording helper did not start in container ${ref}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Release the helper: open the FIFO's write end (non-blocking: fails fast when nothing reads it). */
async function release(fifo: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
      try {
        writeSync(fd, 'go\n');
      } finally {
        closeSync(fd);
      }
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENXIO' || Date.now() > deadline) throw new UserError(`cannot release the workload: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function startExercise(command: string, env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; done: Promise<number | null> } {
  const child = spawn('sh', ['-c', command], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString('utf8')).slice(-4096);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const done = new Promise<number | null>((r) => {
    child.on('close', (code) => r(code));
    child.on('error', () => r(127));
  });
  return { child, output: () => out, done };
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  setTimeout(() => {
    try {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 2_000).unref();
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((r) => {
    const t = setTimeout(r, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      r();
    });
  });

export async function record(opts: RecordOptions): Promise<Recording> {
  const log = opts.log ?? (() => undefined);
  const warnings: string[] = [];
  const t = opts.target;
  if (t.kind === 'container') return attach(t.name, opts, log, warnings);
  const busybox = findStaticBusybox(opts.busybox);
  const dir = helperDir(busybox);
  let started: Started | undefined;
  let session: StraceSession | undefined;
  let exercise: ReturnType<typeof startExercise> | undefined;
  try {
    started = t.kind === 'run' ? await startRun(t.args, dir, log, warnings) : await startCompose(t.files, t.service, dir, log);
    const helper = await findHelper(started.prefix, started.containerRef);
    session = new StraceSession({ pids: [helper], gates: [helper], cwd: started.facts.workingDir });
    await session.start();
    await release(join(dir, 'go'));
    const t0 = Date.now();
    log(`recording for ${opts.durationMs / 1000}s`);
    const live = await inspect(started.prefix, started.containerRef).catch(() => undefined);
    const ip = live ? ipOf(live) : undefined;
    if (opts.exercise) exercise = startExercise(opts.exercise, { BULWARK_CONTAINER: started.containerRef, BULWARK_CONTAINER_IP: ip ?? '' });
    let stopping = false;
    let tracedAllExited = false;
    await Promise.race([sleep(opts.durationMs, opts.signal), session.done.then(() => (tracedAllExited = !stopping))]);
    stopping = true;
    const trace = await session.stop();
    const elapsedMs = Date.now() - t0;
    const rec: Recording = { target: t, container: { ...started.facts, ip }, trace, startupObserved: true, argv: started.argv, elapsedMs, warnings };
    if (exercise) {
      const stillRunning = exercise.child.exitCode === null && exercise.child.signalCode === null;
      if (stillRunning) {
        killGroup(exercise.child);
        warnings.push('the exercise command was still running at the end of --duration and was stopped');
      }
      const code = stillRunning ? null : await exercise.done;
      rec.exercise = { command: opts.exercise!, code, output: exercise.output(), stoppedAtEnd: stillRunning };
      if (code !== null && code !== 0) warnings.push(`the exercise command exited with ${code}: ${exercise.output().trim().split('\n').pop() ?? ''}`);
    }
    if (tracedAllExited) {
      const c = await inspect(started.prefix, started.containerRef).catch(() => undefined);
      const logs = await docker(started.prefix, ['logs', '--tail', '20', started.containerRef], 30_000).catch(() => '');
      rec.exitedEarly = { code: Number(c?.State?.ExitCode ?? -1), logs };
      warnings.push(`the workload exited after ${(elapsedMs / 1000).toFixed(1)}s (exit ${rec.exitedEarly.code}), before the end of --duration`);
    }
    if (opts.signal?.aborted) warnings.push('recording interrupted');
    return rec;
  } finally {
    if (exercise) killGroup(exercise.child);
    if (session) await session.stop().catch(() => undefined);
    if (started) await started.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function attach(name: string, opts: RecordOptions, log: (m: string) => void, warnings: string[]): Promise<Recording> {
  const prefix = ['docker'];
  const c = await inspect(prefix, name);
  if (!c.State?.Running) throw new UserError(`container ${name} is not running`);
  const pid = Number(c.State.Pid);
  const pids = [pid, ...descendants(pid)];
  const f = facts(c);
  log(`attaching to ${pids.length} process(es) of ${f.name}`);
  const session = new StraceSession({ pids, cwd: f.workingDir });
  let exercise: ReturnType<typeof startExercise> | undefined;
  try {
    await session.start();
    const t0 = Date.now();
    if (opts.exercise) exercise = startExercise(opts.exercise, { BULWARK_CONTAINER: f.name, BULWARK_CONTAINER_IP: f.ip ?? '' });
    let stopping = false;
    let allExited = false;
    await Promise.race([sleep(opts.durationMs, opts.signal), session.done.then(() => (allExited = !stopping))]);
    stopping = true;
    const trace = await session.stop();
    warnings.push(
      `attached to a running container: what ${f.name} did while starting was not observed; the profile adds the runtime's and the dynamic loader's start-up syscalls, restart the container under it to check`,
    );
    const rec: Recording = { target: opts.target, container: f, trace, startupObserved: false, elapsedMs: Date.now() - t0, warnings };
    if (exercise) {
      const stillRunning = exercise.child.exitCode === null && exercise.child.signalCode === null;
      if (stillRunning) {
        killGroup(exercise.child);
        warnings.push('the exercise command was still running at the end of --duration and was stopped');
      }
      const code = stillRunning ? null : await exercise.done;
      rec.exercise = { command: opts.exercise!, code, output: exercise.output(), stoppedAtEnd: stillRunning };
    }
    if (allExited) warnings.push('every traced process exited before the end of --duration');
    return rec;
  } finally {
    if (exercise) killGroup(exercise.child);
    await session.stop().catch(() => undefined);
  }
}
