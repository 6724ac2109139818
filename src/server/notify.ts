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
import { createHash, randomUUID } from 'node:crypto';
import type { ImageIndex } from '../app/image.js';
import { vulnerabilityReport } from '../app/image-vulnerabilities.js';
import type { Finding } from '../core/finding.js';
import { SEVERITIES, severityRank, type Severity } from '../core/finding.js';
import type { InventoryReport, Package } from '../inventory/types.js';
import type { VulnStore } from '../vulndb/index.js';
import { changeSetOf, keyedIdentities, matchIdentity, type KeyedIdentities } from './changes.js';
import type { Metrics } from './metrics.js';
import type { NotificationRecord, ServiceStore, StoredDetail, StoredVerdict, VerdictDetail, VulnVerdict, WebhookRecord } from './store/index.js';
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

/**
 * The key a matched package's verdict details are kept under (verdict_details): its inventory's OS (JSON text,
 * as images.inventory_os holds it) and its match identity. Every image holding that package under that OS
 * shares the row.
 */
export function detailKey(os: string, identity: string): string {
  return createHash('sha256').update(os).update('\n').update(identity).digest('hex').slice(0, 32);
}

/**
 * The first verdicts and the keys of a freshly indexed image: matched as a notification round matches (the
 * distinct packages, each verdict under its package's dkey), so a round compares like with like.
 */
export class Baseline {
  constructor(private readonly vulns: VulnDatabase) {}

