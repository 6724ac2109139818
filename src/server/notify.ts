/**
 * Notifications: after every database update, which indexed images gained or lost a vulnerability at or
 * above the configured severity. Incremental: only the packages the changed advisories name are matched
 * again. `image_keys` holds, per image and key, the match identities of the packages under that key, so the
 * round reads just the rows of the changed keys (and each image's OS from `images.inventory_os`), never an
 * index; identical packages of many images are matched once, the new verdicts are compared with the stored
 * ones of those packages (`image_vulns`), and only the verdicts that changed are written. When the database's
 * change set does not follow on from the last notified database (a round was missed), every image is matched
 * again from its stored index: slower, same answer (test/server/notify-incremental.test.ts compares them).
 *
 * Each change becomes a notification row and, per webhook, signed deliveries (see deliver.ts); the round,
 * its verdicts, notifications and deliveries are written in one transaction.
 */
import { randomUUID } from 'node:crypto';
import type { ImageIndex } from '../app/image.js';
import { vulnerabilityReport } from '../app/image.js';
import type { Finding } from '../core/finding.js';
import { SEVERITIES, severityRank, type Severity } from '../core/finding.js';
import type { InventoryReport, Package } from '../inventory/types.js';
import type { VulnStore } from '../vulndb/index.js';
import { changeSetOf, keyedIdentities, matchIdentity, type KeyedIdentities } from './changes.js';
import type { Metrics } from './metrics.js';
import type { NotificationRecord, ServiceStore, StoredVerdict, VulnVerdict, WebhookRecord } from './store/index.js';
import type { VulnDatabase } from './vulns.js';

/** `ecosystem/name@version`: how a package is named in verdicts and notifications. */
export function packageId(p: { ecosystem: string; name: string; version: string }): string {
  return `${p.ecosystem}/${p.name}@${p.version}`;
}

/** The verdicts of vulnerability findings: one per (advisory, package), the most severe when repeated. */
export function verdictsFrom(findings: Finding[]): VulnVerdict[] {
  const out = new Map<string, VulnVerdict>();
  for (const f of findings) {
    const v = f.vulnerability;
    if (!v || f.suppressed) continue;
    const pkg = packageId(v.package);
    const k = `${v.id}\u0000${pkg}`;
    const prev = out.get(k);
    if (prev && severityRank(prev.severity as Severity) >= severityRank(f.severity)) continue;
    out.set(k, {
      vulnId: v.id,
      package: pkg,
      severity: f.severity,
      detail: {
        id: v.id,
        aliases: v.aliases,
        severity: f.severity,
        title: f.title,
        package: { name: v.package.name, version: v.package.version, ecosystem: v.package.ecosystem, ...(v.package.purl ? { purl: v.package.purl } : {}), ...(v.package.sourceName ? { sourceName: v.package.sourceName } : {}) },
        status: v.status,
        ...(v.fixedVersion ? { fixedVersion: v.fixedVersion } : {}),
        ...(v.kev ? { kev: true } : {}),
        ...(v.cvss ? { cvss: v.cvss.score } : {}),
        feed: v.feed,
        ...(v.origin ? { origin: v.origin } : {}),
        references: f.references.slice(0, 10),
      },
    });
  }
  return [...out.values()];
}

/** The first verdicts and the keys of a freshly indexed image. */
export class Baseline {
  constructor(private readonly vulns: VulnDatabase) {}

  of(index: ImageIndex): { keys: KeyedIdentities[]; verdicts: VulnVerdict[] } {
    const keys = keyedIdentities(index.inventory);
    const store = this.vulns.current();
    return { keys, verdicts: store ? verdictsFrom(this.vulns.match(index).findings) : [] };
  }
}

export interface RoundOptions {
  node: string;
  /** notify at and above this severity (default medium) */
  minSeverity: Severity;
  /** notifications per webhook delivery (more make more deliveries) */
  perDelivery: number;
  log: (msg: string, extra?: Record<string, unknown>) => void;
}

export interface RoundSummary {
  mode: 'incremental' | 'full' | 'baseline';
  changedVulns: number;
  affectedImages: number;
  /** distinct packages matched again (identical packages of many images count once) */
  rematchedPackages: number;
  /** packages matched again, summed over the affected images */
  rematchedImagePackages: number;
  /** verdict rows written (new or changed) and deleted */
  verdictsWritten: number;
  verdictsDeleted: number;
  notifications: number;
  deliveries: number;
  ms: number;
  /** CPU milliseconds by phase: reading what to match and the stored verdicts, matching, comparing, writing */
  cpuMs: { read: number; match: number; compare: number; write: number };
}

