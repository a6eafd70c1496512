/**
 * The controller's Lambda entry point and its only composition root: SDK clients, Powertools and caches are
 * built here once per execution environment; everything else receives them as arguments.
 *
 * Environment: THERMOSTAT_TABLE (required), THERMOSTAT_POLICY_FILE or THERMOSTAT_POLICY_DIR, THERMOSTAT_CONFIG_FILE
 * (the construct's target map and metric choices, see targets.ts), THERMOSTAT_TARGETS (policy key → ARN), THERMOSTAT_EVENT_BUS, THERMOSTAT_DETAILED_METRICS (comma-separated
 * targets that get per-target metrics), the tunables read by `configFromEnv`
 * the account-wide rate budgets (THERMOSTAT_ACCOUNT_TABLE, default the state table; THERMOSTAT_ACCOUNT_RATE=off,
 * THERMOSTAT_ACCOUNT_CONTROL_RPS, THERMOSTAT_ACCOUNT_GET_FUNCTION_RPS),
 * tag discovery (THERMOSTAT_POLICY_TAG, THERMOSTAT_DISCOVERY_REFRESH_MS),
 * POWERTOOLS_SERVICE_NAME, Lambda's own AWS_LAMBDA_FUNCTION_NAME (the function shards invoke), and the SDK's own
 * AWS_REGION and AWS_ENDPOINT_URL_<SERVICE> (how tests and the demo point it at the local emulator).
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { CallBudget } from './aws/call-budget';
import type { DynamoApi } from './aws/ports';
import { RateLimiter, rateLimitedAutoScaling, rateLimitedLambda } from './aws/rate-limit';
import {
  autoScalingSdk,
  cloudWatchSdk,
  eventBridgeSdk,
  sdkAutoScaling,
  sdkDynamo,
  sdkEvents,
  sdkFunctionLister,
  sdkInvoker,
  sdkLambdaControl,
  sdkMetrics,
} from './aws/sdk';
import { SharedBucket } from './aws/shared-bucket';
import { systemClock } from './clock';
import { WeightedSemaphore } from './concurrency';
import { type ControllerConfig, DEFAULT_CONFIG } from './config';
import { withConfiguredDiscovery } from './discover/configured';
import { TagDiscovery } from './discover/tag-discovery';
import { ControllerConfigError } from './errors';
import { type AccountStore, DynamoAccountStore } from './observe/account-store';
import { createCaches } from './observe/caches';
import { policySourceFromEnv } from './policies';
import type { Policy } from './policy/core';
import type { RunReport } from './report/report';
import { type PolicySource, type RunContext, type RunDeps, run } from './run';
import { DynamoStateStore } from './state';
import { mergeTargetMaps, parseTargetMap, readConfigFile } from './targets';

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
  const file = env.THERMOSTAT_CONFIG_FILE ? readConfigFile(env.THERMOSTAT_CONFIG_FILE, env) : undefined;
  const targets = mergeTargetMaps(
    file?.targets,
    env.THERMOSTAT_TARGETS ? parseTargetMap(env.THERMOSTAT_TARGETS) : undefined,
  );
  const detailed = [
    ...(file?.detailedMetrics ?? []),
    ...(env.THERMOSTAT_DETAILED_METRICS ?? '')
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key !== ''),
  ];
  return {
    ...DEFAULT_CONFIG,
    warm: {
      ...DEFAULT_CONFIG.warm,
      callTimeoutMs: numberFrom(env, 'THERMOSTAT_CALL_TIMEOUT_MS', DEFAULT_CONFIG.warm.callTimeoutMs, 1),
      maxRounds: numberFrom(env, 'THERMOSTAT_MAX_ROUNDS', DEFAULT_CONFIG.warm.maxRounds, 1),
    },
    reserveMs: numberFrom(env, 'THERMOSTAT_RESERVE_MS', DEFAULT_CONFIG.reserveMs),
    parallelism: numberFrom(env, 'THERMOSTAT_PARALLELISM', DEFAULT_CONFIG.parallelism, 1),
    actParallelism: numberFrom(env, 'THERMOSTAT_ACT_PARALLELISM', DEFAULT_CONFIG.actParallelism, 1),
    shardSize: numberFrom(env, 'THERMOSTAT_SHARD_SIZE', DEFAULT_CONFIG.shardSize, 1),
    ...(tickShare !== undefined ? { tickShare } : {}),
    ...(targets !== undefined ? { targets } : {}),
    ...(detailed.length > 0 ? { detailedMetrics: new Set(detailed) } : {}),
    ...(env.POWERTOOLS_SERVICE_NAME ? { controllerTag: env.POWERTOOLS_SERVICE_NAME } : {}),
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

/**
 * Whether X-Ray traces are recorded: as Powertools decides, inside Lambda unless POWERTOOLS_TRACE_ENABLED is
 * `false` (set it so when the function's active tracing is off: nothing would receive the traces).
 */
