import { randomUUID } from 'node:crypto';
import { claimed, isUnconfirmed, reconcileIntent } from './act/intent';
import { PingPool } from './act/ping-pool';
import { applyProvisioned, expectedOwnership } from './act/provisioned';
import type { AutoScalingApi, EventsApi, LambdaControl, LambdaInvoker, MetricsApi } from './aws/ports';
import type { Clock } from './clock';
import { mapLimit, WeightedSemaphore } from './concurrency';
import type { ControllerConfig } from './config';
import type { PriceBook } from './cost';
import { type Discovery, discoverTargets, discoveryReport } from './discover/discover';
import { describeError, TimeBudgetError } from './errors';
import type { ObservationCaches } from './observe/caches';
import {
  invalidateFunction,
  observeAccount,
  observeLiveUse,
  observeOrphan,
  observeTarget,
  startSharedReads,
} from './observe/observe';
import { sightingsOf, warmTarget } from './ping/warm';
import {
  type Decision,
  EMPTY_TRAFFIC,
  isWrite,
  liveReserve,
  longestWaitingFirst,
  type ManagedRecord,
  type PingDecision,
  recordSightings,
  type SkipCause,
  type TargetObservation,
  tickPool,
  tickShareOf,
} from './plan';
import { limitPings, pingAllowances, pingCeiling, pingsAsked, planReleased, planTarget } from './plan/target';
import type { Effective, LoadedPolicy, LoadedTemplate, PolicyIssue } from './policy/core';
import { resolvePolicy } from './policy/core';
import { buildEvents, publishEvents } from './report/events';
import { type Log, logTargets } from './report/log';
import { emitMetrics, type MetricsSink } from './report/metrics';
import {
  EMPTY_TOTALS,
  PROVISIONED_FAILED,
  type RunReport,
  type ShortCause,
  type SkippedTarget,
  type TargetReport,
  totalsOf,
  type WarmReport,
} from './report/report';
import type { OwnershipIntent, PingRecord, StateStore, TargetState } from './state';
import { bindTargets, parseFunctionArn, targetName, type UnboundTarget } from './targets';
import { inShard, readTick, type ShardEvent, type Tick } from './tick';

/** The policy set as loaded once per execution environment. */
export interface PolicySource {
  readonly policies: readonly LoadedPolicy[];
  /** Policies for functions discovered by tag (see discover/). */
  readonly templates?: readonly LoadedTemplate[];
  readonly issues: readonly PolicyIssue[];
}

/** Everything a run needs, built once per environment by handler.ts (or by a test, the CLI, the benchmark). */
export interface RunDeps {
  readonly policies: PolicySource;
  /** Lambda control plane, already rate-limited. */
  readonly lambda: LambdaControl;
  /** Lambda data plane with a socket pool sized for the largest round. */
  readonly invoker: LambdaInvoker;
  /** Application Auto Scaling, already rate-limited. */
  readonly autoscaling: AutoScalingApi;
  readonly cloudwatch?: MetricsApi;
  readonly events?: { readonly api: EventsApi; readonly bus: string };
  readonly state: StateStore;
  readonly log: Log & { setCorrelationId?(id: string): void };
  readonly metrics: MetricsSink;
  readonly clock: Clock;
  readonly caches: ObservationCaches;
  /** Permits = the ping client's socket pool: all rounds in flight together never exceed it. */
  readonly semaphore: WeightedSemaphore;
  readonly config: ControllerConfig;
  /** Prices for auto mode's cost model. @default us-east-1 */
  readonly prices?: PriceBook;
  readonly newRunId?: () => string;
  /**
   * Function to invoke for shards: handler.ts passes Lambda's AWS_LAMBDA_FUNCTION_NAME (the unqualified function,
   * which the construct lets the controller invoke); defaults to the context's invokedFunctionArn.
   */
  readonly self?: string;
  /** Tells the rate limiters what share of the account's quotas this invocation may use (1/N for N shards). */
  readonly setRateShare?: (share: number) => void;
  /** Tells the rate limiters the epoch ms past which no call may wait (the tick's time budget). */
  readonly setDeadline?: (deadline: number) => void;
  /** Finds functions by tag for the policy set's templates (see discover/). */
  readonly discovery?: Discovery;
}

