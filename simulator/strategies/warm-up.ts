import {
  afterRound,
  firstRound,
  mayStart,
  type RoundRules,
  type RoundState,
  type RoundTally,
  type WarmRequest,
  type WarmStop,
} from '../../controller/ping/rounds';

/** A round the simulator is asked to perform: `size` pings sent at `at`, held `holdMs`. */
export interface SimulatedRound {
  readonly at: number;
  readonly size: number;
  readonly holdMs: number;
}

export interface WarmUpDriver {
  /** Performs a round in the model and reports its tally when its last answer is back. */
  readonly perform: (round: SimulatedRound, report: (tally: RoundTally, finishedAt: number) => void) => void;
  /** Runs `run` at virtual time `t` (the engine's event queue). */
  readonly at: (t: number, run: (now: number) => void) => void;
  readonly random: () => number;
  readonly done: (finishedAt: number, stop: WarmStop, state: RoundState) => void;
}

/**
 * One target's warm-up in virtual time, by the controller's own round rules (controller/ping/rounds.ts): the same
 * sizes, holds, pauses and stops as controller/ping/warm.ts, with outcomes from the model instead of Invoke.
 */
export function driveWarmUp(request: WarmRequest, rules: RoundRules, startAt: number, driver: WarmUpDriver): void {
  let state = firstRound(request, rules);
  const next = (now: number) => {
    const step = mayStart(state, rules, now, Number.POSITIVE_INFINITY);
    if (step.kind === 'stop') {
      driver.done(now, step.reason, state);
      return;
    }
    const send = (at: number) =>
      driver.perform({ at, size: step.size, holdMs: step.holdMs }, (tally, finishedAt) => {
        state = afterRound(state, request, rules, tally, driver.random);
        next(finishedAt);
      });
    if (step.pauseMs > 0) driver.at(now + step.pauseMs, send);
    else send(now);
  };
  next(startAt);
}
