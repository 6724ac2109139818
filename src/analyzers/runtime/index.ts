/**
 * The runtime stage's rules: one normalised container model (src/runtime/model.ts), checked by every rule
 * in ./rules. `checkContainer` runs them all on one container/service.
 */
import type { Finding } from '../../core/finding.js';
import { ruleSet, type RuleMeta } from '../../core/rule.js';
import type { ContainerSpec } from '../../runtime/model.js';
import type { RuntimeRule } from './types.js';
import privileged from './rules/privileged.js';
import dangerousCaps from './rules/dangerous-caps.js';
import capsNotDropped from './rules/caps-not-dropped.js';
import hostNetwork from './rules/host-network.js';
import hostPid from './rules/host-pid.js';
import hostIpc from './rules/host-ipc.js';
import hostUts from './rules/host-uts.js';
import hostUserns from './rules/host-userns.js';
import sensitiveMount from './rules/sensitive-mount.js';
import runtimeSocket from './rules/runtime-socket.js';
import mountPropagation from './rules/mount-propagation.js';
import hostDevices from './rules/host-devices.js';
import noMemoryLimit from './rules/no-memory-limit.js';
import noCpuLimit from './rules/no-cpu-limit.js';
import noPidsLimit from './rules/no-pids-limit.js';
import writableRootfs from './rules/writable-rootfs.js';
import noNewPrivileges from './rules/no-new-privileges.js';
import seccompUnconfined from './rules/seccomp-unconfined.js';
import apparmorUnconfined from './rules/apparmor-unconfined.js';
import rootUser from './rules/root-user.js';
import portsAllInterfaces from './rules/ports-all-interfaces.js';
import privilegedPort from './rules/privileged-port.js';
import defaultBridge from './rules/default-bridge.js';
import restartUnbounded from './rules/restart-unbounded.js';
import noHealthcheck from './rules/no-healthcheck.js';
import envSecrets from './rules/env-secrets.js';
import unsafeSysctl from './rules/unsafe-sysctl.js';
import ulimitOverride from './rules/ulimit-override.js';
import cgroupParent from './rules/cgroup-parent.js';
import selinuxDisabled from './rules/selinux-disabled.js';
import hostCgroupns from './rules/host-cgroupns.js';
import systempathsUnmasked from './rules/systempaths-unmasked.js';
import mutableImageTag from './rules/mutable-image-tag.js';
import serviceAccountToken from './rules/service-account-token.js';
import noResourceRequests from './rules/no-resource-requests.js';
import hostPathVolume from './rules/host-path-volume.js';
import selinuxCustom from './rules/selinux-custom.js';
import escapePrivileged from './rules/escape-privileged.js';
import escapeSysAdminMount from './rules/escape-sys-admin-mount.js';
import escapeRuntimeSocket from './rules/escape-runtime-socket.js';
import escapePidPtrace from './rules/escape-pid-ptrace.js';
import escapeWritableSystemMount from './rules/escape-writable-system-mount.js';
import seccompPermissive from './rules/seccomp-permissive.js';
import seccompDangerousSyscalls from './rules/seccomp-dangerous-syscalls.js';
import seccompCloneUnfiltered from './rules/seccomp-clone-unfiltered.js';
import seccompNoArch from './rules/seccomp-no-arch.js';
import seccompProfileInvalid from './rules/seccomp-profile-invalid.js';
import seccompModeDisabled from './rules/seccomp-mode-disabled.js';
import apparmorCapSysAdmin from './rules/apparmor-cap-sys-admin.js';
import apparmorMount from './rules/apparmor-mount.js';
import apparmorMissingDeny from './rules/apparmor-missing-deny.js';
import apparmorNotEnforced from './rules/apparmor-not-enforced.js';
import sshServerRunning from './rules/ssh-server-running.js';
import execPrivileged from './rules/exec-privileged.js';
import execRootUser from './rules/exec-root-user.js';
import imageOutdated from './rules/image-outdated.js';

export const runtimeRuleSet: RuntimeRule[] = ruleSet<RuntimeRule>([
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
  systempathsUnmasked,
  mutableImageTag,
  serviceAccountToken,
  noResourceRequests,
  hostPathVolume,
  selinuxCustom,
  escapePrivileged,
  escapeSysAdminMount,
  escapeRuntimeSocket,
  escapePidPtrace,
  escapeWritableSystemMount,
  seccompPermissive,
  seccompDangerousSyscalls,
  seccompCloneUnfiltered,
  seccompNoArch,
  seccompProfileInvalid,
  seccompModeDisabled,
  apparmorCapSysAdmin,
  apparmorMount,
  apparmorMissingDeny,
  apparmorNotEnforced,
  sshServerRunning,
  execPrivileged,
  execRootUser,
  imageOutdated,
]);

/** Every rule of the runtime stage (metadata); the checks live beside it. */
export const runtimeRules: RuleMeta[] = runtimeRuleSet.map((r) => r.meta);

/** Run every runtime rule on one container. */
export function checkContainer(spec: ContainerSpec): Finding[] {
  const out: Finding[] = [];
  for (const r of runtimeRuleSet) for (const f of r.check(spec)) out.push(f);
  return out;
}
