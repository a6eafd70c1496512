/**
 * What Thermostat knows about a target's real traffic, and the one function that updates it. Two sources feed the
 * same model: the proofs of each ping round (free: every environment reports what it served) and, where a decision
 * is worth a CloudWatch read, per-minute statistics. The controller feeds it from Invoke and GetMetricData, the
 * simulator from its Lambda model, so the planner sees the same history either way.
 */
import type { UtilizationObservation } from './observed';

/** What one environment said about itself when a ping reached it. */
export interface Sighting {
  readonly envId: string;
  /** Epoch ms the environment started. */
  readonly initAt: number;
  /** Real requests it has served since it started. */
  readonly realServed: number;
  /** Their handler time, if the helper reports it. */
  readonly realBusyMs?: number;
  /** Epoch ms of its last real request, or null. */
  readonly lastRealAt: number | null;
  /** The helper's view of its init time (ms), when the ping itself started the environment. */
  readonly initMs?: number;
  /**
   * Its longest and shortest idle gap between real requests (end of one to start of the next), once it has served
   * two: exact, where the idle times below are only what the rounds could see.
   */
  readonly longestIdleMs?: number;
  readonly shortestIdleMs?: number;
}

/** Per-minute statistics of the target (CloudWatch in production; the model in the simulator). */
export interface MinuteStatistics {
  /** Epoch ms of the first minute. */
  readonly from: number;
  /** Real invocations per minute, or their sum over the minutes covered (the controller's pings subtracted). */
  readonly invocations: readonly number[];
  /** Average concurrency per minute (busy environment-time / 60 s). */
  readonly load: readonly number[];
  /** Peak concurrency per minute. */
  readonly peak: readonly number[];
  /** Busy share of the first, second... environment over the minutes (unitBusyShares), when read per minute. */
  readonly unitBusy?: readonly number[];
}

/** Environments whose busy share a read keeps: more units than any policy would sensibly buy on one read. */
export const UNIT_SHARES_KEPT = 20;

/**
 * The busy share of the first, second... environment over `minutes` minutes, from each minute's average concurrency
 * (minutes without data count as idle): in a minute at 2.5 the first two are busy throughout and the third half of it.
 * Measured, it stands for what a provisioned unit would carry where Erlang's formula from the mean load cannot: a
 * burst of 16 five-minute requests an hour averages 1.3 concurrent, at which the formula has the first unit busy 57% of
 * the time, where it is busy 8%. Trailing idle units are left out; at most UNIT_SHARES_KEPT, to three decimals.
 */
export function unitBusyShares(minuteAverages: readonly number[], minutes: number): number[] {
  const shares: number[] = [];
  if (minutes <= 0) return shares;
  for (let unit = 0; unit < UNIT_SHARES_KEPT; unit++) {
    let busy = 0;
    for (const average of minuteAverages) busy += Math.min(1, Math.max(0, average - unit));
    if (busy === 0) break;
    shares.push(Math.round((1000 * busy) / minutes) / 1000);
  }
  return shares;
}

/** One environment as the last round saw it. */
export interface SeenEnvironment {
  readonly envId: string;
  /** Epoch ms it started (absent in histories saved before it was kept). */
  readonly initAt?: number;
  /** Real requests per minute it served over its life so far. */
  readonly ratePerMinute: number;
  readonly lastRealAt: number | null;
  readonly realServed: number;
  /** Its longest and shortest idle gap between real requests, when it reported them (see Sighting). */
  readonly longestIdleMs?: number;
  readonly shortestIdleMs?: number;
}

