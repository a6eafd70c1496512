import { type Architecture, costOfPings, gbSeconds, onDemandRate, PRICES, type PriceBook } from '../cost';
import { BUILTIN_DEFAULTS, type Effective, type ProvisionedSettings } from '../policy/core';
import { formatDuration } from '../policy/duration';
import { planAuto } from './auto';
import { allocateWhole, longestWaitingFirst, type PingCap, targetPingCap, tickPool, tickShareOf } from './budget';
import type { Decision, PingDecision, SkipDecision } from './decision';
import { type PingPlan, planPings } from './demand';
import { intervalTolerance, isDue, roundDueAt } from './interval';
import type { Observed, TargetObservation } from './observed';
import { type Base, type ProvisionedPlan, planProvisioned } from './provisioned';
import { EMPTY_TRAFFIC, recordUtilization } from './traffic';

export interface PlanOptions {
  /**
   * Share of the account's unreserved concurrency that all pings of one tick may use together.
   * @default the smallest `budget.maxShare` among the policies (the most restrictive wins), else 0.2
   */
  readonly tickShare?: number;
  /** Prices for auto mode's cost model and the pre-warm choice. @default us-east-1 (controller/cost) */
  readonly prices?: PriceBook;
  /** How often the planner runs. @default 60 s */
  readonly tickMs?: number;
  /**
   * Keep-alive rounds on a grid of their interval (see `roundDueAt`), so they share ticks: for a controller that
   * pauses its schedule while nothing is due. Without it each target keeps its own phase, which spreads a large
   * account's rounds (and their use of the ping pool) over the ticks of the interval. @default false
   */
  readonly alignRounds?: boolean;
}

/** Fallback when a function's memory is unknown (auto mode only uses it for prices). */
const DEFAULT_MEMORY_MB = 1024;
export const DEFAULT_TICK_MS = 60_000;
/** Init time assumed until a proof shows the function's own. */
const DEFAULT_INIT_MS = 250;

interface PlanContext {
  readonly now: number;
  readonly observed: Observed;
  readonly prices: PriceBook;
  readonly tickMs: number;
  readonly alignRounds: boolean;
}

interface PingRequest {
  readonly base: Base;
  /** When the target became due (earlier waits longer and goes first); undefined: never pinged. */
  readonly waitingSince: number | undefined;
  readonly initMs?: number;
  readonly latencyMs?: number;
  readonly wanted: number;
  readonly request: number;
  readonly cap: PingCap & { cap: number };
  readonly holdMs: number;
  readonly holdNote: string;
  readonly payload: Effective['warm']['payload'];
  readonly due: string;
  readonly expectCold: boolean;
  readonly fallback?: ProvisionedPlan['fallback'];
  readonly probe?: true;
}

interface TargetPlan {
  readonly decisions: Decision[];
  /** Where the ping decision goes once the tick's budget is divided, if the target wants pings. */
  readonly ping?: PingRequest;
}

/**
 * The planner: pure and deterministic. For each policy (already resolved for `now`) and what was observed, decide
 * what to do this tick, each decision with a reason. Managed targets whose policy disappeared are cleaned up as if
 * their mode were `off`. Imports nothing from AWS; the simulator drives this same function.
 */
export function plan(
  policies: readonly Effective[],
  now: Date,
  observed: Observed,
  options: PlanOptions = {},
): Decision[] {
  const nowMs = now.getTime();
  const context: PlanContext = {
    now: nowMs,
    observed,
    prices: options.prices ?? PRICES,
    tickMs: options.tickMs ?? DEFAULT_TICK_MS,
    alignRounds: options.alignRounds ?? false,
  };
  const share = options.tickShare ?? tickShareOf(policies.map((policy) => policy.budget));
  const targets = policies.map((policy) => planTarget(policy, context));

  const requests = targets.filter((target) => target.ping !== undefined).map((target) => target.ping!);
  const pool = tickPool(observed.account, share);
  // Whole rounds, longest-waiting first: a target that does not fit waits a tick instead of getting a round too
  // small to prove what it wants, so many targets share the pool across the ticks of their interval.
  const order = longestWaitingFirst(requests, (request) => request.waitingSince);
  const granted = allocateWhole(
    order.map((request) => request.request),
    pool,
  );
  const grants = new Map(order.map((request, index) => [request, granted[index]]));

  const decisions: Decision[] = [];
  for (const target of targets) {
    decisions.push(...target.decisions);
    if (target.ping) decisions.push(pingDecision(target.ping, grants.get(target.ping)!, pool));
  }
  decisions.push(...orphans(policies, observed));
  return decisions;
}

