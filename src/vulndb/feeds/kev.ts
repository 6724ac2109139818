/** CISA Known Exploited Vulnerabilities catalog (known_exploited_vulnerabilities.json). */
import type { FeedSink } from '../store.js';
import { defineFeed } from './feed.js';

export const KEV_FEED = 'cisa-kev';

interface KevDoc {
  catalogVersion?: string;
  dateReleased?: string;
  vulnerabilities?: Array<Record<string, unknown>>;
}

export function isKev(d: unknown): d is KevDoc {
  return !!d && typeof d === 'object' && Array.isArray((d as KevDoc).vulnerabilities) && typeof (d as KevDoc).catalogVersion === 'string';
}

export function importKev(doc: KevDoc, sink: FeedSink): string | undefined {
  for (const v of doc.vulnerabilities ?? []) {
    const cve = v.cveID;
    const added = v.dateAdded;
    if (typeof cve !== 'string' || !/^CVE-\d{4}-\d+$/.test(cve) || typeof added !== 'string') {
      sink.count('malformed');
      continue;
    }
    sink.kev({
      cve,
      dateAdded: added,
      dueDate: typeof v.dueDate === 'string' ? v.dueDate : undefined,
      ransomware: typeof v.knownRansomwareCampaignUse === 'string' ? v.knownRansomwareCampaignUse : undefined,
      name: typeof v.vulnerabilityName === 'string' ? v.vulnerabilityName : undefined,
    });
  }
  return doc.dateReleased ?? doc.catalogVersion;
}

export default defineFeed<KevDoc>({
  name: KEV_FEED,
  description: "CISA's catalog of Known Exploited Vulnerabilities: flags findings, sorts them first",
  defaultSources: ['https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json'],
  detect: isKev,
  import: (doc, sink) => ({ dataDate: importKev(doc, sink) }),
  labels: {},
  ratings: [],
});