const META_NOTIFIED = 'notified_db_built_at';
const BATCH = 250;

/** A new verdict with its detail serialised once (shared by every image holding the package). */
interface NewVerdict extends VulnVerdict {
  detailJson: string;
}

/** What one image needs matched: its name, its inventory's OS (JSON text) and the match identities concerned. */
interface Target {
  name: string;
  os: string;
  identities: Set<string>;
}

const verdictKey = (v: { vulnId: string; package: string }) => `${v.vulnId}\u0000${v.package}`;

export class Notifier {
  constructor(
    private readonly store: ServiceStore,
    private readonly metrics: Metrics,
    private readonly opts: RoundOptions,
  ) {}

  async lastNotified(): Promise<string | undefined> {
    return (await this.store.db.get<{ value: string }>(`SELECT value FROM service_meta WHERE key = '${META_NOTIFIED}'`))?.value;
  }

  /**
   * One notification round against `current` (the database now in use). `updateId` is the db_updates row it
   * closes. With no database notified before, the round only records verdicts (no flood on the first load).
   * Only verdicts that changed are written (new, gone, or another severity or detail).
   */
  async round(updateId: string, current: VulnStore): Promise<RoundSummary> {
    const t0 = Date.now();
    const builtAt = current.info().builtAt;
    const last = await this.lastNotified();
    const cs = changeSetOf(current);
    const incremental = Boolean(cs && cs.previous && last !== undefined && cs.from === last);
    const silent = last === undefined;
    const keySet = incremental ? new Set(cs!.keys) : undefined;
    // incremental: the stored packages under the changed keys, per image (no index is read)
    const keyed = keySet ? await this.keyedByImage([...keySet]) : undefined;
    const digests = keyed ? [...keyed.keys()].sort() : await this.allIndexed();
    const threshold = severityRank(this.opts.minSeverity);
    const webhooks = silent ? [] : await this.store.listWebhooks();
    const notifications: Array<Omit<NotificationRecord, 'seq' | 'acknowledgedAt'>> = [];
    const upserts: Array<StoredVerdict & { digest: string }> = [];
    const deletes: Array<{ digest: string; vulnId: string; package: string }> = [];
    let rematched = 0;
    let imagePackages = 0;
    let affected = 0;
    // CPU milliseconds per phase (process.cpuUsage: what the round itself costs on a shared machine)
    const phases = { read: 0, match: 0, compare: 0, write: 0 };
    let mark = process.cpuUsage();
    const lap = (phase: keyof typeof phases) => {
      const d = process.cpuUsage(mark);
      phases[phase] += (d.user + d.system) / 1000;
      mark = process.cpuUsage();
    };
    lap('read');
    // incremental: the packages concerned are few, so one pass matches every distinct package once; full: the
    // indexes are read a batch at a time
    const batch = keyed ? Math.max(1, digests.length) : BATCH;
    for (let i = 0; i < digests.length; i += batch) {
      const part = digests.slice(i, i + batch);
      const targets = await this.targets(part, keySet, keyed);
      affected += targets.size;
      lap('read');
      const r = this.rematch(targets, current);
      rematched += r.unique;
      lap('match');
      const stored = await this.store.storedVerdicts([...targets.keys()], keyed ? [...r.packageIds] : undefined);
      lap('read');
      const now = Date.now();
      for (const [digest, mine] of r.perImage) {
        imagePackages += mine.packages.size;
        const before = new Map((stored.get(digest) ?? []).filter((v) => mine.packages.has(v.package)).map((v) => [verdictKey(v), v]));
        for (const [k, v] of mine.verdicts) {
          const b = before.get(k);
          if (!b || b.severity !== v.severity || b.detail !== v.detailJson) upserts.push({ digest, vulnId: v.vulnId, package: v.package, severity: v.severity, detail: v.detailJson });
        }
        for (const [k, b] of before) if (!mine.verdicts.has(k)) deletes.push({ digest, vulnId: b.vulnId, package: b.package });
        if (silent) continue;
        const high = (sev: string) => severityRank(sev as Severity) >= threshold;
        const add = (v: { vulnId: string; package: string; severity: string }, body: Record<string, unknown>, reason: 'added' | 'removed') =>
          notifications.push({ id: randomUUID(), updateId, digest, image: targets.get(digest)!.name, reason, vulnId: v.vulnId, package: v.package, severity: v.severity, body, createdAt: now });
        for (const [k, v] of mine.verdicts) {
          const b = before.get(k);
          if (high(v.severity) && !(b && high(b.severity))) add(v, v.detail, 'added');
        }
        for (const [k, b] of before) {
          const v = mine.verdicts.get(k);
          if (high(b.severity) && !(v && high(v.severity))) add(b, JSON.parse(b.detail) as Record<string, unknown>, 'removed');
        }
      }
    }
    lap('compare');
    const mode = silent ? 'baseline' : incremental ? 'incremental' : 'full';
    const deliveries = this.deliveries(updateId, builtAt, notifications, webhooks);
    await this.store.recordRound({
      updateId,
      verdicts: { upserts, deletes },
      notifications,
      deliveries,
      notifiedBuiltAt: builtAt,
      summary: {
        changedVulns: cs ? cs.changed : 0,
        affectedImages: affected,
        dbBuiltAt: builtAt,
        detail: { mode, rematchedPackages: rematched, rematchedImagePackages: imagePackages, verdictsWritten: upserts.length, verdictsDeleted: deletes.length, deliveries: deliveries.length },
      },
    });
    lap('write');
    const summary: RoundSummary = {
      mode,
      changedVulns: cs ? cs.changed : 0,
      affectedImages: affected,
      rematchedPackages: rematched,
      rematchedImagePackages: imagePackages,
      verdictsWritten: upserts.length,
      verdictsDeleted: deletes.length,
      notifications: notifications.length,
      deliveries: deliveries.length,
      ms: Date.now() - t0,
      cpuMs: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v)])) as RoundSummary['cpuMs'],
    };
    this.metrics.inc('bulwark_notifications_total', undefined, notifications.length);
    this.metrics.observe('bulwark_notification_round_seconds', summary.ms / 1000);
    this.opts.log('notification round', { ...summary });
    return summary;
  }

  private async allIndexed(): Promise<string[]> {
    const rows = await this.store.db.all<{ digest: string }>(`SELECT digest FROM images WHERE state = 'indexed' ORDER BY digest`);
    return rows.map((r) => r.digest);
  }

  /** The image_keys rows of the changed keys, by image (packages null: stored before they were recorded). */
  private async keyedByImage(keys: string[]): Promise<Map<string, Array<string | null>>> {
    const out = new Map<string, Array<string | null>>();
    for (const r of await this.store.keyedPackages(keys)) {
      const list = out.get(r.digest) ?? [];
      list.push(r.packages);
      out.set(r.digest, list);
    }
    return out;
  }

  /**
   * What to match per image. Incremental: the packages stored under the changed keys, and the inventory's OS;
   * an image stored before those were recorded falls back to its index. Full: every package of the index.
   */
  private async targets(part: string[], keySet: Set<string> | undefined, keyed: Map<string, Array<string | null>> | undefined): Promise<Map<string, Target>> {
    const facts = await this.store.matchFacts(part);
    const out = new Map<string, Target>();
    const fromIndex: string[] = [];
    for (const digest of part) {
      const f = facts.get(digest);
      if (!f) continue; // deleted meanwhile, or not indexed
      const rows = keyed?.get(digest);
      if (!rows || f.os === null || rows.some((r) => r === null)) {
        fromIndex.push(digest);
        continue;
      }
      const identities = new Set<string>();
      for (const r of rows) for (const id of JSON.parse(r!) as string[]) identities.add(id);
      out.set(digest, { name: f.name, os: f.os, identities });
    }
    if (fromIndex.length) {
      const indexes = await this.store.indexesOf(fromIndex);
      for (const digest of fromIndex) {
        const index = indexes.get(digest);
        if (!index) continue;
        const inv = index.inventory;
        const identities = keySet
          ? new Set(keyedIdentities(inv).filter((k) => keySet.has(k.key)).flatMap((k) => k.packages))
          : new Set(inv.packages.map(matchIdentity));
        out.set(digest, { name: facts.get(digest)!.name, os: JSON.stringify(inv.os ?? null), identities });
      }
    }
    return out;
  }

  /**
   * Match the targets: per OS, one inventory of the distinct packages (identical packages of many images are
   * matched once), then the verdicts handed back to every image holding them. Of two verdicts for the same
   * (advisory, package id) in one image, the more severe is kept.
   */
  private rematch(targets: Map<string, Target>, store: VulnStore): {
    unique: number;
    packageIds: Set<string>;
    perImage: Map<string, { packages: Set<string>; verdicts: Map<string, NewVerdict> }>;
  } {
    type Group = { os: InventoryReport['os'] | null; packages: Package[]; ids: string[]; slots: Map<string, number>; holders: string[][] };
    const groups = new Map<string, Group>();
    const perImage = new Map<string, { packages: Set<string>; verdicts: Map<string, NewVerdict> }>();
    const packageIds = new Set<string>();
    for (const [digest, t] of targets) {
      let g = groups.get(t.os);
      if (!g) groups.set(t.os, (g = { os: JSON.parse(t.os) as InventoryReport['os'] | null, packages: [], ids: [], slots: new Map(), holders: [] }));
      const mine = { packages: new Set<string>(), verdicts: new Map<string, NewVerdict>() };
      perImage.set(digest, mine);
      for (const identity of t.identities) {
        let slot = g.slots.get(identity);
        if (slot === undefined) {
          slot = g.packages.length;
          g.slots.set(identity, slot);
          const p = JSON.parse(identity) as Package;
          // the slot number as the path: findings name it in their location, which maps them back
          g.packages.push({ ...p, path: `#${slot}` });
          g.ids.push(packageId(p));
          g.holders.push([]);
        }
        g.holders[slot]!.push(digest);
        mine.packages.add(g.ids[slot]!);
        packageIds.add(g.ids[slot]!);
      }
    }
    let unique = 0;
    for (const g of groups.values()) {
      if (!g.packages.length) continue;
      unique += g.packages.length;
      const inv: InventoryReport = { packages: g.packages, ...(g.os ? { os: g.os } : {}), warnings: [] };
      const { findings } = vulnerabilityReport(inv, { store, dbFile: store.path });
      const bySlot = new Map<number, Finding[]>();
      for (const f of findings) {
        const path = f.location.kind === 'image' ? f.location.path : undefined;
        if (!path?.startsWith('#') || !f.vulnerability) continue;
        const slot = Number(path.slice(1));
        const list = bySlot.get(slot) ?? [];
        list.push(f);
        bySlot.set(slot, list);
      }
      for (const [slot, fs] of bySlot) {
        const vs: NewVerdict[] = verdictsFrom(fs).map((v) => ({ ...v, detailJson: JSON.stringify(v.detail) }));
        for (const digest of g.holders[slot] ?? []) {
          const mine = perImage.get(digest)!.verdicts;
          for (const v of vs) {
            const k = verdictKey(v);
            const prev = mine.get(k);
            const rank = severityRank(v.severity as Severity);
            const prevRank = prev ? severityRank(prev.severity as Severity) : -Infinity;
            if (!prev || rank > prevRank || (rank === prevRank && v.detailJson < prev.detailJson)) mine.set(k, v);
          }
        }
      }
    }
    return { unique, packageIds, perImage };
  }

  /** Webhook deliveries: per receiver, its notifications (at its own minimum severity) in pages. */
  private deliveries(updateId: string, builtAt: string, notifications: Array<Omit<NotificationRecord, 'seq' | 'acknowledgedAt'>>, webhooks: WebhookRecord[]): Array<{ id: string; webhook: string; body: string }> {
    const out: Array<{ id: string; webhook: string; body: string }> = [];
    for (const w of webhooks) {
      const min = w.minSeverity && (SEVERITIES as readonly string[]).includes(w.minSeverity) ? severityRank(w.minSeverity as Severity) : -Infinity;
      const mine = notifications.filter((n) => severityRank(n.severity as Severity) >= min);
      const pages = Math.ceil(mine.length / this.opts.perDelivery);
      for (let p = 0; p < pages; p++) {
        const id = randomUUID();
        const slice = mine.slice(p * this.opts.perDelivery, (p + 1) * this.opts.perDelivery);
        out.push({
          id,
          webhook: w.id,
          body: JSON.stringify({
            delivery: id,
            event: 'vulnerability.notifications',
            update: { id: updateId, database: { builtAt } },
            page: { index: p + 1, of: pages },
            notifications: slice.map((n) => ({ id: n.id, digest: n.digest, image: n.image, reason: n.reason, vulnerability: n.body })),
          }),
        });
      }
    }
    return out;
  }
}
