import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { describe, setting, settingLocation } from '../check.js';

/** docker treats these as insecure by default (see BW-DAEMON-004) */
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/;

function hostOf(mirror: string): string {
  return mirror.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
}

/**
 * Registry mirrors carry every Docker Hub pull. A mirror URL with http:// is used over plain HTTP whatever
 * else is configured (moby registry/service_v2.go), and an https:// mirror whose host is also listed in
 * insecure-registries is used without certificate checks: the two settings together decide it.
 */
export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-055',
    title: 'Registry mirror reached over plain HTTP or unverified TLS',
    severity: 'high',
    stage: 'daemon',
    rationale:
      'Every image pulled from Docker Hub goes through the configured mirrors first. A mirror over http:// (or an https:// mirror that is also in insecure-registries, so its certificate is not checked) lets anyone on the path serve substituted images to this host.',
    remediation: 'Serve the mirror over HTTPS with a certificate the daemon trusts (its CA in /etc/docker/certs.d/<mirror>/ca.crt), use https:// in registry-mirrors, and keep the mirror out of insecure-registries.',
    references: ['CIS-2.5', 'CWE-319', 'CWE-295'],
    cis: { section: '2', ids: [] },
  },
  (ev): CheckResult[] => {
    const s = setting(ev, 'registry-mirrors');
    const configured = Array.isArray(s.value) ? (s.value as unknown[]).filter((m): m is string => typeof m === 'string') : [];
    const info = ev.engine.info?.RegistryConfig as { Mirrors?: string[] | null } | undefined;
    const mirrors = [...new Set([...configured, ...(info?.Mirrors ?? [])])];
    const loc = settingLocation(ev, s, 'registry-mirrors');
    if (!mirrors.length) return [{ status: 'pass', message: 'no registry mirrors configured', key: 'registry-mirrors', location: loc }];
    const insecureSetting = setting(ev, 'insecure-registries');
    const insecure = new Set((Array.isArray(insecureSetting.value) ? (insecureSetting.value as string[]) : []).map((r) => r.toLowerCase()));
    return mirrors.map((m) => {
      const host = hostOf(m);
      const where = configured.includes(m) ? describe(s) : 'reported by GET /info RegistryConfig.Mirrors';
      const location = configured.includes(m) ? loc : { kind: 'host' as const, setting: 'registry-mirrors', source: '/info RegistryConfig' };
      const listedInsecure = insecure.has(host);
      if (/^http:\/\//i.test(m)) {
        return {
          status: 'fail' as const,
          message: `registry mirror ${m} is reached over plain HTTP (${where})${listedInsecure ? '; it is also listed in insecure-registries' : ''}`,
          key: `registry-mirrors|${m}`,
          location,
          ...(LOOPBACK.test(host) ? { severity: 'medium' as const } : {}),
          evidence: { mirror: m, plainHttp: true, insecureRegistry: listedInsecure },
        };
      }
      if (listedInsecure) {
        return {
          status: 'fail' as const,
          message: `registry mirror ${m} is also in insecure-registries (${describe(insecureSetting)}): its TLS certificate is not checked`,
          key: `registry-mirrors|${m}`,
          location,
          evidence: { mirror: m, plainHttp: false, insecureRegistry: true },
        };
      }
      return { status: 'pass' as const, message: `registry mirror ${m} uses verified HTTPS`, key: `registry-mirrors|${m}`, location };
    });
  },
);
