import type { Decision, Observed, TargetObservation } from '../../../controller/plan';
import { coldShare, EMPTY_TRAFFIC, plan, recordSightings, UNIT_SHARES_KEPT } from '../../../controller/plan';
import { ACCOUNT, effective } from '../../fixtures/controller/effective';

const NOW = new Date('2026-11-23T10:00:00Z');
const at = (obs: TargetObservation, account: Observed['account'] = ACCOUNT): Observed => ({
  account,
  targets: { 'api:live': obs },
});
const kinds = (decisions: Decision[]) => decisions.map((decision) => decision.kind);
const first = <K extends Decision['kind']>(decisions: Decision[], kind: K) =>
  decisions.find((decision) => decision.kind === kind) as Extract<Decision, { kind: K }>;
const pc = (requested: number, status: 'IN_PROGRESS' | 'READY' | 'FAILED' = 'READY', reason?: string) => ({
  requested,
  allocated: status === 'READY' ? requested : 0,
  available: status === 'READY' ? requested : 0,
  status,
  ...(reason ? { reason } : {}),
});
const ours = (provisioned: NonNullable<TargetObservation['managed']>['provisioned']) => ({
  function: 'api',
  qualifier: 'live',
  provisioned,
  since: 1,
});
const direct = (min: number, extra: Record<string, unknown> = {}) =>
  effective({ mode: 'provisioned', provisioned: { min, max: min, ...extra } });
const scaling = (min: number, max: number, extra: Record<string, unknown> = {}) =>
  effective({ mode: 'provisioned', provisioned: { min, max, strategy: 'autoscaling', ...extra } });

