/**
 * The hold contract between the controller and the target helper: the helper's default cap is just above the
 * longest hold the controller can ask for. The controller side is measured by running its real warm-up loop with
 * the largest round and hold its constants allow; the helper side by answering those pings with the real helper.
 */
import { WeightedSemaphore } from '../../controller/concurrency';
import { DEFAULT_CONFIG } from '../../controller/config';
import { DEFAULT_WARM_CONFIG, warmTarget } from '../../controller/ping/warm';
import { LIMITS, type Policy } from '../../controller/policy/core';
import { socketPoolSize } from '../../controller/wiring';
import { createEnvironment, withThermostat } from '../../target';
import { DEFAULT_MAX_HOLD_MS, LONGEST_REQUESTED_HOLD_MS, type PingEnvelope } from '../../target/protocol';
import { FakeClock, fakeContext } from './helpers/fake-clock';

/** The largest round the controller can send: its ping socket pool, whatever the policies or the environment say. */
function largestRound(): number {
  const biggest: Policy = {
    function: 'big',
    qualifier: 'live',
    warm: { concurrency: LIMITS.concurrency.max },
    provisioned: { min: LIMITS.provisioned.max, max: LIMITS.provisioned.max },
  };
  return Math.max(
    socketPoolSize([biggest], DEFAULT_CONFIG.actParallelism),
    socketPoolSize([biggest], DEFAULT_CONFIG.actParallelism, { THERMOSTAT_MAX_SOCKETS: String(1e9) }),
  );
}

/**
 * Runs the controller's warm-up loop (every round it allows: the first with the cold-start allowance, then the
 * top-ups that lengthen the hold) against the real helper with its default options. Returns, per ping, how long
 * the controller asked it to be held and how long the helper chose to wait.
 */
async function longestHolds(holdMs: number) {
  const clock = new FakeClock();
  const environment = createEnvironment({
    env: { AWS_LAMBDA_LOG_STREAM_NAME: 'one-environment', AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' },
    now: clock.now,
    uptimeMs: () => 100,
  });
  const asked: number[] = [];
  const waited: number[] = [];
  // Time stands still: every ping of a round arrives the instant it is sent, and a hold ends at once, but the helper
  // still says how long it would wait. One environment answers everything, so the controller keeps topping up.
  const helper = withThermostat(async () => 'real', {
    now: clock.now,
    sleep: async (ms) => {
      waited.push(ms);
    },
    write: () => undefined,
    environment,
    metrics: false,
  });
  const size = largestRound();
  const result = await warmTarget(
    {
      invoker: {
        async invoke(input) {
          const event = JSON.parse(Buffer.from(input.Payload as Uint8Array).toString('utf8')) as PingEnvelope;
          asked.push(event.thermostat.ping.holdUntil - clock.now());
          const answer = await helper(event, fakeContext(clock, { remainingMs: 900_000 }));
          return { StatusCode: 200, Payload: Buffer.from(JSON.stringify(answer)) };
        },
      },
      clock: { now: clock.now, sleep: async () => undefined },
      semaphore: new WeightedSemaphore(size),
      deadline: clock.now() + 3_600_000,
    },
    {
      function: 'big',
      qualifier: 'live',
      count: LIMITS.provisioned.max,
      wanted: LIMITS.provisioned.max,
      holdMs,
      payload: { flavour: 'thermostat' },
      proof: true,
      expectCold: true,
    },
    'run-longest',
    DEFAULT_WARM_CONFIG,
  );
  return { asked, waited, result, size };
}

describe('the hold contract between controller and target helper', () => {
  it('keeps the longest hold the controller can ask for at or below LONGEST_REQUESTED_HOLD_MS', async () => {
    const { asked, result, size } = await longestHolds(LIMITS.holdMs.max);
    expect(size).toBeGreaterThan(1);
    expect(result.rounds).toBe(DEFAULT_WARM_CONFIG.maxRounds);
    expect(asked).toHaveLength(size * DEFAULT_WARM_CONFIG.maxRounds);
    const longest = Math.max(...asked);
    // The bound is tight: the controller really can ask for it (so the helper's cap cannot come down further).
    expect(longest).toBe(LONGEST_REQUESTED_HOLD_MS);
  });

  it('has a helper default cap just above that, so no genuine hold is ever cut short', async () => {
    expect(DEFAULT_MAX_HOLD_MS).toBeGreaterThan(LONGEST_REQUESTED_HOLD_MS);
    expect(DEFAULT_MAX_HOLD_MS - LONGEST_REQUESTED_HOLD_MS).toBeLessThanOrEqual(1_000);
    const { asked, waited } = await longestHolds(LIMITS.holdMs.max);
    expect(waited).toEqual(asked);
  });

  it('cuts a ping asking for more than any controller would at the default cap', async () => {
    const clock = new FakeClock();
    const wrapped = withThermostat(async () => 'real', {
      now: clock.now,
      sleep: clock.sleep,
      write: () => undefined,
      metrics: false,
    });
    const ping: PingEnvelope = {
      thermostat: { v: 1, ping: { runId: 'r', index: 0, of: 1, holdUntil: clock.now() + 60_000 } },
    };
    await clock.settle(wrapped(ping, fakeContext(clock, { remainingMs: 900_000 })));
    expect(clock.sleeps).toEqual([DEFAULT_MAX_HOLD_MS]);
  });
});
