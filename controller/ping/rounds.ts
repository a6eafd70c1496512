/**
 * The decisions of one target's warm-up, without I/O: how large each round is, how long its pings hold, when to
 * pause and when to stop. The controller feeds it the outcomes of real Invoke calls (warm.ts); the simulator feeds
 * it the outcomes of its Lambda model (simulator/strategies/thermostat.ts). One rule book, so the two never drift.
 */
import type { PingDecision } from '../plan/decision';

export interface RoundRules {
  /** Rounds per target per tick (the first one plus top-ups): the cost budget of proving N environments. */
  readonly maxRounds: number;
  /** Base pause before a round that follows throttles or transient errors; doubles each time, with jitter. */
  readonly backoffMs: number;
  /** Upper bound when a top-up round lengthens the hold because pings did not overlap. */
  readonly maxHoldMs: number;
  /** Added to the hold per ping of the round, so the last ping is sent before the first one is released. */
  readonly dispatchMsPerPing: number;
  /**
   * Added to the hold when new environments are expected and the function's init time is unknown: a cold start
   * keeps its environment busy only until init ends, so an environment that started fast would be released while
   * slower ones still start, and late pings would reuse it instead of proving another.
   */
  readonly coldStartAllowanceMs: number;
}

/** What the planner asked for, as far as rounds are concerned. */
export interface WarmRequest {
  /** Pings in the first round (the budget), never exceeded. */
  readonly count: number;
  /** Distinct environments wanted. */
  readonly wanted: number;
  /** The policy's hold: what overlapping pings need beyond dispatch skew. */
  readonly holdMs: number;
  /** False for compatibility payloads: nothing can be proven, so one round is all there is. */
  readonly proof: boolean;
  /** New environments are expected: they start cold, so the first round must outlast their init. */
  readonly expectCold?: boolean;
  /** The function's observed init duration (ms), which replaces the fixed allowance when known. */
  readonly initMs?: number;
  /** How long pings took to reach their environments in the last rounds, beyond the dispatch skew (ms). */
  readonly latencyMs?: number;
}

/** The round rules' view of a ping decision: the same fields for the controller and the simulator. */
export function warmRequestOf(
  decision: Pick<PingDecision, 'count' | 'wanted' | 'holdMs' | 'proof'> &
    Partial<Pick<PingDecision, 'expectCold' | 'initMs' | 'latencyMs'>>,
): WarmRequest {
  return {
    count: decision.count,
    wanted: decision.wanted,
    holdMs: decision.holdMs,
    proof: decision.proof,
    ...(decision.expectCold !== undefined ? { expectCold: decision.expectCold } : {}),
    ...(decision.initMs !== undefined ? { initMs: decision.initMs } : {}),
    ...(decision.latencyMs !== undefined ? { latencyMs: decision.latencyMs } : {}),
  };
}

export type WarmStop =
  | 'proven'
  /** As many environments as the budget allows are proven; more would need a larger round. */
  | 'budget'
  | 'no-proof'
  | 'max-rounds'
  | 'time-budget'
  | 'throttled'
  | 'not-found'
  | 'function-error'
  | 'invalid-response'
  | 'timed-out'
  | 'error';

/** The next thing to do: a round of `size` pings after `pauseMs`, held `holdMs`; or stop. */
export type RoundStep =
  | { readonly kind: 'round'; readonly size: number; readonly holdMs: number; readonly pauseMs: number }
  | { readonly kind: 'stop'; readonly reason: WarmStop };

/** A round's outcome, whatever sent it. */
export interface RoundTally {
  readonly sent: number;
  readonly ok: number;
  readonly throttled: number;
  /** Transient failures: errors and timeouts. */
  readonly transient: number;
  /** Set when every ping failed and all failures were of this kind: retrying cannot help. */
  readonly fatal?: 'not-found' | 'function-error' | 'invalid-response';
  /** The largest Retry-After among throttles, if any. */
  readonly retryAfterMs?: number;
  /** Distinct environments proven so far, this round included. */
  readonly proven: number;
}

/** Where a warm-up stands between rounds. */
export interface RoundState {
  readonly rounds: number;
  readonly step: RoundStep;
}

/**
 * How long a round of `size` pings must hold. One ping needs no overlap, so it returns at once (and is billed a
 * millisecond, not a hold). Larger rounds hold the policy's margin, plus the function's init time (at most the
 * cold-start allowance) when some pings will start environments, so a fast cold start does not free its
 * environment for a late ping.
 */
export function holdFor(size: number, request: WarmRequest, rules: RoundRules): number {
  if (size <= 1) return 0;
  const margin = overlapMargin(request);
  if (!request.expectCold) return margin;
  // The observed init only ever shortens the allowance: the allowance bounds the longest hold the target helper
  // accepts (target/protocol.ts), and a slower init is covered by the top-up round's longer hold.
  const init =
    request.initMs !== undefined && request.initMs > 0
      ? Math.min(request.initMs, rules.coldStartAllowanceMs)
      : rules.coldStartAllowanceMs;
  return margin + Math.ceil(init);
}

/** The shortest margin a hold learned from measured latency gets: clock and scheduling noise. */
export const MIN_LEARNED_HOLD_MS = 10;

/**
 * What a round holds beyond the dispatch skew: twice the latency its pings had last time (a ping is billed for its
 * hold, so the policy's whole `holdMs` is paid only while nothing is known), never more than the policy's. A round
 * whose pings did not overlap holds twice as long in its top-up, and its proofs raise the learned latency.
 */
function overlapMargin(request: WarmRequest): number {
  if (request.latencyMs === undefined) return request.holdMs;
  return Math.min(request.holdMs, Math.max(MIN_LEARNED_HOLD_MS, Math.ceil(2 * request.latencyMs)));
}

