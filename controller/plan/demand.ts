/**
 * The demand model: from a target's traffic history, how many environments it needs and when pings are needed at
 * all. Pure; the planner asks it once per target and tick.
 *
 * - A function whose own traffic keeps its environments busy needs no pings: an environment serving r requests a
 *   minute goes a whole keep-alive window G without one with probability e^(−r·G), so when that is below the
 *   cold share the objective allows, pings are skipped until the traffic is checked again.
 * - A sparse function whose idle times are predictable is pre-warmed shortly before its likely next request and
 *   kept warm through the likely idle spread, instead of pinged all the time: the hybrid histogram policy of
 *   "Serverless in the Wild" (Shahrad et al., ATC 2020) — pre-warm at the 5th percentile of idle times, keep alive to
 *   the 99th — used only while the history is long enough (or shows a timer) and where it is cheaper than keeping
 *   alive.
 * - An environment whose own idle gaps (the target helper measures each one) stay inside the keep-alive window
 *   needs no pings either, however few requests that is: a timer-triggered function every 3 minutes keeps its
 *   environment warm by itself, although its rate alone (0.33 a minute) would not say so.
 * - Otherwise: keep alive, one round per interval, as a fixed warmer would.
 */
import { coldShare, environmentsFor } from './erlang';
import { intervalTolerance, onGridBefore } from './interval';
import { percentile } from './statistics';
import {
  BURST_MEMORY_MS,
  IDLE_TIMES_KEPT,
  type IdleGaps,
  idleGapsOf,
  LONGEST_TRAFFIC_HORIZON_MS,
  LONGEST_TRUST_MS,
  MAX_TRAFFIC_HORIZON_MS,
  MISSED_STOP_SHARE,
  type SeenEnvironment,
  type TrafficHistory,
} from './traffic';

const MINUTE_MS = 60_000;

/** Idle times needed before the histogram is trusted (the policy's fallback while history is short). */
export const MIN_IDLE_SAMPLES = 8;
/** The histogram's range, as in the paper: idle times beyond it are not predictable enough to pre-warm for. */
export const HISTOGRAM_RANGE_MS = 4 * 3_600_000;

/**
 * Idle gaps within this ratio of each other read as a timer: periodic traffic whose requests also take about the
 * same time (the gap is the period less the request).
 */
export const REGULAR_GAP_RATIO = 1.1;
/**
 * Gaps that show a timer keeps an environment warm: three random (Poisson) gaps fall within 10% of each other about
 * twice in a thousand. That its requests never overlap takes MIN_IDLE_SAMPLES: a timer whose requests vary in
 * length, or that also gets requests off its timer, shows it over that many.
 */
export const MIN_REGULAR_GAPS = 3;

/** Whether an environment's idle gaps show periodic traffic (a timer): at least `count` of them, all nearly equal. */
export function isRegular(gaps: IdleGaps | undefined, count = MIN_REGULAR_GAPS): boolean {
  return gaps !== undefined && gaps.count >= count && gaps.longestMs <= REGULAR_GAP_RATIO * gaps.shortestMs;
}

/**
 * The longest idle gap an environment should expect from its own traffic: the longest so far when the traffic is
 * periodic; beyond that by the whole spread it showed (shortest to longest) when it is not and enough gaps were seen,
 * since random traffic's next long gap may be longer than any so far. For Poisson arrivals over 8 gaps that asks,
 * typically, for a rate at which a gap past the window comes about once in a hundred, like the objective's rule on
 * rates; the bound tightens as the longest grows with the gaps seen. Undefined while the gaps say too little.
 */
export function expectedLongestGap(gaps: IdleGaps | undefined): number | undefined {
  if (gaps === undefined) return undefined;
  if (isRegular(gaps)) return gaps.longestMs;
  if (gaps.count >= MIN_IDLE_SAMPLES) return 2 * gaps.longestMs - gaps.shortestMs;
  return undefined;
}

