import { DurationError, formatDuration, parseDuration } from '../../controller/policy/duration';
import type { Random } from '../random';

/**
 * A duration that is either fixed or drawn uniformly from a range: how long an idle environment survives before
 * Lambda reclaims it, or how old an environment may grow before it is retired. AWS publishes neither; published
 * measurements of idle reclaim range from about 7 to about 60 minutes.
 */
export type Spread =
  | { readonly kind: 'fixed'; readonly ms: number }
  | { readonly kind: 'uniform'; readonly minMs: number; readonly maxMs: number };

/** Raised for a spread string that cannot be read. */
export class SpreadError extends Error {
  override readonly name = 'SpreadError';
}

/**
 * Parses "10m" (fixed) or "5m-15m" (uniform between the two).
 * @example parseSpread('5m-15m') // { kind: 'uniform', minMs: 300000, maxMs: 900000 }
 */
export function parseSpread(text: string, options: { readonly zero?: boolean } = {}): Spread {
  const parts = text.split(/\s*(?:-|\.\.)\s*/);
  const tooShort = (ms: number) => ms < 0 || (ms === 0 && !options.zero);
  try {
    if (parts.length === 1) {
      const ms = parseDuration(parts[0]);
      if (tooShort(ms)) throw new SpreadError(`"${text}" must be longer than 0`);
      return { kind: 'fixed', ms };
    }
    if (parts.length === 2) {
      const minMs = parseDuration(parts[0]);
      const maxMs = parseDuration(parts[1]);
      if (tooShort(minMs) || maxMs < minMs) {
        throw new SpreadError(`"${text}": expected ${options.zero ? '0 <=' : '0 <'} low <= high, e.g. "5m-15m"`);
      }
      return minMs === maxMs ? { kind: 'fixed', ms: minMs } : { kind: 'uniform', minMs, maxMs };
    }
  } catch (error) {
    if (error instanceof DurationError) throw new SpreadError(`"${text}": ${error.message}`, { cause: error });
    throw error;
  }
  throw new SpreadError(`"${text}": expected a duration ("10m") or a range ("5m-15m")`);
}

export function formatSpread(spread: Spread): string {
  return spread.kind === 'fixed'
    ? formatDuration(spread.ms)
    : `${formatDuration(spread.minMs)}–${formatDuration(spread.maxMs)} (uniform)`;
}

export function spreadMin(spread: Spread): number {
  return spread.kind === 'fixed' ? spread.ms : spread.minMs;
}

export function drawSpread(spread: Spread, random: Random): number {
  return spread.kind === 'fixed' ? spread.ms : spread.minMs + (spread.maxMs - spread.minMs) * random.next();
}
