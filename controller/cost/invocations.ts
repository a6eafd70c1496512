import {
  type Architecture,
  logIngestionUsd,
  onDemandRate,
  PLATFORM_LOG_BYTES,
  PRICES,
  type PriceBook,
  type PriceSheet,
} from './prices';

/** Lambda bills duration in whole milliseconds, rounded up, and at least 1 ms. */
export function billedMs(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs));
}

/** GB-seconds of `ms` milliseconds at `memoryMb` (AWS counts 1 GB as 1,024 MB). */
export function gbSeconds(memoryMb: number, ms: number): number {
  return (memoryMb / 1024) * (ms / 1000);
}

export function costOfRequests(count: number, sheet: PriceSheet): number {
  return (count / 1e6) * sheet.requestPerMillion;
}

/**
 * On-demand duration (or INIT) cost. `monthToDate` is the GB-seconds already billed this month, which selects the
 * tier; it defaults to 0, i.e. the first tier, where any workload this tool simulates stays.
 */
export function costOfDuration(gbs: number, sheet: PriceSheet, monthToDate = 0): number {
  let cost = 0;
  let left = gbs;
  let used = monthToDate;
  for (const tier of sheet.durationTiers) {
    if (left <= 0) break;
    const room = Math.max(0, tier.upToGbSeconds - used);
    const here = Math.min(left, room);
    cost += here * tier.perGbSecond;
    left -= here;
    used += here;
  }
  return cost;
}

export interface PingCostInput {
  readonly count: number;
  /** How long each ping keeps its environment busy (the hold), in ms. */
  readonly holdMs: number;
  readonly memoryMb: number;
  readonly architecture: Architecture;
  /** Pings that landed on a new environment and so paid an INIT. */
  readonly coldPings?: number;
  readonly initMs?: number;
  readonly prices?: PriceBook;
}

export interface PingCost {
  readonly requests: number;
  readonly duration: number;
  readonly init: number;
  /** The ingestion of the lines Lambda logs for each (PLATFORM_LOG_BYTES). */
  readonly logs: number;
  readonly total: number;
}

/**
 * What `count` warm-up pings cost: one request each, the held duration, the INIT of those that were cold, and the
 * lines Lambda logs for each of them.
 */
export function costOfPings(input: PingCostInput): PingCost {
  const sheet = (input.prices ?? PRICES)[input.architecture];
  const requests = costOfRequests(input.count, sheet);
  const duration = gbSeconds(input.memoryMb, input.count * billedMs(input.holdMs)) * onDemandRate(sheet);
  const cold = input.coldPings ?? 0;
  const init = cold > 0 ? gbSeconds(input.memoryMb, cold * billedMs(input.initMs ?? 0)) * onDemandRate(sheet) : 0;
  const logs = logIngestionUsd(input.count * PLATFORM_LOG_BYTES);
  return { requests, duration, init, logs, total: requests + duration + init + logs };
}