const describeGaps = (gaps: IdleGaps) =>
  `${isRegular(gaps) ? 'periodic, ' : ''}idle gaps ${fmtSeconds(gaps.shortestMs)}–${fmtSeconds(gaps.longestMs)} over ${gaps.count}`;
const fmtSeconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

export interface DemandSettings {
  /** Keep-alive window: the policy's ping interval, the idle time it assumes environments survive. */
  readonly intervalMs: number;
  /** Share of requests that should start warm. */
  readonly warmRatio: number;
  /** How often the planner runs (a pre-warm must happen at the tick before the predicted request). */
  readonly tickMs: number;
  /** Cost of one warm ping and of one INIT (a pre-warm that finds no environment pays one), for the choice. */
  readonly pingCostUsd: number;
  readonly initCostUsd: number;
  /** The function's init time, for the pre-warm's lead. */
  readonly initMs: number;
  /** Traffic checks and pre-warms move early onto the interval's grid, as rounds do (PlanOptions.alignRounds). */
  readonly alignRounds?: boolean;
}

export type PingPlan =
  | { readonly kind: 'keep-alive'; readonly why: string }
  | {
      readonly kind: 'kept-warm-by-traffic';
      /** When the traffic is checked again (a probe), in any tick that runs by then. */
      readonly until: number;
      /** The latest that check may wait while the controller has nothing else to do (checkPutOff), when later. */
      readonly latest?: number;
      readonly why: string;
    }
  /** Traffic kept the environments warm when last checked: one unheld ping checks it is still there. */
  | { readonly kind: 'probe'; readonly why: string }
  | {
      readonly kind: 'pre-warm';
      /** When the pre-warm is due. */
      readonly at: number;
      /** Keep alive (one round per interval) from `at` until here. */
      readonly until: number;
      readonly why: string;
    };

const fmtMinutes = (ms: number) => `${(ms / MINUTE_MS).toFixed(ms < 10 * MINUTE_MS ? 1 : 0)} min`;

/**
 * Whether `wanted` environments need pings, and when. `now` is the planning time; `lastPingAt` the last tick that
 * pinged (undefined: never).
 */
export function planPings(
  history: TrafficHistory | undefined,
  wanted: number,
  now: number,
  settings: DemandSettings,
): PingPlan {
  if (history === undefined || history.at === 0) return { kind: 'keep-alive', why: 'no traffic seen yet' };
  const traffic = keptWarmByTraffic(history, wanted, now, settings);
  if (traffic) return traffic;
  if (wanted === 1) {
    const prewarm = preWarm(history, now, settings);
    if (prewarm) return prewarm;
  }
  return { kind: 'keep-alive', why: 'traffic does not keep the environments warm on its own' };
}

