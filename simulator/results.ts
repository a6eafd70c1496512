import {
  costOfProvisioned,
  DYNAMODB_PRICES,
  GET_METRIC_DATA_PER_METRIC,
  gbSeconds,
  logIngestionUsd,
  onDemandRate,
  type PriceBook,
} from '../controller/cost';
import { percentileOfSorted } from '../controller/plan/statistics';
import type { EngineTotals, Series, SimFunction } from './model/engine';
import { PING_LOG_BYTES } from './model/options';

export interface CostBreakdown {
  /** User requests ($0.20 per million). */
  readonly requests: number;
  /** On-demand duration of user requests. */
  readonly duration: number;
  /** Every INIT billed: cold starts of users and pings, pre-warms, provisioned allocations during the run. */
  readonly billedInit: number;
  /** Provisioned capacity, five-minute rounding included. */
  readonly provisioned: number;
  /** Duration of user requests served by provisioned environments. */
  readonly provisionedDuration: number;
  /** The pings' own requests and duration (on the target functions). */
  readonly pings: number;
  /** Controller or warmer functions' invocations (requests and duration). */
  readonly controller: number;
  /** The controller's own observation calls (CloudWatch GetMetricData, per metric requested). */
  readonly observation: number;
  /** The controller's state table (DynamoDB on demand, per request unit). */
  readonly state: number;
  /**
   * CloudWatch Logs ingestion of what warming writes: each ping's lines in its target's log group and the controller's
   * or warmer's own (PING_LOG_BYTES and the invocations' `logBytes`); not the functions' own requests' lines, the same
   * with or without warming.
   */
  readonly logs: number;
  readonly total: number;
}

export interface FunctionResult {
  readonly id: string;
  readonly requests: number;
  readonly cold: number;
  readonly coldShare: number;
  /** Pings sent to this function (a strategy's warming, per function). */
  readonly pings: number;
}

export interface StrategyResult {
  readonly strategy: string;
  readonly label: string;
  readonly summary: string;
  readonly requests: number;
  readonly coldStarts: number;
  readonly throttled: number;
  /** Cold user requests / all user requests. */
  readonly coldShare: number;
  readonly throttleShare: number;
  /** 75th percentile across functions (with at least one request) of each function's cold share. */
  readonly coldShareP75: number;
  /** Latency added by cold starts, over served user requests. */
  readonly addedLatencyMs: { readonly p50: number; readonly p99: number; readonly mean: number };
  readonly costUsd: number;
  readonly cost: CostBreakdown;
  readonly pings: { readonly sent: number; readonly cold: number; readonly throttled: number };
  readonly environments: {
    readonly created: number;
    /** Of those, created by Lambda ahead of a busy environment's retirement (proactive initialisation). */
    readonly proactive: number;
    readonly peak: number;
    readonly mean: number;
  };
  readonly provisioned: { readonly peak: number; readonly mean: number };
  /** The strategy's own controller or warmer function: its invocations, and those that started cold (INIT billed). */
  readonly controller: { readonly invocations: number; readonly inits: number };
  readonly facts: Readonly<Record<string, number | string>>;
  readonly perFunction: readonly FunctionResult[];
  readonly series: Series;
  /** Wall-clock time the run took (not part of the results' meaning; for progress and benchmarks). */
  readonly wallMs: number;
}

/** Nearest-rank percentile of sorted values (p in 0..1): the project's one helper (controller/plan/statistics). */
export const percentile = percentileOfSorted;

/** Nearest-rank percentile of a histogram value → count. */
export function histogramPercentile(histogram: ReadonlyMap<number, number>, p: number): number {
  const entries = [...histogram.entries()].sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return 0;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const [value, count] of entries) {
    seen += count;
    if (seen >= rank) return value;
  }
  return entries[entries.length - 1][0];
}

const mean = (values: readonly number[]) =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
const max = (values: readonly number[]) => values.reduce((a, b) => (b > a ? b : a), 0);

