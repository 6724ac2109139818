/**
 * The runtime stage's rules: one normalised container model (src/runtime/model.ts), checked by every rule
 * in ./rules. `checkContainer` runs them all on one container/service.
 */
import type { Finding } from '../../core/finding.js';
import type { RuleMeta } from '../../core/rule.js';
import type { ContainerSpec } from '../../runtime/model.js';
import type { RuntimeRule } from './types.js';
import { rule as privileged } from './rules/privileged.js';
import { rule as dangerousCaps } from './rules/dangerous-caps.js';
import { rule as capsNotDropped } from './rules/caps-not-dropped.js';
import { rule as hostNetwork } from './rules/host-network.js';
import { rule as hostPid } from './rules/host-pid.js';
import { rule as hostIpc } from './rules/host-ipc.js';
import { rule as hostUts } from './rules/host-uts.js';
import { rule as hostUserns } from './rules/host-userns.js';
import { rule as sensitiveMount } from './rules/sensitive-mount.js';
import { rule as runtimeSocket } from './rules/runtime-socket.js';
import { rule as mountPropagation } from './rules/mount-propagation.js';
import { rule as hostDevices } from './rules/host-devices.js';
import { rule as noMemoryLimit } from './rules/no-memory-limit.js';
import { rule as noCpuLimit } from './rules/no-cpu-limit.js';
import { rule as noPidsLimit } from './rules/no-pids-limit.js';
import { rule as writableRootfs } from './rules/writable-rootfs.js';
import { rule as noNewPrivileges } from './rules/no-new-privileges.js';
import { rule as seccompUnconfined } from './rules/seccomp-unconfined.js';
import { rule as apparmorUnconfined } from './rules/apparmor-unconfined.js';
import { rule as rootUser } from './rules/root-user.js';
import { rule as portsAllInterfaces } from './rules/ports-all-interfaces.js';
import { rule as privilegedPort } from './rules/privileged-port.js';
import { rule as defaultBridge } from './rules/default-bridge.js';
import { rule as restartUnbounded } from './rules/restart-unbounded.js';
import { rule as noHealthcheck } from './rules/no-healthcheck.js';
import { rule as envSecrets } from './rules/env-secrets.js';
import { rule as unsafeSysctl } from './rules/unsafe-sysctl.js';
import { rule as ulimitOverride } from './rules/ulimit-override.js';
import { rule as cgroupParent } from './rules/cgroup-parent.js';
import { rule as selinuxDisabled } from './rules/selinux-disabled.js';
import { rule as hostCgroupns } from './rules/host-cgroupns.js';
import { escapeRules } from './rules/escape.js';

export const runtimeRuleSet: RuntimeRule[] = [
  privileged,
  dangerousCaps,
  capsNotDropped,
  hostNetwork,
  hostPid,
  hostIpc,
  hostUts,
  hostUserns,
  sensitiveMount,
  runtimeSocket,
  mountPropagation,
  hostDevices,
  noMemoryLimit,
  noCpuLimit,
  noPidsLimit,
  writableRootfs,
  noNewPrivileges,
  seccompUnconfined,
  apparmorUnconfined,
  rootUser,
  portsAllInterfaces,
  privilegedPort,
  defaultBridge,
  restartUnbounded,
  noHealthcheck,
  envSecrets,
  unsafeSysctl,
  ulimitOverride,
  cgroupParent,
  selinuxDisabled,
  hostCgroupns,
  ...escapeRules,
];

/** Every rule of the runtime stage (metadata); the checks live beside it. */
export const runtimeRules: RuleMeta[] = runtimeRuleSet.map((r) => r.meta);

/** Run every runtime rule on one container. */
export function checkContainer(spec: ContainerSpec): Finding[] {
  return runtimeRuleSet.flatMap((r) => r.check(spec));
}