/** The part of the Lambda context the controller reads. */
export interface RunContext {
  getRemainingTimeInMillis(): number;
  readonly invokedFunctionArn?: string;
}

/**
 * One tick: resolve the policies, claim the tick, observe, plan, act on each target in isolation, save state,
 * then report (metrics, logs, events) and return the report. Throws only when retrying the whole tick would help
 * (the state table is unreachable); everything else ends up in the report.
 */
export async function run(deps: RunDeps, event: unknown, context: RunContext): Promise<RunReport> {
  const { clock, config, log } = deps;
  const startedAt = clock.now();
  const remaining = context.getRemainingTimeInMillis();
  // Everything is measured from the invocation's own remaining time, so the controller works with any timeout.
  const deadline = startedAt + remaining - config.reserveMs;
  deps.setDeadline?.(deadline);
  const tick = readTick(event, startedAt);
  const runId = (deps.newRunId ?? randomUUID)();
  log.setCorrelationId?.(runId);
  const plannedAt = new Date(tick.scheduledAt);

  const discovery = await discoverTargets(deps.discovery, deps.policies, config, startedAt, deadline);
  const issues: PolicyIssue[] = [...deps.policies.issues, ...(discovery?.issues ?? [])];
  const resolved: Effective[] = [];
  for (const loaded of [...deps.policies.policies, ...(discovery?.policies ?? [])]) {
    try {
      resolved.push(resolvePolicy(loaded.policy, plannedAt));
    } catch (error) {
      issues.push({ file: loaded.file, path: '', message: `cannot resolve: ${describeError(error).message}` });
    }
  }

  let shard = tick.shard ?? { index: 0, of: 1 };
  let shards: RunReport['shards'];
  let listedIntents: OwnershipIntent[] | undefined;
  const local = new Set<number>([shard.index]);
  const self = deps.self ?? context.invokedFunctionArn;
  if (tick.shard === undefined && resolved.length > config.shardSize && self !== undefined) {
    const of = Math.ceil(resolved.length / config.shardSize);
    shard = { index: 0, of };
    // The root lists the intents once and tells the shards which keys have one, so no shard reads an intent per
    // target (a strongly consistent read each, every tick). Unlisted, each shard reads its own keys' intents.
    listedIntents = await deps.state.listIntents().catch((error: unknown) => {
      log.warn('intents could not be listed before starting the shards; each shard reads its own', {
        error: describeError(error),
      });
      return undefined;
    });
    const listed = listedIntents;
    const allKeys = resolved.map((policy) => policy.key);
    shards = await dispatchShards(
      deps,
      self,
      tick,
      of,
      listed &&
        ((index) => {
          const members = inShard(allKeys, index, of);
          return listed.filter((intent) => members.has(intent.key)).map((intent) => intent.key);
        }),
    );
    // A shard that could not be started is run here rather than not at all.
    for (const failed of shards.failed) local.add(failed.index);
  }
  // Shards run at the same time against the same account quotas.
  deps.setRateShare?.(1 / shard.of);
  const keysOf = resolved.map((policy) => policy.key);
  const members = new Set([...local].flatMap((index) => [...inShard(keysOf, index, shard.of)]));
  const binding = bindTargets(resolved, config.targets, discovery?.keys);
  const mine = binding.bound.filter((policy) => members.has(policy.key));
  // Policies that cannot be bound fail in the shard they belong to; map entries without a policy, in shard 0.
  const unbound = binding.unbound.filter((target) => members.has(target.key));
  const unknown = local.has(0) ? binding.unknown : [];
  const base = {
    runId,
    tickId: tick.id,
    shard,
    startedAt: new Date(startedAt).toISOString(),
    policies: { total: resolved.length, inShard: mine.length + unbound.length, issues },
    ...(shards ? { shards } : {}),
  };

  const claim = {
    tickId: tick.id,
    shard: `${shard.index}/${shard.of}`,
    runId,
    now: startedAt,
    leaseUntil: startedAt + remaining,
  };
  const claimed = await deps.state.claimTick(claim);
  if (claimed !== 'claimed') {
    const report: RunReport = {
      ...base,
      status: claimed === 'done' ? 'duplicate' : 'in-progress',
      durationMs: clock.now() - startedAt,
      totals: EMPTY_TOTALS,
      targets: [],
      skipped: [],
      events: { published: 0, failed: 0 },
    };
    log.info('tick already handled by another delivery; nothing done', { tickId: tick.id, status: report.status });
    return report;
  }

  const keys = new Set(keysOf);
  // State, intents and (shard 0) what no policy names any more are read together: each is a round trip that
  // otherwise delays the first ping.
  const mineKeys = mine.map((policy) => policy.key);
  // Shard 0 lists every intent (for targets whose policy is gone) and takes its own from that list; another shard
  // reads those of its keys the root listed, or all of its keys' when it was not told.
  const told = tick.intentKeys && new Set(tick.intentKeys);
  const [states, managed, ownIntents, allIntents] = await Promise.all([
    deps.state.loadTargets(mineKeys),
    // While a discovery pass is incomplete, a target missing from it may just not be found yet: nothing is released.
    shard.index === 0 && (discovery === undefined || discovery.result.complete)
      ? deps.state.listManaged()
      : Promise.resolve([]),
    shard.index === 0
      ? Promise.resolve(undefined)
      : deps.state.loadIntents(told ? mineKeys.filter((key) => told.has(key)) : mineKeys),
    shard.index === 0 ? (listedIntents ?? deps.state.listIntents()) : Promise.resolve([]),
  ]);
  const mineSet = new Set(mineKeys);
  const intents =
    ownIntents ?? new Map(allIntents.filter((intent) => mineSet.has(intent.key)).map((intent) => [intent.key, intent]));
  const managedOrphans = managed.filter((state) => !keys.has(state.key));
  for (const orphan of managedOrphans) states.set(orphan.key, orphan);
  for (const intent of allIntents) if (!keys.has(intent.key)) intents.set(intent.key, intent);
  const stateCorrupt = [...states.values()].flatMap((state) => (state.corrupt ? [state.corrupt] : []));
  if (stateCorrupt.length > 0) log.warn('corrupt state items; rebuilt from what this tick observes', { stateCorrupt });
  const { pending, observed: observeStates, orphans } = reconcileInputs(deps, intents, keys, states, managedOrphans);

  const observeDeps = {
    lambda: deps.lambda,
    autoscaling: deps.autoscaling,
    ...(deps.cloudwatch ? { metrics: deps.cloudwatch } : {}),
    caches: deps.caches,
    clock,
    parallelism: config.parallelism,
    coverageReads: Math.ceil(config.coverageReads / shard.of),
  };
  const observedAccount = await observeAccount(observeDeps);
  const { error: accountError, source: accountSource } = observedAccount;
  let account = observedAccount.account;
  // Batched reads start now and only the targets that need them wait for them.
  const shared = startSharedReads(observeDeps, mine, observeStates, orphans);

  const tickShare = (config.tickShare ?? tickShareOf(resolved.map((policy) => policy.budget))) / shard.of;
  const ceilingsFor = (known: typeof account) =>
    new Map(
      longestWaitingFirst(mine, (policy) => states.get(policy.key)?.lastPingAt).map((policy) => [
        policy.key,
        pingCeiling(policy, states.get(policy.key), tick.scheduledAt, known),
      ]),
    );
  let ceilings = ceilingsFor(account);
  // Warming may use only what real traffic leaves free: read the account's live concurrency (one billed metric)
  // when this tick's pings could take a noticeable part of it.
  const asked = [...ceilings.values()].reduce((sum, ceiling) => sum + ceiling, 0);
  if (account && asked > liveReserve(account)) {
    const inUse = await observeLiveUse(observeDeps);
    if (inUse !== undefined) {
      account = { ...account, inUse };
      ceilings = ceilingsFor(account);
    }
  }
  const poolSize = tickPool(account, tickShare);
  const pool = new PingPool(poolSize, pingAllowances(ceilings, poolSize));
  const planOptions = { tickShare, ...(deps.prices ? { prices: deps.prices } : {}) };
  // Observations in flight at once (the rate limiters pace the calls themselves); acting is bounded separately.
  const observeSlots = new WeightedSemaphore(config.parallelism);

  const skipped: SkippedTarget[] = [];
  if (discovery && !discovery.result.complete) {
    const { scanned, note } = discovery.result;
    const reason = `tag discovery under way: ${scanned} functions checked so far (${note ?? 'more to list'}); it goes on next tick, and tagged functions not found yet are not warmed`;
    skipped.push({ key: 'discovery', cause: 'discovery', reason });
  }
  const work: WorkItem[] = [
    ...mine.map((policy) => ({ key: policy.key, policy })),
    ...orphans.map((state) => ({ key: state.key, orphan: state })),
  ];
  // Each target goes through observe → plan → act on its own, so the first pings leave while others are still
  // observed, and a target whose reads hang holds up no one else.
  const reports = await mapLimit(work, config.actParallelism, async (item, index) => {
    const notStarted = (cause: ShortCause, reason: string) => {
      pool.release(item.key);
      skipped.push({ key: item.key, cause, reason });
      return undefined;
    };
    if (deadline - clock.now() <= 0) {
      return notStarted(
        'time-budget',
        `time budget exhausted (${config.reserveMs} ms kept in reserve); retried next tick`,
      );
    }
    const state = states.get(item.key);
    let observation: TargetObservation;
    let facts: TargetState['facts'];
    let decisions: Decision[];
    try {
      await observeSlots.acquire(1);
      try {
        if (item.policy) {
          const known = observeStates.get(item.key);
          const observed = await observeTarget(observeDeps, item.policy, known, tick.scheduledAt, shared);
          if ('deferred' in observed) return notStarted(observed.deferred.cause, observed.deferred.reason);
          observation = observed.observation;
          facts = observed.freshFacts;
        } else {
          observation = await observeOrphan(observeDeps, item.orphan, shared);
        }
      } finally {
        observeSlots.release(1);
      }
      const intent = pending.get(item.key);
      if (intent) observation = withManaged(observation, reconcileIntent(intent, state?.managed, observation));
      if (item.policy) {
        const planned = planTarget(item.policy, plannedAt, account, observation, planOptions);
        decisions = limitPings(planned, pool.take(item.key, pingsAsked(planned)), poolSize);
      } else {
        decisions = planReleased(item.key, plannedAt, account, observation);
      }
    } catch (error) {
      pool.release(item.key);
      const { name, message } = describeError(error);
      deps.log.error('target failed unexpectedly', { key: item.key, error: { name, message } });
      return failedReport(item, error);
    }
    if (decisions.length === 0) return undefined;
    const report = await actOnTarget(deps, decisions, state, facts, observation, tick, `${runId}-${index}`, deadline, {
      pending,
    });
    if (report.short) skipped.push({ key: report.key, ...report.short });
    return report;
  });
  const targetReports = [
    ...reports.filter((report): report is TargetReport => report !== undefined),
    ...[...unbound, ...unknown].map(unboundReport),
  ];
  const finishedAt = clock.now();
  const totals = totalsOf(targetReports);
  await deps.state.completeTick(claim, finishedAt, {
    targets: totals.targets,
    pingsSent: totals.pingsSent,
    environmentsProven: totals.environmentsProven,
    skipped: skipped.length,
  });
  await deps.state.markLastTick(tick.id, finishedAt);

  const withoutEvents: RunReport = {
    ...base,
    status: skipped.length > 0 ? 'partial' : 'completed',
    ...(stateCorrupt.length > 0 ? { stateCorrupt } : {}),
    durationMs: finishedAt - startedAt,
    ...(account ? { account } : {}),
    ...(accountError ? { accountError } : {}),
    ...(accountSource ? { accountSource } : {}),
    ...(discovery ? { discovery: discoveryReport(discovery) } : {}),
    totals,
    targets: targetReports,
    skipped,
    events: { published: 0, failed: 0 },
  };
  logTargets(log, withoutEvents);
  emitMetrics(deps.metrics, withoutEvents, config.detailedMetrics);
  const events = deps.events
    ? await publishEvents(deps.events.api, buildEvents(withoutEvents, deps.events.bus, config.eventSource), log)
    : { published: 0, failed: 0 };
  const report = { ...withoutEvents, events };
  log.info('tick done', {
    tickId: tick.id,
    status: report.status,
    shard: report.shard,
    durationMs: report.durationMs,
    totals: report.totals,
    skipped: skipped.length,
    events,
  });
  return report;
}

