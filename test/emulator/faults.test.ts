import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ServiceException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import type { Emulator } from '../../emulator';
import { clients, echo, payloadOf, testEmulator } from './helpers';

describe('fault injection', () => {
  let emulator: Emulator;
  let lambda: ReturnType<typeof clients>['lambda'];

  beforeEach(async () => {
    let roll = 0;
    emulator = await testEmulator({
      // 0.1, 0.6, 0.1, 0.6 …: a 50 % share hits every other call.
      random: () => (roll++ % 2 === 0 ? 0.1 : 0.6),
      functions: [
        { name: 'a', handler: 'echo.js', versions: { '1': {} }, aliases: { live: '1' } },
        { name: 'b', handler: 'echo.js' },
      ],
    });
    lambda = clients(emulator).lambda;
  });
  afterEach(() => emulator.stop());

  it('throttles a share of one function’s invocations', async () => {
    emulator.injectFault({ kind: 'throttle', functionName: 'a', rate: 0.5 });
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const result = await lambda.send(new InvokeCommand({ FunctionName: 'a' })).then(
        () => 'ok',
        (e: unknown) => (e instanceof TooManyRequestsException ? e.Reason! : 'other'),
      );
      outcomes.push(result);
    }
    expect(outcomes).toEqual(['ConcurrentInvocationLimitExceeded', 'ok', 'ConcurrentInvocationLimitExceeded', 'ok']);
    expect((await lambda.send(new InvokeCommand({ FunctionName: 'b' }))).StatusCode).toBe(200);
    expect(emulator.inspect().functions.find((f) => f.name === 'a')!.counts.throttles).toBe(2);
  });

  it('fails calls with a 5xx ServiceException, a given number of times', async () => {
    emulator.injectFault({ kind: 'error', functionName: 'a', count: 1, message: 'injected outage' });
    const call = lambda.send(new InvokeCommand({ FunctionName: 'a' }));
    await expect(call).rejects.toBeInstanceOf(ServiceException);
    await expect(call).rejects.toThrow('injected outage');
    expect((await lambda.send(new InvokeCommand({ FunctionName: 'a' }))).StatusCode).toBe(200);
    expect(emulator.inspect().faults).toEqual([]);
  });

  it('applies to control-plane operations by name', async () => {
    const id = emulator.injectFault({ kind: 'throttle', operation: 'GetFunctionConfiguration' });
    const error = await lambda
      .send(new GetFunctionConfigurationCommand({ FunctionName: 'a' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooManyRequestsException);
    expect((error as TooManyRequestsException).Reason).toBe('CallerRateLimitExceeded');
    expect((await lambda.send(new InvokeCommand({ FunctionName: 'a' }))).StatusCode).toBe(200);
    emulator.clearFaults(id);
    expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'a' }))).FunctionName).toBe('a');
  });

  it('adds latency before an invocation', async () => {
    emulator.injectFault({ kind: 'latency', functionName: 'a', latencyMs: 150 });
    const started = Date.now();
    await lambda.send(new InvokeCommand({ FunctionName: 'a' }));
    // A lower bound only: the call cannot finish before the injected delay.
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('crashes the environment mid-invocation', async () => {
    const warm = await echo(lambda, 'a');
    emulator.injectFault({ kind: 'crash', functionName: 'a', count: 1 });
    const crashed = await lambda.send(new InvokeCommand({ FunctionName: 'a' }));
    expect(crashed.FunctionError).toBe('Unhandled');
    expect(payloadOf(crashed)).toMatchObject({ errorType: 'Runtime.ExitError' });
    const next = await echo(lambda, 'a');
    expect(next.envId).not.toBe(warm.envId);
    expect(next.calls).toBe(1);
  });

  it('makes the init phase fail for new environments only', async () => {
    const warm = await echo(lambda, 'a');
    emulator.injectFault({ kind: 'initFailure', functionName: 'a', qualifier: 'live', message: 'no secrets' });
    // The warm $LATEST environment is not re-initialised, so it keeps working.
    expect((await echo(lambda, 'a')).envId).toBe(warm.envId);
    const failed = await lambda.send(new InvokeCommand({ FunctionName: 'a', Qualifier: 'live' }));
    expect(failed.FunctionError).toBe('Unhandled');
    expect(payloadOf(failed)).toMatchObject({ errorMessage: 'no secrets' });
  });

  it('rejects a fault it cannot apply', () => {
    expect(() => emulator.injectFault({ kind: 'throttle', rate: 2 })).toThrow('out of range');
    expect(() => emulator.injectFault({ kind: 'error', status: 404 })).toThrow('not a 5xx');
  });
});
