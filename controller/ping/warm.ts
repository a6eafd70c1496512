import type { EnvironmentProof, InitType } from '../../target/protocol';
import type { LambdaInvoker } from '../aws/ports';
import type { Clock } from '../clock';
import type { WeightedSemaphore } from '../concurrency';
import type { PingDecision } from '../plan';
import { PING_OUTCOME_KINDS, type PingOutcome, type PingOutcomeKind, zeroOutcomes } from './outcome';
import { type RoundTiming, sendRound } from './round';

export interface WarmConfig extends RoundTiming {
  /** Rounds per target per tick (the first one plus top-ups): the cost budget of proving N environments. */
  readonly maxRounds: number;
  /** Base pause before a round that follows throttles or transient errors; doubles each time, with jitter. */
  readonly backoffMs: number;
  /** Upper bound when a top-up round lengthens the hold because pings did not overlap. */
  readonly maxHoldMs: number;
  /**
   * Added to the first round's hold when new environments are expected: a cold start keeps its environment busy
   * only until init ends, so without it an environment that started fast is released while slower ones still
   * start, and late pings reuse it instead of proving another.
   */
  readonly coldStartAllowanceMs: number;
}

export const DEFAULT_WARM_CONFIG: WarmConfig = {
  callTimeoutMs: 10_000,
  dispatchMsPerPing: 2,
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
  /** Epoch ms after which no new round starts and unanswered pings are given up (the tick's time budget). */
  readonly deadline: number;
  readonly random?: () => number;
}

export interface EnvironmentSummary {
  readonly envId: string;
  readonly firstInvocation: boolean;
  readonly initType: InitType;
  readonly initDurationMs: number;
  readonly pingsServed: number;
  readonly realServed: number;
  readonly lastRealRequestAt: number | null;
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
}

/**
 * Pings a target until `wanted` distinct environments are proven or the cost/time budget runs out. Every round
 * is a full round (all pings in flight together): idle warm environments take pings first, so only a round at
 * least as large as the proven set can reach new ones. Throttles halve the next round; a round no larger than
 * what is already proven could not add anything, so the loop stops there instead of hammering.
 */
export async function warmTarget(
  deps: WarmDeps,
  decision: Pick<PingDecision, 'function' | 'qualifier' | 'count' | 'wanted' | 'holdMs' | 'payload' | 'proof'> &
    Partial<Pick<PingDecision, 'expectCold'>>,
  runId: string,
  config: WarmConfig = DEFAULT_WARM_CONFIG,
): Promise<WarmResult> {
  const { clock } = deps;
  const random = deps.random ?? Math.random;
  const outcomes = zeroOutcomes();
  const messages: Partial<Record<PingOutcomeKind, string>> = {};
  const environments = new Map<string, EnvironmentProof>();
  const wanted = decision.proof ? decision.wanted : decision.count;
  let size = Math.min(decision.count, wanted);
  let hold = decision.holdMs + (decision.expectCold ? config.coldStartAllowanceMs : 0);
  let rounds = 0;
  let pingsSent = 0;
  let answered = 0;
  let stoppedBy: WarmStop = 'max-rounds';
  let pause = 0;

  while (true) {
    if (rounds >= config.maxRounds) {
      stoppedBy = 'max-rounds';
      break;
    }
    const estimate = pause + hold + size * config.dispatchMsPerPing + 1000;
    if (clock.now() + estimate > deps.deadline) {
      stoppedBy = 'time-budget';
      break;
    }
    if (pause > 0) await clock.sleep(pause);
    const permits = deps.semaphore ? await deps.semaphore.acquire(size) : size;
    let results: readonly PingOutcome[];
    try {
      const round = await sendRound(
        deps.invoker,
        {
          function: decision.function,
          qualifier: decision.qualifier,
          size: permits,
          holdMs: hold,
          payload: decision.payload,
          proof: decision.proof,
          runId: `${runId}-${rounds}`,
          deadline: deps.deadline,
        },
        config,
        clock,
      );
      results = round.outcomes;
    } finally {
      deps.semaphore?.release(permits);
    }
    rounds += 1;
    pingsSent += permits;

    const round = zeroOutcomes();
    let retryAfter = 0;
    for (const outcome of results) {
      round[outcome.kind] += 1;
      outcomes[outcome.kind] += 1;
      if (outcome.kind === 'ok') {
        answered += 1;
        if (outcome.proof && !environments.has(outcome.proof.envId))
          environments.set(outcome.proof.envId, outcome.proof);
      } else {
        if (messages[outcome.kind] === undefined) messages[outcome.kind] = describeOutcome(outcome);
        if (outcome.kind === 'throttled' && outcome.retryAfterMs)
          retryAfter = Math.max(retryAfter, outcome.retryAfterMs);
      }
    }

    if (!decision.proof) {
      stoppedBy = 'no-proof';
      break;
    }
    if (environments.size >= wanted) {
      stoppedBy = 'proven';
      break;
    }
    // A round can prove at most as many environments as it sends pings: with the budget below what is wanted,
    // the round that filled it is the last one.
    if (environments.size >= decision.count) {
      stoppedBy = 'budget';
      break;
    }
    const fatal = (['not-found', 'function-error', 'invalid-response'] as const).find(
      (kind) => round[kind] > 0 && round[kind] + round.ok === permits && round.ok === 0,
    );
    if (fatal) {
      // Retrying cannot help: the function or alias is missing, or every answer failed the same way.
      stoppedBy = fatal;
      break;
    }
    const backoff = config.backoffMs * 2 ** (rounds - 1) * (0.5 + random() / 2);
    if (round.throttled > 0) {
      size = Math.max(1, Math.floor(permits / 2));
      pause = Math.max(backoff, retryAfter);
      if (size <= environments.size) {
        stoppedBy = 'throttled';
        break;
      }
    } else if (round.error > 0 || round['timed-out'] > 0) {
      pause = backoff;
    } else {
      // Every ping answered yet some shared an environment: they did not overlap, so hold longer.
      pause = 0;
      hold = Math.min(config.maxHoldMs, hold * 2);
    }
    size = Math.min(size, wanted);
  }

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
    pingsSent,
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
      pingsServed: proof.pingsServed,
      realServed: proof.realServed,
      lastRealRequestAt: proof.lastRealRequestAt,
    })),
  };
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