describe('direct strategy', () => {
  it('puts the wanted value when none is configured, and does not ping while it allocates', () => {
    const decisions = plan([direct(5)], NOW, at({ provisioned: null, scalableTarget: null }));
    expect(kinds(decisions)).toEqual(['put-provisioned']);
    expect(first(decisions, 'put-provisioned')).toMatchObject({ value: 5, previous: null, adopt: false });
    expect(decisions[0].reason).toBe('provisioned.min is 5; none configured, setting 5');
  });

  it('writes nothing when what is deployed is what is wanted', () => {
    const decisions = plan(
      [direct(5)],
      NOW,
      at({ provisioned: pc(5), scalableTarget: null, managed: ours({ strategy: 'direct', value: 5 }) }),
    );
    expect(kinds(decisions)).toEqual(['keep-provisioned']);
    expect(first(decisions, 'keep-provisioned')).toMatchObject({
      requested: 5,
      allocated: 5,
      status: 'READY',
      owned: { strategy: 'direct', value: 5 },
    });
  });

  it('writes once when the policy changes', () => {
    const decisions = plan(
      [direct(8)],
      NOW,
      at({ provisioned: pc(5), scalableTarget: null, managed: ours({ strategy: 'direct', value: 5 }) }),
    );
    expect(first(decisions, 'put-provisioned')).toMatchObject({ value: 8, previous: 5 });
    expect(decisions[0].reason).toContain('changing 5 → 8');
  });

  it('deletes for zero and never puts 0', () => {
    const decisions = plan(
      [direct(0)],
      NOW,
      at({ provisioned: pc(5), scalableTarget: null, managed: ours({ strategy: 'direct', value: 5 }) }),
    );
    expect(kinds(decisions)).toEqual(['delete-provisioned']);
    expect(decisions[0].reason).toContain('Lambda refuses 0');
  });

  it('leaves a config someone else set alone unless the policy adopts it', () => {
    const foreign = at({ provisioned: pc(3), scalableTarget: null });
    const left = plan([direct(5)], NOW, foreign);
    expect(kinds(left)).toEqual(['leave-alone']);
    expect(left[0].reason).toContain('provisioned concurrency 3 that Thermostat did not set');
    expect(left[0].reason).toContain('provisioned.adopt: true');
    const adopted = plan([direct(5, { adopt: true })], NOW, foreign);
    expect(first(adopted, 'put-provisioned')).toMatchObject({ value: 5, previous: 3, adopt: true });
  });

  it('adopts a matching foreign config without writing', () => {
    const decisions = plan([direct(3, { adopt: true })], NOW, at({ provisioned: pc(3), scalableTarget: null }));
    expect(kinds(decisions)).toEqual(['keep-provisioned']);
    expect(first(decisions, 'keep-provisioned').owned).toEqual({ strategy: 'direct', value: 3 });
  });

  it('never fights a scalable target someone else registered', () => {
    const decisions = plan([direct(5)], NOW, at({ provisioned: pc(2), scalableTarget: { min: 1, max: 10 } }));
    expect(kinds(decisions)).toEqual(['leave-alone']);
    expect(first(decisions, 'leave-alone').owner).toBe('scalable-target');
    const adopted = plan(
      [direct(5, { adopt: true })],
      NOW,
      at({ provisioned: pc(2), scalableTarget: { min: 1, max: 10 } }),
    );
    expect(kinds(adopted)).toEqual(['deregister-scalable-target', 'put-provisioned']);
  });

  it('sizes from the concurrency history between min and max', () => {
    const decisions = plan(
      [effective({ mode: 'provisioned', provisioned: { min: 2, max: 20, utilization: 0.5 } })],
      NOW,
      at({
        provisioned: null,
        scalableTarget: null,
        utilization: { averageConcurrency: 3, peakConcurrency: 7, minutes: 60 },
      }),
    );
    expect(first(decisions, 'put-provisioned').value).toBe(14);
    expect(decisions[0].reason).toContain('peak concurrency 7 over 60 min at target utilisation 0.5 needs 14');
  });

  it('caps by reserved concurrency minus what other versions hold', () => {
    const decisions = plan(
      [direct(10)],
      NOW,
      at({ provisioned: null, scalableTarget: null, reservedConcurrency: 8, provisionedElsewhere: 2 }),
    );
    expect(first(decisions, 'put-provisioned').value).toBe(6);
    expect(decisions[0].reason).toContain(
      'capped at 6 by reserved concurrency 8 minus 2 provisioned on other versions',
    );
  });

  it('falls back to pings when the allocation FAILED, naming the reason', () => {
    const decisions = plan(
      [direct(3)],
      NOW,
      at({
        provisioned: pc(3, 'FAILED', 'FUNCTION_ERROR_INIT_FAILURE'),
        scalableTarget: null,
        managed: ours({ strategy: 'direct', value: 3 }),
      }),
    );
    expect(kinds(decisions)).toEqual(['keep-provisioned', 'ping']);
    const ping = first(decisions, 'ping');
    expect(ping).toMatchObject({ count: 3, fallback: 'provisioned-failed' });
    expect(ping.reason).toContain('the allocation FAILED (FUNCTION_ERROR_INIT_FAILURE)');
  });

  it('does not ping for a FAILED allocation it is removing because the policy wants none', () => {
    const decisions = plan(
      [direct(0)],
      NOW,
      at({
        provisioned: pc(3, 'FAILED', 'FUNCTION_ERROR_INIT_FAILURE'),
        scalableTarget: null,
        managed: ours({ strategy: 'direct', value: 3 }),
      }),
    );
    expect(kinds(decisions)).toEqual(['delete-provisioned']);
  });

  it('writes nothing blind when the provisioned state could not be read', () => {
    const decisions = plan([direct(3)], NOW, at({}));
    expect(kinds(decisions)).toEqual(['skip']);
    expect(first(decisions, 'skip').cause).toBe('not-observed');
  });

  it('refuses SnapStart and weighted aliases, keeping warmth with pings', () => {
    const snap = plan([direct(2)], NOW, at({ provisioned: null, scalableTarget: null, snapStart: true }));
    expect(kinds(snap)).toEqual(['skip', 'ping']);
    expect(snap[0].reason).toContain('SnapStart');
    expect(first(snap, 'ping').fallback).toBe('provisioned-blocked');
    const weighted = plan([direct(2)], NOW, at({ provisioned: null, scalableTarget: null, weightedAlias: true }));
    expect(weighted[0].reason).toContain('routing weights');
  });
});

