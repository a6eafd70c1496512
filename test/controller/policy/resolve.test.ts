import { type Policy, resolvePolicy } from '../../../controller/policy';

const at = (iso: string) => new Date(iso);
const iso = (date: Date | undefined) => date?.toISOString();

const businessHours: Policy = {
  function: 'checkout-api',
  qualifier: 'live',
  timezone: 'Europe/Paris',
  warm: { concurrency: 2 },
  windows: [
    {
      name: 'business-hours',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      from: '08:00',
      to: '18:00',
      warm: { concurrency: 10 },
    },
  ],
};

describe('resolvePolicy: built-in defaults and merging', () => {
  it('fills every setting from the built-in defaults for a bare policy', () => {
    const effective = resolvePolicy({ function: 'api' }, at('2025-06-02T12:00:00Z'));
    expect(effective).toEqual({
      key: 'api:$LATEST',
      function: 'api',
      qualifier: undefined,
      mode: 'warm',
      window: undefined,
      warm: { concurrency: 1, intervalMs: 300_000, holdMs: 100, payload: { flavour: 'thermostat' } },
      provisioned: { min: 0, max: 0, utilization: 0.7, strategy: 'direct', adopt: false },
      budget: { maxShare: 0.2 },
      auto: {},
      objective: {},
      until: undefined,
    });
  });

  it('defaults max to min, and applies the default share only when no budget limit is set', () => {
    const effective = resolvePolicy(
      {
        function: 'api',
        qualifier: 'live',
        mode: 'provisioned',
        provisioned: { min: 3 },
        budget: { maxConcurrency: 9 },
      },
      at('2025-06-02T12:00:00Z'),
    );
    expect(effective.provisioned.max).toBe(3);
    expect(effective.budget).toEqual({ maxConcurrency: 9 });
  });

  it('turns a custom payload into its spec and the interval into milliseconds', () => {
    const effective = resolvePolicy(
      { function: 'api', warm: { interval: '1h30m', payload: { custom: { ping: true } } } },
      at('2025-06-02T12:00:00Z'),
    );
    expect(effective.warm.intervalMs).toBe(5_400_000);
    expect(effective.warm.payload).toEqual({ flavour: 'custom', json: { ping: true } });
  });

  it('merges a window over the base key by key, keeping what the window does not set', () => {
    const policy: Policy = {
      function: 'api',
      qualifier: 'live',
      warm: { concurrency: 2, interval: '2m', holdMs: 500 },
      provisioned: { min: 1, max: 6, strategy: 'autoscaling' },
      windows: [
        {
          name: 'peak',
          from: '00:00',
          to: '24:00',
          mode: 'provisioned',
          warm: { concurrency: 5 },
          provisioned: { min: 4 },
        },
      ],
    };
    const effective = resolvePolicy(policy, at('2025-06-02T12:00:00Z'));
    expect(effective.window).toBe('peak');
    expect(effective.mode).toBe('provisioned');
    expect(effective.warm).toMatchObject({ concurrency: 5, intervalMs: 120_000, holdMs: 500 });
    expect(effective.provisioned).toMatchObject({ min: 4, max: 6, strategy: 'autoscaling' });
  });
});

