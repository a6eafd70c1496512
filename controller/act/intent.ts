import type { ManagedRecord, TargetObservation } from '../plan';
import type { OwnershipIntent, TargetState } from '../state';

/**
 * Whether an intent was left unconfirmed: the tick that recorded it never saved the target's state afterwards (a
 * save from that tick or a later one confirms it, or supersedes it).
 */
export function isUnconfirmed(intent: OwnershipIntent, state: TargetState | undefined): boolean {
  return state?.lastTick === undefined || state.lastTick < intent.tickId;
}

/** The widest ownership an unconfirmed intent may stand for: what its tick meant to own, else what it owned. */
export function claimed(intent: OwnershipIntent, stored: ManagedRecord | undefined): ManagedRecord | undefined {
  return intent.after ?? intent.before ?? stored;
}

/**
 * What Thermostat owns after a tick whose writes were never confirmed, decided from what is deployed now: the
 * intended record when the qualifier looks as the writes would have left it, the earlier one when it looks as before
 * them, and otherwise (changed since, or only partly written) the intended one when there was one — Thermostat may
 * have created something there, and the planner then sees any difference as a change made outside Thermostat.
 */
export function reconcileIntent(
  intent: OwnershipIntent,
  stored: ManagedRecord | undefined,
  observation: TargetObservation,
): ManagedRecord | undefined {
  const { provisioned: pc, scalableTarget: st } = observation;
  // Not readable this tick: keep the claim, so nothing is forgotten; the planner writes nothing blind meanwhile.
  if (pc === undefined || st === undefined) return claimed(intent, stored);
  const looksLike = (record: ManagedRecord | undefined): boolean => {
    const owned = record?.provisioned;
    if (owned === undefined) return pc === null && st === null;
    if (owned.strategy === 'direct') return st === null && pc !== null && pc.requested === owned.value;
    return st !== null && st.min === owned.min && st.max === owned.max;
  };
  if (looksLike(intent.after)) return intent.after;
  if (looksLike(intent.before ?? stored)) return intent.before ?? stored;
  return intent.after ?? intent.before ?? stored;
}