describe('autoscaling strategy', () => {
  it('puts the initial provisioned concurrency first, then registers the window min/max with target tracking', () => {
    const decisions = plan(
      [effective({ ...scaling(2, 10, { utilization: 0.6 }), window: 'nightly-run' })],
      NOW,
      at({ provisioned: null, scalableTarget: null, scalingPolicy: null }),
    );
    expect(kinds(decisions)).toEqual(['put-provisioned', 'register-scalable-target']);
    const owned = { strategy: 'autoscaling', min: 2, max: 10, utilization: 0.6, ownsConfig: true };
    expect(first(decisions, 'put-provisioned')).toMatchObject({ value: 2, previous: null, adopt: false, owned });
    expect(decisions[0].reason).toBe(
      'window "nightly-run": no provisioned concurrency is configured and Application Auto Scaling only scales an existing config, so Thermostat sets the initial 2',
    );
    expect(first(decisions, 'register-scalable-target')).toMatchObject({
      min: 2,
      max: 10,
      utilization: 0.6,
      putPolicy: true,
      previous: null,
      ownsConfig: true,
    });
  });

  it('registers without a config when the window’s min is 0: there is nothing to start from', () => {
    const decisions = plan([scaling(0, 5)], NOW, at({ provisioned: null, scalableTarget: null, scalingPolicy: null }));
    expect(kinds(decisions)).toEqual(['register-scalable-target']);
    expect(first(decisions, 'register-scalable-target')).toMatchObject({ min: 0, max: 5, ownsConfig: false });
  });

  it('puts the initial value again when its config disappeared under a scalable target that still matches', () => {
    const decisions = plan(
      [scaling(2, 10)],
      NOW,
      at({
        provisioned: null,
        scalableTarget: { min: 2, max: 10 },
        scalingPolicy: { targetValue: 0.7 },
        managed: ours({ strategy: 'autoscaling', min: 2, max: 10, utilization: 0.7, ownsConfig: true }),
      }),
    );
    expect(kinds(decisions)).toEqual(['put-provisioned']);
    expect(first(decisions, 'put-provisioned').value).toBe(2);
  });

  it('caps the initial value like the target', () => {
    const decisions = plan(
      [scaling(8, 10)],
      NOW,
      at({ provisioned: null, scalableTarget: null, scalingPolicy: null, reservedConcurrency: 6 }),
    );
    expect(first(decisions, 'put-provisioned').value).toBe(6);
    expect(first(decisions, 'register-scalable-target')).toMatchObject({ min: 6, max: 6 });
    expect(decisions[0].reason).toContain('(capped by reserved concurrency 6)');
  });

  it('writes nothing when the scalable target and its policy already match', () => {
    const decisions = plan(
      [scaling(2, 10)],
      NOW,
      at({
        provisioned: pc(4),
        scalableTarget: { min: 2, max: 10 },
        scalingPolicy: { targetValue: 0.7 },
        managed: ours({ strategy: 'autoscaling', min: 2, max: 10, utilization: 0.7, ownsConfig: true }),
      }),
    );
    expect(kinds(decisions)).toEqual(['keep-provisioned']);
    expect(first(decisions, 'keep-provisioned')).toMatchObject({
      requested: 4,
      allocated: 4,
      status: 'READY',
      owned: { strategy: 'autoscaling', min: 2, max: 10, utilization: 0.7, ownsConfig: true },
    });
    expect(decisions[0].reason).toBe(
      'base settings: scalable target already min 2, max 10, target 0.7 (4 provisioned, READY, 4 allocated)',
    );
  });

  it('lowers min and max explicitly in a quiet window', () => {
    const decisions = plan(
      [effective({ ...scaling(0, 1), window: 'night' })],
      NOW,
      at({
        provisioned: pc(6),
        scalableTarget: { min: 4, max: 10 },
        scalingPolicy: { targetValue: 0.7 },
        managed: ours({ strategy: 'autoscaling', min: 4, max: 10, utilization: 0.7, ownsConfig: true }),
      }),
    );
    expect(kinds(decisions)).toEqual(['register-scalable-target']);
    const register = first(decisions, 'register-scalable-target');
    expect(register).toMatchObject({
      min: 0,
      max: 1,
      putPolicy: false,
      previous: { min: 4, max: 10 },
      ownsConfig: true,
    });
    expect(register.reason).toContain('window "night": min 4 → 0, max 10 → 1');
    expect(register.reason).toContain('never scales in without traffic');
  });

  it('going to zero deregisters its target and deletes the config it set', () => {
    const decisions = plan(
      [effective({ ...scaling(0, 0), window: 'day' })],
      NOW,
      at({
        provisioned: pc(3),
        scalableTarget: { min: 2, max: 4 },
        scalingPolicy: { targetValue: 0.7 },
        managed: ours({ strategy: 'autoscaling', min: 2, max: 4, utilization: 0.7, ownsConfig: true }),
      }),
    );
    expect(kinds(decisions)).toEqual(['deregister-scalable-target', 'delete-provisioned']);
    expect(decisions.map((d) => d.reason)).toEqual([
      'window "day" allows no provisioned concurrency: removing the scalable target Thermostat registered (min 2, max 4)',
      'window "day" allows no provisioned concurrency: deleting the provisioned concurrency (3) Thermostat set',
    ]);
  });

  it('going to zero never deletes a config someone else created under its target', () => {
    const decisions = plan(
      [scaling(0, 0)],
      NOW,
      at({
        provisioned: pc(3),
        scalableTarget: { min: 0, max: 4 },
        scalingPolicy: { targetValue: 0.7 },
        managed: ours({ strategy: 'autoscaling', min: 0, max: 4, utilization: 0.7, ownsConfig: false }),
      }),
    );
    expect(kinds(decisions)).toEqual(['deregister-scalable-target', 'leave-alone', 'forget']);
    expect(first(decisions, 'leave-alone')).toMatchObject({ owner: 'provisioned-config' });
    expect(decisions[1].reason).toContain('the provisioned concurrency (3) on api:live was not set by Thermostat');
  });

  it('counts a record without ownsConfig (the simulator builds its own) as owning the config', () => {
    const decisions = plan(
      [scaling(0, 0)],
      NOW,
      at({
        provisioned: pc(2),
        scalableTarget: { min: 2, max: 4 },
        scalingPolicy: { targetValue: 0.7 },
        managed: ours({ strategy: 'autoscaling', min: 2, max: 4, utilization: 0.7 }),
      }),
    );
    expect(kinds(decisions)).toEqual(['deregister-scalable-target', 'delete-provisioned']);
  });

  it('switching to direct leaves a config someone else created under its target with its owner', () => {
    const decisions = plan(
      [direct(3)],
      NOW,
      at({
        provisioned: pc(2),
        scalableTarget: { min: 0, max: 4 },
        managed: ours({ strategy: 'autoscaling', min: 0, max: 4, utilization: 0.7, ownsConfig: false }),
      }),
    );
    expect(kinds(decisions)).toEqual(['deregister-scalable-target', 'leave-alone', 'forget']);
    expect(decisions[1].reason).toContain('the provisioned concurrency (2) on api:live was not set by Thermostat');
  });

  it('going to zero with nothing configured forgets its record, or just says so', () => {
    const gone = plan(
      [scaling(0, 0)],
      NOW,
      at({
        provisioned: null,
        scalableTarget: null,
        managed: ours({ strategy: 'autoscaling', min: 2, max: 4, utilization: 0.7, ownsConfig: true }),
      }),
    );
    expect(kinds(gone)).toEqual(['forget']);
    const nothing = plan([scaling(0, 0)], NOW, at({ provisioned: null, scalableTarget: null }));
    expect(nothing).toEqual([
      expect.objectContaining({
        kind: 'keep-provisioned',
        status: 'NONE',
        owned: undefined,
        reason: 'base settings allows no provisioned concurrency; nothing is configured',
      }),
    ]);
  });

  it('leaves a scalable target it did not register alone', () => {
    const decisions = plan([scaling(1, 5)], NOW, at({ provisioned: pc(1), scalableTarget: { min: 1, max: 3 } }));
    expect(kinds(decisions)).toEqual(['leave-alone']);
  });

  it('leaves a config someone else created alone, and puts nothing over it, unless the policy adopts it', () => {
    const foreign = at({ provisioned: pc(1), scalableTarget: null, scalingPolicy: null });
    const left = plan([scaling(2, 4)], NOW, foreign);
    expect(kinds(left)).toEqual(['leave-alone']);
    expect(left[0].reason).toBe(
      'api:live has provisioned concurrency 1 that Thermostat did not set; left alone (set provisioned.adopt: true to take it over)',
    );
    const adopted = plan([scaling(2, 4, { adopt: true })], NOW, foreign);
    expect(kinds(adopted)).toEqual(['register-scalable-target']);
    expect(first(adopted, 'register-scalable-target')).toMatchObject({ adopt: true, ownsConfig: true, min: 2 });
  });

  it('switching from direct lets the scalable target take over the config Thermostat set', () => {
    const decisions = plan(
      [scaling(1, 5)],
      NOW,
      at({ provisioned: pc(3), scalableTarget: null, managed: ours({ strategy: 'direct', value: 3 }) }),
    );
    expect(kinds(decisions)).toEqual(['register-scalable-target']);
    expect(first(decisions, 'register-scalable-target').ownsConfig).toBe(true);
  });

  it('falls back to pings when the initial allocation FAILED', () => {
    const decisions = plan(
      [scaling(2, 4)],
      NOW,
      at({
        provisioned: pc(2, 'FAILED', 'FUNCTION_ERROR_INIT_FAILURE'),
        scalableTarget: { min: 2, max: 4 },
        scalingPolicy: { targetValue: 0.7 },
        managed: ours({ strategy: 'autoscaling', min: 2, max: 4, utilization: 0.7, ownsConfig: true }),
      }),
    );
    expect(kinds(decisions)).toEqual(['keep-provisioned', 'ping']);
    expect(first(decisions, 'ping')).toMatchObject({ count: 2, fallback: 'provisioned-failed' });
  });
});

