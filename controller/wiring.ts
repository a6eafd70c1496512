/**
 * The controller's wiring: SDK clients, rate limits, caches and tunables from the environment, without Powertools
 * or anything else that runs at import time. The Lambda entry (handler.ts), the CLI's local run and the tests build
 * the controller's dependencies here, so all of them behave as the deployed controller does.
 *
 * Environment: THERMOSTAT_TABLE (required), THERMOSTAT_POLICY_FILE or THERMOSTAT_POLICY_DIR, THERMOSTAT_CONFIG_FILE
 * (the construct's target map and metric choices, see targets.ts), THERMOSTAT_TARGETS (policy key → ARN),
 * THERMOSTAT_EVENT_BUS, THERMOSTAT_DETAILED_METRICS (comma-separated targets that get per-target metrics), the
 * tunables read by `configFromEnv`, the account-wide rate budgets (THERMOSTAT_ACCOUNT_TABLE, default the state
 * table; THERMOSTAT_ACCOUNT_RATE=off, THERMOSTAT_ACCOUNT_CONTROL_RPS, THERMOSTAT_ACCOUNT_GET_FUNCTION_RPS), tag
 * discovery (THERMOSTAT_POLICY_TAG, THERMOSTAT_DISCOVERY_REFRESH_MS), Lambda's own AWS_LAMBDA_FUNCTION_NAME (the
 * function shards invoke), and the SDK's own AWS_REGION and AWS_ENDPOINT_URL_<SERVICE> (how tests and the demo
 * point it at the local emulator).
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { scheduleRefFrom } from './act/pause';
import { CallBudget } from './aws/call-budget';
import type { DynamoApi } from './aws/ports';
import { RateLimiter, rateLimitedAutoScaling, rateLimitedLambda } from './aws/rate-limit';
import {
  autoScalingSdk,
  cloudWatchSdk,
  eventBridgeSdk,
  schedulerSdk,
  sdkAutoScaling,
  sdkDynamo,
  sdkEvents,
  sdkFunctionLister,
  sdkInvoker,
  sdkLambdaControl,
  sdkMetrics,
  sdkScheduler,
} from './aws/sdk';
import { SharedBucket } from './aws/shared-bucket';
import { systemClock } from './clock';
import { WeightedSemaphore } from './concurrency';
import { type ControllerConfig, DEFAULT_CONFIG } from './config';
import { ControllerEnv } from './contract';
import { withConfiguredDiscovery } from './discover/configured';
import { TagDiscovery } from './discover/tag-discovery';
import { ControllerConfigError } from './errors';
import { type AccountStore, DynamoAccountStore } from './observe/account-store';
import { createCaches } from './observe/caches';
import { policySourceFromEnv } from './policies';
import type { Policy } from './policy/core';
import type { PolicySource, RunDeps } from './run';
import { DynamoStateStore, TrafficMemory } from './state';
import { mergeTargetMaps, parseTargetMap, readConfigFile } from './targets';

/** Defaults of the wiring that the environment (or a CLI flag) may override. */
export const WIRING_DEFAULTS = {
  connectTimeoutMs: 3_000,
  /** See ClientOptions.callTimeoutMs. */
  callTimeoutMs: 10_000,
  maxAttempts: 3,
  /** Control-plane requests per second: below Lambda's 15/s shared quota, leaving room for deploys and people. */
  controlRps: 10,
  /** GetFunction requests per second (its own quota is 100/s). */
  getFunctionRps: 50,
} as const;

/** Socket pool bounds: at least the SDK's default, at most what one controller should hold open. */
const MIN_SOCKETS = 50;
const MAX_SOCKETS = 2000;

function numberFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) {
    throw new ControllerConfigError(`${name} is ${JSON.stringify(raw)}; expected a number of at least ${min}`);
  }
  return value;
}

