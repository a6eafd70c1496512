import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isWarmPing } from '../../target';
import { flavouredPingPayload, type PingRequest, pingPayload } from '../../target/protocol';
import { recognisePing } from '../../target/recognise';

const request: PingRequest = { runId: 'run-42', index: 3, of: 5, holdUntil: 1_764_000_000_300 };
const eventsDir = join(__dirname, '../fixtures/target/events');

describe('recognisePing: Thermostat', () => {
  it('recognises the whole-event envelope with its request', () => {
    expect(recognisePing(pingPayload(request))).toEqual({ format: 'thermostat', request, runId: 'run-42', index: 3 });
  });

  it.each([
    ['an extra key', { ...pingPayload(request), source: 'x' }],
    ['another version', { thermostat: { v: 2, ping: request } }],
    ['index outside the round', pingPayload({ ...request, index: 5 })],
    ['an empty runId', pingPayload({ ...request, runId: '' })],
    ['a runId over 128 characters', pingPayload({ ...request, runId: 'r'.repeat(129) })],
    ['a non-finite holdUntil', { thermostat: { v: 1, ping: { ...request, holdUntil: '1764000000300' } } }],
  ])('rejects an envelope with %s', (_label, event) => {
    expect(recognisePing(event)).toBeUndefined();
  });
});

describe('recognisePing: serverless-plugin-warmup (and @middy/warmup default)', () => {
  it('recognises the default payload', () => {
    expect(recognisePing({ source: 'serverless-plugin-warmup' })).toEqual({
      format: 'serverless-plugin-warmup',
      runId: '',
      index: 0,
    });
  });

  it('takes the deadline from a Thermostat ping riding along', () => {
    expect(recognisePing(flavouredPingPayload('serverless-plugin-warmup', request))).toEqual({
      format: 'serverless-plugin-warmup',
      request,
      runId: 'run-42',
      index: 3,
    });
    expect(flavouredPingPayload('middy', request)).toEqual(flavouredPingPayload('serverless-plugin-warmup', request));
  });

  it('keeps the marker when the riding field is malformed, but without a deadline', () => {
    const ping = recognisePing({ source: 'serverless-plugin-warmup', thermostat: { v: 9 } });
    expect(ping?.format).toBe('serverless-plugin-warmup');
    expect(ping?.request).toBeUndefined();
  });

  it('recognises the ClientContext variant whatever the event is', () => {
    const context = { clientContext: { custom: { source: 'serverless-plugin-warmup' } } };
    expect(recognisePing('raw payload', context)?.format).toBe('serverless-plugin-warmup');
    expect(recognisePing({ orderId: 7 }, context)?.format).toBe('serverless-plugin-warmup');
    expect(recognisePing({ orderId: 7 }, { clientContext: { custom: { source: 'my-app' } } })).toBeUndefined();
    expect(recognisePing({ orderId: 7 }, { clientContext: undefined })).toBeUndefined();
  });

  it('rejects other sources and extra keys', () => {
    expect(recognisePing({ source: 'my-custom-source' })).toBeUndefined();
    expect(recognisePing({ source: 'serverless-plugin-warmup', orderId: 7 })).toBeUndefined();
  });
});

describe('recognisePing: lambda-warmer', () => {
  it('recognises a rule payload, with the count as a number or as lambda-warmer also accepts, a numeric string', () => {
    expect(recognisePing({ warmer: true, concurrency: 3 })).toEqual({ format: 'lambda-warmer', runId: '', index: 0 });
    expect(recognisePing({ warmer: true, concurrency: '3' })?.format).toBe('lambda-warmer');
    expect(recognisePing({ warmer: true })?.format).toBe('lambda-warmer');
    expect(recognisePing({ warmer: true, concurrency: 2, target: 'other-fn', test: true })?.format).toBe(
      'lambda-warmer',
    );
  });

  it("recognises lambda-warmer's own fan-out copies, which carry no concurrency field", () => {
    const copy = { warmer: true, __WARMER_INVOCATION__: 3, __WARMER_CONCURRENCY__: 5, __WARMER_CORRELATIONID__: 'c-1' };
    expect(recognisePing(copy)).toEqual({ format: 'lambda-warmer', runId: 'c-1', index: 2 });
  });

  it("uses the Thermostat ping riding along the controller's lambda-warmer flavour", () => {
    const payload = flavouredPingPayload('lambda-warmer', request);
    expect(payload).toMatchObject({
      warmer: true,
      concurrency: 1,
      __WARMER_INVOCATION__: 4,
      __WARMER_CONCURRENCY__: 5,
    });
    expect(recognisePing(payload)).toEqual({ format: 'lambda-warmer', request, runId: 'run-42', index: 3 });
  });

  it.each([
    ['a truthy flag that is not true', { warmer: 'yes' }],
    ['a non-numeric count', { warmer: true, concurrency: 'many' }],
    ['a negative count', { warmer: true, concurrency: -1 }],
    ['an unknown key', { warmer: true, concurrency: 1, orderId: 7 }],
    ['a non-string target', { warmer: true, target: 12 }],
  ])('rejects %s', (_label, event) => {
    expect(recognisePing(event)).toBeUndefined();
  });

  it("does not claim lambda-warmer's proxy array form (it asks this function to invoke others)", () => {
    expect(recognisePing([{ warmer: true, concurrency: 2, target: 'other-fn' }])).toBeUndefined();
  });
});

