import { readFileSync } from 'node:fs';
import { type CpuRuns, cpuScale, inScale, type MeasuredCpu, measuredCpu, measuredLogs } from '../../../benchmarks/init';
import { RESULTS_FILE } from '../../../benchmarks/run';
import {
  BILLED_CPU_MS,
  BILLED_LOG_BYTES,
  CONTROLLER_PINGED_TARGET_CPU_MS,
  cpuBoundMs,
  handlerCpuMs,
  ONE_VCPU_MB,
  PING_CPU_MS,
  PING_LOG_BYTES,
  WARMER_PING_CPU_MS,
} from '../../../simulator/model/options';

/** The last `npm run bench`: the init comparison and the same at other round sizes (benchmarks/init.ts). */
function committedRun(): CpuRuns[] {
  const report = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as {
    steps: { id: string; output?: { initComparison?: CpuRuns; initBySize?: CpuRuns[] } }[];
  };
  const output = report.steps.find((step) => step.id === 'controller')?.output;
  return [...(output?.initComparison ? [output.initComparison] : []), ...(output?.initBySize ?? [])];
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

describe('the simulator’s CPU times', () => {
  // One environment differs from the next by a lot on a shared machine, and one run from the next by up to a fifth
  // with the machine's load: each constant must lie within what was measured, give or take a quarter of its median,
  // and within a factor of two of its median (or a few milliseconds of it, for the smallest).
  const describes = (constant: number, samples: readonly number[], slackMs: number) => {
    expect(samples.length).toBeGreaterThanOrEqual(5);
    const quarter = median(samples) / 4;
    expect(constant).toBeGreaterThanOrEqual(Math.min(...samples) - quarter);
    expect(constant).toBeLessThanOrEqual(Math.max(...samples) + quarter);
    const middle = median(samples);
    expect(constant).toBeLessThanOrEqual(Math.max(2 * middle, middle + slackMs));
    expect(constant).toBeGreaterThanOrEqual(Math.min(middle / 2, middle - slackMs));
  };
  // In the simulator's scale: one Invoke by a client doing nothing else is PING_CPU_MS, whatever machine ran the bench.
  const raw = measuredCpu(committedRun());
  const measured = inScale(raw, cpuScale(raw));
  const describesAll = (of: MeasuredCpu, constants: (typeof BILLED_CPU_MS)[keyof typeof BILLED_CPU_MS]) => {
    describes(constants.invocation, of.invocationMs, 5);
    describes(constants.perTarget, of.perTargetMs, 0.5);
    describes(constants.firstCall, of.firstCallMs, 15);
  };

  it('lie within what the last benchmark run measured, for the controller', () => {
    describesAll(measured.thermostat, BILLED_CPU_MS.thermostat);
  });

  it('lie within what the last benchmark run measured, for the plugin’s warmer', () => {
    describesAll(measured['serverless-plugin-warmup'], BILLED_CPU_MS['serverless-plugin-warmup']);
  });

  it('take one ping’s CPU time (the controller’s pace too) from the warmer that does nothing else', () => {
    expect(WARMER_PING_CPU_MS).toBe(PING_CPU_MS);
    // The controller pays for the same Invoke, and more per target.
    expect(CONTROLLER_PINGED_TARGET_CPU_MS).toBeGreaterThan(PING_CPU_MS);
  });

  it('take a handler’s CPU time at the documented share: one vCPU at 1,769 MB, no faster above', () => {
    expect(handlerCpuMs(10, ONE_VCPU_MB)).toBe(10);
    expect(handlerCpuMs(10, 3538)).toBe(10);
    expect(handlerCpuMs(10, ONE_VCPU_MB / 2)).toBeCloseTo(20, 9);
    // The same GB-seconds at any memory up to one vCPU.
    expect(handlerCpuMs(10, 128) * 128).toBeCloseTo(handlerCpuMs(10, 1024) * 1024, 6);
  });

  it('keep INIT on its own convention: the same GB-seconds at any memory', () => {
    expect(cpuBoundMs(150, 128) * 128).toBeCloseTo(cpuBoundMs(150, 1024) * 1024, 6);
    expect(cpuBoundMs(150, 256)).toBe(300);
  });
});

describe('the simulator’s log bytes', () => {
  // Bytes are nearly the same from run to run (only the durations' digits in REPORT lines and the timing values in the
  // controller's lines vary): each constant within what was measured, give or take a twentieth of its median.
  const describes = (constant: number, samples: readonly number[]) => {
    expect(samples.length).toBeGreaterThanOrEqual(5);
    const slack = median(samples) / 20;
    expect(constant).toBeGreaterThanOrEqual(Math.min(...samples) - slack);
    expect(constant).toBeLessThanOrEqual(Math.max(...samples) + slack);
  };
  const measured = measuredLogs(committedRun());

  it.each(['thermostat', 'serverless-plugin-warmup'] as const)('lie within what the last run measured, for %s', (c) => {
    describes(BILLED_LOG_BYTES[c].invocation, measured[c].invocationBytes);
    describes(BILLED_LOG_BYTES[c].perTarget, measured[c].perTargetBytes);
    // A ping writes the same lines in its target whoever sends it.
    describes(PING_LOG_BYTES, measured[c].perPingBytes);
  });
});

describe('measuredLogs', () => {
  const run = (contender: 'thermostat' | 'serverless-plugin-warmup', sample: number, bytes: number) => ({
    contender,
    sample,
    logs: { warmMeanBytes: bytes, perPingBytes: 260 + sample },
  });

  it('takes each further target from pairs and the invocation as one target’s bytes less one target’s', () => {
    const one: CpuRuns = { targets: 1, runs: [run('thermostat', 1, 2000), run('thermostat', 2, 2010)] };
    const many: CpuRuns = {
      targets: 11,
      runs: [run('thermostat', 1, 2400), run('thermostat', 2, 2410), { ...run('thermostat', 3, 9999), error: 'x' }],
    };
    const out = measuredLogs([many, one]);
    expect(out.thermostat.perTargetBytes).toEqual([40, 40]);
    expect(out.thermostat.invocationBytes).toEqual([1960, 1970]);
    expect([...out.thermostat.perPingBytes].sort()).toEqual([261, 261, 262, 262]);
    expect(out['serverless-plugin-warmup']).toEqual({ invocationBytes: [], perTargetBytes: [], perPingBytes: [] });
  });
});

describe('measuredCpu', () => {
  const run = (contender: 'thermostat' | 'serverless-plugin-warmup', sample: number, warmMs: number, cold = 0) => ({
    contender,
    sample,
    cpu: { warmMeanMs: warmMs, coldAgainMs: warmMs + cold },
  });

  it('pairs samples by number across sizes, per extra target, and keeps failed runs out', () => {
    const one: CpuRuns = {
      targets: 1,
      runs: [run('thermostat', 1, 20, 40), run('thermostat', 2, 30, 60), run('serverless-plugin-warmup', 1, 4, 20)],
    };
    const many: CpuRuns = {
      targets: 21,
      runs: [
        run('thermostat', 2, 90, 10),
        run('thermostat', 1, 60, 10),
        { ...run('serverless-plugin-warmup', 1, 400), error: 'boom' },
      ],
    };
    const out = measuredCpu([many, one]);
    expect(out.thermostat.invocationMs).toEqual([20, 30]);
    expect([...out.thermostat.perTargetMs].sort()).toEqual([2, 3]);
    expect([...out.thermostat.firstCallMs].sort((a, b) => a - b)).toEqual([10, 10, 40, 60]);
    expect(out['serverless-plugin-warmup'].perTargetMs).toEqual([]);
    expect(out['serverless-plugin-warmup'].invocationMs).toEqual([4]);
  });

  it('has no per-invocation figure without a one-target run', () => {
    const out = measuredCpu([{ targets: 10, runs: [run('thermostat', 1, 50)] }]);
    expect(out.thermostat.invocationMs).toEqual([]);
    expect(out.thermostat.perTargetMs).toEqual([]);
  });
});
