/**
 * Application Auto Scaling schedule expressions: `at(yyyy-mm-ddThh:mm:ss)`, `rate(value unit)` and six-field
 * `cron(minutes hours day-of-month month day-of-week year)`, evaluated in an IANA time zone (UTC by default).
 * https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html
 */

export type Schedule =
  | { readonly kind: 'at'; readonly wall: WallTime }
  | { readonly kind: 'rate'; readonly everyMs: number }
  | { readonly kind: 'cron'; readonly fields: CronFields };

interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

interface CronFields {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  /** Undefined for `?`. */
  readonly daysOfMonth: ReadonlySet<number> | undefined;
  readonly months: ReadonlySet<number>;
  /** 1 = Sunday … 7 = Saturday; undefined for `?`. */
  readonly daysOfWeek: ReadonlySet<number> | undefined;
  readonly years: ReadonlySet<number> | undefined;
}

export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
}

const MINUTE = 60_000;
const RATE_UNITS: Record<string, number> = { minute: MINUTE, hour: 60 * MINUTE, day: 24 * 60 * MINUTE };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function field(text: string, min: number, max: number, names: readonly string[] = [], name: string): Set<number> {
  const values = new Set<number>();
  const value = (token: string): number => {
    const index = names.indexOf(token.toUpperCase());
    const n = index >= 0 ? index + min : Number(token);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ScheduleError(
        `the ${name} field has "${token}"; use ${min}-${max}${names.length ? ` or ${names[0]}-${names.at(-1)}` : ''}`,
      );
    }
    return n;
  };
  for (const part of text.split(',')) {
    if (/[LW#]/.test(part.toUpperCase().replace(/[A-Z]{3}/g, ''))) {
      throw new ScheduleError(`the ${name} field uses L, W or #, which the emulator does not evaluate`);
    }
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new ScheduleError(`the ${name} field has a bad step "${stepText}"`);
    let from: number;
    let to: number;
    if (range === '*') {
      from = min;
      to = max;
    } else if (range!.includes('-')) {
      const [a, b] = range!.split('-');
      from = value(a!);
      to = value(b!);
    } else {
      from = value(range!);
      to = stepText === undefined ? from : max;
    }
    for (let n = from; n <= to; n += step) values.add(n);
  }
  return values;
}

function parseCron(body: string): CronFields {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) {
    throw new ScheduleError(
      `cron needs 6 fields (minutes hours day-of-month month day-of-week year), got ${parts.length}`,
    );
  }
  const [minutes, hours, dom, month, dow, year] = parts as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) {
    throw new ScheduleError('exactly one of day-of-month and day-of-week must be "?"');
  }
  return {
    minutes: field(minutes, 0, 59, [], 'minutes'),
    hours: field(hours, 0, 23, [], 'hours'),
    daysOfMonth: dom === '?' ? undefined : field(dom, 1, 31, [], 'day-of-month'),
    months: field(month, 1, 12, MONTHS, 'month'),
    daysOfWeek: dow === '?' ? undefined : field(dow, 1, 7, DAYS, 'day-of-week'),
    years: year === '*' ? undefined : field(year, 1970, 2199, [], 'year'),
  };
}

/** Parses a schedule expression; throws ScheduleError saying what is wrong. */
export function parseSchedule(text: string): Schedule {
  const match = /^(at|rate|cron)\((.*)\)$/.exec(text.trim());
  if (!match) throw new ScheduleError(`"${text}" is not at(...), rate(...) or cron(...)`);
  const [, kind, body] = match as unknown as [string, 'at' | 'rate' | 'cron', string];
  if (kind === 'at') {
    const at = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
    if (!at) throw new ScheduleError(`at(${body}) must look like at(2026-11-23T08:00:00)`);
    const [year, month, day, hour, minute, second] = at.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    return { kind, wall: { year, month, day, hour, minute, second } };
  }
  if (kind === 'rate') {
    const rate = /^(\d+)\s+(minute|hour|day)s?$/.exec(body.trim());
    if (!rate || Number(rate[1]) < 1) throw new ScheduleError(`rate(${body}) must look like rate(5 minutes)`);
    return { kind, everyMs: Number(rate[1]) * RATE_UNITS[rate[2]!]! };
  }
  return { kind, fields: parseCron(body) };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws ScheduleError for a name the runtime's time-zone database does not know. */
export function checkTimezone(timezone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch (error) {
    throw new ScheduleError(`"${timezone}" is not a known IANA time zone, e.g. Europe/Paris`, { cause: error });
  }
}

function wallTime(epochMs: number, timezone: string): WallTime & { weekday: number } {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timezone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: DAYS.indexOf((parts.weekday ?? '').toUpperCase()) + 1,
  };
}

/** Epoch ms of a wall-clock time in a time zone. */
function epochOf(wall: WallTime, timezone: string): number {
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  let guess = naive;
  for (let i = 0; i < 2; i++) {
    const seen = wallTime(guess, timezone);
    const seenNaive = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute, seen.second);
    guess += naive - seenNaive;
  }
  return guess;
}

function cronMatches(fields: CronFields, wall: WallTime & { weekday: number }): boolean {
  return (
    fields.minutes.has(wall.minute) &&
    fields.hours.has(wall.hour) &&
    fields.months.has(wall.month) &&
    (fields.daysOfMonth === undefined || fields.daysOfMonth.has(wall.day)) &&
    (fields.daysOfWeek === undefined || fields.daysOfWeek.has(wall.weekday)) &&
    (fields.years === undefined || fields.years.has(wall.year))
  );
}

/** Longest stretch of clock time evaluated minute by minute in one call (a clock jump beyond it is clipped). */
const MAX_SCAN_MINUTES = 31 * 24 * 60;

/**
 * Whether the schedule fires in (from, to]. `anchor` is where a rate() schedule counts from (its start time or
 * the action's creation).
 */
export function firesBetween(schedule: Schedule, from: number, to: number, timezone: string, anchor: number): boolean {
  if (to <= from) return false;
  if (schedule.kind === 'at') {
    const at = epochOf(schedule.wall, timezone);
    return at > from && at <= to;
  }
  if (schedule.kind === 'rate') {
    const k = Math.floor((to - anchor) / schedule.everyMs);
    const last = anchor + k * schedule.everyMs;
    return k >= 1 && last > from;
  }
  const first = Math.max(Math.floor(from / MINUTE) + 1, Math.floor(to / MINUTE) - MAX_SCAN_MINUTES);
  for (let minute = first; minute <= Math.floor(to / MINUTE); minute++) {
    if (cronMatches(schedule.fields, wallTime(minute * MINUTE, timezone))) return true;
  }
  return false;
}
