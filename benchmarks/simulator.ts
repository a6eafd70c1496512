/**
 * Simulator benchmark: every strategy on every trace in the shared traces folder, and the simulator's speed on the
 * largest of them (the one-day single-function trace there: simulated invocations per second of wall time). Prints
 * one JSON object.
 *
 *   npx tsx benchmarks/simulator.ts [traces-folder] [--quick]
 *
 * `--quick` (a smoke run of the harness) skips the one-day trace and measures speed on the largest of the others.
 * The folder defaults to ../shared/traces next to the repository (THERMOSTAT_TRACES overrides it). Results are a
 * model of Lambda, not measurements of AWS; the traces are CC BY 4.0 and their citations are part of the output.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadPolicySet, type PolicySet } from '../controller/policy';
import { averaged, GRID_SEEDS, meanOf, policySetOf, runGrid } from '../simulator/grid';
import type { StrategyResult } from '../simulator/results';
import { simulate } from '../simulator/run';
import { createStrategy, STRATEGY_IDS, type StrategyId } from '../simulator/strategies';
import { loadTrace } from '../simulator/traces/load';
import { subsetOf } from '../simulator/traces/subset';
import type { Trace } from '../simulator/traces/types';

/** The policy sets compared: the same numbers for every strategy; only Thermostat reads `mode`. */
const POLICY_SETS = {
  warm: 'defaults:\n  mode: warm\n  warm: { concurrency: 2, interval: 5m }\n  provisioned: { max: 10 }\n',
} as const;

function policySet(name: keyof typeof POLICY_SETS): PolicySet {
  return policySetOf(POLICY_SETS[name], `${name}.yaml`);
}

const round = (value: number, digits = 6) => Number(value.toPrecision(digits));

/**
 * Every strategy on one trace with one policy set, replayed with every seed of GRID_SEEDS and averaged, as the grid
 * is: where strategies end a few cold starts apart, one draw would decide the order. Costs are compared as warming
 * overhead (cost minus no warming's), since the functions' own work, the same in every run, would hide a doubled
 * warming bill in a ratio of totals.
 */
function compare(trace: Trace, policies: keyof typeof POLICY_SETS, ids: readonly StrategyId[]) {
  const started = performance.now();
  const runs = GRID_SEEDS.map((seed) => {
    const began = performance.now();
    const run = simulate({
      trace,
      policySet: policySet(policies),
      strategies: ids.map(createStrategy),
      model: { seed },
      onProgress: (p) =>
        process.stderr.write(`${trace.name} (${policies}, seed ${seed}): ${Math.floor((100 * p.done) / p.total)}%\n`),
      progressEveryMs: 10_000,
    });
    return { results: run.results, wallMs: performance.now() - began };
  });
  const rows = ids.map((_, i) => {
    const results = runs.map((run) => run.results[i]);
    const { strategy, coldShare, coldShareP75, costUsd, cost, coldStartsPerSeed } = averaged(results);
    const of = (pick: (result: StrategyResult) => number) => meanOf(results, pick);
    return {
      strategy,
      coldShare,
      coldShareP75,
      throttleShare: round(of((r) => r.throttleShare)),
      addedLatencyMs: {
        p50: round(of((r) => r.addedLatencyMs.p50)),
        p99: round(of((r) => r.addedLatencyMs.p99)),
        mean: round(of((r) => r.addedLatencyMs.mean)),
      },
      costUsd,
      cost,
      pings: {
        sent: Math.round(of((r) => r.pings.sent)),
        cold: Math.round(of((r) => r.pings.cold)),
        throttled: Math.round(of((r) => r.pings.throttled)),
      },
      coldStartsPerSeed,
      provisionedMean: round(
        of((r) => r.provisioned.mean),
        4,
      ),
      // The first seed's run: counts of what the strategy did, for reading, not averaged.
      facts: results[0].facts,
    };
  });
  const none = rows.find((row) => row.strategy === 'none');
  const thermostat = rows.find((row) => row.strategy === 'thermostat');
  const overheadOf = (row: (typeof rows)[number]) => (none ? round(row.costUsd - none.costUsd, 8) : undefined);
  return {
    trace: trace.name,
    format: trace.format,
    functions: trace.functions.length,
    invocations: trace.invocations,
    arrivalRule: trace.arrivalRule,
    citation: trace.citation,
    policies,
    policyText: POLICY_SETS[policies],
    seeds: [...GRID_SEEDS],
    // one run of every strategy (the first seed's): the simulator's speed with all of them in one pass
    wallMs: Math.round(runs[0].wallMs),
    wallMsAllSeeds: Math.round(performance.now() - started),
    rows: rows.map((row) => {
      const overheadUsd = overheadOf(row);
      const own = thermostat ? overheadOf(thermostat) : undefined;
      return {
        ...row,
        overheadUsd,
        // Thermostat's value divided by this row's: below 1, Thermostat is lower.
        thermostatVs: thermostat
          ? {
              coldShare: row.coldShare > 0 ? round(thermostat.coldShare / row.coldShare, 4) : null,
              overhead:
                overheadUsd !== undefined && own !== undefined && overheadUsd > 0 ? round(own / overheadUsd, 4) : null,
            }
          : undefined,
      };
    }),
  };
}

