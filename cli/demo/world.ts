import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { sdkDynamo } from '../../controller/aws/sdk';
import { costOfPings } from '../../controller/cost';
import { BUILTIN_DEFAULTS, functionName, type LoadedPolicy, resolvePolicy } from '../../controller/policy';
import { run } from '../../controller/run';
import { DynamoStateStore } from '../../controller/state';
import { createStateTable } from '../../controller/state/local-table';
import { type Emulator, type EnvironmentKind, startEmulator } from '../../emulator';
import { budgetContext, LOCAL_CREDENTIALS, type LocalRuntime, localRuntime, writerLog } from '../commands/run';
import { storyTime } from './compression';
import type { Copy, DemoSettings } from './record';
import type { InvokeOutcome, SnapshotOutcome, StoryWorld, TickOutcome } from './story';

/** One demo function: the real handler code, run twice in the emulator. */
export interface DemoFunction {
  /** The name its policy uses: the managed copy's name; the other copy gets UNMANAGED_SUFFIX. */
  readonly name: string;
  /** Absolute path of the handler module. */
  readonly handler: string;
  /** Exported handler function. @default 'handler' */
  readonly export?: string;
  /** Alias the traffic (and the policy) uses; it points at version 1. */
  readonly qualifier: string;
  readonly memoryMb: number;
  readonly architecture: 'x86_64' | 'arm64';
  /** What one real request to this function looks like. */
  readonly event: unknown;
  /** Overrides the demo-wide kind of execution environment for this function. */
  readonly environment?: EnvironmentKind;
}

export const UNMANAGED_SUFFIX = '-unmanaged';
const STATE_TABLE_NAME = 'thermostat-demo-state';
/** The emulator's stand-in for a cold start's init, as Lambda reports it in the REPORT line. */
const INIT_DURATION = /Init Duration: ([\d.]+) ms/;

export interface DemoWorldOptions {
  readonly settings: DemoSettings;
  readonly functions: readonly DemoFunction[];
  readonly policies: readonly LoadedPolicy[];
  /** 'process': one Node.js process per environment (real cold starts); 'light': module instances in one host. */
  readonly environment: EnvironmentKind;
  /** Real milliseconds a tick may take, like the controller Lambda's timeout. @default 10000 */
  readonly tickBudgetMs?: number;
  /** Where the controller's log lines go (dropped by default). */
  readonly log?: (line: string) => void;
}

