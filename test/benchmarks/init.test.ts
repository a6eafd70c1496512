import { type InitSample, median, summariseInit } from '../../benchmarks/init';

const sample = (
  contender: InitSample['contender'],
  initMs: number,
  firstInvocationMs: number,
  error?: string,
): InitSample => ({
  contender,
  sample: 1,
  initMs,
  firstInvocationMs,
  initPlusFirstMs: initMs + firstInvocationMs,
  ...(error ? { error } : {}),
});

describe('summariseInit', () => {
  it('takes each contender’s medians over the cold starts that succeeded', () => {
    const rows = summariseInit(
      [
        sample('thermostat', 300, 500),
        sample('thermostat', 250, 400),
        sample('thermostat', 900, 100, 'Unhandled: boom'),
        sample('thermostat', 280, 450),
        sample('serverless-plugin-warmup', 380, 200),
        sample('serverless-plugin-warmup', 360, 180),
      ],
      { thermostat: 191_501, 'serverless-plugin-warmup': 3_711 },
    );
    expect(rows).toEqual([
      {
        contender: 'thermostat',
        samples: 3,
        codeBytes: 191_501,
        initMsMedian: 280,
        firstInvocationMsMedian: 450,
        initPlusFirstMsMedian: 730,
      },
      {
        contender: 'serverless-plugin-warmup',
        samples: 2,
        codeBytes: 3_711,
        initMsMedian: 370,
        firstInvocationMsMedian: 190,
        initPlusFirstMsMedian: 560,
      },
    ]);
  });

  it('takes the warm, cold-again and CPU medians alike, and leaves CPU out where none was measured', () => {
    const timed = (warmMs: number, coldAgainMs: number, cpuWarmMs: number, error?: string): InitSample => ({
      ...sample('thermostat', 100, 200, error),
      warmInvocationMs: warmMs,
      coldAgainMs,
      cpu: { initMs: 150, firstMs: 180, warmMs: cpuWarmMs, coldAgainMs: cpuWarmMs + 40 },
    });
    const [thermostat, plugin] = summariseInit(
      [timed(70, 150, 80), timed(90, 300, 100), timed(60, 120, 60), timed(1, 1, 1, 'Unhandled: boom')],
      { thermostat: 1, 'serverless-plugin-warmup': 1 },
    );
    expect(thermostat).toMatchObject({
      samples: 3,
      warmInvocationMsMedian: 70,
      coldAgainMsMedian: 150,
      cpuMedian: { initMs: 150, firstMs: 180, warmMs: 80, coldAgainMs: 120 },
    });
    expect(plugin!.samples).toBe(0);
    expect(plugin).not.toHaveProperty('cpuMedian');
  });

  it('gives no median without a successful cold start', () => {
    expect(median([])).toBeUndefined();
    const [thermostat] = summariseInit([sample('thermostat', 1, 1, 'failed')], {
      thermostat: 1,
      'serverless-plugin-warmup': 1,
    });
    expect(thermostat).toMatchObject({ samples: 0, initMsMedian: undefined, initPlusFirstMsMedian: undefined });
  });
});
