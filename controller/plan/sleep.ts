/**
 * When the controller next needs to run. A tick costs a Lambda request and its duration whether or not anything is
 * due, and on a one-minute schedule that fixed cost is most of what warming a few busy or sparse functions costs.
 * When every target is waiting for something at a known time (its next round, a traffic check, a predicted
 * request, a window edge), the controller pauses its schedule until the earliest of them; the simulator ticks the
 * same way. Never longer than the longest pause the deployment allows (MAX_SLEEP_MS, or NOTICE_SLEEP_MS where a
 * newly tagged function or a policy deployed without a tick must be noticed soon), and never while anything is in
 * motion (a round to check, provisioned concurrency to reconcile).
 */
import type { Effective } from '../policy/core';
import type { Decision } from './decision';
import { intervalTolerance, roundDueAt } from './interval';
import type { AccountConcurrency, Observed, TargetObservation } from './observed';
import { DEFAULT_TICK_MS, type PlanOptions, plan } from './plan';
import { LONGEST_TRAFFIC_HORIZON_MS, LONGEST_TRUST_MS } from './traffic';

const MINUTE_MS = 60_000;
/**
 * The longest pause: as long as a check of traffic is ever put off (LONGEST_TRUST_MS), for a deployment whose changes
 * wake the controller (a deployment that changes a policy ticks at once).
 */
export const MAX_SLEEP_MS = LONGEST_TRUST_MS;
/**
 * The longest pause for anything but a check put off: as long as traffic is trusted without a check by a tick that
 * runs anyway (LONGEST_TRAFFIC_HORIZON_MS).
 */
export const LONGEST_ORDINARY_PAUSE_MS = LONGEST_TRAFFIC_HORIZON_MS;
/**
 * The longest pause where something may change that no tick is told of: functions discovered by tag (a newly
 * tagged one is noticed within this), or policies deployed without a tick (`warmOnDeploy: false`).
 */
export const NOTICE_SLEEP_MS = 30 * MINUTE_MS;
/**
 * A pause shorter than this many ticks is not worth changing the schedule for: skipping one tick saves a whole
 * invocation, for a schedule read and update of a few milliseconds.
 */
export const MIN_SLEEP_TICKS = 2;

/** Until when a target whose round (or traffic probe) left nothing to do waits (settledUntil). */
export interface Settled {
  /** When a tick that runs anyway plans it again. */
  readonly until: number;
  /** The latest it may wait while nothing else wakes the controller (SkipDecision.latestAt), when later. */
  readonly latestAt?: number;
}

export interface NextTick {
  /** Epoch ms of the next tick that has work. */
  readonly at: number;
  /** Whether that is later than the regular next tick (the schedule should pause until `at`). */
  readonly sleeps: boolean;
  readonly why: string;
}

/** Skip causes that mean "nothing to do until `nextAt`"; any other decision keeps the regular schedule. */
const WAITING = new Set(['not-due', 'kept-warm-by-traffic', 'predicted-idle']);

/**
 * The next tick worth running, from this tick's decisions. Pure: `now` is the planning time, `tickMs` the
 * schedule's rate.
 */
export function nextTick(
  policies: readonly Effective[],
  decisions: readonly Decision[],
  observed: Observed,
  now: number,
  tickMs: number,
  /**
   * Targets whose round (or traffic probe) this tick left nothing to do for a while, and until when (settledUntil).
   */
  settled: ReadonlyMap<string, Settled> = new Map(),
  /** The longest pause the deployment allows (MAX_SLEEP_MS or NOTICE_SLEEP_MS). */
  longestMs: number = MAX_SLEEP_MS,
  /**
   * Whether checks put off (latestAt) count at their latest: true for the pause of the whole schedule, false for one
   * target's quiet time in a sharded tick, which runs every tick anyway.
   */
  putOff = true,
): NextTick {
  const regular = (why: string): NextTick => ({ at: now + tickMs, sleeps: false, why });
  // The earliest time anything waits for, and why; checks put off apart (they may wait past an ordinary pause).
  let at = Number.POSITIVE_INFINITY;
  let why = '';
  let putOffAt = Number.POSITIVE_INFINITY;
  let putOffWhy = '';
  const byKey = new Map<string, Decision[]>();
  for (const decision of decisions) {
    const list = byKey.get(decision.key) ?? [];
    list.push(decision);
    byKey.set(decision.key, list);
  }
  for (const policy of policies) {
    // Auto mode's choice is a report; only one that provisions has something to reconcile.
    const mine = (byKey.get(policy.key) ?? []).filter(
      (decision) => decision.kind !== 'auto-choice' || decision.provisioned > 0,
    );
    const obs = observed.targets[policy.key];
    if (
      policy.mode === 'provisioned' ||
      obs?.managed?.provisioned !== undefined ||
      (obs?.provisioned ?? null) !== null
    ) {
      return regular(`${policy.key} has provisioned concurrency to reconcile`);
    }
    const edge = policy.until?.getTime();
    if (edge !== undefined && edge < at) {
      at = edge;
      why = `${policy.key}: its policy changes at a window edge`;
    }
    if (policy.mode === 'off' && mine.every((decision) => decision.kind === 'skip' && decision.cause === 'off')) {
      continue;
    }
    const waiting = mine.filter(
      (decision) =>
        (decision.kind === 'skip' && WAITING.has(decision.cause)) ||
        // Auto mode re-sizes from what the round's proofs showed, and a traffic probe may find the traffic gone: the
        // caller counts them settled only when planning again with that (settledUntil) finds nothing to do.
        (decision.kind === 'ping' && settled.has(policy.key)),
    );
    if (waiting.length === 0 || waiting.length !== mine.length) return regular(`${policy.key} has work this tick`);
    for (const decision of waiting) {
      const { until, latestAt } =
        decision.kind === 'skip'
          ? { until: decision.nextAt, latestAt: decision.latestAt }
          : (settled.get(policy.key) ?? { until: undefined, latestAt: undefined });
      if (until === undefined) return regular(`${policy.key} waits for no known time`);
      const cause = decision.kind === 'skip' ? decision.cause : 'next round';
      if (putOff && latestAt !== undefined && latestAt > until) {
        if (latestAt < putOffAt) {
          putOffAt = latestAt;
          putOffWhy = `${policy.key}: ${cause} (its check put off while nothing else is due)`;
        }
      } else if (until < at) {
        at = until;
        why = `${policy.key}: ${cause}`;
      }
    }
  }
  // Managed targets no policy names any more are released by the decisions above; keep ticking until they are.
  if (decisions.some((decision) => !policies.some((policy) => policy.key === decision.key))) {
    return regular('a target no policy names is being released');
  }
  const end = pauseEnd({ at, why }, { at: putOffAt, why: putOffWhy }, now, longestMs);
  if (end.at - now < MIN_SLEEP_TICKS * tickMs) return regular(`next work within ${MIN_SLEEP_TICKS} ticks (${end.why})`);
  return { ...end, sleeps: true };
}

