import type { ProvisionedChange } from '../act/provisioned';
import { type PingOutcomeKind, zeroOutcomes } from '../ping/outcome';
import type { WarmCounts } from '../ping/warm';
import type { AccountConcurrency, DecisionKind, Forecast, PolicyMode, RoundSeen } from '../plan';
import type { PolicyIssue } from '../policy';
import type { StateCorruption } from '../state';

export interface WarmReport extends WarmCounts {
  /** Pings sent but not answered without error. */
  readonly failures: number;
  /** Environment ids proven this tick. */
  readonly environments: readonly string[];
  /** Present for compatibility payloads. */
  readonly note?: string;
  /** How long this tick's held pings took to reach their environments beyond the dispatch skew (ms). */
  readonly latencyMs?: number;
  /** Real traffic the round's environments served since the round before: what `forecast` is compared with. */
  readonly seen?: RoundSeen;
}

/**
 * Why a target did not get everything it wanted this tick, through no fault of its own function: each makes the tick
 * `partial` and is retried next tick.
 * - `time-budget`: not started, or rounds not sent, because the invocation's time was up;
 * - `rate-limit`: a control-plane call's turn under the rate limit came after the time budget;
 * - `budget-unknown`: the account's concurrency could not be read and the policy sets no absolute budget;
 * - `not-observed`: what is deployed could not be read, so nothing was written blind;
 * - `state`: the state table could not record what a write was about to do, so the write was not made.
 */
export type ShortCause = 'time-budget' | 'rate-limit' | 'budget-unknown' | 'not-observed' | 'state' | 'discovery';

export interface SkippedTarget {
  readonly key: string;
  readonly cause: ShortCause;
  readonly reason: string;
}

export interface TargetReport {
  readonly key: string;
  readonly function: string;
  readonly qualifier: string | undefined;
  /** The dimension value the dashboard uses: `name` or `name:qualifier`. */
  readonly target: string;
  readonly mode: PolicyMode;
  readonly window: string | undefined;
  readonly status: 'ok' | 'failed';
  readonly decisions: ReadonlyArray<{ readonly kind: DecisionKind; readonly reason: string }>;
  /** Auto mode's forecast for real requests with the environments it chose (warm.seen: what the round saw). */
  readonly forecast?: Forecast;
  readonly warm?: WarmReport;
  readonly provisioned?: {
    readonly changes: readonly ProvisionedChange[];
    readonly requested?: number;
    readonly allocated?: number;
  };
  readonly failure?: { readonly kind: string; readonly message: string };
  /** Set when the target did not get all it wanted this tick (it is also listed in the run's `skipped`). */
  readonly short?: { readonly cause: ShortCause; readonly reason: string };
  /**
   * What became of the target's stored state: `ledger` when the round changed nothing but its time, which went to
   * the shard's ping ledger instead of the target's item (see state/ping-ledger.ts).
   */
  readonly state?: 'saved' | 'stale' | 'unchanged' | 'ledger' | 'failed';
}

export interface RunTotals {
  readonly targets: number;
  /** Targets at least one ping was sent to. */
  readonly pinged: number;
  readonly pingsSent: number;
  readonly environmentsProven: number;
  readonly coldEnvironments: number;
  readonly shortfall: number;
  readonly pingFailures: number;
  readonly targetFailures: number;
  readonly provisionedChanges: number;
  /** Targets whose provisioned-concurrency allocation is FAILED (they are kept warm with pings meanwhile). */
  readonly provisionedFailed: number;
  readonly byOutcome: Readonly<Record<PingOutcomeKind, number>>;
}

export type RunStatus =
  /** Every target of the shard was handled. */
  | 'completed'
  /** Some targets did not get all they wanted (time, rate limit, unknown budget…); `skipped` says which and why. */
  | 'partial'
  /** Another delivery of the same tick holds it (running it, or done with it): nothing was done. */
  | 'duplicate';

export interface RunReport {
  readonly runId: string;
  readonly tickId: string;
  readonly shard: { readonly index: number; readonly of: number };
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly policies: { readonly total: number; readonly inShard: number; readonly issues: readonly PolicyIssue[] };
  readonly account?: AccountConcurrency;
  readonly accountError?: string;
  /** Where `account` came from when it is kept in the state table: read now, the last read, or a default. */
  readonly accountSource?: 'live' | 'last-known' | 'default';
  /** Functions found by tag this tick (present when the policy set has templates). */
  readonly discovery?: {
    /** Tagged functions known. */
    readonly tagged: number;
    /** Of those, the ones acted on through their template. */
    readonly targets: number;
    /** Of those, the ones a policy of their own names (that policy applies). */
    readonly shadowed: number;
    /** Functions whose tags were checked in the current pass. */
    readonly scanned: number;
    /** False while a pass over the account is still under way (the tick is then `partial`). */
    readonly complete: boolean;
    readonly note?: string;
  };
  readonly totals: RunTotals;
  readonly targets: readonly TargetReport[];
  /** Every target that did not get all it wanted, with the reason: not started, or started and cut short. */
  readonly skipped: readonly SkippedTarget[];
  /** State items that could not be read whole, each reported by the one tick that found and rebuilt it. */
  readonly stateCorrupt?: readonly StateCorruption[];
  readonly shards?: {
    readonly dispatched: number;
    readonly failed: ReadonlyArray<{ index: number; error: string }>;
    /** Further shards the root ran itself because few of their targets had anything due (see tick.ts localShards). */
    readonly ranHere?: readonly number[];
  };
  readonly events: { readonly published: number; readonly failed: number };
  /**
   * When the next tick with work is (controller/plan/sleep.ts), when the controller may pause its schedule:
   * `paused` says whether it did; `error` why not, when the update failed (the ticks then simply go on).
   */
  readonly nextTick?: { readonly at: string; readonly why: string; readonly paused: boolean; readonly error?: string };
}

export function totalsOf(targets: readonly TargetReport[]): RunTotals {
  const byOutcome = zeroOutcomes();
  let pinged = 0;
  let pingsSent = 0;
  let environmentsProven = 0;
  let coldEnvironments = 0;
  let shortfall = 0;
  let pingFailures = 0;
  let provisionedChanges = 0;
  let provisionedFailed = 0;
  for (const target of targets) {
    if (target.failure?.kind === PROVISIONED_FAILED) provisionedFailed += 1;
    if (target.warm) {
      if (target.warm.pingsSent > 0) pinged += 1;
      pingsSent += target.warm.pingsSent;
      environmentsProven += target.warm.proven;
      coldEnvironments += target.warm.cold;
      shortfall += target.warm.shortfall;
      pingFailures += target.warm.failures;
      for (const [kind, count] of Object.entries(target.warm.outcomes)) byOutcome[kind as PingOutcomeKind] += count;
    }
    provisionedChanges += target.provisioned?.changes.filter((change) => !change.error).length ?? 0;
  }
  return {
    targets: targets.length,
    pinged,
    pingsSent,
    environmentsProven,
    coldEnvironments,
    shortfall,
    pingFailures,
    targetFailures: targets.filter((target) => target.status === 'failed').length,
    provisionedChanges,
    provisionedFailed,
    byOutcome,
  };
}

/** Failure kind of a target whose provisioned-concurrency allocation Lambda reports as FAILED. */
export const PROVISIONED_FAILED = 'provisioned-failed';

export const EMPTY_TOTALS: RunTotals = totalsOf([]);
