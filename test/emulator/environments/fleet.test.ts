import { InvokeCommand } from '@aws-sdk/client-lambda';
import { type Emulator, ManualClock } from '../../../emulator';
import { alive, clients, echo, payloadOf, testEmulator } from '../helpers';

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('execution environments (light)', () => {
  let emulator: Emulator;
  let clock: ManualClock;
  let lambda: ReturnType<typeof clients>['lambda'];

  beforeEach(async () => {
    clock = new ManualClock();
    emulator = await testEmulator({
      clock,
      idleTimeoutMs: 1_000,
      maxLifetimeMs: 60_000,
      functions: [
        { name: 'echo', handler: 'echo.js', versions: { '1': {} }, aliases: { live: '1' } },
        { name: 'slow', handler: 'echo.js', timeoutMs: 100 },
        { name: 'crash', handler: 'crash.js' },
        { name: 'broken', handler: 'fail-init.js' },
        { name: 'uncaught', handler: 'uncaught.js' },
        { name: 'esm', handler: 'esm.mjs' },
      ],
    });
    lambda = clients(emulator).lambda;
  });
  afterEach(() => emulator.stop());

  it('puts two overlapping invocations on two environments and reuses one afterwards (warm)', async () => {
    const [a, b] = await Promise.all([echo(lambda, 'echo', { holdMs: 300 }), echo(lambda, 'echo', { holdMs: 300 })]);
    expect(a.envId).not.toBe(b.envId);
    expect([a.calls, b.calls]).toEqual([1, 1]);
    const c = await echo(lambda, 'echo');
    expect([a.envId, b.envId]).toContain(c.envId);
    expect(c.calls).toBe(2);
    const fn = emulator.inspect().functions.find((f) => f.name === 'echo')!;
    expect(fn.counts).toMatchObject({ invocations: 3, cold: 2, warm: 1, environmentsCreated: 2 });
    expect(fn.environments.map((e) => e.state)).toEqual(['idle', 'idle']);
  });

  it('reclaims an environment idle past the timeout, so the next call is cold', async () => {
    const first = await echo(lambda, 'echo');
    await clock.advance(999);
    const second = await echo(lambda, 'echo');
    expect(second.envId).toBe(first.envId);
    await clock.advance(999);
    expect(emulator.environments('echo')).toHaveLength(1);
    await clock.advance(2);
    expect(emulator.environments('echo')).toHaveLength(0);
    const third = await echo(lambda, 'echo');
    expect(third.envId).not.toBe(first.envId);
    expect(third.calls).toBe(1);
    expect(emulator.inspect().functions.find((f) => f.name === 'echo')!.counts).toMatchObject({
      cold: 2,
      warm: 1,
      reclaimed: 1,
    });
  });

  it('adds idle jitter to the timeout', async () => {
    await emulator.stop();
    clock = new ManualClock();
    emulator = await testEmulator({
      clock,
      idleTimeoutMs: 1_000,
      idleJitterMs: 1_000,
      random: () => 0.5,
      functions: [{ name: 'echo', handler: 'echo.js' }],
    });
    lambda = clients(emulator).lambda;
    await echo(lambda, 'echo');
    await clock.advance(1_499);
    expect(emulator.environments('echo')).toHaveLength(1);
    await clock.advance(1);
    expect(emulator.environments('echo')).toHaveLength(0);
  });

  it('keeps environments per version: warming $LATEST does not warm an alias', async () => {
    const latest = await echo(lambda, 'echo');
    const alias = await echo(lambda, 'echo', {}, 'live');
    expect(alias.envId).not.toBe(latest.envId);
    expect(alias.env.version).toBe('1');
    expect(alias.envId).toContain('[1]');
    expect(latest.envId).toContain('[$LATEST]');
    expect(
      emulator
        .environments('echo')
        .map((e) => e.version)
        .sort(),
    ).toEqual(['$LATEST', '1']);
  });

  it('retires an environment at its maximum lifetime, after its current request', async () => {
    const first = await echo(lambda, 'echo');
    const pending = echo(lambda, 'echo', { holdMs: 200 });
    await until(() => emulator.environments('echo')[0]?.state === 'busy', 'a busy environment');
    await clock.advance(60_000);
    expect(emulator.environments('echo')[0]).toMatchObject({ id: first.envId, retiring: true });
    expect((await pending).envId).toBe(first.envId);
    expect(emulator.environments('echo')).toHaveLength(0);
    expect(emulator.inspect().functions.find((f) => f.name === 'echo')!.counts.retired).toBe(1);
  });

  it('destroys an environment whose invocation times out', async () => {
    const output = await lambda.send(
      new InvokeCommand({ FunctionName: 'slow', Payload: JSON.stringify({ holdMs: 2_000 }) }),
    );
    expect(output.FunctionError).toBe('Unhandled');
    expect(payloadOf(output)).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${output.$metadata.requestId} Error: Task timed out after 0.10 seconds`,
    });
    expect(emulator.environments('slow')).toHaveLength(0);
    expect(emulator.inspect().functions.find((f) => f.name === 'slow')!.counts.timeouts).toBe(1);
  });

  it('destroys an environment that exits mid-invocation', async () => {
    const output = await lambda.send(new InvokeCommand({ FunctionName: 'crash' }));
    expect(output.FunctionError).toBe('Unhandled');
    expect(payloadOf(output)).toMatchObject({ errorType: 'Runtime.ExitError' });
    expect(emulator.environments('crash')).toHaveLength(0);
    expect(emulator.inspect().functions.find((f) => f.name === 'crash')!.counts.crashes).toBe(1);
  });

  it('treats an exception thrown outside the handler promise as fatal for that environment only', async () => {
    const bystander = await echo(lambda, 'echo');
    const output = await lambda.send(new InvokeCommand({ FunctionName: 'uncaught' }));
    expect(output.FunctionError).toBe('Unhandled');
    expect(payloadOf(output)).toMatchObject({ errorMessage: 'thrown from a timer' });
    expect(emulator.environments('uncaught')).toHaveLength(0);
    expect((await echo(lambda, 'echo')).envId).toBe(bystander.envId);
  });

  it('reports an init failure as a function error and retries init on the next call', async () => {
    for (let i = 0; i < 2; i++) {
      const output = await lambda.send(new InvokeCommand({ FunctionName: 'broken', LogType: 'Tail' }));
      expect(output.FunctionError).toBe('Unhandled');
      expect(payloadOf(output)).toMatchObject({ errorType: 'Error', errorMessage: 'cannot connect to the database' });
      expect(Buffer.from(output.LogResult!, 'base64').toString()).toContain('INIT_REPORT Init Duration');
    }
    expect(emulator.environments('broken')).toHaveLength(0);
    expect(emulator.inspect().functions.find((f) => f.name === 'broken')!.counts).toMatchObject({
      initFailures: 2,
      cold: 2,
    });
  });

  it('says plainly that light environments load CommonJS only', async () => {
    const output = await lambda.send(new InvokeCommand({ FunctionName: 'esm' }));
    expect(output.FunctionError).toBe('Unhandled');
    expect(payloadOf(output)).toMatchObject({ errorMessage: expect.stringContaining("use environment 'process'") });
  });

  it('gives every light environment its own module state and environment variables', async () => {
    const results = await Promise.all([1, 2, 3].map(() => echo(lambda, 'echo', { holdMs: 200 })));
    expect(new Set(results.map((r) => r.envId)).size).toBe(3);
    expect(results.map((r) => r.calls)).toEqual([1, 1, 1]);
    for (const result of results) expect(result.context.logStreamName).toBe(result.envId);
    expect(emulator.environments('echo').every((e) => e.kind === 'light' && e.pid === undefined)).toBe(true);
  });
});

describe('execution environments (process)', () => {
  it('runs each environment in its own child process and kills them all on stop', async () => {
    const emulator = await testEmulator({
      environment: 'process',
      prewarmProcesses: 1,
      functions: [
        { name: 'echo', handler: 'echo.js' },
        { name: 'typed', handler: 'typed.ts' },
        { name: 'crash', handler: 'crash.js' },
        { name: 'esm', handler: 'esm.mjs' },
      ],
    });
    const { lambda } = clients(emulator);
    try {
      const [a, b] = await Promise.all([echo(lambda, 'echo', { holdMs: 300 }), echo(lambda, 'echo', { holdMs: 300 })]);
      expect(a.envId).not.toBe(b.envId);
      const envs = emulator.environments('echo');
      expect(envs).toHaveLength(2);
      expect(new Set(envs.map((e) => e.pid)).size).toBe(2);
      for (const env of envs) {
        expect(env.kind).toBe('process');
        expect(alive(env.pid!)).toBe(true);
        expect(env.initDurationMs).toBeGreaterThan(0);
      }
      const warm = await echo(lambda, 'echo');
      expect([a.envId, b.envId]).toContain(warm.envId);
      expect(warm.calls).toBe(2);

      const typed = await lambda.send(
        new InvokeCommand({ FunctionName: 'typed', Payload: JSON.stringify({ items: [2, 3] }) }),
      );
      expect(payloadOf(typed)).toMatchObject({ total: 5 });

      const esm = await lambda.send(new InvokeCommand({ FunctionName: 'esm', Payload: '{"a":1}' }));
      expect(payloadOf(esm)).toEqual({ esm: true, event: { a: 1 } });

      await lambda.send(new InvokeCommand({ FunctionName: 'crash' }));
      const crashed = await lambda.send(new InvokeCommand({ FunctionName: 'crash' }));
      expect(payloadOf(crashed)).toMatchObject({
        errorType: 'Runtime.ExitError',
        errorMessage: expect.stringContaining('exit status 3'),
      });
      expect(emulator.environments('crash')).toHaveLength(0);
    } finally {
      const pids = emulator.pids();
      expect(pids.length).toBeGreaterThanOrEqual(3);
      await emulator.stop();
      expect(pids.filter(alive)).toEqual([]);
      expect(emulator.pids()).toEqual([]);
    }
  });
});
