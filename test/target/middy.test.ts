import { join } from 'node:path';
import { createEnvironment } from '../../target';
import { thermostatMiddleware } from '../../target/middy';
import { flavouredPingPayload, isProofEnvelope, type PingRequest, pingPayload } from '../../target/protocol';
import type * as MiddyApp from '../fixtures/target/middy-app';
import { bundleFixture } from './helpers/bundle';
import { FakeClock, fakeContext, lineSink } from './helpers/fake-clock';

const request = (clock: FakeClock): PingRequest => ({ runId: 'run-7', index: 1, of: 3, holdUntil: clock.now() + 200 });
const apiEvent = { version: '2.0', routeKey: 'POST /orders', body: '{"source":"serverless-plugin-warmup"}' };

describe('thermostatMiddleware as a plain object', () => {
  it('is a `{ before }` middleware that answers pings and lets real events through', async () => {
    const clock = new FakeClock();
    const sink = lineSink();
    const middleware = thermostatMiddleware({
      now: clock.now,
      sleep: clock.sleep,
      write: sink.write,
      environment: createEnvironment({ env: { AWS_LAMBDA_LOG_STREAM_NAME: 'ls-m' }, now: clock.now }),
    });
    expect(Object.keys(middleware)).toEqual(['before', 'after', 'onError']);

    expect(middleware.before({ event: apiEvent, context: fakeContext(clock) })).toBeUndefined();
    expect(sink.lines).toHaveLength(1);
    const answer = await clock.settle(
      middleware.before({ event: pingPayload(request(clock)), context: fakeContext(clock) }) as Promise<unknown>,
    );
    expect(answer).toMatchObject({ thermostat: { proof: { envId: 'ls-m', heldMs: 200, realServed: 1 } } });
  });
});

describe('with the real @middy/core and @middy/warmup', () => {
  let app: typeof MiddyApp;
  let cleanup = () => {};

  beforeAll(async () => {
    const bundle = await bundleFixture(join(__dirname, '../fixtures/target/middy-app.ts'));
    cleanup = bundle.cleanup;
    app = require(bundle.file);
  });
  afterAll(() => cleanup());

  it("@middy/warmup's default detector short-circuits the controller's middy and serverless-plugin-warmup flavours", async () => {
    const clock = new FakeClock();
    const { handler, calls } = app.withMiddyWarmup(false);
    for (const flavour of ['middy', 'serverless-plugin-warmup'] as const) {
      await expect(handler(flavouredPingPayload(flavour, request(clock)), fakeContext(clock))).resolves.toBe('warmup');
    }
    expect(calls.handler).toBe(0);
    // …but not Thermostat's own format: code still on @middy/warmup's default needs one of those flavours.
    await handler(pingPayload(request(clock)), fakeContext(clock));
    expect(calls.handler).toBe(1);
  });

  it('@middy/warmup with isWarmingUp: isWarmPing short-circuits every format the helper knows', async () => {
    const clock = new FakeClock();
    const { handler, calls } = app.withMiddyWarmup(true);
    const pings: unknown[] = [
      pingPayload(request(clock)),
      flavouredPingPayload('serverless-plugin-warmup', request(clock)),
      flavouredPingPayload('lambda-warmer', request(clock)),
      { warmer: true, concurrency: 4 },
      { type: 'warmer', warmerId: 'w', index: 0, concurrency: 1, delay: 75 },
      '#warmup wait=100',
    ];
    for (const event of pings) await expect(handler(event, fakeContext(clock))).resolves.toBe('warmup');
    expect(calls.handler).toBe(0);

    await expect(handler(apiEvent, fakeContext(clock))).resolves.toMatchObject({ statusCode: 200 });
    await expect(handler({}, fakeContext(clock))).resolves.toMatchObject({ statusCode: 200 });
    expect(calls.handler).toBe(2);
  });

  it('thermostatMiddleware answers a ping with the proof as the early response, skipping the rest', async () => {
    const clock = new FakeClock();
    const sink = lineSink();
    const { handler, calls } = app.withThermostatMiddleware({
      now: clock.now,
      sleep: clock.sleep,
      write: sink.write,
      environment: createEnvironment({ env: { AWS_LAMBDA_LOG_STREAM_NAME: 'ls-7' }, now: clock.now }),
    });

    const answer = await clock.settle(handler(flavouredPingPayload('middy', request(clock)), fakeContext(clock)));

    expect(isProofEnvelope(answer)).toBe(true);
    expect(answer).toMatchObject({
      thermostat: { proof: { envId: 'ls-7', runId: 'run-7', index: 1, heldMs: 200, firstInvocation: true } },
    });
    expect(calls).toEqual({ handler: 0, after: 0, beforeOthers: 0 });
    expect(sink.lines).toEqual([]);
  });

  it('thermostatMiddleware lets real events run the whole chain and counts them', async () => {
    const clock = new FakeClock();
    const sink = lineSink();
    const { handler, calls } = app.withThermostatMiddleware({
      now: clock.now,
      sleep: clock.sleep,
      write: sink.write,
      environment: createEnvironment({ env: {}, now: clock.now }),
    });

    await expect(handler(apiEvent, fakeContext(clock))).resolves.toMatchObject({ statusCode: 200 });
    await expect(handler(apiEvent, fakeContext(clock))).resolves.toMatchObject({ statusCode: 200 });

    expect(calls).toEqual({ handler: 2, after: 2, beforeOthers: 2 });
    expect(sink.lines.map((line) => JSON.parse(line).ColdStart)).toEqual([1, 0]);
  });
});