/** Tunables and the target map from the environment (all optional). */
export function configFromEnv(env: NodeJS.ProcessEnv): ControllerConfig {
  const tickShare = env.THERMOSTAT_TICK_SHARE ? numberFrom(env, 'THERMOSTAT_TICK_SHARE', 0.2, 0) : undefined;
  // the construct's map lives in its asset (THERMOSTAT_CONFIG_FILE); THERMOSTAT_TARGETS adds deploy-time ARNs
  const configFile = env[ControllerEnv.ConfigFile];
  const targetMap = env[ControllerEnv.Targets];
  const file = configFile ? readConfigFile(configFile, env) : undefined;
  const targets = mergeTargetMaps(file?.targets, targetMap ? parseTargetMap(targetMap) : undefined);
  const detailed = [
    ...(file?.detailedMetrics ?? []),
    ...(env.THERMOSTAT_DETAILED_METRICS ?? '')
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key !== ''),
  ];
  // The construct names the controller's own schedule so it may pause it while nothing is due.
  const ref = scheduleRefFrom(env[ControllerEnv.Schedule]);
  if (env[ControllerEnv.Schedule] && !ref) {
    throw new ControllerConfigError(
      `${ControllerEnv.Schedule} is ${JSON.stringify(env[ControllerEnv.Schedule])}; expected <group>/<schedule name>`,
    );
  }
  const schedule = ref
    ? {
        ...ref,
        tickMs: numberFrom(env, ControllerEnv.TickSeconds, 60, 60) * 1000,
        ticksOnDeploy: env[ControllerEnv.TicksOnDeploy] === 'true',
      }
    : undefined;
  return {
    ...DEFAULT_CONFIG,
    warm: {
      ...DEFAULT_CONFIG.warm,
      callTimeoutMs: numberFrom(env, 'THERMOSTAT_CALL_TIMEOUT_MS', DEFAULT_CONFIG.warm.callTimeoutMs, 1),
      maxRounds: numberFrom(env, 'THERMOSTAT_MAX_ROUNDS', DEFAULT_CONFIG.warm.maxRounds, 1),
      // On Lambda the controller's CPU share, and so its pings' pace, follows its memory size (the construct sets it).
      dispatchMsPerPing: numberFrom(env, ControllerEnv.DispatchMsPerPing, DEFAULT_CONFIG.warm.dispatchMsPerPing, 0),
    },
    reserveMs: numberFrom(env, 'THERMOSTAT_RESERVE_MS', DEFAULT_CONFIG.reserveMs),
    parallelism: numberFrom(env, 'THERMOSTAT_PARALLELISM', DEFAULT_CONFIG.parallelism, 1),
    actParallelism: numberFrom(env, 'THERMOSTAT_ACT_PARALLELISM', DEFAULT_CONFIG.actParallelism, 1),
    shardSize: numberFrom(env, ControllerEnv.ShardSize, DEFAULT_CONFIG.shardSize, 1),
    ...(tickShare !== undefined ? { tickShare } : {}),
    ...(targets !== undefined ? { targets } : {}),
    ...(detailed.length > 0 ? { detailedMetrics: new Set(detailed) } : {}),
    ...(schedule ? { schedule } : {}),
    ...(env[ControllerEnv.ServiceName] ? { controllerTag: env[ControllerEnv.ServiceName] } : {}),
    ...(file?.discovery ? { discovery: file.discovery } : {}),
  };
}

/** The largest round any policy can ask for (base settings and every window, pings or provisioned fallback). */
export function largestRound(policies: readonly Policy[]): number {
  let largest = 1;
  for (const policy of policies) {
    const layers = [policy, ...(policy.windows ?? [])];
    for (const layer of layers) {
      largest = Math.max(largest, layer.warm?.concurrency ?? 1, layer.provisioned?.min ?? 0);
    }
  }
  return largest;
}

