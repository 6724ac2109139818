/**
 * NVD CVE JSON 2.0 (the API's response / the yearly feed files): used only to enrich findings with
 * CVSS where their own feed has none. Stores CVSS v3.1 / v3.0 / v4.0 / v2 primary metrics per CVE.
 */
import type { FeedSink } from '../store.js';
import { scoreVector } from '../cvss.js';
import { defineFeed } from './feed.js';

export const NVD_FEED = 'nvd';

interface NvdDoc {
  format?: string;
  vulnerabilities?: Array<{ cve?: { id?: string; metrics?: Record<string, Array<{ type?: string; cvssData?: { vectorString?: string; version?: string } }>> } }>;
}

export function isNvd(d: unknown): d is NvdDoc {
  if (!d || typeof d !== 'object') return false;
  const o = d as NvdDoc;
  return Array.isArray(o.vulnerabilities) && (o.format === 'NVD_CVE' || (o.vulnerabilities.length > 0 && typeof o.vulnerabilities[0]?.cve === 'object'));
}

export function importNvd(doc: NvdDoc, sink: FeedSink): void {
  for (const v of doc.vulnerabilities ?? []) {
    const id = v.cve?.id;
    if (!id) {
      sink.count('malformed');
      continue;
    }
    const metrics = v.cve?.metrics ?? {};
    for (const key of ['cvssMetricV31', 'cvssMetricV30', 'cvssMetricV40', 'cvssMetricV2']) {
      const list = metrics[key] ?? [];
      const m = list.find((x) => x.type === 'Primary') ?? list[0];
      const vec = m?.cvssData?.vectorString;
      if (!vec) continue;
      const s = scoreVector(vec);
      if (s) {
        sink.score(id, s);
        break;
      }
    }
  }
  sink.count('records', doc.vulnerabilities?.length ?? 0);
}

export default defineFeed<NvdDoc>({
  name: NVD_FEED,
  description: 'NVD CVE JSON 2.0 (API responses or yearly files): CVSS ratings by CVE id',
  // NVD serves its data through a rate-limited API and no longer publishes bulk files: import saved responses with --source
  defaultSources: [],
  detect: isNvd,
  import: (doc, sink) => importNvd(doc, sink),
  labels: {},
});
