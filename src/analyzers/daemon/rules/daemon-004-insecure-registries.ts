import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, describe, setting, settingLocation } from '../check.js';

/** Docker always treats loopback registries as insecure; that default is not a finding. */
const DEFAULT_INSECURE = new Set(['127.0.0.0/8', '::1/128']);

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-004',
    title: 'Insecure (plain HTTP / unverified TLS) registries are configured',
    severity: 'high',
    stage: 'daemon',
    rationale:
      'For an insecure registry the daemon accepts plain HTTP or any TLS certificate, so anyone on the path can serve substituted images, which then run on this host.',
    remediation: 'Remove --insecure-registry flags and "insecure-registries" entries; give the registry a certificate (trusted CA, or its CA in /etc/docker/certs.d/<registry>/ca.crt).',
    references: cisRefs('2.5'),
    cis: { section: '2', ids: ['2.5'] },
  },
  (ev) => {
    const s = setting(ev, 'insecure-registries');
    const configured = (Array.isArray(s.value) ? (s.value as string[]) : []).filter((r) => !DEFAULT_INSECURE.has(r));
    const info = ev.engine.info?.RegistryConfig as { InsecureRegistryCIDRs?: string[]; IndexConfigs?: Record<string, { Secure?: boolean }> } | undefined;
    const live = info
      ? [
          ...(info.InsecureRegistryCIDRs ?? []).filter((c) => !DEFAULT_INSECURE.has(c)),
          ...Object.entries(info.IndexConfigs ?? {})
            .filter(([, v]) => v.Secure === false)
            .map(([k]) => k),
        ]
      : [];
    const all = [...new Set([...configured, ...live])].sort();
    // an insecure registry that is also a mirror carries every Docker Hub pull (see BW-DAEMON-055)
    const mirrors = setting(ev, 'registry-mirrors');
    const mirrorHosts = new Set((Array.isArray(mirrors.value) ? (mirrors.value as string[]) : []).map((m) => m.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '').toLowerCase()));
    const loc = settingLocation(ev, s, 'insecure-registries');
    if (!all.length) return [{ status: 'pass', message: 'no insecure registries (besides the built-in loopback range)', key: 'insecure-registries', location: loc }];
    return all.map((r) => ({
      status: 'fail' as const,
      message: `registry '${r}' is insecure: ${configured.includes(r) ? describe(s) : 'reported by GET /info RegistryConfig'}${mirrorHosts.has(r.toLowerCase()) ? '; it is also a registry mirror, so every Docker Hub pull goes through it' : ''}`,
      key: `insecure-registries|${r}`,
      location: configured.includes(r) ? loc : { kind: 'host' as const, setting: 'insecure-registries', source: '/info RegistryConfig' },
      evidence: { registry: r, mirror: mirrorHosts.has(r.toLowerCase()) },
    }));
  },
);
