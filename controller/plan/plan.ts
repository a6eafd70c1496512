import type { Effective, ProvisionedSettings } from '../policy';
import { formatDuration } from '../policy/duration';
import { type AutoChooser, costModelChooser } from './auto';
import { allocateFairly, type PingCap, targetPingCap, tickPool, tickShareOf } from './budget';
import type { Decision, PingDecision } from './decision';
import { isDue } from './interval';
import type { Observed, TargetObservation } from './observed';
import { type Base, type ProvisionedPlan, planProvisioned } from './provisioned';

export interface PlanOptions {
  /**
   * Share of the account's unreserved concurrency that all pings of one tick may use together.
   * @default the largest `budget.maxShare` among the policies, else 0.2
   */
  readonly tickShare?: number;
  /** Auto mode's chooser; defaults to the cost model (controller/cost) at us-east-1 prices. */
  readonly chooseAuto?: AutoChooser;
}

/** Fallback when a function's memory is unknown (auto mode only uses it for prices). */
const DEFAULT_MEMORY_MB = 1024;

interface PingRequest {
  readonly base: Base;
  readonly wanted: number;
  readonly request: number;
  readonly cap: PingCap & { cap: number };
  readonly holdMs: number;
  readonly holdNote: string;
  readonly payload: Effective['warm']['payload'];
  readonly due: string;
  readonly expectCold: boolean;
  readonly fallback?: ProvisionedPlan['fallback'];
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
  const chooser = options.chooseAuto ?? costModelChooser;
  const share = options.tickShare ?? tickShareOf(policies.map((policy) => policy.budget));
  const targets = policies.map((policy) => planTarget(policy, nowMs, observed, chooser));

  const requests = targets.filter((target) => target.ping !== undefined).map((target) => target.ping!);
  const pool = tickPool(observed.account, share);
  const granted = allocateFairly(
    requests.map((request) => request.request),
    pool,
  );
  const grants = new Map(requests.map((request, index) => [request, granted[index]]));

  const decisions: Decision[] = [];
  for (const target of targets) {
    decisions.push(...target.decisions);
    if (target.ping) decisions.push(pingDecision(target.ping, grants.get(target.ping)!, pool));
  }
  decisions.push(...orphans(policies, observed));
  return decisions;
}

function planTarget(policy: Effective, now: number, observed: Observed, chooser: AutoChooser): TargetPlan {
  const base: Base = {
    key: policy.key,
    function: policy.function,
    qualifier: policy.qualifier,
    mode: policy.mode,
    window: policy.window,
  };
  const obs: TargetObservation = observed.targets[policy.key] ?? {};
  if (obs.problem) {
    if (policy.mode === 'off') {
      return { decisions: [{ ...base, kind: 'skip', cause: 'off', reason: `mode is off; ${obs.problem.message}` }] };
    }
    return { decisions: [{ ...base, kind: 'fail', problem: obs.problem, reason: obs.problem.message }] };
  }

  const decisions: Decision[] = [];
  let target: 'warm' | 'provisioned' | 'off' = policy.mode === 'auto' ? 'warm' : policy.mode;
  let settings: ProvisionedSettings = policy.provisioned;
  if (policy.mode === 'auto') {
    const environments = Math.max(policy.warm.concurrency, policy.provisioned.min);
    const fromPolicy = policy.auto.expectedUtilization;
    const fromMetrics =
      obs.utilization !== undefined ? Math.min(1, obs.utilization.averageConcurrency / environments) : undefined;
    const expectedUtilization = fromPolicy ?? fromMetrics;
    const choice = chooser({
      expectedUtilization,
      memoryMb: obs.memoryMb ?? policy.auto.memoryMb ?? DEFAULT_MEMORY_MB,
      architecture: obs.architecture ?? policy.auto.architecture ?? 'x86_64',
      environments,
      intervalMs: policy.warm.intervalMs,
      holdMs: policy.warm.holdMs,
    });
    const source = fromPolicy !== undefined ? 'policy' : fromMetrics !== undefined ? 'metrics' : 'unknown';
    decisions.push({
      ...base,
      kind: 'auto-choice',
      choice: choice.choice,
      expectedUtilization,
      utilizationSource: source,
      reason: `auto chose ${choice.choice === 'warm' ? 'pings' : 'provisioned concurrency'}: ${choice.reason}`,
    });
    target = choice.choice;
    if (target === 'provisioned') {
      settings = { ...policy.provisioned, min: environments, max: Math.max(policy.provisioned.max, environments) };
    }
  }

  const provisioned = planProvisioned(base, target, settings, obs, observed.account);
  decisions.push(...provisioned.decisions);

  if (target === 'off') {
    if (decisions.length === 0) decisions.push({ ...base, kind: 'skip', cause: 'off', reason: 'mode is off' });
    return { decisions };
  }
  if (target === 'provisioned') {
    if (!provisioned.fallback) return { decisions };
    return withPing(decisions, base, policy, obs, provisioned.fallback.wanted, now, observed, provisioned.fallback);
  }
  const wanted = policy.warm.concurrency;
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
  return withPing(decisions, base, policy, obs, wanted, now, observed, undefined);
}