function planTarget(policy: Effective, context: PlanContext): TargetPlan {
  const { observed } = context;
  const base: Base = {
    key: policy.key,
    function: policy.function,
    qualifier: policy.qualifier,
    mode: policy.mode,
    window: policy.window,
  };
  const raw: TargetObservation = observed.targets[policy.key] ?? {};
  if (raw.problem) {
    if (policy.mode === 'off') {
      return { decisions: [{ ...base, kind: 'skip', cause: 'off', reason: `mode is off; ${raw.problem.message}` }] };
    }
    return { decisions: [{ ...base, kind: 'fail', problem: raw.problem, reason: raw.problem.message }] };
  }
  const obs = withMinuteHistory(raw, context.now);

  const decisions: Decision[] = [];
  let target: 'warm' | 'provisioned' | 'off' = policy.mode === 'auto' ? 'warm' : policy.mode;
  let settings: ProvisionedSettings = policy.provisioned;
  let wanted = policy.warm.concurrency;
  let leftByTraffic = false;
  if (policy.mode === 'auto') {
    const auto = planAuto({
      policy,
      obs,
      provisionedPossible: provisionedPossible(policy, obs),
      prices: context.prices,
    });
    decisions.push({
      ...base,
      kind: 'auto-choice',
      choice: auto.provisioned > 0 ? 'provisioned' : 'warm',
      environments: auto.environments,
      provisioned: auto.provisioned,
      load: auto.load,
      loadSource: auto.loadSource,
      hourly: auto.hourly,
      ...(auto.forecast ? { forecast: auto.forecast } : {}),
      reason: `auto: ${auto.reason}`,
    });
    wanted = auto.environments;
    leftByTraffic = auto.leftByTraffic;
    if (auto.provisioned > 0) {
      target = 'provisioned';
      settings = { ...policy.provisioned, strategy: 'direct', min: auto.provisioned, max: auto.provisioned };
    } else if (auto.environments === 0) {
      target = 'off';
    }
  }

  const provisioned = planProvisioned(base, target, settings, obs, observed.account);
  decisions.push(...provisioned.decisions);

  if (target === 'off') {
    if (decisions.length === 0) decisions.push({ ...base, kind: 'skip', cause: 'off', reason: 'mode is off' });
    return { decisions };
  }
  if (target === 'provisioned') {
    if (provisioned.fallback) {
      return withPing(decisions, base, policy, obs, provisioned.fallback.wanted, context, provisioned.fallback);
    }
    // Auto mode may want more environments warm than the units it provisions: pings cover the rest.
    if (policy.mode !== 'auto' || wanted <= settings.min) return { decisions };
  }
  const removing = provisioned.decisions.some(
    (decision) => decision.kind === 'delete-provisioned' || decision.kind === 'deregister-scalable-target',
  );
  const pc = obs.provisioned;
  if (!removing && pc?.status === 'READY' && pc.allocated >= wanted) {
    decisions.push({
      ...base,
      kind: 'skip',
      cause: 'covered-by-provisioned',
      reason: `${pc.allocated} provisioned environments are READY, covering the ${wanted} wanted`,
    });
    return { decisions };
  }
  return pooledForecast(withPing(decisions, base, policy, obs, wanted, context, undefined, leftByTraffic));
}

/**
 * Auto mode's forecast (Erlang's loss formula) prices the environments its rounds keep warm as a fixed pool. Where
 * the function's own traffic keeps its environments warm (pings skipped, or a probe to check it still does), or its
 * idle times decide when it is pre-warmed, that pool is not what serves it: the choice then carries no forecast,
 * rather than one the traffic has nothing to do with.
 */