describe('resolvePolicy: windows', () => {
  it('applies business hours on a weekday in the policy zone and says when they start', () => {
    // Monday 2025-01-06, 07:59 in Paris (UTC+1).
    const before = resolvePolicy(businessHours, at('2025-01-06T06:59:00Z'));
    expect(before.window).toBeUndefined();
    expect(before.warm.concurrency).toBe(2);
    expect(iso(before.until)).toBe('2025-01-06T07:00:00.000Z');

    const during = resolvePolicy(businessHours, at('2025-01-06T07:00:00Z'));
    expect(during.window).toBe('business-hours');
    expect(during.warm.concurrency).toBe(10);
    expect(iso(during.until)).toBe('2025-01-06T17:00:00.000Z');
  });

  it('follows the zone across DST: 08:00 in Paris is 06:00Z in summer', () => {
    const during = resolvePolicy(businessHours, at('2025-06-02T06:00:00Z'));
    expect(during.window).toBe('business-hours');
    expect(iso(during.until)).toBe('2025-06-02T16:00:00.000Z');
    expect(resolvePolicy(businessHours, at('2025-06-02T05:59:59.999Z')).window).toBeUndefined();
  });

  it('skips the weekend and points until at Monday morning', () => {
    const saturday = resolvePolicy(businessHours, at('2025-01-11T12:00:00Z'));
    expect(saturday.window).toBeUndefined();
    expect(iso(saturday.until)).toBe('2025-01-13T07:00:00.000Z');
  });

  it('lets an overnight window cover the next morning, with days naming the start day', () => {
    const policy: Policy = {
      function: 'batch',
      windows: [{ name: 'monday-night', days: ['mon'], from: '22:00', to: '06:00', warm: { concurrency: 7 } }],
    };
    expect(resolvePolicy(policy, at('2025-01-06T22:00:00Z')).window).toBe('monday-night'); // Monday 22:00
    expect(resolvePolicy(policy, at('2025-01-07T03:00:00Z')).window).toBe('monday-night'); // Tuesday 03:00
    expect(resolvePolicy(policy, at('2025-01-06T03:00:00Z')).window).toBeUndefined(); // Monday 03:00: Sunday's night
    expect(resolvePolicy(policy, at('2025-01-07T22:00:00Z')).window).toBeUndefined(); // Tuesday 22:00
    expect(iso(resolvePolicy(policy, at('2025-01-07T03:00:00Z')).until)).toBe('2025-01-07T06:00:00.000Z');
  });

  it('uses the first matching window and ignores the edges of windows after it', () => {
    const policy: Policy = {
      function: 'api',
      windows: [
        { name: 'lunch', from: '12:00', to: '14:00', warm: { concurrency: 9 } },
        { name: 'day', from: '08:00', to: '20:00', warm: { concurrency: 4 } },
        { name: 'late', from: '13:00', to: '13:30', warm: { concurrency: 1 } },
      ],
    };
    const lunch = resolvePolicy(policy, at('2025-01-06T12:30:00Z'));
    expect(lunch.window).toBe('lunch');
    expect(iso(lunch.until)).toBe('2025-01-06T14:00:00.000Z');
    const day = resolvePolicy(policy, at('2025-01-06T10:00:00Z'));
    expect(day.window).toBe('day');
    expect(iso(day.until)).toBe('2025-01-06T12:00:00.000Z');
  });

  it('uses a window zone over the policy zone', () => {
    const policy: Policy = {
      function: 'api',
      timezone: 'Europe/Paris',
      windows: [
        { name: 'ny-open', timezone: 'America/New_York', from: '09:30', to: '16:00', warm: { concurrency: 3 } },
      ],
    };
    // 09:30 in New York in January is 14:30Z.
    expect(resolvePolicy(policy, at('2025-01-06T14:29:00Z')).window).toBeUndefined();
    expect(resolvePolicy(policy, at('2025-01-06T14:30:00Z')).window).toBe('ny-open');
  });

  it('treats 00:00 to 24:00 as the whole day and changes only at midnight of a day not listed', () => {
    const policy: Policy = {
      function: 'api',
      windows: [{ name: 'weekend', days: ['sat', 'sun'], from: '00:00', to: '24:00', mode: 'off' }],
    };
    const saturday = resolvePolicy(policy, at('2025-01-11T00:00:00Z'));
    expect(saturday.mode).toBe('off');
    expect(iso(saturday.until)).toBe('2025-01-13T00:00:00.000Z');
  });

  it('has no until without windows', () => {
    expect(resolvePolicy({ function: 'api' }, at('2025-01-06T00:00:00Z')).until).toBeUndefined();
  });
});

