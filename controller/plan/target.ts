import { BUILTIN_DEFAULTS, type Effective } from '../policy/core';
import { allocateWhole } from './budget';
import { type Decision, isWrite } from './decision';
import { isDue } from './interval';
import type { AccountConcurrency, AdoptedOriginal, TargetObservation } from './observed';
import { type PlanOptions, plan } from './plan';
import { type Base, qualifierText } from './provisioned';

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
  const decisions = plan(
    [policy],
    now,
    { ...(account ? { account } : {}), targets: { [policy.key]: observation } },
    options,
  );
  return restoreOnRelease(recordAdoption(decisions, observation), observation);
}

/** A target Thermostat still manages although no policy names it: released as `plan` releases it (as if off). */
export function planReleased(
  key: string,
  now: Date,
  account: AccountConcurrency | undefined,
  observation: TargetObservation,
): Decision[] {
  return restoreOnRelease(
    plan([], now, { ...(account ? { account } : {}), targets: { [key]: observation } }),
    observation,
  );
}

/**
 * The write that adopts a qualifier records what its owner had (config, scalable target, their scaling policies), and
 * the owner's scaling policies, which would fight Thermostat's, are removed — said in the reason, put back on release.
 * With a scalable target whose policies could not be read, nothing is adopted this tick: they could not be restored.
 */
function recordAdoption(decisions: readonly Decision[], obs: TargetObservation): Decision[] {
  if (obs.managed?.adopted) return [...decisions];
  const adopting = decisions.some(
    (decision) =>
      (decision.kind === 'put-provisioned' || decision.kind === 'register-scalable-target') && decision.adopt,
  );
  if (!adopting) return [...decisions];
  const st = obs.scalableTarget ?? null;
  const foreign = obs.foreignScalingPolicies;
  if (st !== null && foreign === undefined) {
    const first = decisions[0];
    const { key, function: fn, qualifier, mode, window } = first;
    return [
      ...decisions.filter((decision) => !isWrite(decision)),
      {
        key,
        function: fn,
        qualifier,
        mode,
        window,
        kind: 'skip',
        cause: 'not-observed',
        reason: `the scaling policies on ${qualifierText(first)} could not be read, so adopting it (which must be undone exactly) waits; retried next tick`,
      },
    ];
  }
  const original: AdoptedOriginal = {
    provisioned: obs.provisioned ? obs.provisioned.requested : null,
    scalableTarget: st,
    scalingPolicies: foreign ?? [],
  };
  const names = (foreign ?? []).map((policy) => policy.name);
  let recorded = false;
  return decisions.map((decision) => {
    if (decision.kind !== 'put-provisioned' && decision.kind !== 'register-scalable-target') return decision;
    const first = !recorded;
    recorded = true;
    if (decision.kind === 'register-scalable-target' && names.length > 0) {
      return {
        ...decision,
        ...(first ? { original } : {}),
        removePolicies: names,
        reason: `${decision.reason}; removes the previous owner's scaling policies ${names.join(', ')} (recorded, put back when Thermostat lets go)`,
      };
    }
    return first ? { ...decision, original } : decision;
  });
}

/**
 * Letting go of an adopted qualifier (policy removed, mode off or warm, window without provisioned concurrency):
 * instead of deleting, what the owner had goes back — their provisioned concurrency, their scalable target and
 * scaling policies — and Thermostat forgets the qualifier. Adopted before its original was recorded: it stays as is.
 */
