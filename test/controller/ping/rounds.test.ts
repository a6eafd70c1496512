import type { InvocationRequest, InvocationResponse } from '@aws-sdk/client-lambda';
import type { LambdaInvoker } from '../../../controller/aws/ports';
import type { Clock } from '../../../controller/clock';
import {
  dispatchStart,
  firstRound,
  holdFor,
  holdUntilOf,
  MIN_LEARNED_HOLD_MS,
  type RoundTally,
  roundLatency,
  warmRequestOf,
} from '../../../controller/ping/rounds';
import { DEFAULT_WARM_CONFIG, warmTarget } from '../../../controller/ping/warm';
import { driveWarmUp } from '../../../simulator/strategies/warm-up';
import { sdkError } from '../../fixtures/controller/fake-lambda';

/** One ping's scripted answer: the environment that answers it, or a throttle / transient error. */
type Answer = string | 'throttle' | 'error';

const rules = { ...DEFAULT_WARM_CONFIG, backoffMs: 100 };

/** A clock that only moves when someone sleeps: holds and pauses are then exact numbers. */
function virtualClock(): Clock & { slept: number[] } {
  let now = 1_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

/** Answers round r's ping i with script[r][i] (the last round's script repeats), recording each round. */
function scriptedInvoker(script: readonly (readonly Answer[])[], clock: Clock) {
  const rounds: Array<{ size: number; holdMs: number }> = [];
  const invoker: LambdaInvoker = {
    async invoke(input: InvocationRequest): Promise<InvocationResponse> {
      const ping = JSON.parse(Buffer.from(input.Payload!).toString()).thermostat.ping;
      const round = Number(/-(\d+)$/.exec(ping.runId)![1]);
      if (ping.index === 0) {
        rounds[round] = { size: ping.of, holdMs: ping.holdUntil - clock.now() - Math.ceil(ping.of * 2) };
      }
      const answer = (script[round] ?? script[script.length - 1])[ping.index] ?? 'error';
      if (answer === 'throttle') throw sdkError('TooManyRequestsException', 'Rate Exceeded.', {}, 429);
      if (answer === 'error') throw sdkError('ServiceException', 'internal error', {}, 500);
      const proof = {
        envId: answer,
        firstInvocation: false,
        initAt: 0,
        initDurationMs: 0,
        initType: 'on-demand',
        pingsServed: 1,
        realServed: 0,
        lastRealRequestAt: null,
        heldMs: 0,
        runId: ping.runId,
        index: ping.index,
        functionName: 'api',
        functionVersion: '1',
      };
      return { StatusCode: 200, Payload: Buffer.from(JSON.stringify({ thermostat: { v: 1, proof } })) };
    },
  };
  return { invoker, rounds };
}

/** The same script, tallied the way the simulator tallies a round of its model. */
function simulate(script: readonly (readonly Answer[])[], decision: Parameters<typeof warmRequestOf>[0]) {
  const rounds: Array<{ size: number; holdMs: number }> = [];
  const pauses: number[] = [];
  const proven = new Set<string>();
  let stop = '';
  let time = 0;
  driveWarmUp(warmRequestOf(decision), rules, 0, {
    random: () => 0.5,
    at: (t, run) => {
      pauses.push(t - time);
      time = t;
      run(t);
    },
    done: (_at, reason) => {
      stop = reason;
    },
    perform: (round, report) => {
      const answers = (script[rounds.length] ?? script[script.length - 1]).slice(0, round.size);
      rounds.push({ size: round.size, holdMs: round.holdMs });
      let throttled = 0;
      let transient = 0;
      for (const answer of answers) {
        if (answer === 'throttle') throttled++;
        else if (answer === 'error') transient++;
        else proven.add(answer);
      }
      const tally: RoundTally = {
        sent: round.size,
        ok: round.size - throttled - transient,
        throttled,
        transient,
        proven: proven.size,
      };
      report(tally, time);
    },
  });
  return { rounds, pauses, stop, proven: proven.size };
}

const base = {
  function: 'api',
  qualifier: 'live',
  payload: { flavour: 'thermostat' as const },
  proof: true,
  holdMs: 100,
};

type Decision = typeof base & { count: number; wanted: number; expectCold?: boolean; initMs?: number };

const scenarios: Array<{ name: string; decision: Decision; script: Answer[][] }> = [
  { name: 'one environment, proven at once', decision: { ...base, count: 1, wanted: 1 }, script: [['a']] },
  {
    name: 'pings that did not overlap, then a top-up',
    decision: { ...base, count: 3, wanted: 3 },
    script: [
      ['a', 'a', 'b'],
      ['a', 'b', 'c'],
    ],
  },
  {
    name: 'throttles halve the round until it could add nothing',
    decision: { ...base, count: 8, wanted: 8 },
    script: [
      ['a', 'b', 'c', 'throttle', 'throttle', 'throttle', 'throttle', 'throttle'],
      ['a', 'b', 'c', 'd'],
    ],
  },
  {
    name: 'a transient error retried after a pause',
    decision: { ...base, count: 2, wanted: 2, expectCold: true, initMs: 420 },
    script: [
      ['a', 'error'],
      ['a', 'b'],
    ],
  },
  {
    name: 'the budget allows fewer than wanted',
    decision: { ...base, count: 2, wanted: 5, expectCold: true },
    script: [['a', 'b']],
  },
  {
    name: 'never enough environments: max rounds',
    decision: { ...base, count: 4, wanted: 4 },
    script: [['a', 'a', 'a', 'a']],
  },
];

describe('one round logic for the controller and the simulator', () => {
  it.each(scenarios)('$name: same rounds, holds, pauses and stop', async ({ decision, script }) => {
    const clock = virtualClock();
    const { invoker, rounds } = scriptedInvoker(script, clock);
    const result = await warmTarget(
      { invoker, clock, deadline: clock.now() + 600_000, random: () => 0.5 },
      decision,
      'run',
      rules,
    );
    const simulated = simulate(script, decision);
    expect(simulated.rounds).toEqual(rounds);
    expect(simulated.rounds).toHaveLength(result.rounds);
    expect(simulated.stop).toBe(result.stoppedBy);
    expect(simulated.pauses).toEqual(clock.slept);
    expect(simulated.proven).toBe(result.proven);
  });
});

describe('dispatchStart', () => {
  const rules = { dispatchMsPerPing: 10 };

  it('queues each round’s pings behind those before it, and starts at once when the queue has drained', () => {
    const queue = { free: 0 };
    expect(dispatchStart(queue, 1_000, 5, rules)).toBe(1_000);
    expect(queue.free).toBe(1_050);
    // Started 10 ms later, while the first round's pings still leave: its own leave after them.
    expect(dispatchStart(queue, 1_010, 2, rules)).toBe(1_050);
    expect(queue.free).toBe(1_070);
    expect(dispatchStart(queue, 2_000, 1, rules)).toBe(2_000);
  });

  it('is the round’s own start without a queue', () => {
    expect(dispatchStart(undefined, 1_234, 50, rules)).toBe(1_234);
  });

  it('moves the round’s deadline with it, so its pings still overlap', () => {
    const queue = { free: 0 };
    const step = { holdMs: 100, size: 4 };
    const first = holdUntilOf(dispatchStart(queue, 0, step.size, rules), step, rules);
    const second = holdUntilOf(dispatchStart(queue, 0, step.size, rules), step, rules);
    expect(second - first).toBe(step.size * rules.dispatchMsPerPing);
  });
});

describe('round rules', () => {
  const request = { count: 1, wanted: 1, holdMs: 100, proof: true };

  it('holds nothing for a round of one ping: it needs no overlap', () => {
    expect(holdFor(1, { ...request, expectCold: true }, rules)).toBe(0);
    expect(firstRound(request, rules).step).toMatchObject({ size: 1, holdMs: 0 });
  });

  it('adds the observed init time, not a fixed allowance, when environments will start', () => {
    const larger = { ...request, count: 4, wanted: 4, expectCold: true };
    expect(holdFor(4, { ...larger, initMs: 180 }, rules)).toBe(280);
    expect(holdFor(4, larger, rules)).toBe(100 + rules.coldStartAllowanceMs);
    expect(holdFor(4, { ...larger, expectCold: false, initMs: 180 }, rules)).toBe(100);
    // A slower init than the allowance is left to the top-up round: the allowance bounds the helper's hold cap.
    expect(holdFor(4, { ...larger, initMs: 60_000 }, rules)).toBe(100 + rules.coldStartAllowanceMs);
  });

  it('holds twice the latency the last rounds measured instead of the whole policy hold, never more', () => {
    const warm = { ...request, count: 4, wanted: 4, expectCold: false };
    expect(holdFor(4, { ...warm, latencyMs: 12 }, rules)).toBe(24);
    expect(holdFor(4, { ...warm, latencyMs: 1 }, rules)).toBe(MIN_LEARNED_HOLD_MS);
    expect(holdFor(4, { ...warm, latencyMs: 400 }, rules)).toBe(100);
    // starting environments still adds their init
    expect(holdFor(4, { ...warm, expectCold: true, initMs: 180, latencyMs: 12 }, rules)).toBe(24 + 180);
    expect(warmRequestOf({ count: 4, wanted: 4, holdMs: 100, proof: true, latencyMs: 12 }).latencyMs).toBe(12);
  });

  it('reads a round’s latency from the holds its warm proofs report', () => {
    // 4 pings from t=0 held to t=108 (100 + 4 × 2 ms of dispatch): the last to arrive was held 90 ms, so it came
    // 18 ms after the start, 10 ms beyond the dispatch skew
    const round = { startedAt: 0, holdUntil: 100 + 4 * rules.dispatchMsPerPing, size: 4 };
    expect(roundLatency(round, [104, 99, 95, 108 - 18], rules)).toBe(18 - 4 * rules.dispatchMsPerPing);
    expect(roundLatency(round, [104], rules)).toBeUndefined();
    // faster than the dispatch allowance: no latency beyond it
    expect(roundLatency(round, [107, 106], rules)).toBe(0);
  });
});