/** The target's traffic history, kept between ticks (small: bounded lists). */
export interface TrafficHistory {
  /** Epoch ms of the newest observation. */
  readonly at: number;
  /** Environments the last ping round reached, busiest first. */
  readonly environments: readonly SeenEnvironment[];
  /** Offered load (Erlangs: average concurrency) of real traffic, smoothed; undefined until anything shows it. */
  readonly load?: number;
  /** Peak per-minute concurrency of the last read of minute statistics, if any. */
  readonly peak?: number;
  /** Real requests per minute in the last read of minute statistics, if any. */
  readonly metricsRate?: number;
  /** Where the load comes from. */
  readonly loadSource?: 'proofs' | 'metrics';
  /** Epoch ms of the last read of minute statistics (their cost is rationed). */
  readonly metricsAt?: number;
  /**
   * The loads of the last two reads of minute statistics, newest last: provisioned units are added only on a load
   * both show, since a burst of long requests reads as a steady load over the minutes one read covers; the two cover
   * different minutes (minuteReadMinutes).
   */
  readonly readLoads?: readonly number[];
  /**
   * The busy shares per environment the same two reads measured (unitBusyShares), newest last: what a provisioned
   * unit would carry, where only the loads' mean was known before.
   */
  readonly readUnitBusy?: ReadonlyArray<readonly number[]>;
  /** Newest real request seen on any environment. */
  readonly lastRealAt?: number;
  /** Recent idle times between real requests (ms), newest last: the hybrid histogram's input. */
  readonly idleTimes: readonly number[];
  /** Observed init duration of the function (ms), smoothed. */
  readonly initMs?: number;
  /** How long its held rounds' pings took to reach their environments beyond the dispatch skew (ms). */
  readonly latencyMs?: number;
  /** Mean handler time of real requests on the environments seen (ms), when the helper reports busy time. */
  readonly meanRequestMs?: number;
  /** The last traffic probe (one unheld ping) since the last full round, if any. */
  readonly probe?: TrafficProbe;
  /**
   * The most environments one round found used by real traffic since the round before (each had served a request
   * in between), and when the last of them did, while that is recent (BURST_MEMORY_MS): bursts of parallel requests
   * leave that many environments behind, which pings can keep warm for the next burst without an INIT.
   */
  readonly burst?: Burst;
  /**
   * Set when the last full round found every environment it reached used by real traffic since the round before, one
   * of them started by a real request (a user's cold start) in between: traffic outgrew the environments kept warm,
   * and a round reaches only as many environments as it pings, so it cannot tell by how much.
   */
  readonly outgrown?: Outgrown;
}

/** A round (`at`) that found traffic outgrowing the environments it reached, and the round before it (`since`). */
export interface Outgrown {
  readonly at: number;
  readonly since: number;
}

/** Environments real traffic used between two rounds, and when the last of them served it (epoch ms). */
export interface Burst {
  readonly environments: number;
  readonly at: number;
}

/**
 * Traffic a full round found keeping the environments warm is checked again (by a probe) this long after: the
 * horizon over which one observation of traffic is trusted.
 */
export const MAX_TRAFFIC_HORIZON_MS = 30 * 60_000;

/**
 * The longest horizon traffic earns: each probe that confirms it trusts it for as long again as it has been confirmed
 * since the last full round (30 minutes, then 30, 60, 120), up to this. Traffic that kept a function warm for hours
 * rarely stops within the next one, and every check of a function whose controller has nothing else to do is a tick
 * that starts cold; a stop is still noticed within two hours by any tick that runs (a busy function's check may wait
 * longer while nothing else wakes the controller: LONGEST_TRUST_MS), and a fall at the next check.
 */
export const LONGEST_TRAFFIC_HORIZON_MS = 120 * 60_000;

/**
 * The longest a check of such traffic is put off while the controller has nothing else to do: where a stop that goes
 * unnoticed would cost a negligible share of what the objective allows (MISSED_STOP_SHARE), the controller need not
 * wake for that target alone more than once a day. A tick that runs for anything else still checks it on its
 * trusted horizon above.
 */
export const LONGEST_TRUST_MS = 24 * 3_600_000;

