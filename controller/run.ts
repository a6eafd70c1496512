import { randomUUID } from 'node:crypto';
import { claimed, isUnconfirmed, reconcileIntent } from './act/intent';
import { pauseSchedule } from './act/pause';
import { PingPool } from './act/ping-pool';
import { applyProvisioned, expectedOwnership } from './act/provisioned';
import type { AutoScalingApi, EventsApi, LambdaControl, LambdaInvoker, MetricsApi, SchedulerApi } from './aws/ports';
import type { Clock } from './clock';
import { mapLimit, WeightedSemaphore } from './concurrency';
import type { ControllerConfig } from './config';
import type { PriceBook } from './cost';
import { type Discovery, discoverTargets, discoveryReport } from './discover/discover';
import { describeError, TimeBudgetError } from './errors';
import type { ObservationCaches } from './observe/caches';
import {
  forgetSettled,
  invalidateFunction,
  observeAccount,
  observeLiveUse,
  observeOrphan,
  observeTarget,
  startSharedReads,
} from './observe/observe';
import type { DispatchQueue } from './ping/rounds';
import { sightingsOf, warmTarget } from './ping/warm';
import {
  DEFAULT_TICK_MS,
  type Decision,
  EMPTY_TRAFFIC,
  isWrite,
  liveReserve,
  longestWaitingFirst,
  MAX_SLEEP_MS,
  type ManagedRecord,
  NOTICE_SLEEP_MS,
  nextTick,
  type PingDecision,
  quietUntil,
  type RoundSeen,
  recordLatency,
  recordProbe,
  recordSightings,
  roundSeen,
  type Settled,
  type SkipCause,
  settledUntil,
  type TargetObservation,
  tickPool,
  tickShareOf,
} from './plan';
import { limitPings, pingAllowances, pingCeiling, pingsAsked, planReleased, planTarget } from './plan/target';
import type { Effective, LoadedPolicy, LoadedTemplate, PolicyIssue } from './policy/core';
import { resolvePolicy } from './policy/core';
import { buildEvents, publishEvents } from './report/events';
import { type Log, logTargets, tickDone } from './report/log';
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
import {
  type OwnershipIntent,
  type PingLedger,
  type PingRecord,
  policyFingerprint,
  quietTargets,
  roundSave,
  ShardLedgers,
  type StateStore,
  type TargetState,
  type TrafficMemory,
} from './state';
import { bindTargets, parseFunctionArn, targetName, type UnboundTarget } from './targets';
import { localShards, readTick, type ShardEvent, shardIndexes, type Tick } from './tick';

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
  /**
   * Traffic histories newer than the stored ones (the environment's memory): rounds that changed nothing else save
   * them every TRAFFIC_SAVE_EVERY_MS instead of every round. Without it every change is saved at once.
   */
  readonly traffic?: TrafficMemory;
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
  /** EventBridge Scheduler, to pause the controller's schedule (`config.schedule`) while nothing is due. */
  readonly scheduler?: SchedulerApi;
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
  const { resolved, issues } = resolvePolicies(deps.policies, discovery, plannedAt);
  const binding = bindTargets(resolved, config.targets, discovery?.keys);
  const { shard, shards, local, listedIntents, ledgers } = await splitTick(deps, context, tick, resolved, binding);
  // Shards run at the same time against the same account quotas: this invocation takes the share of those it runs.
  const share = local.size / shard.of;
  deps.setRateShare?.(share);
  const keysOf = resolved.map((policy) => policy.key);
  const shardOf = shardIndexes(keysOf, shard.of);
  const members = new Set(keysOf.filter((key) => local.has(shardOf.get(key)!)));
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
  if (claimed !== 'claimed') return alreadyHandled(deps, base, startedAt);

  const loaded = await loadStates(deps, { mine, shardOf, shard, discovery, tick, listedIntents, local, ledgers });
  // The ledger is saved last thing in a tick: this tick's means a takeover of a tick that is over.
  if (loaded.ledgerTick === tick.id) return alreadyHandled(deps, base, startedAt);
  const { states, stateCorrupt, pings, spared, active } = loaded;
  const observing = await observeTick(deps, { mine: active, resolved, shard, share, tick, states, loaded });
  const skipped: SkippedTarget[] = discoverySkips(discovery);
  const work = workItems(active, observing.orphans);
  const target: TargetRun = {
    deps,
    tick,
    runId,
    deadline,
    plannedAt,
    states,
    skipped,
    pings,
    dispatch: { free: 0 },
    ...observing,
    ...waits(),
  };
  // Each target goes through observe → plan → act on its own, so the first pings leave while others are still
  // observed, and a target whose reads hang holds up no one else.
  const reports = await mapLimit(work, config.actParallelism, (item, index) => runTarget(target, item, index));
  const byKind = { mine, spared, active, unbound: [...unbound, ...unknown], sharded: shard.of > 1 };
  const targetReports = tickReports(target, reports, byKind);
  const totals = totalsOf(targetReports);
  const finishedAt = await finishTick(deps, claim.tickId, pings);
  const { account, accountError, accountSource } = observing;
  const done = await report(deps, {
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
  });
  return withPause(deps, done, target, work.length, plannedAt.getTime());
}

/** A discovery pass still under way leaves the tick partial: tagged functions not found yet are not warmed. */
function discoverySkips(discovery: Awaited<ReturnType<typeof discoverTargets>>): SkippedTarget[] {
  if (!discovery || discovery.result.complete) return [];
  const { scanned, note } = discovery.result;
  const reason = `tag discovery under way: ${scanned} functions checked so far (${note ?? 'more to list'}); it goes on next tick, and tagged functions not found yet are not warmed`;
  return [{ key: 'discovery', cause: 'discovery', reason }];
}

/** Every policy (the set's and the discovered ones) resolved for the tick; one that cannot be is an issue. */
function resolvePolicies(
  source: PolicySource,
  discovery: Awaited<ReturnType<typeof discoverTargets>>,
  plannedAt: Date,
): { resolved: Effective[]; issues: PolicyIssue[] } {
  const issues: PolicyIssue[] = [...source.issues, ...(discovery?.issues ?? [])];
  const resolved: Effective[] = [];
  for (const loaded of [...source.policies, ...(discovery?.policies ?? [])]) {
    try {
      resolved.push(resolvePolicy(loaded.policy, plannedAt));
    } catch (error) {
      issues.push({ file: loaded.file, path: '', message: `cannot resolve: ${describeError(error).message}` });
    }
  }
  return { resolved, issues };
}

