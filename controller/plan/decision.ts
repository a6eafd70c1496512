import type { PingPayloadSpec } from '../policy/core';
import type {
  AdoptedOriginal,
  ManagedProvisioned,
  ProvisionedStatus,
  ScalingPolicySnapshot,
  TargetProblem,
} from './observed';

export type PolicyMode = 'warm' | 'provisioned' | 'auto' | 'off';

interface DecisionBase {
  readonly key: string;
  readonly function: string;
  readonly qualifier: string | undefined;
  /** The policy's mode in the window that applies (`off` for a managed target whose policy was removed). */
  readonly mode: PolicyMode;
  readonly window: string | undefined;
  /** One sentence a person can read in the report: what and why. */
  readonly reason: string;
}

/** Send concurrent warm-up pings until `wanted` distinct environments are proven (rounds of at most `count`). */
export interface PingDecision extends DecisionBase {
  readonly kind: 'ping';
  /** Pings in the first round; never above the budget, so also the most that are ever in flight for the target. */
  readonly count: number;
  /** Distinct environments the policy asks for. */
  readonly wanted: number;
  readonly holdMs: number;
  readonly payload: PingPayloadSpec;
  /** False for compatibility payloads: those functions cannot prove which environment answered. */
  readonly proof: boolean;
  /** New environments are expected (fewer were proven last time than are wanted): they start cold. */
  readonly expectCold: boolean;
  /** The function's observed init duration (ms), so the hold of a round that starts environments fits it. */
  readonly initMs?: number;
  /**
   * How long its last rounds' pings took to reach their environments beyond the dispatch skew (ms): a round holds
   * about twice that instead of the policy's whole `holdMs` (controller/ping/rounds.ts).
   */
  readonly latencyMs?: number;
  /** Why pings are sent instead of what the mode would normally do, e.g. a FAILED provisioned allocation. */
  readonly fallback?: 'provisioned-failed' | 'provisioned-blocked';
  /**
   * A traffic probe: one unheld ping whose only purpose is to see whether real traffic still keeps the environments
   * warm. It proves nothing about how many are warm, so it leaves the target's ping record (last ping, wanted,
   * proven) as it was.
   */
  readonly probe?: true;
}

export type SkipCause =
  | 'not-due'
  | 'off'
  | 'covered-by-provisioned'
  | 'provisioned-pending'
  | 'budget-exhausted'
  | 'budget-unknown'
  | 'no-reserved-headroom'
  | 'not-observed'
  /** Real traffic keeps the wanted environments warm on its own. */
  | 'kept-warm-by-traffic'
  /** A sparse function's next request is predicted later: it is pre-warmed shortly before. */
  | 'predicted-idle'
  /** The tick's ping budget is full: the target is first in line next tick. */
  | 'deferred';

/** Nothing to do for pings this tick. */
export interface SkipDecision extends DecisionBase {
  readonly kind: 'skip';
  readonly cause: SkipCause;
  /** Epoch ms at which this target next needs the planner, when known (the controller may sleep until then). */
  readonly nextAt?: number;
  /**
   * The latest the target may wait for the planner while nothing else wakes the controller (a check of traffic put
   * off: checkPutOff); a tick that runs before then plans it at `nextAt` as usual.
   */
  readonly latestAt?: number;
}

/** The target cannot be served this tick (missing function or alias, unreadable state). */
export interface FailDecision extends DecisionBase {
  readonly kind: 'fail';
  readonly problem: TargetProblem;
}

/** PutProvisionedConcurrencyConfig (value >= 1; zero is always a delete). */
export interface PutProvisionedDecision extends DecisionBase {
  readonly kind: 'put-provisioned';
  readonly value: number;
  readonly previous: number | null;
  /** The config belonged to someone else and the policy says adopt. */
  readonly adopt: boolean;
  /** Set on the write that adopts the qualifier: what its owner had (see ManagedRecord.original). */
  readonly original?: AdoptedOriginal;
  /**
   * What Thermostat owns once the put succeeded (see `ownedAfter`). Unset for the direct strategy (`value`, direct);
   * set for the initial value the autoscaling strategy puts before Application Auto Scaling can take over.
   */
  readonly owned?: ManagedProvisioned;
}

/** DeleteProvisionedConcurrencyConfig, only for a config Thermostat owns. */
export interface DeleteProvisionedDecision extends DecisionBase {
  readonly kind: 'delete-provisioned';
  readonly previous: number;
}