describe('recognisePing: OpenNext', () => {
  it('recognises the warmer payload and takes its delay as the hold', () => {
    expect(recognisePing({ type: 'warmer', warmerId: 'w-1', index: 1, concurrency: 2, delay: 75 })).toEqual({
      format: 'opennext',
      runId: 'w-1',
      index: 1,
      holdMs: 75,
    });
  });

  it('rejects partial or extended payloads', () => {
    expect(recognisePing({ type: 'warmer', warmerId: 'w-1', index: 1, concurrency: 2 })).toBeUndefined();
    expect(
      recognisePing({ type: 'warmer', warmerId: 'w-1', index: 1, concurrency: 2, delay: 75, x: 1 }),
    ).toBeUndefined();
  });
});

describe('recognisePing: Thundra', () => {
  it('recognises the #warmup string and holds 100 ms plus its wait, as @thundra/warmup does', () => {
    expect(recognisePing('#warmup wait=300')).toEqual({ format: 'thundra', runId: '', index: 0, holdMs: 400 });
    expect(recognisePing('#warmup')).toEqual({ format: 'thundra', runId: '', index: 0, holdMs: 100 });
  });

  it('rejects other strings', () => {
    expect(recognisePing('#warmupish')).toBeUndefined();
    expect(recognisePing('hello #warmup')).toBeUndefined();
  });

  it('does not copy the rule that any empty object is a ping', () => {
    expect(recognisePing({})).toBeUndefined();
    expect(isWarmPing({})).toBe(false);
  });
});

describe('security: AWS service events are real events even when they carry a marker', () => {
  const files = readdirSync(eventsDir).filter((name) => name.endsWith('.json'));

  it('has a fixture for each event source the rule names', () => {
    expect(files.sort()).toEqual([
      'alb.json',
      'apigw-http.json',
      'apigw-rest.json',
      'eventbridge.json',
      'sns.json',
      'sqs.json',
    ]);
  });

  it.each(files)('%s is not a ping', (file) => {
    const text = readFileSync(join(eventsDir, file), 'utf8');
    // The fixture really contains a marker, so the test proves the shape check and not an absent marker.
    expect(text).toMatch(/serverless-plugin-warmup|thermostat|warmer/);
    expect(recognisePing(JSON.parse(text))).toBeUndefined();
    expect(isWarmPing(JSON.parse(text))).toBe(false);
  });

  it('the marker inside each body is itself a ping, so only the envelope decides', () => {
    const body = (file: string) => {
      const event = JSON.parse(readFileSync(join(eventsDir, file), 'utf8'));
      return JSON.parse(event.body ?? event.Records?.[0]?.body ?? event.Records?.[0]?.Sns?.Message);
    };
    expect(isWarmPing(body('apigw-rest.json'))).toBe(true);
    expect(isWarmPing(body('apigw-http.json'))).toBe(true);
    expect(isWarmPing(body('alb.json'))).toBe(true);
    expect(isWarmPing(body('sqs.json'))).toBe(true);
    expect(isWarmPing(body('sns.json'))).toBe(true);
    const bridge = JSON.parse(readFileSync(join(eventsDir, 'eventbridge.json'), 'utf8'));
    expect(isWarmPing(bridge.detail)).toBe(true);
  });

  it('rejects non-objects and nulls', () => {
    for (const event of [null, undefined, 42, true, [], ['#warmup']]) expect(isWarmPing(event)).toBe(false);
  });
});
