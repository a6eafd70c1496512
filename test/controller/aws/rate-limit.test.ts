import type { LambdaControl } from '../../../controller/aws/ports';
import { RateLimiter, rateLimitedLambda, throttleBackOffMs } from '../../../controller/aws/rate-limit';
import { TimeBudgetError } from '../../../controller/errors';

/** A clock whose sleeps advance it instantly, recording each wait. */
function virtualClock() {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
  };
}

describe('RateLimiter', () => {
  it('lets a burst through, then paces calls at the rate', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter(10, 3, clock);
    for (let i = 0; i < 6; i++) await limiter.take();
    expect(clock.waits).toEqual([100, 100, 100]);
    expect(clock.now()).toBe(300);
  });

  it('never exceeds rps x seconds + burst over any window', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter(15, 5, clock);
    const times: number[] = [];
    for (let i = 0; i < 100; i++) {
      await limiter.take();
      times.push(clock.now());
    }
    for (const start of times) {
      const inSecond = times.filter((t) => t >= start && t < start + 1000).length;
      expect(inSecond).toBeLessThanOrEqual(15 + 5);
    }
    expect(times.at(-1)).toBeGreaterThanOrEqual(((100 - 5) / 15) * 1000 - 1);
  });
});

describe('rateLimitedLambda', () => {
  it('routes GetFunction to its own limiter and everything else to the shared one', async () => {
    const clock = virtualClock();
    const control = new RateLimiter(1, 1, clock);
    const getFunction = new RateLimiter(1000, 1000, clock);
    const calls: string[] = [];
    const api = {
      getFunction: async () => {
        calls.push('getFunction');
        return {};
      },
      getAlias: async () => {
        calls.push('getAlias');
        return {};
      },
    } as unknown as LambdaControl;
    const limited = rateLimitedLambda(api, { control, getFunction });
    for (let i = 0; i < 5; i++) await limited.getFunction({ FunctionName: 'a' });
    expect(clock.now()).toBe(0);
    await limited.getAlias({ FunctionName: 'a', Name: 'b' });
    await limited.getAlias({ FunctionName: 'a', Name: 'b' });
    expect(clock.now()).toBe(1000);
    expect(calls).toEqual([
      'getFunction',
      'getFunction',
      'getFunction',
      'getFunction',
      'getFunction',
      'getAlias',
      'getAlias',
    ]);
  });
});

it('a shard of N uses 1/N of the rate', async () => {
  const clock = virtualClock();
  const limiter = new RateLimiter(10, 1, clock);
  limiter.share = 1 / 4;
  for (let i = 0; i < 3; i++) await limiter.take();
  expect(clock.waits).toEqual([400, 400]);
});

it('refuses at once a call whose turn would come after the deadline, without using up a turn', async () => {
  const clock = virtualClock();
  const limiter = new RateLimiter(10, 1, clock);
  limiter.deadline = 250;
  await limiter.take();
  await limiter.take();
  await limiter.take();
  expect(clock.now()).toBe(200);
  // the next turn is at 300, past the deadline: refused without waiting
  await expect(limiter.take()).rejects.toBeInstanceOf(TimeBudgetError);
  await expect(limiter.take()).rejects.toThrow(/past the tick's time budget/);
  expect(clock.now()).toBe(200);
  // a later tick's deadline lets the queue go on from where it was
  limiter.deadline = 1_000;
  await limiter.take();
  expect(clock.now()).toBe(300);
});

it("a shard's burst shrinks with its share", async () => {
  const clock = virtualClock();
  const limiter = new RateLimiter(10, 8, clock);
  limiter.share = 1 / 4;
  // burst 8 x 1/4 = 2: two calls at once, then one every 400 ms
  for (let i = 0; i < 4; i++) await limiter.take();
  expect(clock.waits).toEqual([400, 400]);
});

describe('throttles', () => {
  const throttle = () =>
    Object.assign(new Error('Rate exceeded'), {
      name: 'TooManyRequestsException',
      retryAfterSeconds: '1',
      $metadata: { httpStatusCode: 429 },
    });

  it('retries a throttled call through the limiters, holding every later call back with jitter', async () => {
    const clock = virtualClock();
    const control = new RateLimiter(100, 1, clock);
    const getFunction = new RateLimiter(100, 1, clock);
    let failures = 2;
    const sent: number[] = [];
    const api = {
      getAlias: async () => {
        sent.push(clock.now());
        if (failures-- > 0) throw throttle();
        return {};
      },
    } as unknown as LambdaControl;
    const limited = rateLimitedLambda(api, { control, getFunction }, { attempts: 3, random: () => 0.5, clock });
    await limited.getAlias({ FunctionName: 'a', Name: 'b' });
    // Retry-After 1 s, doubled on the second throttle, each 75 % of the base with this "random" value
    expect(sent).toEqual([0, 750, 750 + 1500]);
    expect(throttleBackOffMs(throttle(), 1, () => 0)).toBe(500);
    expect(throttleBackOffMs(throttle(), 1, () => 1)).toBe(1000);
    expect(throttleBackOffMs(throttle(), 10, () => 1)).toBe(8000);
  });

  it('gives up after the attempts and passes other errors through at once', async () => {
    const clock = virtualClock();
    const gates = { control: new RateLimiter(100, 1, clock), getFunction: new RateLimiter(100, 1, clock) };
    let calls = 0;
    const api = {
      getAlias: async () => {
        calls += 1;
        throw throttle();
      },
      getAccountSettings: async () => {
        calls += 1;
        throw Object.assign(new Error('no'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
      },
    } as unknown as LambdaControl;
    const limited = rateLimitedLambda(api, gates, { attempts: 2, random: () => 0, clock });
    await expect(limited.getAlias({ FunctionName: 'a', Name: 'b' })).rejects.toThrow('Rate exceeded');
    expect(calls).toBe(2);
    await expect(limited.getAccountSettings()).rejects.toThrow('no');
    expect(calls).toBe(3);
  });
});