/** Turns an engine run's raw counters into the reported numbers and the cost breakdown. */
export function summarise(
  strategy: { id: string; label: string; summary: string },
  functions: readonly SimFunction[],
  totals: EngineTotals,
  prices: PriceBook,
  facts: Record<string, number | string>,
  wallMs: number,
): StrategyResult {
  let requests = 0;
  let cold = 0;
  let throttled = 0;
  const cost = {
    requests: 0,
    duration: 0,
    billedInit: 0,
    provisioned: 0,
    provisionedDuration: 0,
    pings: 0,
    controller: 0,
    observation: 0,
    logs: 0,
    state: 0,
  };
  let pingsSent = 0;
  let pingsCold = 0;
  let pingsThrottled = 0;
  let created = 0;
  let proactive = 0;
  const perFunction: FunctionResult[] = [];
  totals.functions.forEach((t, i) => {
    const fn = functions[i];
    const sheet = prices[fn.architecture];
    const od = onDemandRate(sheet);
    const pcDuration = sheet.provisionedDurationPerGbSecond;
    const perRequest = sheet.requestPerMillion / 1e6;
    requests += t.requests;
    cold += t.cold;
    throttled += t.throttled;
    pingsSent += t.pings;
    pingsCold += t.pingsCold;
    pingsThrottled += t.pingsThrottled;
    created += t.environmentsCreated;
    proactive += t.proactiveInits;
    cost.requests += (t.requests - t.throttled) * perRequest;
    cost.duration += gbSeconds(fn.memoryMb, t.onDemandBilledMs) * od;
    cost.billedInit +=
      gbSeconds(fn.memoryMb, t.inits * fn.billedInitMs) * od +
      gbSeconds(fn.memoryMb, t.provisionedInits * fn.billedInitMs) * pcDuration;
    cost.provisioned += costOfProvisioned({
      spans: t.provisionedSpans,
      memoryMb: fn.memoryMb,
      architecture: fn.architecture,
      prices,
    }).usd;
    cost.provisionedDuration += gbSeconds(fn.memoryMb, t.provisionedBilledMs) * pcDuration;
    cost.pings +=
      (t.pings - t.pingsThrottled) * perRequest +
      gbSeconds(fn.memoryMb, t.pingOnDemandBilledMs) * od +
      gbSeconds(fn.memoryMb, t.pingProvisionedBilledMs) * pcDuration;
    if (t.requests > 0)
      perFunction.push({
        id: fn.id,
        requests: t.requests,
        cold: t.cold,
        coldShare: t.cold / t.requests,
        pings: t.pings,
      });
  });
  let logBytes = (pingsSent - pingsThrottled) * PING_LOG_BYTES;
  const controller = { invocations: 0, inits: 0 };
  for (const arch of ['x86_64', 'arm64'] as const) {
    const c = totals.controller[arch];
    controller.invocations += c.requests;
    controller.inits += c.inits;
    logBytes += c.logBytes;
    cost.controller += (c.requests / 1e6) * prices[arch].requestPerMillion + c.gbSeconds * onDemandRate(prices[arch]);
  }
  cost.observation = totals.metricsRequested * GET_METRIC_DATA_PER_METRIC;
  cost.logs = logIngestionUsd(logBytes);
  cost.state =
    totals.stateUnits.reads * DYNAMODB_PRICES.readUnit + totals.stateUnits.writes * DYNAMODB_PRICES.writeUnit;
  const total =
    cost.observation +
    cost.logs +
    cost.state +
    cost.requests +
    cost.duration +
    cost.billedInit +
    cost.provisioned +
    cost.provisionedDuration +
    cost.pings +
    cost.controller;
  const shares = perFunction.map((f) => f.coldShare).sort((a, b) => a - b);
  const served = requests - throttled;
  let latencySum = 0;
  for (const [ms, count] of totals.latency) latencySum += ms * count;
  return {
    strategy: strategy.id,
    label: strategy.label,
    summary: strategy.summary,
    requests,
    coldStarts: cold,
    throttled,
    coldShare: requests > 0 ? cold / requests : 0,
    throttleShare: requests > 0 ? throttled / requests : 0,
    coldShareP75: percentile(shares, 0.75),
    addedLatencyMs: {
      p50: histogramPercentile(totals.latency, 0.5),
      p99: histogramPercentile(totals.latency, 0.99),
      mean: served > 0 ? latencySum / served : 0,
    },
    costUsd: total,
    cost: { ...cost, total },
    pings: { sent: pingsSent, cold: pingsCold, throttled: pingsThrottled },
    environments: {
      created,
      proactive,
      peak: max(totals.series.environments),
      mean: mean(totals.series.environments),
    },
    provisioned: { peak: max(totals.series.provisioned), mean: mean(totals.series.provisioned) },
    controller,
    facts,
    perFunction,
    series: totals.series,
    wallMs,
  };
}
