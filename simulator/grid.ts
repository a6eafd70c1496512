/**
 * Thermostat against the fixed warmers' grid on one trace: every interval × concurrency a user of
 * serverless-plugin-warmup or lambda-warmer might configure, provisioned concurrency, and no warming, each replayed
 * with several seeds and averaged, compared in cold share and warming overhead (cost minus no warming's). Used by
 * `thermostat simulate --grid` on a user's own trace and by the benchmark on the shared ones.
 */
import { performance } from 'node:perf_hooks';
import { type PolicySet, parsePolicySource } from '../controller/policy';
import type { ModelOptions } from './model/options';
import { warmingOverheads } from './overhead';
import type { StrategyResult } from './results';
import { simulate } from './run';
import { createStrategy, type StrategyId } from './strategies';
import { type ForecastSums, forecastOf } from './strategies/forecast-tally';
import type { Trace } from './traces/types';

/** Intervals and concurrencies of the fixed warmers' grid. */
export const GRID_INTERVALS = ['1m', '5m', '15m'] as const;
export const GRID_CONCURRENCY = [1, 2, 5] as const;
/**
 * Seeds each grid point is replayed with (arrivals inside a minute, reclaim draws, schedule phases): on traces where
 * strategies end a few cold starts apart, one draw decides who "wins"; the grid compares their means.
 */
export const GRID_SEEDS = [1, 2, 3, 4, 5] as const;
/** A grid point dominates Thermostat when it is at least as warm with under this share of its overhead. */
export const DOMINANCE_OVERHEAD_SHARE = 0.95;

const round = (value: number, digits = 6) => Number(value.toPrecision(digits));
const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** The mean over a strategy's runs of what `pick` reads from each. */
export const meanOf = (results: readonly StrategyResult[], pick: (result: StrategyResult) => number) =>
  mean(results.map(pick));

/** One strategy's runs, one per seed, as the mean of each. */
export function averaged(results: readonly StrategyResult[]) {
  const of = (pick: (result: StrategyResult) => number) => meanOf(results, pick);
  const parts = Object.keys(results[0]!.cost) as Array<keyof StrategyResult['cost']>;
  return {
    strategy: results[0]!.strategy,
    coldShare: round(of((r) => r.coldShare)),
    coldShareP75: round(of((r) => r.coldShareP75)),
    costUsd: round(
      of((r) => r.costUsd),
      8,
    ),
    cost: Object.fromEntries(parts.map((part) => [part, round(of((r) => r.cost[part]))])),
    pingsSent: Math.round(of((r) => r.pings.sent)),
    /** Cold starts in each seed's run, in the order of the seeds: how far one draw moves the mean. */
    coldStartsPerSeed: results.map((r) => r.coldStarts),
    ...forecastMean(results),
  };
}

/** Auto mode's forecast against the simulation (ForecastTally), the mean over the runs, when every run had one. */
function forecastMean(results: readonly StrategyResult[]): { forecast?: ForecastSums } {
  const sums = results.map((result) => forecastOf(result.facts));
  if (!sums.every((sum) => sum !== undefined)) return {};
  const of = (pick: (sum: ForecastSums) => number) => round(mean(sums.map(pick)));
  return {
    forecast: {
      requests: of((sum) => sum.requests),
      coldExpected: of((sum) => sum.coldExpected),
      coldActual: of((sum) => sum.coldActual),
    },
  };
}

export interface GridPoint {
  readonly strategy: string;
  readonly setting: string;
  readonly coldShare: number;
  readonly coldShareP75: number;
  readonly costUsd: number;
  /** Cost minus the cost of no warming on the same trace: what warming adds. */
  readonly overheadUsd: number;
  readonly pings: number;
  /** Cold starts in each seed's run, in the order of `seeds`: how far one draw moves the mean. */
  readonly coldStartsPerSeed: number[];
  readonly cost: Record<string, number>;
  /** Thermostat's: auto mode's forecast against the simulation, when it made one (mean of the seeds). */
  readonly forecast?: ForecastSums;
}

/** A grid point's name, as the verdict lists the points that dominate Thermostat: `lambda-warmer (5m, c=1)`. */
export const gridPointName = (point: { readonly strategy: string; readonly setting: string }) =>
  `${point.strategy} (${point.setting})`;

/** serverless-plugin-warmup's default (5 minutes, concurrency 1): the point the verdicts compare Thermostat with. */
export const pluginDefaultOf = <Row extends { readonly strategy: string; readonly setting: string }>(
  rows: readonly Row[],
): Row | undefined => rows.find((row) => row.strategy === 'serverless-plugin-warmup' && row.setting === '5m, c=1');