function withPing(
  decisions: Decision[],
  base: Base,
  policy: Effective,
  obs: TargetObservation,
  wanted: number,
  now: number,
  observed: Observed,
  fallback: ProvisionedPlan['fallback'],
): TargetPlan {
  const interval = policy.warm.intervalMs;
  const raised = obs.lastWanted !== undefined && wanted > obs.lastWanted;
  if (!raised && !isDue(interval, now, obs.lastPingAt)) {
    const ago = now - obs.lastPingAt!;
    decisions.push({
      ...base,
      kind: 'skip',
      cause: 'not-due',
      reason: `last pinged ${formatDuration(ago)} ago; interval is ${formatDuration(interval)}`,
    });
    return { decisions };
  }
  const cap = targetPingCap(policy.budget, observed.account, obs.reservedConcurrency);
  if (cap.cap === undefined) {
    decisions.push({
      ...base,
      kind: 'skip',
      cause: 'budget-unknown',
      reason: 'account concurrency could not be read and the policy sets no budget.maxConcurrency; not pinging blind',
    });
    return { decisions };
  }
  if (cap.cap <= 0) {
    decisions.push({
      ...base,
      kind: 'skip',
      cause: cap.limitedBy.some((label) => label.startsWith('reserved')) ? 'no-reserved-headroom' : 'budget-exhausted',
      reason: `no concurrency may be used for pings: ${cap.limitedBy.join(', ')}`,
    });
    return { decisions };
  }
  let holdMs = policy.warm.holdMs;
  let holdNote = '';
  if (obs.timeoutMs !== undefined && holdMs > Math.floor(obs.timeoutMs / 2)) {
    holdMs = Math.floor(obs.timeoutMs / 2);
    holdNote = `; hold shortened to ${holdMs} ms (function timeout ${obs.timeoutMs} ms)`;
  }
  const due =
    obs.lastPingAt === undefined
      ? 'first ping'
      : raised
        ? `warmth raised from ${obs.lastWanted} to ${wanted}`
        : `interval ${formatDuration(interval)} elapsed`;
  return {
    decisions,
    ping: {
      base,
      wanted,
      request: Math.min(wanted, cap.cap),
      cap: cap as PingCap & { cap: number },
      holdMs,
      holdNote,
      payload: policy.warm.payload,
      due,
      expectCold: obs.lastProven === undefined || obs.lastProven < wanted,
      fallback,
    },
  };
}

function pingDecision(request: PingRequest, granted: number, pool: number): Decision {
  const { base, wanted } = request;
  const plural = (n: number) => `${n} environment${n === 1 ? '' : 's'}`;
  const parts = [
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
      cause: 'budget-exhausted',
      reason: parts.join('; '),
    };
  }
  const flavour = request.payload.flavour;
  if (flavour !== 'thermostat') parts.push(`${flavour} payload: no environment proof possible`);
  const decision: PingDecision = {
    ...base,
    kind: 'ping',
    count: granted,
    wanted,
    holdMs: request.holdMs,
    payload: request.payload,
    proof: flavour === 'thermostat',
    expectCold: request.expectCold,
    ...(request.fallback ? { fallback: request.fallback.kind } : {}),
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
