import { checkTimezone, firesBetween, parseSchedule, ScheduleError } from '../../../emulator/autoscaling/schedule';

const at = (iso: string) => Date.parse(iso);

describe('schedule expressions', () => {
  it('fires cron on matching minutes in UTC or a time zone', () => {
    const weekdayMorning = parseSchedule('cron(0 8 ? * MON-FRI *)');
    expect(firesBetween(weekdayMorning, at('2026-11-23T07:59:00Z'), at('2026-11-23T08:00:00Z'), 'UTC', 0)).toBe(true);
    expect(firesBetween(weekdayMorning, at('2026-11-23T08:00:00Z'), at('2026-11-23T08:30:00Z'), 'UTC', 0)).toBe(false);
    // 2026-11-22 is a Sunday.
    expect(firesBetween(weekdayMorning, at('2026-11-22T07:00:00Z'), at('2026-11-22T09:00:00Z'), 'UTC', 0)).toBe(false);
    // 08:00 in New York (UTC-5 in November) is 13:00 UTC.
    expect(
      firesBetween(weekdayMorning, at('2026-11-23T12:30:00Z'), at('2026-11-23T13:00:00Z'), 'America/New_York', 0),
    ).toBe(true);
    const everyQuarter = parseSchedule('cron(0/15 * * * ? *)');
    expect(firesBetween(everyQuarter, at('2026-11-23T10:01:00Z'), at('2026-11-23T10:14:00Z'), 'UTC', 0)).toBe(false);
    expect(firesBetween(everyQuarter, at('2026-11-23T10:01:00Z'), at('2026-11-23T10:15:00Z'), 'UTC', 0)).toBe(true);
  });

  it('fires at() once, at its wall-clock time', () => {
    const once = parseSchedule('at(2026-11-23T20:00:00)');
    expect(firesBetween(once, at('2026-11-23T18:00:00Z'), at('2026-11-23T19:00:00Z'), 'Europe/Paris', 0)).toBe(true);
    expect(firesBetween(once, at('2026-11-23T19:00:00Z'), at('2026-11-23T21:00:00Z'), 'Europe/Paris', 0)).toBe(false);
  });

  it('fires rate() every period from its anchor', () => {
    const rate = parseSchedule('rate(5 minutes)');
    const anchor = at('2026-11-23T10:00:00Z');
    expect(firesBetween(rate, anchor, anchor + 4 * 60_000, 'UTC', anchor)).toBe(false);
    expect(firesBetween(rate, anchor, anchor + 5 * 60_000, 'UTC', anchor)).toBe(true);
    expect(firesBetween(rate, anchor + 5 * 60_000, anchor + 9 * 60_000, 'UTC', anchor)).toBe(false);
    expect(parseSchedule('rate(1 day)')).toEqual({ kind: 'rate', everyMs: 86_400_000 });
  });

  it.each([
    ['cron(0 8 * * * *)', 'exactly one of day-of-month and day-of-week'],
    ['cron(0 8 * *)', 'cron needs 6 fields'],
    ['cron(61 8 ? * MON *)', 'minutes field'],
    ['cron(0 8 L * ? *)', 'L, W or #'],
    ['rate(0 minutes)', 'rate(5 minutes)'],
    ['at(tomorrow)', 'at(2026-11-23T08:00:00)'],
    ['every day', 'is not at(...), rate(...) or cron(...)'],
  ])('rejects %s', (text, message) => {
    expect(() => parseSchedule(text)).toThrow(ScheduleError);
    expect(() => parseSchedule(text)).toThrow(message);
  });

  it('checks time zone names', () => {
    expect(() => checkTimezone('Europe/Paris')).not.toThrow();
    expect(() => checkTimezone('Mars/Olympus')).toThrow('not a known IANA time zone');
  });
});
