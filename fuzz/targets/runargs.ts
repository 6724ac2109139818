import fc from 'fast-check';
import { auditRunArgs } from '../../src/app/runtime.js';
import { RUN_FLAGS, runArgsToSpec } from '../../src/runtime/runargs.js';
import { defineTarget, isUserError } from '../harness.js';

/** a credential planted in every command line: it must never reach the report in clear */
const PLANTED = 'ghp_Zq8xR2vL5nT7kW9pB3cD6fH1jM4sY0aE8uGi';

const VALUES = ['', 'alpine', 'host', 'none', 'container:x', 'ALL', 'SYS_ADMIN', '/:/host', '/var/run/docker.sock:/var/run/docker.sock', 'type=bind,source=/,target=/h', 'type=volume,src=v,dst=/d,readonly', 'seccomp=unconfined', 'apparmor=unconfined', 'label=disable', 'no-new-privileges', '1g', '-1', '0', '1.5', 'true', 'false', '80:80', '127.0.0.1::80/udp', 'A=1', 'A', '=', ',', ':', 'nofile=1:2', 'net.ipv4.ip_forward=1', 'root', '0:0', 'rw', 'tmpfs', '/tmp:rw,exec'];
const flagArb = fc.oneof(
  fc.constantFrom(...RUN_FLAGS.map((f) => `--${f.name}`)),
  fc.constantFrom(...RUN_FLAGS.filter((f) => f.short).map((f) => `-${f.short}`)),
  fc.tuple(fc.constantFrom(...RUN_FLAGS.map((f) => f.name)), fc.constantFrom(...VALUES)).map(([n, v]) => `--${n}=${v}`),
  fc.tuple(fc.constantFrom(...RUN_FLAGS.filter((f) => f.short).map((f) => f.short!)), fc.constantFrom(...VALUES)).map(([s, v]) => `-${s}${v}`),
  fc.constantFrom('-itd', '-e', '--', '-', '--=', '---x'),
);
/** where a credential travels on a command line: environment values, and the container's command */
const planted = fc.constantFrom(['-e', `GITHUB_TOKEN=${PLANTED}`], [`--env=DB_PASSWORD=${PLANTED}`], [`-e=AWS_SECRET_ACCESS_KEY=${PLANTED}`], ['-ite', `TOKEN=${PLANTED}`], ['--env', `MY_VAR=${PLANTED}`]);
const command = fc.constantFrom(['env', `GITHUB_TOKEN=${PLANTED}`], ['sh', '-c', `export DB_PASSWORD=${PLANTED}; exec app`], ['--password', PLANTED], []);
const argArb = fc.oneof({ weight: 4, arbitrary: flagArb }, { weight: 3, arbitrary: fc.constantFrom(...VALUES) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) });

export default defineTarget<string[]>({
  name: 'runargs',
  about: 'the docker run/create argument parser (pflag semantics, short-flag clusters, =values), the spec it builds, the runtime rules, and redaction of the echoed command line',
  input: () =>
    fc
      .tuple(fc.constantFrom(['docker', 'run'], ['docker', 'create'], ['docker', 'container', 'run'], ['run'], ['docker']), fc.array(fc.oneof({ weight: 6, arbitrary: argArb.map((a) => [a]) }, { weight: 1, arbitrary: planted }), { maxLength: 24 }), fc.constantFrom('alpine', 'nginx:1.27', 'x@sha256:' + 'a'.repeat(64)), command)
      .map(([p, a, img, cmd]) => [...p, ...a.flat(), img, ...cmd]),
  run(argv) {
    const report = auditRunArgs(argv);
    // a credential that flag parsing made the image name (`--isolation -ite TOKEN=...`) or the value of another
    // flag (`--device --env=...`) is that value, echoed as such; environment values and the command never are
    const { spec, parsed } = runArgsToSpec(argv);
    if (spec.image?.includes(PLANTED) || parsed.flags.some((f) => f.name !== 'env' && f.value.includes(PLANTED))) return;
    if (JSON.stringify(report).includes(PLANTED)) throw new Error('a credential from the command line is in the report in clear');
  },
  expected: isUserError,
});