/** What a skip decision means for the run: these causes are a target not getting what it wanted. */
const SHORT_SKIPS: Partial<Record<SkipCause, ShortCause>> = {
  'budget-unknown': 'budget-unknown',
  'not-observed': 'not-observed',
};

/** Observe → plan happened; this acts on one target, isolated: whatever fails is reported for it alone. */
async function actOnTarget(
  deps: RunDeps,
  decisions: readonly Decision[],
  previous: TargetState | undefined,
  facts: TargetState['facts'],
  observation: TargetObservation,
  tick: Tick,
  pingRunId: string,
  deadline: number,
  intents: { readonly pending: ReadonlyMap<string, OwnershipIntent> },
): Promise<TargetReport> {
  const first = decisions[0];
  const qualifier = first.qualifier;
  const target = targetName(first.function, qualifier);
  const summary = decisions.map((decision) => ({ kind: decision.kind, reason: decision.reason }));
  const base = { key: first.key, function: first.function, qualifier, target, mode: first.mode, window: first.window };
  let failure: TargetReport['failure'];
  let short: TargetReport['short'];
  const planned = decisions.find((decision) => decision.kind === 'fail');
  if (planned?.kind === 'fail') failure = { kind: planned.problem.kind, message: planned.problem.message };
  for (const decision of decisions) {
    const cause = decision.kind === 'skip' ? SHORT_SKIPS[decision.cause] : undefined;
    if (cause !== undefined) short ??= { cause, reason: decision.reason };
  }
  const pcFailed = provisionedFailure(decisions, observation);
  if (pcFailed) failure ??= pcFailed;

  try {
    // Write-ahead: what the writes will make Thermostat own is in the state table before the first write, so a
    // state save failing afterwards can never leave something Thermostat created unrecorded.
    let writes = decisions;
    let recorded: OwnershipIntent | undefined;
    if (decisions.some(isWrite)) {
      const intent: OwnershipIntent = {
        key: first.key,
        tickId: tick.id,
        after: expectedOwnership(decisions, observation.managed, tick.scheduledAt),
        ...(observation.managed ? { before: observation.managed } : {}),
        at: deps.clock.now(),
      };
      try {
        await withRetries(deps.clock, () => deps.state.recordIntent(intent));
        recorded = intent;
      } catch (error) {
        writes = decisions.filter((decision) => !isWrite(decision));
        short ??= {
          cause: 'state',
          reason: `the state table could not record the provisioned-concurrency change before making it (${describeError(error).message}); nothing was written, retried next tick`,
        };
      }
    }
    const provisioned = await applyProvisioned(
      { lambda: deps.lambda, autoscaling: deps.autoscaling, controllerTag: deps.config.controllerTag ?? 'thermostat' },
      writes,
      observation.managed,
      tick.scheduledAt,
    );
    if (provisioned.error) {
      const cause = provisioned.error.cause;
      if (cause instanceof TimeBudgetError) {
        short ??= {
          cause: cause.rateLimited ? 'rate-limit' : 'time-budget',
          reason: `${cause.message}; retried next tick`,
        };
      } else {
        failure ??= { kind: 'provisioned-write', message: provisioned.error.message };
      }
      deps.log.warn('provisioned concurrency write failed', { error: describeError(cause) });
    }

    const ping = decisions.find((decision): decision is PingDecision => decision.kind === 'ping');
    let warm: WarmReport | undefined;
    let record: PingRecord | undefined;
    let traffic = observation.traffic ?? previous?.traffic;
    if (ping) {
      const result = await warmTarget(
        { invoker: deps.invoker, clock: deps.clock, semaphore: deps.semaphore, deadline },
        ping,
        pingRunId,
        deps.config.warm,
      );
      if (result.environments.length > 0) {
        traffic = recordSightings(traffic ?? EMPTY_TRAFFIC, deps.clock.now(), sightingsOf(result));
      }
      if (result.failure?.kind === 'not-found') invalidateFunction(deps.caches, ping.function, ping.qualifier);
      if (result.failure && failure?.kind === PROVISIONED_FAILED) {
        failure = {
          ...failure,
          message: `${failure.message}; the pings failed too (${result.failure.kind}: ${result.failure.message})`,
        };
      }
      if (result.failure) failure ??= result.failure;
      if (result.stoppedBy === 'time-budget' && result.shortfall > 0) {
        short ??= {
          cause: 'time-budget',
          reason: `the time budget ran out after ${result.rounds} round${result.rounds === 1 ? '' : 's'} (${result.pingsSent} pings): ${result.proven} of ${result.wanted} environments proven; retried next tick`,
        };
      }
      warm = {
        wanted: result.wanted,
        proof: result.proof,
        proven: result.proven,
        answered: result.answered,
        cold: result.cold,
        shortfall: result.shortfall,
        pingsSent: result.pingsSent,
        rounds: result.rounds,
        failures: result.pingsSent - result.answered,
        outcomes: result.outcomes,
        stoppedBy: result.stoppedBy,
        messages: result.messages,
        environments: result.environments.map((environment) => environment.envId),
        ...(result.proof
          ? {}
          : { note: `${ping.payload.flavour} payload: no proof possible; ${result.answered} pings answered` }),
      };
      if (result.pingsSent > 0) {
        record = {
          at: tick.scheduledAt,
          wanted: result.wanted,
          proven: result.proven,
          cold: result.cold,
          pings: result.pingsSent,
          stoppedBy: result.stoppedBy,
        };
      }
    }

    const managedChanged = JSON.stringify(provisioned.managed) !== JSON.stringify(previous?.managed);
    // Facts re-read on their timer are saved only when they differ: the same facts again would be a billed write
    // per target every refresh, and an older stored copy only means a new environment reads GetFunction once more.
    const factsChanged = facts !== undefined && factsText(facts) !== factsText(previous?.facts);
    let state: TargetReport['state'] = 'unchanged';
    // A corrupt item is saved even when nothing changed, so it is rebuilt (and reported) once.
    if (record || managedChanged || factsChanged || traffic !== previous?.traffic || previous?.corrupt) {
      const next: TargetState = {
        key: first.key,
        history: [...(previous?.history ?? []), ...(record ? [record] : [])],
        ...(record
          ? { lastPingAt: record.at, lastWanted: record.wanted, lastProven: record.proven }
          : {
              ...(previous?.lastPingAt !== undefined ? { lastPingAt: previous.lastPingAt } : {}),
              ...(previous?.lastWanted !== undefined ? { lastWanted: previous.lastWanted } : {}),
              ...(previous?.lastProven !== undefined ? { lastProven: previous.lastProven } : {}),
            }),
        ...(provisioned.managed ? { managed: provisioned.managed } : {}),
        ...(previous?.unreadableManaged !== undefined ? { unreadableManaged: previous.unreadableManaged } : {}),
        ...((facts ?? previous?.facts) ? { facts: facts ?? previous!.facts } : {}),
        ...(traffic ? { traffic } : {}),
      };
      try {
        state = await withRetries(deps.clock, () => deps.state.saveTarget(next, tick.id));
      } catch (error) {
        state = 'failed';
        failure ??= {
          kind: 'state-save',
          message: `the target's state could not be saved (${describeError(error).message})${
            recorded || intents.pending.has(first.key)
              ? '; the intent recorded before the provisioned-concurrency writes keeps their ownership, reconciled next tick'
              : ''
          }`,
        };
      }
    }
    // Confirmed (or nothing changed since an earlier tick's intent was reconciled): the intent has done its job.
    if (state === 'saved' || state === 'unchanged') {
      for (const tickId of [recorded?.tickId, intents.pending.get(first.key)?.tickId]) {
        if (tickId === undefined) continue;
        await deps.state.clearIntent(first.key, tickId).catch((error: unknown) => {
          deps.log.warn('a confirmed intent could not be removed; the next tick removes it', {
            key: first.key,
            error: describeError(error),
          });
        });
      }
    }
    const changes = provisioned.changes;
    return {
      ...base,
      status: failure ? 'failed' : 'ok',
      decisions: summary,
      ...(warm ? { warm } : {}),
      ...(changes.length > 0 || provisioned.gauge
        ? {
            provisioned: {
              changes,
              ...(provisioned.gauge
                ? { requested: provisioned.gauge.requested, allocated: provisioned.gauge.allocated }
                : {}),
            },
          }
        : {}),
      ...(failure ? { failure } : {}),
      ...(short ? { short } : {}),
      state,
    };
  } catch (error) {
    // A bug or an unexpected rejection: this target fails, the others carry on.
    const { name, message } = describeError(error);
    deps.log.error('target failed unexpectedly', { target, error: { name, message } });
    return { ...base, status: 'failed', decisions: summary, failure: { kind: name, message } };
  }
}