function pooledForecast(plan: TargetPlan): TargetPlan {
  const byTraffic =
    plan.ping?.probe === true ||
    plan.decisions.some(
      (decision) =>
        decision.kind === 'skip' && (decision.cause === 'kept-warm-by-traffic' || decision.cause === 'predicted-idle'),
    );
  if (!byTraffic) return plan;
  return {
    ...plan,
    decisions: plan.decisions.map((decision) => {
      if (decision.kind !== 'auto-choice' || decision.forecast === undefined) return decision;
      const { forecast: _forecast, ...rest } = decision;
      return rest;
    }),
  };
}

/** Minute statistics read this tick, folded into the traffic history the demand model reads. */
function withMinuteHistory(obs: TargetObservation, now: number): TargetObservation {
  if (obs.utilization === undefined) return obs;
  const utilization = { ...obs.utilization, minutes: Math.max(1, obs.utilization.minutes) };
  return { ...obs, traffic: recordUtilization(obs.traffic ?? EMPTY_TRAFFIC, now, utilization) };
}

/** Lambda refuses provisioned concurrency on $LATEST, with SnapStart, and on weighted aliases. */
export function provisionedPossible(policy: Effective, obs: TargetObservation): boolean {
  return (
    policy.qualifier !== undefined &&
    policy.qualifier !== '$LATEST' &&
    obs.snapStart !== true &&
    obs.weightedAlias !== true &&
    policy.provisioned.max > 0
  );
}

/** What a warm ping and an INIT cost this function, for the pre-warm choice. */
function unitCosts(policy: Effective, obs: TargetObservation, prices: PriceBook) {
  const memoryMb = obs.memoryMb ?? policy.auto.memoryMb ?? DEFAULT_MEMORY_MB;
  const architecture: Architecture = obs.architecture ?? policy.auto.architecture ?? 'x86_64';
  const initMs = obs.traffic?.initMs ?? DEFAULT_INIT_MS;
  return {
    initMs,
    pingCostUsd: costOfPings({ count: 1, holdMs: 1, memoryMb, architecture, prices }).total,
    initCostUsd: gbSeconds(memoryMb, initMs) * onDemandRate(prices[architecture]),
  };
}

function withPing(
  decisions: Decision[],
  base: Base,
  policy: Effective,
  obs: TargetObservation,
  wanted: number,
  context: PlanContext,
  fallback: ProvisionedPlan['fallback'],
  leftByTraffic = false,
): TargetPlan {
  // A raise is pinged at once, except auto mode's on aligned rounds: its raise is a forecast from environments traffic
  // has just started, which survive idle until the next grid round, so waiting for it costs no warmth and saves the
  // paused controller a tick of its own.
  const raised =
    obs.lastWanted !== undefined && wanted > obs.lastWanted && !(context.alignRounds && policy.mode === 'auto');
  const schedule: PingPlan =
    raised || fallback ? { kind: 'keep-alive', why: '' } : pingSchedule(policy, obs, wanted, context);
  const due = whenDue(schedule, policy, obs, wanted, context, raised);
  if ('skip' in due) {
    decisions.push({ ...base, kind: 'skip', ...due.skip });
    return { decisions };
  }
  const cap = targetPingCap(policy.budget, context.observed.account, obs.reservedConcurrency);
  const refused = capSkip(cap);
  if (refused) {
    decisions.push({ ...base, kind: 'skip', ...refused });
    return { decisions };
  }
  const probe = schedule.kind === 'probe';
  const { holdMs, holdNote } = holdWithin(policy.warm.holdMs, obs.timeoutMs);
  return {
    decisions,
    ping: {
      base,
      waitingSince:
        obs.lastPingAt === undefined
          ? undefined
          : roundDueAt(policy.warm.intervalMs, obs.lastPingAt, context.alignRounds),
      ...(obs.traffic?.initMs !== undefined ? { initMs: obs.traffic.initMs } : {}),
      ...(obs.traffic?.latencyMs !== undefined ? { latencyMs: obs.traffic.latencyMs } : {}),
      wanted: probe ? 1 : wanted,
      request: probe ? 1 : Math.min(wanted, cap.cap!),
      cap: cap as PingCap & { cap: number },
      holdMs,
      holdNote,
      payload: policy.warm.payload,
      due: due.due,
      // Environments a burst left are there to be found: a ping that finds none starts one, but nothing waits for it.
      expectCold: !probe && !leftByTraffic && (obs.lastProven === undefined || obs.lastProven < wanted),
      fallback,
      ...(probe ? { probe: true as const } : {}),
    },
  };
}

