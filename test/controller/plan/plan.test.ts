import type { Decision, Observed, TargetObservation } from '../../../controller/plan';
import { plan } from '../../../controller/plan';
import { ACCOUNT, effective } from '../../fixtures/controller/effective';

const NOW = new Date('2026-11-23T10:00:00Z');
const at = (key: string, obs: TargetObservation, account: Observed['account'] = ACCOUNT): Observed => ({
  account,
  targets: { [key]: obs },
});
const kinds = (decisions: Decision[]) => decisions.map((decision) => decision.kind);
const only = <K extends Decision['kind']>(decisions: Decision[], kind: K) => {
  const found = decisions.filter((decision) => decision.kind === kind);
  expect(found).toHaveLength(1);
  return found[0] as Extract<Decision, { kind: K }>;
};
const NO_PC = { provisioned: null, scalableTarget: null } as const;

describe('warm mode', () => {
  it('pings a never-pinged target with as many pings as environments wanted', () => {
    const decisions = plan([effective({ warm: { concurrency: 5 } })], NOW, at('api:live', {}));
    const ping = only(decisions, 'ping');
    expect(ping).toMatchObject({ key: 'api:live', count: 5, wanted: 5, holdMs: 250, proof: true });
    expect(ping.reason).toContain('5 environments wanted');
    expect(ping.reason).toContain('first ping');
  });

  it('expects cold starts when fewer environments were proven last time than are wanted now', () => {
    const first = only(plan([effective({ warm: { concurrency: 3 } })], NOW, at('api:live', {})), 'ping');
    expect(first.expectCold).toBe(true);
    const old = NOW.getTime() - 600_000;
    const steady = plan(
      [effective({ warm: { concurrency: 3 } })],
      NOW,
      at('api:live', { lastPingAt: old, lastProven: 3 }),
    );
    expect(only(steady, 'ping').expectCold).toBe(false);
    const grown = plan(
      [effective({ warm: { concurrency: 5 } })],
      NOW,
      at('api:live', { lastPingAt: old, lastProven: 3 }),
    );
    expect(only(grown, 'ping').expectCold).toBe(true);
  });

  it('skips a target pinged less than an interval ago and says when it was pinged', () => {
    const last = NOW.getTime() - 120_000;
    const decisions = plan([effective()], NOW, at('api:live', { lastPingAt: last, lastWanted: 1 }));
    const skip = only(decisions, 'skip');
    expect(skip.cause).toBe('not-due');
    expect(skip.reason).toBe('last pinged 2m ago; interval is 5m');
  });

  it('pings again at once when the window raises the warmth', () => {
    const last = NOW.getTime() - 60_000;
    const decisions = plan(
      [effective({ window: 'peak', warm: { concurrency: 10 } })],
      NOW,
      at('api:live', { lastPingAt: last, lastWanted: 2 }),
    );
    const ping = only(decisions, 'ping');
    expect(ping.count).toBe(10);
    expect(ping.reason).toContain('in window "peak"');
    expect(ping.reason).toContain('warmth raised from 2 to 10');
  });

  it("auto mode's raise waits for the next round on the grid when rounds are aligned, and only then", () => {
    const policy = effective({ mode: 'auto', auto: { maxEnvironments: 5 } });
    // a round a minute ago, off the grid, proved one environment; minute statistics now show a load that needs more
    const tick = new Date('2026-11-23T10:02:00Z');
    const obs: TargetObservation = {
      ...NO_PC,
      lastPingAt: tick.getTime() - 60_000,
      lastWanted: 1,
      lastProven: 1,
      traffic: { at: tick.getTime() - 60_000, environments: [], idleTimes: [], load: 1.5, loadSource: 'metrics' },
    };
    const now = plan([policy], tick, at('api:live', obs));
    expect(only(now, 'ping').reason).toMatch(/warmth raised from 1 to [2-5]/);
    const aligned = plan([policy], tick, at('api:live', obs), { alignRounds: true });
    expect(only(aligned, 'skip')).toMatchObject({ cause: 'not-due', nextAt: Date.parse('2026-11-23T10:04:30Z') });
    const onGrid = new Date(Date.parse('2026-11-23T10:04:45Z'));
    expect(only(plan([policy], onGrid, at('api:live', obs), { alignRounds: true }), 'ping').wanted).toBeGreaterThan(1);
  });

  it('counts a traffic probe of a one-environment target as its round: a failed probe waits an interval', () => {
    const policy = effective({ mode: 'auto' });
    const probeAt = NOW.getTime() - 60_000;
    const obs: TargetObservation = {
      ...NO_PC,
      lastPingAt: NOW.getTime() - 40 * 60_000,
      lastWanted: 1,
      lastProven: 1,
      // the probe found the one environment idle for 20 minutes: the traffic that kept it warm is gone
      traffic: {
        at: NOW.getTime() - 40 * 60_000,
        environments: [{ envId: 'e', ratePerMinute: 2, lastRealAt: NOW.getTime() - 41 * 60_000, realServed: 80 }],
        idleTimes: [],
        probe: { at: probeAt, ratePerMinute: 0, lastRealAt: probeAt - 20 * 60_000, overMs: 39 * 60_000 },
      },
    };
    const waiting = only(plan([policy], NOW, at('api:live', obs)), 'skip');
    expect(waiting).toMatchObject({ cause: 'not-due', nextAt: probeAt + 5 * 60_000 - 30_000 });
    const due = plan([policy], new Date(probeAt + 5 * 60_000), at('api:live', obs));
    expect(only(due, 'ping').reason).toMatch(/interval 5m elapsed/);
  });

  it('pings the environments a burst left without waiting for cold starts: they are there to be found', () => {
    const policy = effective({ mode: 'auto', auto: { maxEnvironments: 5 } });
    const roundAt = NOW.getTime() - 5 * 60_000;
    const burstEnv = { envId: 'b', ratePerMinute: 0.2, lastRealAt: roundAt - 2 * 60_000, realServed: 1 };
    const obs = (traffic: TargetObservation['traffic']): TargetObservation => ({
      ...NO_PC,
      lastPingAt: roundAt,
      lastWanted: 1,
      lastProven: 1,
      traffic,
    });
    // the last round found its one environment started by a user's request since the round before: look for more
    const outgrown = { at: roundAt, environments: [burstEnv], idleTimes: [], outgrown: { at: roundAt, since: 1 } };
    const look = only(plan([policy], NOW, at('api:live', obs(outgrown))), 'ping');
    expect(look).toMatchObject({ wanted: 2, count: 2, expectCold: false });
    // a plain raise to 2 (a load that needs them) still holds for the cold starts it expects
    const loaded = { at: roundAt, environments: [burstEnv], idleTimes: [], load: 1.5, loadSource: 'metrics' as const };
    const raised = only(plan([policy], NOW, at('api:live', obs(loaded))), 'ping');
    expect(raised.wanted).toBeGreaterThan(1);
    expect(raised.expectCold).toBe(true);
  });

  it('honours a 5-minute interval on a 1-minute tick: every fifth tick pings', () => {
    const policy = effective({ warm: { intervalMs: 300_000 } });
    let lastPingAt: number | undefined;
    const pinged: number[] = [];
    for (let tick = 0; tick < 21; tick++) {
      // Scheduled deliveries arrive a little late, by a varying amount.
      const now = new Date(NOW.getTime() + tick * 60_000 + ((tick * 7) % 5) * 1000);
      const decisions = plan([policy], now, at('api:live', { lastPingAt, lastWanted: 1 }));
      if (decisions.some((decision) => decision.kind === 'ping')) {
        pinged.push(tick);
        lastPingAt = now.getTime();
      }
    }
    expect(pinged).toEqual([0, 5, 10, 15, 20]);
  });

  it('caps pings by budget.maxConcurrency and says so', () => {
    const decisions = plan(
      [effective({ warm: { concurrency: 50 }, budget: { maxConcurrency: 8, maxShare: 0.5 } })],
      NOW,
      at('api:live', {}),
    );
    const ping = only(decisions, 'ping');
    expect(ping.count).toBe(8);
    expect(ping.wanted).toBe(50);
    expect(ping.reason).toContain('capped at 8 by budget.maxConcurrency 8');
  });

  it('caps pings by the share of the unreserved account concurrency', () => {
    const decisions = plan(
      [effective({ warm: { concurrency: 50 }, budget: { maxShare: 0.1 } })],
      NOW,
      at('api:live', {}, { limit: 1000, unreserved: 300 }),
    );
    expect(only(decisions, 'ping').count).toBe(30);
  });

  it('never uses all of a reserved concurrency, and skips when nothing is left for real traffic', () => {
    const capped = plan([effective({ warm: { concurrency: 10 } })], NOW, at('api:live', { reservedConcurrency: 5 }));
    expect(only(capped, 'ping').count).toBe(4);
    const none = plan([effective({ warm: { concurrency: 10 } })], NOW, at('api:live', { reservedConcurrency: 1 }));
    expect(only(none, 'skip')).toMatchObject({ cause: 'no-reserved-headroom' });
    const zero = plan([effective()], NOW, at('api:live', { reservedConcurrency: 0 }));
    expect(only(zero, 'skip').cause).toBe('no-reserved-headroom');
  });

  it('does not ping blind when the account settings are unknown and no absolute budget is set', () => {
    const blind = plan([effective()], NOW, { targets: {} });
    expect(only(blind, 'skip').cause).toBe('budget-unknown');
    const bounded = plan([effective({ budget: { maxConcurrency: 3 }, warm: { concurrency: 5 } })], NOW, {
      targets: {},
    });
    expect(only(bounded, 'ping').count).toBe(3);
  });

  it('gives whole rounds while they fit and defers the rest, so the budget is shared across ticks', () => {
    const policies = ['a', 'b', 'c', 'd'].map((fn) =>
      effective({ function: fn, warm: { concurrency: fn === 'd' ? 5 : 30 }, budget: { maxShare: 0.5 } }),
    );
    const account = { limit: 1000, unreserved: 400 };
    const counts = (decisions: ReturnType<typeof plan>) =>
      Object.fromEntries(
        decisions.filter((d) => d.kind === 'ping').map((d) => [d.function, d.kind === 'ping' ? d.count : 0]),
      );
    const first = plan(policies, NOW, { account, targets: {} }, { tickShare: 0.2 });
    // A pool of 80: a, b (30 each) and d (5) fit whole; c waits for the next tick rather than a round too small.
    expect(counts(first)).toEqual({ a: 30, b: 30, d: 5 });
    const c = first.find((d) => d.function === 'c')!;
    expect(c).toMatchObject({ kind: 'skip', cause: 'deferred' });
    expect(c.reason).toContain('first in line next tick');
    // Next tick: the others were just pinged, c is first in line.
    const pinged = { lastPingAt: NOW.getTime(), lastWanted: 30, lastProven: 30 };
    const next = plan(
      policies,
      new Date(NOW.getTime() + 60_000),
      {
        account,
        targets: {
          [policies[0].key]: pinged,
          [policies[1].key]: pinged,
          [policies[3].key]: { ...pinged, lastWanted: 5, lastProven: 5 },
        },
      },
      { tickShare: 0.2 },
    );
    expect(counts(next)).toEqual({ c: 30 });
  });

  it('gives a round larger than the whole pool the pool, so a big target is never starved by its size', () => {
    const decisions = plan(
      [effective({ function: 'big', warm: { concurrency: 500 }, budget: { maxShare: 1 } })],
      NOW,
      { account: { limit: 1000, unreserved: 400 }, targets: {} },
      { tickShare: 0.2 },
    );
    expect(only(decisions, 'ping').count).toBe(80);
    expect(only(decisions, 'ping').reason).toContain('tick budget of 80 shared with other targets allows 80');
  });

  it('sends a compatibility payload and says that no proof is possible', () => {
    const decisions = plan(
      [effective({ warm: { concurrency: 2, payload: { flavour: 'serverless-plugin-warmup' } } })],
      NOW,
      at('api:live', {}),
    );
    const ping = only(decisions, 'ping');
    expect(ping.proof).toBe(false);
    expect(ping.payload).toEqual({ flavour: 'serverless-plugin-warmup' });
    expect(ping.reason).toContain('no environment proof possible');
  });

  it('shortens a hold that would not fit in the function timeout', () => {
    const decisions = plan([effective({ warm: { holdMs: 2000 } })], NOW, at('api:live', { timeoutMs: 3000 }));
    const ping = only(decisions, 'ping');
    expect(ping.holdMs).toBe(1500);
    expect(ping.reason).toContain('hold shortened to 1500 ms (function timeout 3000 ms)');
  });

  it('skips pings when READY provisioned concurrency covers the warmth, and pings when it only partly does', () => {
    const ready = { requested: 5, allocated: 5, available: 5, status: 'READY' as const };
    const covered = plan(
      [effective({ warm: { concurrency: 3 } })],
      NOW,
      at('api:live', { provisioned: ready, scalableTarget: null }),
    );
    expect(only(covered, 'skip')).toMatchObject({ cause: 'covered-by-provisioned' });
    expect(kinds(covered)).toEqual(['skip']);
    const partly = plan(
      [effective({ warm: { concurrency: 8 } })],
      NOW,
      at('api:live', { provisioned: ready, scalableTarget: null }),
    );
    expect(only(partly, 'ping').count).toBe(8);
  });

  it('reports a missing function as a failure of that target only', () => {
    const decisions = plan([effective({ function: 'gone' }), effective({ function: 'fine' })], NOW, {
      account: ACCOUNT,
      targets: { 'gone:live': { problem: { kind: 'function-missing', message: 'Function not found: gone' } } },
    });
    expect(decisions.map((d) => [d.function, d.kind])).toEqual([
      ['gone', 'fail'],
      ['fine', 'ping'],
    ]);
  });

  it('removes provisioned concurrency Thermostat set when the policy moves to warm, and still pings', () => {
    const decisions = plan(
      [effective({ warm: { concurrency: 2 } })],
      NOW,
      at('api:live', {
        provisioned: { requested: 4, allocated: 4, available: 4, status: 'READY' },
        scalableTarget: null,
        managed: { function: 'api', qualifier: 'live', provisioned: { strategy: 'direct', value: 4 }, since: 1 },
      }),
    );
    expect(kinds(decisions)).toEqual(['delete-provisioned', 'ping']);
  });
});

