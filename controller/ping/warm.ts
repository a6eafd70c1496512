import type { EnvironmentProof, InitType } from '../../target/protocol';
import type { LambdaInvoker } from '../aws/ports';
import type { Clock } from '../clock';
import type { WeightedSemaphore } from '../concurrency';
import { UNSHARED_DISPATCH_MS_PER_PING } from '../contract/dispatch';
import { idleGapFields, type PingDecision, type Sighting } from '../plan';
import { PING_OUTCOME_KINDS, type PingOutcome, type PingOutcomeKind, zeroOutcomes } from './outcome';
import { type RoundTiming, sendRound } from './round';
import {
  afterRound,
  type DispatchQueue,
  firstRound,
  mayStart,
  type RoundRules,
  roundLatency,
  type WarmStop,
  wantedOf,
  warmRequestOf,
} from './rounds';

export interface WarmConfig extends RoundTiming, RoundRules {}

export const DEFAULT_WARM_CONFIG: WarmConfig = {
  callTimeoutMs: 10_000,
  dispatchMsPerPing: UNSHARED_DISPATCH_MS_PER_PING,
  maxRounds: 3,
  backoffMs: 200,
  maxHoldMs: 5_000,
  coldStartAllowanceMs: 1_000,
};

export interface WarmDeps {
  readonly invoker: LambdaInvoker;
  readonly clock: Clock;
  /** Shared by all targets of the tick, sized to the HTTP socket pool. */
  readonly semaphore?: WeightedSemaphore;
  /** Shared by all targets of the tick: their pings leave one after another (rounds.ts, dispatchStart). */
  readonly dispatch?: DispatchQueue;
  /** Epoch ms after which no new round starts and unanswered pings are given up (the tick's time budget). */
  readonly deadline: number;
  readonly random?: () => number;
}

export interface EnvironmentSummary {
  readonly envId: string;
  readonly firstInvocation: boolean;
  readonly initType: InitType;
  readonly initDurationMs: number;
  readonly initAt: number;
  readonly pingsServed: number;
  readonly realServed: number;
  readonly lastRealRequestAt: number | null;
  readonly realBusyMs?: number;
  readonly longestIdleMs?: number;
  readonly shortestIdleMs?: number;
}

export type { WarmStop } from './rounds';

/** What one target's warm-up did: the part of the result that the run report carries as it is. */
export interface WarmCounts {
  readonly wanted: number;
  /** False for compatibility payloads: `proven` is then 0 and `answered` is all that is known. */
  readonly proof: boolean;
  /** Distinct environments proven by their answers. */
  readonly proven: number;
  /** Pings answered without error (with or without a proof). */
  readonly answered: number;
  /** Proven environments whose first invocation was a ping of this tick (the ping paid the cold start). */
  readonly cold: number;
  readonly shortfall: number;
  readonly pingsSent: number;
  readonly rounds: number;
  readonly outcomes: Readonly<Record<PingOutcomeKind, number>>;
  readonly stoppedBy: WarmStop;
  /** The first message of each failing class, for the report. */
  readonly messages: Readonly<Partial<Record<PingOutcomeKind, string>>>;
}

export interface WarmResult extends WarmCounts {
  /** Set when not a single ping was answered: the target failed. */
  readonly failure?: { readonly kind: PingOutcomeKind; readonly message: string };
  readonly environments: readonly EnvironmentSummary[];
  /** How long the pings of its last measurable round took to arrive beyond the dispatch skew (rounds.ts). */
  readonly latencyMs?: number;
}

/**
 * Pings a target until `wanted` distinct environments are proven or the cost/time budget runs out. Every round
 * is a full round (all pings in flight together): idle warm environments take pings first, so only a round at
 * least as large as the proven set can reach new ones. Sizes, holds, pauses and stops follow rounds.ts, the rule
 * book the simulator uses too; this function only performs the rounds and tallies their outcomes.
 */
export async function warmTarget(
  deps: WarmDeps,
  decision: WarmDecision,
  runId: string,
  config: WarmConfig = DEFAULT_WARM_CONFIG,
): Promise<WarmResult> {
  const random = deps.random ?? Math.random;
  const seen: Seen = { outcomes: zeroOutcomes(), messages: {}, environments: new Map(), answered: 0, pingsSent: 0 };
  const request = warmRequestOf(decision);
  let state = firstRound(request, config);
  let stoppedBy: WarmStop = 'max-rounds';
  let latencyMs: number | undefined;
  while (true) {
    const step = mayStart(state, config, deps.clock.now(), deps.deadline);
    if (step.kind === 'stop') {
      stoppedBy = step.reason;
      break;
    }
    if (step.pauseMs > 0) await deps.clock.sleep(step.pauseMs);
    const { permits, results, latency } = await sendStep(deps, decision, step, `${runId}-${state.rounds}`, config);
    seen.pingsSent += permits;
    latencyMs = latency ?? latencyMs;
    state = afterRound(state, request, config, tally(seen, results, permits), random);
  }
  const result = warmResult(decision, wantedOf(request), seen, state.rounds, stoppedBy);
  return latencyMs === undefined ? result : { ...result, latencyMs };
}

type WarmDecision = Pick<PingDecision, 'function' | 'qualifier' | 'count' | 'wanted' | 'holdMs' | 'payload' | 'proof'> &
  Partial<Pick<PingDecision, 'expectCold' | 'initMs' | 'latencyMs'>>;

/** What the rounds of one warm-up have seen so far. */
interface Seen {
  readonly outcomes: Record<PingOutcomeKind, number>;
  readonly messages: Partial<Record<PingOutcomeKind, string>>;
  readonly environments: Map<string, EnvironmentProof>;
  answered: number;
  pingsSent: number;
}

