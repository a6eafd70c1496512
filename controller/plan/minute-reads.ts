/**
 * When reading a target's minute statistics is worth what CloudWatch bills for it (GetMetricData: $0.01 per 1,000
 * metrics, three per read), and what a provisioned unit could carry at most, which decides that: a read informs only
 * the purchase of provisioned concurrency (auto.ts), so one that could not change it is not bought. Pure.
 */

import { MIN_LOAD_REQUESTS, requestsSeen } from './demand';
import { coldShare, loadFillingFirst, marginalUtilisation } from './erlang';
import { MINUTES_FOR_PROVISIONED, type TrafficHistory } from './traffic';

const MINUTE_MS = 60_000;

/** Requests longer than the 5-minute billing increment keep running where they started: no unit takes them. */
export const LONGEST_PROVISIONED_REQUEST_MS = 5 * MINUTE_MS;

/** Invocation requests per second a provisioned unit serves at most (Lambda's quota per version or alias). */
const RPS_PER_UNIT = 10;

/**
 * The busiest a provisioned unit can be with requests of `meanRequestMs` on average: Lambda serves at most
 * RPS_PER_UNIT requests a second per allocated unit ("10 x allocated provisioned concurrency"), so a unit of short
 * requests is never busier than 10 × the mean request time. 1 when the mean is unknown.
 */
export function busiestUnit(meanRequestMs: number | undefined): number {
  return meanRequestMs === undefined ? 1 : Math.min(1, (RPS_PER_UNIT * meanRequestMs) / 1000);
}

/** The longest a read of minute statistics looks back: the last hour. */
export const LONGEST_MINUTE_READ_MINUTES = 60;

/**
 * Minutes a read of minute statistics covers: those since the last read, at least MINUTES_FOR_PROVISIONED and at most
 * the last hour (all of it for a first read). Two reads in a row never count the same minutes, so a burst of long
 * requests, read twice, cannot confirm itself as a steady load (auto.ts adds a unit only on a load both last reads
 * show): the second read must find the load again.
 */
export function minuteReadMinutes(traffic: TrafficHistory | undefined, now: number): number {
  const last = traffic?.metricsAt;
  if (last === undefined) return LONGEST_MINUTE_READ_MINUTES;
  const since = Math.floor((now - last) / MINUTE_MS);
  return Math.min(LONGEST_MINUTE_READ_MINUTES, Math.max(MINUTES_FOR_PROVISIONED, since));
}

/** How often minute statistics are read while provisioned concurrency is in place (pings no longer see its load). */
export const MINUTE_READ_EVERY_MS = 15 * MINUTE_MS;
/** How often they are read to check whether provisioned concurrency would pay off, when none is in place. */
export const MINUTE_PROBE_EVERY_MS = 60 * MINUTE_MS;
/**
 * How often, once two reads in a row found a load on which no unit pays off and the proofs show no more since: the
 * load is known, and a read costs as much as dozens of pings; a change within the day is still noticed.
 */
export const MINUTE_QUIET_EVERY_MS = 4 * 60 * MINUTE_MS;

/**
 * Whether this tick should read the target's minute statistics (CloudWatch bills every metric requested, so a read
 * must be worth more than it costs): only in auto mode where provisioned concurrency is possible, and only when it
 * is in place (its load is invisible to pings, which it makes unnecessary) or the proofs show a load at which a
 * unit could pay off; every 15 minutes while it holds provisioned concurrency, hourly otherwise, every 4 hours once
 * two reads found no unit worth it and the proofs show no more load than they did.
 */
export function wantsMinuteStatistics(input: {
  readonly auto: boolean;
  readonly provisionedPossible: boolean;
  readonly holdsProvisioned: boolean;
  readonly traffic: TrafficHistory | undefined;
  readonly breakEven: number;
  readonly now: number;
}): boolean {
  if (!input.auto || !input.provisionedPossible) return false;
  const last = input.traffic?.metricsAt;
  // A read that showed a load on which a unit would pay off is confirmed by the next one before a unit is added
  // (auto.ts), 15 minutes later rather than an hour.
  const reads = input.traffic?.readLoads ?? [];
  // A read pays when its load would keep a first unit busy enough, and what it measured of one agrees (auto.ts).
  const shares = input.traffic?.readUnitBusy ?? [];
  const pays = (load: number, index: number) =>
    marginalUtilisation(1, load) >= input.breakEven &&
    (shares[index - reads.length + shares.length]?.[0] ?? 1) >= input.breakEven;
  const newest = reads.length - 1;
  const unconfirmed = reads.length > 0 && pays(reads[newest], newest) && (reads.length < 2 || !pays(reads[0], 0));
  // The proofs see only the environments pings reach, so their load above the reads' means traffic grew.
  const quiet = reads.length >= 2 && !reads.some(pays) && (input.traffic?.load ?? 0) <= Math.max(...reads);
  const every =
    input.holdsProvisioned || unconfirmed
      ? MINUTE_READ_EVERY_MS
      : quiet
        ? MINUTE_QUIET_EVERY_MS
        : MINUTE_PROBE_EVERY_MS;
  if (last !== undefined && input.now - last < every) return false;
  if (input.holdsProvisioned) return true;
  const load = input.traffic?.load;
  const mean = input.traffic?.meanRequestMs;
  // Long requests are a load a new unit would not take over, and short ones one no unit is busy enough with (10
  // requests a second at most): the planner (auto.ts) buys no unit on either, so no read could change its choice.
  if (mean !== undefined && (mean > LONGEST_PROVISIONED_REQUEST_MS || busiestUnit(mean) < input.breakEven))
    return false;
  // A load from a handful of requests is no forecast (see environmentsNeeded): nothing to check yet.
  if (requestsSeen(input.traffic) < MIN_LOAD_REQUESTS) return false;
  if (load === undefined) return false;
  // The planner gives a first unit no more of the whole load than Erlang's formula does (auto.ts: the lesser of that
  // and what a read measured), so a unit pays off only on a whole load at which that share reaches break-even (1.5
  // Erlangs at 60%). The proofs see only the environments the round reached; requests that found them all busy ran
  // elsewhere, unseen: the read is worth it when the proofs' load reaches what the environments seen would serve of
  // that load.
  const seen = Math.max(1, input.traffic?.environments.length ?? 1);
  const paying = loadFillingFirst(input.breakEven);
  return load >= paying * (1 - coldShare(seen, paying));
}