describe('auto mode', () => {
  const auto = (extra: Record<string, unknown> = {}) =>
    effective({ mode: 'auto', provisioned: { max: 10 }, auto: { maxEnvironments: 6 }, ...extra });
  const traffic = (load: number | undefined, loadSource: 'proofs' | 'metrics' = 'metrics') => ({
    at: NOW.getTime() - 60_000,
    environments: [],
    idleTimes: [],
    ...(load !== undefined ? { load, loadSource, metricsAt: NOW.getTime() - 60_000, metricsRate: 600 } : {}),
    // two reads of minute statistics showed it (a unit is added only on a load two reads show)
    ...(load !== undefined && loadSource === 'metrics' ? { readLoads: [load, load] } : {}),
  });

  /** Auto mode's choice for `policy` with nothing provisioned, on a load minute statistics measured. */
  const choiceAt = (policy: ReturnType<typeof auto>, load: number) =>
    first(plan([policy], NOW, at({ provisioned: null, scalableTarget: null, traffic: traffic(load) })), 'auto-choice');

  it('keeps one environment warm with pings while the load is unknown, and says so', () => {
    const decisions = plan([auto()], NOW, at({ provisioned: null, scalableTarget: null }));
    expect(kinds(decisions)).toEqual(['auto-choice', 'ping']);
    expect(first(decisions, 'auto-choice')).toMatchObject({ choice: 'warm', environments: 1, provisioned: 0 });
    expect(decisions[0].reason).toMatch(/no load seen yet: one environment/);
    expect(first(decisions, 'ping')).toMatchObject({ wanted: 1, count: 1 });
  });

  it('sizes warm environments to the objective for the load (Erlang), with pings below the break-even', () => {
    const decisions = plan([auto()], NOW, at({ provisioned: null, scalableTarget: null, traffic: traffic(0.4) }));
    // Load 0.4: one environment leaves 28.6% cold, two 5.4%, three 0.71%: three keep 99% warm.
    expect(first(decisions, 'auto-choice')).toMatchObject({ choice: 'warm', environments: 3, provisioned: 0 });
    expect(first(decisions, 'ping')).toMatchObject({ wanted: 3 });
    const stricter = plan(
      [auto({ objective: { warmRatio: 0.9999 } })],
      NOW,
      at({ provisioned: null, scalableTarget: null, traffic: traffic(0.4) }),
    );
    expect(first(stricter, 'auto-choice').environments).toBe(5);
  });

  it('forecasts the cold share of the environments it chose, and the request rate the load stands for', () => {
    const decisions = plan([auto()], NOW, at({ provisioned: null, scalableTarget: null, traffic: traffic(0.4) }));
    // Three environments at load 0.4 leave 0.71% cold (Erlang); 600 requests a minute carry it.
    const choice = first(decisions, 'auto-choice');
    expect(choice.forecast?.coldShare).toBeCloseTo(coldShare(3, 0.4), 12);
    expect(choice.forecast?.coldShare).toBeLessThanOrEqual(0.01);
    expect(choice.forecast?.requestsPerMinute).toBeCloseTo(600, 9);
    expect(choice.reason).toMatch(/3 environments keep 99\.28% of requests warm/);
    // A load maxEnvironments cannot hold is one whose traffic keeps environments of its own: the pool priced is not
    // what serves it, so no forecast.
    const capped = choiceAt(auto({ auto: { maxEnvironments: 1 } }), 0.4);
    expect(capped.forecast).toBeUndefined();
    // A monthly ceiling that keeps fewer warm than the objective needs says what that forecasts.
    const ceiling = choiceAt(auto({ objective: { maxMonthlyUsd: 0.1 } }), 0.4);
    expect(ceiling.environments).toBeLessThan(3);
    expect(ceiling.forecast?.coldShare).toBeCloseTo(coldShare(ceiling.environments, 0.4), 12);
    expect(ceiling.reason).toMatch(new RegExp(`forecast [\\d.]+% of requests cold with ${ceiling.environments} warm`));
    // Traffic that keeps its own environments warm is not the pool Erlang's formula prices: pings skipped, no forecast.
    const busy = recordSightings(
      EMPTY_TRAFFIC,
      NOW.getTime() - 60_000,
      ['a', 'b', 'c'].map((envId) => ({
        envId,
        initAt: NOW.getTime() - 60 * 60_000,
        realServed: 600 * 60,
        realBusyMs: 600 * 60,
        lastRealAt: NOW.getTime() - 61_000,
      })),
    );
    const kept = plan(
      [auto()],
      NOW,
      at({
        provisioned: null,
        scalableTarget: null,
        traffic: busy,
        lastPingAt: NOW.getTime() - 60_000,
        lastWanted: 2,
        lastProven: 2,
      }),
    );
    expect(first(kept, 'skip')).toMatchObject({ cause: 'kept-warm-by-traffic' });
    expect(first(kept, 'auto-choice').load).toBeGreaterThan(0);
    expect(first(kept, 'auto-choice').forecast).toBeUndefined();
    // No load, no forecast: nothing to compare with yet.
    const unknown = first(plan([auto()], NOW, at({ provisioned: null, scalableTarget: null })), 'auto-choice');
    expect(unknown.forecast).toBeUndefined();
    expect(unknown.reason).not.toMatch(/forecast/);
  });

  it('provisions the units whose marginal utilisation beats the break-even by the switching margin', () => {
    const decisions = plan([auto()], NOW, at({ provisioned: null, scalableTarget: null, traffic: traffic(3) }));
    const choice = first(decisions, 'auto-choice');
    expect(choice.choice).toBe('provisioned');
    expect(choice.provisioned).toBeGreaterThanOrEqual(2);
    expect(choice.provisioned).toBeLessThan(choice.environments);
    expect(first(decisions, 'put-provisioned')).toMatchObject({ value: choice.provisioned });
    expect(choice.reason).toMatch(/provisioned unit/);
  });

  it('adds a unit only on a load two reads of minute statistics show: one read after a burst buys nothing', () => {
    const observedWith = (readLoads: number[], held = false) =>
      at({
        provisioned: held ? pc(2) : null,
        scalableTarget: null,
        ...(held ? { managed: ours({ strategy: 'direct', value: 2 }) } : {}),
        traffic: { ...traffic(3), readLoads },
      });
    // one read (15 minutes of a burst of long requests read as a steady load of 3): pings only, until confirmed
    const once = first(plan([auto()], NOW, observedWith([3])), 'auto-choice');
    expect(once).toMatchObject({ choice: 'warm', provisioned: 0 });
    // the next read shows the burst is over: still nothing
    expect(first(plan([auto()], NOW, observedWith([3, 0.05])), 'auto-choice').provisioned).toBe(0);
    // two reads at the load: the units it pays for
    expect(first(plan([auto()], NOW, observedWith([2.9, 3])), 'auto-choice').provisioned).toBeGreaterThanOrEqual(2);
    // units already held are kept on the latest read alone (the hysteresis band decides, not a second read)
    expect(first(plan([auto()], NOW, observedWith([0.05, 3], true)), 'auto-choice').provisioned).toBe(2);
  });

  it('buys no unit for bursts whose mean load looks steady: what the reads measured each unit would carry decides', () => {
    const observedWith = (readUnitBusy: number[][], held = false) =>
      at({
        provisioned: held ? pc(2) : null,
        scalableTarget: null,
        ...(held ? { managed: ours({ strategy: 'direct', value: 2 }) } : {}),
        traffic: { ...traffic(3), readLoads: [3, 3], readUnitBusy },
      });
    // a load of 3 in both reads, as steady traffic would show it: units
    const steady = first(
      plan(
        [auto()],
        NOW,
        observedWith([
          [1, 1, 0.9],
          [1, 1, 0.95],
        ]),
      ),
      'auto-choice',
    );
    expect(steady.provisioned).toBeGreaterThanOrEqual(2);
    // the same means from bursts of 16 for a few minutes: no environment busy more than a fifth of the time
    const bursts = Array(16).fill(0.19);
    const bursty = first(plan([auto()], NOW, observedWith([bursts, bursts])), 'auto-choice');
    expect(bursty).toMatchObject({ choice: 'warm', provisioned: 0 });
    // one read of bursts is enough to stop a unit being added on the other's steady look
    expect(first(plan([auto()], NOW, observedWith([[1, 1, 1], bursts])), 'auto-choice').provisioned).toBe(0);
    expect(first(plan([auto()], NOW, observedWith([bursts, [1, 1, 1]])), 'auto-choice').provisioned).toBe(0);
    // units held follow the latest read: bursts let them go
    expect(first(plan([auto()], NOW, observedWith([[1, 1, 1], bursts], true)), 'auto-choice').provisioned).toBe(0);
    // a read keeps UNIT_SHARES_KEPT units; beyond them a steady load of 30 is judged by the formula alone, as before
    const busy = Array(UNIT_SHARES_KEPT).fill(1);
    const large = at({
      provisioned: null,
      scalableTarget: null,
      traffic: { ...traffic(30), readLoads: [30, 30], readUnitBusy: [busy, busy] },
    });
    const many = first(
      plan([auto({ provisioned: { max: 40 }, auto: { maxEnvironments: 40 } })], NOW, large),
      'auto-choice',
    );
    expect(many.provisioned).toBeGreaterThan(UNIT_SHARES_KEPT);
  });

  it('keeps a unit it holds inside the hysteresis band instead of flapping', () => {
    // Load 0.75: the first unit's marginal utilisation is 0.43, below 0.6 × (1 + 5/60) to add; held units stay
    // while above 0.6 × (1 − 5/60) = 0.55 — so compare a load just under and just over the adding threshold.
    const load = 1.12; // first unit carries 0.528: not enough to add, not enough to keep either
    const fresh = plan([auto()], NOW, at({ provisioned: null, scalableTarget: null, traffic: traffic(load) }));
    expect(first(fresh, 'auto-choice').provisioned).toBe(0);
    const band = 1.4; // first unit carries 0.583: inside the band
    const adding = plan([auto()], NOW, at({ provisioned: null, scalableTarget: null, traffic: traffic(band) }));
    expect(first(adding, 'auto-choice').provisioned).toBe(0);
    const holding = plan(
      [auto()],
      NOW,
      at({
        provisioned: pc(1),
        scalableTarget: null,
        managed: ours({ strategy: 'direct', value: 1 }),
        traffic: traffic(band),
      }),
    );
    expect(first(holding, 'auto-choice').provisioned).toBe(1);
  });

  it('never provisions where Lambda refuses it, and respects the monthly ceiling', () => {
    const onLatest = plan([effective({ mode: 'auto', qualifier: undefined, provisioned: { max: 10 } })], NOW, {
      account: ACCOUNT,
      targets: { api: { traffic: traffic(3) } },
    });
    expect(kinds(onLatest)).not.toContain('put-provisioned');
    const capped = plan(
      [auto({ objective: { maxMonthlyUsd: 0 } })],
      NOW,
      at({ provisioned: null, scalableTarget: null, traffic: traffic(0.4) }),
    );
    expect(first(capped, 'auto-choice')).toMatchObject({ environments: 0, provisioned: 0 });
    expect(kinds(capped)).not.toContain('ping');
    // Provisioned units that save more than they cost fit any ceiling: the ceiling is on warming's overhead.
    const saving = plan(
      [auto({ objective: { maxMonthlyUsd: 0 } })],
      NOW,
      at({ provisioned: null, scalableTarget: null, traffic: traffic(3) }),
    );
    expect(first(saving, 'auto-choice').provisioned).toBeGreaterThan(0);
  });
});

describe('the account’s floor', () => {
  it('caps by the unreserved concurrency minus the 100 Lambda keeps for functions without reservations', () => {
    const account = { limit: 1000, unreserved: 130 };
    const decisions = plan([direct(50)], NOW, at({ provisioned: null, scalableTarget: null }, account));
    expect(first(decisions, 'put-provisioned').value).toBe(30);
    expect(decisions[0].reason).toContain("the account's unreserved concurrency 130 minus 100");
  });
});