/** One round, as many pings as the shared socket pool lets in flight now (never more than the step asks). */
async function sendStep(
  deps: WarmDeps,
  decision: WarmDecision,
  step: { readonly size: number; readonly holdMs: number },
  runId: string,
  config: WarmConfig,
): Promise<{ permits: number; results: readonly PingOutcome[]; latency: number | undefined }> {
  const permits = deps.semaphore ? await deps.semaphore.acquire(step.size) : step.size;
  try {
    const round = await sendRound(
      deps.invoker,
      {
        function: decision.function,
        qualifier: decision.qualifier,
        size: permits,
        holdMs: step.holdMs,
        payload: decision.payload,
        proof: decision.proof,
        runId,
        deadline: deps.deadline,
      },
      config,
      deps.clock,
      deps.dispatch,
    );
    const warmHeld = round.outcomes.flatMap((outcome) =>
      outcome.kind === 'ok' && outcome.proof && !outcome.proof.firstInvocation ? [outcome.proof.heldMs] : [],
    );
    // Measured from when its pings began to leave: time queued behind other rounds is not the function's latency.
    const measured = { startedAt: round.sendsAt, holdUntil: round.holdUntil, size: permits };
    return { permits, results: round.outcomes, latency: roundLatency(measured, warmHeld, config) };
  } finally {
    deps.semaphore?.release(permits);
  }
}

/** Folds a round's outcomes into what was seen, and says what the round logic needs to decide the next. */
function tally(seen: Seen, results: readonly PingOutcome[], permits: number): Parameters<typeof afterRound>[3] {
  const round = zeroOutcomes();
  let retryAfter = 0;
  for (const outcome of results) {
    round[outcome.kind] += 1;
    seen.outcomes[outcome.kind] += 1;
    if (outcome.kind === 'ok') {
      seen.answered += 1;
      if (outcome.proof && !seen.environments.has(outcome.proof.envId))
        seen.environments.set(outcome.proof.envId, outcome.proof);
      continue;
    }
    seen.messages[outcome.kind] ??= describeOutcome(outcome);
    if (outcome.kind === 'throttled' && outcome.retryAfterMs) retryAfter = Math.max(retryAfter, outcome.retryAfterMs);
  }
  const fatal = (['not-found', 'function-error', 'invalid-response'] as const).find(
    (kind) => round[kind] > 0 && round[kind] + round.ok === permits && round.ok === 0,
  );
  return {
    sent: permits,
    ok: round.ok,
    throttled: round.throttled,
    transient: round.error + round['timed-out'],
    ...(fatal ? { fatal } : {}),
    ...(retryAfter > 0 ? { retryAfterMs: retryAfter } : {}),
    proven: seen.environments.size,
  };
}

/** The warm-up's result: what was proven, and the failure that dominated when nothing answered. */
function warmResult(
  decision: WarmDecision,
  wanted: number,
  seen: Seen,
  rounds: number,
  stoppedBy: WarmStop,
): WarmResult {
  const { outcomes, messages, environments, answered } = seen;
  const proven = decision.proof ? environments.size : 0;
  const failedKinds = PING_OUTCOME_KINDS.filter((kind) => kind !== 'ok' && outcomes[kind] > 0);
  const dominant = failedKinds.sort((a, b) => outcomes[b] - outcomes[a])[0];
  const failure =
    answered === 0 && dominant !== undefined ? { kind: dominant, message: messages[dominant] ?? dominant } : undefined;
  return {
    wanted,
    proof: decision.proof,
    proven,
    answered,
    cold: [...environments.values()].filter((proof) => proof.firstInvocation).length,
    shortfall: decision.proof ? Math.max(0, wanted - proven) : 0,
    pingsSent: seen.pingsSent,
    rounds,
    outcomes,
    stoppedBy: failure && stoppedBy === 'max-rounds' ? (failure.kind as WarmStop) : stoppedBy,
    ...(failure ? { failure } : {}),
    messages,
    environments: [...environments.values()].map((proof) => ({
      envId: proof.envId,
      firstInvocation: proof.firstInvocation,
      initType: proof.initType,
      initDurationMs: proof.initDurationMs,
      initAt: proof.initAt,
      pingsServed: proof.pingsServed,
      realServed: proof.realServed,
      lastRealRequestAt: proof.lastRealRequestAt,
      ...(proof.realBusyMs !== undefined ? { realBusyMs: proof.realBusyMs } : {}),
      ...idleGapFields(proof),
    })),
  };
}

/** What the proven environments said about real traffic, as the demand model reads it (controller/plan/traffic.ts). */
export function sightingsOf(result: Pick<WarmResult, 'environments'>): Sighting[] {
  return result.environments.map((env) => ({
    envId: env.envId,
    initAt: env.initAt,
    realServed: env.realServed,
    lastRealAt: env.lastRealRequestAt,
    ...(env.realBusyMs !== undefined ? { realBusyMs: env.realBusyMs } : {}),
    ...idleGapFields(env),
    ...(env.firstInvocation && env.initDurationMs > 0 ? { initMs: env.initDurationMs } : {}),
  }));
}

function describeOutcome(outcome: PingOutcome): string {
  switch (outcome.kind) {
    case 'ok':
      return 'ok';
    case 'function-error':
      return `${outcome.errorType}: ${outcome.message}`;
    case 'throttled':
      return `throttled${outcome.reason ? ` (${outcome.reason})` : ''}`;
    case 'error':
      return `${outcome.name}: ${outcome.message}`;
    default:
      return outcome.message;
  }
}
