import type { FeedSink } from '../../src/vulndb/store.js';
import { importDoc } from '../../src/vulndb/feeds/index.js';
import { parseJson } from '../../src/vulndb/feeds/input.js';
import { corpus, defineTarget, mutatedJsonText } from '../harness.js';

/** a sink that checks what importers hand it: rows the database would reject are crashes */
function checkingSink(): FeedSink {
  const str = (v: unknown, what: string) => {
    if (typeof v !== 'string' || v === '') throw new Error(`importer emitted ${what} = ${JSON.stringify(v)}`);
  };
  return {
    vuln: (v) => str(v.id, 'vuln.id'),
    affected: (a) => {
      str(a.vulnId, 'affected.vulnId');
      str(a.package, 'affected.package');
      if (typeof a.ecosystem !== 'string') throw new Error(`importer emitted affected.ecosystem = ${JSON.stringify(a.ecosystem)}`);
    },
    rating: (id, r) => {
      str(id, 'rating id');
      str(r.source, 'rating.source');
      if (r.score !== undefined && !Number.isFinite(r.score)) throw new Error(`importer emitted a score of ${r.score}`);
    },
    kev: (k) => str(k.cve, 'kev.cve'),
    namespace: (ns) => str(ns, 'namespace'),
    count: () => undefined,
  };
}

function feedTarget(name: string, about: string) {
  return defineTarget<string>({
    name,
    about,
    input: () => mutatedJsonText(corpus(name)),
    run(text) {
      importDoc(parseJson(text, 'doc.json'), checkingSink());
    },
    encode: (s) => s,
    decode: (j) => j as string,
  });
}

export const osv = feedTarget('osv', 'the OSV importer (GHSA/Go/PyPI records: affected, ranges SEMVER/ECOSYSTEM/GIT, versions, severity, aliases, withdrawn) via importDoc');
export const secdb = feedTarget('secdb', 'the Alpine secdb importer (packages, secfixes, distroversion) via importDoc');
export const debian = feedTarget('debian', 'the Debian security tracker importer (package -> CVE -> releases, status, urgency, fixed_version) via importDoc');
