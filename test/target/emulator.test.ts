import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { type Emulator, startEmulator } from '../../emulator';
import { type EnvironmentProof, flavouredPingPayload, isProofEnvelope, type PingFlavour } from '../../target/protocol';
import { emfProblems } from './helpers/emf';

const ROOT = join(__dirname, '..', '..');
const HANDLER = 'test/fixtures/target/warmed-function.ts';
/** Wide on purpose: every ping of a round must still be held when the last one arrives, even on a busy CI runner. */
const HOLD_MS = 700;
const N = 5;

let emulator: Emulator;
let lambda: LambdaClient;

beforeAll(async () => {
  emulator = await startEmulator({
    environment: 'light',
    baseDir: ROOT,
    prewarmProcesses: 0,
    idleTimeoutMs: 600_000,
    functions: [
      { name: 'warmed', handler: HANDLER, timeoutMs: 10_000 },
      { name: 'unwarmed', handler: HANDLER, timeoutMs: 10_000 },
      { name: 'callback-style', handler: HANDLER, export: 'callbackHandler', timeoutMs: 10_000 },
      { name: 'spw-target', handler: HANDLER, timeoutMs: 10_000 },
    ],
  });
  // The SDK's default agent allows 50 sockets per host; a warmer must size it for its fan-out.
  lambda = new LambdaClient({
    ...emulator.clientConfig(),
    maxAttempts: 1,
    requestHandler: { httpAgent: { maxSockets: 100 } },
  });
});

afterAll(async () => {
  lambda?.destroy();
  await emulator?.stop();
});