/** What the demand model says about pinging this target now (kept warm by traffic, pre-warm, probe, keep alive). */
function pingSchedule(policy: Effective, obs: TargetObservation, wanted: number, context: PlanContext): PingPlan {
  const costs = unitCosts(policy, obs, context.prices);
  const warmRatio =
    policy.objective.warmRatio ??
    (policy.mode === 'auto' ? BUILTIN_DEFAULTS.objective.autoWarmRatio : BUILTIN_DEFAULTS.objective.warmModeWarmRatio);
  const settings = {
    intervalMs: policy.warm.intervalMs,
    warmRatio,
    tickMs: context.tickMs,
    alignRounds: context.alignRounds,
    ...costs,
  };
  return planPings(obs.traffic, wanted, context.now, settings);
}

type Waiting = {
  readonly cause: 'not-due' | 'kept-warm-by-traffic' | 'predicted-idle';
  readonly reason: string;
  readonly nextAt: number;
  readonly latestAt?: number;
};

/** Why a round is due now, or what the target waits for (and until when). */
function whenDue(
  schedule: PingPlan,
  policy: Effective,
  obs: TargetObservation,
  wanted: number,
  context: PlanContext,
  raised: boolean,
): { readonly due: string } | { readonly skip: Waiting } {
  const { now, alignRounds } = context;
  const interval = policy.warm.intervalMs;
  // A traffic probe's ping restarted the idle time of the one environment it reached: for a target that wants one,
  // it counts as a round, so a probe that finds the traffic gone is followed by a round an interval later, not at
  // once (the probe leaves the last round's record, and its time, as they were).
  const probeAt = obs.traffic?.probe?.at;
  const lastPingAt =
    wanted === 1 && probeAt !== undefined && obs.lastPingAt !== undefined && probeAt > obs.lastPingAt
      ? probeAt
      : obs.lastPingAt;
  const nextRound =
    lastPingAt === undefined ? now : roundDueAt(interval, lastPingAt, alignRounds) - intervalTolerance(interval);
  const wait = (cause: Waiting['cause'], reason: string, nextAt: number, latestAt?: number) => ({
    skip: { cause, reason, nextAt, ...(latestAt !== undefined ? { latestAt } : {}) },
  });
  switch (schedule.kind) {
    case 'kept-warm-by-traffic':
      return wait('kept-warm-by-traffic', schedule.why, schedule.until, schedule.latest);
    case 'probe':
      return { due: `traffic probe: ${schedule.why}` };
    case 'pre-warm': {
      if (now < schedule.at) {
        return wait(
          'predicted-idle',
          `${schedule.why}; next ping at ${new Date(schedule.at).toISOString()}`,
          schedule.at,
        );
      }
      // The pre-warm itself, then one round per interval until the likely idle spread has passed.
      const prewarmed = obs.lastPingAt !== undefined && obs.lastPingAt >= schedule.at;
      if (prewarmed && !isDue(interval, now, obs.lastPingAt, alignRounds))
        return wait('not-due', `pre-warmed; ${schedule.why}`, nextRound);
      return {
        due: prewarmed ? `keeping the pre-warmed environment warm; ${schedule.why}` : `pre-warm: ${schedule.why}`,
      };
    }
    default: {
      if (!raised && !isDue(interval, now, lastPingAt, alignRounds)) {
        const ago = formatDuration(now - lastPingAt!);
        return wait('not-due', `last pinged ${ago} ago; interval is ${formatDuration(interval)}`, nextRound);
      }
      if (lastPingAt === undefined) return { due: 'first ping' };
      if (raised) return { due: `warmth raised from ${obs.lastWanted} to ${wanted}` };
      const why = schedule.why ? ` (${schedule.why})` : '';
      if (now - lastPingAt < interval - intervalTolerance(interval)) {
        const ago = formatDuration(now - lastPingAt);
        return {
          due: `round on the ${formatDuration(interval)} grid other targets share (last pinged ${ago} ago)${why}`,
        };
      }
      return { due: `interval ${formatDuration(interval)} elapsed${why}` };
    }
  }
}

