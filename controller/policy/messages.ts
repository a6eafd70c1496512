/**
 * Wording shared by every policy error, so messages read the same everywhere: what was wrong, what is allowed,
 * and a "did you mean" when the mistake looks like a typo.
 */
import type * as z from 'zod/mini';

/** Longest text quoted back in a message; the rest is counted, not printed. */
const QUOTED_LENGTH = 80;

/** A string as messages quote it: in quotes, cut after QUOTED_LENGTH characters with its length said. */
export function quote(text: string): string {
  if (text.length <= QUOTED_LENGTH) return JSON.stringify(text);
  return `${JSON.stringify(`${text.slice(0, QUOTED_LENGTH)}…`)} (${text.length} characters)`;
}

/** How a received value is shown inside a message: strings quoted, containers named rather than dumped. */
export function got(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

// Case, dashes and underscores are the commonest slips (`hold_ms`, `HoldMs`), so they are ignored when comparing.
const fold = (word: string) => word.toLowerCase().replace(/[-_\s]/g, '');

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/**
 * Words longer than this get no suggestion: no key, enum value or time zone is near that long, and the edit
 * distance costs the product of both lengths per candidate (a megabyte-long value against every time zone).
 */
export const SUGGEST_MAX_LENGTH = 64;

/** The closest candidate when it is close enough to be a typo (or a prefix such as `monday` for `mon`). */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > SUGGEST_MAX_LENGTH * 2) return undefined;
  const folded = fold(word);
  if (folded === '' || folded.length > SUGGEST_MAX_LENGTH) return undefined;
  const allowed = Math.max(1, Math.floor(folded.length / 3));
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const other = fold(candidate);
    if (other === folded) return candidate;
    // The distance is at least the difference in length: such a candidate can never be close enough.
    if (Math.abs(other.length - folded.length) > allowed) continue;
    const score = distance(folded, other);
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  if (best !== undefined && bestScore <= allowed) return best;
  const prefixed = candidates.find((c) => folded.startsWith(fold(c)) || fold(c).startsWith(folded));
  return folded.length >= 3 ? prefixed : undefined;
}

/** `; did you mean "x"?` or nothing. */
export function hint(word: unknown, candidates: readonly string[]): string {
  if (typeof word !== 'string') return '';
  const match = suggest(word, candidates);
  return match === undefined ? '' : `; did you mean "${match}"?`;
}

type RawIssue = z.core.$ZodRawIssue;

/**
 * An error function for one field: `missing; expected ...` when absent, `expected ..., got ...` otherwise.
 * `extra` may add a field-specific hint for the received value.
 */
export function expected(what: string, extra?: (input: unknown) => string) {
  return (issue: RawIssue): string =>
    issue.input === undefined
      ? `missing; expected ${what}`
      : `expected ${what}, got ${got(issue.input)}${extra?.(issue.input) ?? ''}`;
}

/** The error function for an enum: lists every allowed value and suggests the nearest. */
export function oneOf(values: readonly string[]) {
  return expected(`one of ${values.join(', ')}`, (input) => hint(input, values));
}

/** `unknown key "concurency"; did you mean "concurrency"?` or the list of allowed keys. */
export function unknownKey(key: string, allowed: readonly string[]): string {
  const match = suggest(key, allowed);
  return match === undefined
    ? `unknown key ${quote(key)}; allowed keys here: ${allowed.join(', ')}`
    : `unknown key ${quote(key)}; did you mean "${match}"?`;
}