function keptWarmByTraffic(
  history: TrafficHistory,
  wanted: number,
  now: number,
  settings: DemandSettings,
): PingPlan | undefined {
  if (history.environments.length < wanted) return undefined;
  const env = history.environments[wanted - 1];
  if (env.lastRealAt === null) return undefined;
  // Recent enough: its last request came within the window, so the rate still describes it.
  if (history.at - env.lastRealAt > settings.intervalMs) return undefined;
  const what = keptBusyBy(env, wanted, settings, history);
  if (what === undefined) return undefined;
  // Later checks are probes: a full held round would occupy every idle environment of a busy function and push
  // its real requests onto new, cold ones; one unheld ping costs a few milliseconds of one environment.
  let confirmedAt = history.at;
  let confirmedRate = env.ratePerMinute;
  const probe = history.probe;
  if (probe !== undefined && probe.at > history.at) {
    const recent = probe.lastRealAt !== null && probe.at - probe.lastRealAt <= settings.intervalMs;
    // Judged as a round's environment is (keptBusyBy).
    const { byGaps, bursty } = gapEvidence(
      probe.ratePerMinute,
      probe.gaps,
      probe.lastRealAt,
      probe.at,
      history,
      settings,
    );
    const needed = Math.max(wanted * keptWarmRate(settings), history.environments[0].ratePerMinute / 2);
    const measured = !bursty && (probe.overMs === undefined || isEvidence(probe.ratePerMinute, probe.overMs, settings));
    // Traffic fell (or the probe found an idle environment): a full round looks at every environment again.
    if (!recent || !(byGaps || (measured && probe.ratePerMinute >= needed))) return undefined;
    confirmedAt = probe.at;
    confirmedRate = probe.ratePerMinute;
  }
  const horizon = confirmedAt + trafficHorizon(history.at, confirmedAt);
  const until = alignedDue(onGridBefore(horizon, settings.intervalMs, confirmedAt), settings, horizon);
  if (now >= until) {
    return {
      kind: 'probe',
      why: `${what}; traffic last confirmed ${fmtMinutes(now - confirmedAt)} ago, so one unheld ping checks it is still there`,
    };
  }
  // A day on, always past the horizon (at most LONGEST_TRAFFIC_HORIZON_MS).
  const latest = checkPutOff(wanted, confirmedRate, history.at, confirmedAt, settings);
  return {
    kind: 'kept-warm-by-traffic',
    until,
    ...(latest ? { latest: latest.until } : {}),
    why: `${what}${confirmedAt > history.at ? `, confirmed by a probe ${fmtMinutes(now - confirmedAt)} ago (${history.probe!.ratePerMinute.toFixed(1)} requests/min)` : ''}; traffic checked again by ${new Date(until).toISOString()}${latest ? `, or by ${new Date(latest.until).toISOString()} if nothing else wakes the controller (${latest.why})` : ''}`,
  };
}

/**
 * Until when a check of traffic confirmed at `confirmedAt` (at `ratePerMinute`, trusted since the full round at
 * `roundAt`) may wait while the controller has nothing else to do, or undefined where it may not wait past its
 * horizon. A stop that goes unnoticed costs at most the `wanted` environments' cold starts when requests come back;
 * the check is put off (a day: LONGEST_TRUST_MS) only where those are at most MISSED_STOP_SHARE of the cold starts
 * the objective allowed the requests seen while the traffic was trusted (one environment's rate: the function's is
 * at least that).
 */
export function checkPutOff(
  wanted: number,
  ratePerMinute: number,
  roundAt: number,
  confirmedAt: number,
  settings: DemandSettings,
): { readonly until: number; readonly why: string } | undefined {
  const requests = (ratePerMinute * Math.max(0, confirmedAt - roundAt)) / MINUTE_MS;
  const allowed = (1 - settings.warmRatio) * requests;
  if (!(wanted <= MISSED_STOP_SHARE * allowed)) return undefined;
  const latest = confirmedAt + LONGEST_TRUST_MS;
  return {
    until: alignedDue(onGridBefore(latest, settings.intervalMs, confirmedAt), settings, latest),
    why: `a stop unnoticed until then would cost at most ${wanted} cold start${wanted === 1 ? '' : 's'}, under ${Math.round(MISSED_STOP_SHARE * 100)}% of the ${Math.floor(allowed)} the objective allowed the ${Math.round(requests)} requests seen since the last full round`,
  };
}

/**
 * How long traffic confirmed at `confirmedAt` is trusted: one horizon after a full round (at `roundAt`), then as long
 * as the probes since have confirmed it without a break, up to LONGEST_TRAFFIC_HORIZON_MS.
 */
export function trafficHorizon(roundAt: number, confirmedAt: number): number {
  return Math.min(LONGEST_TRAFFIC_HORIZON_MS, Math.max(MAX_TRAFFIC_HORIZON_MS, confirmedAt - roundAt));
}

/**
 * The longest idle gap traffic may leave and still keep an environment as warm as pings would: the window, with the
 * slack the planner's own rounds have (a round is sent up to intervalTolerance early or a tick late, so the idle
 * time between two of them may exceed the interval by as much).
 */
function gapAllowed(settings: DemandSettings): number {
  return settings.intervalMs + intervalTolerance(settings.intervalMs);
}

/** Below this probability (a 5% test), a rate does not describe the idle time in progress (rateRefuted). */
const RATE_REFUTED_BELOW = 0.05;

