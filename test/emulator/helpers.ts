import { join } from 'node:path';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../emulator';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'emulator');

/** Settings that keep suites fast and deterministic: light environments, no quota surprises, no pre-forking. */
export function testEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({
    environment: 'light',
    baseDir: FIXTURES,
    controlPlaneRps: 10_000,
    getFunctionRps: 10_000,
    prewarmProcesses: 0,
    provisionedAllocationDelayMs: 0,
    ...options,
  });
}

/** Real SDK clients pointed at the emulator, without retries (a throttle must surface at once). */
export function clients(emulator: Emulator) {
  const config = { ...emulator.clientConfig(), maxAttempts: 1 };
  return {
    lambda: new LambdaClient(config),
    autoScaling: new ApplicationAutoScalingClient(config),
    events: new EventBridgeClient(config),
    cloudWatch: new CloudWatchClient(config),
  };
}

export function payloadOf(output: InvokeCommandOutput): unknown {
  return output.Payload ? JSON.parse(Buffer.from(output.Payload).toString('utf8')) : undefined;
}

export interface EchoResult {
  readonly envId: string;
  readonly calls: number;
  readonly env: Record<string, string | undefined>;
  readonly context: Record<string, unknown>;
  readonly event: unknown;
}

/** Invokes the echo fixture and returns what it reported. */
export async function echo(
  lambda: LambdaClient,
  functionName: string,
  event: Record<string, unknown> = {},
  qualifier?: string,
): Promise<EchoResult> {
  const output = await lambda.send(
    new InvokeCommand({ FunctionName: functionName, Qualifier: qualifier, Payload: JSON.stringify(event) }),
  );
  if (output.FunctionError) throw new Error(`function error: ${Buffer.from(output.Payload!).toString('utf8')}`);
  return payloadOf(output) as EchoResult;
}

/** True while a process id exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