/**
 * The deadline a round's pings are held to: its hold, plus the dispatch time of its pings, so the last one is sent
 * before the first is released. One rule for the controller (round.ts) and the simulator.
 */
export function holdUntilOf(
  startedAt: number,
  step: { readonly holdMs: number; readonly size: number },
  rules: Pick<RoundRules, 'dispatchMsPerPing'>,
): number {
  return startedAt + step.holdMs + Math.ceil(step.size * rules.dispatchMsPerPing);
}

/**
 * The pings of one tick's rounds leave through one client whose sends are CPU-bound, one after another: a round
 * started while others' pings are still being sent has its own sent after them. `free` is when, by the controller's
 * pace (`dispatchMsPerPing`), the pings queued so far will all have left.
 */
export interface DispatchQueue {
  free: number;
}

/**
 * When a round of `size` pings started at `now` will begin to leave, behind the pings queued before it; queues its
 * own. A round's hold is counted from then, or the pings of a round started behind many others would leave after
 * their shared deadline and overlap with nothing. Without a queue, at once.
 */
export function dispatchStart(
  queue: DispatchQueue | undefined,
  now: number,
  size: number,
  rules: Pick<RoundRules, 'dispatchMsPerPing'>,
): number {
  if (queue === undefined) return now;
  const start = Math.max(now, queue.free);
  queue.free = start + size * rules.dispatchMsPerPing;
  return start;
}

/**
 * How long a round's pings took to reach their environments beyond the dispatch skew its hold allows for (ms),
 * from the holds the warm proofs report: the last ping to arrive was held the least, until the shared deadline.
 * Undefined with fewer than two warm proofs (nothing to compare) — cold pings arrive after their init.
 */
export function roundLatency(
  round: { readonly startedAt: number; readonly holdUntil: number; readonly size: number },
  warmHeldMs: readonly number[],
  rules: Pick<RoundRules, 'dispatchMsPerPing'>,
): number | undefined {
  if (warmHeldMs.length < 2) return undefined;
  const lastArrival = round.holdUntil - round.startedAt - Math.min(...warmHeldMs);
  return Math.max(0, Math.round(lastArrival - round.size * rules.dispatchMsPerPing));
}

/** The first round: as many pings as wanted within the budget. */
export function firstRound(request: WarmRequest, rules: RoundRules): RoundState {
  const size = Math.max(1, Math.min(request.count, wantedOf(request)));
  return { rounds: 0, step: { kind: 'round', size, holdMs: holdFor(size, request, rules), pauseMs: 0 } };
}

/** Environments the warm-up tries to prove: the count itself when nothing can be proven. */
export function wantedOf(request: WarmRequest): number {
  return request.proof ? request.wanted : request.count;
}

/**
 * Whether the next round may start: not past `maxRounds`, and its pause, hold and dispatch (plus a second of
 * answer time) end before `deadline`.
 */
export function mayStart(state: RoundState, rules: RoundRules, now: number, deadline: number): RoundStep {
  const { step } = state;
  if (step.kind === 'stop') return step;
  if (state.rounds >= rules.maxRounds) return { kind: 'stop', reason: 'max-rounds' };
  const estimate = step.pauseMs + step.holdMs + step.size * rules.dispatchMsPerPing + 1000;
  if (now + estimate > deadline) return { kind: 'stop', reason: 'time-budget' };
  return step;
}

/**
 * After a round: stop when everything wanted is proven, when the budget is spent, or when retrying cannot help;
 * otherwise the next round. Throttles halve the next round, and a round no larger than what is already proven
 * could not add anything, so the loop stops there instead of hammering. When every ping answered yet some shared
 * an environment, they did not overlap: the next round holds twice as long.
 */
export function afterRound(
  state: RoundState,
  request: WarmRequest,
  rules: RoundRules,
  tally: RoundTally,
  random: () => number,
): RoundState {
  const rounds = state.rounds + 1;
  const stop = (reason: WarmStop): RoundState => ({ rounds, step: { kind: 'stop', reason } });
  const previous = state.step.kind === 'round' ? state.step : { size: 1, holdMs: 0 };
  const wanted = wantedOf(request);
  if (!request.proof) return stop('no-proof');
  if (tally.proven >= wanted) return stop('proven');
  // A round can prove at most as many environments as it sends pings: with the budget below what is wanted,
  // the round that filled it is the last one.
  if (tally.proven >= request.count) return stop('budget');
  if (tally.fatal) return stop(tally.fatal);
  const backoff = rules.backoffMs * 2 ** (rounds - 1) * (0.5 + random() / 2);
  if (tally.throttled > 0) {
    const size = Math.max(1, Math.floor(tally.sent / 2));
    if (size <= tally.proven) return stop('throttled');
    const pauseMs = Math.max(backoff, tally.retryAfterMs ?? 0);
    return { rounds, step: { kind: 'round', size, holdMs: holdAfter(previous.holdMs, size, request, rules), pauseMs } };
  }
  const size = Math.max(1, Math.min(previous.size, wanted));
  if (tally.transient > 0) {
    return {
      rounds,
      step: { kind: 'round', size, holdMs: holdAfter(previous.holdMs, size, request, rules), pauseMs: backoff },
    };
  }
  const longer = Math.min(rules.maxHoldMs, Math.max(holdFor(size, request, rules), previous.holdMs * 2));
  return { rounds, step: { kind: 'round', size, holdMs: longer, pauseMs: 0 } };
}

/** A retried round keeps what the last one held, but never less than its own size needs. */
function holdAfter(previousHold: number, size: number, request: WarmRequest, rules: RoundRules): number {
  return size <= 1 ? 0 : Math.max(previousHold, holdFor(size, request, rules));
}
