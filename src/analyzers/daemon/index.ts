import type { RuleMeta } from '../../core/rule.js';
import type { HostCheck } from './check.js';
import { iccCheck } from './checks/daemon-001-icc.js';
import { logLevelCheck } from './checks/daemon-002-log-level.js';
import { iptablesCheck } from './checks/daemon-003-iptables.js';
import { insecureRegistriesCheck } from './checks/daemon-004-insecure-registries.js';
import { storageDriverCheck } from './checks/daemon-005-storage-driver.js';
import { tcpTlsCheck } from './checks/daemon-006-tcp-tls.js';
import { defaultUlimitsCheck } from './checks/daemon-007-default-ulimits.js';
import { usernsCheck } from './checks/daemon-008-userns.js';
import { cgroupParentCheck } from './checks/daemon-009-cgroup-parent.js';
import { dmBasesizeCheck } from './checks/daemon-010-dm-basesize.js';
import { authzPluginCheck } from './checks/daemon-011-authz-plugin.js';
import { remoteLoggingCheck } from './checks/daemon-012-remote-logging.js';
import { noNewPrivilegesCheck } from './checks/daemon-013-no-new-privileges.js';
import { liveRestoreCheck } from './checks/daemon-014-live-restore.js';
import { userlandProxyCheck } from './checks/daemon-015-userland-proxy.js';
import { seccompCheck } from './checks/daemon-016-seccomp.js';
import { experimentalCheck } from './checks/daemon-017-experimental.js';
import { rootlessCheck } from './checks/daemon-018-rootless.js';
import { configConflictCheck } from './checks/daemon-019-config-conflict.js';
import { serviceUnitPermsCheck } from './checks/daemon-020-service-unit-perms.js';
import { socketUnitPermsCheck } from './checks/daemon-021-socket-unit-perms.js';
import { etcDockerPermsCheck } from './checks/daemon-022-etc-docker-perms.js';
import { registryCertsPermsCheck } from './checks/daemon-023-registry-certs-perms.js';
import { tlsCaPermsCheck } from './checks/daemon-024-tls-ca-perms.js';
import { tlsCertPermsCheck } from './checks/daemon-025-tls-cert-perms.js';
import { tlsKeyPermsCheck } from './checks/daemon-026-tls-key-perms.js';
import { dockerSockPermsCheck } from './checks/daemon-027-docker-sock-perms.js';
import { daemonJsonPermsCheck } from './checks/daemon-028-daemon-json-perms.js';
import { etcDefaultDockerPermsCheck } from './checks/daemon-029-etc-default-docker-perms.js';
import { sysconfigDockerPermsCheck } from './checks/daemon-030-sysconfig-docker-perms.js';
import { containerdSockPermsCheck } from './checks/daemon-031-containerd-sock-perms.js';
import { imageSprawlCheck } from './checks/daemon-040-image-sprawl.js';
import { containerSprawlCheck } from './checks/daemon-041-container-sprawl.js';
import { swarmManagersCheck } from './checks/daemon-050-swarm-managers.js';
import { swarmPortCheck } from './checks/daemon-051-swarm-port.js';
import { overlayEncryptionCheck } from './checks/daemon-052-overlay-encryption.js';
import { swarmAutolockCheck } from './checks/daemon-053-swarm-autolock.js';
import { swarmCertExpiryCheck } from './checks/daemon-054-swarm-cert-expiry.js';
import { registryMirrorsCheck } from './checks/daemon-055-registry-mirrors.js';
import { dockerPartitionCheck } from './checks/host-001-docker-partition.js';
import { dockerGroupCheck } from './checks/host-002-docker-group.js';
import { auditRulesCheck } from './checks/host-003-audit-rules.js';
import { versionsCheck } from './checks/host-004-versions.js';
import { kernelEscapesCheck } from './checks/host-010-kernel-escapes.js';
import { runcEscapesCheck } from './checks/host-011-runc-escapes.js';
import { containerdEscapesCheck } from './checks/host-012-containerd-escapes.js';

/** Every daemon and host check, in CIS order. */
export const hostChecks: HostCheck[] = [
  dockerPartitionCheck,
  dockerGroupCheck,
  auditRulesCheck,
  versionsCheck,
  rootlessCheck,
  iccCheck,
  logLevelCheck,
  iptablesCheck,
  insecureRegistriesCheck,
  registryMirrorsCheck,
  storageDriverCheck,
  tcpTlsCheck,
  defaultUlimitsCheck,
  usernsCheck,
  cgroupParentCheck,
  dmBasesizeCheck,
  authzPluginCheck,
  remoteLoggingCheck,
  noNewPrivilegesCheck,
  liveRestoreCheck,
  userlandProxyCheck,
  seccompCheck,
  experimentalCheck,
  configConflictCheck,
  serviceUnitPermsCheck,
  socketUnitPermsCheck,
  etcDockerPermsCheck,
  registryCertsPermsCheck,
  tlsCaPermsCheck,
  tlsCertPermsCheck,
  tlsKeyPermsCheck,
  dockerSockPermsCheck,
  daemonJsonPermsCheck,
  etcDefaultDockerPermsCheck,
  sysconfigDockerPermsCheck,
  containerdSockPermsCheck,
  imageSprawlCheck,
  containerSprawlCheck,
  swarmManagersCheck,
  swarmPortCheck,
  overlayEncryptionCheck,
  swarmAutolockCheck,
  swarmCertExpiryCheck,
  kernelEscapesCheck,
  runcEscapesCheck,
  containerdEscapesCheck,
];

/** Every rule of the daemon and host stages (metadata); the checks live beside it. */
export const daemonRules: RuleMeta[] = hostChecks.map((c) => c.meta);