export function tracingEnabled(env: NodeJS.ProcessEnv): boolean {
  return env.AWS_LAMBDA_FUNCTION_NAME !== undefined && env.POWERTOOLS_TRACE_ENABLED?.toLowerCase() !== 'false';
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

export const DEFAULT_CALL_TIMEOUT_MS = 10_000;

export type Service = 'lambda' | 'autoscaling' | 'cloudwatch' | 'dynamodb' | 'events';

/** The SDK's environment variable suffix per service (AWS_ENDPOINT_URL_<SUFFIX>). */
const ENDPOINT_VARIABLES: Record<Service, string> = {
  lambda: 'LAMBDA',
  autoscaling: 'APPLICATION_AUTO_SCALING',
  cloudwatch: 'CLOUDWATCH',
  dynamodb: 'DYNAMODB',
  events: 'EVENTBRIDGE',
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
  // A socket that stays silent this long is given up, whatever the call (the call budget also aborts the whole call).
  const handler = () =>
    new NodeHttpHandler({
      connectionTimeout: options.connectTimeoutMs,
      requestTimeout: options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
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
  };
}

export interface Runtime {
  readonly deps: RunDeps;
  readonly policies: PolicySource;
  readonly maxSockets: number;
  readonly clients: ReturnType<typeof buildClients>;
}

/** Everything a run needs, from the environment. Throws ControllerConfigError naming what is wrong. */
export function createRuntime(env: NodeJS.ProcessEnv = process.env, bundleDir: string = __dirname): Runtime {
  const table = env.THERMOSTAT_TABLE;
  if (!table) throw new ControllerConfigError('THERMOSTAT_TABLE is not set; it names the state table');
  const config = configFromEnv(env);
  const policies = withConfiguredDiscovery(
    policySourceFromEnv(env, bundleDir),
    config.discovery,
    env.THERMOSTAT_CONFIG_FILE ?? 'config',
  );
  const maxSockets = socketPoolSize(
    policies.policies.map((loaded) => loaded.policy),
    config.actParallelism,
    env,
  );
  const clients = buildClients({
    maxSockets,
    connectTimeoutMs: numberFrom(env, 'THERMOSTAT_CONNECT_TIMEOUT_MS', 3_000, 1),
    callTimeoutMs: numberFrom(env, 'THERMOSTAT_AWS_CALL_TIMEOUT_MS', DEFAULT_CALL_TIMEOUT_MS, 1),
    maxAttempts: numberFrom(env, 'THERMOSTAT_MAX_ATTEMPTS', 3, 1),
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    endpoints: endpointsFromEnv(env),
  });
  const serviceName = env.POWERTOOLS_SERVICE_NAME || 'thermostat';
  const logger = new Logger({ serviceName });
  const metrics = new Metrics({ namespace: 'Thermostat', serviceName });
  if (tracingEnabled(env)) {
    // Loaded only when traces are recorded: the tracer and the X-Ray SDK under it are a large part of init time.
    const { traceClients } = require('./tracing') as typeof import('./tracing');
    traceClients(serviceName, clients);
  }

  const dynamo = sdkDynamo(clients.dynamo);
  // Account-wide data (rate budgets, account settings) lives where every controller of the account can share it:
  // the state table of a single controller and its shards, or one table named by every controller of the account.
  const accountTable = env.THERMOSTAT_ACCOUNT_TABLE || table;
  const deps = wireDeps({
    clients,
    policies,
    config,
    maxSockets,
    state: new DynamoStateStore(dynamo, table),
    maxAttempts: numberFrom(env, 'THERMOSTAT_MAX_ATTEMPTS', 3, 1),
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
    log: powertoolsLog(logger),
    metrics,
    clock: systemClock,
    controlRps: numberFrom(env, 'THERMOSTAT_CONTROL_RPS', 10, 0.1),
    getFunctionRps: numberFrom(env, 'THERMOSTAT_GET_FUNCTION_RPS', 50, 0.1),
    ...(env.THERMOSTAT_EVENT_BUS ? { eventBus: env.THERMOSTAT_EVENT_BUS } : {}),
    // Lambda sets the unqualified name; the construct grants InvokeFunction on exactly that function's ARN.
    ...(env.AWS_LAMBDA_FUNCTION_NAME ? { self: env.AWS_LAMBDA_FUNCTION_NAME } : {}),
    callTimeoutMs: numberFrom(env, 'THERMOSTAT_AWS_CALL_TIMEOUT_MS', DEFAULT_CALL_TIMEOUT_MS, 1),
  });
  return { deps, policies, maxSockets, clients };
}

export interface WiringInput {
  readonly clients: ReturnType<typeof buildClients>;
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
  const budget = new CallBudget(input.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS, clock);
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
    state: input.state,
    log: input.log,
    metrics: input.metrics,
    clock,
    caches: createCaches(input.accountStore),
    semaphore: new WeightedSemaphore(input.maxSockets),
    config: input.config,
    ...(input.self ? { self: input.self } : {}),
  };
}

/** The run's Log backed by Powertools Logger (JSON lines; the run id becomes the correlation id). */
function powertoolsLog(logger: Logger): RunDeps['log'] {
  const extra = (attributes?: Record<string, unknown>): LogAttributes[] =>
    attributes ? [attributes as LogAttributes] : [];
  return {
    debug: (message, attributes) => logger.debug(message, ...extra(attributes)),
    info: (message, attributes) => logger.info(message, ...extra(attributes)),
    warn: (message, attributes) => logger.warn(message, ...extra(attributes)),
    error: (message, attributes) => logger.error(message, ...extra(attributes)),
    setCorrelationId: (id) => logger.setCorrelationId(id),
  };
}

let runtime: Runtime | undefined;

/** The scheduled entry point. The runtime is built on first use and kept for the life of the environment. */
export async function handler(event: unknown, context: RunContext): Promise<RunReport> {
  runtime ??= createRuntime();
  return run(runtime.deps, event, context);
}

// Inside Lambda, build during the init phase (before the first tick's clock starts) and fail init loudly when
// misconfigured; elsewhere (tests, tools importing this file) nothing happens on import.
if (process.env.AWS_LAMBDA_FUNCTION_NAME && process.env.THERMOSTAT_TABLE) runtime = createRuntime();