/** Whether `point` dominates Thermostat (`own`): at least as warm, with under DOMINANCE_OVERHEAD_SHARE of its overhead. */
export const dominates = (
  point: { readonly coldShare: number; readonly overheadUsd: number },
  own: { readonly coldShare: number; readonly overheadUsd: number },
) => point.coldShare <= own.coldShare && point.overheadUsd < DOMINANCE_OVERHEAD_SHARE * own.overheadUsd;

/** A fixed configuration of the warmers (and the provisioned strategies' level), as a defaults document. */
const fixed = (interval: string, concurrency: number) =>
  `defaults:\n  mode: warm\n  warm: { concurrency: ${concurrency}, interval: ${interval} }\n  provisioned: { min: ${concurrency}, max: ${Math.max(10, concurrency)} }\n`;

/** A policy set from text the grid writes itself. */
export function policySetOf(text: string, name: string): PolicySet {
  const parsed = parsePolicySource(text, name);
  if (parsed.issues.length > 0) throw new Error(`grid policy ${name} is invalid: ${JSON.stringify(parsed.issues)}`);
  return { policies: parsed.policies, defaults: parsed.defaults, issues: [], files: [] };
}

/**
 * Every grid point and Thermostat under `thermostat` (the user's policy set) on `trace`, each replayed with every
 * seed and averaged, with the verdict: the points that dominate Thermostat, and how it compares with
 * serverless-plugin-warmup's default (5 minutes, concurrency 1). `setting` names Thermostat's row; `options` are the
 * simulation's for every point alike (the seed is each run's own).
 */
export function runGrid(
  trace: Trace,
  thermostat: { readonly policySet: PolicySet; readonly setting: string },
  options: {
    readonly seeds?: readonly number[];
    readonly model?: Partial<ModelOptions>;
    readonly memoryMb?: number;
    readonly epochMs?: number;
    /** After each group of points: how many of `total` are done. */
    readonly onPoint?: (done: number, total: number) => void;
  } = {},
) {
  const seeds = options.seeds ?? GRID_SEEDS;
  const started = performance.now();
  const points: Array<Omit<GridPoint, 'overheadUsd'>> = [];
  // the provisioned strategies with no warming, each warmer setting, Thermostat
  const total = 2 + GRID_INTERVALS.length * GRID_CONCURRENCY.length;
  let done = 0;
  const run = (set: PolicySet, ids: readonly StrategyId[], setting: string) => {
    const runs = seeds.map((seed) =>
      simulate({
        trace,
        policySet: set,
        strategies: ids.map(createStrategy),
        model: { ...options.model, seed },
        ...(options.memoryMb !== undefined ? { memoryMb: options.memoryMb } : {}),
        ...(options.epochMs !== undefined ? { epochMs: options.epochMs } : {}),
      }),
    );
    ids.forEach((_, i) => {
      const { strategy, coldShare, coldShareP75, costUsd, pingsSent, coldStartsPerSeed, cost, forecast } = averaged(
        runs.map((result) => result.results[i]!),
      );
      points.push({
        strategy,
        setting: strategy === 'none' || strategy === 'oracle' ? '–' : setting,
        coldShare,
        coldShareP75,
        costUsd,
        pings: pingsSent,
        coldStartsPerSeed,
        cost,
        ...(forecast ? { forecast } : {}),
      });
    });
    done += 1;
    options.onPoint?.(done, total);
  };
  const text = (interval: string, concurrency: number) => policySetOf(fixed(interval, concurrency), 'grid.yaml');
  run(text('5m', 1), ['none', 'static-pc', 'scheduled-pc', 'aas-target-tracking', 'oracle'], 'provisioned 1');
  for (const interval of GRID_INTERVALS) {
    for (const concurrency of GRID_CONCURRENCY) {
      run(text(interval, concurrency), ['serverless-plugin-warmup', 'lambda-warmer'], `${interval}, c=${concurrency}`);
    }
  }
  run(thermostat.policySet, ['thermostat'], thermostat.setting);
  const overheads = warmingOverheads(points)!;
  const rows: GridPoint[] = points.map((point, i) => ({ ...point, overheadUsd: round(overheads[i]!, 8) }));
  const own = rows.find((row) => row.strategy === 'thermostat')!;
  const dominatedBy = rows
    .filter((row) => row.strategy !== 'thermostat' && row.strategy !== 'oracle')
    .filter((row) => dominates(row, own))
    .map(gridPointName);
  const pluginDefault = pluginDefaultOf(rows)!;
  return {
    seeds: [...seeds],
    wallMs: Math.round(performance.now() - started),
    rows,
    verdict: {
      dominatedBy,
      warmerThanPluginDefault: own.coldShare <= pluginDefault.coldShare,
      cheaperThanPluginDefault: own.overheadUsd <= pluginDefault.overheadUsd,
    },
  };
}