/**
 * The ping client's socket pool: the SDK's default handler keeps at most 50 sockets per host, and pings beyond
 * that silently wait for a free socket, arrive after the others were released and land on the same environments.
 * The pool holds the largest round plus room for other targets' rounds in flight at the same time.
 */
export function socketPoolSize(
  policies: readonly Policy[],
  actParallelism: number,
  env: NodeJS.ProcessEnv = {},
): number {
  const configured = numberFrom(env, 'THERMOSTAT_MAX_SOCKETS', 0);
  if (configured > 0) return Math.min(MAX_SOCKETS, Math.max(1, Math.floor(configured)));
  return Math.min(MAX_SOCKETS, Math.max(MIN_SOCKETS, largestRound(policies) + actParallelism));
}

export interface ClientOptions {
  readonly maxSockets: number;
  readonly connectTimeoutMs: number;
  /**
   * The longest any one AWS call (with its SDK retries) may take, except pings (their own timeout) — it is also cut
   * at the tick's deadline. @default 10000
   */
  readonly callTimeoutMs?: number;
  /**
   * SDK attempts for AWS calls; pings always make one attempt, and Lambda control-plane calls make one per SDK
   * call because the rate-limited port retries them itself (each retry passes the rate limits again).
   */
  readonly maxAttempts: number;
  readonly region?: string;
  /** Per-service endpoints (the emulator); unset ones use the SDK's own resolution. */
  readonly endpoints?: Partial<Record<Service, string>>;
  /** Explicit credentials (the CLI against the emulator); unset uses the SDK's default chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export type Service = 'lambda' | 'autoscaling' | 'cloudwatch' | 'dynamodb' | 'events' | 'scheduler';

/** The SDK's environment variable suffix per service (AWS_ENDPOINT_URL_<SUFFIX>). */
const ENDPOINT_VARIABLES: Record<Service, string> = {
  lambda: 'LAMBDA',
  autoscaling: 'APPLICATION_AUTO_SCALING',
  cloudwatch: 'CLOUDWATCH',
  dynamodb: 'DYNAMODB',
  events: 'EVENTBRIDGE',
  scheduler: 'SCHEDULER',
};

/**
 * Endpoints named by AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL in `env`. The SDK reads the same variables
 * from process.env by itself; reading them here as well lets a caller pass another environment (tests, the CLI).
 */
export function endpointsFromEnv(env: NodeJS.ProcessEnv): Partial<Record<Service, string>> {
  const endpoints: Partial<Record<Service, string>> = {};
  for (const [service, suffix] of Object.entries(ENDPOINT_VARIABLES) as Array<[Service, string]>) {
    const url = env[`AWS_ENDPOINT_URL_${suffix}`] || env.AWS_ENDPOINT_URL;
    if (url) endpoints[service] = url;
  }
  return endpoints;
}

/** The SDK clients, configured once. Endpoints come from AWS_ENDPOINT_URL_* unless `endpoint` is given. */
export function buildClients(options: ClientOptions) {
  const region = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
  const at = (service: Service) => {
    const endpoint = options.endpoints?.[service];
    return endpoint ? { ...region, endpoint } : region;
  };
  const pingHandler = new NodeHttpHandler({
    connectionTimeout: options.connectTimeoutMs,
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: options.maxSockets }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: options.maxSockets }),
  });
  let autoscaling: ApplicationAutoScalingClient | undefined;
  let cloudwatch: CloudWatchClient | undefined;
  let events: EventBridgeClient | undefined;
  let scheduler: SchedulerClient | undefined;
  // A socket that stays silent this long is given up, whatever the call (the call budget also aborts the whole call).
  const handler = () =>
    new NodeHttpHandler({
      connectionTimeout: options.connectTimeoutMs,
      requestTimeout: options.callTimeoutMs ?? WIRING_DEFAULTS.callTimeoutMs,
    });
  return {
    // Pings never retry inside the SDK: the top-up loop decides, and a throttle must shrink the next round.
    lambdaData: new LambdaClient({ ...at('lambda'), requestHandler: pingHandler, maxAttempts: 1 }),
    lambdaControl: new LambdaClient({ ...at('lambda'), requestHandler: handler(), maxAttempts: 1 }),
    dynamo: new DynamoDBClient({ ...at('dynamodb'), requestHandler: handler(), maxAttempts: options.maxAttempts }),
    // Built (and their SDK packages loaded) on first use: many controllers never need them, or only after the pings.
    get autoscaling(): ApplicationAutoScalingClient {
      autoscaling ??= new (autoScalingSdk().ApplicationAutoScalingClient)({
        ...at('autoscaling'),
        requestHandler: handler(),
        maxAttempts: options.maxAttempts,
      });
      return autoscaling;
    },
    get cloudwatch(): CloudWatchClient {
      cloudwatch ??= new (cloudWatchSdk().CloudWatchClient)({
        ...at('cloudwatch'),
        requestHandler: handler(),
        maxAttempts: options.maxAttempts,
      });
      return cloudwatch;
    },
    get events(): EventBridgeClient {
      events ??= new (eventBridgeSdk().EventBridgeClient)({
        ...at('events'),
        requestHandler: handler(),
        maxAttempts: options.maxAttempts,
      });
      return events;
    },
    get scheduler(): SchedulerClient {
      scheduler ??= new (schedulerSdk().SchedulerClient)({
        ...at('scheduler'),
        requestHandler: handler(),
        maxAttempts: options.maxAttempts,
      });
      return scheduler;
    },
  };
}