/** A target the budget allows no pings at all: why, as a skip. */
function capSkip(cap: PingCap): Pick<SkipDecision, 'cause' | 'reason'> | undefined {
  if (cap.cap === undefined) {
    return {
      cause: 'budget-unknown',
      reason: 'account concurrency could not be read and the policy sets no budget.maxConcurrency; not pinging blind',
    };
  }
  if (cap.cap > 0) return undefined;
  return {
    cause: cap.limitedBy.some((label) => label.startsWith('reserved')) ? 'no-reserved-headroom' : 'budget-exhausted',
    reason: `no concurrency may be used for pings: ${cap.limitedBy.join(', ')}`,
  };
}

/** The policy's hold, shortened to half the function's timeout (a ping must never time out while held). */
function holdWithin(holdMs: number, timeoutMs: number | undefined): { holdMs: number; holdNote: string } {
  if (timeoutMs === undefined || holdMs <= Math.floor(timeoutMs / 2)) return { holdMs, holdNote: '' };
  const shortened = Math.floor(timeoutMs / 2);
  return { holdMs: shortened, holdNote: `; hold shortened to ${shortened} ms (function timeout ${timeoutMs} ms)` };
}

function pingDecision(request: PingRequest, granted: number, pool: number): Decision {
  const { base, wanted } = request;
  const plural = (n: number) => `${n} environment${n === 1 ? '' : 's'}`;
  const parts = request.probe
    ? [request.due]
    : [
        request.fallback
          ? `${plural(wanted)} kept warm with pings because ${request.fallback.why}`
          : `${plural(wanted)} wanted${base.window ? ` in window "${base.window}"` : ''}`,
        request.due,
      ];
  if (request.request < wanted) parts.push(`capped at ${request.request} by ${request.cap.limitedBy.join(', ')}`);
  if (granted < request.request) parts.push(`tick budget of ${pool} shared with other targets allows ${granted}`);
  if (granted === 0) {
    return {
      ...base,
      kind: 'skip',
      cause: pool > 0 ? 'deferred' : 'budget-exhausted',
      reason: `${parts.join('; ')}${pool > 0 ? '; first in line next tick' : ''}`,
    };
  }
  const flavour = request.payload.flavour;
  if (flavour !== 'thermostat') parts.push(`${flavour} payload: no environment proof possible`);
  else if (request.latencyMs !== undefined && granted > 1) {
    parts.push(
      `held for their arrival: the last round's pings reached their environments within ${request.latencyMs} ms`,
    );
  }
  const decision: PingDecision = {
    ...base,
    kind: 'ping',
    count: granted,
    wanted,
    holdMs: request.holdMs,
    payload: request.payload,
    proof: flavour === 'thermostat',
    expectCold: request.expectCold,
    ...(request.initMs !== undefined ? { initMs: request.initMs } : {}),
    ...(request.latencyMs !== undefined ? { latencyMs: request.latencyMs } : {}),
    ...(request.fallback ? { fallback: request.fallback.kind } : {}),
    ...(request.probe ? { probe: request.probe } : {}),
    reason: parts.join('; ') + request.holdNote,
  };
  return decision;
}

const NO_SETTINGS: ProvisionedSettings = { min: 0, max: 0, utilization: 0.7, strategy: 'direct', adopt: false };

/** Targets Thermostat still manages but no policy names: released as if their mode were off. */
function orphans(policies: readonly Effective[], observed: Observed): Decision[] {
  const named = new Set(policies.map((policy) => policy.key));
  const decisions: Decision[] = [];
  for (const [key, obs] of Object.entries(observed.targets)) {
    if (named.has(key) || obs.managed === undefined) continue;
    const base: Base = {
      key,
      function: obs.managed.function,
      qualifier: obs.managed.qualifier,
      mode: 'off',
      window: undefined,
    };
    const released = obs.problem
      ? [{ ...base, kind: 'forget' as const, reason: obs.problem.message }]
      : planProvisioned(base, 'off', NO_SETTINGS, obs, observed.account).decisions;
    for (const decision of released) {
      decisions.push({ ...decision, reason: `no policy names ${key} any more; ${decision.reason}` });
    }
  }
  return decisions;
}
