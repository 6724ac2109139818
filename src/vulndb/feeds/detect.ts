/** Tells which feed a JSON document belongs to, and imports it. */
import type { FeedSink } from '../store.js';
import { importOsvRecord, isOsvRecord } from './osv.js';
import { importDebianTracker, isDebianTracker } from './debian.js';
import { importAlpineSecdb, isAlpineSecdb } from './alpine.js';
import { importKev, isKev } from './kev.js';
import { importNodejsNpm, isNodejsNpmAdvisory } from './nodejs.js';
import { importNvd, isNvd } from './nvd.js';

export type FeedKind = 'osv' | 'debian-tracker' | 'alpine-secdb' | 'cisa-kev' | 'nodejs-security-wg' | 'nvd';

export function detectFeed(d: unknown): FeedKind | undefined {
  if (isKev(d)) return 'cisa-kev';
  if (isNvd(d)) return 'nvd';
  if (isAlpineSecdb(d)) return 'alpine-secdb';
  if (isNodejsNpmAdvisory(d)) return 'nodejs-security-wg';
  if (isOsvRecord(d)) return 'osv';
  if (isDebianTracker(d)) return 'debian-tracker';
  return undefined;
}

/** Import one document; returns the feed kind and, when the feed states one, the date of its data. */
export function importDoc(d: unknown, sink: FeedSink): { kind?: FeedKind; dataDate?: string } {
  const kind = detectFeed(d);
  switch (kind) {
    case 'cisa-kev':
      return { kind, dataDate: importKev(d as Parameters<typeof importKev>[0], sink) };
    case 'nvd':
      importNvd(d as Parameters<typeof importNvd>[0], sink);
      return { kind };
    case 'alpine-secdb':
      importAlpineSecdb(d as Parameters<typeof importAlpineSecdb>[0], sink);
      return { kind };
    case 'nodejs-security-wg':
      importNodejsNpm(d as Parameters<typeof importNodejsNpm>[0], sink);
      return { kind };
    case 'osv':
      importOsvRecord(d as Parameters<typeof importOsvRecord>[0], sink);
      return { kind, dataDate: (d as { modified?: string }).modified };
    case 'debian-tracker':
      importDebianTracker(d as Record<string, unknown>, sink);
      return { kind };
    default:
      sink.count('unrecognisedDocuments');
      return {};
  }
}
