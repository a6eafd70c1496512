import type { MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { AutoScalingApi, LambdaControl, MetricsApi } from '../aws/ports';
import { isThrottle } from '../aws/rate-limit';
import type { Clock } from '../clock';
import { mapLimit } from '../concurrency';
import { AAS_SERVICE_NAMESPACE, resourceId, SCALABLE_DIMENSION, SCALING_POLICY_NAME } from '../contract';
import { breakEvenUtilisation } from '../cost';
import { describeError, errorName, TimeBudgetError, UnexpectedResponseError } from '../errors';
import {
  type AccountConcurrency,
  EMPTY_TRAFFIC,
  isDue,
  minuteReadMinutes,
  type ProvisionedObservation,
  provisionedPossible,
  recordUtilization,
  type ScalableTargetObservation,
  type ScalingPolicySnapshot,
  type TargetObservation,
  type UtilizationObservation,
  unitBusyShares,
  wantsMinuteStatistics,
} from '../plan';
import { type Effective, functionName } from '../policy/core';
import type { SettledCopy, TargetState } from '../state';
import { DEFAULT_ACCOUNT } from './account-store';
import { spread } from './cache';
import { CACHE_TTL_MS, type FunctionFacts, type ObservationCaches } from './caches';

export interface ObserveDeps {
  readonly lambda: LambdaControl;
  readonly autoscaling: AutoScalingApi;
  readonly metrics?: MetricsApi;
  readonly caches: ObservationCaches;
  readonly clock: Clock;
  /** Concurrent observations in flight (the rate limiters pace the actual calls). */
  readonly parallelism: number;
  /** Warm-mode provisioned-concurrency reads allowed per tick (to skip pings that READY PC makes useless). */
  readonly coverageReads: number;
  /** Whether the planner aligns rounds (PlanOptions.alignRounds), so "due" means the same here as there. */
  readonly alignRounds?: boolean;
}

/** Where the account settings of a tick came from: read now, the state table's last read, or the default. */
export type AccountSource = 'live' | 'last-known' | 'default';

/**
 * GetAccountSettings (cached a minute, and kept in the state table). When it cannot be read, the last settings
 * read (by any controller environment) stand in, else a conservative default: never nothing, so targets without
 * `budget.maxConcurrency` are still warmed, within a budget the report names with `error`.
 */
export async function observeAccount(
  deps: ObserveDeps,
): Promise<{ account?: AccountConcurrency; error?: string; source?: AccountSource }> {
  const now = deps.clock.now();
  try {
    const account = await deps.caches.account.getOrLoad('account', CACHE_TTL_MS.account, now, async () => {
      const settings = await deps.lambda.getAccountSettings();
      const limit = settings.AccountLimit?.ConcurrentExecutions;
      const unreserved = settings.AccountLimit?.UnreservedConcurrentExecutions;
      if (limit === undefined || unreserved === undefined)
        throw new UnexpectedResponseError('GetAccountSettings returned no limits');
      // Best effort: a failed save only loses the fallback.
      await deps.caches.lastAccount?.save({ account: { limit, unreserved }, at: now }).catch(() => undefined);
      return { limit, unreserved };
    });
    return deps.caches.lastAccount ? { account, source: 'live' } : { account };
  } catch (error) {
    const reason = `account concurrency could not be read: ${describeError(error).message}`;
    if (deps.caches.lastAccount === undefined) return { error: reason };
    const known = await deps.caches.lastAccount.load().catch(() => undefined);
    if (known) {
      const at = new Date(known.at).toISOString();
      return { account: known.account, source: 'last-known', error: `${reason}; using the settings read at ${at}` };
    }
    return {
      account: DEFAULT_ACCOUNT,
      source: 'default',
      error: `${reason}; never read before, so assuming a small account (${DEFAULT_ACCOUNT.unreserved} unreserved)`,
    };
  }
}

/**
 * What the account's real traffic uses right now: CloudWatch's account-wide `ConcurrentExecutions`, the highest of
 * the last few minutes (one metric, billed as such). Undefined when it cannot be read; warming then keeps to the
 * budgets' shares alone.
 */
export async function observeLiveUse(deps: ObserveDeps): Promise<number | undefined> {
  if (deps.metrics === undefined) return undefined;
  const now = deps.clock.now();
  try {
    const response = await deps.metrics.getMetricData({
      MetricDataQueries: [
        {
          Id: 'inUse',
          MetricStat: {
            Metric: { Namespace: 'AWS/Lambda', MetricName: 'ConcurrentExecutions', Dimensions: [] },
            Period: 60,
            Stat: 'Maximum',
          },
        },
      ],
      StartTime: new Date(now - LIVE_USE_MINUTES * 60_000),
      EndTime: new Date(now),
    });
    const values = response.MetricDataResults?.[0]?.Values ?? [];
    return values.length === 0 ? 0 : Math.max(...values);
  } catch {
    return undefined;
  }
}

/** Minutes of account-wide concurrency read for the live budget: recent enough to follow traffic, a peak over a few. */
const LIVE_USE_MINUTES = 3;

/** Whether a target's provisioned-concurrency state must be read this tick. */
function usesProvisioned(policy: Effective, state: TargetState | undefined): boolean {
  return (
    policy.qualifier !== undefined &&
    policy.qualifier !== '$LATEST' &&
    (policy.mode === 'provisioned' || policy.mode === 'auto' || state?.managed?.provisioned !== undefined)
  );
}

/**
 * Whether a decision depends on the qualifier's concurrency history, and it is worth a billed read now: direct sizing
 * between min and max, or auto mode where provisioned concurrency is at stake (the planner's own rule,
 * `wantsMinuteStatistics`, shared with the simulator).
 */
function needsHistory(policy: Effective, state: TargetState | undefined, now: number): boolean {
  if (policy.qualifier === undefined) return false;
  if (policy.mode === 'provisioned') return policy.provisioned.max > policy.provisioned.min;
  if (policy.mode !== 'auto') return false;
  return wantsMinuteStatistics({
    auto: true,
    // Before the function is read: what the policy allows (SnapStart and weighted aliases are checked when planning).
    provisionedPossible: provisionedPossible(policy, {}),
    holdsProvisioned: state?.managed?.provisioned !== undefined,
    traffic: state?.traffic,
    breakEven: breakEvenUtilisation('x86_64'),
    now,
  });
}

/**
 * Observes every target: cached function facts for all, provisioned-concurrency state only for targets that use
 * it (and, within a per-tick allowance, for warm targets about to be pinged), scalable targets in batches of 50,
 * concurrency history only where a decision depends on it. A failed read leaves the field undefined (the planner
 * then writes nothing blind) or, for the function itself, marks the target with a problem.
 */
export interface Observations {
  readonly targets: Record<string, TargetObservation>;
  /** Function facts read from Lambda this tick, by target key, to be saved with the target's state. */
  readonly freshFacts: ReadonlyMap<string, FunctionFacts & { readonly at: number }>;
  /** Targets that could not be observed in time (rate limit, time budget): not planned this tick. */
  readonly deferred: ReadonlyMap<string, Deferral>;
}

/** Why a target was not observed this tick: its reads' turn came after the tick's time budget. */
export interface Deferral {
  readonly cause: 'rate-limit' | 'time-budget';
  readonly reason: string;
}

/**
 * Reads that serve many targets at once (scalable targets in batches of 50, concurrency history in batches of 250).
 * Started once per tick and awaited only by the targets that need them, so warm-only targets never wait for them.
 */
export interface SharedReads {
  readonly scalable: Promise<{ targets?: Map<string, ScalableTargetObservation> }>;
  readonly utilization: Promise<Map<string, UtilizationObservation>>;
  /** Warm-mode provisioned-concurrency reads still allowed this tick. */
  coverageReads: number;
}

export function startSharedReads(
  deps: ObserveDeps,
  policies: readonly Effective[],
  states: ReadonlyMap<string, TargetState>,
  extra: readonly TargetState[] = [],
): SharedReads {
  const pcPolicies = policies.filter((policy) => usesProvisioned(policy, states.get(policy.key)));
  const orphanIds = extra
    .filter((state) => state.managed?.qualifier !== undefined)
    .map((state) => resourceId(state.managed!.function, state.managed!.qualifier!));
  return {
    scalable: describeScalableTargets(deps, [
      ...pcPolicies.map((policy) => resourceId(policy.function, policy.qualifier!)),
      ...orphanIds,
    ]),
    utilization: readUtilization(
      deps,
      policies
        .filter((policy) => needsHistory(policy, states.get(policy.key), deps.clock.now()))
        .map((policy) => ({ policy, minutes: minuteReadMinutes(states.get(policy.key)?.traffic, deps.clock.now()) })),
    ),
    coverageReads: deps.coverageReads,
  };
}

export type TargetObserved =
  | {
      readonly observation: TargetObservation;
      readonly freshFacts?: FunctionFacts & { readonly at: number };
      /**
       * The provisioned concurrency came from the settled copy, not a read this tick: a plan that would write must
       * read again first (forgetSettled, then observe again), so no write rests on a copy minutes old.
       */
      readonly fromSettledCopy?: true;
      /** Provisioned concurrency just found settled: the copy to keep in the item (see SettledCopy). */
      readonly freshSettled?: SettledCopy;
    }
  | { readonly deferred: Deferral };

/** One target's observation (see observeTargets); awaits the shared reads only when it needs them. */
export async function observeTarget(
  deps: ObserveDeps,
  policy: Effective,
  state: TargetState | undefined,
  now: number,
  shared: SharedReads,
): Promise<TargetObserved> {
  const base = stateFields(state);
  const facts = await functionFacts(deps, policy.function, policy.qualifier, state?.facts);
  if ('deferred' in facts) return facts;
  if ('problem' in facts) return { observation: { ...base, problem: facts.problem } };
  const freshFacts = facts.fresh ? { ...facts.facts, at: deps.clock.now() } : undefined;
  let observation: TargetObservation = { ...base, ...factsFields(facts.facts) };
  let fromSettledCopy = false;
  let freshSettled: SettledCopy | undefined;
  if (needsHistory(policy, state, now))
    observation = { ...observation, ...(await historyFields(policy, now, shared, observation.traffic)) };
  if (usesProvisioned(policy, state)) {
    const provisioned = await provisionedFields(deps, policy, state, facts.facts, shared);
    fromSettledCopy = provisioned.fromSettledCopy;
    freshSettled = provisioned.freshSettled;
    observation = { ...observation, ...provisioned.fields };
  } else if (policy.mode === 'warm' && policy.qualifier !== undefined && policy.qualifier !== '$LATEST')
    observation = { ...observation, ...(await coverageFields(deps, policy, state, now, shared)) };
  return {
    observation,
    ...(freshFacts ? { freshFacts } : {}),
    ...(fromSettledCopy ? { fromSettledCopy: true as const } : {}),
    ...(freshSettled ? { freshSettled } : {}),
  };
}

/** The load read for the target: folded into the traffic history in auto mode, as utilisation otherwise. */
async function historyFields(
  policy: Effective,
  now: number,
  shared: SharedReads,
  traffic: TargetObservation['traffic'],
): Promise<Partial<TargetObservation>> {
  const utilization = (await shared.utilization).get(policy.key);
  // Folded into the traffic history, which the run saves: the load stays known until the next read.
  if (utilization && policy.mode === 'auto')
    return { traffic: recordUtilization(traffic ?? EMPTY_TRAFFIC, now, utilization) };
  return utilization ? { utilization } : {};
}

/** What is deployed for a target that uses provisioned concurrency: config, alias, scalable target and policies. */
async function provisionedFields(
  deps: ObserveDeps,
  policy: Effective,
  state: TargetState | undefined,
  facts: FunctionFacts,
  shared: SharedReads,
): Promise<{ fields: Partial<TargetObservation>; fromSettledCopy: boolean; freshSettled?: SettledCopy }> {
  const qualifier = policy.qualifier!;
  const settled = settledCopy(deps, policy, state);
  const [provisioned, alias, elsewhere, scalable] = await Promise.all([
    settled.copy ? settled.copy.provisioned : readProvisioned(deps, policy.function, qualifier),
    settled.copy || /^\d+$/.test(qualifier) ? settled.copy?.alias : readAlias(deps, policy.function, qualifier),
    typeof facts.reservedConcurrency === 'number'
      ? provisionedElsewhere(deps, policy.function, qualifier)
      : Promise.resolve(undefined),
    shared.scalable,
  ]);
  let freshSettled: SettledCopy | undefined;
  if (!settled.copy && settled.found(provisioned) && !alias?.weighted) {
    const at = deps.clock.now();
    deps.caches.settled.set(settled.key, { provisioned: provisioned ?? null, alias }, CACHE_TTL_MS.settled, at);
    // found() admits only READY at Thermostat's value, or none; and the alias is not weighted.
    freshSettled = {
      at,
      provisioned: (provisioned ?? null) as SettledCopy['provisioned'],
      ...(alias ? { alias: alias as NonNullable<SettledCopy['alias']> } : {}),
    };
  }
  const id = resourceId(policy.function, qualifier);
  const target = scalable.targets === undefined ? undefined : (scalable.targets.get(id) ?? null);
  const policyValue =
    target && state?.managed?.provisioned?.strategy === 'autoscaling'
      ? await readScalingPolicy(deps, id)
      : target === null
        ? null
        : undefined;
  // Adopting must record the owner's scaling policies to put them back later.
  const foreign =
    target && policy.provisioned.adopt && !state?.managed?.adopted ? await readForeignPolicies(deps, id) : undefined;
  const fields = {
    ...(provisioned !== undefined ? { provisioned } : {}),
    ...(target !== undefined ? { scalableTarget: target } : {}),
    ...(policyValue !== undefined ? { scalingPolicy: policyValue } : {}),
    ...(foreign !== undefined ? { foreignScalingPolicies: foreign } : {}),
    ...(alias?.weighted ? { weightedAlias: true } : {}),
    ...(elsewhere !== undefined ? { provisionedElsewhere: elsewhere } : {}),
  };
  return { fields, fromSettledCopy: settled.copy !== undefined, ...(freshSettled ? { freshSettled } : {}) };
}

/**
 * Provisioned concurrency Thermostat set itself (a direct value, or none) and last found settled is taken from a
 * copy for a while instead of read every tick: rate-limited reads were most of a steady tick's billed time. A
 * scalable target is never taken as settled.
 */
function settledCopy(deps: ObserveDeps, policy: Effective, state: TargetState | undefined) {
  const key = `${policy.function}:${policy.qualifier}`;
  const managed = state?.managed?.provisioned;
  const owned = managed === undefined ? null : managed.strategy === 'direct' ? managed.value : undefined;
  const now = deps.clock.now();
  // The item's copy when this environment has none: shards run wherever Lambda finds a free environment.
  const stored = state?.settled;
  const storedCopy =
    stored && now - stored.at < CACHE_TTL_MS.settled + spread(key, CACHE_TTL_MS.settled)
      ? { provisioned: stored.provisioned, alias: stored.alias }
      : undefined;
  // A copy counts only if made under the ownership the state records now (this environment's may predate a write).
  const matches = <C extends { readonly provisioned: { readonly requested: number } | null }>(
    candidate: C | undefined,
  ) => (candidate !== undefined && (candidate.provisioned?.requested ?? null) === owned ? candidate : undefined);
  const copy = owned !== undefined ? (matches(deps.caches.settled.get(key, now)) ?? matches(storedCopy)) : undefined;
  const found = (provisioned: TargetObservation['provisioned']) =>
    owned === null
      ? provisioned === null
      : owned !== undefined &&
        provisioned?.status === 'READY' &&
        provisioned.requested === owned &&
        provisioned.allocated === owned;
  return { key, copy, found };
}

/**
 * A warm target's provisioned concurrency, read (within the tick's allowance) only when pings are due: READY
 * provisioned concurrency makes pings useless.
 */
async function coverageFields(
  deps: ObserveDeps,
  policy: Effective,
  state: TargetState | undefined,
  now: number,
  shared: SharedReads,
): Promise<Partial<TargetObservation>> {
  const due =
    isDue(policy.warm.intervalMs, now, state?.lastPingAt, deps.alignRounds) ||
    (state?.lastWanted !== undefined && policy.warm.concurrency > state.lastWanted);
  if (!due) return {};
  const qualifier = policy.qualifier!;
  const cacheKey = `${policy.function}:${qualifier}`;
  let coverage = deps.caches.coverage.get(cacheKey, deps.clock.now());
  // A read throttled recently would only be throttled again: the allowance goes to other targets.
  const throttled = deps.caches.throttledReads.get(cacheKey, deps.clock.now()) !== undefined;
  if (coverage === undefined && shared.coverageReads > 0 && !throttled) {
    shared.coverageReads -= 1;
    const read = await readProvisioned(deps, policy.function, qualifier);
    if (read !== undefined) {
      coverage = read === null ? null : { allocated: read.allocated, status: read.status };
      deps.caches.coverage.set(cacheKey, coverage, CACHE_TTL_MS.coverage, deps.clock.now());
    }
  }
  if (!coverage) return {};
  return {
    provisioned: {
      requested: coverage.allocated,
      allocated: coverage.allocated,
      available: coverage.allocated,
      status: coverage.status as ProvisionedObservation['status'],
    },
  };
}

/** A managed target whose policy is gone: what is deployed on the qualifier Thermostat still owns. */
export async function observeOrphan(
  deps: ObserveDeps,
  state: TargetState,
  shared: SharedReads,
): Promise<TargetObservation> {
  const { function: fn, qualifier } = state.managed!;
  if (qualifier === undefined) return { ...stateFields(state), provisioned: null, scalableTarget: null };
  const [provisioned, scalable] = await Promise.all([readProvisioned(deps, fn, qualifier), shared.scalable]);
  const target = scalable.targets === undefined ? undefined : (scalable.targets.get(resourceId(fn, qualifier)) ?? null);
  return {
    ...stateFields(state),
    ...(provisioned !== undefined ? { provisioned } : {}),
    ...(target !== undefined ? { scalableTarget: target } : {}),
  };
}

/** Every target at once (observeTarget for each, `parallelism` at a time), and the managed targets in `extra`. */
export async function observeTargets(
  deps: ObserveDeps,
  policies: readonly Effective[],
  states: ReadonlyMap<string, TargetState>,
  now: number,
  extra: readonly TargetState[] = [],
): Promise<Observations> {
  const shared = startSharedReads(deps, policies, states, extra);
  const freshFacts = new Map<string, FunctionFacts & { at: number }>();
  const deferred = new Map<string, Deferral>();
  const observations: Record<string, TargetObservation> = {};
  await mapLimit(policies, deps.parallelism, async (policy) => {
    const observed = await observeTarget(deps, policy, states.get(policy.key), now, shared);
    if ('deferred' in observed) {
      deferred.set(policy.key, observed.deferred);
      return;
    }
    observations[policy.key] = observed.observation;
    if (observed.freshFacts) freshFacts.set(policy.key, observed.freshFacts);
  });
  for (const state of extra) {
    if (observations[state.key] !== undefined || state.managed === undefined) continue;
    observations[state.key] = await observeOrphan(deps, state, shared);
  }
  return { targets: observations, freshFacts, deferred };
}

function stateFields(state: TargetState | undefined): TargetObservation {
  if (state === undefined) return {};
  return {
    ...(state.lastPingAt !== undefined ? { lastPingAt: state.lastPingAt } : {}),
    ...(state.lastWanted !== undefined ? { lastWanted: state.lastWanted } : {}),
    ...(state.lastProven !== undefined ? { lastProven: state.lastProven } : {}),
    ...(state.managed !== undefined ? { managed: state.managed } : {}),
    ...(state.traffic !== undefined ? { traffic: state.traffic } : {}),
  };
}

function factsFields(facts: FunctionFacts): TargetObservation {
  return {
    reservedConcurrency: facts.reservedConcurrency,
    snapStart: facts.snapStart,
    ...(facts.memoryMb !== undefined ? { memoryMb: facts.memoryMb } : {}),
    ...(facts.architecture !== undefined ? { architecture: facts.architecture } : {}),
    ...(facts.timeoutMs !== undefined ? { timeoutMs: facts.timeoutMs } : {}),
    ...(facts.version !== undefined ? { version: facts.version } : {}),
  };
}

/** Forgets a qualifier's settled copy, so the next observation reads what is deployed. */
export function forgetSettled(caches: ObservationCaches, fn: string, qualifier: string | undefined): void {
  caches.settled.delete(`${fn}:${qualifier ?? '$LATEST'}`);
}

/** Forgets what is cached about a function, e.g. after a ping found it missing. */
export function invalidateFunction(caches: ObservationCaches, fn: string, qualifier: string | undefined): void {
  caches.functions.delete(`${fn}:${qualifier ?? '$LATEST'}`);
  caches.aliases.delete(`${fn}:${qualifier ?? '$LATEST'}`);
  caches.settled.delete(`${fn}:${qualifier ?? '$LATEST'}`);
}

async function functionFacts(
  deps: ObserveDeps,
  fn: string,
  qualifier: string | undefined,
  stored: (FunctionFacts & { at: number }) | undefined,
): Promise<
  | { facts: FunctionFacts; fresh: boolean }
  | { problem: NonNullable<TargetObservation['problem']> }
  | { deferred: Deferral }
> {
  const key = `${fn}:${qualifier ?? '$LATEST'}`;
  const now = deps.clock.now();
  const cached = deps.caches.functions.get(key, now);
  if (cached) return { facts: cached, fresh: false };
  if (stored && now - stored.at < CACHE_TTL_MS.functions) {
    const { at: _at, ...facts } = stored;
    deps.caches.functions.set(key, facts, CACHE_TTL_MS.functions - (now - stored.at), now);
    return { facts, fresh: false };
  }
  try {
    const response = await deps.lambda.getFunction({
      FunctionName: fn,
      ...(qualifier !== undefined ? { Qualifier: qualifier } : {}),
    });
    const config = response.Configuration;
    const architecture = config?.Architectures?.[0];
    const facts: FunctionFacts = {
      reservedConcurrency: response.Concurrency?.ReservedConcurrentExecutions ?? null,
      snapStart: config?.SnapStart?.ApplyOn === 'PublishedVersions' && config.SnapStart.OptimizationStatus === 'On',
      ...(config?.MemorySize !== undefined ? { memoryMb: config.MemorySize } : {}),
      ...(architecture === 'arm64' || architecture === 'x86_64' ? { architecture } : {}),
      ...(config?.Timeout !== undefined ? { timeoutMs: config.Timeout * 1000 } : {}),
      ...(config?.Version !== undefined ? { version: config.Version } : {}),
    };
    deps.caches.functions.set(key, facts, CACHE_TTL_MS.functions, deps.clock.now());
    return { facts, fresh: true };
  } catch (error) {
    if (error instanceof TimeBudgetError) {
      const cause = error.rateLimited ? 'rate-limit' : 'time-budget';
      return { deferred: { cause, reason: `${error.message}; retried next tick` } };
    }
    if (errorName(error) !== 'ResourceNotFoundException') {
      return { problem: { kind: 'unreadable', message: `GetFunction failed: ${describeError(error).message}` } };
    }
    if (qualifier !== undefined) {
      // Tell "no such alias/version" from "no such function": the fix differs.
      try {
        await deps.lambda.getFunction({ FunctionName: fn });
        return {
          problem: { kind: 'qualifier-missing', message: `${functionName(fn)} has no alias or version "${qualifier}"` },
        };
      } catch (inner) {
        if (inner instanceof TimeBudgetError) {
          return { deferred: { cause: 'time-budget', reason: `${inner.message}; retried next tick` } };
        }
        // fall through: the function itself is missing (or unreadable, which reads the same to the user)
      }
    }
    return { problem: { kind: 'function-missing', message: `function ${functionName(fn)} does not exist` } };
  }
}

async function readProvisioned(
  deps: ObserveDeps,
  fn: string,
  qualifier: string,
): Promise<ProvisionedObservation | null | undefined> {
  try {
    const config = await deps.lambda.getProvisionedConcurrencyConfig({ FunctionName: fn, Qualifier: qualifier });
    return {
      requested: config.RequestedProvisionedConcurrentExecutions ?? 0,
      allocated: config.AllocatedProvisionedConcurrentExecutions ?? 0,
      available: config.AvailableProvisionedConcurrentExecutions ?? 0,
      status: config.Status ?? 'IN_PROGRESS',
      ...(config.StatusReason ? { reason: config.StatusReason } : {}),
    };
  } catch (error) {
    if (errorName(error) === 'ProvisionedConcurrencyConfigNotFoundException') return null;
    // Remembered for a while: optional reads (coverage) then go to other targets instead of repeating the burst.
    if (isThrottle(error))
      deps.caches.throttledReads.set(`${fn}:${qualifier}`, true, CACHE_TTL_MS.throttledReads, deps.clock.now());
    return undefined;
  }
}

async function readAlias(
  deps: ObserveDeps,
  fn: string,
  alias: string,
): Promise<{ weighted: boolean; version?: string } | undefined> {
  try {
    return await deps.caches.aliases.getOrLoad(`${fn}:${alias}`, CACHE_TTL_MS.aliases, deps.clock.now(), async () => {
      const response = await deps.lambda.getAlias({ FunctionName: fn, Name: alias });
      const weights = response.RoutingConfig?.AdditionalVersionWeights ?? {};
      return {
        weighted: Object.keys(weights).length > 0,
        ...(response.FunctionVersion ? { version: response.FunctionVersion } : {}),
      };
    });
  } catch {
    return undefined;
  }
}

/** Provisioned concurrency on the function's other qualifiers (counts against its reserved concurrency). */
async function provisionedElsewhere(deps: ObserveDeps, fn: string, qualifier: string): Promise<number | undefined> {
  try {
    let total = 0;
    let marker: string | undefined;
    do {
      const page = await deps.lambda.listProvisionedConcurrencyConfigs({
        FunctionName: fn,
        ...(marker ? { Marker: marker } : {}),
      });
      for (const config of page.ProvisionedConcurrencyConfigs ?? []) {
        const own = config.FunctionArn?.endsWith(`:${qualifier}`);
        if (!own) total += config.RequestedProvisionedConcurrentExecutions ?? 0;
      }
      marker = page.NextMarker;
    } while (marker);
    return total;
  } catch {
    return undefined;
  }
}

/** DescribeScalableTargets, 50 resource ids per call; `targets` undefined when a call failed. */
async function describeScalableTargets(
  deps: ObserveDeps,
  ids: readonly string[],
): Promise<{ targets?: Map<string, ScalableTargetObservation> }> {
  const targets = new Map<string, ScalableTargetObservation>();
  const unique = [...new Set(ids)];
  try {
    for (let start = 0; start < unique.length; start += 50)
      await describeScalableTargetPages(deps, unique.slice(start, start + 50), targets);
    return { targets };
  } catch {
    return {};
  }
}

/** The scalable targets of up to 50 resource ids, every page of them, into `targets`. */
async function describeScalableTargetPages(
  deps: ObserveDeps,
  ids: readonly string[],
  targets: Map<string, ScalableTargetObservation>,
): Promise<void> {
  let next: string | undefined;
  do {
    const page = await deps.autoscaling.describeScalableTargets({
      ServiceNamespace: AAS_SERVICE_NAMESPACE,
      ScalableDimension: SCALABLE_DIMENSION,
      ResourceIds: [...ids],
      ...(next ? { NextToken: next } : {}),
    });
    for (const target of page.ScalableTargets ?? []) {
      if (target.ResourceId !== undefined)
        targets.set(target.ResourceId, { min: target.MinCapacity ?? 0, max: target.MaxCapacity ?? 0 });
    }
    next = page.NextToken;
  } while (next);
}

async function readScalingPolicy(deps: ObserveDeps, id: string): Promise<{ targetValue: number } | null | undefined> {
  try {
    const response = await deps.autoscaling.describeScalingPolicies({
      ServiceNamespace: AAS_SERVICE_NAMESPACE,
      ResourceId: id,
      ScalableDimension: SCALABLE_DIMENSION,
      PolicyNames: [SCALING_POLICY_NAME],
    });
    const value = response.ScalingPolicies?.[0]?.TargetTrackingScalingPolicyConfiguration?.TargetValue;
    return value === undefined ? null : { targetValue: value };
  } catch {
    return undefined;
  }
}

/** Every scaling policy on the scalable target but Thermostat's own; undefined when they cannot be read. */
async function readForeignPolicies(deps: ObserveDeps, id: string): Promise<ScalingPolicySnapshot[] | undefined> {
  try {
    const policies: ScalingPolicySnapshot[] = [];
    let next: string | undefined;
    do {
      const page = await deps.autoscaling.describeScalingPolicies({
        ServiceNamespace: AAS_SERVICE_NAMESPACE,
        ResourceId: id,
        ScalableDimension: SCALABLE_DIMENSION,
        ...(next ? { NextToken: next } : {}),
      });
      for (const policy of page.ScalingPolicies ?? []) {
        if (policy.PolicyName === undefined || policy.PolicyName === SCALING_POLICY_NAME) continue;
        const configuration =
          policy.PolicyType === 'StepScaling'
            ? policy.StepScalingPolicyConfiguration
            : policy.TargetTrackingScalingPolicyConfiguration;
        policies.push({
          name: policy.PolicyName,
          policyType: policy.PolicyType ?? 'TargetTrackingScaling',
          configuration: JSON.parse(JSON.stringify(configuration ?? {})),
        });
      }
      next = page.NextToken;
    } while (next);
    return policies;
  } catch {
    return undefined;
  }
}

/**
 * ConcurrentExecutions (average and peak) and Invocations per qualifier over the minutes each target's read covers
 * (minuteReadMinutes: those since its last read), one call per distinct window and 250 targets (GetMetricData bills
 * the metrics requested, not the calls).
 */
async function readUtilization(
  deps: ObserveDeps,
  reads: ReadonlyArray<{ readonly policy: Effective; readonly minutes: number }>,
): Promise<Map<string, UtilizationObservation>> {
  const found = new Map<string, UtilizationObservation>();
  if (deps.metrics === undefined || reads.length === 0) return found;
  const now = deps.clock.now();
  const byWindow = new Map<number, Effective[]>();
  for (const { policy, minutes } of reads) {
    const cached = deps.caches.utilization.get(policy.key, now);
    if (cached) found.set(policy.key, cached);
    else if (byWindow.has(minutes)) byWindow.get(minutes)!.push(policy);
    else byWindow.set(minutes, [policy]);
  }
  for (const [minutes, missing] of byWindow)
    await readWindow(deps.metrics, deps.caches, { missing, minutes, now }, found);
  return found;
}

/** One window's reads of readUtilization, into `found`. */
async function readWindow(
  metrics: MetricsApi,
  caches: ObservationCaches,
  window: { readonly missing: readonly Effective[]; readonly minutes: number; readonly now: number },
  found: Map<string, UtilizationObservation>,
): Promise<void> {
  const { missing, minutes, now } = window;
  for (let start = 0; start < missing.length; start += 250) {
    const batch = missing.slice(start, start + 250);
    const queries: MetricDataQuery[] = batch.flatMap((policy, index) => {
      const name = functionName(policy.function);
      const metric = {
        Namespace: 'AWS/Lambda',
        MetricName: 'ConcurrentExecutions',
        Dimensions: [
          { Name: 'FunctionName', Value: name },
          { Name: 'Resource', Value: `${name}:${policy.qualifier}` },
        ],
      };
      return [
        { Id: `a${index}`, MetricStat: { Metric: metric, Period: 60, Stat: 'Average' } },
        { Id: `p${index}`, MetricStat: { Metric: metric, Period: 60, Stat: 'Maximum' } },
        {
          Id: `i${index}`,
          MetricStat: { Metric: { ...metric, MetricName: 'Invocations' }, Period: minutes * 60, Stat: 'Sum' },
        },
      ];
    });
    try {
      const response = await metrics.getMetricData({
        MetricDataQueries: queries,
        StartTime: new Date(now - minutes * 60_000),
        EndTime: new Date(now),
      });
      const values = new Map((response.MetricDataResults ?? []).map((result) => [result.Id, result.Values ?? []]));
      batch.forEach((policy, index) => {
        const averages = values.get(`a${index}`) ?? [];
        const peaks = values.get(`p${index}`) ?? [];
        // Lambda emits nothing for minutes without invocations, so missing minutes count as zero.
        const observation = {
          averageConcurrency: averages.reduce((sum, value) => sum + value, 0) / minutes,
          peakConcurrency: Math.max(0, ...peaks),
          minutes,
          invocations: (values.get(`i${index}`) ?? []).reduce((sum, value) => sum + value, 0),
          unitBusy: unitBusyShares(averages, minutes),
        };
        found.set(policy.key, observation);
        caches.utilization.set(policy.key, observation, CACHE_TTL_MS.utilization, now);
      });
    } catch {
      // No history: auto mode then relies on the policy's hint or chooses pings, and says so.
    }
  }
}
