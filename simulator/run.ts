import { performance } from 'node:perf_hooks';
import type { PolicySet } from '../controller/policy';
import { Engine, type SimFunction } from './model/engine';
import { type ModelOptions, modelOptions } from './model/options';
import { TracePolicies } from './policies';
import { type StrategyResult, summarise } from './results';
import type { Strategy } from './strategies/types';
import type { Trace } from './traces/types';

/** Virtual time 0 (midnight of the trace's first day) as a date: a Monday, so weekday windows line up. */
export const DEFAULT_EPOCH_MS = Date.UTC(2024, 0, 1);

export interface Progress {
  /** Invocations replayed so far (each is replayed once per strategy, in one pass). */
  readonly done: number;
  readonly total: number;
  readonly elapsedMs: number;
}

export interface SimulateInput {
  readonly trace: Trace;
  readonly policySet: PolicySet;
  readonly strategies: readonly Strategy[];
  readonly model?: Partial<ModelOptions>;
  /** Memory for every function, overriding the trace and the policies. */
  readonly memoryMb?: number;
  readonly epochMs?: number;
  readonly onProgress?: (progress: Progress) => void;
  /** Minimum wall time between progress calls. @default 1000 */
  readonly progressEveryMs?: number;
}

export interface SimulationRun {
  readonly functions: readonly SimFunction[];
  readonly policies: TracePolicies;
  readonly model: ModelOptions;
  readonly epochMs: number;
  readonly results: readonly StrategyResult[];
  readonly wallMs: number;
}

/**
 * Replays a trace once, feeding every arrival to one engine per strategy, so all strategies see identical traffic
 * (and the arrivals are generated once). Deterministic for a given trace, policies, options and seed.
 */
export function simulate(input: SimulateInput): SimulationRun {
  const started = performance.now();
  const model = modelOptions(input.model);
  const epochMs = input.epochMs ?? DEFAULT_EPOCH_MS;
  const { trace } = input;
  const policies = new TracePolicies(input.policySet, trace.functions, epochMs);
  const functions: SimFunction[] = trace.functions.map((fn, index) => {
    const effective = policies.effective(index, trace.startMs);
    const coldStartMs = typeof model.coldStartMs === 'function' ? model.coldStartMs(fn.id) : model.coldStartMs;
    return {
      index,
      id: fn.id,
      name: fn.name,
      memoryMb: input.memoryMb ?? fn.memoryMb ?? effective.auto.memoryMb ?? model.defaultMemoryMb,
      architecture: effective.auto.architecture ?? 'x86_64',
      coldStartMs,
      billedInitMs: model.billedInitMs ?? coldStartMs,
    };
  });

  const runs = input.strategies.map((strategy) => {
    const engine = new Engine(functions, {
      model,
      startMs: trace.startMs,
      endMs: trace.endMs,
      oracle: strategy.needs?.oracle,
      metrics: strategy.needs?.metrics,
    });
    strategy.start({ engine, policies, epochMs });
    return { strategy, engine, wallMs: 0 };
  });

  const source = trace.arrivals(model.seed);
  const every = input.progressEveryMs ?? 1000;
  let done = 0;
  let lastProgress = performance.now();
  for (let batch = source.next(); batch !== undefined; batch = source.next()) {
    for (const run of runs) {
      const t0 = performance.now();
      run.engine.feed(batch);
      run.wallMs += performance.now() - t0;
    }
    done += batch.count;
    const now = performance.now();
    if (input.onProgress && now - lastProgress >= every) {
      lastProgress = now;
      input.onProgress({ done, total: trace.invocations, elapsedMs: now - started });
    }
  }
  const results = runs.map((run) => {
    const t0 = performance.now();
    const totals = run.engine.finish();
    const facts = run.strategy.facts?.() ?? {};
    return summarise(run.strategy, functions, totals, model.prices, facts, run.wallMs + performance.now() - t0);
  });
  return { functions, policies, model, epochMs, results, wallMs: performance.now() - started };
}
