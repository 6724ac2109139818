/**
 * Matches kept between runs: the port a caller implements to keep the match of an inventory it can identify (the
 * image result cache keeps it beside the image's result), the key that names the database and the options that
 * change a match, and what is applied to a kept match on every run (the staleness warning, VEX). Light on
 * purpose: a rescan whose match is kept loads neither SQLite nor the matchers (see app/image.ts).
 */
import type { Finding } from '../core/finding.js';
import { dbFileIdentity } from './db-file.js';
import { applyVex, loadVex } from './vex.js';

export const DEFAULT_MAX_AGE_DAYS = 7;

/** A match as it is kept: the findings and warnings of the matcher, and when the database's oldest data is from. */
export interface KeptMatch {
  findings: Finding[];
  warnings: string[];
  /** ms since the epoch: now minus VulnStore.dataAgeMs() when it was matched */
  dataTime: number;
}

/** `get` returns what `put` stored under the same key, or undefined. */
export interface MatchCache {
  get(key: string): KeptMatch | undefined;
  put(key: string, kept: KeptMatch): void;
}

/** The options that change a match (MatchOptions in match/index.ts). */
export interface MatchKeyOptions {
  ignoreUnfixed?: boolean;
  explain?: boolean;
  severitySources?: string[];
}

/** The key of a match against the database file `dbFile` with these options; undefined when the file cannot be read. */
export function matchCacheKey(dbFile: string, opts: MatchKeyOptions): string | undefined {
  let db: string;
  try {
    db = dbFileIdentity(dbFile);
  } catch {
    return undefined; // matched (or refused) by the store, which says why
  }
  return JSON.stringify({ v: 1, db, ignoreUnfixed: Boolean(opts.ignoreUnfixed), explain: Boolean(opts.explain), severitySources: opts.severitySources ?? null });
}

/** A warning when the database's data is older than maxAgeDays; undefined when fresh. */
export function stalenessWarningAt(ageMs: number, maxAgeDays = DEFAULT_MAX_AGE_DAYS): string | undefined {
  const days = ageMs / 86_400_000;
  if (days <= maxAgeDays) return undefined;
  return `the vulnerability database is ${days.toFixed(1)} days old (limit ${maxAgeDays}): run 'bulwark db update'`;
}

/** A kept match as a scan reports it: the staleness warning first, then the matcher's, then VEX applied. */
export function keptMatchResult(kept: KeptMatch, opts: { maxAgeDays?: number; vexFiles?: string[] }): { findings: Finding[]; warnings: string[] } {
  const warnings: string[] = [];
  const stale = stalenessWarningAt(Date.now() - kept.dataTime, opts.maxAgeDays);
  if (stale) warnings.push(stale);
  warnings.push(...kept.warnings);
  for (const f of opts.vexFiles ?? []) warnings.push(...applyVex(kept.findings, loadVex(f)));
  return { findings: kept.findings, warnings };
}
