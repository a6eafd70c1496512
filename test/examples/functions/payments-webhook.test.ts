import { join } from 'node:path';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { EnvironmentKind } from '../../../emulator';
import { flavouredPingPayload, type PingFlavour, type ProofEnvelope } from '../../../target/protocol';
import { clients, payloadOf, testEmulator } from '../../emulator/helpers';

const HANDLER = join(__dirname, '..', '..', '..', 'examples', 'functions', 'payments-webhook.ts');

const webhookEvent = (body: string) => ({
  version: '2.0',
  routeKey: 'POST /webhooks/payments',
  rawPath: '/webhooks/payments',
  rawQueryString: '',
  headers: { 'content-type': 'application/json' },
  requestContext: { http: { method: 'POST', path: '/webhooks/payments' }, stage: '$default' },
  isBase64Encoded: false,
  body,
});

async function invoke(lambda: LambdaClient, event: unknown): Promise<unknown> {
  const output = await lambda.send(
    new InvokeCommand({ FunctionName: 'payments-webhook', Qualifier: 'live', Payload: JSON.stringify(event) }),
  );
  if (output.FunctionError) throw new Error(`function error: ${Buffer.from(output.Payload!).toString('utf8')}`);
  return payloadOf(output);
}

const ping = (flavour: PingFlavour, runId: string) =>
  flavouredPingPayload(flavour, { runId, index: 0, of: 1, holdUntil: Date.now() + 50 });

// The example as it is (middy 7 is ES modules only), in both kinds of environment the emulator offers.
describe.each<EnvironmentKind>(['process', 'light'])('examples/functions/payments-webhook.ts (%s)', (environment) => {
  it('loads middy, answers middy-style and Thermostat pings with a proof, and serves a real webhook', async () => {
    const emulator = await testEmulator({
      environment,
      functions: [{ name: 'payments-webhook', handler: HANDLER, versions: { '1': {} }, aliases: { live: '1' } }],
    });
    try {
      const { lambda } = clients(emulator);
      const middy = (await invoke(lambda, ping('middy', 'run-middy'))) as ProofEnvelope;
      expect(middy.thermostat.proof).toMatchObject({
        runId: 'run-middy',
        firstInvocation: true,
        pingFormat: 'serverless-plugin-warmup',
        functionName: 'payments-webhook',
        functionVersion: '1',
      });
      const own = (await invoke(lambda, ping('thermostat', 'run-own'))) as ProofEnvelope;
      expect(own.thermostat.proof).toMatchObject({ runId: 'run-own', pingFormat: 'thermostat', pingsServed: 2 });
      expect(own.thermostat.proof.envId).toBe(middy.thermostat.proof.envId);

      const accepted = await invoke(lambda, webhookEvent(JSON.stringify({ id: 'evt_1', type: 'payment.succeeded' })));
      expect(accepted).toEqual({ statusCode: 202, body: '' });
      expect(await invoke(lambda, webhookEvent('{not json'))).toEqual({
        statusCode: 400,
        body: 'expected a JSON body',
      });
      const logs = emulator.logs({ functionName: 'payments-webhook' }).map((line) => line.text);
      expect(logs.some((text) => text.includes('{"received":"payment.succeeded","id":"evt_1"}'))).toBe(true);

      const after = (await invoke(lambda, ping('middy', 'run-after'))) as ProofEnvelope;
      expect(after.thermostat.proof).toMatchObject({ realServed: 2, pingsServed: 3, firstInvocation: false });
    } finally {
      await emulator.stop();
    }
  });
});
