import { readFileSync } from 'node:fs';
import { RESULTS_FILE } from '../../../benchmarks/run';
import {
  CONTROLLER_FIRST_CALL_AT_REFERENCE_MS,
  cpuBoundMs,
  WARMER_FIRST_CALL_AT_REFERENCE_MS,
} from '../../../simulator/model/options';

interface InitRun {
  readonly contender: string;
  readonly coldAgainMs?: number;
  readonly warmInvocationMs?: number;
  readonly error?: string;
}

/** The last `npm run bench`: per cold start, what it cost past INIT beyond the same invocation warm (benchmarks/init.ts). */
function measuredFirstCalls(): Record<string, number[]> {
  const report = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as {
    steps: { id: string; output?: { initComparison?: { runs: InitRun[] } } }[];
  };
  const runs = report.steps.find((step) => step.id === 'controller')?.output?.initComparison?.runs ?? [];
  const beyond: Record<string, number[]> = {};
  for (const run of runs) {
    if (run.error === undefined && typeof run.coldAgainMs === 'number' && typeof run.warmInvocationMs === 'number') {
      beyond[run.contender] = [...(beyond[run.contender] ?? []), run.coldAgainMs - run.warmInvocationMs];
    }
  }
  return beyond;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

describe('the simulator’s first call past INIT', () => {
  // One cold start differs from the next by a lot on a shared machine: the constant must lie within what was
  // measured, and within a factor of two of its median (or 30 ms of it, for the warmer's few milliseconds).
  const describes = (constant: number, samples: readonly number[]) => {
    expect(samples.length).toBeGreaterThanOrEqual(5);
    expect(constant).toBeGreaterThanOrEqual(Math.min(...samples));
    expect(constant).toBeLessThanOrEqual(Math.max(...samples));
    const middle = median(samples);
    expect(constant).toBeLessThanOrEqual(Math.max(2 * middle, middle + 30));
    expect(constant).toBeGreaterThanOrEqual(Math.min(middle / 2, middle - 30));
  };

  it('lies within what the last benchmark run measured, for the controller and for the plugin’s warmer', () => {
    const measured = measuredFirstCalls();
    expect(Object.keys(measured).sort()).toEqual(['serverless-plugin-warmup', 'thermostat']);
    describes(CONTROLLER_FIRST_CALL_AT_REFERENCE_MS, measured.thermostat!);
    describes(WARMER_FIRST_CALL_AT_REFERENCE_MS, measured['serverless-plugin-warmup']!);
  });

  it('is CPU-bound work: the same GB-seconds at any memory', () => {
    const at = (memoryMb: number) => cpuBoundMs(CONTROLLER_FIRST_CALL_AT_REFERENCE_MS, memoryMb) * memoryMb;
    expect(at(128)).toBeCloseTo(at(1024), 6);
    expect(cpuBoundMs(CONTROLLER_FIRST_CALL_AT_REFERENCE_MS, 256)).toBe(2 * CONTROLLER_FIRST_CALL_AT_REFERENCE_MS);
  });
});
