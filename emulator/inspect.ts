import type { ScalingActivity } from './autoscaling/service';
import type { Environment } from './environments/environment';
import type { Fleet, FunctionCounts } from './environments/fleet';
import type { ReceivedEvent } from './events';
import type { ActiveFault } from './faults';
import type { ProvisionedConcurrency, ProvisionedStatus } from './lambda/provisioned';
import type { FunctionRegistry } from './lambda/registry';
import type { EnvironmentKind } from './spec';

/** What `inspect()` and `GET /_emulator/state` return. */
export interface EmulatorSnapshot {
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  /** Emulator-clock epoch ms. */
  readonly now: number;
  readonly account: {
    readonly concurrencyLimit: number;
    readonly unreservedConcurrency: number;
    readonly unreservedFloor: number;
    /** Executions in flight right now, account-wide. */
    readonly inFlight: number;
  };
  readonly functions: readonly FunctionSnapshot[];
  readonly eventsReceived: number;
  readonly faults: readonly ActiveFault[];
  readonly autoScaling: readonly ScalingActivity[];
}

export interface FunctionSnapshot {
  readonly name: string;
  readonly arn: string;
  readonly reservedConcurrency: number | null;
  readonly versions: readonly string[];
  readonly aliases: Readonly<Record<string, { version: string; weights: Readonly<Record<string, number>> }>>;
  readonly inFlight: number;
  readonly counts: FunctionCounts;
  readonly environments: readonly EnvironmentSnapshot[];
  readonly provisioned: readonly ProvisionedSnapshot[];
}

/** `provisioned` is an idle environment held by provisioned concurrency; a busy one reports `busy`. */
export type EnvironmentStateName = 'initialising' | 'busy' | 'idle' | 'provisioned';

export interface EnvironmentSnapshot {
  /** AWS_LAMBDA_LOG_STREAM_NAME, which the target helper reports as its envId. */
  readonly id: string;
  readonly functionName: string;
  readonly version: string;
  readonly kind: EnvironmentKind;
  readonly state: EnvironmentStateName;
  readonly provisioned: boolean;
  /** Provisioned and allowed to serve (its allocation completed). */
  readonly available: boolean;
  readonly initType: 'on-demand' | 'provisioned-concurrency';
  /** Child process id for 'process' environments. */
  readonly pid: number | undefined;
  readonly createdAt: number;
  readonly lastUsedAt: number | undefined;
  readonly invocations: number;
  /** Loading the handler module (the init phase the runtime measures). */
  readonly initDurationMs: number | undefined;
  /**
   * CPU time (user and system) its process spent loading the handler, on its last invocation, and on every
   * invocation so far: process environments only, since light ones share one process.
   */
  readonly initCpuMs: number | undefined;
  readonly lastInvocationCpuMs: number | undefined;
  readonly invocationsCpuMs: number | undefined;
  /** Starting the child process, when the cold start had to (0 when a pre-started one was used). */
  readonly spawnMs: number | undefined;
  /** From the decision to create the environment to its handler being ready. */
  readonly coldStartMs: number | undefined;
  readonly retiring: boolean;
}

export interface ProvisionedSnapshot {
  readonly qualifier: string;
  readonly version: string;
  readonly requested: number;
  readonly allocated: number;
  readonly status: ProvisionedStatus;
  readonly statusReason: string | undefined;
}

export function environmentSnapshot(env: Environment): EnvironmentSnapshot {
  const state: EnvironmentStateName = env.provisioned && env.state === 'idle' ? 'provisioned' : env.state;
  return {
    id: env.id,
    functionName: env.functionName,
    version: env.version,
    kind: env.kind,
    state,
    provisioned: env.provisioned,
    available: env.available,
    initType: env.initType,
    pid: env.pid,
    createdAt: env.createdAt,
    lastUsedAt: env.lastUsedAt,
    invocations: env.invocations,
    initDurationMs: env.initDurationMs,
    initCpuMs: env.initCpuMs,
    lastInvocationCpuMs: env.lastInvocationCpuMs,
    invocationsCpuMs: env.invocationsCpuMs,
    spawnMs: env.spawnMs,
    coldStartMs: env.coldStartMs,
    retiring: env.retiring !== false,
  };
}

export function functionSnapshots(
  registry: FunctionRegistry,
  fleet: Fleet,
  provisioned: ProvisionedConcurrency,
): FunctionSnapshot[] {
  const environments = fleet.list();
  return registry.list().map((fn) => ({
    name: fn.name,
    arn: registry.arn(fn.name),
    reservedConcurrency: fn.reservedConcurrency ?? null,
    versions: ['$LATEST', ...fn.versions.keys()],
    aliases: Object.fromEntries(
      [...fn.aliases.values()].map((a) => [a.name, { version: a.version, weights: a.weights }]),
    ),
    inFlight: fleet.inFlightOf(fn.name),
    counts: { ...fleet.countsOf(fn.name) },
    environments: environments.filter((env) => env.functionName === fn.name).map(environmentSnapshot),
    provisioned: provisioned.list(fn.name).map((config) => ({
      qualifier: config.qualifier,
      version: config.version,
      requested: config.requested,
      allocated: provisioned.allocated(config),
      status: config.status,
      statusReason: config.statusReason,
    })),
  }));
}

export type { ReceivedEvent };