/**
 * This invocation's shard, and the shards it runs here: a tick with more targets than one invocation handles starts
 * shards 1.. as invocations of its own function, except those whose due targets still fit here (their ledgers, read
 * first, say how many are quiet), and runs here any that could not be started.
 */
async function splitTick(
  deps: RunDeps,
  context: RunContext,
  tick: Tick,
  resolved: readonly Effective[],
  binding: { readonly bound: readonly Effective[] },
) {
  let shard = tick.shard ?? { index: 0, of: 1 };
  let shards: RunReport['shards'];
  let listedIntents: OwnershipIntent[] | undefined;
  let ledgers: Map<number, PingLedger | undefined | null> | undefined;
  const local = new Set<number>([shard.index]);
  const self = deps.self ?? context.invokedFunctionArn;
  if (tick.shard === undefined && resolved.length > deps.config.shardSize && self !== undefined) {
    const of = Math.ceil(resolved.length / deps.config.shardSize);
    shard = { index: 0, of };
    // The root lists the intents once and tells the shards which keys have one, so no shard reads an intent per
    // target (a strongly consistent read each, every tick). Unlisted, each shard reads its own keys' intents.
    const [intents, read] = await Promise.all([
      deps.state.listIntents().catch((error: unknown) => {
        deps.log.warn('intents could not be listed before starting the shards; each shard reads its own', {
          error: describeError(error),
        });
        return undefined;
      }),
      Promise.all(Array.from({ length: of }, (_, index) => loadPings(deps, ledgerIdOf(index, of)))),
    ]);
    listedIntents = intents;
    ledgers = new Map(read.map((ledger, index) => [index, ledger]));
    // Shards with little due run here: each started shard costs an invocation and a claim.
    const due = dueByShard(resolved, binding.bound, read, listedIntents, tick);
    const here = localShards(due, deps.config.shardSize);
    shards = await dispatchShards(deps, self, tick, of, intentKeysOf(listedIntents, resolved, of), here);
    for (const index of here) local.add(index);
    // A shard that could not be started is run here rather than not at all.
    for (const failed of shards.failed) local.add(failed.index);
  }
  return { shard, shards, local, listedIntents, ledgers };
}

/** The id of shard `index` of `of`'s ping ledger. */
function ledgerIdOf(index: number, of: number): string {
  return `${index}/${of}`;
}

/**
 * How many targets of each shard have something to do this tick, as far as the root can tell before the shards read
 * their targets: all but those their ledger holds quiet under the policy in force and the root knows no intent of.
 */
function dueByShard(
  resolved: readonly Effective[],
  bound: readonly Effective[],
  ledgers: ReadonlyArray<PingLedger | undefined | null>,
  intents: readonly OwnershipIntent[] | undefined,
  tick: Tick,
): number[] {
  const members = shardsOf(resolved, ledgers.length);
  const boundByKey = new Map(bound.map((policy) => [policy.key, policy]));
  return ledgers.map((ledger, index) => {
    // Targets that cannot be bound fail in their shard: work too.
    const mine = members[index].map((policy) => boundByKey.get(policy.key) ?? policy);
    if (tick.unscheduled || !ledger) return mine.length;
    return mine.length - sparedTargets(mine, ledger, intents ?? [], tick.scheduledAt).size;
  });
}

/** The policies of each of `of` shards (shardIndexes' split). */
function shardsOf(policies: readonly Effective[], of: number): Effective[][] {
  const shards: Effective[][] = Array.from({ length: of }, () => []);
  const shardOf = shardIndexes(
    policies.map((policy) => policy.key),
    of,
  );
  for (const policy of policies) shards[shardOf.get(policy.key)!].push(policy);
  return shards;
}

/** Which keys of a shard's own targets have an intent, from the root's one listing (undefined: not listed). */
function intentKeysOf(listed: readonly OwnershipIntent[] | undefined, resolved: readonly Effective[], of: number) {
  if (listed === undefined) return undefined;
  const shardOf = shardIndexes(
    resolved.map((policy) => policy.key),
    of,
  );
  return (index: number) => listed.filter((intent) => shardOf.get(intent.key) === index).map((intent) => intent.key);
}

/** The report of a tick another delivery has done or is doing: nothing is done twice. */
function alreadyHandled(
  deps: RunDeps,
  base: Pick<RunReport, 'runId' | 'tickId' | 'shard' | 'startedAt' | 'policies' | 'shards'>,
  startedAt: number,
): RunReport {
  const report: RunReport = {
    ...base,
    status: 'duplicate',
    durationMs: deps.clock.now() - startedAt,
    totals: EMPTY_TOTALS,
    targets: [],
    skipped: [],
    events: { published: 0, failed: 0 },
  };
  deps.log.info('tick already handled by another delivery; nothing done', {
    tickId: base.tickId,
    status: report.status,
  });
  return report;
}