function throughput(trace: Trace) {
  const measure = (ids: readonly StrategyId[]) => {
    const started = performance.now();
    simulate({ trace, policySet: policySet('warm'), strategies: ids.map(createStrategy) });
    const wallMs = performance.now() - started;
    return {
      strategies: ids,
      invocations: trace.invocations,
      wallMs: Math.round(wallMs),
      simulatedInvocationsPerSecond: Math.round((trace.invocations * ids.length) / (wallMs / 1000)),
    };
  };
  return { trace: trace.name, oneStrategy: measure(['none']) };
}

const EXAMPLE_POLICIES = join(__dirname, '..', 'examples', 'simulate');

/**
 * Thermostat (the example policy set, as a user would write it once for a whole account) against every fixed
 * configuration of the tools people use, in warming overhead and cold share (simulator/grid.ts).
 */
export function grid(source: string | Trace, seeds: readonly number[] = GRID_SEEDS) {
  const trace = typeof source === 'string' ? loadTrace(source) : source;
  const examples = loadPolicySet([EXAMPLE_POLICIES]);
  const result = runGrid(trace, { policySet: examples, setting: 'examples/simulate' }, { seeds });
  return {
    trace: trace.name,
    functions: trace.functions.length,
    invocations: trace.invocations,
    policyText: readExamplePolicies(),
    ...result,
  };
}

/** Requests over the trace that bound each tier of `oneFunctionAccounts` (sparse to busy). */
const ONE_FUNCTION_TIERS = [
  [1, 10],
  [11, 100],
  [101, 1_000],
  [1_001, Number.POSITIVE_INFINITY],
] as const;

/**
 * The smallest accounts: one function of a trace alone, replayed on the whole grid, where Thermostat's controller
 * serves one target and its tick is a fixed cost a warmer's bare invocation undercuts. One function per tier of
 * requests (the median one of the tier), so sparse and busy functions are both shown.
 */
export function oneFunctionAccounts(source: string | Trace, seeds: readonly number[] = GRID_SEEDS) {
  const trace = typeof source === 'string' ? loadTrace(source) : source;
  if (trace.functions.length < 2) return [];
  const picked: number[] = [];
  for (const [low, high] of ONE_FUNCTION_TIERS) {
    const tier = trace.functions
      .map((fn, index) => ({ index, invocations: fn.invocations }))
      .filter((fn) => fn.invocations >= low && fn.invocations <= high)
      .sort((a, b) => a.invocations - b.invocations || a.index - b.index);
    if (tier.length > 0) picked.push(tier[Math.floor((tier.length - 1) / 2)].index);
  }
  return picked.map((index) => {
    const fn = trace.functions[index];
    const alone = subsetOf(trace, [index], `${trace.name}: function ${fn.name.slice(0, 10)}… alone`);
    return { ...grid(alone, seeds), parent: trace.name, function: fn.name, trigger: fn.trigger ?? null };
  });
}

