import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { buildSync } from 'esbuild';
import type { MetricsSink } from '../controller/report/metrics';
import { createStateTable } from '../controller/state/local-table';
import type { Emulator } from '../emulator';

/*
 * Setup shared by the benchmarks and the controller's end-to-end tests: both run the real controller against the
 * local emulator, with the same target fixture and state table. It lives here, not under test/, because the package
 * build compiles benchmarks/ and must not pull test files into dist.
 */

/**
 * A region and placeholder credentials for the SDK clients the controller builds from its environment (they only
 * ever talk to the emulator), and no instance-metadata lookup, which would wait for a network that is not there.
 */
export function useLocalAwsEnvironment(): void {
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'AKIDLOCAL';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local-secret';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
}

/**
 * The target fixture (a handler wrapped with the real target helper) bundled to one JS file, as a user's function
 * ships: the emulator's light environments then load a few kilobytes instead of compiling TypeScript per
 * environment, which keeps cold starts of hundreds of environments realistic on a 2-core machine.
 */
export function bundleWarmTarget(dir: string): string {
  const outfile = join(dir, 'warm-target.js');
  buildSync({
    entryPoints: [join(__dirname, '..', 'test', 'fixtures', 'controller', 'targets', 'warm.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

/** A client for the emulator's DynamoDB (started with `dynamodb: true`). */
export function emulatorDynamo(emulator: Emulator): DynamoDBClient {
  return new DynamoDBClient({ ...emulator.clientConfig(), endpoint: emulator.dynamodbEndpoint!, maxAttempts: 1 });
}

/** Creates a state table in the emulator's DynamoDB through a client that is closed again. */
export async function createEmulatorStateTable(emulator: Emulator, table: string): Promise<void> {
  const dynamo = emulatorDynamo(emulator);
  try {
    await createStateTable(dynamo, table);
  } finally {
    dynamo.destroy();
  }
}

/** The controller's environment for a run against the emulator: its state table, its policy file, its endpoints. */
export function emulatorControllerEnv(emulator: Emulator, table: string, policyFile: string): Record<string, string> {
  return {
    THERMOSTAT_TABLE: table,
    THERMOSTAT_POLICY_FILE: policyFile,
    AWS_REGION: emulator.region,
    AWS_ENDPOINT_URL: emulator.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: emulator.dynamodbEndpoint!,
  };
}

/** Metrics that go nowhere: the benchmarks read the run reports, not EMF lines. */
export const silentMetrics: MetricsSink = {
  addDimension: () => {},
  addMetric: () => {},
  publishStoredMetrics: () => {},
};
