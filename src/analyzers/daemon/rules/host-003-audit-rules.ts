import { defineRule } from '../../../core/rule.js';
import type { CheckResult } from '../check.js';
import { cisRefs } from '../check.js';
import { coverage } from '../../../host/audit.js';
import type { FileFacts, HostEvidence } from '../../../host/types.js';

interface Target {
  cis: string;
  label: string;
  facts: FileFacts[];
}

function targets(ev: HostEvidence): Target[] {
  const f = (p: string | undefined): FileFacts[] => (p ? [ev.files[p] ?? { path: p, exists: false }] : []);
  const bin = (n: string): FileFacts[] => (ev.binaries[n] ? [ev.binaries[n]!] : [{ path: `/usr/bin/${n}`, exists: false }]);
  const unit = (u: typeof ev.units.service): FileFacts[] => (u.fragment && !u.masked ? [u.fragment] : [{ path: `/lib/systemd/system/${u.name}`, exists: false }]);
  const ctrSocks = ev.sockets.containerd.filter((s) => s.exists);
  return [
    { cis: '1.1.3', label: 'dockerd binary', facts: bin('dockerd') },
    { cis: '1.1.4', label: '/run/containerd', facts: f('/run/containerd') },
    { cis: '1.1.5', label: `Docker data root (${ev.dataRoot.source})`, facts: f(ev.dataRoot.path) },
    { cis: '1.1.6', label: '/etc/docker', facts: f('/etc/docker') },
    { cis: '1.1.7', label: 'docker.service unit', facts: unit(ev.units.service) },
    { cis: '1.1.8', label: 'containerd socket', facts: ctrSocks.length ? ctrSocks : ev.sockets.containerd.slice(0, 1) },
    { cis: '1.1.9', label: 'docker.socket unit', facts: unit(ev.units.socket) },
    { cis: '1.1.10', label: '/etc/default/docker', facts: [ev.envFiles.defaultDocker] },
    { cis: '1.1.11', label: `daemon.json (${ev.configFile.source})`, facts: [ev.configFile.facts] },
    { cis: '1.1.12', label: 'containerd config.toml', facts: f('/etc/containerd/config.toml') },
    { cis: '1.1.13', label: '/etc/sysconfig/docker', facts: [ev.envFiles.sysconfigDocker] },
    { cis: '1.1.14', label: 'containerd binary', facts: bin('containerd') },
    { cis: '1.1.15', label: 'containerd-shim binary', facts: bin('containerd-shim') },
    { cis: '1.1.16', label: 'containerd-shim-runc-v1 binary', facts: bin('containerd-shim-runc-v1') },
    { cis: '1.1.17', label: 'containerd-shim-runc-v2 binary', facts: bin('containerd-shim-runc-v2') },
    { cis: '1.1.18', label: 'runc binary', facts: bin('runc') },
  ];
}

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-HOST-003',
    title: 'No audit rule for a Docker file or directory',
    severity: 'low',
    stage: 'host',
    rationale:
      'Audit rules on the Docker binaries, configuration, units, sockets and data directories record who changed or used them; without them a tampered daemon configuration or binary leaves no trace.',
    remediation: 'Add a watch per path to /etc/audit/rules.d/docker.rules, e.g. `-w /usr/bin/dockerd -k docker`, then load it (augenrules --load) and check with `auditctl -l`.',
    references: cisRefs('1.1.3', '1.1.4', '1.1.5', '1.1.6', '1.1.7', '1.1.8', '1.1.9', '1.1.10', '1.1.11', '1.1.12', '1.1.13', '1.1.14', '1.1.15', '1.1.16', '1.1.17', '1.1.18'),
    cis: { section: '1', ids: ['1.1.3', '1.1.4', '1.1.5', '1.1.6', '1.1.7', '1.1.8', '1.1.9', '1.1.10', '1.1.11', '1.1.12', '1.1.13', '1.1.14', '1.1.15', '1.1.16', '1.1.17', '1.1.18'] },
  },
  (ev) => {
    const out: CheckResult[] = [];
    for (const t of targets(ev)) {
      const paths = [...new Set(t.facts.flatMap((f) => [f.path, ...(f.realPath ? [f.realPath] : [])]))];
      const present = t.facts.some((f) => f.exists);
      const cov = coverage(ev.audit, paths);
      const shown = paths.join(' / ');
      const head = t.label === shown ? shown : `${t.label} ${shown}`;
      const loc = { kind: 'host' as const, path: t.facts[0]?.path, setting: 'audit rule', source: ev.audit.loadedKnown ? 'auditctl -l' : 'audit rule files' };
      const key = `audit|${t.cis}`;
      const evidence = { paths, configured: cov.configured.map((r) => `${r.source}: ${r.text}`), loaded: cov.loaded };
      if (ev.audit.loadedKnown && cov.loaded.length) {
        out.push({ status: 'pass', cis: t.cis, key, location: loc, evidence, message: `${head}: audited (loaded rule: ${cov.loaded[0]})` });
      } else if (cov.configured.length && ev.audit.loadedKnown) {
        out.push({ status: 'fail', cis: t.cis, key, location: loc, evidence, message: `${head}: a rule exists in ${cov.configured[0]!.source} but is not loaded in the kernel (auditctl -l): run augenrules --load` });
      } else if (cov.configured.length) {
        out.push({ status: 'pass', cis: t.cis, key, location: loc, evidence, message: `${head}: audit rule in ${cov.configured[0]!.source}${ev.mode === 'live' ? ` (loaded state unknown: ${ev.audit.note ?? 'auditctl not available'})` : ''}` });
      } else if (!present) {
        out.push({ status: 'info', cis: t.cis, key, location: loc, message: `${head}: not present on this host, no rule needed` });
      } else {
        out.push({ status: 'fail', cis: t.cis, key, location: loc, evidence, message: `${head}: no audit rule${ev.audit.loadedKnown ? ' (none loaded, none in /etc/audit)' : ''}` });
      }
    }
    return out;
  },
);