/**
 * A stop of the traffic that goes unnoticed costs the environments the rounds would have kept (their cold starts when
 * requests come back). A check is put off (LONGEST_TRUST_MS) only where that is at most this share of the cold
 * starts the objective allowed the requests the traffic brought while it was trusted: a busy function's check is not
 * worth a wake of the controller of its own, a moderate one's is.
 */
export const MISSED_STOP_SHARE = 0.1;

/**
 * How long a burst's environments are kept warm after it: one observation's horizon; bursts that recur within it
 * find their environments warm.
 */
export const BURST_MEMORY_MS = MAX_TRAFFIC_HORIZON_MS;

/** What one traffic probe saw: the environment a single unheld ping reached, and its recent traffic. */
export interface TrafficProbe {
  readonly at: number;
  /**
   * Real requests per minute that environment served since the probe before found it (or the last full round, or
   * over its life): the rate now, not diluted by the hours traffic has been trusted.
   */
  readonly ratePerMinute: number;
  /** The environment it reached, and the real requests it had served: where the next probe's rate starts. */
  readonly envId?: string;
  readonly realServed?: number;
  readonly lastRealAt: number | null;
  /** How long the rate was measured over (ms): since the probe before, the last full round, or its start. */
  readonly overMs?: number;
  /** What that environment reported of its idle gaps over its life (see Sighting), and how many requests. */
  readonly gaps?: IdleGaps;
}

/** An environment's idle gaps between real requests: `count` of them, the longest and the shortest (ms). */
export interface IdleGaps {
  readonly count: number;
  readonly longestMs: number;
  readonly shortestMs: number;
}

/** The idle-gap pair of a proof, sighting or seen environment, to copy along: both when both are known, else none. */
export function idleGapFields(source: { readonly longestIdleMs?: number; readonly shortestIdleMs?: number }): {
  readonly longestIdleMs?: number;
  readonly shortestIdleMs?: number;
} {
  const { longestIdleMs, shortestIdleMs } = source;
  return longestIdleMs !== undefined && shortestIdleMs !== undefined ? { longestIdleMs, shortestIdleMs } : {};
}

/** What a seen environment or a probe reported of its idle gaps, if it has served two real requests. */
export function idleGapsOf(env: {
  readonly realServed: number;
  readonly longestIdleMs?: number;
  readonly shortestIdleMs?: number;
}): IdleGaps | undefined {
  if (env.longestIdleMs === undefined || env.shortestIdleMs === undefined || env.realServed < 2) return undefined;
  return { count: env.realServed - 1, longestMs: env.longestIdleMs, shortestMs: env.shortestIdleMs };
}

/** Idle times kept per target: enough for a 5th/99th percentile without growing the state item. */
export const IDLE_TIMES_KEPT = 48;
/** Environments kept per target (the busiest). */
const ENVIRONMENTS_KEPT = 16;
/** Weight of a new load estimate against the smoothed one. */
const LOAD_SMOOTHING = 0.5;
const MINUTE_MS = 60_000;
/** The shortest life over which an environment's busy share counts as load. */
const LOAD_MIN_LIFE_MS = 5 * MINUTE_MS;

export const EMPTY_TRAFFIC: TrafficHistory = { at: 0, environments: [], idleTimes: [] };

const smooth = (old: number | undefined, next: number, weight: number) =>
  old === undefined ? next : old + weight * (next - old);

/**
 * Folds a ping round's sightings into the history: per-environment rates, the newest real request, idle times
 * between real requests (several requests since the last round count as short idle times, so a busy function never
 * looks periodic), the load real traffic put on the environments, and the function's init time.
 */