/**
 * Where a pause ends: at the earliest of what the targets wait for (`ordinary`) and of their checks put off
 * (`putOff`). Only checks put off may wait longer than an ordinary pause, and only when nothing else waits; nothing
 * waits longer than the deployment allows (`longestMs`).
 */
function pauseEnd(
  ordinary: { readonly at: number; readonly why: string },
  putOff: { readonly at: number; readonly why: string },
  now: number,
  longestMs: number,
): { readonly at: number; readonly why: string } {
  const onlyPutOff = ordinary.at === Number.POSITIVE_INFINITY && putOff.at < Number.POSITIVE_INFINITY;
  const longest = Math.min(longestMs, onlyPutOff ? Number.POSITIVE_INFINITY : LONGEST_ORDINARY_PAUSE_MS);
  const earliest = putOff.at < ordinary.at ? putOff : ordinary;
  return earliest.at > now + longest
    ? { at: now + longest, why: `nothing due within ${longest / MINUTE_MS} minutes` }
    : earliest;
}

/**
 * When a target whose round just proved every environment it wanted next has work, or undefined when that is the
 * next tick. Warm mode knows: its next round. Auto mode re-sizes from the round's proofs, so it is planned again with
 * what they showed (`after`: the observation with the round's record and traffic), as the next tick would plan it,
 * instead of spending a tick to look. A traffic probe (`probe`) is planned again in any mode: it may have found the
 * traffic that kept the environments warm gone, or confirmed it until the next check.
 */
export function settledUntil(
  policy: Effective,
  after: TargetObservation,
  account: AccountConcurrency | undefined,
  now: number,
  options: PlanOptions = {},
  probe = false,
): Settled | undefined {
  const interval = policy.warm.intervalMs;
  const nextRound = roundDueAt(interval, now, options.alignRounds) - intervalTolerance(interval);
  if (policy.mode !== 'auto' && !probe) return { until: nextRound };
  const next = now + (options.tickMs ?? DEFAULT_TICK_MS);
  const observed: Observed = { ...(account ? { account } : {}), targets: { [policy.key]: after } };
  let until = Number.POSITIVE_INFINITY;
  let latestAt = Number.POSITIVE_INFINITY;
  for (const decision of plan([policy], new Date(next), observed, options)) {
    if (decision.kind === 'auto-choice' && decision.provisioned === 0) continue;
    if (decision.kind !== 'skip' || !WAITING.has(decision.cause) || decision.nextAt === undefined) return undefined;
    until = Math.min(until, decision.nextAt);
    latestAt = Math.min(latestAt, decision.latestAt ?? decision.nextAt);
  }
  if (until === Number.POSITIVE_INFINITY) return { until: nextRound };
  return latestAt > until ? { until, latestAt } : { until };
}

/**
 * Until when one target has nothing to do, as a pause would see it alone (nextTick on it): a tick split into shards
 * cannot pause its schedule, but it need not read or plan a target again before then. Undefined when the target has
 * work by the tick after next, or waits for no known time.
 */
export function quietUntil(
  policy: Effective,
  decisions: readonly Decision[],
  observation: TargetObservation,
  now: number,
  tickMs: number,
  /** When its round proved all it wanted: settledUntil. */
  settled?: Settled,
): number | undefined {
  const next = nextTick(
    [policy],
    decisions,
    { targets: { [policy.key]: observation } },
    now,
    tickMs,
    settled === undefined ? new Map() : new Map([[policy.key, settled]]),
    // as long as a sharded tick ever leaves a target unread: it ticks anyway, so nothing is put off
    LONGEST_TRAFFIC_HORIZON_MS,
    false,
  );
  return next.sleeps ? next.at : undefined;
}