export type Clients = ReturnType<typeof buildClients>;

export interface Runtime {
  readonly deps: RunDeps;
  readonly policies: PolicySource;
  readonly maxSockets: number;
  readonly clients: Clients;
}

/** What the Lambda entry adds to the wiring: its log, its metrics, and optionally instrumented clients. */
export interface Observability {
  readonly log: RunDeps['log'];
  readonly metrics: RunDeps['metrics'];
  /** Called once with the built clients (the Lambda entry records X-Ray traces through it). */
  readonly instrument?: (clients: Clients) => void;
}

/** Everything a run needs, from the environment. Throws ControllerConfigError naming what is wrong. */
export function runtimeFromEnv(env: NodeJS.ProcessEnv, bundleDir: string, observability: Observability): Runtime {
  const table = env[ControllerEnv.StateTable];
  if (!table) throw new ControllerConfigError(`${ControllerEnv.StateTable} is not set; it names the state table`);
  const config = configFromEnv(env);
  const policies = withConfiguredDiscovery(
    policySourceFromEnv(env, bundleDir),
    config.discovery,
    env[ControllerEnv.ConfigFile] ?? 'config',
  );
  const maxSockets = socketPoolSize(
    policies.policies.map((loaded) => loaded.policy),
    config.actParallelism,
    env,
  );
  const clients = buildClients({
    maxSockets,
    connectTimeoutMs: numberFrom(env, 'THERMOSTAT_CONNECT_TIMEOUT_MS', WIRING_DEFAULTS.connectTimeoutMs, 1),
    callTimeoutMs: numberFrom(env, 'THERMOSTAT_AWS_CALL_TIMEOUT_MS', WIRING_DEFAULTS.callTimeoutMs, 1),
    maxAttempts: numberFrom(env, 'THERMOSTAT_MAX_ATTEMPTS', WIRING_DEFAULTS.maxAttempts, 1),
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    endpoints: endpointsFromEnv(env),
  });
  observability.instrument?.(clients);

  const dynamo = sdkDynamo(clients.dynamo);
  // Account-wide data (rate budgets, account settings) lives where every controller of the account can share it:
  // the state table of a single controller and its shards, or one table named by every controller of the account.
  const accountTable = env.THERMOSTAT_ACCOUNT_TABLE || table;
  const deps = wireDeps({
    clients,
    policies,
    config,
    maxSockets,
    // The handler's environment runs tick after tick: it remembers the target items it read and saved while it is the
    // table's only writer, and rounds that changed only traffic keep it here between saves.
    state: new DynamoStateStore(dynamo, table, Date.now, { remember: true }),
    keepsTraffic: true,
    maxAttempts: numberFrom(env, 'THERMOSTAT_MAX_ATTEMPTS', WIRING_DEFAULTS.maxAttempts, 1),
    accountStore: new DynamoAccountStore(dynamo, accountTable),
    discovery: {
      ...((env.THERMOSTAT_POLICY_TAG ?? config.discovery?.tagKey)
        ? { tag: env.THERMOSTAT_POLICY_TAG ?? config.discovery!.tagKey }
        : {}),
      refreshMs: numberFrom(env, 'THERMOSTAT_DISCOVERY_REFRESH_MS', 5 * 60_000, 0),
    },
    ...(env.THERMOSTAT_ACCOUNT_RATE === 'off'
      ? {}
      : {
          accountRate: {
            dynamo,
            table: accountTable,
            controlRps: numberFrom(env, 'THERMOSTAT_ACCOUNT_CONTROL_RPS', 12, 1),
            getFunctionRps: numberFrom(env, 'THERMOSTAT_ACCOUNT_GET_FUNCTION_RPS', 80, 1),
          },
        }),
    log: observability.log,
    metrics: observability.metrics,
    clock: systemClock,
    controlRps: numberFrom(env, 'THERMOSTAT_CONTROL_RPS', WIRING_DEFAULTS.controlRps, 0.1),
    getFunctionRps: numberFrom(env, 'THERMOSTAT_GET_FUNCTION_RPS', WIRING_DEFAULTS.getFunctionRps, 0.1),
    ...(env[ControllerEnv.EventBus] ? { eventBus: env[ControllerEnv.EventBus] } : {}),
    // Lambda sets the unqualified name; the construct grants InvokeFunction on exactly that function's ARN.
    ...(env.AWS_LAMBDA_FUNCTION_NAME ? { self: env.AWS_LAMBDA_FUNCTION_NAME } : {}),
    callTimeoutMs: numberFrom(env, 'THERMOSTAT_AWS_CALL_TIMEOUT_MS', WIRING_DEFAULTS.callTimeoutMs, 1),
  });
  return { deps, policies, maxSockets, clients };
}

