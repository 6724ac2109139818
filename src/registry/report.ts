/**
 * The registry audit as one call: collect the evidence of an endpoint, run the registry-stage rules,
 * and shape the Report (findings, a summary of what was probed, notes as warnings).
 */
import type { Report } from '../core/report.js';
import { TOOL } from '../core/version.js';
import { checkRegistry } from '../analyzers/registry/index.js';
import { collectRegistryEvidence, type AuditOptions, type RegistryEvidence, type ProbeResult } from './audit.js';

function status(p: ProbeResult | undefined): string {
  if (!p) return 'not probed';
  if (p.status === undefined) return `failed (${p.error ?? 'no answer'})`;
  return `${p.status}${p.code ? ` ${p.code}` : ''}`;
}

/** The evidence as text for the table output. */
export function evidenceText(ev: RegistryEvidence): string {
  const lines: string[] = [];
  lines.push(`Registry: ${ev.target} (${ev.url})`);
  if (ev.tls?.cert) {
    const c = ev.tls.cert;
    lines.push(`TLS:      ${c.protocol ?? '?'} ${c.cipher ?? ''}; also accepts: ${ev.tls.oldProtocols.length ? ev.tls.oldProtocols.join(', ') : 'nothing below TLS 1.2'}`);
    lines.push(`Cert:     ${c.subject} issued by ${c.issuer}, valid ${c.validFrom.slice(0, 10)} .. ${c.validTo.slice(0, 10)}; ${c.verifyError ? `NOT trusted (${c.verifyError})` : 'trusted'}${c.hostnameError ? '; name mismatch' : ''}`);
  } else lines.push('TLS:      none (plain HTTP)');
  const ch = ev.ping.challenge;
  lines.push(`Auth:     ${ch ? `${ch.scheme}${ch.realm ? ` (realm ${ch.realm})` : ''}` : ev.ping.status === 200 ? 'none required' : status(ev.ping)}`);
  lines.push(`Anonymous: catalog ${status(ev.anonymous.catalog)}, pull ${ev.anonymous.pull ? `${status(ev.anonymous.pull)} (${ev.anonymous.pull.repository})` : 'not probed'}, push ${status(ev.anonymous.push)}${ev.anonymous.push.cancelled ? ' (cancelled)' : ''}, delete ${status(ev.anonymous.delete)}`);
  if (ev.authenticated) lines.push(`Authenticated (${ev.authenticated.source}): catalog ${status(ev.authenticated.catalog)}, delete ${status(ev.authenticated.delete)}`);
  const prod = Object.entries(ev.productHeaders).filter(([k]) => k !== 'docker-distribution-api-version');
  if (prod.length) lines.push(`Headers:  ${prod.map(([k, v]) => `${k}: ${v}`).join('; ')}`);
  return lines.join('\n');
}

export async function auditRegistry(target: string, opts: AuditOptions = {}): Promise<{ report: Report; evidence: RegistryEvidence }> {
  const evidence = await collectRegistryEvidence(target, opts);
  const findings = checkRegistry(evidence);
  const report: Report = {
    tool: TOOL,
    targets: [{ type: 'registry', name: evidence.target, url: evidence.url }],
    findings,
    summary: { registry: evidence, text: evidenceText(evidence) },
    warnings: evidence.notes,
  };
  return { report, evidence };
}
