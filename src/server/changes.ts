/**
 * The two seams notifications need from the vulnerability database: the keys (ecosystem, namespace, package)
 * under which the matcher looks a package up, and the change set a database update recorded (which
 * advisories changed and the keys they name). Both come from src/vulndb; a key is one string here.
 */
import type { InventoryReport, Package } from '../inventory/types.js';
import * as vulndb from '../vulndb/index.js';
import type { VulnStore } from '../vulndb/index.js';

export interface KeyedPackage {
  pkg: Package;
  key: string;
}

export interface Changes {
  /** false: the database had no comparable predecessor (everything counts as new) */
  previous: boolean;
  /** built_at of the database this one was compared with */
  from?: string;
  to: string;
  /** advisories added, removed or modified */
  changed: number;
  /** every key the changed advisories name, before or after */
  keys: string[];
}

type MatchKey = { ecosystem: string; namespace: string; name: string };
type MatchKeysFn = (inv: InventoryReport) => Array<{ pkg: Package; key: MatchKey }>;
type ChangeSet = { previous: boolean; from?: string; to: string; added: string[]; removed: string[]; modified: string[]; packages: MatchKey[] };

// a key is stored in TEXT columns and passed to PostgreSQL inside JSON lists: no NUL separator (jsonb refuses
// \u0000), and JSON's own quoting keeps any package name unambiguous
const keyString = (k: MatchKey) => JSON.stringify([k.ecosystem, k.namespace, k.name]);

/** The matcher's keys of every package of an inventory (empty until the database exposes them). */
export function packageKeys(inv: InventoryReport): KeyedPackage[] {
  const fn = (vulndb as unknown as { matchKeys?: MatchKeysFn }).matchKeys;
  if (!fn) return [];
  return fn(inv).map((k) => ({ pkg: k.pkg, key: keyString(k.key) }));
}

/** The identity of a package for matching: everything but where it was found (JSON, own keys in order). */
export function matchIdentity(p: Package): string {
  const { path: _p, layerIndex: _li, layerDigest: _ld, files: _f, ...rest } = p;
  return JSON.stringify(rest);
}

/** One key of an image and the match identities of its packages under that key. */
export interface KeyedIdentities {
  key: string;
  packages: string[];
}

/**
 * The keys of an inventory, each with the packages the matcher looks up under it (as match identities): what
 * the service stores per image so that a notification round reads only the packages a change set names.
 */
export function keyedIdentities(inv: InventoryReport): KeyedIdentities[] {
  const by = new Map<string, Set<string>>();
  for (const k of packageKeys(inv)) {
    let set = by.get(k.key);
    if (!set) by.set(k.key, (set = new Set()));
    set.add(matchIdentity(k.pkg));
  }
  return [...by].map(([key, ids]) => ({ key, packages: [...ids] }));
}

/** What the update that built `store` changed, when the database records it. */
export function changeSetOf(store: VulnStore): Changes | undefined {
  const fn = (store as unknown as { changes?: () => ChangeSet | undefined }).changes;
  const cs = fn?.call(store);
  if (!cs) return undefined;
  return {
    previous: cs.previous,
    ...(cs.from ? { from: cs.from } : {}),
    to: cs.to,
    changed: cs.added.length + cs.removed.length + cs.modified.length,
    keys: [...new Set(cs.packages.map(keyString))],
  };
}