export function recordSightings(history: TrafficHistory, at: number, sightings: readonly Sighting[]): TrafficHistory {
  if (sightings.length === 0) return { ...history, at: Math.max(history.at, at) };
  const before = new Map(history.environments.map((env) => [env.envId, env]));
  const environments: SeenEnvironment[] = sightings
    .map((sighting) => {
      const life = Math.max(MINUTE_MS, at - sighting.initAt);
      const overLife = (sighting.realServed * MINUTE_MS) / life;
      // The lower of its rate over its life and since the last round (when that round saw it too): traffic
      // concentrates on the fewest environments, so the others' share swings with every burst, and an
      // environment busy in one an hour ago (or just now) must not read as kept busy by a steady rate.
      const seen = before.get(sighting.envId);
      const recent =
        seen !== undefined && history.at > 0 && at > history.at && sighting.realServed >= seen.realServed
          ? ((sighting.realServed - seen.realServed) * MINUTE_MS) / Math.max(MINUTE_MS, at - history.at)
          : overLife;
      return {
        envId: sighting.envId,
        initAt: sighting.initAt,
        ratePerMinute: Math.min(overLife, recent),
        lastRealAt: sighting.lastRealAt,
        realServed: sighting.realServed,
        ...idleGapFields(sighting),
      };
    })
    .sort((a, b) => b.ratePerMinute - a.ratePerMinute)
    .slice(0, ENVIRONMENTS_KEPT);

  const newRequests = requestsSince(history, environments);
  const newest = sightings.reduce<number | undefined>(
    (latest, sighting) =>
      sighting.lastRealAt !== null && (latest === undefined || sighting.lastRealAt > latest)
        ? sighting.lastRealAt
        : latest,
    undefined,
  );
  let idleTimes = [...history.idleTimes];
  let lastRealAt = history.lastRealAt;
  if (newest !== undefined && (lastRealAt === undefined || newest > lastRealAt)) {
    if (lastRealAt !== undefined) {
      const span = newest - lastRealAt;
      // n requests in the span: n idle gaps, the last ending at `newest`; only their mean is known.
      const gaps = Math.max(1, newRequests);
      const shown = Math.min(gaps, IDLE_TIMES_KEPT);
      for (let i = 0; i < shown; i++) idleTimes.push(Math.round(span / gaps));
    }
    lastRealAt = newest;
  }
  idleTimes = idleTimes.slice(-IDLE_TIMES_KEPT);

  // Load from the helper's busy time: each environment's busy share of its life (at least a few minutes, so one
  // long request on a young environment does not read as a busy function); their sum is the load served.
  let load: number | undefined;
  if (sightings.every((sighting) => sighting.realBusyMs !== undefined)) {
    load = sightings.reduce(
      (sum, sighting) => sum + (sighting.realBusyMs ?? 0) / Math.max(LOAD_MIN_LIFE_MS, at - sighting.initAt),
      0,
    );
  }
  const served = sightings.reduce((sum, sighting) => sum + sighting.realServed, 0);
  const busy = sightings.reduce((sum, sighting) => sum + (sighting.realBusyMs ?? 0), 0);
  const meanRequestMs = load !== undefined && served > 0 ? busy / served : history.meanRequestMs;
  const inits = sightings.map((sighting) => sighting.initMs).filter((ms): ms is number => ms !== undefined && ms > 0);
  const initMs = inits.length > 0 ? smooth(history.initMs, Math.max(...inits), LOAD_SMOOTHING) : history.initMs;
  const { probe: _superseded, burst: _burst, outgrown: _outgrown, ...kept } = history;
  const { burst, outgrown } = burstsOf(history, at, sightings);
  const next: TrafficHistory = {
    ...kept,
    at,
    environments,
    idleTimes,
    ...(burst !== undefined ? { burst } : {}),
    ...(outgrown !== undefined ? { outgrown } : {}),
    ...(lastRealAt !== undefined ? { lastRealAt } : {}),
    ...(initMs !== undefined ? { initMs: Math.round(initMs) } : {}),
    ...(meanRequestMs !== undefined ? { meanRequestMs } : {}),
  };
  // Minute statistics, when read recently, are the better source for the load: they see every environment.
  if (load !== undefined && !(history.loadSource === 'metrics' && at - (history.metricsAt ?? 0) < 15 * MINUTE_MS)) {
    return { ...next, load: smooth(history.load, load, LOAD_SMOOTHING), loadSource: 'proofs' };
  }
  return next;
}