/**
 * The idle time in progress at `at`, comparable with reported gaps (end of one request to the start of the next):
 * from the last request's start, less the mean request.
 */
function idleSince(lastRealAt: number | null, at: number, meanRequestMs: number | undefined): number {
  if (lastRealAt === null) return Number.POSITIVE_INFINITY;
  return Math.max(0, at - lastRealAt - (meanRequestMs ?? 0));
}

/**
 * The gaps with the idle time in progress counted as one more, at least that long. A timer's next request may simply
 * not be due yet; one overdue by more than its own jitter has stopped, or was never a timer (a burst's requests
 * evenly spaced, then quiet).
 */
function withIdleNow(gaps: IdleGaps | undefined, idleNowMs: number): IdleGaps | undefined {
  if (gaps === undefined || idleNowMs <= gaps.longestMs) return gaps;
  if (isRegular(gaps) && idleNowMs <= REGULAR_GAP_RATIO * gaps.shortestMs) return gaps;
  return { ...gaps, longestMs: idleNowMs };
}

/**
 * Requests a window under which an environment's own gaps say whether traffic clusters: one serving a few an interval
 * may see them all in one burst; one serving hundreds stays warm unless the traffic stops (the idle time in progress
 * tells), and its longest gap over its life is no test: pings keep environments alive through the dips of a busy
 * function's traffic, and the one busiest now may have sat through one an hour ago.
 */
const FEW_PER_WINDOW = 100;

/**
 * Whether a steady (Poisson) rate fails to account for the idle gaps an environment showed, as a 5% test
 * (RATE_REFUTED_BELOW): the idle time in progress, which such a rate leaves that long with probability e^(−rate·idle),
 * and, for an environment serving few requests a window, the longest gap it reported among those it served. Only gaps
 * long enough to matter to the window are tested: a busy environment's second of quiet, while a held ping kept it,
 * says nothing about minutes.
 */
function rateRefuted(
  ratePerMinute: number,
  gaps: IdleGaps | undefined,
  idleNowMs: number,
  settings: DemandSettings,
): boolean {
  const matters = settings.intervalMs / 5;
  const chance = (count: number, longestMs: number) =>
    1 - (1 - Math.exp((-ratePerMinute * longestMs) / MINUTE_MS)) ** count;
  if (idleNowMs >= matters && chance(1, idleNowMs) < RATE_REFUTED_BELOW) return true;
  const few = (ratePerMinute * settings.intervalMs) / MINUTE_MS < FEW_PER_WINDOW;
  return (
    few && gaps !== undefined && gaps.longestMs >= matters && chance(gaps.count, gaps.longestMs) < RATE_REFUTED_BELOW
  );
}

/**
 * What an environment's reported gaps and its rate say at `at`, the idle time in progress counted as a gap: whether the
 * gaps alone keep it inside the window, and whether a steady rate fails to account for them (bursty). Random traffic's
 * gaps and its rate must tell the same story: a burst of requests seconds apart followed by minutes of quiet is neither
 * a short-gapped nor a busy environment. A timer's gaps are regular and need no rate.
 */
function gapEvidence(
  ratePerMinute: number,
  reported: IdleGaps | undefined,
  lastRealAt: number | null,
  at: number,
  history: { readonly meanRequestMs?: number },
  settings: DemandSettings,
): { readonly gaps: IdleGaps | undefined; readonly byGaps: boolean; readonly bursty: boolean } {
  const idleNow = idleSince(lastRealAt, at, history.meanRequestMs);
  const gaps = withIdleNow(reported, idleNow);
  const longest = expectedLongestGap(gaps);
  const bursty = rateRefuted(ratePerMinute, reported, idleNow, settings);
  const byGaps = longest !== undefined && longest <= gapAllowed(settings) && (isRegular(gaps) || !bursty);
  return { gaps, byGaps, bursty };
}

