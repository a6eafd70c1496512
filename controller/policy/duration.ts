/**
 * Duration strings as users write them in policies: `90s`, `5m`, `1h30m`, `250ms`.
 * Parsed to whole milliseconds so every later comparison is integer arithmetic.
 */

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

// Units must appear largest first and at most once, so `5m5m` or `30s1m` are rejected as typos.
const ORDER: readonly Unit[] = ['d', 'h', 'm', 's', 'ms'];
const TOKEN = /(\d+(?:\.\d+)?)\s*([a-zA-Z]*)|(\S+)/g;

/** Raised for a duration string that cannot be read; the message says what is allowed. */
export class DurationError extends Error {
  override readonly name = 'DurationError';
  constructor(
    readonly input: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(
      `invalid duration "${input}": ${reason}; use a number with a unit, e.g. "250ms", "90s", "5m", "1h30m"`,
      options,
    );
  }
}

/**
 * Parses a duration string to milliseconds.
 * @example parseDuration('1h30m') // 5_400_000
 */
export function parseDuration(input: string): number {
  const text = input.trim();
  if (text === '') throw new DurationError(input, 'it is empty');
  if (/^\d+(\.\d+)?$/.test(text)) throw new DurationError(input, 'the unit is missing');
  let total = 0;
  let lastRank = -1;
  for (const [, amount, word, junk] of text.matchAll(TOKEN)) {
    if (junk !== undefined) throw new DurationError(input, `unexpected "${junk}"`);
    if (word === '') throw new DurationError(input, `the unit after ${amount} is missing`);
    if (!(word in UNIT_MS)) throw new DurationError(input, `unknown unit "${word}"`);
    const rank = ORDER.indexOf(word as Unit);
    if (rank <= lastRank) throw new DurationError(input, 'units must go from largest to smallest, each once');
    lastRank = rank;
    total += Number(amount) * UNIT_MS[word as Unit];
  }
  if (!Number.isFinite(total)) throw new DurationError(input, 'it is too large');
  if (!Number.isInteger(total)) throw new DurationError(input, 'it is not a whole number of milliseconds');
  return total;
}

/**
 * Formats milliseconds as the shortest duration string that parses back to the same value.
 * @example formatDuration(5_400_000) // '1h30m'
 */
export function formatDuration(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0)
    throw new RangeError(`cannot format ${ms} as a duration; expected whole milliseconds >= 0`);
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const unit of ORDER) {
    const size = UNIT_MS[unit];
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}
