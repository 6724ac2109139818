/**
 * NVD CVE JSON 2.0 (the API's response / the yearly feed files): ratings only, no package data. Records
 * the CVSS v4.0, v3.1, v3.0 and v2 metrics of each CVE as `nvd` ratings (NVD's own "Primary" metric of each
 * version when there is one, else the first), so a finding can show NVD's rating next to the others.
 */
import type { FeedSink } from '../store.js';
import { cvssRating } from '../cvss.js';
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
    for (const key of ['cvssMetricV40', 'cvssMetricV31', 'cvssMetricV30', 'cvssMetricV2']) {
      const list = Array.isArray(metrics[key]) ? metrics[key] : [];
      const m = list.find((x) => x?.type === 'Primary') ?? list[0];
      const vec = m?.cvssData?.vectorString;
      if (typeof vec !== 'string') continue;
      const r = cvssRating('nvd', vec);
      if (r) sink.rating(id, r);
      else sink.count('invalidVectors');
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
  ratings: ['nvd'],
});
