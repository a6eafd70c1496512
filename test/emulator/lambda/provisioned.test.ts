import {
  DeleteProvisionedConcurrencyConfigCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvalidParameterValueException,
  ListProvisionedConcurrencyConfigsCommand,
  ProvisionedConcurrencyConfigNotFoundException,
  PutProvisionedConcurrencyConfigCommand,
  ResourceConflictException,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { type Emulator, ManualClock } from '../../../emulator';
import { clients, echo, testEmulator } from '../helpers';

describe('provisioned concurrency', () => {
  let emulator: Emulator;
  let clock: ManualClock;
  let lambda: ReturnType<typeof clients>['lambda'];

  const put = (FunctionName: string, Qualifier: string | undefined, ProvisionedConcurrentExecutions: number) =>
    lambda.send(
      new PutProvisionedConcurrencyConfigCommand({ FunctionName, Qualifier, ProvisionedConcurrentExecutions }),
    );
  const get = (FunctionName: string, Qualifier: string) =>
    lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName, Qualifier }));

  beforeEach(async () => {
    clock = new ManualClock();
    emulator = await testEmulator({
      clock,
      provisionedAllocationDelayMs: 1_000,
      accountConcurrency: 120,
      unreservedFloor: 100,
      functions: [
        {
          name: 'orders',
          handler: 'echo.js',
          versions: { '1': {}, '2': {} },
          aliases: { live: '1', canary: { version: '1', weights: { '2': 0.1 } } },
        },
        { name: 'capped', handler: 'echo.js', reservedConcurrency: 3, versions: { '1': {} } },
        { name: 'broken', handler: 'fail-init.js', versions: { '1': {} }, aliases: { live: '1' } },
      ],
    });
    lambda = clients(emulator).lambda;
  });
  afterEach(() => emulator.stop());

  it('allocates IN_PROGRESS, then READY after the delay with pre-initialised provisioned environments', async () => {
    const out = await put('orders', 'live', 2);
    expect(out.$metadata.httpStatusCode).toBe(202);
    expect(out).toMatchObject({
      RequestedProvisionedConcurrentExecutions: 2,
      AllocatedProvisionedConcurrentExecutions: 0,
      AvailableProvisionedConcurrentExecutions: 0,
      Status: 'IN_PROGRESS',
    });
    await emulator.settle();
    expect((await get('orders', 'live')).Status).toBe('IN_PROGRESS');
    await expect(put('orders', 'live', 3)).rejects.toBeInstanceOf(ResourceConflictException);
    await clock.advance(1_000);
    const ready = await get('orders', 'live');
    expect(ready).toMatchObject({
      RequestedProvisionedConcurrentExecutions: 2,
      AllocatedProvisionedConcurrentExecutions: 2,
      AvailableProvisionedConcurrentExecutions: 2,
      Status: 'READY',
    });
    const envs = emulator.environments('orders');
    expect(envs).toHaveLength(2);
    expect(
      envs.every((e) => e.state === 'provisioned' && e.initType === 'provisioned-concurrency' && e.version === '1'),
    ).toBe(true);

    // Provisioned environments serve first (already initialised); a third concurrent call spills over on demand.
    const results = await Promise.all([1, 2, 3].map(() => echo(lambda, 'orders', { holdMs: 300 }, 'live')));
    const initTypes = results.map((r) => r.env.initType).sort();
    expect(initTypes).toEqual(['on-demand', 'provisioned-concurrency', 'provisioned-concurrency']);
    const counts = emulator.inspect().functions.find((f) => f.name === 'orders')!.counts;
    expect(counts).toMatchObject({ provisionedInvocations: 2, spillovers: 1, cold: 1, warm: 2 });

    // $LATEST never uses them.
    expect((await echo(lambda, 'orders')).env.initType).toBe('on-demand');
  });

  it('applies AWS rules: no $LATEST, at least 1, no weighted alias, one configuration per version', async () => {
    const latest = put('orders', '$LATEST', 1);
    await expect(latest).rejects.toBeInstanceOf(InvalidParameterValueException);
    await expect(latest).rejects.toThrow('cannot be applied to unpublished function versions');
    await expect(put('orders', undefined, 1)).rejects.toBeInstanceOf(InvalidParameterValueException);
    await expect(put('orders', 'live', 0)).rejects.toBeInstanceOf(InvalidParameterValueException);
    const weighted = put('orders', 'canary', 1);
    await expect(weighted).rejects.toBeInstanceOf(InvalidParameterValueException);
    await expect(weighted).rejects.toThrow('Alias with weights can not be used with Provisioned Concurrency');
    await expect(put('orders', 'nope', 1)).rejects.toBeInstanceOf(ResourceNotFoundException);
    await put('orders', 'live', 1);
    await expect(put('orders', '1', 1)).rejects.toBeInstanceOf(ResourceConflictException);
  });

  it('caps provisioned concurrency by reserved concurrency and by unreserved concurrency minus the floor', async () => {
    const reserved = put('capped', '1', 4);
    await expect(reserved).rejects.toBeInstanceOf(InvalidParameterValueException);
    await expect(reserved).rejects.toThrow('reservedConcurrentExecution');
    // 120 account - 3 reserved = 117 unreserved; 117 - 100 floor leaves 17.
    const floor = put('orders', 'live', 18);
    await expect(floor).rejects.toBeInstanceOf(InvalidParameterValueException);
    await expect(floor).rejects.toThrow(
      "decreases account's UnreservedConcurrentExecution below its minimum value of [100]",
    );
    expect((await put('orders', 'live', 17)).Status).toBe('IN_PROGRESS');
  });

  it('reports FAILED with FUNCTION_ERROR_INIT_FAILURE when the init phase throws', async () => {
    await put('broken', 'live', 2);
    await clock.advance(1_000);
    await emulator.settle();
    const config = await get('broken', 'live');
    expect(config).toMatchObject({ Status: 'FAILED', StatusReason: 'FUNCTION_ERROR_INIT_FAILURE' });
    expect(config.AllocatedProvisionedConcurrentExecutions).toBe(0);
    expect(emulator.environments('broken')).toHaveLength(0);
  });

  it('lists, gets and deletes configurations with the typed errors', async () => {
    await expect(get('orders', 'live')).rejects.toBeInstanceOf(ProvisionedConcurrencyConfigNotFoundException);
    await put('orders', 'live', 1);
    await put('capped', '1', 2);
    const list = await lambda.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'orders' }));
    expect(list.ProvisionedConcurrencyConfigs).toEqual([
      expect.objectContaining({
        FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders:live',
        RequestedProvisionedConcurrentExecutions: 1,
      }),
    ]);
    await clock.advance(1_000);
    await emulator.settle();
    expect(emulator.environments('orders')).toHaveLength(1);
    const deleted = await lambda.send(
      new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: 'orders', Qualifier: 'live' }),
    );
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    await emulator.settle();
    expect(emulator.environments('orders')).toHaveLength(0);
    await expect(
      lambda.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: 'orders', Qualifier: 'live' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(get('orders', 'live')).rejects.toBeInstanceOf(ProvisionedConcurrencyConfigNotFoundException);
  });

  it('moves provisioned concurrency with its alias and replaces a provisioned environment that dies', async () => {
    await put('orders', 'live', 1);
    await clock.advance(1_000);
    await emulator.settle();
    const [before] = emulator.environments('orders');
    expect(before?.version).toBe('1');

    emulator.setAlias('orders', 'live', '2');
    expect((await get('orders', 'live')).Status).toBe('IN_PROGRESS');
    await clock.advance(1_000);
    await emulator.settle();
    const after = emulator.environments('orders');
    expect(after.map((e) => [e.version, e.state])).toEqual([['2', 'provisioned']]);

    // A crash destroys the environment; Lambda keeps the configured count, so a new one starts.
    emulator.injectFault({ kind: 'crash', functionName: 'orders', count: 1 });
    const crashed = await echo(lambda, 'orders', {}, 'live').catch((e: Error) => e);
    expect(crashed).toBeInstanceOf(Error);
    await emulator.settle();
    const replaced = emulator.environments('orders');
    expect(replaced).toHaveLength(1);
    expect(replaced[0]!.id).not.toBe(after[0]!.id);
    expect(replaced[0]).toMatchObject({ state: 'provisioned', available: true, initType: 'provisioned-concurrency' });
  });
});