/**
 * What a round shows of traffic using several environments at once: those it reached that served a real request
 * since the round before (since the round before the one that found traffic outgrowing, when this round is a larger
 * one sent to look), the most of them kept while recent, and whether traffic outgrew them: all used, and one started
 * by a user's request since then (it served real traffic, so no ping of this round started it, and it started after
 * the round before ended, so none of that round's pings did either) or, for a look, more than the round before
 * reached.
 */
function burstsOf(
  history: TrafficHistory,
  at: number,
  sightings: readonly Sighting[],
): { burst?: Burst; outgrown?: Outgrown } {
  const kept = history.burst !== undefined && at - history.burst.at <= BURST_MEMORY_MS ? history.burst : undefined;
  const since = history.outgrown?.at === history.at ? history.outgrown.since : history.at;
  // A first round has no "before": everything it finds was started by traffic, warmed or not.
  if (since === 0) return kept ? { burst: kept } : {};
  const used = sightings.filter((sighting) => sighting.lastRealAt !== null && sighting.lastRealAt > since);
  const burst =
    used.length >= 2 && used.length >= (kept?.environments ?? 0)
      ? { environments: used.length, at: Math.round(Math.max(...used.map((sighting) => sighting.lastRealAt ?? 0))) }
      : kept;
  const looking = since !== history.at;
  // A look goes on only while it found more than the round before reached, every one of them used: one that found
  // an idle or new environment, or no more than before, has seen how many the burst left.
  const grew = looking
    ? used.length > history.environments.length
    : used.some((sighting) => sighting.initAt > since && sighting.realServed > 0);
  const outgrown = used.length === sightings.length && grew ? { at, since } : undefined;
  return { ...(burst ? { burst } : {}), ...(outgrown ? { outgrown } : {}) };
}

/**
 * What a full round's environments show of real traffic since the round before (at `history.at`): the real requests
 * they served in between, and how many of them a real request started (a user's cold start: it served real traffic,
 * so no ping of this round started it, and it started after the round before). A lower bound: environments the round
 * did not reach are not seen. Undefined for a first round, which has no "before".
 */
export function roundSeen(history: TrafficHistory | undefined, sightings: readonly Sighting[]): RoundSeen | undefined {
  if (history === undefined || history.at === 0) return undefined;
  const coldStarts = sightings.filter((sighting) => sighting.initAt > history.at && sighting.realServed > 0).length;
  return { since: history.at, requests: requestsSince(history, sightings), coldStarts };
}

/**
 * Real requests the environments served since the round `history` describes: per environment it saw too, what it
 * served since; a new one, all it served.
 */
function requestsSince(
  history: TrafficHistory,
  environments: ReadonlyArray<{ readonly envId: string; readonly realServed: number }>,
): number {
  const before = new Map(history.environments.map((env) => [env.envId, env.realServed]));
  return environments.reduce((sum, env) => sum + Math.max(0, env.realServed - (before.get(env.envId) ?? 0)), 0);
}

/** Real traffic a round saw since the round before (roundSeen). */
export interface RoundSeen {
  /** Epoch ms of the round before. */
  readonly since: number;
  readonly requests: number;
  /** Environments a real request started since then: that many of `requests` started cold. */
  readonly coldStarts: number;
}

/**
 * Folds a held round's measured latency (controller/ping/rounds.ts `roundLatency`) into the history: up at once, since
 * a hold too short costs a top-up round; down by halves, and only for a round at under half of it, so one lucky
 * round does not shorten every hold after it, and ordinary jitter changes nothing (the item is not rewritten).
 */
export function recordLatency(history: TrafficHistory, latencyMs: number): TrafficHistory {
  const old = history.latencyMs;
  if (old !== undefined && latencyMs <= old && latencyMs >= old / 2) return history;
  const next = old === undefined || latencyMs > old ? latencyMs : old + 0.5 * (latencyMs - old);
  return { ...history, latencyMs: Math.round(next) };
}

