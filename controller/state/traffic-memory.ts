import { predictsIdle, type TrafficHistory } from '../plan';
import type { TargetState } from './store';
import { unsavedState } from './unsaved-state';

/**
 * How long a target's stored traffic history may lag its rounds while the controller's memory holds the newer
 * ones. Saving the history after every round was one billed write per target and round (an auto-mode item is 1–2
 * KB): more than the ping it recorded. Between saves the history lives in the memory of the controller's execution
 * environment; one that starts cold plans from the stored copy, at most this old.
 */
export const TRAFFIC_SAVE_EVERY_MS = 60 * 60_000;

/**
 * Whether a round that changed nothing but the traffic history must save it: the stored copy is old enough, and the
 * history has seen a real request the stored copy has not (`lastRealAt`, when given: the newest real request of the
 * history and of the stored copy). A function no request reached since then has taught the history nothing a cold
 * controller would plan differently by — its rates and load only fall, and every use of them is judged by how long
 * ago the last request came — so a sparse function's item is not rewritten hourly for nothing.
 */
export function trafficSaveDue(
  savedAt: number | undefined,
  now: number,
  lastRealAt?: { readonly history: number | undefined; readonly saved: number | undefined },
): boolean {
  if (savedAt === undefined) return true;
  if (lastRealAt !== undefined && lastRealAt.history === lastRealAt.saved) return false;
  return now - savedAt >= TRAFFIC_SAVE_EVERY_MS;
}

/** What the save rule (roundSave) compares a newer traffic history with: the stored copy, summed up. */
export interface SavedTraffic {
  /** When it was observed (its `at`). */
  readonly at: number;
  /** The newest real request it had seen. */
  readonly lastRealAt?: number;
  /** Whether its idle times predicted the next request (predictsIdle). */
  readonly predictsIdle: boolean;
}

/**
 * What a state keeps of its stored traffic history while planning with a newer one from memory (TrafficMemory), for
 * the save rule; nothing when none is stored.
 */
export function savedTraffic(traffic: TrafficHistory | undefined): Pick<TargetState, 'trafficSaved'> {
  if (traffic === undefined) return {};
  const { at, lastRealAt, idleTimes } = traffic;
  return {
    trafficSaved: { at, ...(lastRealAt !== undefined ? { lastRealAt } : {}), predictsIdle: predictsIdle(idleTimes) },
  };
}

/**
 * Traffic histories newer than the stored ones, kept for the life of the controller's execution environment
 * (built once in wiring.ts). Shards land on whichever environment is free, so a history may be missing here: the
 * stored one is then used, never anything older.
 */
export class TrafficMemory {
  private readonly histories = new Map<string, TrafficHistory>();
  /** When this environment began keeping the history of each target no item holds. */
  private readonly unsaved = new Map<string, number>();

  /** `unsavedAt`: no item holds the target; the first such time is kept (unsavedSince). */
  remember(key: string, traffic: TrafficHistory, unsavedAt?: number): void {
    this.histories.set(key, traffic);
    if (unsavedAt !== undefined && !this.unsaved.has(key)) this.unsaved.set(key, unsavedAt);
  }

  /** When this environment began keeping the history of `key`, no item holding it; `now` if it has not yet. */
  unsavedSince(key: string, now: number): number {
    return this.unsaved.get(key) ?? now;
  }

  /** The stored copy is the newest now. */
  forget(key: string): void {
    this.histories.delete(key);
    this.unsaved.delete(key);
  }

  /**
   * Each state with the history it should be planned with: the remembered one where it is newer than the stored
   * one, which the state's `trafficSaved` sums up. A key of `keys` no item holds yet gets a state of its remembered
   * history alone (see roundSave's first rounds).
   */
  merge(states: Map<string, TargetState>, keys: readonly string[] = []): void {
    const unsaved = keys.filter((key) => !states.has(key) && this.histories.has(key));
    for (const [key, state] of states) {
      const savedAt = state.traffic?.at;
      const remembered = this.histories.get(key);
      const newer = remembered !== undefined && (savedAt === undefined || remembered.at > savedAt);
      if (!newer) this.forget(key);
      else this.unsaved.delete(key);
      states.set(key, {
        ...state,
        ...(newer ? { traffic: remembered } : {}),
        ...savedTraffic(state.traffic),
      });
    }
    for (const key of unsaved) states.set(key, { ...unsavedState(key), traffic: this.histories.get(key)! });
  }
}
