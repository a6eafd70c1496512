import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { halfAccounts, oneFunctionAccounts, simulatorBenchmark } from '../../benchmarks/simulator';
import { STRATEGY_IDS } from '../../simulator/strategies';
import { loadTrace } from '../../simulator/traces/load';

describe('simulator benchmark harness', () => {
  const dir = mkdtempSync(join(tmpdir(), 'thermostat-bench-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('compares every strategy on every trace folder and measures speed (quick mode)', () => {
    symlinkSync(resolve(__dirname, '../fixtures/traces/azure2019-tiny'), join(dir, 'azure2019-tiny'));
    symlinkSync(resolve(__dirname, '../../../shared/traces/azure2021_invitro_head998'), join(dir, 'azure2021_head998'));
    const result = simulatorBenchmark({ folder: dir, quick: true });
    expect(result.comparisons.map((c) => c.trace)).toEqual([
      'azure2019-tiny',
      'AzureFunctionsInvocationTraceForTwoWeeksJan2021_head998',
    ]);
    for (const comparison of result.comparisons) {
      expect(comparison.rows.map((row) => row.strategy)).toEqual([...STRATEGY_IDS]);
      expect(comparison.citation.licence).toMatch(/CC BY 4\.0/);
      const thermostat = comparison.rows.find((row) => row.strategy === 'thermostat')!;
      const none = comparison.rows.find((row) => row.strategy === 'none')!;
      // costs compare as warming overhead: no warming's is zero, and the ratio is of overheads, not of totals
      expect(none.overheadUsd).toBe(0);
      expect(none.thermostatVs?.overhead).toBeNull();
      expect(thermostat.overheadUsd).toBeCloseTo(thermostat.costUsd - none.costUsd, 8);
      if ((thermostat.overheadUsd ?? 0) > 0) expect(thermostat.thermostatVs?.overhead).toBe(1);
      // every row is the mean of the grid's seeds, each seed's cold starts kept
      expect(comparison.seeds.length).toBeGreaterThan(1);
      for (const row of comparison.rows) expect(row.coldStartsPerSeed).toHaveLength(comparison.seeds.length);
      const meanColds = thermostat.coldStartsPerSeed.reduce((a, b) => a + b, 0) / comparison.seeds.length;
      expect(thermostat.coldShare * comparison.invocations).toBeCloseTo(meanColds, 2);
    }
    // speed is measured on the largest trace of the folder
    expect(result.throughput?.trace).toBe('AzureFunctionsInvocationTraceForTwoWeeksJan2021_head998');
    expect(result.throughput?.oneStrategy.invocations).toBe(998);
    expect(result.throughput?.oneStrategy.simulatedInvocationsPerSecond).toBeGreaterThan(0);
    expect(result.machine.cores).toBeGreaterThan(0);
    // quick mode leaves the one-function accounts out
    expect(result.oneFunction).toEqual([]);
  });

  it('runs in full on any folder of traces, without the one-day trace it measures speed on in ../shared/traces', () => {
    const only = mkdtempSync(join(tmpdir(), 'thermostat-bench-'));
    try {
      symlinkSync(resolve(__dirname, '../fixtures/traces/azure2019-tiny'), join(only, 'tiny'));
      const result = simulatorBenchmark({ folder: only });
      expect(result.grids.map((g) => g.trace)).toEqual(['tiny']);
      expect(result.throughput?.trace).toBe('tiny');
      expect(result.throughput?.allStrategies?.strategies).toBe(STRATEGY_IDS.length);
      // three functions: too few to split into halves; all in one tier of requests (1–10), one replayed alone
      expect(result.halves).toEqual([]);
      expect(result.oneFunction.map((account) => account.parent)).toEqual(['tiny']);
    } finally {
      rmSync(only, { recursive: true, force: true });
    }
  });

  it('replays one function per tier of requests alone on the whole grid: the smallest accounts', () => {
    const path = resolve(__dirname, '../../../shared/traces/azure2021_invitro_head998');
    const trace = loadTrace(path);
    const accounts = oneFunctionAccounts(path, [1, 2]);
    const tiers = [
      [1, 10],
      [11, 100],
      [101, 1_000],
      [1_001, Number.POSITIVE_INFINITY],
    ].filter(([low, high]) => trace.functions.some((fn) => fn.invocations >= low && fn.invocations <= high));
    expect(accounts).toHaveLength(tiers.length);
    accounts.forEach((account, i) => {
      const [low, high] = tiers[i];
      expect(account.functions).toBe(1);
      expect(account.invocations).toBeGreaterThanOrEqual(low);
      expect(account.invocations).toBeLessThanOrEqual(high);
      expect(account.parent).toBe(trace.name);
      expect(trace.functions.find((fn) => fn.name === account.function)?.invocations).toBe(account.invocations);
      expect(account.seeds).toEqual([1, 2]);
      // the median function of its tier
      const tier = trace.functions.map((fn) => fn.invocations).filter((n) => n >= low && n <= high);
      tier.sort((a, b) => a - b);
      expect(account.invocations).toBe(tier[Math.floor((tier.length - 1) / 2)]);
      const thermostat = account.rows.find((row) => row.strategy === 'thermostat')!;
      expect(thermostat.cost.controller).toBeGreaterThan(0);
      expect(account.rows).toHaveLength(24);
    });
    // a trace of one function is an account of one already
    expect(oneFunctionAccounts(resolve(__dirname, '../../../shared/traces/azure2019_single_function_fullday'))).toEqual(
      [],
    );
  });

  it('splits a trace into two accounts of every other function, each on the whole grid', () => {
    const path = resolve(__dirname, '../../../shared/traces/azure2021_invitro_head998');
    const trace = loadTrace(path);
    const [first, second] = halfAccounts(path, [1]);
    expect([first.half, second.half]).toEqual(['first', 'second']);
    expect(first.functions + second.functions).toBe(trace.functions.length);
    expect(first.functions - second.functions).toBeGreaterThanOrEqual(0);
    expect(first.functions - second.functions).toBeLessThanOrEqual(1);
    // every request of the trace is in one half or the other
    expect(first.invocations + second.invocations).toBe(trace.invocations);
    for (const account of [first, second]) {
      expect(account.parent).toBe(trace.name);
      expect(account.rows).toHaveLength(24);
      expect(account.seeds).toEqual([1]);
    }
    // too few functions to split
    expect(halfAccounts(resolve(__dirname, '../../../shared/traces/azure2019_single_function_fullday'))).toEqual([]);
  });
});