/**
 * Folds a traffic probe into the history without replacing what the last full round saw: one environment's recent
 * rate (since the probe before reached it, else since that round when the round saw it, else over its life) and its
 * last real request. The planner judges it.
 */
export function recordProbe(history: TrafficHistory, at: number, sightings: readonly Sighting[]): TrafficHistory {
  const busiest = sightings.reduce<Sighting | undefined>(
    (best, sighting) => (best === undefined || sighting.realServed > best.realServed ? sighting : best),
    undefined,
  );
  if (busiest === undefined) return history;
  const previous =
    history.probe?.envId === busiest.envId &&
    history.probe.realServed !== undefined &&
    history.probe.at > history.at &&
    history.probe.at < at &&
    busiest.realServed >= history.probe.realServed
      ? { at: history.probe.at, realServed: history.probe.realServed }
      : undefined;
  const before = previous ?? history.environments.find((env) => env.envId === busiest.envId);
  const since = previous !== undefined ? previous.at : before !== undefined ? history.at : busiest.initAt;
  const served = busiest.realServed - (before?.realServed ?? 0);
  const overMs = Math.max(MINUTE_MS, at - since);
  const gaps = idleGapsOf(busiest);
  const probe: TrafficProbe = {
    at,
    ratePerMinute: (Math.max(0, served) * MINUTE_MS) / overMs,
    lastRealAt: busiest.lastRealAt,
    overMs,
    envId: busiest.envId,
    realServed: busiest.realServed,
    ...(gaps ? { gaps } : {}),
  };
  // The idle-time history stays the full rounds': a probe sees one environment, not the function's gaps.
  return { ...history, probe };
}

/** Minutes of statistics a provisioned-concurrency decision needs (it is billed in 5-minute increments). */
export const MINUTES_FOR_PROVISIONED = 15;

/**
 * Folds per-minute statistics into the history: the load and the peak over the minutes read. `minutes` may hold
 * one value covering `covered` minutes (an aggregate read) or one value per minute.
 */
export function recordMinutes(
  history: TrafficHistory,
  at: number,
  minutes: MinuteStatistics,
  covered = minutes.load.length,
): TrafficHistory {
  const count = minutes.load.length;
  if (count === 0 || covered < MINUTES_FOR_PROVISIONED) return { ...history, metricsAt: at };
  const load = minutes.load.reduce((sum, value) => sum + value, 0) / count;
  const peak = Math.max(0, ...minutes.peak);
  const requests = minutes.invocations.reduce((sum, value) => sum + value, 0);
  // Shares go with the reads they came from: a read without them (a reader without per-minute data) drops the older.
  const { readUnitBusy: before, ...kept } = history;
  const shares = minutes.unitBusy === undefined ? undefined : [...(before ?? []).slice(-1), minutes.unitBusy];
  return {
    ...kept,
    load,
    peak,
    metricsRate: requests / covered,
    loadSource: 'metrics',
    metricsAt: at,
    readLoads: [...(history.readLoads ?? []).slice(-1), load],
    ...(shares !== undefined ? { readUnitBusy: shares } : {}),
  };
}

/**
 * Folds one read of minute statistics, summed over its minutes (CloudWatch's Average and Maximum of
 * ConcurrentExecutions, the Invocations Sum), into the history: the one shape every reader produces.
 */
export function recordUtilization(
  history: TrafficHistory,
  at: number,
  utilization: UtilizationObservation,
): TrafficHistory {
  return recordMinutes(
    history,
    at,
    {
      from: at - utilization.minutes * MINUTE_MS,
      invocations: [utilization.invocations ?? 0],
      load: [utilization.averageConcurrency],
      peak: [utilization.peakConcurrency],
      ...(utilization.unitBusy !== undefined ? { unitBusy: utilization.unitBusy } : {}),
    },
    utilization.minutes,
  );
}
