import fc from 'fast-check';
import { DAYS, type Day, type Policy, type PolicyWindow, resolvePolicy } from '../../../controller/policy';

// Zones with DST on both hemispheres, a 30-minute DST shift, and fractional offsets without DST.
const ZONES = [
  'UTC',
  'Europe/Paris',
  'America/New_York',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Asia/Kolkata',
  'America/Sao_Paulo',
] as const;

// DST change days (and their neighbours) are where resolution goes wrong, so instants cluster around them.
const CHANGE_DAYS = [
  '2025-03-30T01:00:00Z', // Europe/Paris spring forward
  '2025-10-26T01:00:00Z', // Europe/Paris fall back
  '2025-03-09T07:00:00Z', // America/New_York spring forward
  '2025-11-02T06:00:00Z', // America/New_York fall back
  '2025-04-05T15:00:00Z', // Australia/Lord_Howe (02:00 -> 01:30)
  '2025-10-04T15:30:00Z', // Australia/Lord_Howe (02:00 -> 02:30)
].map((text) => Date.parse(text));

const instant = fc.oneof(
  fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') }),
  fc
    .tuple(fc.constantFrom(...CHANGE_DAYS), fc.integer({ min: -36 * 3_600_000, max: 36 * 3_600_000 }))
    .map(([base, shift]) => base + shift),
  // Exactly on a minute near a change, where edges fall.
  fc
    .tuple(fc.constantFrom(...CHANGE_DAYS), fc.integer({ min: -24 * 60, max: 24 * 60 }))
    .map(([base, minutes]) => base + minutes * 60_000),
);

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

// Times on the quarter hour and on odd minutes, including the DST-sensitive 01:00-03:00 range.
const minuteOfDay = fc.oneof(
  fc.integer({ min: 0, max: 95 }).map((q) => q * 15),
  fc.integer({ min: 0, max: 1439 }),
  fc.integer({ min: 60, max: 210 }),
);

// The zones whose change days are in CHANGE_DAYS come up more often.
const zone = fc.oneof(
  fc.constantFrom(...ZONES),
  fc.constantFrom('Europe/Paris', 'America/New_York', 'Australia/Lord_Howe'),
);

const windowArb = (index: number) =>
  fc
    .record({
      days: fc.option(fc.subarray([...DAYS] as Day[], { minLength: 1 }), { nil: undefined }),
      from: minuteOfDay,
      to: fc.oneof(minuteOfDay, fc.constant(1440)),
      timezone: fc.option(zone, { nil: undefined, freq: 3 }),
    })
    .filter((w) => w.from !== w.to)
    .map(
      (w): PolicyWindow => ({
        name: `w${index}`,
        from: hhmm(w.from),
        to: w.to === 1440 ? '24:00' : hhmm(w.to),
        warm: { concurrency: index + 2 },
        ...(w.days && { days: w.days }),
        ...(w.timezone && { timezone: w.timezone }),
      }),
    );

const policyArb = fc
  .record({
    timezone: zone,
    count: fc.integer({ min: 0, max: 3 }),
  })
  .chain(({ timezone, count }) =>
    fc
      .tuple(...Array.from({ length: count }, (_, i) => windowArb(i)))
      .map((windows): Policy => ({ function: 'api', timezone, warm: { concurrency: 1 }, windows })),
  );

/** Wall clock of an instant in a zone, straight from Intl (independent of the module's offset arithmetic). */
const formats = new Map<string, Intl.DateTimeFormat>();
function wallClock(zone: string, at: number): { weekday: number; minutes: number } {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
    });
    formats.set(zone, format);
  }
  const parts = format.formatToParts(new Date(at));
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday'));
  return { weekday, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

const toMinutes = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3));

/** The definition of membership, written as plainly as possible. */
function bruteForceContains(policy: Policy, window: PolicyWindow, at: number): boolean {
  const { weekday, minutes } = wallClock(window.timezone ?? policy.timezone ?? 'UTC', at);
  const days = (window.days ?? DAYS).map((day) => DAYS.indexOf(day));
  const from = toMinutes(window.from);
  const to = toMinutes(window.to);
  if (from < to) return days.includes(weekday) && minutes >= from && minutes < to;
  const yesterday = (weekday + 6) % 7;
  return (days.includes(weekday) && minutes >= from) || (days.includes(yesterday) && minutes < to);
}

const bruteForceWindow = (policy: Policy, at: number) =>
  (policy.windows ?? []).find((window) => bruteForceContains(policy, window, at))?.name;

describe('resolvePolicy properties', () => {
  it('picks exactly the first window whose local days and times contain the instant', () => {
    fc.assert(
      fc.property(policyArb, instant, (policy, now) => {
        const effective = resolvePolicy(policy, new Date(now));
        const expected = bruteForceWindow(policy, now);
        expect(effective.window).toBe(expected);
        const window = policy.windows?.find((w) => w.name === expected);
        expect(effective.warm.concurrency).toBe(window?.warm?.concurrency ?? 1);
      }),
      { numRuns: 300 },
    );
  });

  it('returns an until after now, with the settings constant before it and changed at it', () => {
    fc.assert(
      fc.property(
        policyArb,
        instant,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
        (policy, now, fractions) => {
          const effective = resolvePolicy(policy, new Date(now));
          const until = effective.until?.getTime();
          if (until === undefined) {
            // No change within the horizon: then no window may differ anywhere in it (sampled hourly).
            for (let t = now; t < now + 8 * 86_400_000; t += 3_600_000)
              expect(bruteForceWindow(policy, t)).toBe(effective.window);
            return;
          }
          expect(until).toBeGreaterThan(now);
          expect(until).toBeLessThanOrEqual(now + 8 * 86_400_000);
          for (const fraction of [...fractions, 0.5]) {
            const t = Math.min(until - 1, now + Math.floor(fraction * (until - now)));
            expect(bruteForceWindow(policy, t)).toBe(effective.window);
          }
          expect(bruteForceWindow(policy, until - 1)).toBe(effective.window);
          expect(resolvePolicy(policy, new Date(until - 1)).window).toBe(effective.window);
          expect(bruteForceWindow(policy, until)).not.toBe(effective.window);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is deterministic: the same instant always gives the same settings', () => {
    fc.assert(
      fc.property(policyArb, instant, (policy, now) => {
        expect(resolvePolicy(policy, new Date(now))).toEqual(resolvePolicy(policy, new Date(now)));
      }),
      { numRuns: 50 },
    );
  });
});