describe('resolvePolicy: daylight-saving days', () => {
  const paris = (from: string, to: string): Policy => ({
    function: 'api',
    timezone: 'Europe/Paris',
    windows: [{ name: 'w', from, to, warm: { concurrency: 5 } }],
  });

  it('starts a window whose start time is skipped (Paris, 2025-03-30 02:00 -> 03:00) when the clock jumps', () => {
    const policy = paris('02:30', '04:00');
    const before = resolvePolicy(policy, at('2025-03-30T00:30:00Z')); // 01:30 CET
    expect(before.window).toBeUndefined();
    expect(iso(before.until)).toBe('2025-03-30T01:00:00.000Z'); // the jump: 01:00Z is 03:00 CEST
    const after = resolvePolicy(policy, at('2025-03-30T01:00:00Z'));
    expect(after.window).toBe('w');
    expect(iso(after.until)).toBe('2025-03-30T02:00:00.000Z'); // 04:00 CEST
  });

  it('keeps a window that spans the repeated hour (Paris, 2025-10-26 03:00 -> 02:00) for both passes', () => {
    const policy = paris('02:00', '03:00');
    const first = resolvePolicy(policy, at('2025-10-26T00:15:00Z')); // 02:15 CEST
    expect(first.window).toBe('w');
    expect(iso(first.until)).toBe('2025-10-26T02:00:00.000Z'); // 03:00 CET, after the second 02:xx
    expect(resolvePolicy(policy, at('2025-10-26T01:15:00Z')).window).toBe('w'); // 02:15 CET
  });

  it('leaves and re-enters a window that starts inside the repeated hour, as the wall clock does', () => {
    const policy = paris('02:30', '05:00');
    const first = resolvePolicy(policy, at('2025-10-26T00:45:00Z')); // 02:45 CEST
    expect(first.window).toBe('w');
    expect(iso(first.until)).toBe('2025-10-26T01:00:00.000Z'); // clock goes back to 02:00 CET
    const between = resolvePolicy(policy, at('2025-10-26T01:10:00Z')); // 02:10 CET
    expect(between.window).toBeUndefined();
    expect(iso(between.until)).toBe('2025-10-26T01:30:00.000Z'); // 02:30 CET
  });

  it('moves New York business hours by an hour across the March change (2025-03-09)', () => {
    const policy: Policy = {
      function: 'api',
      timezone: 'America/New_York',
      windows: [{ name: 'open', from: '09:00', to: '17:00', warm: { concurrency: 3 } }],
    };
    expect(resolvePolicy(policy, at('2025-03-07T14:00:00Z')).window).toBe('open'); // Friday 09:00 EST
    expect(resolvePolicy(policy, at('2025-03-10T13:00:00Z')).window).toBe('open'); // Monday 09:00 EDT
    expect(resolvePolicy(policy, at('2025-03-07T13:30:00Z')).window).toBeUndefined(); // 08:30 EST
    const saturdayEvening = resolvePolicy(policy, at('2025-03-08T23:00:00Z'));
    expect(iso(saturdayEvening.until)).toBe('2025-03-09T13:00:00.000Z'); // Sunday 09:00 EDT
  });

  it('handles the skipped 02:00 hour in New York (2025-03-09) for an overnight window', () => {
    const policy: Policy = {
      function: 'api',
      timezone: 'America/New_York',
      windows: [{ name: 'night', from: '23:00', to: '02:30', warm: { concurrency: 2 } }],
    };
    const late = resolvePolicy(policy, at('2025-03-09T06:59:00Z')); // 01:59 EST
    expect(late.window).toBe('night');
    expect(iso(late.until)).toBe('2025-03-09T07:00:00.000Z'); // jumps to 03:00 EDT, past 02:30
  });

  it('handles the repeated 01:00 hour in New York (2025-11-02)', () => {
    const policy: Policy = {
      function: 'api',
      timezone: 'America/New_York',
      windows: [{ name: 'early', from: '01:00', to: '02:00', warm: { concurrency: 2 } }],
    };
    const first = resolvePolicy(policy, at('2025-11-02T05:30:00Z')); // 01:30 EDT
    expect(first.window).toBe('early');
    expect(iso(first.until)).toBe('2025-11-02T07:00:00.000Z'); // 02:00 EST ends the second pass
  });
});
