import { randomUUID } from 'node:crypto';
import { applyProvisioned } from './act/provisioned';
import type { AutoScalingApi, EventsApi, LambdaControl, LambdaInvoker, MetricsApi } from './aws/ports';
import type { Clock } from './clock';
import { mapLimit, type WeightedSemaphore } from './concurrency';
import type { ControllerConfig } from './config';
import { type Discovery, discoverTargets, discoveryReport } from './discover/discover';
import { describeError } from './errors';
import type { ObservationCaches } from './observe/caches';
import { invalidateFunction, observeAccount, observeTargets } from './observe/observe';
import { warmTarget } from './ping/warm';
import { type AutoChooser, type Decision, type PingDecision, plan, tickShareOf } from './plan';
import type { Effective, LoadedPolicy, LoadedTemplate, PolicyIssue } from './policy/core';
import { resolvePolicy } from './policy/core';
import { buildEvents, publishEvents } from './report/events';
import { type Log, logTargets } from './report/log';
import { emitMetrics, type MetricsSink } from './report/metrics';
import { EMPTY_TOTALS, type RunReport, type TargetReport, totalsOf, type WarmReport } from './report/report';
import type { PingRecord, StateStore, TargetState } from './state';
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
  readonly chooseAuto?: AutoChooser;
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
  const local = new Set<number>([shard.index]);
  const self = deps.self ?? context.invokedFunctionArn;
  if (tick.shard === undefined && resolved.length > config.shardSize && self !== undefined) {
    const of = Math.ceil(resolved.length / config.shardSize);
    shard = { index: 0, of };
    shards = await dispatchShards(deps, self, tick, of);
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
  const states = await deps.state.loadTargets(mine.map((policy) => policy.key));
  // While a discovery pass is incomplete, a target missing from it may just not be found yet: nothing is released.
  const settled = discovery === undefined || discovery.result.complete;
  const orphans =
    shard.index === 0 && settled ? (await deps.state.listManaged()).filter((state) => !keys.has(state.key)) : [];
  for (const orphan of orphans) states.set(orphan.key, orphan);

  const observeDeps = {
    lambda: deps.lambda,
    autoscaling: deps.autoscaling,
    ...(deps.cloudwatch ? { metrics: deps.cloudwatch } : {}),
    caches: deps.caches,
    clock,
    parallelism: config.parallelism,
    coverageReads: Math.ceil(config.coverageReads / shard.of),
  };
  const { account, error: accountError, source: accountSource } = await observeAccount(observeDeps);
  const { targets, freshFacts } = await observeTargets(observeDeps, mine, states, tick.scheduledAt, orphans);

  const tickShare = (config.tickShare ?? tickShareOf(resolved.map((policy) => policy.budget))) / shard.of;
  const decisions = plan(
    mine,
    plannedAt,
    { ...(account ? { account } : {}), targets },
    {
      tickShare,
      ...(deps.chooseAuto ? { chooseAuto: deps.chooseAuto } : {}),
    },
  );

  const groups = new Map<string, Decision[]>();
  for (const decision of decisions) groups.set(decision.key, [...(groups.get(decision.key) ?? []), decision]);
  const skipped: Array<{ key: string; reason: string }> = [];
  if (discovery && !discovery.result.complete) {
    const { scanned, note } = discovery.result;
    const reason = `tag discovery under way: ${scanned} functions checked so far (${note ?? 'more to list'}); it goes on next tick, and tagged functions not found yet are not warmed`;
    skipped.push({ key: 'discovery', reason });
  }
  const reports = await mapLimit([...groups.entries()], config.actParallelism, async ([key, group], index) => {
    const left = deadline - clock.now();
    if (left <= 0) {
      skipped.push({
        key,
        reason: `time budget exhausted (${config.reserveMs} ms kept in reserve); retried next tick`,
      });
      return undefined;
    }
    return actOnTarget(deps, group, states.get(key), freshFacts.get(key), tick, `${runId}-${index}`, deadline);
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
  emitMetrics(deps.metrics, withoutEvents);
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

/** Observe → plan happened; this acts on one target, isolated: whatever fails is reported for it alone. */
async function actOnTarget(
  deps: RunDeps,
  decisions: readonly Decision[],
  previous: TargetState | undefined,
  facts: TargetState['facts'],
  tick: Tick,
  pingRunId: string,
  deadline: number,
): Promise<TargetReport> {
  const first = decisions[0];
  const qualifier = first.qualifier;
  const target = targetName(first.function, qualifier);
  const summary = decisions.map((decision) => ({ kind: decision.kind, reason: decision.reason }));
  const base = { key: first.key, function: first.function, qualifier, target, mode: first.mode, window: first.window };
  let failure: TargetReport['failure'];
  const planned = decisions.find((decision) => decision.kind === 'fail');
  if (planned?.kind === 'fail') failure = { kind: planned.problem.kind, message: planned.problem.message };

  try {
    const provisioned = await applyProvisioned(
      { lambda: deps.lambda, autoscaling: deps.autoscaling },
      decisions,
      previous?.managed,
      tick.scheduledAt,
    );
    if (provisioned.error) failure ??= { kind: 'provisioned-write', message: provisioned.error.message };
    if (provisioned.error)
      deps.log.warn('provisioned concurrency write failed', { error: describeError(provisioned.error.cause) });

    const ping = decisions.find((decision): decision is PingDecision => decision.kind === 'ping');
    let warm: WarmReport | undefined;
    let record: PingRecord | undefined;
    if (ping) {
      const result = await warmTarget(
        { invoker: deps.invoker, clock: deps.clock, semaphore: deps.semaphore, deadline },
        ping,
        pingRunId,
        deps.config.warm,
      );
      if (result.failure?.kind === 'not-found') invalidateFunction(deps.caches, ping.function, ping.qualifier);
      if (result.failure) failure ??= result.failure;
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
    let state: TargetReport['state'] = 'unchanged';
    if (record || managedChanged || facts) {
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
        ...((facts ?? previous?.facts) ? { facts: facts ?? previous!.facts } : {}),
      };
      state = await deps.state.saveTarget(next, tick.id);
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
      state,
    };
  } catch (error) {
    // A bug or an unexpected rejection: this target fails, the others carry on.
    const { name, message } = describeError(error);
    deps.log.error('target failed unexpectedly', { target, error: { name, message } });
    return { ...base, status: 'failed', decisions: summary, failure: { kind: name, message } };
  }
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

/** Starts shards 1..of-1 as asynchronous invocations of this same function (Lambda is the scheduler). */
async function dispatchShards(
  deps: RunDeps,
  self: string,
  tick: Tick,
  of: number,
): Promise<NonNullable<RunReport['shards']>> {
  const failed: Array<{ index: number; error: string }> = [];
  let dispatched = 0;
  await Promise.all(
    Array.from({ length: of - 1 }, async (_, offset) => {
      const index = offset + 1;
      const event: ShardEvent = { thermostatShard: { tickId: tick.id, scheduledAt: tick.scheduledAt, index, of } };
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
