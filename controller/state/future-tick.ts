/**
 * Tick ids are ordered as strings and every save is conditional on that order, so one tick claiming a time far
 * ahead (an event with `time: 2099-…`) would make every later save `stale`. A tick more than MAX_CLOCK_SKEW_MS
 * ahead of the store's clock is therefore refused, and a stored tick id beyond that horizon is treated as corrupt
 * and may be overwritten.
 */
import { tickId } from '../tick';

/** How far ahead of this clock a tick may be: clocks of the scheduler and the controller differ by far less. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** The newest tick id acceptable at `now`. */
export function tickCeiling(now: number): string {
  return tickId(now + MAX_CLOCK_SKEW_MS);
}

/** A tick whose time is further in the future than clock skew explains; nothing is claimed or saved for it. */
export class FutureTickError extends Error {
  override readonly name = 'FutureTickError';
  constructor(
    readonly tickId: string,
    readonly ceiling: string,
    options?: ErrorOptions,
  ) {
    super(
      `tick ${JSON.stringify(tickId.length > 40 ? `${tickId.slice(0, 40)}…` : tickId)} is later than this clock allows (${ceiling}, ${MAX_CLOCK_SKEW_MS / 60_000} min of clock skew); refused, so it cannot make the saves of real ticks stale`,
      options,
    );
  }
}

/** Throws FutureTickError for a tick beyond the ceiling at `now`. */
export function refuseFutureTick(id: string, now: number): void {
  const ceiling = tickCeiling(now);
  if (id > ceiling) throw new FutureTickError(id, ceiling);
}
