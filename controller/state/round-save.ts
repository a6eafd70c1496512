import { idlePredictionChanged, type TrafficHistory } from '../plan';
import { type SavedTraffic, trafficSaveDue } from './traffic-memory';

/** A traffic history as text without the time of its last round (which the ping ledger can carry). */
function trafficText(traffic: TrafficHistory | undefined): string | undefined {
  if (traffic === undefined) return undefined;
  const { at: _at, ...rest } = traffic;
  return JSON.stringify(rest);
}

/** Where a round's outcome is kept: the controller's memory only, the shard's ping ledger, or the target's item. */
export type RoundSave = 'memory' | 'ledger' | 'item';

/**
 * Where the round of a target no item holds yet goes. Writing its item at once was a billed write per target in an
 * account's first tick, most of them for functions whose rounds had taught nothing yet. The item is written when
 * the history the environment has learned since it began keeping it (`since`) would be saved if it were stored:
 * an hour on, once it has seen a real request (trafficSaveDue, with nothing stored), or at once when its idle times
 * come to predict the next request, or when a round is of more than one environment (a size learned, or rounds that
 * must be held). Until then a controller starting cold loses at most the hour a stored copy may lag by, as for any
 * target. Without an environment that keeps the history (`since` undefined: shards land on any environment), the item.
 * Nor is the hour waited for where an earlier environment pinged the target and its history went with it (`forgot`:
 * the ledger knows a round, this environment has not lived from one tick to the next): a controller paused for
 * longer than Lambda keeps it idle starts cold every tick, and would forget each round's real requests before the
 * next (tried: a busy function alone, its rounds every 30 minutes, each in a new environment, learned nothing for a
 * day). An account's first tick, which starts cold too, still saves nothing it did not learn for an hour.
 */
function firstRound(
  round: { readonly probe: boolean; readonly wanted: number; readonly traffic: TrafficHistory | undefined },
  since: number | undefined,
  now: number,
  keepAliveMs: number | undefined,
  forgot: boolean,
): RoundSave {
  if (since === undefined || round.wanted !== 1) return 'item';
  const traffic = round.traffic;
  const predicts =
    traffic !== undefined && keepAliveMs !== undefined && idlePredictionChanged(traffic.idleTimes, false, keepAliveMs);
  const learned =
    traffic?.lastRealAt !== undefined &&
    (forgot || trafficSaveDue(since, now, { history: traffic.lastRealAt, saved: undefined }));
  if (predicts || learned) return 'item';
  return round.probe ? 'memory' : 'ledger';
}

/**
 * The one rule for where a ping round goes, used by the controller (run.ts) and by the simulator's bill of its state
 * table. A target no item holds yet is saved once what it taught would be (firstRound). A round that proved what the
 * last one did changes nothing but its time: the ledger. So does one that also
 * changed the traffic history while the stored copy is recent and the environment keeps the newer one in memory;
 * a probe (whose record is not kept) then leaves nothing to write at all. Anything else is saved in the item.
 */
export function roundSave(
  round: {
    readonly probe: boolean;
    readonly wanted: number;
    readonly proven: number;
    readonly traffic: TrafficHistory | undefined;
  },
  stored:
    | {
        readonly lastWanted?: number;
        readonly lastProven?: number;
        readonly traffic?: TrafficHistory;
        /** The stored traffic history summed up (TargetState.trafficSaved). */
        readonly trafficSaved?: SavedTraffic;
      }
    | undefined,
  context: {
    /** The environment keeps traffic histories between ticks (TrafficMemory). */
    readonly memory: boolean;
    /** On the clock the traffic histories are timed by. */
    readonly now: number;
    /** Something else about the target changed (ownership, facts, a settled copy, a corrupt item): a save. */
    readonly otherChange: boolean;
    /** The policy's keep-alive window (`warm.interval`), when the round has a policy. */
    readonly keepAliveMs?: number;
    /**
     * For a target no item holds (`stored` undefined): when the environment began keeping its history
     * (TrafficMemory.unsavedSince); undefined when the round's history is not kept between ticks.
     */
    readonly unsavedSince?: number;
    /**
     * Whether the environment ran a tick before this one: it has shown that it lives from one tick to the next
     * (RememberedItems.ranBefore). Undefined: it does.
     */
    readonly livesOn?: boolean;
    /** For a target no item holds: whether the ping ledger knows an earlier round of it. */
    readonly pingedBefore?: boolean;
  },
): RoundSave {
  if (context.otherChange) return 'item';
  if (stored === undefined) {
    const forgot = context.livesOn === false && context.pingedBefore === true;
    return firstRound(round, context.unsavedSince, context.now, context.keepAliveMs, forgot);
  }
  // Idle times that just came to predict the next request (or stopped) change how a sparse function is pinged
  // (pre-warm or keep alive): a controller starting cold must not lose that and keep alive for hours more.
  const predictionChanged =
    round.traffic !== undefined &&
    context.keepAliveMs !== undefined &&
    idlePredictionChanged(round.traffic.idleTimes, stored.trafficSaved?.predictsIdle ?? false, context.keepAliveMs);
  const trafficKept =
    context.memory &&
    round.traffic !== undefined &&
    !predictionChanged &&
    !trafficSaveDue(stored.trafficSaved?.at, context.now, {
      history: round.traffic.lastRealAt,
      saved: stored.trafficSaved?.lastRealAt,
    });
  if (round.probe) return trafficKept ? 'memory' : 'item';
  const sameTraffic = trafficText(round.traffic) === trafficText(stored.traffic);
  // Another size is saved with its history, not kept beside its time in the ledger: a controller starting cold plans
  // from the stored history, and one from before the change would take it back (tried: a busy function whose load
  // was still being learned went back to one environment after each cold start, and was pinged twice as often).
  const sameRound = round.wanted === stored.lastWanted && round.proven === stored.lastProven;
  return sameRound && (sameTraffic || trafficKept) ? 'ledger' : 'item';
}