/**
 * Why the `wanted`-th environment stays warm on real traffic alone, or undefined: its own idle gaps stay inside the
 * window, or its rate makes a whole window without a request rarer than the objective allows. The history's time is
 * when the environment reported: the time since its last request is an idle gap in progress, at least that long.
 */
function keptBusyBy(
  env: SeenEnvironment,
  wanted: number,
  settings: DemandSettings,
  history: TrafficHistory,
): string | undefined {
  const at = history.at;
  const which = wanted === 1 ? 'the environment' : `${wanted} environments`;
  // Its requests speak for the window only once the environment has lived through one: a burst's requests a second
  // apart on a young environment say nothing about the minutes after it, however many there were.
  if (env.initAt !== undefined && at - env.initAt < settings.intervalMs - intervalTolerance(settings.intervalMs)) {
    return undefined;
  }
  const rate = env.ratePerMinute;
  const { gaps, byGaps, bursty } = gapEvidence(rate, idleGapsOf(env), env.lastRealAt, at, history, settings);
  // Only the busiest environment is judged by its gaps: the others live on its overflow (below), so theirs so far
  // say little about the next dip of the traffic.
  if (wanted === 1 && byGaps && gaps !== undefined) {
    return `real traffic keeps ${which} warm by itself (${describeGaps(gaps)}, inside the ${fmtMinutes(settings.intervalMs)} window)`;
  }
  if (bursty || rate <= 0 || !isEvidence(rate, (env.realServed * MINUTE_MS) / rate, settings)) return undefined;
  // Traffic concentrates on the fewest environments: the k-th gets requests only while the k − 1 before it are
  // busy, so its rate falls with the traffic's k-th power, and a probe (one ping) sees only the first. The probe
  // catches a fall to half the traffic at its own instant; between probes the traffic may dip further unseen, so
  // the k-th environment must stay warm through a dip to a quarter: its rate times 4^−k.
  const margin = wanted > 1 ? 0.25 ** wanted : 1;
  const gap = Math.exp((-rate * margin * settings.intervalMs) / MINUTE_MS);
  if (gap > 1 - settings.warmRatio) return undefined;
  return `real traffic keeps ${which} busy (${rate.toFixed(1)} requests/min on the least busy; a ${fmtMinutes(settings.intervalMs)} gap has probability ${gap.toExponential(1)})`;
}

/**
 * Whether a rate measured over `overMs` says anything about gaps as long as the keep-alive window: measured over a
 * whole window, or resting on enough requests. A young environment's first request reads as a high rate (one
 * request in its first minute is "1 per minute") that says nothing; a thousand in its first minute do.
 */
function isEvidence(ratePerMinute: number, overMs: number, settings: DemandSettings): boolean {
  return overMs >= settings.intervalMs || (ratePerMinute * overMs) / MINUTE_MS >= MIN_LOAD_REQUESTS;
}

/**
 * When something planned for `exact` is due: unaligned, then; aligned, on its grid point as early as a round there
 * counts (isDue's tolerance), so a controller whose ticks fall a few seconds before the grid does it with the round.
 */
function alignedDue(grid: number, settings: DemandSettings, exact: number): number {
  return settings.alignRounds ? grid - intervalTolerance(settings.intervalMs) : exact;
}

/** Requests per minute at which an environment goes a whole keep-alive window idle no more often than allowed. */
function keptWarmRate(settings: DemandSettings): number {
  return (-Math.log(1 - settings.warmRatio) * MINUTE_MS) / settings.intervalMs;
}

/**
 * Whether a function's idle times predict its next request well enough to pre-warm for it: the idle times of a timer
 * (MIN_REGULAR_GAPS of them, all within REGULAR_GAP_RATIO of each other: the evidence that already reads a timer as
 * keeping its environment warm, so an hourly timer is pre-warmed after three hours, not eight) or, for any traffic,
 * a histogram of MIN_IDLE_SAMPLES; either way within the histogram's range.
 */