/**
 * A provisioned-concurrency allocation Lambda reports as FAILED, while the policy still wants it: a failure of the
 * target (counted, alarmed, published) even though pings keep it warm meanwhile.
 */
function provisionedFailure(
  decisions: readonly Decision[],
  observation: TargetObservation,
): TargetReport['failure'] | undefined {
  const failed = decisions.some(
    (decision) =>
      (decision.kind === 'ping' && decision.fallback === 'provisioned-failed') ||
      (decision.kind === 'keep-provisioned' && decision.status === 'FAILED'),
  );
  if (!failed) return undefined;
  const first = decisions[0];
  const pc = observation.provisioned;
  const pinged = decisions.some((decision) => decision.kind === 'ping');
  return {
    kind: PROVISIONED_FAILED,
    message: `provisioned concurrency ${pc ? `${pc.requested} ` : ''}on ${targetName(first.function, first.qualifier)} is FAILED${
      pc?.reason ? `: ${pc.reason}` : ''
    }${pinged ? '; kept warm with pings meanwhile' : ''}`,
  };
}

/** One target of the tick: named by a policy, or managed by Thermostat although no policy names it any more. */
type WorkItem =
  | { readonly key: string; readonly policy: Effective; readonly orphan?: undefined }
  | { readonly key: string; readonly policy?: undefined; readonly orphan: TargetState };

