import type { Handler } from 'aws-lambda';
import {
  type AsyncHandler,
  createEnvironment,
  type LambdaCallback,
  type LambdaContext,
  type PingAnswer,
  type ThermostatOptions,
  ThermostatOptionsError,
  withThermostat,
} from '../../target';
import { DEFAULT_MAX_HOLD_MS, isProofEnvelope, type PingRequest, pingPayload } from '../../target/protocol';
import { FakeClock, fakeContext, lineSink } from './helpers/fake-clock';

const LOG_STREAM = '2026/11/24/[7]0a1b2c3d4e5f60718293a4b5c6d7e8f9';

function setup(extra: Partial<ThermostatOptions> = {}, env: Record<string, string> = {}) {
  const clock = new FakeClock();
  const sink = lineSink();
  const environment = createEnvironment({
    env: { AWS_LAMBDA_LOG_STREAM_NAME: LOG_STREAM, AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand', ...env },
    now: clock.now,
    uptimeMs: () => 412.4,
  });
  const options: ThermostatOptions = { now: clock.now, sleep: clock.sleep, write: sink.write, environment, ...extra };
  return { clock, sink, environment, options };
}

function ping(clock: FakeClock, overrides: Partial<PingRequest> = {}) {
  return pingPayload({ runId: 'run-1', index: 0, of: 3, holdUntil: clock.now() + 250, ...overrides });
}

function proofOf(answer: unknown) {
  if (!isProofEnvelope(answer)) throw new Error(`not a proof envelope: ${JSON.stringify(answer)}`);
  return answer.thermostat.proof;
}

const realEvent = { orderId: 'o-1' };

describe('withThermostat: async handlers', () => {
  it('passes real events and the context straight to the handler and returns its result', async () => {
    const { clock, options } = setup();
    const handler = jest.fn(async (event: { orderId: string }) => ({ statusCode: 200, body: event.orderId }));
    const wrapped = withThermostat(handler, options);
    const context = fakeContext(clock);

    await expect(wrapped(realEvent, context)).resolves.toEqual({ statusCode: 200, body: 'o-1' });
    expect(handler).toHaveBeenCalledWith(realEvent, context);
    expect(wrapped.length).toBe(2);
  });

  it('answers a ping with the proof without running the handler', async () => {
    const { clock, options } = setup();
    const handler = jest.fn(async () => 'real');
    const wrapped = withThermostat(handler, options);

    const answer = await clock.settle(wrapped(ping(clock), fakeContext(clock)));

    expect(handler).not.toHaveBeenCalled();
    expect(proofOf(answer)).toMatchObject({ envId: LOG_STREAM, runId: 'run-1', index: 0, pingFormat: 'thermostat' });
  });

  it('lets a real invocation fail as it would unwrapped', async () => {
    const { clock, options } = setup();
    const wrapped = withThermostat(async () => {
      throw new Error('boom');
    }, options);
    await expect(wrapped(realEvent, fakeContext(clock))).rejects.toThrow('boom');
  });
});

describe('withThermostat: callback handlers', () => {
  type Result = { statusCode: number };
  function callbackHandler(event: { orderId: string }, _context: LambdaContext, callback: LambdaCallback<Result>) {
    if (event.orderId === 'bad') callback(new Error('rejected'));
    else callback(null, { statusCode: 201 });
  }

  function invoke<T>(
    wrapped: (event: T, context: LambdaContext, callback: LambdaCallback<Result | PingAnswer>) => void,
    event: T,
    context: LambdaContext,
  ) {
    return new Promise<{ error: unknown; result: unknown }>((resolve) => {
      wrapped(event, context, (error, result) => resolve({ error, result }));
    });
  }

  it('keeps the runtime callback for real events', async () => {
    const { clock, options } = setup();
    const wrapped = withThermostat(callbackHandler, options);
    expect(wrapped.length).toBe(3);

    await expect(invoke(wrapped, realEvent, fakeContext(clock))).resolves.toEqual({
      error: null,
      result: { statusCode: 201 },
    });
    const failed = await invoke(wrapped, { orderId: 'bad' }, fakeContext(clock));
    expect(failed.error).toEqual(new Error('rejected'));
  });

  it('answers a ping through the callback after the hold', async () => {
    const { clock, options } = setup();
    const inner = jest.fn(callbackHandler);
    const wrapped = withThermostat(inner, options);

    const { error, result } = await clock.settle(
      invoke(wrapped, ping(clock) as unknown as { orderId: string }, fakeContext(clock)),
    );

    expect(inner).not.toHaveBeenCalled();
    expect(error).toBeNull();
    expect(proofOf(result).heldMs).toBe(250);
  });

  it('returns the answer as a promise when called without a callback', async () => {
    const { clock, options } = setup();
    const wrapped = withThermostat(callbackHandler, options) as unknown as (
      event: unknown,
      context: LambdaContext,
    ) => Promise<unknown>;
    const answer = await clock.settle(wrapped(ping(clock), fakeContext(clock)));
    expect(proofOf(answer).runId).toBe('run-1');
  });

  it('returns what a callback-declared handler returns, so the runtime can still use its promise', async () => {
    const { clock, options } = setup();
    const wrapped = withThermostat(
      async (_event: unknown, _context: LambdaContext, _callback: LambdaCallback<string>) => 'from the promise',
      options,
    );
    const returned: unknown = wrapped(realEvent, fakeContext(clock), () => undefined);
    await expect(returned).resolves.toBe('from the promise');
  });
});

describe('withThermostat: handlers typed with @types/aws-lambda', () => {
  it('accepts a `Handler`, and an async implementation of it stays async', async () => {
    const { clock, options } = setup();
    const typed: Handler<{ orderId: string }, string> = async (event) => event.orderId;
    const wrapped = withThermostat(typed, options);
    expect(wrapped.length).toBe(2);
    await expect(wrapped(realEvent, fakeContext(clock), () => undefined)).resolves.toBe('o-1');
  });
});

describe('hold', () => {
  it("holds until the ping's holdUntil", async () => {
    const { clock, options } = setup();
    const wrapped = withThermostat(async () => 'real', options);
    const start = clock.now();

    const answer = await clock.settle(wrapped(ping(clock, { holdUntil: start + 400 }), fakeContext(clock)));

    expect(clock.now()).toBe(start + 400);
    expect(proofOf(answer).heldMs).toBe(400);
  });

  it('ends pings that arrive at different times at the same shared deadline', async () => {
    const clock = new FakeClock();
    const holdUntil = clock.now() + 300;
    const environments = ['a', 'b', 'c'].map((id) =>
      createEnvironment({ env: { AWS_LAMBDA_LOG_STREAM_NAME: id }, now: clock.now }),
    );
    const wrappers = environments.map((environment) =>
      withThermostat(async () => 'real', { now: clock.now, sleep: clock.sleep, write: () => {}, environment }),
    );
    const ends: number[] = [];

    const answers = await clock.settle(
      Promise.all(
        wrappers.map(async (wrapped, index) => {
          // Pings arrive 0, 100 and 200 ms into the round, as a fan-out spreads them.
          if (index > 0) await clock.sleep(index * 100);
          const answer = await wrapped(ping(clock, { index, holdUntil }), fakeContext(clock));
          ends.push(clock.now());
          return answer;
        }),
      ),
    );

    expect(ends).toEqual([holdUntil, holdUntil, holdUntil]);
    expect(answers.map((answer) => proofOf(answer).heldMs)).toEqual([300, 200, 100]);
    expect(new Set(answers.map((answer) => proofOf(answer).envId))).toEqual(new Set(['a', 'b', 'c']));
  });

  it('does not hold when the deadline has already passed', async () => {
    const { clock, options } = setup();
    const wrapped = withThermostat(async () => 'real', options);
    const answer = await clock.settle(wrapped(ping(clock, { holdUntil: clock.now() - 50 }), fakeContext(clock)));
    expect(proofOf(answer).heldMs).toBe(0);
    expect(clock.sleeps).toEqual([]);
  });

  it('never holds past the remaining time minus the margin', async () => {
    const { clock, options } = setup();
    const wrapped = withThermostat(async () => 'real', options);
    const answer = await clock.settle(
      wrapped(ping(clock, { holdUntil: clock.now() + 5_000 }), fakeContext(clock, { remainingMs: 1_000 })),
    );
    expect(proofOf(answer).heldMs).toBe(750);
  });

  it('honours a custom margin', async () => {
    const { clock, options } = setup({ marginMs: 600 });
    const wrapped = withThermostat(async () => 'real', options);
    const answer = await clock.settle(
      wrapped(ping(clock, { holdUntil: clock.now() + 5_000 }), fakeContext(clock, { remainingMs: 1_000 })),
    );
    expect(proofOf(answer).heldMs).toBe(400);
  });

  it('answers at once when less than the margin remains', async () => {
    const { clock, options } = setup();
    const wrapped = withThermostat(async () => 'real', options);
    const answer = await clock.settle(wrapped(ping(clock), fakeContext(clock, { remainingMs: 200 })));
    expect(proofOf(answer).heldMs).toBe(0);
  });

  it('caps any hold at maxHoldMs, whatever a ping asks for', async () => {
    const { clock, options } = setup();
    const wrapped = withThermostat(async () => 'real', options);
    const answer = await clock.settle(
      wrapped(ping(clock, { holdUntil: clock.now() + 3_600_000 }), fakeContext(clock, { remainingMs: 900_000 })),
    );
    expect(proofOf(answer).heldMs).toBe(DEFAULT_MAX_HOLD_MS);
  });

  it('holds without a context deadline (a local call) up to maxHoldMs', async () => {
    const { clock, options } = setup({ maxHoldMs: 1_000 });
    const wrapped = withThermostat(async () => 'real', options) as unknown as (
      e: unknown,
      c: unknown,
    ) => Promise<unknown>;
    const answer = await clock.settle(wrapped(ping(clock, { holdUntil: clock.now() + 5_000 }), {}));
    expect(proofOf(answer).heldMs).toBe(1_000);
  });

  it.each([
    ['serverless-plugin-warmup', { source: 'serverless-plugin-warmup' }, 75],
    ['lambda-warmer', { warmer: true, concurrency: 1 }, 75],
    ['opennext', { type: 'warmer', warmerId: 'w', index: 0, concurrency: 1, delay: 120 }, 120],
    ['thundra', '#warmup wait=200', 300],
  ])('holds a %s ping for what its format asks', async (format, event, heldMs) => {
    const { clock, options } = setup();
    const wrapped = withThermostat(async () => 'real', options);
    const answer = await clock.settle(wrapped(event, fakeContext(clock)));
    expect(proofOf(answer)).toMatchObject({ pingFormat: format, heldMs });
  });

  it('uses defaultHoldMs for formats without a deadline', async () => {
    const { clock, options } = setup({ defaultHoldMs: 25 });
    const wrapped = withThermostat(async () => 'real', options);
    const answer = await clock.settle(wrapped({ source: 'serverless-plugin-warmup' }, fakeContext(clock)));
    expect(proofOf(answer).heldMs).toBe(25);
  });
});

describe('onPing (deep warm)', () => {
  it('runs on pings with what it needs to know, and its time counts in the hold', async () => {
    const { clock, options } = setup();
    const onPing = jest.fn(async () => {
      await clock.sleep(100);
    });
    const wrapped = withThermostat(async () => 'real', { ...options, onPing });
    const context = fakeContext(clock);

    const answer = await clock.settle(wrapped(ping(clock, { runId: 'r-9', index: 2 }), context));

    expect(onPing).toHaveBeenCalledWith(
      { format: 'thermostat', runId: 'r-9', index: 2, firstInvocation: true },
      context,
    );
    expect(proofOf(answer).heldMs).toBe(250);
    expect(proofOf(answer).onPingError).toBeUndefined();
    // 100 ms of hook, then only the rest of the hold.
    expect(clock.sleeps.slice(-2)).toEqual([100, 150]);
  });

  it('extends the answer past holdUntil when the hook takes longer', async () => {
    const { clock, options } = setup();
    const wrapped = withThermostat(async () => 'real', {
      ...options,
      onPing: () => {
        clock.advance(400);
      },
    });
    const answer = await clock.settle(wrapped(ping(clock), fakeContext(clock)));
    expect(proofOf(answer).heldMs).toBe(400);
  });

  it('still answers, holding to the deadline, when the hook throws', async () => {
    const { clock, options } = setup();
    const wrapped = withThermostat(async () => 'real', {
      ...options,
      onPing: async () => {
        throw new TypeError('pool down');
      },
    });
    const answer = await clock.settle(wrapped(ping(clock), fakeContext(clock)));
    expect(proofOf(answer)).toMatchObject({ heldMs: 250, onPingError: 'TypeError: pool down' });
  });

  it('answers at the cap when the hook hangs, instead of letting the ping time out', async () => {
    const { clock, options } = setup();
    const wrapped = withThermostat(async () => 'real', { ...options, onPing: () => new Promise(() => {}) });
    const answer = await clock.settle(wrapped(ping(clock), fakeContext(clock, { remainingMs: 2_000 })));
    expect(proofOf(answer).heldMs).toBe(1_750);
    expect(proofOf(answer).onPingError).toMatch(/still running/);
  });

  it('never runs for real events', async () => {
    const { clock, options } = setup();
    const onPing = jest.fn();
    const wrapped = withThermostat(async () => 'real', { ...options, onPing });
    await wrapped(realEvent, fakeContext(clock));
    expect(onPing).not.toHaveBeenCalled();
  });
});

describe('environment proof', () => {
  it('tracks first invocation, counters and the last real request across invocations', async () => {
    const { clock, options } = setup({}, { AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency' });
    const initAt = clock.now();
    const wrapped = withThermostat(async () => 'real', options);
    const context = () => fakeContext(clock, { functionName: 'orders', functionVersion: '12' });

    clock.advance(1_000);
    const first = proofOf(await clock.settle(wrapped(ping(clock, { runId: 'a', index: 1 }), context())));
    clock.advance(5_000);
    const realAt = clock.now();
    await wrapped(realEvent, context());
    clock.advance(60_000);
    await wrapped(realEvent, context());
    const lastRealAt = clock.now();
    clock.advance(120_000);
    const second = proofOf(await clock.settle(wrapped(ping(clock, { runId: 'b', index: 0 }), context())));

    expect(first).toEqual({
      envId: LOG_STREAM,
      firstInvocation: true,
      initAt,
      initDurationMs: 412,
      initType: 'provisioned-concurrency',
      pingsServed: 1,
      realServed: 0,
      lastRealRequestAt: null,
      realBusyMs: 0,
      heldMs: 250,
      runId: 'a',
      index: 1,
      functionName: 'orders',
      functionVersion: '12',
      pingFormat: 'thermostat',
    });
    expect(second).toMatchObject({
      envId: LOG_STREAM,
      firstInvocation: false,
      initAt,
      pingsServed: 2,
      realServed: 2,
      lastRealRequestAt: lastRealAt,
      runId: 'b',
      index: 0,
    });
    expect(realAt).toBeLessThan(lastRealAt);
  });

  /** A handler that takes 300 ms and one that fails after 50 ms, on the fake clock. */
  function timedHandlers() {
    const { clock, options } = setup();
    const wrapped = withThermostat(async () => {
      clock.advance(300);
      return 'real';
    }, options);
    const failing = withThermostat(async () => {
      clock.advance(50);
      throw new Error('boom');
    }, options);
    return { clock, wrapped, failing };
  }

  it('counts the handler time of real requests, so the controller can tell the load they put on it', async () => {
    const { clock, wrapped, failing } = timedHandlers();
    await wrapped(realEvent, fakeContext(clock));
    await wrapped(realEvent, fakeContext(clock));
    await expect(failing(realEvent, fakeContext(clock))).rejects.toThrow('boom');
    const proof = proofOf(await clock.settle(wrapped(ping(clock), fakeContext(clock))));
    expect(proof).toMatchObject({ realServed: 3, realBusyMs: 650 });
  });

  it('measures the idle gaps between real requests (failed ones too), not counting the time pings take', async () => {
    const { clock, wrapped, failing } = timedHandlers();
    await wrapped(realEvent, fakeContext(clock));
    const none = proofOf(await clock.settle(wrapped(ping(clock), fakeContext(clock))));
    // one request: no gap yet
    expect(none).not.toHaveProperty('longestIdleMs');
    expect(none).not.toHaveProperty('shortestIdleMs');
    clock.advance(120_000);
    await expect(failing(realEvent, fakeContext(clock))).rejects.toThrow('boom');
    clock.advance(30_000);
    await wrapped(realEvent, fakeContext(clock));
    const proof = proofOf(await clock.settle(wrapped(ping(clock), fakeContext(clock))));
    // gaps from the end of one real request to the start of the next: the ping's 250 ms hold counts as idle
    expect(proof).toMatchObject({ realServed: 3, longestIdleMs: 120_250, shortestIdleMs: 30_000 });
  });

  it('reports firstInvocation false for a ping after real traffic', async () => {
    const { clock, options } = setup();
    const wrapped = withThermostat(async () => 'real', options);
    await wrapped(realEvent, fakeContext(clock));
    const proof = proofOf(await clock.settle(wrapped(ping(clock), fakeContext(clock))));
    expect(proof).toMatchObject({ firstInvocation: false, pingsServed: 1, realServed: 1 });
  });

  it('falls back to the context log stream, then to a stable local id', async () => {
    const clock = new FakeClock();
    const bare = { now: clock.now, sleep: clock.sleep, write: () => {} };
    const fromContext = withThermostat(async () => 'real', {
      ...bare,
      environment: createEnvironment({ env: {}, now: clock.now }),
    });
    const proof = proofOf(await clock.settle(fromContext(ping(clock), fakeContext(clock, { logStreamName: 'ls-1' }))));
    expect(proof.envId).toBe('ls-1');
    expect(proof.initType).toBe('unknown');

    const local = withThermostat(async () => 'real', { ...bare, environment: createEnvironment({ env: {} }) });
    const a = proofOf(await clock.settle(local(ping(clock), fakeContext(clock))));
    const b = proofOf(await clock.settle(local(ping(clock), fakeContext(clock))));
    expect(a.envId).toMatch(/^local\//);
    expect(b.envId).toBe(a.envId);
  });

  it('answers an OpenNext ping with the serverId its warmer counts', async () => {
    const { clock, options } = setup();
    const wrapped = withThermostat(async () => 'real', options);
    const answer = await clock.settle(
      wrapped({ type: 'warmer', warmerId: 'w-1', index: 0, concurrency: 1, delay: 10 }, fakeContext(clock)),
    );
    expect(answer).toMatchObject({ type: 'warmer', serverId: LOG_STREAM });
    expect(proofOf(answer).runId).toBe('w-1');
  });
});

describe('options', () => {
  it('treats events matched by isPing as pings of the custom format', async () => {
    const { clock, options } = setup();
    const handler = jest.fn(async () => 'real');
    const wrapped = withThermostat(handler, {
      ...options,
      isPing: (event) => (event as { dummy?: boolean }).dummy === true,
    });
    const answer = await clock.settle(wrapped({ dummy: true }, fakeContext(clock)));
    expect(proofOf(answer).pingFormat).toBe('custom');
    expect(handler).not.toHaveBeenCalled();
  });

  it('recognises only the listed formats', async () => {
    const { clock, options } = setup();
    const handler = jest.fn(async () => 'real');
    const wrapped = withThermostat(handler, { ...options, formats: ['thermostat'] });
    await expect(wrapped({ source: 'serverless-plugin-warmup' } as never, fakeContext(clock))).resolves.toBe('real');
    const answer = await clock.settle(wrapped(ping(clock) as never, fakeContext(clock)));
    expect(proofOf(answer).pingFormat).toBe('thermostat');
  });

  it.each([
    [{ marginMs: -1 }, /marginMs must be a number of milliseconds >= 0, got -1/],
    [{ maxHoldMs: Number.NaN }, /maxHoldMs/],
    [{ formats: ['thundr'] }, /formats takes .* got "thundr"/],
    [{ metrics: { namespace: 'AWS/Lambda' } }, /metrics.namespace .* got "AWS\/Lambda"/],
    [{ metrics: { namespace: '' } }, /metrics.namespace/],
    [{ metrics: { dimensions: ['Region'] } }, /metrics.dimensions .* got "Region"/],
    [{ metrics: { dimensions: ['Version', 'Version'] } }, /at most once/],
  ])('rejects %j at wrap time', (bad, message) => {
    const handler: AsyncHandler<unknown, string> = async () => 'real';
    expect(() => withThermostat(handler, bad as ThermostatOptions)).toThrow(ThermostatOptionsError);
    expect(() => withThermostat(handler, bad as ThermostatOptions)).toThrow(message);
  });
});