  of(index: ImageIndex): { keys: KeyedIdentities[]; verdicts: VulnVerdict[] } {
    const keys = keyedIdentities(index.inventory);
    const store = this.vulns.current();
    if (!store) return { keys, verdicts: [] };
    const target: Target = { name: index.summary.name, os: JSON.stringify(index.inventory.os ?? null), identities: new Set(index.inventory.packages.map(matchIdentity)) };
    const m = matchTargets(new Map([[index.digest, target]]), store);
    const verdicts: VulnVerdict[] = [];
    for (const slots of m.perImage.get(index.digest)?.values() ?? []) {
      for (const v of (slots.length === 1 ? slots[0]!.verdicts : merged(slots)).values()) verdicts.push({ vulnId: v.vulnId, package: v.package, severity: v.severity, detail: v.detail, dkey: v.dkey });
    }
    return { keys, verdicts };
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
  /**
   * of those, the image packages whose stored verdict rows were read and compared (incremental: the others take
   * the changes of their package's stored details, worked out once per package)
   */
  comparedImagePackages: number;
  /** verdict rows written (new, or another severity or dkey) and deleted */
  verdictsWritten: number;
  verdictsDeleted: number;
  /** verdict details written (new or changed), shared by the images holding their package */
  detailsWritten: number;
  notifications: number;
  deliveries: number;
  ms: number;
  /** CPU milliseconds by phase: reading what to match and the stored verdicts, matching, comparing, writing */
  cpuMs: { read: number; match: number; compare: number; write: number };
  /** wall milliseconds by the same phases */
  wallMs: { read: number; match: number; compare: number; write: number };
}

const META_NOTIFIED = 'notified_db_built_at';
const BATCH = 250;

/**
 * A new verdict with its detail serialised once (shared by every image holding the package), and the dkey of
 * the package it was found on.
 */
interface NewVerdict extends VulnVerdict {
  detailJson: string;
  dkey: string;
}

/** What one image needs matched: its name, its inventory's OS (JSON text) and the match identities concerned. */
interface Target {
  name: string;
  os: string;
  identities: Set<string>;
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
    const highs = new Map<string, boolean>();
    const high = (sev: string) => {
      let h = highs.get(sev);
      if (h === undefined) highs.set(sev, (h = severityRank(sev as Severity) >= threshold));
      return h;
    };
    const webhooks = silent ? [] : await this.store.listWebhooks();
    const notifications: Array<Omit<NotificationRecord, 'seq' | 'acknowledgedAt'>> = [];
    // removed notifications whose body is a stored detail of verdict_details, filled in once those are read
    const removedBodies: Array<{ n: Omit<NotificationRecord, 'seq' | 'acknowledgedAt'>; key: string }> = [];
    const upserts: Array<StoredVerdict & { digest: string }> = [];
    const deletes: Array<{ digest: string; vulnId: string; package: string }> = [];
    // verdict details: as stored (of every dkey matched, read once), and as this round found them
    const oldDetails = new Map<string, StoredDetail>();
    const oldByDkey = new Map<string, StoredDetail[]>();
    const readDkeys = new Set<string>();
    const newDetails = new Map<string, VerdictDetail>();
    const matchedDkeys = new Set<string>();
    const readDetails = async (dkeys: Iterable<string>) => {
      const want = [...dkeys].filter((k) => !readDkeys.has(k));
      for (const k of want) readDkeys.add(k);
      if (!want.length) return;
      for (const d of await this.store.detailsUnder(want)) {
        oldDetails.set(`${d.dkey} ${d.vulnId}`, d);
        const list = oldByDkey.get(d.dkey);
        if (list) list.push(d);
        else oldByDkey.set(d.dkey, [d]);
      }
    };
    // Incremental: the stored rows of an image's package agree with the stored details of that package (the
    // index baseline and every round write both together), so what changes for every image holding a package
    // is what changed between its stored details and its new verdicts: worked out once per package, then
    // applied to each holder without reading its rows. Rows are read and compared image by image for packages
    // an image holds twice (merged verdicts), images with verdicts from before verdict_details, and packages
    // whose details have no severity yet (schema 3); a full round compares every image's rows.
    type SlotDiff = { added: NewVerdict[]; gone: StoredDetail[]; resevered: Array<[StoredDetail, NewVerdict]> } | undefined;
    const diffs = new Map<Slot, SlotDiff>();
    const diffOf = (slot: Slot): SlotDiff => {
      if (diffs.has(slot)) return diffs.get(slot);
      let d: SlotDiff = { added: [], gone: [], resevered: [] };
      for (const o of oldByDkey.get(slot.dkey) ?? []) {
        if (o.severity === null) {
          d = undefined; // (schema 3)
          break;
        }
        if (!slot.verdicts.has(o.vulnId)) d.gone.push(o);
      }
      if (d) {
        for (const v of slot.verdicts.values()) {
          const o = oldDetails.get(`${slot.dkey} ${v.vulnId}`);
          if (!o) d.added.push(v);
          else if (o.severity !== v.severity) d.resevered.push([o, v]);
        }
      }
      diffs.set(slot, d);
      return d;
    };
    let compared = 0;
    let rematched = 0;
    let imagePackages = 0;
    let affected = 0;
    // CPU milliseconds per phase (process.cpuUsage: what the round itself costs on a shared machine)
    const phases = { read: 0, match: 0, compare: 0, write: 0 };
    const walls = { read: 0, match: 0, compare: 0, write: 0 };
    let mark = process.cpuUsage();
    let wallMark = performance.now();
    const lap = (phase: keyof typeof phases) => {
      const d = process.cpuUsage(mark);
      phases[phase] += (d.user + d.system) / 1000;
      mark = process.cpuUsage();
      const now = performance.now();
      walls[phase] += now - wallMark;
      wallMark = now;
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
      const r = matchTargets(targets, current);
      rematched += r.unique;
      for (const [k, d] of r.details) newDetails.set(k, d);
      for (const k of r.dkeys) matchedDkeys.add(k);
      lap('match');
      await readDetails(r.dkeys);
      const now = Date.now();
      const added = (digest: string, image: string, v: NewVerdict) =>
        notifications.push({ id: randomUUID(), updateId, digest, image, reason: 'added', vulnId: v.vulnId, package: v.package, severity: v.severity, body: v.detail, createdAt: now });
      const removed = (digest: string, image: string, b: StoredVerdict) => {
        const n = { id: randomUUID(), updateId, digest, image, reason: 'removed' as const, vulnId: b.vulnId, package: b.package, severity: b.severity, body: {}, createdAt: now };
        notifications.push(n);
        if (b.dkey) removedBodies.push({ n, key: `${b.dkey} ${b.vulnId}` });
        else n.body = JSON.parse(b.detail) as Record<string, unknown>;
      };
      const upsert = (digest: string, v: NewVerdict) => upserts.push({ digest, vulnId: v.vulnId, package: v.package, severity: v.severity, detail: '', dkey: v.dkey });
      // the packages of each image whose stored rows are compared; the others take their package's changes
      const inline = incremental ? await this.store.inlineVerdictImages([...targets.keys()]) : undefined;
      lap('read');
      const compare = new Map<string, Array<[string, Slot[]]>>();
      const comparedIds = new Set<string>();
      for (const [digest, held] of r.perImage) {
        imagePackages += held.size;
        const image = targets.get(digest)!.name;
        const mine: Array<[string, Slot[]]> = [];
        for (const [pkg, slots] of held) {
          const d = inline && !inline.has(digest) && slots.length === 1 ? diffOf(slots[0]!) : undefined;
          if (!d) {
            mine.push([pkg, slots]);
            comparedIds.add(pkg);
            continue;
          }
          for (const v of d.added) {
            upsert(digest, v);
            if (!silent && high(v.severity)) added(digest, image, v);
          }
          for (const o of d.gone) {
            deletes.push({ digest, vulnId: o.vulnId, package: pkg });
            if (!silent && high(o.severity!)) removed(digest, image, { vulnId: o.vulnId, package: pkg, severity: o.severity!, detail: '', dkey: o.dkey });
          }
          for (const [o, v] of d.resevered) {
            upsert(digest, v);
            if (silent) continue;
            const [was, is] = [high(o.severity!), high(v.severity)];
            if (is && !was) added(digest, image, v);
            else if (was && !is) removed(digest, image, { vulnId: o.vulnId, package: pkg, severity: o.severity!, detail: '', dkey: o.dkey });
          }
        }
        if (mine.length) compare.set(digest, mine);
        compared += mine.length;
      }
      lap('compare');
      const stored = compare.size ? await this.store.storedVerdicts([...compare.keys()], keyed ? [...comparedIds] : undefined) : new Map<string, StoredVerdict[]>();
      lap('read');
      for (const [digest, mine] of compare) {
        const image = targets.get(digest)!.name;
        // the stored verdicts of the packages compared, by package: only their severity and dkey are compared
        // (a detail that changed is rewritten once in verdict_details, not per image)
        const rows = new Map<string, StoredVerdict[]>();
        for (const v of stored.get(digest) ?? []) {
          const list = rows.get(v.package);
          if (list) list.push(v);
          else rows.set(v.package, [v]);
        }
        for (const [pkg, slots] of mine) {
          const fresh = slots.length === 1 ? slots[0]!.verdicts : merged(slots);
          const before = rows.get(pkg) ?? [];
          let kept = 0;
          for (const b of before) {
            const v = fresh.get(b.vulnId);
            if (!v) {
              deletes.push({ digest, vulnId: b.vulnId, package: b.package });
              if (!silent && high(b.severity)) removed(digest, image, b);
              continue;
            }
            kept++;
            if (v.severity !== b.severity || v.dkey !== b.dkey) upsert(digest, v);
            if (silent) continue;
            const [was, is] = [high(b.severity), high(v.severity)];
            if (is && !was) added(digest, image, v);
            else if (was && !is) removed(digest, image, b);
          }
          if (kept === fresh.size) continue;
          const had = new Set(before.map((b) => b.vulnId));
          for (const v of fresh.values()) {
            if (had.has(v.vulnId)) continue;
            upsert(digest, v);
            if (!silent && high(v.severity)) added(digest, image, v);
          }
        }
      }
    }
    // the bodies of removed verdicts: their last detail, read now (before the round writes the new ones)
    if (removedBodies.length) {
      const texts = new Map<string, string>();
      for (const d of await this.store.detailsUnder([...new Set(removedBodies.map((r) => r.key.slice(0, r.key.indexOf(' '))))], true)) texts.set(`${d.dkey} ${d.vulnId}`, d.detail!);
      for (const r of removedBodies) {
        const d = texts.get(r.key);
        if (d !== undefined) r.n.body = JSON.parse(d) as Record<string, unknown>;
      }
    }
    // details: every one found is handed to the store, which writes those new or different; the matched dkeys'
    // details this round did not find are dropped once no verdict names them
    const detailUpserts = [...newDetails.values()];
    const gone: Array<{ dkey: string; vulnId: string }> = [];
    for (const k of oldDetails.keys()) {
      if (newDetails.has(k)) continue;
      const sp = k.indexOf(' ');
      if (matchedDkeys.has(k.slice(0, sp))) gone.push({ dkey: k.slice(0, sp), vulnId: k.slice(sp + 1) });
    }
    lap('compare');
    const mode = silent ? 'baseline' : incremental ? 'incremental' : 'full';
    const deliveries = this.deliveries(updateId, builtAt, notifications, webhooks);
    const { detailsWritten } = await this.store.recordRound({
      updateId,
      verdicts: { upserts, deletes },
      details: { upserts: detailUpserts, gone },
      notifications,
      deliveries,
      notifiedBuiltAt: builtAt,
      summary: {
        changedVulns: cs ? cs.changed : 0,
        affectedImages: affected,
        dbBuiltAt: builtAt,
        detail: {
          mode, rematchedPackages: rematched, rematchedImagePackages: imagePackages, comparedImagePackages: compared, verdictsWritten: upserts.length, verdictsDeleted: deletes.length,
          deliveries: deliveries.length,
        },
      },
    });
    lap('write');
    const summary: RoundSummary = {
      mode,
      changedVulns: cs ? cs.changed : 0,
      affectedImages: affected,
      rematchedPackages: rematched,
      rematchedImagePackages: imagePackages,
      comparedImagePackages: compared,
      verdictsWritten: upserts.length,
      verdictsDeleted: deletes.length,
      detailsWritten,
      notifications: notifications.length,
      deliveries: deliveries.length,
      ms: Date.now() - t0,
      cpuMs: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v)])) as RoundSummary['cpuMs'],
      wallMs: Object.fromEntries(Object.entries(walls).map(([k, v]) => [k, Math.round(v)])) as RoundSummary['wallMs'],
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
    // the same packages under a key recur across images (a shared base): each distinct list is parsed once, and
    // its identities are then the same strings for every image
    const lists = new Map<string, string[]>();
    for (const digest of part) {
      const f = facts.get(digest);
      if (!f) continue; // deleted meanwhile, or not indexed
      const rows = keyed?.get(digest);
      if (!rows || f.os === null || rows.some((r) => r === null)) {
        fromIndex.push(digest);
        continue;
      }
      const identities = new Set<string>();
      for (const r of rows) {
        let ids = lists.get(r!);
        if (!ids) lists.set(r!, (ids = JSON.parse(r!) as string[]));
        for (const id of ids) identities.add(id);
      }
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

/** A distinct package matched once: its dkey, its package id, and its verdicts by advisory. */
interface Slot {
  dkey: string;
  pkgId: string;
  verdicts: Map<string, NewVerdict>;
}

/**
 * The verdicts of one package id in an image holding it as several distinct packages (another arch, another
 * source): per advisory the more severe, on a tie the smaller detail.
 */
function merged(slots: Slot[]): Map<string, NewVerdict> {
  const out = new Map<string, NewVerdict>();
  for (const s of slots) {
    for (const v of s.verdicts.values()) {
      const prev = out.get(v.vulnId);
      if (prev) {
        const rank = severityRank(v.severity as Severity);
        const prevRank = severityRank(prev.severity as Severity);
        if (!(rank > prevRank || (rank === prevRank && v.detailJson < prev.detailJson))) continue;
      }
      out.set(v.vulnId, v);
    }
  }
  return out;
}

/**
 * Match the targets: per OS, one inventory of the distinct packages (identical packages of many images are
 * matched once, their verdicts shared), and per image its packages by package id. Each verdict carries the
 * dkey of its package; `details` holds the detail of every (dkey, advisory) found.
 */
function matchTargets(targets: Map<string, Target>, store: VulnStore): {
  unique: number;
  packageIds: Set<string>;
  dkeys: string[];
  details: Map<string, VerdictDetail>;
  perImage: Map<string, Map<string, Slot[]>>;
} {
  type Group = { osText: string; os: InventoryReport['os'] | null; packages: Package[]; slots: Slot[]; byIdentity: Map<string, number> };
  const groups = new Map<string, Group>();
  const perImage = new Map<string, Map<string, Slot[]>>();
  const packageIds = new Set<string>();
  for (const [digest, t] of targets) {
    let g = groups.get(t.os);
    if (!g) groups.set(t.os, (g = { osText: t.os, os: JSON.parse(t.os) as InventoryReport['os'] | null, packages: [], slots: [], byIdentity: new Map() }));
    const held = new Map<string, Slot[]>();
    perImage.set(digest, held);
    for (const identity of t.identities) {
      let n = g.byIdentity.get(identity);
      if (n === undefined) {
        n = g.packages.length;
        g.byIdentity.set(identity, n);
        const p = JSON.parse(identity) as Package;
        // the slot number as the path: findings name it in their location, which maps them back
        g.packages.push({ ...p, path: `#${n}` });
        g.slots.push({ dkey: detailKey(g.osText, identity), pkgId: packageId(p), verdicts: new Map() });
      }
      const slot = g.slots[n]!;
      const list = held.get(slot.pkgId);
      if (list) list.push(slot);
      else held.set(slot.pkgId, [slot]);
      packageIds.add(slot.pkgId);
    }
  }
  let unique = 0;
  const dkeys: string[] = [];
  const details = new Map<string, VerdictDetail>();
  for (const g of groups.values()) {
    if (!g.packages.length) continue;
    unique += g.packages.length;
    for (const s of g.slots) dkeys.push(s.dkey);
    const inv: InventoryReport = { packages: g.packages, ...(g.os ? { os: g.os } : {}), warnings: [] };
    const { findings } = vulnerabilityReport(inv, { store, dbFile: store.path });
    const bySlot = new Map<number, Finding[]>();
    for (const f of findings) {
      const path = f.location.kind === 'image' ? f.location.path : undefined;
      if (!path?.startsWith('#') || !f.vulnerability) continue;
      const n = Number(path.slice(1));
      const list = bySlot.get(n);
      if (list) list.push(f);
      else bySlot.set(n, [f]);
    }
    for (const [n, fs] of bySlot) {
      const slot = g.slots[n]!;
      for (const v of verdictsFrom(fs) as NewVerdict[]) {
        // (fresh objects: completed in place)
        v.detailJson = JSON.stringify(v.detail);
        v.dkey = slot.dkey;
        details.set(`${slot.dkey} ${v.vulnId}`, { dkey: slot.dkey, vulnId: v.vulnId, detail: v.detailJson, severity: v.severity });
        // findings name the slot's own package: one verdict per advisory
        slot.verdicts.set(v.vulnId, v);
      }
    }
  }
  return { unique, packageIds, dkeys, details, perImage };
}
