/**
 * `bulwark image REF --server URL`: the client half of client/server mode, as Trivy splits it. The image
 * is indexed here (layers, inventory, secret and file checks: file contents never leave this machine), the
 * index is submitted to the server, the server matches it against its vulnerability database, and the
 * Report is assembled by the same imageReport as a local scan.
 */
import type { Report } from '../core/report.js';
import { UserError } from '../core/errors.js';
import { ServiceClient } from '../server/client.js';
import { imageReport, indexImage, type ImageIndex, type IndexImageOptions, type VulnerabilityResult } from './image.js';

export interface RemoteOptions extends IndexImageOptions {
  server: string;
  token?: string;
  /** how long to wait for the server's answer (default 10 minutes) */
  waitMs?: number;
}

export async function auditImageRemote(ref: string, opts: RemoteOptions): Promise<{ report: Report; index: ImageIndex }> {
  const client = new ServiceClient({ server: opts.server, token: opts.token });
  const index = await indexImage(ref, opts);
  // check findings (secrets among them) stay here: the server gets what matching needs
  const sub = await client.request<{ digest: string; job: string }>('POST', '/api/v1/index', { index: { ...index, findings: [] } });
  const deadline = Date.now() + (opts.waitMs ?? 600_000);
  for (let delay = 100; ; delay = Math.min(2000, delay * 2)) {
    const r = await client.request<VulnerabilityResult & { digest: string }>('GET', `/api/v1/vulnerabilities/${sub.body.digest}`);
    if (r.status === 200) return { report: imageReport(index, { findings: r.body.findings, warnings: r.body.warnings }), index };
    if (Date.now() > deadline) throw new UserError(`the server has not matched ${sub.body.digest} yet (job ${sub.body.job})`);
    await new Promise((res) => setTimeout(res, delay));
  }
}