function restoreOnRelease(decisions: readonly Decision[], obs: TargetObservation): Decision[] {
  const managed = obs.managed;
  const releasing = decisions.some(
    (decision) => decision.kind === 'delete-provisioned' || decision.kind === 'deregister-scalable-target',
  );
  if (!managed?.adopted || !releasing) return [...decisions];
  const kept = decisions.filter((decision) => !isWrite(decision) && decision.kind !== 'forget');
  const first = decisions.find(isWrite)!;
  const base = {
    key: first.key,
    function: first.function,
    qualifier: first.qualifier,
    mode: first.mode,
    window: first.window,
  };
  const where = qualifierText(base);
  const pc = obs.provisioned ?? null;
  const st = obs.scalableTarget ?? null;
  const original = managed.original;
  if (original === undefined) {
    return [
      ...kept,
      {
        ...base,
        kind: 'leave-alone',
        owner: st ? 'scalable-target' : 'provisioned-config',
        reason: `${where} was adopted before Thermostat recorded what its owner had, so it is left as it is rather than deleted`,
      },
      { ...base, kind: 'forget', reason: 'handed back to its owner' },
    ];
  }
  const restored = restoredDecisions(base, where, original, pc, st);
  return [
    ...kept,
    ...restored,
    { ...base, kind: 'forget', reason: `handed back to its owner as it was before Thermostat adopted it` },
  ];
}

/** What puts an adopted qualifier back as its owner had it: their provisioned concurrency and scalable target. */
function restoredDecisions(
  base: Base,
  where: string,
  original: AdoptedOriginal,
  pc: NonNullable<TargetObservation['provisioned']> | null,
  st: NonNullable<TargetObservation['scalableTarget']> | null,
): Decision[] {
  const restored: Decision[] = [];
  if (original.provisioned !== null && pc?.requested !== original.provisioned) {
    restored.push({
      ...base,
      kind: 'put-provisioned',
      value: original.provisioned,
      previous: pc ? pc.requested : null,
      adopt: false,
      reason: `restoring the provisioned concurrency (${original.provisioned}) ${where} had before Thermostat adopted it`,
    });
  }
  if (original.scalableTarget !== null) {
    const { min, max } = original.scalableTarget;
    const names = original.scalingPolicies.map((policy) => policy.name);
    restored.push({
      ...base,
      kind: 'register-scalable-target',
      min,
      max,
      utilization: 0,
      putPolicy: false,
      previous: st,
      adopt: false,
      ownsConfig: false,
      restorePolicies: original.scalingPolicies,
      reason: `restoring the scalable target (min ${min}, max ${max})${
        names.length > 0 ? ` and the scaling policies ${names.join(', ')}` : ''
      } ${where} had before Thermostat adopted it`,
    });
  } else if (st !== null) {
    restored.unshift({
      ...base,
      kind: 'deregister-scalable-target',
      previous: st,
      reason: `removing the scalable target Thermostat registered on ${where}; its owner had none`,
    });
  }
  if (original.provisioned === null && pc !== null) {
    restored.push({
      ...base,
      kind: 'delete-provisioned',
      previous: pc.requested,
      reason: `deleting the provisioned concurrency Thermostat set on ${where}; its owner had none`,
    });
  }
  return restored;
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
  alignRounds = false,
): number {
  if (policy.mode === 'off' || policy.mode === 'provisioned') return 0;
  const wanted =
    policy.mode === 'auto'
      ? (policy.auto.maxEnvironments ?? BUILTIN_DEFAULTS.auto.maxEnvironments)
      : policy.warm.concurrency;
  const raised = history?.lastWanted !== undefined && wanted > history.lastWanted;
  if (!raised && !isDue(policy.warm.intervalMs, now, history?.lastPingAt, alignRounds)) return 0;
  let ceiling = wanted;
  if (policy.budget.maxConcurrency !== undefined) ceiling = Math.min(ceiling, policy.budget.maxConcurrency);
  if (policy.budget.maxShare !== undefined && account !== undefined) {
    ceiling = Math.min(ceiling, Math.floor(account.unreserved * policy.budget.maxShare));
  }
  return Math.max(0, ceiling);
}

/**
 * Each target's share of the tick's ping pool: whole ceilings in the map's order (longest-waiting first), as `plan`
 * grants whole rounds, so a target that does not fit waits a tick instead of getting a round too small to prove what
 * it wants; many targets then share the pool across the ticks of their interval. An infinite pool grants each its
 * ceiling.
 */
export function pingAllowances(ceilings: ReadonlyMap<string, number>, pool: number): Map<string, number> {
  const keys = [...ceilings.keys()];
  const granted = allocateWhole(
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
