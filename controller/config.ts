import type { ScheduleRef } from './act/pause';
import { DEFAULT_SHARD_SIZE } from './contract';
import { DEFAULT_WARM_CONFIG, type WarmConfig } from './ping/warm';
import type { TargetMap } from './targets';

/** Tunables of a run; the handler reads them from the environment, tests and the CLI pass their own. */
export interface ControllerConfig {
  readonly warm: WarmConfig;
  /**
   * Kept back from the invocation's remaining time (ms) for saving state and reporting: no target starts, no ping
   * round runs and no rate-limited call waits past `remaining - reserveMs`. Derived from the Lambda context on each
   * invocation, so any timeout works (the construct's default is 50 s, below the one-minute tick).
   */
  readonly reserveMs: number;
  /** Targets observed concurrently (the rate limiters pace the actual calls). */
  readonly parallelism: number;
  /**
   * Targets acted on concurrently. Pings spend most of their time held, so many targets' rounds overlap; the
   * shared semaphore still keeps all rounds together within the socket pool.
   */
  readonly actParallelism: number;
  /** Above this many targets a tick is split into shards, each run by its own asynchronous controller invocation. */
  readonly shardSize: number;
  /** Provisioned-concurrency reads per tick spent on warm targets (to skip pings READY PC makes useless). */
  readonly coverageReads: number;
  /** Share of unreserved account concurrency all pings of a tick may use; default: the policies' largest maxShare. */
  readonly tickShare?: number;
  /** EventBridge `source` of the controller's events. */
  readonly eventSource: string;
  /**
   * Policy key → ARN to act on (`THERMOSTAT_TARGETS`, written by the construct). When set, every policy is acted
   * on through its ARN and a policy without one fails; when unset, policies act on the functions they name.
   */
  readonly targets?: TargetMap;
  /**
   * Targets (policy keys or `name:qualifier`) that also get per-target metrics (`Target` dimension). Each is another
   * billed custom metric per name, so by default none does: per-target detail is in the log lines and events — from THERMOSTAT_DETAILED_METRICS or
   * the construct's THERMOSTAT_CONFIG_FILE.
   */
  readonly detailedMetrics?: ReadonlySet<string>;
  /**
   * The controller's own schedule (`THERMOSTAT_SCHEDULE` = `<group>/<name>`, `THERMOSTAT_TICK_SECONDS`, set by the
   * construct): paused while nothing is due (controller/plan/sleep.ts). `ticksOnDeploy` (`THERMOSTAT_TICKS_ON_DEPLOY`):
   * every deployment that changes a policy runs a tick, so the pause may be longer. Unset: every tick runs.
   */
  readonly schedule?: ScheduleRef & { readonly tickMs: number; readonly ticksOnDeploy?: boolean };
  /**
   * Value of the `thermostat:controller` tag on the scalable targets Thermostat registers (its service name): the
   * construct's IAM lets the controller change only scalable targets with this tag. @default 'thermostat'
   */
  readonly controllerTag?: string;
  /** Tag discovery configured by the construct (its configuration file's `discovery`). */
  readonly discovery?: { readonly tagKey: string; readonly policies: readonly unknown[] };
}

export const DEFAULT_CONFIG: ControllerConfig = {
  warm: DEFAULT_WARM_CONFIG,
  reserveMs: 5_000,
  parallelism: 32,
  actParallelism: 200,
  shardSize: DEFAULT_SHARD_SIZE,
  coverageReads: 20,
  eventSource: 'thermostat',
};
