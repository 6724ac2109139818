import { ruleSet, type RuleMeta } from '../../core/rule.js';
import type { HostRule } from './check.js';
import iccCheck from './rules/daemon-001-icc.js';
import logLevelCheck from './rules/daemon-002-log-level.js';
import iptablesCheck from './rules/daemon-003-iptables.js';
import insecureRegistriesCheck from './rules/daemon-004-insecure-registries.js';
import storageDriverCheck from './rules/daemon-005-storage-driver.js';
import tcpTlsCheck from './rules/daemon-006-tcp-tls.js';
import defaultUlimitsCheck from './rules/daemon-007-default-ulimits.js';
import usernsCheck from './rules/daemon-008-userns.js';
import cgroupParentCheck from './rules/daemon-009-cgroup-parent.js';
import dmBasesizeCheck from './rules/daemon-010-dm-basesize.js';
import authzPluginCheck from './rules/daemon-011-authz-plugin.js';
import remoteLoggingCheck from './rules/daemon-012-remote-logging.js';
import noNewPrivilegesCheck from './rules/daemon-013-no-new-privileges.js';
import liveRestoreCheck from './rules/daemon-014-live-restore.js';
import userlandProxyCheck from './rules/daemon-015-userland-proxy.js';
import seccompCheck from './rules/daemon-016-seccomp.js';
import experimentalCheck from './rules/daemon-017-experimental.js';
import rootlessCheck from './rules/daemon-018-rootless.js';
import configConflictCheck from './rules/daemon-019-config-conflict.js';
import serviceUnitPermsCheck from './rules/daemon-020-service-unit-perms.js';
import socketUnitPermsCheck from './rules/daemon-021-socket-unit-perms.js';
import etcDockerPermsCheck from './rules/daemon-022-etc-docker-perms.js';
import registryCertsPermsCheck from './rules/daemon-023-registry-certs-perms.js';
import tlsCaPermsCheck from './rules/daemon-024-tls-ca-perms.js';
import tlsCertPermsCheck from './rules/daemon-025-tls-cert-perms.js';
import tlsKeyPermsCheck from './rules/daemon-026-tls-key-perms.js';
import dockerSockPermsCheck from './rules/daemon-027-docker-sock-perms.js';
import daemonJsonPermsCheck from './rules/daemon-028-daemon-json-perms.js';
import etcDefaultDockerPermsCheck from './rules/daemon-029-etc-default-docker-perms.js';
import sysconfigDockerPermsCheck from './rules/daemon-030-sysconfig-docker-perms.js';
import containerdSockPermsCheck from './rules/daemon-031-containerd-sock-perms.js';
import imageSprawlCheck from './rules/daemon-040-image-sprawl.js';
import containerSprawlCheck from './rules/daemon-041-container-sprawl.js';
import swarmModeCheck from './rules/daemon-056-swarm-mode.js';
import swarmManagersCheck from './rules/daemon-050-swarm-managers.js';
import swarmPortCheck from './rules/daemon-051-swarm-port.js';
import overlayEncryptionCheck from './rules/daemon-052-overlay-encryption.js';
import swarmAutolockCheck from './rules/daemon-053-swarm-autolock.js';
import swarmCertExpiryCheck from './rules/daemon-054-swarm-cert-expiry.js';
import registryMirrorsCheck from './rules/daemon-055-registry-mirrors.js';
import dockerPartitionCheck from './rules/host-001-docker-partition.js';
import dockerGroupCheck from './rules/host-002-docker-group.js';
import auditRulesCheck from './rules/host-003-audit-rules.js';
import versionsCheck from './rules/host-004-versions.js';
import kernelEscapesCheck from './rules/host-010-kernel-escapes.js';
import runcEscapesCheck from './rules/host-011-runc-escapes.js';
import containerdEscapesCheck from './rules/host-012-containerd-escapes.js';
import daemonSeccompProfileCheck from './rules/daemon-060-seccomp-profile.js';
import noLsmCheck from './rules/host-020-no-lsm.js';
import contentTrustCheck from './rules/host-030-content-trust.js';

/** Every daemon and host rule, in CIS order. */
export const hostRules: HostRule[] = ruleSet<HostRule>([
  dockerPartitionCheck,
  dockerGroupCheck,
  auditRulesCheck,
  versionsCheck,
  noLsmCheck,
  contentTrustCheck,
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
  daemonSeccompProfileCheck,
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
  swarmModeCheck,
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
]);

/** Every rule of the daemon and host stages (metadata); the checks live beside it. */
export const daemonRules: RuleMeta[] = hostRules.map((c) => c.meta);