/**
 * Other accounts from the same traffic: a trace's functions split in two (every other function, in the trace's
 * order), each half replayed on the whole grid as an account of its own. The verdict on a trace should not hang on
 * which functions share its controller's ticks, and a smaller account shares them among fewer targets.
 */
export function halfAccounts(source: string | Trace, seeds: readonly number[] = GRID_SEEDS) {
  const trace = typeof source === 'string' ? loadTrace(source) : source;
  if (trace.functions.length < 4) return [];
  return [0, 1].map((half) => {
    const indexes = trace.functions.map((_, index) => index).filter((index) => index % 2 === half);
    const which = half === 0 ? 'first' : 'second';
    const account = subsetOf(trace, indexes, `${trace.name}: ${which} half of its functions`);
    return { ...grid(account, seeds), parent: trace.name, half: which };
  });
}

function readExamplePolicies(): string {
  return readdirSync(EXAMPLE_POLICIES)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) =>
      readFileSync(join(EXAMPLE_POLICIES, name), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
        .map((line) => line.replace(/\s+#.*$/, ''))
        .join('\n'),
    )
    .join('\n');
}

export interface SimulatorBenchmarkOptions {
  /** Folder of trace folders. @default ../shared/traces next to the repository, or THERMOSTAT_TRACES */
  readonly folder?: string;
  readonly quick?: boolean;
}

const ONE_DAY = 'azure2019_single_function_fullday';

/** Runs every comparison and the speed measurement; returns the JSON-able result. */
export function simulatorBenchmark(options: SimulatorBenchmarkOptions = {}) {
  const folder = resolve(options.folder ?? process.env.THERMOSTAT_TRACES ?? join(__dirname, '../../shared/traces'));
  const traces = readdirSync(folder)
    .filter((name) => statSync(join(folder, name)).isDirectory())
    .filter((name) => !(options.quick && name === ONE_DAY))
    .sort()
    .map((name) => join(folder, name));
  const started = performance.now();
  const comparisons = [];
  const grids = [];
  const oneFunction = [];
  const halves = [];
  // The speed is measured on the largest trace the folder holds (the busy single function in ../shared/traces),
  // so any folder of traces can be benchmarked.
  let largest: Trace | undefined;
  for (const path of traces) {
    const trace = loadTrace(path);
    if (largest === undefined || trace.invocations > largest.invocations) largest = trace;
    comparisons.push(compare(trace, 'warm', STRATEGY_IDS));
    grids.push(grid(trace));
    if (!options.quick) oneFunction.push(...oneFunctionAccounts(trace));
    if (!options.quick) halves.push(...halfAccounts(trace));
  }
  const speed = largest ? throughput(largest) : undefined;
  // The all-strategies comparison of that trace replays each arrival once per strategy in one pass.
  const all = comparisons.find((c) => c.trace === speed?.trace && c.policies === 'warm');
  const allStrategies = all
    ? {
        strategies: all.rows.length,
        wallMs: all.wallMs,
        simulatedInvocationsPerSecond: Math.round((all.invocations * all.rows.length) / (all.wallMs / 1000)),
      }
    : undefined;
  const cpu = cpus();
  return {
    benchmark: 'simulator',
    command: `npx tsx benchmarks/simulator.ts${options.quick ? ' --quick' : ''}`,
    machine: {
      cpu: cpu[0]?.model ?? 'unknown',
      cores: cpu.length,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
    },
    tracesFolder: folder,
    comparisons,
    grids,
    oneFunction,
    halves,
    throughput: speed ? { ...speed, allStrategies } : undefined,
    wallMs: Math.round(performance.now() - started),
  };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const folder = args.find((arg) => !arg.startsWith('--'));
  const result = simulatorBenchmark({ folder, quick: args.includes('--quick') });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
