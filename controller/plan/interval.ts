/**
 * Ticks are scheduled, not exact: a tick planned a few seconds early must still count as "an interval later", or
 * a 5-minute interval on a 1-minute schedule would slip to every sixth tick.
 */
export function intervalTolerance(intervalMs: number): number {
  return Math.min(30_000, Math.floor(intervalMs / 10));
}

/**
 * When the next round of a target last pinged at `lastPingAt` is due: an interval later, or — aligned — at the
 * first multiple of the interval (counted from the epoch) after it, never later. Aligned rounds of every target
 * with the same interval fall on the same ticks, so a controller that pauses its schedule while nothing is due
 * wakes once per interval instead of once per target; the price is one early round when a target starts (or
 * resumes) keeping alive off the grid.
 */
export function roundDueAt(intervalMs: number, lastPingAt: number, aligned = false): number {
  const natural = lastPingAt + intervalMs;
  if (!aligned) return natural;
  // Past the tolerance, so a round planned a little before a grid point is not due again at that point.
  return onGridBefore(natural, intervalMs, lastPingAt + intervalTolerance(intervalMs));
}

/**
 * The latest multiple of `intervalMs` (from the epoch) in (`after`, `at`], else `at`: a time something should happen
 * by, moved early onto the grid aligned rounds use, but never to or before `after`.
 */
export function onGridBefore(at: number, intervalMs: number, after: number): number {
  const grid = Math.floor(at / intervalMs) * intervalMs;
  return grid > after ? grid : at;
}

/** Whether a target pinged at `lastPingAt` (planning time of that tick) is due again at `now`. */
export function isDue(intervalMs: number, now: number, lastPingAt: number | undefined, aligned = false): boolean {
  if (lastPingAt === undefined) return true;
  // A clock that went backwards (or a replayed old tick) must not stop warming forever.
  if (lastPingAt > now) return true;
  return now >= roundDueAt(intervalMs, lastPingAt, aligned) - intervalTolerance(intervalMs);
}
