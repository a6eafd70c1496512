import { systemClock } from '../../../controller/clock';
import { WeightedSemaphore } from '../../../controller/concurrency';
import { DEFAULT_WARM_CONFIG, warmTarget } from '../../../controller/ping/warm';
import { FakeLambda } from '../../fixtures/controller/fake-lambda';

const decision = (count: number, extra: Record<string, unknown> = {}) => ({
  function: 'api',
  qualifier: 'live',
  count,
  wanted: count,
  holdMs: 40,
  payload: { flavour: 'thermostat' as const },
  proof: true,
  ...extra,
});
const config = { ...DEFAULT_WARM_CONFIG, backoffMs: 5, callTimeoutMs: 2_000 };
const deps = (invoker: FakeLambda, extra: Record<string, unknown> = {}) => ({
  invoker,
  clock: systemClock,
  deadline: Date.now() + 50_000,
  random: () => 0.5,
  ...extra,
});

describe('warmTarget', () => {
  it('proves N distinct environments in one round and counts the cold ones', async () => {
    const lambda = new FakeLambda();
    const result = await warmTarget(deps(lambda), decision(10), 'run');
    expect(result).toMatchObject({ proven: 10, cold: 10, shortfall: 0, rounds: 1, pingsSent: 10, stoppedBy: 'proven' });
    expect(lambda.maxInFlight).toBe(10);
    expect(new Set(lambda.calls.map((call) => call.InvocationType))).toEqual(new Set(['RequestResponse']));
    const second = await warmTarget(deps(lambda), decision(10), 'run2');
    expect(second).toMatchObject({ proven: 10, cold: 0 });
  });

  it('holds a round started behind another’s pings from its own turn to leave, by the controller’s pace', async () => {
    const lambda = new FakeLambda();
    const deadlines: Record<string, number[]> = {};
    const original = lambda.invoke.bind(lambda);
    lambda.invoke = async (input, options) => {
      const event = JSON.parse(Buffer.from(input.Payload!).toString());
      deadlines[input.FunctionName!] = [...(deadlines[input.FunctionName!] ?? []), event.thermostat.ping.holdUntil];
      return original(input, options);
    };
    // A slow pace (a small controller's CPU share): eight pings of one round take 400 ms to leave.
    const slow = { ...config, dispatchMsPerPing: 50 };
    const dispatch = { free: 0 };
    await Promise.all([
      warmTarget(deps(lambda, { dispatch }), decision(8, { function: 'a' }), 'run-a', slow),
      warmTarget(deps(lambda, { dispatch }), decision(8, { function: 'b' }), 'run-b', slow),
    ]);
    // Each first round's eight pings share one deadline; b's pings leave after a's eight, so its deadline is that
    // much later, not the same as a's.
    const firstRound = (fn: string) => deadlines[fn]!.slice(0, 8);
    expect(new Set(firstRound('a')).size).toBe(1);
    expect(new Set(firstRound('b')).size).toBe(1);
    const [a, b] = [firstRound('a')[0]!, firstRound('b')[0]!];
    expect(b - a).toBeGreaterThanOrEqual(8 * 50);
    expect(b - a).toBeLessThan(8 * 50 + 200);
  });

  it('tops up with a longer hold when pings did not overlap', async () => {
    const lambda = new FakeLambda();
    // Pretend three environments are already busy with real traffic arriving between our pings: the first
    // round sees every ping answered but only by the same environment (a hold too short to overlap).
    let calls = 0;
    const original = lambda.invoke.bind(lambda);
    lambda.invoke = async (input, options) => {
      calls += 1;
      if (calls <= 4) {
        const event = JSON.parse(Buffer.from(input.Payload!).toString());
        event.thermostat.ping.holdUntil = 0;
        await new Promise((resolve) => setTimeout(resolve, calls * 15));
        return original({ ...input, Payload: Buffer.from(JSON.stringify(event)) }, options);
      }
      return original(input, options);
    };
    const result = await warmTarget(deps(lambda), decision(4), 'run');
    expect(result.rounds).toBe(2);
    expect(result.proven).toBe(4);
    expect(result.pingsSent).toBe(8);
    expect(result.stoppedBy).toBe('proven');
  });

  it('halves the next round after throttles and stops when it could add nothing', async () => {
    const lambda = new FakeLambda({ limit: 3 });
    const result = await warmTarget(deps(lambda), decision(8), 'run');
    expect(result.outcomes.throttled).toBe(6);
    expect(result.proven).toBe(3);
    expect(result.shortfall).toBe(5);
    // Round 2 (4 pings) could still add one; round 3 (2 pings) could not, so the loop stopped.
    expect(result.pingsSent).toBe(12);
    expect(result.stoppedBy).toBe('throttled');
    expect(result.failure).toBeUndefined();
  });

  it('stops at once on a missing function and reports it as the failure', async () => {
    const lambda = new FakeLambda();
    lambda.fault = { kind: 'not-found' };
    const result = await warmTarget(deps(lambda), decision(3), 'run');
    expect(result).toMatchObject({ rounds: 1, answered: 0, stoppedBy: 'not-found' });
    expect(result.failure).toEqual({ kind: 'not-found', message: 'Function not found: api' });
  });

  it('reports function errors and answers without proof as failures, never as environments', async () => {
    const failing = new FakeLambda();
    failing.fault = { kind: 'function-error' };
    const errors = await warmTarget(deps(failing), decision(2), 'run');
    expect(errors).toMatchObject({ proven: 0, stoppedBy: 'function-error' });
    expect(errors.failure).toEqual({ kind: 'function-error', message: 'TypeError: boom' });
    const noHelper = new FakeLambda();
    noHelper.fault = { kind: 'no-helper' };
    const plain = await warmTarget(deps(noHelper), decision(2), 'run');
    expect(plain).toMatchObject({ proven: 0, answered: 0, stoppedBy: 'invalid-response' });
  });

  it('times out calls that never answer, within the budget of rounds', async () => {
    const lambda = new FakeLambda();
    lambda.fault = { kind: 'timeout' };
    const result = await warmTarget(deps(lambda), decision(2), 'run', { ...config, callTimeoutMs: 30, maxRounds: 2 });
    expect(result).toMatchObject({ rounds: 2, pingsSent: 4, stoppedBy: 'timed-out' });
    expect(result.outcomes['timed-out']).toBe(4);
    expect(result.failure?.kind).toBe('timed-out');
  });

  it('retries transient service errors with a bounded number of rounds', async () => {
    const lambda = new FakeLambda();
    lambda.fault = { kind: 'service-error', times: 2 };
    const result = await warmTarget(deps(lambda), decision(2), 'run', config);
    expect(result).toMatchObject({ proven: 2, rounds: 2, stoppedBy: 'proven' });
    expect(result.outcomes.error).toBe(2);
  });

  it('sends one round of a compatibility payload and proves nothing', async () => {
    const lambda = new FakeLambda();
    const result = await warmTarget(
      deps(lambda),
      decision(3, { payload: { flavour: 'serverless-plugin-warmup' }, proof: false }),
      'run',
    );
    expect(result).toMatchObject({ proof: false, proven: 0, answered: 3, rounds: 1, stoppedBy: 'no-proof' });
    expect(lambda.calls[0].ClientContext).toBeDefined();
  });

  it('starts no round past the deadline', async () => {
    const lambda = new FakeLambda();
    const result = await warmTarget(deps(lambda, { deadline: Date.now() + 100 }), decision(3), 'run');
    expect(result).toMatchObject({ rounds: 0, pingsSent: 0, stoppedBy: 'time-budget', shortfall: 3 });
    expect(lambda.calls).toHaveLength(0);
  });

  it('gives up unanswered pings at the deadline, however long their own timeout', async () => {
    const lambda = new FakeLambda();
    lambda.fault = { kind: 'timeout' };
    // Without the deadline these pings would wait two minutes (the fake answers after one), far past the test's
    // timeout; the round starts because hold + dispatch + 1 s fits the 1.5 s left.
    const result = await warmTarget(deps(lambda, { deadline: Date.now() + 1_500 }), decision(2), 'run', {
      ...config,
      callTimeoutMs: 120_000,
    });
    expect(result).toMatchObject({ rounds: 1, pingsSent: 2, proven: 0, stoppedBy: 'time-budget', shortfall: 2 });
    expect(result.outcomes['timed-out']).toBe(2);
    expect(result.failure?.kind).toBe('timed-out');
  }, 10_000);

  it('keeps all targets’ rounds within the shared socket budget', async () => {
    const lambda = new FakeLambda();
    const semaphore = new WeightedSemaphore(6);
    const results = await Promise.all(
      ['a', 'b', 'c'].map((fn) => warmTarget(deps(lambda, { semaphore }), decision(4, { function: fn }), `run-${fn}`)),
    );
    expect(lambda.maxInFlight).toBeLessThanOrEqual(6);
    expect(results.map((result) => result.proven)).toEqual([4, 4, 4]);
    expect(semaphore.inUse).toBe(0);
  });
});

it('stops once the budget-capped round is fully proven, without top-ups that could not add anything', async () => {
  const lambda = new FakeLambda();
  const result = await warmTarget(deps(lambda), { ...decision(3), wanted: 10 }, 'run');
  expect(result).toMatchObject({ proven: 3, shortfall: 7, rounds: 1, pingsSent: 3, stoppedBy: 'budget' });
});
