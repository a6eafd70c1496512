import type { Effective } from '../policy';
import { allocateFairly } from './budget';
import type { Decision } from './decision';
import { isDue } from './interval';
import type { AccountConcurrency, TargetObservation } from './observed';
import { type PlanOptions, plan } from './plan';

/**
 * Per-target planning, for the controller's pipeline (observe → plan → act per target, so one slow target never
 * delays another). Still pure: the same planner as `plan`, applied to one target at a time, plus the two pieces
 * that make the tick's shared ping pool work without waiting for every target to be observed:
 *
 * 1. `pingCeilings` + `pingAllowances`, computed once before observing, from what is already known (the policies,
 *    the account and each target's state): the most each target could ask for this tick, divided max-min fairly;
 * 2. `limitPings`, after a target is planned: its ping decision cut to what the pool grants it.
 */

/** One target's decisions, as `plan` makes them for a tick with this single policy. */
export function planTarget(
  policy: Effective,
  now: Date,
  account: AccountConcurrency | undefined,
  observation: TargetObservation,
  options: PlanOptions,
): Decision[] {
  return plan([policy], now, { ...(account ? { account } : {}), targets: { [policy.key]: observation } }, options);
}

/** A target Thermostat still manages although no policy names it: released as `plan` releases it (as if off). */
export function planReleased(
  key: string,
  now: Date,
  account: AccountConcurrency | undefined,
  observation: TargetObservation,
): Decision[] {
  return plan([], now, { ...(account ? { account } : {}), targets: { [key]: observation } });
}

/** What a target's state says before it is observed: when it was last pinged and how many environments it wanted. */
export interface PingHistory {
  readonly lastPingAt?: number;
  readonly lastWanted?: number;
}

/**
 * The most pings a target could ask for this tick, known before it is observed: 0 when it is off or not due, else
 * the warmth it wants within its own budget. Provisioned-mode targets ping only when their provisioned concurrency
 * fails or cannot be set, which is only known once observed: they count 0 here and draw on what is left over.
 */
export function pingCeiling(
  policy: Effective,
  history: PingHistory | undefined,
  now: number,
  account: AccountConcurrency | undefined,
): number {
  if (policy.mode === 'off' || policy.mode === 'provisioned') return 0;
  const wanted =
    policy.mode === 'auto' ? Math.max(policy.warm.concurrency, policy.provisioned.min) : policy.warm.concurrency;
  const raised = history?.lastWanted !== undefined && wanted > history.lastWanted;
  if (!raised && !isDue(policy.warm.intervalMs, now, history?.lastPingAt)) return 0;
  let ceiling = wanted;
  if (policy.budget.maxConcurrency !== undefined) ceiling = Math.min(ceiling, policy.budget.maxConcurrency);
  if (policy.budget.maxShare !== undefined && account !== undefined) {
    ceiling = Math.min(ceiling, Math.floor(account.unreserved * policy.budget.maxShare));
  }
  return Math.max(0, ceiling);
}

/** Each target's share of the tick's ping pool, max-min fair over the ceilings (an infinite pool grants each its ceiling). */
export function pingAllowances(ceilings: ReadonlyMap<string, number>, pool: number): Map<string, number> {
  const keys = [...ceilings.keys()];
  const granted = allocateFairly(
    keys.map((key) => ceilings.get(key)!),
    pool,
  );
  return new Map(keys.map((key, index) => [key, granted[index]]));
}

/**
 * The ping decision cut to `granted` pings (what the tick's pool gives this target); none left makes it a skip, as
 * `plan` does when the pool is spent. Other decisions pass unchanged.
 */
export function limitPings(decisions: readonly Decision[], granted: number, pool: number): Decision[] {
  return decisions.map((decision) => {
    if (decision.kind !== 'ping' || granted >= decision.count) return decision;
    const reason = `${decision.reason}; tick budget of ${pool} shared with other targets allows ${granted}`;
    if (granted <= 0) {
      const { key, function: fn, qualifier, mode, window } = decision;
      return { key, function: fn, qualifier, mode, window, kind: 'skip', cause: 'budget-exhausted', reason };
    }
    return { ...decision, count: granted, reason };
  });
}

/** How many pings a plan asks for (its ping decision's first round), 0 without one. */
export function pingsAsked(decisions: readonly Decision[]): number {
  const ping = decisions.find((decision) => decision.kind === 'ping');
  return ping?.kind === 'ping' ? ping.count : 0;
}
