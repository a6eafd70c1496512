import type { TrafficHistory } from './traffic';

/**
 * What the controller saw before planning: plain data, no AWS types, so the simulator can build it too.
 * `undefined` always means "not read this tick" and `null` means "read, and there is none"; the planner never
 * writes over something it did not read.
 */

export type Architecture = 'x86_64' | 'arm64';
export type ProvisionedStatus = 'IN_PROGRESS' | 'READY' | 'FAILED';

/** GetAccountSettings.AccountLimit, and what is in use right now when it was worth reading. */
export interface AccountConcurrency {
  readonly limit: number;
  readonly unreserved: number;
  /**
   * Concurrency claimed right now across the account (CloudWatch ClaimedAccountConcurrency or ConcurrentExecutions:
   * real traffic, provisioned and reserved concurrency), when read; warming may use only what is free of it.
   */
  readonly inUse?: number;
}

/** Why a target cannot be planned for this tick. */
export interface TargetProblem {
  readonly kind: 'function-missing' | 'qualifier-missing' | 'unreadable';
  readonly message: string;
}

/** GetProvisionedConcurrencyConfig, for the target's qualifier. */
export interface ProvisionedObservation {
  readonly requested: number;
  readonly allocated: number;
  readonly available: number;
  readonly status: ProvisionedStatus;
  readonly reason?: string;
}

/** Application Auto Scaling scalable target `function:NAME:QUALIFIER`. */
export interface ScalableTargetObservation {
  readonly min: number;
  readonly max: number;
}

/** Target-tracking policy on LambdaProvisionedConcurrencyUtilization for the scalable target. */
export interface ScalingPolicyObservation {
  readonly targetValue: number;
}

/** What Thermostat wrote for a qualifier and therefore owns (kept in the state table). */
export type ManagedProvisioned =
  | { readonly strategy: 'direct'; readonly value: number }
  | {
      readonly strategy: 'autoscaling';
      readonly min: number;
      readonly max: number;
      readonly utilization: number;
      /**
       * Whether the provisioned-concurrency config under the scalable target is Thermostat's too: it put the
       * initial value (Application Auto Scaling only scales a config that exists) or adopted the config. Releasing
       * the qualifier deletes the config only then; when false it belongs to whoever created it and stays. The
       * controller always writes it; a record built without it (the simulator's, which creates every config it
       * scales) counts as owning the config.
       */
      readonly ownsConfig?: boolean;
    };

/** A scaling policy as Application Auto Scaling describes it: enough to put it back exactly. */
export interface ScalingPolicySnapshot {
  readonly name: string;
  readonly policyType: string;
  /** TargetTrackingScalingPolicyConfiguration or StepScalingPolicyConfiguration, as described. */
  readonly configuration: Readonly<Record<string, unknown>>;
}

/** What a qualifier had before Thermostat adopted it: what releasing it restores. */
export interface AdoptedOriginal {
  readonly provisioned: number | null;
  readonly scalableTarget: ScalableTargetObservation | null;
  readonly scalingPolicies: readonly ScalingPolicySnapshot[];
}

export interface ManagedRecord {
  readonly function: string;
  readonly qualifier: string | undefined;
  readonly provisioned?: ManagedProvisioned;
  /** True when Thermostat took the qualifier over from another owner because the policy said `adopt`. */
  readonly adopted?: boolean;
  /** Recorded at adoption: what the owner had, restored when Thermostat lets go (never deleted). */
  readonly original?: AdoptedOriginal;
  /** Epoch ms of the first write. */
  readonly since: number;
}

/** Concurrency history of the qualifier (CloudWatch ConcurrentExecutions), used by auto mode and sizing. */
export interface UtilizationObservation {
  readonly averageConcurrency: number;
  readonly peakConcurrency: number;
  /** Minutes of history the numbers cover. */
  readonly minutes: number;
  /** Invocations in those minutes (the controller's own pings included), when read. */
  readonly invocations?: number;
  /** Busy share of the first, second... environment over those minutes, from per-minute averages (unitBusyShares). */
  readonly unitBusy?: readonly number[];
}

export interface TargetObservation {
  readonly problem?: TargetProblem;
  readonly memoryMb?: number;
  readonly architecture?: Architecture;
  readonly timeoutMs?: number;
  /** Reserved concurrency of the function; null when none is set. */
  readonly reservedConcurrency?: number | null;
  /** Provisioned concurrency on the function's other versions/aliases (it counts against reserved concurrency). */
  readonly provisionedElsewhere?: number;
  /** SnapStart is on for the version (provisioned concurrency is then impossible). */
  readonly snapStart?: boolean;
  /** The alias has routing weights (Lambda refuses provisioned concurrency on it). */
  readonly weightedAlias?: boolean;
  /** Version the qualifier resolves to. */
  readonly version?: string;
  readonly provisioned?: ProvisionedObservation | null;
  readonly scalableTarget?: ScalableTargetObservation | null;
  readonly scalingPolicy?: ScalingPolicyObservation | null;
  /**
   * Scaling policies someone else attached to the qualifier's scalable target (read when a policy may adopt it);
   * undefined when not read.
   */
  readonly foreignScalingPolicies?: readonly ScalingPolicySnapshot[];
  readonly managed?: ManagedRecord;
  /** Planning time (epoch ms) of the last tick that pinged this target. */
  readonly lastPingAt?: number;
  /** Environments wanted and proven by that ping. */
  readonly lastWanted?: number;
  readonly lastProven?: number;
  readonly utilization?: UtilizationObservation;
  /** The target's real traffic as proofs and minute statistics showed it (controller/plan/traffic.ts). */
  readonly traffic?: TrafficHistory;
}

export interface Observed {
  /** Undefined when GetAccountSettings could not be read: warming then stays within absolute budgets only. */
  readonly account?: AccountConcurrency;
  /** By target key (`LoadedPolicy.key`). A key with a `managed` record but no policy is cleaned up as `off`. */
  readonly targets: Readonly<Record<string, TargetObservation>>;
}
