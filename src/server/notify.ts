/**
 * Notifications: after every database update, which indexed images gained or lost a vulnerability at or
 * above the configured severity. Incremental: only the packages the changed advisories name are matched
 * again (the images holding them are found through `image_keys`), identical packages of many images are
 * matched once, and the new verdicts are compared with the stored ones (`image_vulns`). When the database's
 * change set does not follow on from the last notified database (a round was missed), every image is
 * matched again: slower, same answer.
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
import { changeSetOf, packageKeys } from './changes.js';
import type { Metrics } from './metrics.js';
import type { NotificationRecord, ServiceStore, VulnVerdict, WebhookRecord } from './store/index.js';
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

  of(index: ImageIndex): { keys: string[]; verdicts: VulnVerdict[] } {
    const keys = [...new Set(packageKeys(index.inventory).map((k) => k.key))];
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
  rematchedPackages: number;
  notifications: number;
  deliveries: number;
  ms: number;
}

const META_NOTIFIED = 'notified_db_built_at';
const BATCH = 250;

/** The identity of a package for matching: everything but where it was found. */
function matchIdentity(p: Package): string {
  const { path: _p, layerIndex: _li, layerDigest: _ld, files: _f, ...rest } = p;
  return JSON.stringify(rest);
}

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
   */
  async round(updateId: string, current: VulnStore): Promise<RoundSummary> {
    const t0 = Date.now();
    const builtAt = current.info().builtAt;
    const last = await this.lastNotified();
    const cs = changeSetOf(current);
    const incremental = Boolean(cs && cs.previous && last !== undefined && cs.from === last);
    const silent = last === undefined;
    const keySet = incremental ? new Set(cs!.keys) : undefined;
    const digests = keySet ? await this.store.digestsForKeys([...keySet]) : await this.allIndexed();
    const threshold = severityRank(this.opts.minSeverity);
    const webhooks = silent ? [] : await this.store.listWebhooks();
    const notifications: Array<Omit<NotificationRecord, 'seq' | 'acknowledgedAt'>> = [];
    const verdictUpdates: Array<{ digest: string; packages: string[]; verdicts: VulnVerdict[] }> = [];
    let rematched = 0;
    for (let i = 0; i < digests.length; i += BATCH) {
      const part = digests.slice(i, i + BATCH);
      const [indexes, stored] = await Promise.all([this.store.indexesOf(part), this.store.verdictsOf(part)]);
      const r = this.rematch(indexes, keySet, current);
      rematched += r.unique;
      for (const [digest, { packages, verdicts }] of r.perImage) {
        const index = indexes.get(digest)!;
        verdictUpdates.push({ digest, packages: [...packages], verdicts });
        if (silent) continue;
        const before = (stored.get(digest) ?? []).filter((v) => packages.has(v.package) && severityRank(v.severity as Severity) >= threshold);
        const after = verdicts.filter((v) => severityRank(v.severity as Severity) >= threshold);
        const key = (v: VulnVerdict) => `${v.vulnId}\u0000${v.package}`;
        const beforeKeys = new Set(before.map(key));
        const afterKeys = new Set(after.map(key));
        const now = Date.now();
        const add = (v: VulnVerdict, reason: 'added' | 'removed') =>
          notifications.push({
            id: randomUUID(),
            updateId,
            digest,
            image: index.summary.name,
            reason,
            vulnId: v.vulnId,
            package: v.package,
            severity: v.severity,
            body: v.detail,
            createdAt: now,
          });
        for (const v of after) if (!beforeKeys.has(key(v))) add(v, 'added');
        for (const v of before) if (!afterKeys.has(key(v))) add(v, 'removed');
      }
    }
    const deliveries = this.deliveries(updateId, builtAt, notifications, webhooks);
    await this.store.recordRound({
      updateId,
      verdicts: verdictUpdates,
      notifications,
      deliveries,
      notifiedBuiltAt: builtAt,
      summary: {
        changedVulns: cs ? cs.changed : 0,
        affectedImages: digests.length,
        dbBuiltAt: builtAt,
        detail: { mode: silent ? 'baseline' : incremental ? 'incremental' : 'full', rematchedPackages: rematched, deliveries: deliveries.length },
      },
    });
    const summary: RoundSummary = {
      mode: silent ? 'baseline' : incremental ? 'incremental' : 'full',
      changedVulns: cs ? cs.changed : 0,
      affectedImages: digests.length,
      rematchedPackages: rematched,
      notifications: notifications.length,
      deliveries: deliveries.length,
      ms: Date.now() - t0,
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

  /**
   * Match the affected packages of these images: per OS, one inventory of the distinct packages (identical
   * packages of many images are matched once), then the verdicts handed back to every image holding them.
   */
  private rematch(indexes: Map<string, ImageIndex>, keySet: Set<string> | undefined, store: VulnStore): {
    unique: number;
    perImage: Map<string, { packages: Set<string>; verdicts: VulnVerdict[] }>;
  } {
    const groups = new Map<string, { os: InventoryReport['os']; packages: Package[]; byIdentity: Map<string, number> }>();
    const holders = new Map<string, Array<{ digest: string; group: string; slot: number }>>();
    const perImage = new Map<string, { packages: Set<string>; verdicts: VulnVerdict[] }>();
    for (const [digest, index] of indexes) {
      const inv = index.inventory;
      const affected = keySet ? packageKeys(inv).filter((k) => keySet.has(k.key)).map((k) => k.pkg) : inv.packages;
      const osKey = JSON.stringify(inv.os ?? null);
      let g = groups.get(osKey);
      if (!g) groups.set(osKey, (g = { os: inv.os, packages: [], byIdentity: new Map() }));
      const mine = { packages: new Set<string>(), verdicts: [] as VulnVerdict[] };
      perImage.set(digest, mine);
      for (const p of new Set(affected)) {
        mine.packages.add(packageId(p));
        const id = matchIdentity(p);
        let slot = g.byIdentity.get(id);
        if (slot === undefined) {
          slot = g.packages.length;
          g.byIdentity.set(id, slot);
          // the slot number as the path: findings name it in their location, which maps them back
          g.packages.push({ ...p, path: `#${slot}`, layerIndex: undefined, layerDigest: undefined });
        }
        const list = holders.get(`${osKey}\u0000${slot}`) ?? [];
        list.push({ digest, group: osKey, slot });
        holders.set(`${osKey}\u0000${slot}`, list);
      }
    }
    let unique = 0;
    for (const [osKey, g] of groups) {
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
        const vs = verdictsFrom(fs);
        for (const h of holders.get(`${osKey}\u0000${slot}`) ?? []) perImage.get(h.digest)!.verdicts.push(...vs);
      }
    }
    return { unique, perImage };
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