export function predictsIdle(idleTimes: readonly number[]): boolean {
  if (idleTimes.length === 0 || percentile(idleTimes, 0.99) > HISTOGRAM_RANGE_MS) return false;
  if (idleTimes.length >= Math.min(MIN_IDLE_SAMPLES, IDLE_TIMES_KEPT)) return true;
  return idleTimes.length >= MIN_REGULAR_GAPS && Math.max(...idleTimes) <= REGULAR_GAP_RATIO * Math.min(...idleTimes);
}

/**
 * Whether `idleTimes` predict the next request where a copy of them did not (or the other way round, `before`), in a
 * way that matters at keep-alive window `intervalMs`: only idle times of two windows or more are pre-warmed for (a
 * pre-warm any sooner saves no round), so a busy function's or a short timer's pattern changes no ping.
 */
export function idlePredictionChanged(idleTimes: readonly number[], before: boolean, intervalMs: number): boolean {
  return predictsIdle(idleTimes) !== before && percentile(idleTimes, 0.05) >= 2 * intervalMs;
}

function preWarm(history: TrafficHistory, now: number, settings: DemandSettings): PingPlan | undefined {
  const idle = history.idleTimes;
  if (!predictsIdle(idle) || history.lastRealAt === undefined) return undefined;
  const p5 = percentile(idle, 0.05);
  const p99 = percentile(idle, 0.99);
  const lead = settings.tickMs + settings.initMs + 30_000;
  const exact = history.lastRealAt + p5 - lead;
  // Early onto the grid, if at all: a pre-warm later than its lead would miss the predicted request.
  const at = alignedDue(onGridBefore(exact, settings.intervalMs, exact - settings.intervalMs), settings, exact);
  const until = history.lastRealAt + p99 + settings.intervalMs;
  // Only where it pays: the keep-alive rounds it saves must cost more than the INIT a pre-warm may pay.
  const saved = Math.floor((at - history.lastRealAt) / settings.intervalMs) - 1;
  if (saved * settings.pingCostUsd <= settings.initCostUsd + settings.pingCostUsd) return undefined;
  // The pattern broke (no request seen past the 99th percentile): back to keeping alive until traffic shows again.
  if (now > until) return undefined;
  return {
    kind: 'pre-warm',
    at,
    until,
    why: `idle times are predictable (5th percentile ${fmtMinutes(p5)}, 99th ${fmtMinutes(p99)}, ${idle.length} seen): pre-warm ${fmtMinutes(p5 - lead)} after the last request, keep warm to ${fmtMinutes(p99)}`,
  };
}

/**
 * Real requests a load measured by the proofs must rest on before it adds environments beyond those seen serving:
 * the busy share of a few requests on young environments says little about how often requests will overlap (one
 * long request in five minutes reads as a load that "needs" a second environment, which would then be pinged all
 * day for a function that barely runs). Minute statistics, a policy's stated utilisation, are trusted as they are.
 */
export const MIN_LOAD_REQUESTS = MIN_IDLE_SAMPLES;

/**
 * Real requests the history has seen, as far as it keeps count: what the environments seen last served, or the idle
 * times between requests (and the last one) when environments came and went.
 */
export function requestsSeen(history: TrafficHistory | undefined): number {
  if (history === undefined) return 0;
  const served = history.environments.reduce((sum, env) => sum + env.realServed, 0);
  return Math.max(served, history.idleTimes.length + (history.lastRealAt !== undefined ? 1 : 0));
}

export interface EnvironmentsNeeded {
  readonly environments: number;
  readonly why: string;
  /** The environments are those a burst left (leftByTraffic): they exist, so a round expects no cold start. */
  readonly leftByTraffic?: boolean;
}

/**
 * Environments auto mode keeps warm: the fewest that hold the cold share within the objective for the load
 * real traffic offers (Erlang's loss formula), never fewer than the environments traffic is seen to keep busy.
 */
export function environmentsNeeded(
  history: TrafficHistory | undefined,
  warmRatio: number,
  max: number,
  source: string = history?.loadSource ?? 'proofs',
): EnvironmentsNeeded {
  return withBursts(forLoad(history, warmRatio, max, source), history, max);
}

