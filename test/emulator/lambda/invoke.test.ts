import {
  InvalidParameterValueException,
  InvalidRequestContentException,
  InvokeCommand,
  LambdaServiceException,
  RequestTooLargeException,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import type { Emulator } from '../../../emulator';
import { clients, type EchoResult, echo, payloadOf, testEmulator } from '../helpers';

describe('Invoke through the real Lambda client', () => {
  let emulator: Emulator;
  let lambda: ReturnType<typeof clients>['lambda'];

  beforeAll(async () => {
    emulator = await testEmulator({
      functions: [
        {
          name: 'echo',
          handler: 'echo.js',
          env: { CUSTOM: 'from-manifest' },
          memoryMb: 256,
          versions: { '1': {}, '2': {} },
          aliases: { live: '1', next: '2' },
        },
        { name: 'throws', handler: 'throws.js' },
        { name: 'callback', handler: 'callback.js' },
        { name: 'typed', handler: 'typed.ts' },
      ],
    });
    lambda = clients(emulator).lambda;
  });
  afterAll(() => emulator.stop());

  it('runs a RequestResponse invocation with a Lambda-like context and environment', async () => {
    const output = await lambda.send(
      new InvokeCommand({ FunctionName: 'echo', Qualifier: 'live', Payload: JSON.stringify({ hello: 'world' }) }),
    );
    expect(output.StatusCode).toBe(200);
    expect(output.ExecutedVersion).toBe('1');
    expect(output.FunctionError).toBeUndefined();
    const result = payloadOf(output) as EchoResult;
    expect(result.event).toEqual({ hello: 'world' });
    expect(result.envId).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[1\][0-9a-f]{32}$/);
    expect(result.env).toMatchObject({
      name: 'echo',
      version: '1',
      memory: '256',
      initType: 'on-demand',
      region: 'us-east-1',
      handler: 'echo.handler',
      endpoint: emulator.endpoint,
      custom: 'from-manifest',
    });
    expect(result.env.trace).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};/);
    expect(result.context).toMatchObject({
      awsRequestId: output.$metadata.requestId,
      functionName: 'echo',
      functionVersion: '1',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:echo:live',
      memoryLimitInMB: '256',
      logGroupName: '/aws/lambda/echo',
      logStreamName: result.envId,
    });
    expect(result.context.remaining).toBeGreaterThan(0);
    expect(result.context.remaining).toBeLessThanOrEqual(3000);
  });

  it.each([
    ['echo', undefined, '$LATEST'],
    ['echo:live', undefined, '1'],
    ['echo:$LATEST', undefined, '$LATEST'],
    ['echo', '2', '2'],
    ['echo:next', 'next', '2'],
    ['123456789012:function:echo:live', undefined, '1'],
    ['arn:aws:lambda:us-east-1:123456789012:function:echo', 'next', '2'],
    ['arn:aws:lambda:us-east-1:123456789012:function:echo:2', undefined, '2'],
  ])('accepts FunctionName %s (Qualifier %s) and runs version %s', async (name, qualifier, version) => {
    const output = await lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: qualifier }));
    expect(output.ExecutedVersion).toBe(version);
    expect((payloadOf(output) as EchoResult).env.version).toBe(version);
  });

  it('rejects a qualifier in the name that contradicts the Qualifier parameter', async () => {
    const call = lambda.send(new InvokeCommand({ FunctionName: 'echo:live', Qualifier: '2' }));
    await expect(call).rejects.toBeInstanceOf(InvalidParameterValueException);
    await expect(call).rejects.toThrow('The derived qualifier from the function name does not match');
  });

  it('answers unknown functions, versions and aliases with ResourceNotFoundException', async () => {
    for (const [name, qualifier, arn] of [
      ['nope', undefined, 'function:nope'],
      ['echo', '9', 'function:echo:9'],
      ['echo', 'missing', 'function:echo:missing'],
      ['arn:aws:lambda:us-east-1:999999999999:function:echo', undefined, '999999999999:function:echo'],
    ] as const) {
      const call = lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: qualifier }));
      await expect(call).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(call).rejects.toThrow(`Function not found: arn:aws:lambda:`);
      await expect(call).rejects.toThrow(arn);
    }
  });

  it('reports a handler error with X-Amz-Function-Error and the error payload, status 200', async () => {
    const output = await lambda.send(new InvokeCommand({ FunctionName: 'throws' }));
    expect(output.StatusCode).toBe(200);
    expect(output.FunctionError).toBe('Unhandled');
    expect(payloadOf(output)).toMatchObject({ errorType: 'OrderError', errorMessage: 'boom' });
    expect((payloadOf(output) as { trace: string[] }).trace[0]).toContain('boom');
  });

  it('returns the last 4 KB of the invocation log with LogType Tail', async () => {
    const long = 'x'.repeat(3000);
    const output = await lambda.send(
      new InvokeCommand({ FunctionName: 'echo', LogType: 'Tail', Payload: JSON.stringify({ log: `first ${long}` }) }),
    );
    const again = await lambda.send(
      new InvokeCommand({
        FunctionName: 'echo',
        LogType: 'Tail',
        Payload: JSON.stringify({ log: `second ${long}${long}` }),
      }),
    );
    const log = Buffer.from(output.LogResult!, 'base64').toString('utf8');
    expect(log).toContain(`START RequestId: ${output.$metadata.requestId} Version: $LATEST`);
    expect(log).toMatch(new RegExp(`\\t${output.$metadata.requestId}\\tINFO\\tfirst x+`));
    expect(log).toContain(`REPORT RequestId: ${output.$metadata.requestId}\tDuration:`);
    const tail = Buffer.from(again.LogResult!, 'base64');
    expect(tail.length).toBe(4096);
    expect(tail.toString('utf8')).toContain(`END RequestId: ${again.$metadata.requestId}`);
    expect(tail.toString('utf8')).not.toContain('START RequestId');
  });

  it('accepts an Event invocation with 202 and runs it in the background', async () => {
    const before = emulator.inspect().functions.find((f) => f.name === 'echo')!.counts.invocations;
    const output = await lambda.send(
      new InvokeCommand({
        FunctionName: 'echo',
        InvocationType: 'Event',
        Payload: JSON.stringify({ log: 'async-run' }),
      }),
    );
    expect(output.StatusCode).toBe(202);
    expect(output.Payload?.length ?? 0).toBe(0);
    await emulator.settle();
    expect(emulator.inspect().functions.find((f) => f.name === 'echo')!.counts.invocations).toBe(before + 1);
    expect(emulator.logs({ functionName: 'echo' }).some((line) => line.text.endsWith('\tINFO\tasync-run'))).toBe(true);
  });

  it('runs nothing for a DryRun (204)', async () => {
    const before = emulator.inspect().functions.find((f) => f.name === 'echo')!.counts.invocations;
    const output = await lambda.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'DryRun' }));
    expect(output.StatusCode).toBe(204);
    expect(emulator.inspect().functions.find((f) => f.name === 'echo')!.counts.invocations).toBe(before);
  });

  it('enforces the 6 MB synchronous and 1 MB asynchronous payload limits', async () => {
    const big = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes - 12) });
    const sync = lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: big(6 * 1024 * 1024 + 10) }));
    await expect(sync).rejects.toBeInstanceOf(RequestTooLargeException);
    await expect(sync).rejects.toThrow('6291456 bytes');
    const async = lambda.send(
      new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: big(1024 * 1024 + 10) }),
    );
    await expect(async).rejects.toBeInstanceOf(RequestTooLargeException);
    const accepted = await lambda.send(
      new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: big(1024 * 1024 - 100) }),
    );
    expect(accepted.StatusCode).toBe(202);
    await emulator.settle();
  });

  it('rejects a payload that is not JSON with InvalidRequestContentException', async () => {
    const call = lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('not json') }));
    await expect(call).rejects.toBeInstanceOf(InvalidRequestContentException);
  });

  it('passes the client context to synchronous invocations', async () => {
    const clientContext = Buffer.from(JSON.stringify({ custom: { from: 'test' } })).toString('base64');
    const output = await lambda.send(new InvokeCommand({ FunctionName: 'echo', ClientContext: clientContext }));
    expect((payloadOf(output) as EchoResult).context.clientContext).toEqual({ custom: { from: 'test' } });
  });

  it('supports callback-style handlers and TypeScript handlers', async () => {
    const callback = await lambda.send(
      new InvokeCommand({ FunctionName: 'callback', Payload: JSON.stringify({ n: 21 }) }),
    );
    expect(payloadOf(callback)).toEqual({ doubled: 42 });
    const typed = await lambda.send(
      new InvokeCommand({ FunctionName: 'typed', Payload: JSON.stringify({ items: [1, 2, 3] }) }),
    );
    expect(payloadOf(typed)).toMatchObject({ total: 6, served: 1 });
  });

  it('keeps module state per environment between warm invocations', async () => {
    const first = await echo(lambda, 'echo', {}, 'next');
    const second = await echo(lambda, 'echo', {}, 'next');
    expect(second.envId).toBe(first.envId);
    expect(second.calls).toBe(first.calls + 1);
  });

  it('answers an unknown path with a typed service error', async () => {
    const response = await fetch(`${emulator.endpoint}/2099-01-01/whatever`);
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(LambdaServiceException).toBeDefined();
  });
});