export interface WiringInput {
  readonly clients: Clients;
  readonly policies: PolicySource;
  readonly config: ControllerConfig;
  readonly maxSockets: number;
  readonly state: RunDeps['state'];
  readonly log: RunDeps['log'];
  readonly metrics: RunDeps['metrics'];
  readonly clock: RunDeps['clock'];
  /** Control-plane requests per second: below Lambda's 15/s shared quota, leaving room for deploys and people. */
  readonly controlRps: number;
  /** GetFunction requests per second (its own quota is 100/s). */
  readonly getFunctionRps: number;
  /** Attempts per Lambda control-plane call (throttles back off with jitter, honouring Retry-After). @default 3 */
  readonly maxAttempts?: number;
  /**
   * Budgets every controller and shard of the account shares through the state table (see shared-bucket.ts),
   * in requests per second for the whole account; unset, only this controller's own limiters apply.
   */
  readonly accountRate?: {
    readonly dynamo: DynamoApi;
    readonly table: string;
    readonly controlRps: number;
    readonly getFunctionRps: number;
    readonly onUnavailable?: (error: unknown) => void;
  };
  /** Where the last account settings read are kept (the state table), the fallback when they cannot be read. */
  readonly accountStore?: AccountStore;
  /** Tag discovery settings (used when the policy set has templates). */
  readonly discovery?: { readonly tag?: string; readonly refreshMs?: number };
  readonly eventBus?: string;
  /**
   * Keep traffic histories newer than the stored ones in memory between ticks (TrafficMemory): for the Lambda
   * handler, whose environment runs tick after tick. A one-tick process (the CLI) saves every change. @default false
   */
  readonly keepsTraffic?: boolean;
  /** The controller's own function name, which shards invoke. */
  readonly self?: string;
  /** See ClientOptions.callTimeoutMs. @default 10000 */
  readonly callTimeoutMs?: number;
}