/**
 * Raises what the load asks for to what bursts of parallel requests showed: the environments a recent burst used
 * (Erlang's formula prices random arrivals; a burst arrives at once), and, when the last round found traffic had
 * outgrown the environments it reached, twice as many, so the next round finds how many traffic left behind (its
 * pings land on those first, warm; only the rest start new ones).
 */
function withBursts(
  need: { environments: number; why: string },
  history: TrafficHistory | undefined,
  max: number,
): EnvironmentsNeeded {
  const left = leftByTraffic(history, max);
  if (left === undefined || left.environments <= need.environments) return need;
  return { environments: left.environments, why: `${need.why}; ${left.why}`, leftByTraffic: true };
}

/**
 * The environments a burst of parallel requests left, which pings keep warm for the next one without an INIT: those
 * a recent burst used, or twice as many as the last round reached when traffic outgrew them (see
 * TrafficHistory.outgrown), for a round that looks for the rest. Undefined when neither applies.
 */
export function leftByTraffic(
  history: TrafficHistory | undefined,
  max: number,
): { environments: number; why: string } | undefined {
  if (history === undefined) return undefined;
  const reached = history.environments.length;
  if (history.outgrown?.at === history.at && reached > 0 && reached < max) {
    const environments = Math.min(max, 2 * reached);
    return {
      environments,
      why: `traffic outgrew the ${reached} environment${reached === 1 ? '' : 's'} the last round reached (all used since the round before, one started by a request or more than before): ${environments} pinged to find how many it left`,
    };
  }
  const burst = history.burst;
  if (burst !== undefined && history.at - burst.at <= BURST_MEMORY_MS) {
    const environments = Math.min(max, burst.environments);
    return {
      environments,
      why: `a burst used ${burst.environments} environments at once ${fmtMinutes(history.at - burst.at)} ago: ${environments} kept warm for the next`,
    };
  }
  return undefined;
}

function forLoad(
  history: TrafficHistory | undefined,
  warmRatio: number,
  max: number,
  source: string,
): { environments: number; why: string } {
  const seen = requestsSeen(history);
  const thin = source === 'proofs' && seen < MIN_LOAD_REQUESTS;
  if (history?.load === undefined || thin) {
    const busy = history?.environments.filter((env) => env.ratePerMinute > 0).length ?? 0;
    const environments = Math.min(max, Math.max(1, busy));
    const unknown = thin
      ? `load from ${seen} request${seen === 1 ? '' : 's'} is no forecast (${MIN_LOAD_REQUESTS} needed)`
      : 'load unknown';
    return {
      environments,
      why:
        busy > 0
          ? `${busy} environment${busy === 1 ? '' : 's'} seen serving traffic; ${unknown}`
          : `no load seen yet: one environment${thin ? `; ${unknown}` : ''}`,
    };
  }
  const busiest = idleGapsOf(history.environments[0] ?? { realServed: 0 });
  if (source === 'proofs' && busiest !== undefined && isRegular(busiest, MIN_IDLE_SAMPLES)) {
    // Erlang's formula assumes random arrivals; a timer's requests overlap only when one runs longer than the
    // period, and then traffic itself has put them on several environments, which the proofs show.
    const busy = history.environments.filter((env) => env.ratePerMinute > 0).length;
    const environments = Math.min(max, Math.max(1, busy));
    return {
      environments,
      why: `requests arrive on a timer (${describeGaps(busiest)}): ${environments} environment${environments === 1 ? '' : 's'}, as many as traffic keeps busy`,
    };
  }
  const load = history.load;
  const environments = environmentsFor(load, warmRatio, max);
  const share = coldShare(environments, load);
  return {
    environments,
    why: `load ${load.toFixed(2)} (from ${source}): ${environments} environment${environments === 1 ? '' : 's'} keep ${(100 * (1 - share)).toFixed(2)}% of requests warm (objective ${(100 * warmRatio).toFixed(2)}%${environments >= max && share > 1 - warmRatio ? `, capped at ${max}` : ''})`,
  };
}
