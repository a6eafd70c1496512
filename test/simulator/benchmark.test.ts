import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { simulatorBenchmark } from '../../benchmarks/simulator';
import { STRATEGY_IDS } from '../../simulator/strategies';

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
    expect(result.throughput?.trace).toBe('azure2019-tiny');
    expect(result.throughput?.oneStrategy.simulatedInvocationsPerSecond).toBeGreaterThan(0);
    expect(result.machine.cores).toBeGreaterThan(0);
  });
});
