/**
 * IANA time zones through Intl only (no tz database of our own), so the controller bundle stays small and the zone
 * rules are the runtime's.
 */
import { hint, quote } from './messages';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A cached formatter that yields the wall-clock fields of an instant in `zone`; throws RangeError for a bad zone. */
function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  return format;
}

/** True when the runtime knows the zone (Intl also accepts aliases such as `US/Eastern` and any letter case). */
export function isTimeZone(zone: string): boolean {
  if (zone.trim() === '') return false;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

let known: readonly string[] | undefined;

/** The message for a zone Intl rejects, with the nearest known zone when one is close. */
export function unknownTimeZone(zone: string): string {
  known ??= [...Intl.supportedValuesOf('timeZone'), 'UTC'];
  const nearest = hint(zone, known);
  return `unknown time zone ${quote(zone)}${nearest || '; use an IANA name such as "Europe/Paris" or "UTC"'}`;
}

/**
 * The zone's offset from UTC at an instant, in milliseconds (positive east of Greenwich): the wall clock shows
 * `instant + offset`. Intl formats whole seconds, so the instant is floored to the second before comparing.
 */
export function offsetAt(zone: string, instant: number): number {
  const parts = formatter(zone).formatToParts(new Date(instant));
  const field = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
  const whole = instant - (((instant % 1000) + 1000) % 1000);
  return wall - whole;
}
