import { percentile as nearestRank } from '../../controller/plan/statistics';
import type { Copy, DemoRecord, RequestSample } from './record';
import { COPIES } from './record';

/** Nearest-rank percentile (p in 0–100) of the values; 0 for none, so an empty copy reads as "no added latency". */
export function percentile(values: readonly number[], p: number): number {
  return nearestRank(values, p / 100);
}

export interface CopySummary {
  readonly fn: string;
  readonly copy: Copy;
  readonly requests: number;
  readonly errors: number;
  readonly coldStarts: number;
  /** Warm requests over successful requests; null when there were none. */
  readonly warmRatio: number | null;
  /** Median and 99th percentile of the latency cold starts added, over all successful requests. */
  readonly p50AddedMs: number;
  readonly p99AddedMs: number;
  readonly pings: number;
  readonly pingCostUsd: number;
}

export function warmRatio(samples: readonly RequestSample[]): number | null {
  const ok = samples.filter((s) => s.ok);
  if (ok.length === 0) return null;
  return ok.filter((s) => !s.cold).length / ok.length;
}

/** One row per function and copy, in the record's function order, managed first. */
export function summarise(record: DemoRecord): CopySummary[] {
  const rows: CopySummary[] = [];
  for (const fn of record.functions) {
    let pings = 0;
    let pingCostUsd = 0;
    for (const tick of record.ticks) {
      pings += tick.pings[fn] ?? 0;
      pingCostUsd += tick.pingCostUsd[fn] ?? 0;
    }
    for (const copy of COPIES) {
      const mine = record.samples.filter((s) => s.fn === fn && s.copy === copy);
      const ok = mine.filter((s) => s.ok);
      const added = ok.map((s) => (s.cold ? s.addedMs : 0));
      rows.push({
        fn,
        copy,
        requests: mine.length,
        errors: mine.length - ok.length,
        coldStarts: ok.filter((s) => s.cold).length,
        warmRatio: warmRatio(mine),
        p50AddedMs: percentile(added, 50),
        p99AddedMs: percentile(added, 99),
        // Only the managed copy is pinged; the unmanaged one is the control group.
        pings: copy === 'managed' ? pings : 0,
        pingCostUsd: copy === 'managed' ? pingCostUsd : 0,
      });
    }
  }
  return rows;
}

/** Warm ratio of all functions together, per copy: the demo's headline. */
export function overallWarmRatio(record: DemoRecord, copy: Copy): number | null {
  return warmRatio(record.samples.filter((s) => s.copy === copy));
}

/** Splits the story day into equal buckets; each value is computed from the samples whose time falls in it. */
export function bucketed<T>(
  record: DemoRecord,
  buckets: number,
  pick: (samples: readonly RequestSample[]) => T,
  filter: (s: RequestSample) => boolean,
): T[] {
  const size = record.settings.durationMs / buckets;
  const groups: RequestSample[][] = Array.from({ length: buckets }, () => []);
  for (const s of record.samples) {
    if (!filter(s)) continue;
    const index = Math.min(buckets - 1, Math.max(0, Math.floor(s.atMs / size)));
    groups[index]!.push(s);
  }
  return groups.map(pick);
}