/** The states, intents and managed orphans of this shard's targets, and what the states were rebuilt from. */
async function loadStates(
  deps: RunDeps,
  input: {
    readonly mine: readonly Effective[];
    /** Every key of the policy set, and its shard (shardIndexes). */
    readonly shardOf: ReadonlyMap<string, number>;
    readonly shard: RunReport['shard'];
    readonly discovery: Awaited<ReturnType<typeof discoverTargets>>;
    readonly tick: Tick;
    readonly listedIntents: OwnershipIntent[] | undefined;
    /** The shards this invocation runs, each with its own ping ledger (see state/ping-ledger.ts). */
    readonly local: ReadonlySet<number>;
    /** Ledgers the root read already (to choose the shards it runs), by shard index. */
    readonly ledgers: ReadonlyMap<number, PingLedger | undefined | null> | undefined;
  },
) {
  const { shardOf, shard, discovery, tick } = input;
  const parts = [...input.local]
    .sort((a, b) => a - b)
    .map((index) => ({
      index,
      id: ledgerIdOf(index, shard.of),
      mine: input.mine.filter((policy) => shardOf.get(policy.key) === index),
    }));
  const readLedger = (part: (typeof parts)[number]) =>
    input.ledgers?.has(part.index) ? Promise.resolve(input.ledgers.get(part.index)!) : loadPings(deps, part.id);
  // State, intents and (shard 0) what no policy names any more are read together: each is a round trip that
  // otherwise delays the first ping.
  const mineKeys = input.mine.map((policy) => policy.key);
  // Shard 0 lists every intent (for targets whose policy is gone) and takes its own from that list; another shard
  // reads those of its keys the root listed, or all of its keys' when it was not told.
  const told = tick.intentKeys && new Set(tick.intentKeys);
  const others = Promise.all([
    Promise.all(parts.map(readLedger)),
    // While a discovery pass is incomplete, a target missing from it may just not be found yet: nothing is released.
    shard.index === 0 && (discovery === undefined || discovery.result.complete)
      ? deps.state.listManaged([...shardOf.keys()])
      : Promise.resolve([]),
    shard.index === 0
      ? Promise.resolve(undefined)
      : deps.state.loadIntents(told ? mineKeys.filter((key) => told.has(key)) : mineKeys),
    shard.index === 0 ? (input.listedIntents ?? deps.state.listIntents()) : Promise.resolve([]),
  ] as const);
  // A whole tick reads its targets with the rest; a shard first reads its ledger, to leave its quiet targets unread.
  const whole = shard.of === 1;
  const wholeStates = whole ? deps.state.loadTargets(mineKeys) : undefined;
  const [ledgers, managed, ownIntents, allIntents] = await others;
  // A tick nobody scheduled (a deployment's warm-up) looks at every target.
  const spared = new Map<string, number>();
  if (!whole && !tick.unscheduled) {
    parts.forEach((part, at) => {
      const ledger = ledgers[at] ?? undefined;
      for (const entry of sparedTargets(part.mine, ledger, ownIntents ?? allIntents, tick.scheduledAt)) {
        spared.set(...entry);
      }
    });
  }
  const read = spared.size === 0 ? mineKeys : mineKeys.filter((key) => !spared.has(key));
  const states = await (wholeStates ?? deps.state.loadTargets(read));
  // Before the ledger's round times (which time the histories too): the stored copies' own times are their ages.
  deps.traffic?.merge(states, read);
  // Without a readable ledger a shard's rounds are saved in their targets' items, as before there was one.
  const pings = new ShardLedgers(
    parts.map((part, at) => ({ id: part.id, keys: part.mine.map((policy) => policy.key), ledger: ledgers[at] })),
    states,
    new Set(spared.keys()),
  );
  const own = parts.findIndex((part) => part.index === shard.index);
  const mineSet = new Set(mineKeys);
  const intents =
    ownIntents ?? new Map(allIntents.filter((intent) => mineSet.has(intent.key)).map((intent) => [intent.key, intent]));
  const managedOrphans = managed.filter((state) => !shardOf.has(state.key));
  for (const orphan of managedOrphans) states.set(orphan.key, orphan);
  for (const intent of allIntents) if (!shardOf.has(intent.key)) intents.set(intent.key, intent);
  const stateCorrupt = [...states.values()].flatMap((state) => (state.corrupt ? [state.corrupt] : []));
  if (stateCorrupt.length > 0)
    deps.log.warn('corrupt state items; rebuilt from what this tick observes', { stateCorrupt });
  const reconciled = reconcileInputs(deps, intents, shardOf, states, managedOrphans);
  // The shard's quiet targets are neither observed nor planned: the ledger says nothing is due for them yet.
  const active = spared.size === 0 ? input.mine : input.mine.filter((policy) => !spared.has(policy.key));
  return { states, stateCorrupt, pings, ledgerTick: ledgers[own]?.tickId, spared, active, ...reconciled };
}

/**
 * The tick's target reports: those it planned, its quiet ones and those it could not bind; a shard keeps what it
 * found of each planned target (its quiet time) in its ledger.
 */
function tickReports(
  run: TargetRun,
  reports: ReadonlyArray<TargetReport | undefined>,
  targets: {
    readonly mine: readonly Effective[];
    readonly spared: ReadonlyMap<string, number>;
    readonly active: readonly Effective[];
    readonly unbound: readonly UnboundTarget[];
    readonly sharded: boolean;
  },
): TargetReport[] {
  const { mine, spared, active } = targets;
  const all = [
    ...reports.filter((report): report is TargetReport => report !== undefined),
    ...mine.filter((policy) => spared.has(policy.key)).map((policy) => quietReport(policy, spared.get(policy.key)!)),
    ...targets.unbound.map(unboundReport),
  ];
  if (targets.sharded) settleQuiet(run, all, active, run.pings);
  return all;
}

/**
 * The targets of a shard left unread this tick, with when their quiet time ends: the ledger says nothing is to be
 * done for them before then under the policy still in force, and no ownership intent of theirs waits to be
 * reconciled.
 */
function sparedTargets(
  mine: readonly Effective[],
  ledger: PingLedger | undefined,
  intents: ReadonlyMap<string, OwnershipIntent> | readonly OwnershipIntent[],
  now: number,
): Map<string, number> {
  const withIntent = new Set([...intents.values()].map((intent) => intent.key));
  const fingerprints = new Map(mine.map((policy) => [policy.key, policyFingerprint(policy)]));
  const quiet = quietTargets(
    mine.map((policy) => policy.key),
    ledger,
    (key) => fingerprints.get(key)!,
    now,
  );
  for (const key of withIntent) quiet.delete(key);
  return quiet;
}

/** The tick's targets: this shard's policies, then the managed targets no policy names any more. */
function workItems(mine: readonly Effective[], orphans: readonly TargetState[]): WorkItem[] {
  return [
    ...mine.map((policy) => ({ key: policy.key, policy })),
    ...orphans.map((state) => ({ key: state.key, orphan: state })),
  ];
}

/** What the pause decision at the end of a tick collects from its targets, empty. */
const waits = () => ({ waits: [] as TargetWait[], trafficAfter: new Map<string, TargetState['traffic']>() });

/** Saves the ledger, the tick's last write (no other marks it done: see StateStore.claimTick); returns when. */
async function finishTick(deps: RunDeps, tickId: string, pings: ShardLedgers): Promise<number> {
  await savePings(deps, pings, tickId);
  return deps.clock.now();
}