/** RegisterScalableTarget (+ PutScalingPolicy when `putPolicy`) for `function:NAME:QUALIFIER`. */
export interface RegisterScalableTargetDecision extends DecisionBase {
  readonly kind: 'register-scalable-target';
  readonly min: number;
  readonly max: number;
  readonly utilization: number;
  readonly putPolicy: boolean;
  readonly previous: { readonly min: number; readonly max: number } | null;
  readonly adopt: boolean;
  /** The provisioned-concurrency config under the target is (or is about to be) Thermostat's: recorded as such. */
  readonly ownsConfig: boolean;
  /** Set on the write that adopts the qualifier: what its owner had (see ManagedRecord.original). */
  readonly original?: AdoptedOriginal;
  /** Scaling policies of the previous owner removed on adoption (recorded in `original`, put back on release). */
  readonly removePolicies?: readonly string[];
  /** Releasing an adopted qualifier: Thermostat's own scaling policy goes and these are put back. */
  readonly restorePolicies?: readonly ScalingPolicySnapshot[];
}

/** DeregisterScalableTarget of a target Thermostat registered (or adopted). */
export interface DeregisterScalableTargetDecision extends DecisionBase {
  readonly kind: 'deregister-scalable-target';
  readonly previous: { readonly min: number; readonly max: number };
}

/** Provisioned concurrency is as wanted; reported so the run report shows its state. */
export interface KeepProvisionedDecision extends DecisionBase {
  readonly kind: 'keep-provisioned';
  readonly requested: number;
  readonly allocated: number;
  readonly status: ProvisionedStatus | 'NONE';
  /** What Thermostat owns on the qualifier after this tick (recorded in state), if anything. */
  readonly owned: ManagedProvisioned | undefined;
}

/** Someone else owns the qualifier's provisioned concurrency: reported, never touched. */
export interface LeaveAloneDecision extends DecisionBase {
  readonly kind: 'leave-alone';
  readonly owner: 'provisioned-config' | 'scalable-target';
}

/** Thermostat no longer owns anything on the qualifier: drop the state record. */
export interface ForgetDecision extends DecisionBase {
  readonly kind: 'forget';
}

/** Auto mode's choice for this window, with the numbers behind it. */
export interface AutoChoiceDecision extends DecisionBase {
  readonly kind: 'auto-choice';
  readonly choice: 'warm' | 'provisioned';
  /** Environments kept warm in all, and how many of them as provisioned concurrency. */
  readonly environments: number;
  readonly provisioned: number;
  /** The load (average concurrency of real traffic) the forecast used, and where it came from. */
  readonly load: number | undefined;
  readonly loadSource: 'proofs' | 'metrics' | 'policy' | 'unknown';
  /** Forecast USD per hour: pings only, and with the provisioned units. */
  readonly hourly: { readonly pings: number; readonly provisioned: number };
  /**
   * What the choice forecasts for real requests; absent while the load is unknown, and where the environments kept
   * warm are not what serves the traffic (see auto.ts `pooled` and plan.ts `pooledForecast`).
   */
  readonly forecast?: Forecast;
}

/**
 * What auto mode forecasts for the real requests of the coming interval with the environments it keeps warm: the
 * run report shows it beside what the round saw (TargetReport.seen), and the dashboard beside the target helper's
 * cold and warm starts.
 */
export interface Forecast {
  /** Share of real requests forecast to start cold: Erlang's loss formula for the load on the environments kept warm. */
  readonly coldShare: number;
  /** Real requests per minute the load stands for (load ÷ mean request time), when the request time is known. */
  readonly requestsPerMinute?: number;
}

export type Decision =
  | PingDecision
  | SkipDecision
  | FailDecision
  | PutProvisionedDecision
  | DeleteProvisionedDecision
  | RegisterScalableTargetDecision
  | DeregisterScalableTargetDecision
  | KeepProvisionedDecision
  | LeaveAloneDecision
  | ForgetDecision
  | AutoChoiceDecision;

export type DecisionKind = Decision['kind'];

/** Decisions that change AWS resources (the rest only inform or send pings). */
export function isWrite(
  decision: Decision,
): decision is
  | PutProvisionedDecision
  | DeleteProvisionedDecision
  | RegisterScalableTargetDecision
  | DeregisterScalableTargetDecision {
  return (
    decision.kind === 'put-provisioned' ||
    decision.kind === 'delete-provisioned' ||
    decision.kind === 'register-scalable-target' ||
    decision.kind === 'deregister-scalable-target'
  );
}

/**
 * What Thermostat owns on the qualifier once a put or a registration succeeded: the record the controller keeps in
 * its state table (and the simulator keeps in memory), so the next ticks know what they may change or remove.
 */
export function ownedAfter(decision: PutProvisionedDecision | RegisterScalableTargetDecision): ManagedProvisioned {
  if (decision.kind === 'put-provisioned') return decision.owned ?? { strategy: 'direct', value: decision.value };
  return {
    strategy: 'autoscaling',
    min: decision.min,
    max: decision.max,
    utilization: decision.utilization,
    ownsConfig: decision.ownsConfig,
  };
}
