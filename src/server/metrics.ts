/**
 * Prometheus metrics in the text exposition format (0.0.4): counters, gauges and histograms kept in this
 * process, plus gauges read at scrape time (queue depth, database age). Small on purpose: no client library.
 */
type Labels = Record<string, string>;

function labelText(l: Labels | undefined): string {
  if (!l) return '';
  const parts = Object.entries(l).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

interface Family {
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
}

export class Metrics {
  private readonly families = new Map<string, Family>();
  private readonly values = new Map<string, Map<string, number>>();
  private readonly hists = new Map<string, { buckets: number[]; series: Map<string, { counts: number[]; sum: number; count: number; labels?: Labels }> }>();
  private readonly collectors: Array<() => Promise<Array<{ name: string; value: number; labels?: Labels }>>> = [];

  counter(name: string, help: string): void {
    this.families.set(name, { help, type: 'counter' });
  }
  gauge(name: string, help: string): void {
    this.families.set(name, { help, type: 'gauge' });
  }
  histogram(name: string, help: string, buckets: number[]): void {
    this.families.set(name, { help, type: 'histogram' });
    this.hists.set(name, { buckets, series: new Map() });
  }
  /** gauges whose values are read when scraped */
  collect(fn: () => Promise<Array<{ name: string; value: number; labels?: Labels }>>): void {
    this.collectors.push(fn);
  }

  inc(name: string, labels?: Labels, by = 1): void {
    const key = labelText(labels);
    let m = this.values.get(name);
    if (!m) this.values.set(name, (m = new Map()));
    m.set(key, (m.get(key) ?? 0) + by);
  }
  set(name: string, value: number, labels?: Labels): void {
    let m = this.values.get(name);
    if (!m) this.values.set(name, (m = new Map()));
    m.set(labelText(labels), value);
  }
  observe(name: string, value: number, labels?: Labels): void {
    const h = this.hists.get(name);
    if (!h) return;
    const key = labelText(labels);
    let s = h.series.get(key);
    if (!s) h.series.set(key, (s = { counts: h.buckets.map(() => 0), sum: 0, count: 0, labels }));
    for (let i = 0; i < h.buckets.length; i++) if (value <= h.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  async render(): Promise<string> {
    const collected = new Map<string, Array<{ value: number; labels?: Labels }>>();
    for (const c of this.collectors) {
      try {
        for (const v of await c()) {
          const list = collected.get(v.name) ?? [];
          list.push(v);
          collected.set(v.name, list);
        }
      } catch {
        // a failing collector (database briefly unreachable) leaves its gauges out of this scrape
      }
    }
    const out: string[] = [];
    for (const [name, fam] of this.families) {
      out.push(`# HELP ${name} ${fam.help}`, `# TYPE ${name} ${fam.type}`);
      if (fam.type === 'histogram') {
        const h = this.hists.get(name)!;
        for (const [, s] of h.series) {
          h.buckets.forEach((b, i) => out.push(`${name}_bucket${labelText({ ...s.labels, le: String(b) })} ${s.counts[i]}`));
          out.push(`${name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`);
          out.push(`${name}_sum${labelText(s.labels)} ${s.sum}`, `${name}_count${labelText(s.labels)} ${s.count}`);
        }
        continue;
      }
      for (const [key, v] of this.values.get(name) ?? []) out.push(`${name}${key} ${v}`);
      for (const v of collected.get(name) ?? []) out.push(`${name}${labelText(v.labels)} ${v.value}`);
    }
    return out.join('\n') + '\n';
  }
}