/** The ledger (undefined: none yet), or null when it cannot be read: the tick then saves every round in its item. */
async function loadPings(deps: RunDeps, ledgerId: string) {
  try {
    return await deps.state.loadPings(ledgerId);
  } catch (error) {
    deps.log.warn('the ping ledger could not be read; every round is saved in its target item this tick', {
      error: describeError(error),
    });
    return null;
  }
}

/**
 * Saves the rounds this tick kept in the ledger. Losing them is not losing anything Thermostat owns (ownership is
 * always in the target items): their targets are only due again next tick, which the warning says.
 */
async function savePings(deps: RunDeps, pings: ShardLedgers, tickId: string) {
  await Promise.all(
    pings.changed(tickId).map(async ({ id, ledger }) => {
      try {
        await withRetries(deps.clock, () => deps.state.savePings(id, ledger));
      } catch (error) {
        deps.log.warn('the ping ledger could not be saved; the targets it holds are pinged again next tick', {
          ledger: id,
          targets: ledger.pings.size,
          error: describeError(error),
        });
      }
    }),
  );
}

/**
 * The tick's shared observations: the account (with its live use when this tick's pings could take a noticeable
 * part of it), the batched reads the targets share, and the ping pool sized from them.
 */
async function observeTick(
  deps: RunDeps,
  input: {
    readonly mine: readonly Effective[];
    readonly resolved: readonly Effective[];
    readonly shard: RunReport['shard'];
    /** This invocation's share of the tick: the shards it runs, of all. */
    readonly share: number;
    readonly tick: Tick;
    readonly states: ReadonlyMap<string, TargetState>;
    readonly loaded: ReturnType<typeof reconcileInputs>;
  },
) {
  const { config, clock } = deps;
  const { mine, shard, share, tick, states } = input;
  const observeDeps = {
    lambda: deps.lambda,
    autoscaling: deps.autoscaling,
    ...(deps.cloudwatch ? { metrics: deps.cloudwatch } : {}),
    caches: deps.caches,
    clock,
    parallelism: config.parallelism,
    coverageReads: Math.ceil(config.coverageReads * share),
    // Rounds share ticks where that lets the schedule pause: a whole tick of a controller that may pause it.
    alignRounds: pausable(deps, shard.of),
  };
  const observedAccount = await observeAccount(observeDeps);
  const { error: accountError, source: accountSource } = observedAccount;
  let account = observedAccount.account;
  // Batched reads start now and only the targets that need them wait for them.
  const shared = startSharedReads(observeDeps, mine, input.loaded.observed, input.loaded.orphans);
  const tickShare = (config.tickShare ?? tickShareOf(input.resolved.map((policy) => policy.budget))) * share;
  const ceilingsFor = (known: typeof account) =>
    new Map(
      longestWaitingFirst(mine, (policy) => states.get(policy.key)?.lastPingAt).map((policy) => [
        policy.key,
        pingCeiling(policy, states.get(policy.key), tick.scheduledAt, known, observeDeps.alignRounds),
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
  return {
    observeDeps,
    shared,
    account,
    ...(accountError ? { accountError } : {}),
    ...(accountSource ? { accountSource } : {}),
    poolSize,
    pool: new PingPool(poolSize, pingAllowances(ceilings, poolSize)),
    planOptions: {
      tickShare,
      alignRounds: observeDeps.alignRounds,
      ...(deps.prices ? { prices: deps.prices } : {}),
    },
    // Observations in flight at once (the rate limiters pace the calls themselves); acting is bounded separately.
    observeSlots: new WeightedSemaphore(config.parallelism),
    pending: input.loaded.pending,
    observeStates: input.loaded.observed,
    orphans: input.loaded.orphans,
  };
}

/** What every target of the tick is run with. */
type TargetRun = Awaited<ReturnType<typeof observeTick>> & {
  readonly deps: RunDeps;
  readonly tick: Tick;
  readonly runId: string;
  readonly deadline: number;
  readonly plannedAt: Date;
  readonly states: ReadonlyMap<string, TargetState>;
  readonly skipped: SkippedTarget[];
  /** What each planned target waits for, for the pause decision at the end of the tick. */
  readonly waits: TargetWait[];
  /** Each pinged target's traffic history after its rounds: auto mode is planned again with it before a pause. */
  readonly trafficAfter: Map<string, TargetState['traffic']>;
  /** The ping ledgers of the shards this invocation runs (a shard's unreadable one: its rounds go to their items). */
  readonly pings: ShardLedgers;
  /** The tick's pings leave through one client, one after another: every round's hold counts from its turn. */
  readonly dispatch: DispatchQueue;
};

/** One target through observe → plan → act; a target that is not started is listed as skipped. */
async function runTarget(run: TargetRun, item: WorkItem, index: number): Promise<TargetReport | undefined> {
  const { deps, pool, skipped } = run;
  const notStarted = (cause: ShortCause, reason: string) => {
    pool.release(item.key);
    skipped.push({ key: item.key, cause, reason });
    return undefined;
  };
  if (run.deadline - deps.clock.now() <= 0) {
    return notStarted(
      'time-budget',
      `time budget exhausted (${deps.config.reserveMs} ms kept in reserve); retried next tick`,
    );
  }
  const state = run.states.get(item.key);
  let planned: {
    observation: TargetObservation;
    facts: TargetState['facts'];
    settled: TargetState['settled'];
    decisions: Decision[];
  };
  try {
    let observed = await observeItem(run, item);
    if (!('deferred' in observed) && observed.fromSettledCopy && wouldWrite(run, item, state, observed.observation)) {
      // Never write on the strength of a settled copy: read what is deployed now and plan from that.
      forgetSettled(deps.caches, item.policy!.function, item.policy!.qualifier);
      const first = observed;
      observed = await observeItem(run, item, { ignoreStoredCopy: true });
      // Facts read fresh the first time are cached now, so the second observation does not carry them to be saved.
      if (!('deferred' in observed)) observed = { ...observed, facts: observed.facts ?? first.facts };
    }
    if ('deferred' in observed) return notStarted(observed.deferred.cause, observed.deferred.reason);
    const observation = reconciled(run, item, state, observed.observation);
    const settled = observed.settled;
    planned = { observation, facts: observed.facts, settled, decisions: planItem(run, item, observation) };
  } catch (error) {
    pool.release(item.key);
    const { name, message } = describeError(error);
    deps.log.error('target failed unexpectedly', { key: item.key, error: { name, message } });
    return failedReport(item, error);
  }
  const { observation, facts, settled, decisions } = planned;
  if (decisions.length === 0) return undefined;
  const report = await actOnTarget(
    deps,
    decisions,
    state,
    facts,
    observation,
    run.tick,
    `${run.runId}-${index}`,
    run.deadline,
    {
      pending: run.pending,
      dispatch: run.dispatch,
      pings: run.pings,
      ...(settled ? { settled } : {}),
      ...(item.policy ? { keepAliveMs: item.policy.warm.intervalMs } : {}),
      onPinged: (traffic) => run.trafficAfter.set(item.key, traffic),
    },
  );
  if (report.short) skipped.push({ key: report.key, ...report.short });
  return report;
}

/** The observation with ownership as an unconfirmed intent of an earlier tick leaves it. */
function reconciled(
  run: TargetRun,
  item: WorkItem,
  state: TargetState | undefined,
  observation: TargetObservation,
): TargetObservation {
  const intent = run.pending.get(item.key);
  return intent ? withManaged(observation, reconcileIntent(intent, state?.managed, observation)) : observation;
}

/** Whether the policy's plan from this observation writes provisioned concurrency (the pure planner, nothing taken). */
function wouldWrite(
  run: TargetRun,
  item: WorkItem,
  state: TargetState | undefined,
  observation: TargetObservation,
): boolean {
  if (!item.policy) return false;
  const planned = planTarget(
    item.policy,
    run.plannedAt,
    run.account,
    reconciled(run, item, state, observation),
    run.planOptions,
  );
  return planned.some(isWrite);
}

/** One target's observation, within the tick's observation slots; a policy's may be deferred to a later tick. */
async function observeItem(
  run: TargetRun,
  item: WorkItem,
  options: { readonly ignoreStoredCopy?: boolean } = {},
): Promise<
  | {
      readonly observation: TargetObservation;
      readonly facts: TargetState['facts'];
      readonly settled?: TargetState['settled'];
      readonly fromSettledCopy?: true;
    }
  | { readonly deferred: { readonly cause: ShortCause; readonly reason: string } }
> {
  await run.observeSlots.acquire(1);
  try {
    if (!item.policy)
      return { observation: await observeOrphan(run.observeDeps, item.orphan, run.shared), facts: undefined };
    const stored = run.observeStates.get(item.key);
    const known = options.ignoreStoredCopy && stored ? { ...stored, settled: undefined } : stored;
    const observed = await observeTarget(run.observeDeps, item.policy, known, run.tick.scheduledAt, run.shared);
    if ('deferred' in observed) return observed;
    return {
      observation: observed.observation,
      facts: observed.freshFacts,
      ...(observed.freshSettled ? { settled: observed.freshSettled } : {}),
      ...(observed.fromSettledCopy ? { fromSettledCopy: true as const } : {}),
    };
  } finally {
    run.observeSlots.release(1);
  }
}

/** The decisions for one target: its policy's plan (pings within the pool), or releasing what no policy names. */
function planItem(run: TargetRun, item: WorkItem, observation: TargetObservation): Decision[] {
  if (!item.policy) return planReleased(item.key, run.plannedAt, run.account, observation);
  const planned = planTarget(item.policy, run.plannedAt, run.account, observation, run.planOptions);
  const decisions = limitPings(planned, run.pool.take(item.key, pingsAsked(planned)), run.poolSize);
  run.waits.push({ policy: item.policy, decisions, observation });
  return decisions;
}

interface TargetWait {
  readonly policy: Effective;
  readonly decisions: readonly Decision[];
  readonly observation: TargetObservation;
}

/**
 * Pauses the controller's schedule until the next tick with work, when every target of a whole (unsharded),
 * completed tick only waits for a known time. A failed pause is logged and reported: the ticks simply go on.
 */
async function withPause(
  deps: RunDeps,
  report: RunReport,
  run: TargetRun,
  workItems: number,
  now: number,
): Promise<RunReport> {
  const { schedule } = deps.config;
  if (!schedule || !deps.scheduler || !pausable(deps, report.shard.of)) return report;
  // A newly tagged function, or a policy deployed without a tick, is noticed only by a tick: pause less long.
  const longest = schedule.ticksOnDeploy && deps.discovery === undefined ? MAX_SLEEP_MS : NOTICE_SLEEP_MS;
  const next = nextPause(report, run, workItems, now, schedule.tickMs, longest);
  const at = new Date(next.at).toISOString();
  if (!next.sleeps) return { ...report, nextTick: { at, why: next.why, paused: false } };
  try {
    await pauseSchedule(deps.scheduler, schedule, new Date(next.at));
    deps.log.info('schedule paused until the next tick with work', { until: at, why: next.why });
    return { ...report, nextTick: { at, why: next.why, paused: true } };
  } catch (error) {
    const message = (error as Error).message;
    deps.log.warn('could not pause the schedule; ticks go on every minute', { error: message });
    return { ...report, nextTick: { at, why: next.why, paused: false, error: message } };
  }
}

/** Whether this tick may pause the controller's schedule: it has one to pause, and the tick is not split. */
function pausable(deps: RunDeps, shards: number): boolean {
  return deps.config.schedule !== undefined && deps.scheduler !== undefined && shards === 1;
}

/** The next tick with work: only after a completed tick in which every target was planned and none failed. */
function nextPause(
  report: RunReport,
  run: TargetRun,
  workItems: number,
  now: number,
  tickMs: number,
  longestMs: number,
) {
  const { waits } = run;
  const whole =
    report.status === 'completed' &&
    waits.length === workItems &&
    report.targets.every((target) => target.failure === undefined);
  if (!whole) return { at: now + tickMs, sleeps: false, why: 'the tick did not do everything it wanted' };
  return nextTick(
    waits.map((wait) => wait.policy),
    waits.flatMap((wait) => wait.decisions),
    { targets: Object.fromEntries(waits.map((wait) => [wait.policy.key, wait.observation])) },
    now,
    tickMs,
    settledTimes(report.targets, run, now, tickMs),
    longestMs,
  );
}

/**
 * Until when each target whose round proved every environment it wanted has nothing to do: no look is needed before
 * its next round is due; auto mode and probes are planned again with what the round showed (settledUntil), as the
 * next tick would.
 */
function settledTimes(targets: readonly TargetReport[], run: TargetRun, now: number, tickMs: number) {
  const byKey = new Map(run.waits.map((wait) => [wait.policy.key, wait]));
  const settled = new Map<string, Settled>();
  for (const target of targets) {
    const wait = byKey.get(target.key);
    if (wait === undefined || target.warm?.stoppedBy !== 'proven' || target.warm.shortfall !== 0) continue;
    // A traffic probe leaves the last round's record as it was; only what it saw of the traffic is new.
    const probe = wait.decisions.some((decision) => decision.kind === 'ping' && decision.probe === true);
    const after: TargetObservation = probe
      ? wait.observation
      : { ...wait.observation, lastPingAt: now, lastWanted: target.warm.wanted, lastProven: target.warm.proven };
    const traffic = run.trafficAfter.get(target.key) ?? wait.observation.traffic;
    const planned = traffic === undefined ? after : { ...after, traffic };
    const until = settledUntil(wait.policy, planned, run.account, now, { ...run.planOptions, tickMs }, probe);
    if (until !== undefined) settled.set(target.key, until);
  }
  return settled;
}

/**
 * Keeps in the shard's ledger until when each target planned this tick has nothing to do (quietUntil), so the next
 * ticks of the shard leave it unread until then; a target that failed, fell short or has work soon is read again.
 */
function settleQuiet(
  run: TargetRun,
  targets: readonly TargetReport[],
  planned: readonly Effective[],
  pings: ShardLedgers,
) {
  const now = run.plannedAt.getTime();
  const tickMs = run.deps.config.schedule?.tickMs ?? DEFAULT_TICK_MS;
  const settled = settledTimes(targets, run, now, tickMs);
  const waits = new Map(run.waits.map((wait) => [wait.policy.key, wait]));
  const reports = new Map(targets.map((target) => [target.key, target]));
  for (const policy of planned) {
    const wait = waits.get(policy.key);
    const report = reports.get(policy.key);
    const clean =
      wait !== undefined &&
      report !== undefined &&
      report.status === 'ok' &&
      report.short === undefined &&
      report.state !== 'failed' &&
      report.state !== 'stale';
    const until = clean
      ? quietUntil(policy, wait.decisions, wait.observation, now, tickMs, settled.get(policy.key))
      : undefined;
    pings.settle(policy.key, until === undefined ? undefined : { until, policy: policyFingerprint(policy) });
  }
}

/** The report of a target left unread this tick: its quiet time, from the shard's ledger, is not over. */
function quietReport(policy: Effective, until: number): TargetReport {
  return {
    key: policy.key,
    function: policy.function,
    qualifier: policy.qualifier,
    target: targetName(policy.function, policy.qualifier),
    mode: policy.mode,
    window: policy.window,
    status: 'ok',
    decisions: [
      {
        kind: 'skip',
        reason: `nothing due until ${new Date(until).toISOString()} (the shard's ledger; neither read nor planned until then)`,
      },
    ],
  };
}

/** Logs, metrics and events of a finished tick; the report returned says how many events went out. */
async function report(deps: RunDeps, withoutEvents: RunReport): Promise<RunReport> {
  const { config, log } = deps;
  const warmed = logTargets(log, withoutEvents);
  emitMetrics(deps.metrics, withoutEvents, config.detailedMetrics);
  const events = deps.events
    ? await publishEvents(deps.events.api, buildEvents(withoutEvents, deps.events.bus, config.eventSource), log)
    : { published: 0, failed: 0 };
  const report = { ...withoutEvents, events };
  log.info('tick done', tickDone(report, warmed));
  return report;
}

/** What a skip decision means for the run: these causes are a target not getting what it wanted. */
const SHORT_SKIPS: Partial<Record<SkipCause, ShortCause>> = {
  'budget-unknown': 'budget-unknown',
  'not-observed': 'not-observed',
};

/** What acting on one target shares with the tick, and what it tells back. */
interface ActingOn {
  readonly pending: ReadonlyMap<string, OwnershipIntent>;
  readonly dispatch: DispatchQueue;
  readonly pings?: ShardLedgers;
  /** Provisioned concurrency found settled this tick, kept in the item. */
  readonly settled?: TargetState['settled'];
  /** Told the target's traffic history once its rounds are done. */
  readonly onPinged?: (traffic: TargetState['traffic']) => void;
  /** The policy's keep-alive window, for where its rounds are saved (roundSave). */
  readonly keepAliveMs?: number;
}

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
  intents: ActingOn,
): Promise<TargetReport> {
  const first = decisions[0];
  const { base, summary } = reportBase(decisions);
  const outcome = plannedOutcome(decisions, observation);
  try {
    const { provisioned, recorded } = await writeProvisioned(deps, decisions, observation, tick, outcome);
    const ping = decisions.find((decision): decision is PingDecision => decision.kind === 'ping');
    const pinged = ping
      ? await pingTarget(
          deps,
          ping,
          { pingRunId, deadline, tick, dispatch: intents.dispatch },
          observation.traffic ?? previous?.traffic,
          outcome,
        )
      : { traffic: observation.traffic ?? previous?.traffic };
    if (ping) intents.onPinged?.(pinged.traffic);
    const state = await saveTargetState(
      deps,
      {
        key: first.key,
        previous,
        facts,
        tick,
        managed: provisioned.managed,
        ...(intents.settled ? { settled: intents.settled } : {}),
        ...(intents.keepAliveMs !== undefined ? { keepAliveMs: intents.keepAliveMs } : {}),
        ...pinged,
      },
      recorded !== undefined || intents.pending.has(first.key),
      outcome,
      intents.pings,
    );
    // Confirmed (or nothing changed since an earlier tick's intent was reconciled): the intent has done its job.
    if (state === 'saved' || state === 'unchanged' || state === 'ledger')
      await clearIntents(deps, first.key, [recorded?.tickId, intents.pending.get(first.key)?.tickId]);
    const changes = provisioned.changes;
    const { failure, short } = outcome;
    return {
      ...base,
      status: failure ? 'failed' : 'ok',
      decisions: summary,
      ...(pinged.warm ? { warm: pinged.warm } : {}),
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
    deps.log.error('target failed unexpectedly', { target: base.target, error: { name, message } });
    return { ...base, status: 'failed', decisions: summary, failure: { kind: name, message } };
  }
}

/** What a target's report says whatever acting on it does: the target, its decisions, auto mode's forecast. */
function reportBase(decisions: readonly Decision[]) {
  const first = decisions[0];
  const choice = decisions.find((decision) => decision.kind === 'auto-choice');
  const forecast = choice?.kind === 'auto-choice' ? choice.forecast : undefined;
  return {
    base: {
      key: first.key,
      function: first.function,
      qualifier: first.qualifier,
      target: targetName(first.function, first.qualifier),
      mode: first.mode,
      window: first.window,
      ...(forecast ? { forecast } : {}),
    },
    summary: decisions.map((decision) => ({ kind: decision.kind, reason: decision.reason })),
  };
}

/** How acting on a target went so far: the first failure and the first shortfall cause are the ones reported. */
interface Outcome {
  failure?: TargetReport['failure'];
  short?: TargetReport['short'];
}

/** What the plan itself says went wrong: a planned failure, a skip that leaves the target short, FAILED PC. */
function plannedOutcome(decisions: readonly Decision[], observation: TargetObservation): Outcome {
  const outcome: Outcome = {};
  const planned = decisions.find((decision) => decision.kind === 'fail');
  if (planned?.kind === 'fail') outcome.failure = { kind: planned.problem.kind, message: planned.problem.message };
  for (const decision of decisions) {
    const cause = decision.kind === 'skip' ? SHORT_SKIPS[decision.cause] : undefined;
    if (cause !== undefined) outcome.short ??= { cause, reason: decision.reason };
  }
  const pcFailed = provisionedFailure(decisions, observation);
  if (pcFailed) outcome.failure ??= pcFailed;
  return outcome;
}

/**
 * The provisioned-concurrency writes, write-ahead: what they will make Thermostat own is in the state table before
 * the first write, so a state save failing afterwards can never leave something Thermostat created unrecorded.
 */
async function writeProvisioned(
  deps: RunDeps,
  decisions: readonly Decision[],
  observation: TargetObservation,
  tick: Tick,
  outcome: Outcome,
): Promise<{ provisioned: Awaited<ReturnType<typeof applyProvisioned>>; recorded?: OwnershipIntent }> {
  let writes = decisions;
  let recorded: OwnershipIntent | undefined;
  if (decisions.some(isWrite)) {
    const intent: OwnershipIntent = {
      key: decisions[0].key,
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
      outcome.short ??= {
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
      outcome.short ??= {
        cause: cause.rateLimited ? 'rate-limit' : 'time-budget',
        reason: `${cause.message}; retried next tick`,
      };
    } else {
      outcome.failure ??= { kind: 'provisioned-write', message: provisioned.error.message };
    }
    deps.log.warn('provisioned concurrency write failed', { error: describeError(cause) });
  }
  return { provisioned, ...(recorded ? { recorded } : {}) };
}

/** What pinging a target leaves: the report, the history record, and the traffic history with the sightings. */
interface Pinged {
  readonly warm?: WarmReport;
  readonly record?: PingRecord;
  /** The record is a traffic probe's: it proves nothing about how many environments are warm. */
  readonly probe?: boolean;
  readonly traffic: TargetState['traffic'];
}

/** Sends the ping rounds of one target and folds what they proved into its report, history and traffic. */
async function pingTarget(
  deps: RunDeps,
  ping: PingDecision,
  timing: {
    readonly pingRunId: string;
    readonly deadline: number;
    readonly tick: Tick;
    readonly dispatch: DispatchQueue;
  },
  before: TargetState['traffic'],
  outcome: Outcome,
): Promise<Pinged> {
  let traffic = before;
  const result = await warmTarget(
    {
      invoker: deps.invoker,
      clock: deps.clock,
      semaphore: deps.semaphore,
      deadline: timing.deadline,
      dispatch: timing.dispatch,
    },
    ping,
    timing.pingRunId,
    deps.config.warm,
  );
  let seen: RoundSeen | undefined;
  if (result.environments.length > 0) {
    const sightings = sightingsOf(result);
    // A probe reaches one environment: it shows too little of the traffic to set beside a forecast.
    if (!ping.probe) seen = roundSeen(traffic, sightings);
    const fold = ping.probe ? recordProbe : recordSightings;
    traffic = fold(traffic ?? EMPTY_TRAFFIC, deps.clock.now(), sightings);
  }
  if (result.latencyMs !== undefined) traffic = recordLatency(traffic ?? EMPTY_TRAFFIC, result.latencyMs);
  if (result.failure?.kind === 'not-found') invalidateFunction(deps.caches, ping.function, ping.qualifier);
  if (result.failure && outcome.failure?.kind === PROVISIONED_FAILED) {
    outcome.failure = {
      ...outcome.failure,
      message: `${outcome.failure.message}; the pings failed too (${result.failure.kind}: ${result.failure.message})`,
    };
  }
  if (result.failure) outcome.failure ??= result.failure;
  if (result.stoppedBy === 'time-budget' && result.shortfall > 0) {
    outcome.short ??= {
      cause: 'time-budget',
      reason: `the time budget ran out after ${result.rounds} round${result.rounds === 1 ? '' : 's'} (${result.pingsSent} pings): ${result.proven} of ${result.wanted} environments proven; retried next tick`,
    };
  }
  const warm: WarmReport = {
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
    ...(result.latencyMs !== undefined ? { latencyMs: result.latencyMs } : {}),
    ...(seen ? { seen } : {}),
    ...(result.proof
      ? {}
      : { note: `${ping.payload.flavour} payload: no proof possible; ${result.answered} pings answered` }),
  };
  const record: PingRecord | undefined =
    result.pingsSent > 0
      ? {
          at: timing.tick.scheduledAt,
          wanted: result.wanted,
          proven: result.proven,
          cold: result.cold,
          pings: result.pingsSent,
          stoppedBy: result.stoppedBy,
        }
      : undefined;
  return { warm, ...(record ? { record } : {}), ...(ping.probe ? { probe: true } : {}), traffic };
}

/** What one target's saved state is made of after acting on it. */
interface StateChange {
  readonly key: string;
  readonly previous: TargetState | undefined;
  readonly facts: TargetState['facts'];
  /** Provisioned concurrency found settled by a read this tick. */
  readonly settled?: TargetState['settled'];
  readonly tick: Tick;
  readonly managed: ManagedRecord | undefined;
  readonly record?: PingRecord;
  readonly probe?: boolean;
  readonly traffic: TargetState['traffic'];
  /** The policy's keep-alive window (none for an orphan). */
  readonly keepAliveMs?: number;
}

/**
 * Saves the target's state when anything changed (a corrupt item is saved even when nothing did, so it is rebuilt
 * and reported once). A failed save is the target's failure; `intentKept` says an intent still holds ownership.
 */
async function saveTargetState(
  deps: RunDeps,
  change: StateChange,
  intentKept: boolean,
  outcome: Outcome,
  pings?: ShardLedgers,
): Promise<TargetReport['state']> {
  const { previous, record, facts, traffic, managed, probe } = change;
  // What its item holds (none for a target not saved yet: its ledger entry and remembered history are no item).
  const stored = previous?.unsaved ? undefined : previous;
  const managedChanged = JSON.stringify(managed) !== JSON.stringify(previous?.managed);
  // Facts re-read on their timer are saved only when they differ: the same facts again would be a billed write
  // per target every refresh, and an older stored copy only means a new environment reads GetFunction once more.
  // Nor do they make a first save: they go with the item once something else needs it (see roundSave).
  const factsChanged = stored !== undefined && facts !== undefined && factsText(facts) !== factsText(stored.facts);
  const settled = change.settled;
  if (!(record || managedChanged || factsChanged || settled || traffic !== previous?.traffic || previous?.corrupt))
    return 'unchanged';
  const now = deps.clock.now();
  // A whole tick's environment keeps a target's history from tick to tick; a shard's may be any environment.
  const keepsUnsaved = stored === undefined && (change.tick.shard?.of ?? 1) === 1 && deps.traffic !== undefined;
  const where =
    record === undefined
      ? 'item'
      : roundSave({ probe: probe === true, wanted: record.wanted, proven: record.proven, traffic }, stored, {
          memory: deps.traffic !== undefined,
          now,
          otherChange: previous?.corrupt !== undefined || managedChanged || factsChanged || settled !== undefined,
          ...(change.keepAliveMs !== undefined ? { keepAliveMs: change.keepAliveMs } : {}),
          ...(keepsUnsaved ? { unsavedSince: deps.traffic.unsavedSince(change.key, now) } : {}),
          ...(deps.state.livesOn ? { livesOn: deps.state.livesOn() } : {}),
          pingedBefore: previous?.lastPingAt !== undefined,
        });
  const remember = () => {
    if (traffic !== undefined && traffic !== previous?.traffic) {
      deps.traffic?.remember(change.key, traffic, stored === undefined ? now : undefined);
    }
  };
  if (where === 'memory') {
    remember();
    return 'unchanged';
  }
  if (where === 'ledger' && record !== undefined && pings?.canDefer(change.key)) {
    pings.deferred(change.key, record.at);
    remember();
    return 'ledger';
  }
  const next: TargetState = {
    key: change.key,
    history: [...(previous?.history ?? []), ...(record ? [record] : [])],
    // A probe proves nothing about how many environments are warm: the last real round's record stands.
    ...(record && !probe
      ? { lastPingAt: record.at, lastWanted: record.wanted, lastProven: record.proven }
      : {
          ...(previous?.lastPingAt !== undefined ? { lastPingAt: previous.lastPingAt } : {}),
          ...(previous?.lastWanted !== undefined ? { lastWanted: previous.lastWanted } : {}),
          ...(previous?.lastProven !== undefined ? { lastProven: previous.lastProven } : {}),
        }),
    ...(managed ? { managed } : {}),
    ...(previous?.unreadableManaged !== undefined ? { unreadableManaged: previous.unreadableManaged } : {}),
    ...((facts ?? previous?.facts) ? { facts: facts ?? previous!.facts } : {}),
    // A copy made under another ownership record no longer describes what Thermostat owns.
    ...((settled ?? (managedChanged ? undefined : previous?.settled)) ? { settled: settled ?? previous!.settled } : {}),
    ...(traffic ? { traffic } : {}),
  };
  try {
    const saved = await withRetries(deps.clock, () => deps.state.saveTarget(next, change.tick.id));
    if (saved === 'saved') {
      pings?.saved(change.key);
      deps.traffic?.forget(change.key);
    }
    return saved;
  } catch (error) {
    // The newest history stays in memory for the next tick's save.
    remember();
    outcome.failure ??= {
      kind: 'state-save',
      message: `the target's state could not be saved (${describeError(error).message})${
        intentKept
          ? '; the intent recorded before the provisioned-concurrency writes keeps their ownership, reconciled next tick'
          : ''
      }`,
    };
    return 'failed';
  }
}

/** Removes the intents a save confirmed; one that stays is removed by the next tick. */
async function clearIntents(deps: RunDeps, key: string, tickIds: ReadonlyArray<string | undefined>): Promise<void> {
  for (const tickId of tickIds) {
    if (tickId === undefined) continue;
    await deps.state.clearIntent(key, tickId).catch((error: unknown) => {
      deps.log.warn('a confirmed intent could not be removed; the next tick removes it', {
        key,
        error: describeError(error),
      });
    });
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
  policyKeys: { has(key: string): boolean },
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
  /** Shards the root runs itself. */
  here: ReadonlySet<number>,
): Promise<NonNullable<RunReport['shards']>> {
  const failed: Array<{ index: number; error: string }> = [];
  let dispatched = 0;
  const started = Array.from({ length: of }, (_, index) => index).filter((index) => !here.has(index));
  await Promise.all(
    started.map(async (index) => {
      const event: ShardEvent = {
        thermostatShard: {
          tickId: tick.id,
          scheduledAt: tick.scheduledAt,
          index,
          of,
          // only the keys of the shard's own targets travel (the payload stays small whatever the table holds)
          ...(intentKeysOf ? { intentKeys: intentKeysOf(index) } : {}),
          ...(tick.unscheduled ? { unscheduled: true as const } : {}),
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
  const ranHere = [...here].filter((index) => index !== 0).sort((a, b) => a - b);
  return { dispatched, failed, ...(ranHere.length > 0 ? { ranHere } : {}) };
}