describe('off mode', () => {
  const managed = (provisioned: NonNullable<TargetObservation['managed']>['provisioned']) => ({
    function: 'api',
    qualifier: 'live',
    provisioned,
    since: 1,
  });
  const pc = (requested: number) => ({
    requested,
    allocated: requested,
    available: requested,
    status: 'READY' as const,
  });

  it('leaves provisioned concurrency it did not create in place', () => {
    const decisions = plan(
      [effective({ mode: 'off' })],
      NOW,
      at('api:live', { provisioned: pc(3), scalableTarget: null }),
    );
    const leave = only(decisions, 'leave-alone');
    expect(leave.owner).toBe('provisioned-config');
    expect(leave.reason).toContain('was not created by Thermostat; left in place');
  });

  it('deletes what it created', () => {
    const decisions = plan(
      [effective({ mode: 'off' })],
      NOW,
      at('api:live', { provisioned: pc(3), scalableTarget: null, managed: managed({ strategy: 'direct', value: 3 }) }),
    );
    expect(only(decisions, 'delete-provisioned').previous).toBe(3);
  });

  it('leaves a config someone changed after Thermostat wrote it, and forgets it', () => {
    const decisions = plan(
      [effective({ mode: 'off' })],
      NOW,
      at('api:live', { provisioned: pc(7), scalableTarget: null, managed: managed({ strategy: 'direct', value: 3 }) }),
    );
    expect(kinds(decisions)).toEqual(['leave-alone', 'forget']);
    expect(decisions[0].reason).toContain('changed to 7 outside Thermostat (it set 3)');
  });

  it('deregisters its scalable target and deletes the initial concurrency it set under it', () => {
    const decisions = plan(
      [effective({ mode: 'off' })],
      NOW,
      at('api:live', {
        provisioned: pc(2),
        scalableTarget: { min: 1, max: 4 },
        managed: managed({ strategy: 'autoscaling', min: 1, max: 4, utilization: 0.7, ownsConfig: true }),
      }),
    );
    expect(kinds(decisions)).toEqual(['deregister-scalable-target', 'delete-provisioned']);
    expect(decisions[1].reason).toBe('mode is off: deleting the provisioned concurrency (2) Thermostat set');
  });

  it('deregisters its scalable target but leaves a config under it that someone else created', () => {
    const decisions = plan(
      [effective({ mode: 'warm' })],
      NOW,
      at('api:live', {
        provisioned: pc(2),
        scalableTarget: { min: 0, max: 4 },
        managed: managed({ strategy: 'autoscaling', min: 0, max: 4, utilization: 0.7, ownsConfig: false }),
      }),
    );
    expect(kinds(decisions)).toEqual(['deregister-scalable-target', 'leave-alone', 'forget', 'ping']);
    expect(decisions[1].reason).toBe(
      'mode is warm, but the provisioned concurrency (2) on api:live was not set by Thermostat; left in place',
    );
  });

  it('forgets a record when nothing is left, and removes nothing it could not read', () => {
    const gone = plan(
      [effective({ mode: 'off' })],
      NOW,
      at('api:live', { ...NO_PC, managed: managed({ strategy: 'direct', value: 3 }) }),
    );
    expect(kinds(gone)).toEqual(['forget']);
    const unread = plan(
      [effective({ mode: 'off' })],
      NOW,
      at('api:live', { managed: managed({ strategy: 'direct', value: 3 }) }),
    );
    expect(only(unread, 'skip').cause).toBe('not-observed');
  });

  it('does nothing but say so when there is nothing to remove', () => {
    const decisions = plan([effective({ mode: 'off' })], NOW, at('api:live', NO_PC));
    expect(decisions).toEqual([expect.objectContaining({ kind: 'skip', cause: 'off', reason: 'mode is off' })]);
  });

  it('cleans up a managed target whose policy was removed', () => {
    const decisions = plan([], NOW, {
      account: ACCOUNT,
      targets: {
        'old:live': {
          provisioned: pc(2),
          scalableTarget: null,
          managed: { function: 'old', qualifier: 'live', provisioned: { strategy: 'direct', value: 2 }, since: 1 },
        },
      },
    });
    const deletion = only(decisions, 'delete-provisioned');
    expect(deletion).toMatchObject({ key: 'old:live', function: 'old', qualifier: 'live', mode: 'off' });
    expect(deletion.reason).toMatch(/^no policy names old:live any more; /);
  });
});