/** A state-table call, tried three times (a moment apart) before its error counts. */
async function withRetries<T>(clock: Clock, call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= 2) throw error;
      await clock.sleep(100 * 4 ** attempt);
    }
  }
}

/** The observation with Thermostat's ownership as reconciled (none: the field is absent, as for a target never owned). */
function withManaged(observation: TargetObservation, managed: ManagedRecord | undefined): TargetObservation {
  const { managed: _previous, ...rest } = observation;
  return managed ? { ...rest, managed } : rest;
}

/**
 * Intents left unconfirmed by an earlier tick, for this shard's targets (and, in shard 0, for targets whose policy is
 * gone), with the state each target is observed with: ownership as the intent claims it, so that what the writes
 * may have created is read. Intents a later save already confirmed are removed.
 */
function reconcileInputs(
  deps: RunDeps,
  intents: ReadonlyMap<string, OwnershipIntent>,
  policyKeys: ReadonlySet<string>,
  states: Map<string, TargetState>,
  managedOrphans: readonly TargetState[],
): {
  pending: Map<string, OwnershipIntent>;
  observed: Map<string, TargetState>;
  orphans: TargetState[];
} {
  const pending = new Map<string, OwnershipIntent>();
  const observed = new Map(states);
  for (const [key, intent] of intents) {
    const state = states.get(key);
    if (!isUnconfirmed(intent, state)) {
      // Confirmed by a save whose clean-up failed: removed in the background, nothing depends on it.
      void deps.state.clearIntent(key, intent.tickId).catch(() => undefined);
      continue;
    }
    pending.set(key, intent);
    const managed = claimed(intent, state?.managed);
    observed.set(key, { ...(state ?? { key, history: [] }), ...(managed ? { managed } : {}) });
  }
  const orphans = managedOrphans.map((orphan) => observed.get(orphan.key) ?? orphan);
  for (const [key] of pending) {
    const claim = observed.get(key);
    if (!policyKeys.has(key) && !orphans.some((orphan) => orphan.key === key) && claim?.managed) orphans.push(claim);
  }
  return { pending, observed, orphans };
}

