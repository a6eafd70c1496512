import { PRICES_EFFECTIVE, PRICES_REGION } from '../../controller/cost';
import { formatDuration } from '../../controller/policy/duration';
import type { Series } from '../model/engine';
import { formatSpread } from '../model/spread';
import { warmingOverheads } from '../overhead';
import type { StrategyResult } from '../results';
import type { SimulationRun } from '../run';
import type { Citation } from '../traces/citation';
import type { Trace } from '../traces/types';

/** One row per strategy: what `--json` prints and the report shows. */
export interface ReportRow {
  readonly strategy: string;
  readonly label: string;
  readonly summary: string;
  readonly coldShare: number;
  readonly coldShareP75: number;
  readonly throttleShare: number;
  readonly requests: number;
  readonly coldStarts: number;
  readonly addedLatencyMs: StrategyResult['addedLatencyMs'];
  readonly costUsd: number;
  /** The cost of warming: `costUsd` minus the `none` strategy's, when the run has one (simulator/overhead.ts). */
  readonly overheadUsd?: number;
  readonly cost: StrategyResult['cost'];
  readonly pings: StrategyResult['pings'];
  readonly environments: StrategyResult['environments'];
  readonly provisioned: StrategyResult['provisioned'];
  readonly facts: StrategyResult['facts'];
  /** Each function with at least one request: its requests and cold starts. */
  readonly perFunction: StrategyResult['perFunction'];
}

export interface SimulationReport {
  readonly trace: {
    readonly name: string;
    readonly format: string;
    readonly files: readonly string[];
    readonly functions: number;
    readonly invocations: number;
    /** Virtual start and end as ISO dates (virtual time 0 = `settings.epoch`). */
    readonly from: string;
    readonly to: string;
    readonly arrivalRule: string;
    readonly citation: Citation;
  };
  readonly settings: Readonly<Record<string, string | number>>;
  readonly policies: { readonly named: number; readonly unmatched: readonly string[] };
  readonly rows: readonly ReportRow[];
  readonly series: {
    /** Sample instants, epoch ms. */
    readonly t: readonly number[];
    readonly strategies: Readonly<Record<string, Omit<Series, 't'>>>;
  };
  readonly wallMs: number;
}

/** Everything a reader needs to interpret one simulation, as plain JSON-able data. */
export function buildReport(trace: Trace, run: SimulationRun): SimulationReport {
  const { model } = run;
  const iso = (t: number) => new Date(run.epochMs + t).toISOString();
  const first = run.results[0]?.series.t ?? [];
  const overheads = warmingOverheads(run.results);
  return {
    trace: {
      name: trace.name,
      format: trace.format,
      files: trace.files,
      functions: trace.functions.length,
      invocations: trace.invocations,
      from: iso(trace.startMs),
      to: iso(trace.endMs),
      arrivalRule: trace.arrivalRule,
      citation: trace.citation,
    },
    settings: {
      epoch: new Date(run.epochMs).toISOString(),
      seed: model.seed,
      idleReclaim: formatSpread(model.idleReclaim),
      maxLifetime: formatSpread(model.maxLifetime),
      proactiveReplacement: model.proactiveReplacement,
      schedulePhase: formatSpread(model.schedulePhase),
      coldStart: typeof model.coldStartMs === 'number' ? formatDuration(model.coldStartMs) : 'per function',
      scaling: `${model.scaling.burst} environments, refilled ${model.scaling.perSecond}/s per function`,
      accountConcurrency: model.accountConcurrency,
      provisionedAllocation: `${formatDuration(model.provisionedPrepMs)} + 1 min per ${model.provisionedPerMinute}`,
      provisionedRpsPerUnit: model.provisionedRpsPerUnit,
      prices: `${PRICES_REGION}, effective ${PRICES_EFFECTIVE}`,
      memory:
        [...new Set(run.functions.map((f) => f.memoryMb))].length === 1
          ? `${run.functions[0]?.memoryMb} MB`
          : 'per function',
      durations: trace.durationRule ?? 'as given',
      memoryRule:
        '--memory if given, else the trace’s (Azure 2019: the 99th percentile of allocated MB, as a user would configure it, rounded up to at least 128 MB; per-app rows split evenly among the app’s functions), else the policy’s auto.memoryMb, else 128 MB',
    },
    policies: { named: run.policies.named, unmatched: run.policies.unmatched.map((p) => p.key) },
    rows: run.results.map((r, i) => ({
      strategy: r.strategy,
      label: r.label,
      summary: r.summary,
      coldShare: r.coldShare,
      coldShareP75: r.coldShareP75,
      throttleShare: r.throttleShare,
      requests: r.requests,
      coldStarts: r.coldStarts,
      addedLatencyMs: r.addedLatencyMs,
      costUsd: r.costUsd,
      ...(overheads ? { overheadUsd: overheads[i]! } : {}),
      cost: r.cost,
      pings: r.pings,
      environments: r.environments,
      provisioned: r.provisioned,
      facts: r.facts,
      perFunction: r.perFunction,
    })),
    series: {
      t: first.map((t) => run.epochMs + t),
      strategies: Object.fromEntries(
        run.results.map((r) => {
          const { t: _t, ...rest } = r.series;
          return [r.strategy, rest];
        }),
      ),
    },
    wallMs: run.wallMs,
  };
}