/**
 * The controller's dependencies from built clients: rate-limited control plane (whose limiters follow the tick's
 * share and deadline), the ping invoker, caches and the ping semaphore. Shared by the Lambda handler and the CLI, so
 * a local run behaves as the deployed controller does.
 */
export function wireDeps(input: WiringInput): RunDeps {
  const { clients, clock, controlRps, accountRate } = input;
  const budget = new CallBudget(input.callTimeoutMs ?? WIRING_DEFAULTS.callTimeoutMs, clock);
  const limiters = {
    control: new RateLimiter(controlRps, Math.max(1, Math.floor(controlRps / 2)), clock),
    getFunction: new RateLimiter(input.getFunctionRps, 10, clock),
    autoscaling: new RateLimiter(controlRps, 5, clock),
  };
  const bucket = (name: string, perSecond: number, callerRps: number, maxBatch: number) =>
    accountRate &&
    new SharedBucket({
      dynamo: accountRate.dynamo,
      table: accountRate.table,
      name,
      perSecond: Math.floor(perSecond),
      callerRps,
      maxBatch,
      clock,
      onUnavailable:
        accountRate.onUnavailable ??
        ((error) => input.log.warn('account-wide rate budget unavailable; local limits only for 30 s', { error })),
    });
  const shared = {
    sharedControl: bucket('lambda-control', accountRate?.controlRps ?? 0, controlRps, 5),
    sharedGetFunction: bucket('lambda-get-function', accountRate?.getFunctionRps ?? 0, input.getFunctionRps, 20),
  };
  const gates = [...Object.values(limiters), ...Object.values(shared).filter((gate) => gate !== undefined)];
  const lambdaGates = { ...limiters, ...(shared.sharedControl ? shared : {}) };
  const retry = { attempts: input.maxAttempts ?? 3, clock };
  const lambda = rateLimitedLambda(sdkLambdaControl(clients.lambdaControl, budget), lambdaGates, retry);
  // Only a policy set with templates lists the account (and needs lambda:ListFunctions).
  const discovery = input.policies.templates?.length
    ? new TagDiscovery({
        lister: rateLimitedLambda(sdkFunctionLister(clients.lambdaControl), lambdaGates, retry),
        lambda,
        clock,
        ...input.discovery,
      })
    : undefined;
  return {
    policies: input.policies,
    lambda,
    ...(discovery ? { discovery } : {}),
    invoker: sdkInvoker(clients.lambdaData),
    autoscaling: rateLimitedAutoScaling(
      sdkAutoScaling(() => clients.autoscaling, budget),
      limiters.autoscaling,
    ),
    setRateShare: (share) => {
      for (const gate of gates) gate.share = share;
    },
    setDeadline: (deadline) => {
      for (const gate of gates) gate.deadline = deadline;
      budget.deadline = deadline;
    },
    cloudwatch: sdkMetrics(() => clients.cloudwatch, budget),
    ...(input.eventBus ? { events: { api: sdkEvents(() => clients.events), bus: input.eventBus } } : {}),
    ...(input.config.schedule ? { scheduler: sdkScheduler(() => clients.scheduler) } : {}),
    state: input.state,
    log: input.log,
    metrics: input.metrics,
    clock,
    caches: createCaches(input.accountStore),
    ...(input.keepsTraffic ? { traffic: new TrafficMemory() } : {}),
    semaphore: new WeightedSemaphore(input.maxSockets),
    config: input.config,
    ...(input.self ? { self: input.self } : {}),
  };
}