async function invoke(functionName: string, event: unknown): Promise<unknown> {
  const output = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify(event) }));
  const text = output.Payload ? Buffer.from(output.Payload).toString('utf8') : '';
  if (output.FunctionError) throw new Error(`${functionName} failed: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function pingRound(functionName: string, runId: string, flavour: PingFlavour = 'thermostat') {
  const holdUntil = Date.now() + HOLD_MS;
  const answers = await Promise.all(
    Array.from({ length: N }, (_, index) =>
      invoke(functionName, flavouredPingPayload(flavour, { runId, index, of: N, holdUntil })),
    ),
  );
  return answers.map((answer) => {
    if (!isProofEnvelope(answer)) throw new Error(`not a proof: ${JSON.stringify(answer)}`);
    return answer.thermostat.proof as EnvironmentProof;
  });
}

function emfLines(functionName: string): Record<string, unknown>[] {
  return emulator
    .logs({ functionName, limit: 10_000 })
    .map((line) => line.text)
    .filter((text) => text.includes('"_aws"'))
    .map((text) => {
      expect(emfProblems(text)).toEqual([]);
      return JSON.parse(text) as Record<string, unknown>;
    });
}

function metricSum(functionName: string, name: 'ColdStart' | 'WarmStart'): number {
  const now = Date.now();
  return emulator
    .metric({
      namespace: 'Thermostat',
      name,
      dimensions: { FunctionName: functionName },
      stat: 'Sum',
      periodSeconds: 60,
      start: now - 3_600_000,
      end: now + 60_000,
    })
    .reduce((sum, point) => sum + point.value, 0);
}

describe('a function wrapped with the helper, in the emulator, pinged with the real SDK', () => {
  it('answers concurrent pings from N distinct environments, first round cold, second round warm', async () => {
    const first = await pingRound('warmed', 'round-1');

    const envIds = new Set(first.map((proof) => proof.envId));
    expect(envIds.size).toBe(N);
    expect(first.map((proof) => proof.firstInvocation)).toEqual(Array(N).fill(true));
    expect(first.map((proof) => proof.index)).toEqual([0, 1, 2, 3, 4]);
    expect(first.map((proof) => proof.runId)).toEqual(Array(N).fill('round-1'));
    expect(first.every((proof) => proof.initType === 'on-demand' && proof.functionName === 'warmed')).toBe(true);
    // The proof's envId is the emulator's environment id (its AWS_LAMBDA_LOG_STREAM_NAME).
    expect(new Set(emulator.environments('warmed').map((env) => env.id))).toEqual(envIds);

    const second = await pingRound('warmed', 'round-2');

    expect(new Set(second.map((proof) => proof.envId))).toEqual(envIds);
    expect(second.map((proof) => proof.firstInvocation)).toEqual(Array(N).fill(false));
    expect(second.map((proof) => proof.pingsServed)).toEqual(Array(N).fill(2));
    expect(emulator.environments('warmed')).toHaveLength(N);
    // Pings never reach the handler, so they write no metric line.
    expect(emfLines('warmed')).toEqual([]);
  });

  it('counts real traffic warm on pinged environments and cold on a fresh one, through EMF', async () => {
    for (let i = 0; i < 3; i += 1) {
      await expect(invoke('warmed', { orderId: `o-${i}` })).resolves.toEqual({
        statusCode: 200,
        body: JSON.stringify({ orderId: `o-${i}` }),
      });
    }
    await invoke('unwarmed', { orderId: 'u-1' });
    await invoke('unwarmed', { orderId: 'u-2' });

    expect(emfLines('warmed').map((line) => [line.ColdStart, line.WarmStart])).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
    ]);
    expect(emfLines('unwarmed').map((line) => [line.ColdStart, line.StartKind])).toEqual([
      [1, 'cold'],
      [0, 'warm'],
    ]);
    // The emulator extracted the metrics from the log lines, as CloudWatch would.
    expect([metricSum('warmed', 'ColdStart'), metricSum('warmed', 'WarmStart')]).toEqual([0, 3]);
    expect([metricSum('unwarmed', 'ColdStart'), metricSum('unwarmed', 'WarmStart')]).toEqual([1, 1]);

    // A later ping shows the real traffic in its proof.
    const [proof] = await Promise.all([invoke('unwarmed', flavouredPingPayload('thermostat', pingRequest()))]);
    expect(proof).toMatchObject({ thermostat: { proof: { realServed: 2, firstInvocation: false } } });
  });

  it('answers the compatibility flavours with proofs too', async () => {
    const spw = await pingRound('warmed', 'round-spw', 'serverless-plugin-warmup');
    const warmer = await pingRound('warmed', 'round-lw', 'lambda-warmer');
    expect(spw.map((proof) => proof.pingFormat)).toEqual(Array(N).fill('serverless-plugin-warmup'));
    expect(warmer.map((proof) => proof.pingFormat)).toEqual(Array(N).fill('lambda-warmer'));
    expect(new Set([...spw, ...warmer].map((proof) => proof.envId)).size).toBe(N);
  });

  it('wraps a callback-style handler the same way', async () => {
    await expect(invoke('callback-style', { orderId: 'c-1' })).resolves.toEqual({ statusCode: 200 });
    const answer = await invoke('callback-style', flavouredPingPayload('thermostat', pingRequest()));
    expect(answer).toMatchObject({ thermostat: { proof: { realServed: 1, pingsServed: 1, firstInvocation: false } } });
  });
});

describe("serverless-plugin-warmup's generated warmer against the wrapped function", () => {
  const exec = promisify(execFile);
  let dir: string;

  beforeAll(() => {
    // The generated warmer imports @aws-sdk/client-lambda, so it must live where node_modules resolves.
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    dir = mkdtempSync(join(ROOT, 'test-artifacts', 'spw-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('never reaches the handler, with the payload or with only the ClientContext marking the ping', async () => {
    const { createWarmUpFunctionArtifact } = require('serverless-plugin-warmup/src/warmer.js');
    await createWarmUpFunctionArtifact(
      [
        { name: 'spw-target', config: { concurrency: 3, payload: '{"source":"serverless-plugin-warmup"}' } },
        {
          name: 'spw-target',
          config: {
            concurrency: 2,
            payload: '{"orderId":"looks-real"}',
            clientContext: '{"source":"serverless-plugin-warmup"}',
          },
        },
      ],
      false,
      true,
      emulator.region,
      dir,
    );

    const { stdout } = await exec(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(dir, 'index.mjs'))}); await m.warmUp({}, {});`,
      ],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          AWS_ENDPOINT_URL_LAMBDA: emulator.endpoint,
          AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
          AWS_SECRET_ACCESS_KEY: 'local-secret',
          AWS_REGION: emulator.region,
        },
        timeout: 20_000,
      },
    );

    expect(stdout).toContain('Warm Up Finished with 0 invoke errors');
    const served = emulator.environments('spw-target').reduce((sum, env) => sum + env.invocations, 0);
    expect(served).toBe(5);
    expect(emfLines('spw-target')).toEqual([]);
    // A real event to the same function does reach the handler.
    await invoke('spw-target', { orderId: 'real' });
    expect(emfLines('spw-target')).toHaveLength(1);
  });
});

function pingRequest() {
  return { runId: 'single', index: 0, of: 1, holdUntil: Date.now() };
}
