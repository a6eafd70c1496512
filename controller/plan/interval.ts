/**
 * Ticks are scheduled, not exact: a tick planned a few seconds early must still count as "an interval later", or
 * a 5-minute interval on a 1-minute schedule would slip to every sixth tick.
 */
export function intervalTolerance(intervalMs: number): number {
  return Math.min(30_000, Math.floor(intervalMs / 10));
}

/** Whether a target pinged at `lastPingAt` (planning time of that tick) is due again at `now`. */
export function isDue(intervalMs: number, now: number, lastPingAt: number | undefined): boolean {
  if (lastPingAt === undefined) return true;
  // A clock that went backwards (or a replayed old tick) must not stop warming forever.
  if (lastPingAt > now) return true;
  return now - lastPingAt >= intervalMs - intervalTolerance(intervalMs);
}
