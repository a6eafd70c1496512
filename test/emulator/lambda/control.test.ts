import {
  GetAccountSettingsCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvalidParameterValueException,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { type Emulator, ManualClock } from '../../../emulator';
import { clients, payloadOf, testEmulator } from '../helpers';

describe('Lambda control plane', () => {
  let emulator: Emulator;
  let lambda: ReturnType<typeof clients>['lambda'];

  beforeAll(async () => {
    let roll = 0;
    emulator = await testEmulator({
      // Alternates 0.25 / 0.75 so a 50 % weighted alias splits calls evenly and predictably.
      random: () => {
        roll += 1;
        return roll % 2 === 0 ? 0.25 : 0.75;
      },
      functions: [
        {
          name: 'orders',
          handler: 'echo.js',
          memoryMb: 1024,
          timeoutMs: 2_500,
          architecture: 'arm64',
          env: { TABLE: 'orders' },
          tags: { team: 'shop', 'cost-center': '42' },
          reservedConcurrency: 30,
          versions: { '1': {}, '2': { memoryMb: 2048, description: 'bigger' } },
          aliases: { live: '1', canary: { version: '1', weights: { '2': 0.5 } }, next: '2' },
        },
      ],
    });
    lambda = clients(emulator).lambda;
  });
  afterAll(() => emulator.stop());

  it('GetFunction returns the configuration, code location and reserved concurrency', async () => {
    const out = await lambda.send(new GetFunctionCommand({ FunctionName: 'orders' }));
    expect(out.Configuration).toMatchObject({
      FunctionName: 'orders',
      FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders',
      Runtime: 'nodejs22.x',
      Handler: 'echo.handler',
      MemorySize: 1024,
      Timeout: 3,
      Version: '$LATEST',
      Architectures: ['arm64'],
      State: 'Active',
      Environment: { Variables: { TABLE: 'orders' } },
    });
    expect(out.Configuration?.CodeSha256).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(out.Concurrency?.ReservedConcurrentExecutions).toBe(30);
    expect(out.Code?.Location).toContain('echo.js');
    expect(out.Tags).toEqual({ team: 'shop', 'cost-center': '42' });
  });

  it('GetFunctionConfiguration resolves aliases and versions', async () => {
    const next = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders', Qualifier: 'next' }));
    expect(next).toMatchObject({ Version: '2', MemorySize: 2048, Description: 'bigger' });
    expect(next.FunctionArn).toBe('arn:aws:lambda:us-east-1:123456789012:function:orders:next');
    const byArn = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:orders:1' }),
    );
    expect(byArn.Version).toBe('1');
    await expect(
      lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders', Qualifier: '7' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders:1', Qualifier: '2' })),
    ).rejects.toBeInstanceOf(InvalidParameterValueException);
  });

  it('GetAlias and ListAliases show versions and routing weights', async () => {
    const canary = await lambda.send(new GetAliasCommand({ FunctionName: 'orders', Name: 'canary' }));
    expect(canary).toMatchObject({
      AliasArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders:canary',
      Name: 'canary',
      FunctionVersion: '1',
      RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } },
    });
    const missing = lambda.send(new GetAliasCommand({ FunctionName: 'orders', Name: 'gone' }));
    await expect(missing).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(missing).rejects.toThrow(
      'Cannot find alias arn: arn:aws:lambda:us-east-1:123456789012:function:orders:gone',
    );

    const all = await lambda.send(new ListAliasesCommand({ FunctionName: 'orders' }));
    expect(all.Aliases?.map((a) => a.Name).sort()).toEqual(['canary', 'live', 'next']);
    const onTwo = await lambda.send(new ListAliasesCommand({ FunctionName: 'orders', FunctionVersion: '2' }));
    expect(onTwo.Aliases?.map((a) => a.Name)).toEqual(['next']);
    const firstPage = await lambda.send(new ListAliasesCommand({ FunctionName: 'orders', MaxItems: 2 }));
    expect(firstPage.Aliases).toHaveLength(2);
    const secondPage = await lambda.send(
      new ListAliasesCommand({ FunctionName: 'orders', MaxItems: 2, Marker: firstPage.NextMarker }),
    );
    expect(secondPage.Aliases).toHaveLength(1);
    expect(secondPage.NextMarker).toBeUndefined();
  });

  it('ListVersionsByFunction lists $LATEST and the published versions', async () => {
    const out = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'orders' }));
    expect(out.Versions?.map((v) => [v.Version, v.FunctionArn?.split(':').pop()])).toEqual([
      ['$LATEST', '$LATEST'],
      ['1', '1'],
      ['2', '2'],
    ]);
    await expect(lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'ghost' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('ListFunctions lists the account’s functions ($LATEST configuration)', async () => {
    const out = await lambda.send(new ListFunctionsCommand({}));
    expect(out.Functions?.map((f) => [f.FunctionName, f.Version, f.MemorySize])).toEqual([['orders', '$LATEST', 1024]]);
  });

  it('routes a weighted alias by its weights and reports the executed version', async () => {
    const { InvokeCommand } = await import('@aws-sdk/client-lambda');
    const versions: string[] = [];
    for (let i = 0; i < 4; i++) {
      const out = await lambda.send(new InvokeCommand({ FunctionName: 'orders', Qualifier: 'canary' }));
      versions.push(out.ExecutedVersion!);
      expect((payloadOf(out) as { env: { version: string } }).env.version).toBe(out.ExecutedVersion);
    }
    expect(versions.sort()).toEqual(['1', '1', '2', '2']);
  });
});

describe('control-plane request quota', () => {
  it('shares 15 requests per second (configurable) across control-plane APIs, GetFunction apart', async () => {
    const clock = new ManualClock();
    const emulator = await testEmulator({
      clock,
      controlPlaneRps: 2,
      getFunctionRps: 100,
      functions: [{ name: 'f', handler: 'echo.js' }],
    });
    const { lambda } = clients(emulator);
    try {
      await lambda.send(new GetAccountSettingsCommand({}));
      await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'f' }));
      const error = await lambda.send(new ListAliasesCommand({ FunctionName: 'f' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TooManyRequestsException);
      expect((error as TooManyRequestsException).Reason).toBe('CallerRateLimitExceeded');
      expect((await lambda.send(new GetFunctionCommand({ FunctionName: 'f' }))).Configuration?.FunctionName).toBe('f');
      await clock.advance(500);
      await lambda.send(new ListAliasesCommand({ FunctionName: 'f' }));
    } finally {
      await emulator.stop();
    }
  });
});
