import { Agent } from 'node:http';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Emulator } from '../../../emulator';
import { testEmulator } from '../helpers';

describe('fan-out like a warmer', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await testEmulator({
      functions: [
        { name: 'target', handler: 'echo.js', timeoutMs: 10_000, versions: { '1': {} }, aliases: { live: '1' } },
      ],
    });
  });
  afterAll(() => emulator.stop());

  it('holds 250 concurrent RequestResponse invocations on 250 distinct environments', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 500 });
    const lambda = new LambdaClient({
      ...emulator.clientConfig(),
      maxAttempts: 1,
      // A short connection timeout, as serverless-plugin-warmup uses: the emulator must keep accepting while it starts environments.
      requestHandler: new NodeHttpHandler({ httpAgent: agent, connectionTimeout: 1_000 }),
    });
    // Seconds of hold, so every call is still in flight when the last one arrives even on a loaded CI machine.
    const holdUntil = Date.now() + 4_000;
    try {
      const outputs = await Promise.all(
        Array.from({ length: 250 }, (_, index) =>
          lambda.send(
            new InvokeCommand({
              FunctionName: 'target',
              Qualifier: 'live',
              Payload: JSON.stringify({ index, holdMs: Math.max(0, holdUntil - Date.now()) }),
            }),
          ),
        ),
      );
      const envIds = outputs.map((o) => (JSON.parse(Buffer.from(o.Payload!).toString()) as { envId: string }).envId);
      expect(outputs.every((o) => o.FunctionError === undefined)).toBe(true);
      expect(new Set(envIds).size).toBe(250);
      expect(emulator.environments('target')).toHaveLength(250);
      expect(emulator.inspect().functions[0]!.counts).toMatchObject({ cold: 250, throttles: 0 });
    } finally {
      lambda.destroy();
      agent.destroy();
    }
  });
});