/** A target whose observation or planning threw (a bug): failed alone, the others carry on. */
function failedReport(item: WorkItem, error: unknown): TargetReport {
  const fn = item.policy?.function ?? item.orphan?.managed?.function ?? item.key;
  const qualifier = item.policy?.qualifier ?? item.orphan?.managed?.qualifier;
  const { name, message } = describeError(error);
  return {
    key: item.key,
    function: fn,
    qualifier,
    target: targetName(fn, qualifier),
    mode: item.policy?.mode ?? 'off',
    window: item.policy?.window,
    status: 'failed',
    decisions: [],
    failure: { kind: name, message },
    state: 'unchanged',
  };
}

/** A target that was not acted on because the policy and THERMOSTAT_TARGETS do not agree (see targets.ts). */
function unboundReport(unbound: UnboundTarget): TargetReport {
  const arn = unbound.arn === undefined ? undefined : parseFunctionArn(unbound.arn);
  const fn = unbound.policy?.function ?? arn?.function ?? unbound.arn ?? unbound.key;
  const qualifier = unbound.policy?.qualifier ?? arn?.qualifier;
  return {
    key: unbound.key,
    function: fn,
    qualifier,
    target: targetName(fn, qualifier),
    mode: unbound.policy?.mode ?? 'off',
    window: unbound.policy?.window,
    status: 'failed',
    decisions: [{ kind: 'fail', reason: unbound.message }],
    failure: { kind: unbound.kind, message: unbound.message },
    state: 'unchanged',
  };
}