export interface DemoWorld extends StoryWorld {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Reads the cold start, if any, from the tail of an invocation's log (the REPORT line). */
export function coldStartOf(logResult: string | undefined): { cold: boolean; initMs: number } {
  if (!logResult) return { cold: false, initMs: 0 };
  const match = INIT_DURATION.exec(Buffer.from(logResult, 'base64').toString('utf8'));
  return match ? { cold: true, initMs: Number(match[1]) } : { cold: false, initMs: 0 };
}

/**
 * Starts what the demo runs in: the emulator with both copies of every function, a dynalite with the controller's
 * state table, and the controller itself (its real `run`, with real SDK clients pointed at the emulator).
 */
export async function startDemoWorld(options: DemoWorldOptions): Promise<DemoWorld> {
  const { settings, functions } = options;
  const emulator: Emulator = await startEmulator({
    // The example nightly-batch policy names its function by an eu-west-1 ARN.
    region: 'eu-west-1',
    environment: options.environment,
    // The controller's state table lives in the emulator's dynalite.
    dynamodb: true,
    idleTimeoutMs: settings.idleReclaimMs,
    // Allocation takes minutes on AWS; compressed, it should still be visible but not eat the window.
    provisionedAllocationDelayMs: Math.round(settings.tickMs / 3),
    autoScalingIntervalMs: Math.round(settings.tickMs / 3),
    functions: functions.flatMap((fn) =>
      [fn.name, `${fn.name}${UNMANAGED_SUFFIX}`].map((name) => ({
        name,
        handler: fn.handler,
        export: fn.export ?? 'handler',
        memoryMb: fn.memoryMb,
        architecture: fn.architecture,
        timeoutMs: 10_000,
        ...(fn.environment ? { environment: fn.environment } : {}),
        versions: { '1': {} },
        aliases: { [fn.qualifier]: '1' },
      })),
    ),
  });
  let runtime: LocalRuntime | undefined;
  let dynamo: DynamoDBClient | undefined;
  let traffic: LambdaClient | undefined;
  try {
    const local = { region: emulator.region, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 };
    dynamo = new DynamoDBClient({ ...local, endpoint: emulator.dynamodbEndpoint });
    await createStateTable(dynamo, STATE_TABLE_NAME);
    runtime = localRuntime({
      policies: { policies: options.policies, issues: [] },
      state: new DynamoStateStore(sdkDynamo(dynamo), STATE_TABLE_NAME),
      endpoint: emulator.endpoint,
      region: emulator.region,
      credentials: LOCAL_CREDENTIALS,
      log: writerLog(options.log),
      // A compressed tick has a compressed budget: keep only a small reserve instead of the Lambda's 5 s.
      config: { reserveMs: 200 },
    });
    traffic = new LambdaClient({ ...local, endpoint: emulator.endpoint });
  } catch (error) {
    runtime?.destroy();
    dynamo?.destroy();
    await emulator.stop();
    throw error;
  }
  const controller = runtime;
  const client = traffic;
  const byName = new Map(functions.map((fn) => [fn.name, fn]));
  const initSeen = new Map<string, { total: number; count: number }>();
  const tickBudgetMs = options.tickBudgetMs ?? 10_000;

  return {
    endpoint: emulator.endpoint,
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),

    async invoke(name: string, copy: Copy): Promise<InvokeOutcome> {
      const fn = byName.get(name)!;
      const response = await client.send(
        new InvokeCommand({
          FunctionName: copy === 'managed' ? fn.name : `${fn.name}${UNMANAGED_SUFFIX}`,
          Qualifier: fn.qualifier,
          Payload: Buffer.from(JSON.stringify(fn.event)),
          LogType: 'Tail',
        }),
      );
      const { cold, initMs } = coldStartOf(response.LogResult);
      if (cold) {
        const seen = initSeen.get(name) ?? { total: 0, count: 0 };
        initSeen.set(name, { total: seen.total + initMs, count: seen.count + 1 });
      }
      return { cold, addedMs: initMs, ok: response.FunctionError === undefined };
    },

    async tick(atMs: number): Promise<TickOutcome> {
      const at = storyTime(settings, atMs);
      const report = await run(
        controller.deps,
        { time: at.toISOString() },
        budgetContext(controller.deps.clock, tickBudgetMs),
      );
      const pings: Record<string, number> = {};
      const pingCostUsd: Record<string, number> = {};
      const failures: string[] = [];
      for (const target of report.targets) {
        const name = functionName(target.function);
        const fn = byName.get(name);
        if (target.failure) failures.push(`${target.target}: ${target.failure.message}`);
        if (!fn || !target.warm) continue;
        const loaded = options.policies.find((p) => p.key === target.key);
        const holdMs = loaded ? resolvePolicy(loaded.policy, at).warm.holdMs : BUILTIN_DEFAULTS.warm.holdMs;
        const init = initSeen.get(name);
        pings[name] = (pings[name] ?? 0) + target.warm.pingsSent;
        pingCostUsd[name] =
          (pingCostUsd[name] ?? 0) +
          costOfPings({
            count: target.warm.pingsSent,
            holdMs,
            memoryMb: fn.memoryMb,
            architecture: fn.architecture,
            coldPings: target.warm.cold,
            initMs: init ? init.total / init.count : 0,
          }).total;
      }
      return { pings, pingCostUsd, failures };
    },

    async snapshot(): Promise<SnapshotOutcome> {
      const state = emulator.inspect().functions;
      const live = (name: string) => state.find((f) => f.name === name)?.environments.filter((e) => !e.retiring) ?? [];
      const environments: Record<string, Record<Copy, number>> = {};
      const provisioned: Record<string, number> = {};
      for (const fn of functions) {
        environments[fn.name] = {
          managed: live(fn.name).length,
          unmanaged: live(`${fn.name}${UNMANAGED_SUFFIX}`).length,
        };
        provisioned[fn.name] = (state.find((f) => f.name === fn.name)?.provisioned ?? []).reduce(
          (sum, config) => sum + config.allocated,
          0,
        );
      }
      return { environments, provisioned };
    },

    async stop() {
      client.destroy();
      controller.destroy();
      dynamo?.destroy();
      await emulator.stop();
    },
  };
}
