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
      expect(thermostat.thermostatVs?.cost).toBe(1);
    }
    expect(result.throughput?.trace).toBe('azure2019-tiny');
    expect(result.throughput?.oneStrategy.simulatedInvocationsPerSecond).toBeGreaterThan(0);
    expect(result.machine.cores).toBeGreaterThan(0);
  });
});