/** Facts as text without the time they were read. */
function factsText(facts: TargetState['facts']): string | undefined {
  if (facts === undefined) return undefined;
  const { at: _at, ...rest } = facts;
  return JSON.stringify(rest);
}

/** Starts shards 1..of-1 as asynchronous invocations of this same function (Lambda is the scheduler). */
async function dispatchShards(
  deps: RunDeps,
  self: string,
  tick: Tick,
  of: number,
  intentKeysOf: ((index: number) => string[]) | undefined,
): Promise<NonNullable<RunReport['shards']>> {
  const failed: Array<{ index: number; error: string }> = [];
  let dispatched = 0;
  await Promise.all(
    Array.from({ length: of - 1 }, async (_, offset) => {
      const index = offset + 1;
      const event: ShardEvent = {
        thermostatShard: {
          tickId: tick.id,
          scheduledAt: tick.scheduledAt,
          index,
          of,
          // only the keys of the shard's own targets travel (the payload stays small whatever the table holds)
          ...(intentKeysOf ? { intentKeys: intentKeysOf(index) } : {}),
        },
      };
      try {
        await deps.invoker.invoke({
          FunctionName: self,
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify(event)),
        });
        dispatched += 1;
      } catch (error) {
        failed.push({ index, error: describeError(error).message });
      }
    }),
  );
  if (failed.length > 0) deps.log.error('some shards could not be started; running them here', { failed });
  return { dispatched, failed };
}
