import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, setting, settingLocation } from '../check.js';

function isLoopback(addr: string): boolean {
  const h = addr.replace(/^\[|\](:\d+)?$/g, '').replace(/:\d+$/, '');
  return h.startsWith('127.') || h === 'localhost' || h === '::1';
}

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-006',
    title: 'The daemon listens on TCP without TLS client verification',
    severity: 'critical',
    stage: 'daemon',
    rationale:
      'The Docker API is root on the host: whoever can call it can start a privileged container with the host filesystem mounted. On TCP without --tlsverify any client that reaches the port gets that, with no credentials (with --tls alone the traffic is encrypted but any client is accepted).',
    remediation:
      'Serve TCP only with "tlsverify": true plus "tlscacert", "tlscert" and "tlskey" (clients need a certificate signed by that CA), or remove the tcp:// host and use the unix socket (ssh:// for remote access).',
    references: cisRefs('2.7'),
    helpUri: 'https://docs.docker.com/engine/security/protect-access/',
    cis: { section: '2', ids: ['2.7'] },
  },
  (ev) => {
    const hosts = setting(ev, 'hosts');
    // with a flag/daemon.json conflict dockerd will not start; the file's hosts still count (they apply once the flag goes)
    const listed = [...(Array.isArray(hosts.value) ? (hosts.value as string[]) : []), ...(Array.isArray(hosts.conflict?.file) ? (hosts.conflict.file as string[]) : [])];
    const configured = listed.filter((h) => /^(tcp|http|https):\/\//.test(h));
    const socketUnitTcp = ev.units.socket.listenStream.filter((l) => /^(\[?[\d.:a-fA-F*]*\]?:)?\d+$/.test(l.trim()));
    const live = ev.daemon?.tcpListeners ?? [];
    const endpoints = [...new Set([...configured.map((h) => h.replace(/^(tcp|http|https):\/\//, '')), ...socketUnitTcp, ...live])];
    const tlsverify = setting(ev, 'tlsverify');
    const tls = setting(ev, 'tls');
    const hostsLoc = settingLocation(ev, hosts, 'hosts');
    if (!endpoints.length) {
      return [{ status: 'pass', message: `the daemon does not listen on TCP${ev.daemon ? ` (PID ${ev.daemon.pid} holds no TCP listener)` : ''}`, key: 'tcp', location: hostsLoc }];
    }
    // DOCKER_TLS_VERIFY in the unit environment also turns verification on
    const envVerify = ev.units.service.environment.DOCKER_TLS_VERIFY ?? ev.envFiles.content.DOCKER_TLS_VERIFY;
    const verify = tlsverify.value === true || (envVerify !== undefined && envVerify !== '' && envVerify !== '0');
    const out: CheckResult[] = [];
    for (const ep of endpoints.sort()) {
      const from = live.includes(ep) ? `listening (PID ${ev.daemon?.pid})` : configured.some((h) => h.endsWith(ep)) ? `configured in hosts (${hostsLoc.source})` : 'docker.socket ListenStream';
      const where = isLoopback(ep) ? ' on loopback: every local user and every process on this host (including containers with host networking) can use it' : ' reachable from the network';
      if (verify) {
        out.push({ status: 'pass', message: `TCP endpoint ${ep} (${from}) requires TLS client certificates (tlsverify)`, key: `tcp|${ep}`, location: settingLocation(ev, tlsverify, 'tlsverify') });
      } else if (tls.value === true) {
        out.push({
          status: 'fail',
          message: `TCP endpoint ${ep} (${from}) uses TLS without client verification: encrypted, but any client is accepted and gets root on the host${where}`,
          key: `tcp|${ep}`,
          location: settingLocation(ev, tls, 'tls'),
          evidence: { endpoint: ep, tls: true, tlsverify: false },
        });
      } else {
        out.push({
          status: 'fail',
          message: `TCP endpoint ${ep} (${from}) has no TLS: unauthenticated root on this host for anyone who connects${where}`,
          key: `tcp|${ep}`,
          location: hostsLoc,
          evidence: { endpoint: ep, tls: false, tlsverify: false },
        });
      }
    }
    return out;
  },
);
