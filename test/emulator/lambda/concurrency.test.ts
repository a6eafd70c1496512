import {
  DeleteFunctionConcurrencyCommand,
  GetAccountSettingsCommand,
  GetFunctionConcurrencyCommand,
  InvalidParameterValueException,
  InvokeCommand,
  PutFunctionConcurrencyCommand,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { type Emulator, ManualClock } from '../../../emulator';
import { clients, echo, testEmulator } from '../helpers';

async function untilInFlight(emulator: Emulator, count: number): Promise<void> {
  for (let i = 0; i < 500 && emulator.inspect().account.inFlight < count; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(emulator.inspect().account.inFlight).toBe(count);
}

async function throttleOf(call: Promise<unknown>): Promise<TooManyRequestsException> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TooManyRequestsException);
  return error as TooManyRequestsException;
}

describe('concurrency limits', () => {
  let emulator: Emulator;
  let clock: ManualClock;
  let lambda: ReturnType<typeof clients>['lambda'];

  beforeEach(async () => {
    clock = new ManualClock();
    emulator = await testEmulator({
      clock,
      accountConcurrency: 4,
      unreservedFloor: 1,
      scalingRate: 2,
      scalingWindowMs: 10_000,
      functions: [
        { name: 'open', handler: 'echo.js' },
        { name: 'capped', handler: 'echo.js', reservedConcurrency: 1 },
        { name: 'disabled', handler: 'echo.js', reservedConcurrency: 0 },
      ],
    });
    lambda = clients(emulator).lambda;
  });
  afterEach(() => emulator.stop());

  it('throttles beyond reserved concurrency with ReservedFunctionConcurrentInvocationLimitExceeded', async () => {
    const held = echo(lambda, 'capped', { holdMs: 300 });
    await untilInFlight(emulator, 1);
    const error = await throttleOf(lambda.send(new InvokeCommand({ FunctionName: 'capped' })));
    expect(error.Reason).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
    expect(error.$metadata.httpStatusCode).toBe(429);
    expect(error.retryAfterSeconds).toBe('1');
    await held;
    const disabled = await throttleOf(lambda.send(new InvokeCommand({ FunctionName: 'disabled' })));
    expect(disabled.Reason).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
    expect(emulator.inspect().functions.find((f) => f.name === 'capped')!.counts.throttles).toBe(1);
  });

  it('throttles beyond the unreserved account pool with ConcurrentInvocationLimitExceeded', async () => {
    // 4 account - 1 reserved by "capped" = 3 for "open"; the scaling rate (2 per window) refills meanwhile.
    const first = [echo(lambda, 'open', { holdMs: 400 }), echo(lambda, 'open', { holdMs: 400 })];
    await untilInFlight(emulator, 2);
    await clock.advance(5_000);
    const third = echo(lambda, 'open', { holdMs: 400 });
    await untilInFlight(emulator, 3);
    const error = await throttleOf(lambda.send(new InvokeCommand({ FunctionName: 'open' })));
    expect(error.Reason).toBe('ConcurrentInvocationLimitExceeded');
    // The reserved function still has its own unit of concurrency.
    expect((await echo(lambda, 'capped')).calls).toBe(1);
    await Promise.all([...first, third]);
  });

  it('limits how fast a function adds environments (scaling rate), refilled over the window', async () => {
    const running = [echo(lambda, 'open', { holdMs: 400 }), echo(lambda, 'open', { holdMs: 400 })];
    await untilInFlight(emulator, 2);
    const error = await throttleOf(lambda.send(new InvokeCommand({ FunctionName: 'open' })));
    expect(error.Reason).toBe('FunctionInvocationRateLimitExceeded');
    await Promise.all(running);
    // Warm environments need no scaling: both idle ones serve at once.
    await Promise.all([echo(lambda, 'open', { holdMs: 100 }), echo(lambda, 'open', { holdMs: 100 })]);
    await clock.advance(5_000);
    const results = await Promise.all([1, 2, 3].map(() => echo(lambda, 'open', { holdMs: 200 })));
    expect(new Set(results.map((r) => r.envId)).size).toBe(3);
  });
});

describe('reserved concurrency and account settings', () => {
  let emulator: Emulator;
  let lambda: ReturnType<typeof clients>['lambda'];

  beforeAll(async () => {
    emulator = await testEmulator({
      accountConcurrency: 200,
      unreservedFloor: 100,
      functions: [
        { name: 'a', handler: 'echo.js' },
        { name: 'b', handler: 'echo.js', reservedConcurrency: 20 },
      ],
    });
    lambda = clients(emulator).lambda;
  });
  afterAll(() => emulator.stop());

  it('reports account limits and unreserved concurrency', async () => {
    const settings = await lambda.send(new GetAccountSettingsCommand({}));
    expect(settings.AccountLimit).toMatchObject({ ConcurrentExecutions: 200, UnreservedConcurrentExecutions: 180 });
    expect(settings.AccountUsage?.FunctionCount).toBe(2);
  });

  it('puts, gets and deletes reserved concurrency', async () => {
    expect(
      (await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'a' }))).ReservedConcurrentExecutions,
    ).toBeUndefined();
    const put = await lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'a', ReservedConcurrentExecutions: 50 }),
    );
    expect(put.ReservedConcurrentExecutions).toBe(50);
    expect(
      (await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'a' }))).ReservedConcurrentExecutions,
    ).toBe(50);
    expect((await lambda.send(new GetAccountSettingsCommand({}))).AccountLimit?.UnreservedConcurrentExecutions).toBe(
      130,
    );
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'a' }));
    expect(
      (await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'a' }))).ReservedConcurrentExecutions,
    ).toBeUndefined();
  });

  it('refuses reserved concurrency that would leave less than the unreserved floor', async () => {
    const call = lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'a', ReservedConcurrentExecutions: 81 }),
    );
    await expect(call).rejects.toBeInstanceOf(InvalidParameterValueException);
    await expect(call).rejects.toThrow('below its minimum value of [100]');
    const negative = lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'a', ReservedConcurrentExecutions: -1 }),
    );
    await expect(negative).rejects.toBeInstanceOf(InvalidParameterValueException);
    const missing = lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'nope' }));
    await expect(missing).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
