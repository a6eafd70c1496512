/**
 * Erlang's loss formula: with `environments` warm environments and an offered load of `load` Erlangs (average
 * concurrency of real traffic), the share of requests that find every warm environment busy, and so start cold.
 * The recursion B(n) = ρ·B(n−1) / (n + ρ·B(n−1)) is exact and stable for any load.
 */
export function coldShare(environments: number, load: number): number {
  if (load <= 0) return 0;
  let blocking = 1;
  for (let n = 1; n <= environments; n++) blocking = (load * blocking) / (n + load * blocking);
  return blocking;
}

/** The fewest environments (at least 1, at most `max`) that keep the cold share at or below `1 − warmRatio`. */
export function environmentsFor(load: number, warmRatio: number, max: number): number {
  const allowed = 1 - warmRatio;
  let blocking = 1;
  for (let n = 1; n <= max; n++) {
    blocking = (load * blocking) / (n + load * blocking);
    if (blocking <= allowed) return n;
  }
  return Math.max(1, max);
}

/**
 * How busy the n-th environment would be: the load it carries when n − 1 others take requests first. Provisioned
 * concurrency pays off for the n-th unit when this is above the break-even utilisation.
 */
export function marginalUtilisation(n: number, load: number): number {
  if (n < 1 || load <= 0) return 0;
  return load * (coldShare(n - 1, load) - coldShare(n, load));
}

/**
 * The load at which the first environment is busy `share` of the time (marginalUtilisation(1, load) = load / (1 +
 * load)): below it no first unit reaches that share, whatever the load's shape; infinite for a share of 1 or more.
 */
export function loadFillingFirst(share: number): number {
  if (share <= 0) return 0;
  return share >= 1 ? Number.POSITIVE_INFINITY : share / (1 - share);
}
