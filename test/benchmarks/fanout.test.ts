import { type ContenderRun, type Scenario, summarise } from '../../benchmarks/fanout';

const scenario: Scenario = {
  id: 'spread',
  functions: 10,
  perFunction: 10,
  repetitions: 2,
  contenders: ['thermostat', 'serverless-plugin-warmup'],
};

function run(contender: ContenderRun['contender'], wallMs: number, warmUpToN: number, reached: number): ContenderRun {
  return {
    contender,
    scenario: 'spread',
    repetition: 1,
    functions: 10,
    perFunction: 10,
    wanted: 100,
    wallMs,
    returnedMs: wallMs,
    warmEnvironments: warmUpToN,
    warmUpToN,
    environmentsCreated: warmUpToN,
    functionsReachedN: reached,
    reachedShare: reached / 10,
    perFunctionWarm: { min: 0, median: 10, max: 10 },
    attempted: 100,
    invocations: 100,
    throttles: 0,
    functionErrors: 0,
    warmerErrors: 0,
    errors: 0,
    errorMessages: [],
    firstEnvironmentAfterMs: 10,
    lastEnvironmentAfterMs: wallMs / 2,
    peakInFlight: 50,
    claims: {},
  };
}

describe('summarise', () => {
  it('takes medians over repetitions and divides by Thermostat', () => {
    const runs = [
      run('thermostat', 1_000, 100, 10),
      run('thermostat', 3_000, 100, 10),
      run('serverless-plugin-warmup', 500, 40, 4),
      run('serverless-plugin-warmup', 1_500, 60, 6),
    ];
    const [summary] = summarise([scenario], runs);
    expect(summary).toMatchObject({ scenario: 'spread', wanted: 100, repetitions: 2 });
    expect(summary!.rows).toEqual([
      expect.objectContaining({
        contender: 'thermostat',
        wallMsMedian: 2_000,
        wallVsThermostat: 1,
        warmVsThermostat: 1,
      }),
      expect.objectContaining({
        contender: 'serverless-plugin-warmup',
        wallMsMedian: 1_000,
        warmUpToN: 50,
        reachedShare: 0.5,
        wallVsThermostat: 0.5,
        warmVsThermostat: 0.5,
      }),
    ]);
  });

  it('gives no ratio when Thermostat did not run', () => {
    const [summary] = summarise([scenario], [run('serverless-plugin-warmup', 500, 40, 4)]);
    expect(summary!.rows).toEqual([
      expect.objectContaining({
        contender: 'serverless-plugin-warmup',
        wallVsThermostat: null,
        warmVsThermostat: null,
      }),
    ]);
  });
});
