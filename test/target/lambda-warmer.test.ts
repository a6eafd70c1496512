import { flavouredPingPayload, type PingRequest, pingPayload } from '../../target/protocol';
import { recognisePing } from '../../target/recognise';

// lambda-warmer's fan-out goes through this module; replacing only it lets the real index.js build the payloads.
jest.mock('lambda-warmer/lib/lambda-service', () => ({ invoke: jest.fn(async () => ({ StatusCode: 200 })) }));

type Warmer = (event: unknown, config?: Record<string, unknown>, context?: unknown) => Promise<boolean>;
const warmer: Warmer = require('lambda-warmer');
const lambdaService: { invoke: jest.Mock } = require('lambda-warmer/lib/lambda-service');

const request: PingRequest = { runId: 'run-3', index: 0, of: 4, holdUntil: 1_764_000_000_300 };

describe('the real lambda-warmer package', () => {
  let log: jest.SpyInstance;
  beforeEach(() => {
    lambdaService.invoke.mockClear();
    log = jest.spyOn(console, 'log').mockImplementation(() => {});
  });
  afterEach(() => log.mockRestore());

  it("resolves true for the controller's lambda-warmer flavour with concurrency 1, without fanning out", async () => {
    for (const index of [0, 1, 3]) {
      await expect(warmer(flavouredPingPayload('lambda-warmer', { ...request, index }))).resolves.toBe(true);
    }
    expect(lambdaService.invoke).not.toHaveBeenCalled();
    // Its own log numbers the pings from the fields the flavour sends.
    expect(log.mock.calls.map(([record]) => [record.count, record.concurrency, record.correlationId])).toEqual([
      [1, 4, 'run-3'],
      [2, 4, 'run-3'],
      [4, 4, 'run-3'],
    ]);
  });

  it("does not know Thermostat's own format, so code still on lambda-warmer needs the lambda-warmer flavour", async () => {
    await expect(warmer(pingPayload(request))).resolves.toBe(false);
  });

  it('sends fan-out copies that the helper recognises as lambda-warmer pings, correlation id and index included', async () => {
    await expect(warmer({ warmer: true, concurrency: 3 }, { correlationId: 'corr-1' })).resolves.toBe(true);

    const sent = lambdaService.invoke.mock.calls.map(([params]) => JSON.parse(Buffer.from(params.Payload).toString()));
    expect(sent).toHaveLength(2);
    expect(sent.map((payload) => recognisePing(payload))).toEqual([
      { format: 'lambda-warmer', runId: 'corr-1', index: 1 },
      { format: 'lambda-warmer', runId: 'corr-1', index: 2 },
    ]);
    // The rule's own payload is a ping for the helper too.
    expect(recognisePing({ warmer: true, concurrency: 3 })?.format).toBe('lambda-warmer');
  });
});
