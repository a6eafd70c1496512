import { encodePing } from '../../../controller/ping/payload';
import { isThermostatPing } from '../../../target/protocol';

const ping = { runId: 'run-1', index: 2, of: 5, holdUntil: 1_764_000_000_000 };
const decode = (bytes: Uint8Array) => JSON.parse(Buffer.from(bytes).toString('utf8'));

describe('encodePing', () => {
  it('sends the versioned Thermostat envelope the target helper recognises', () => {
    const event = decode(encodePing({ flavour: 'thermostat' }, ping).payload);
    expect(event).toEqual({ thermostat: { v: 1, ping } });
    expect(isThermostatPing(event)).toBe(true);
  });

  it('sends serverless-plugin-warmup’s event and client context (also what @middy/warmup detects)', () => {
    for (const flavour of ['serverless-plugin-warmup', 'middy'] as const) {
      const encoded = encodePing({ flavour }, ping);
      expect(decode(encoded.payload)).toEqual({ source: 'serverless-plugin-warmup' });
      expect(JSON.parse(Buffer.from(encoded.clientContext!, 'base64').toString())).toEqual({
        custom: { source: 'serverless-plugin-warmup' },
      });
    }
  });

  it('sends a custom payload unchanged', () => {
    expect(decode(encodePing({ flavour: 'custom', json: { warm: [1, 2] } }, ping).payload)).toEqual({ warm: [1, 2] });
  });

  it('makes the real lambda-warmer hold the ping without fanning out', async () => {
    process.env.AWS_LAMBDA_FUNCTION_NAME ??= 'lw-target';
    process.env.AWS_LAMBDA_FUNCTION_VERSION ??= '$LATEST';
    const warmer = require('lambda-warmer') as (event: unknown, config?: Record<string, unknown>) => Promise<boolean>;
    const event = decode(encodePing({ flavour: 'lambda-warmer' }, ping).payload);
    const started = Date.now();
    // A fan-out would require the AWS SDK and call Lambda; concurrency 1 means lambda-warmer only delays.
    await expect(warmer(event, { log: false, delay: 30 })).resolves.toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(event).toMatchObject({ warmer: true, concurrency: 1, __WARMER_INVOCATION__: 4, __WARMER_CONCURRENCY__: 6 });
  });
});
