import type { ManagedRecord, TargetObservation } from '../../../controller/plan';
import {
  limitPings,
  pingAllowances,
  pingCeiling,
  pingsAsked,
  planReleased,
  planTarget,
} from '../../../controller/plan/target';
import { ACCOUNT, effective } from '../../fixtures/controller/effective';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const facts: TargetObservation = { reservedConcurrency: null, snapStart: false, timeoutMs: 30_000 };

describe('pingCeiling: what a target could ask for, known before it is observed', () => {
  it('is its warmth when due, within its own budget; 0 when not due, off or provisioned', () => {
    const warm = effective({ warm: { concurrency: 10 } });
    expect(pingCeiling(warm, undefined, NOW, ACCOUNT)).toBe(10);
    expect(pingCeiling(warm, { lastPingAt: NOW - 60_000, lastWanted: 10 }, NOW, ACCOUNT)).toBe(0);
    // raised warmth is due at once
    expect(pingCeiling(warm, { lastPingAt: NOW - 60_000, lastWanted: 5 }, NOW, ACCOUNT)).toBe(10);
    expect(
      pingCeiling(effective({ warm: { concurrency: 10 }, budget: { maxConcurrency: 4 } }), undefined, NOW, ACCOUNT),
    ).toBe(4);
    expect(
      pingCeiling(effective({ warm: { concurrency: 10 }, budget: { maxShare: 0.002 } }), undefined, NOW, ACCOUNT),
    ).toBe(2);
    expect(pingCeiling(effective({ mode: 'off' }), undefined, NOW, ACCOUNT)).toBe(0);
    expect(pingCeiling(effective({ mode: 'provisioned', provisioned: { min: 3 } }), undefined, NOW, ACCOUNT)).toBe(0);
  });
});

describe('the shared ping pool, target by target', () => {
  it('divides max-min fairly, and cuts a plan to its grant with the reason', () => {
    const allowances = pingAllowances(
      new Map([
        ['a', 2],
        ['b', 50],
        ['c', 50],
      ]),
      40,
    );
    // Whole ceilings in order: b does not fit what a left, and waits a tick rather than get a useless part.
    expect(Object.fromEntries(allowances)).toEqual({ a: 2, b: 0, c: 0 });

    const decisions = planTarget(effective({ warm: { concurrency: 30 } }), new Date(NOW), ACCOUNT, facts, {
      tickShare: 0.2,
    });
    expect(pingsAsked(decisions)).toBe(30);
    const cut = limitPings(decisions, 19, 40);
    expect(cut).toEqual([
      expect.objectContaining({
        kind: 'ping',
        count: 19,
        wanted: 30,
        reason: expect.stringMatching(/; tick budget of 40 shared with other targets allows 19$/),
      }),
    ]);
    expect(limitPings(decisions, 0, 40)).toEqual([
      expect.objectContaining({ kind: 'skip', cause: 'budget-exhausted' }),
    ]);
    expect(limitPings(decisions, 30, 40)).toEqual(decisions);
  });
});

describe('adoption and release', () => {
  const adopted: ManagedRecord = {
    function: 'api',
    qualifier: 'live',
    provisioned: { strategy: 'direct', value: 2 },
    adopted: true,
    since: 0,
  };
  const pc = (requested: number) => ({
    requested,
    allocated: requested,
    available: requested,
    status: 'READY' as const,
  });

  it('records what the owner had on the write that adopts', () => {
    const policy = effective({ mode: 'provisioned', provisioned: { min: 2, adopt: true } });
    const decisions = planTarget(
      policy,
      new Date(NOW),
      ACCOUNT,
      { ...facts, provisioned: pc(5), scalableTarget: null },
      {},
    );
    expect(decisions).toEqual([
      expect.objectContaining({
        kind: 'put-provisioned',
        value: 2,
        adopt: true,
        original: { provisioned: 5, scalableTarget: null, scalingPolicies: [] },
      }),
    ]);
  });

  it('waits with adopting a scalable target whose scaling policies could not be read', () => {
    const policy = effective({
      mode: 'provisioned',
      provisioned: { min: 2, max: 4, strategy: 'autoscaling', adopt: true },
    });
    const obs = { ...facts, provisioned: pc(5), scalableTarget: { min: 1, max: 10 } };
    const decisions = planTarget(policy, new Date(NOW), ACCOUNT, obs, {});
    expect(decisions).toEqual([expect.objectContaining({ kind: 'skip', cause: 'not-observed' })]);
  });

  it('puts the original back instead of deleting, and without a record leaves things as they are', () => {
    const original = { provisioned: 5, scalableTarget: null, scalingPolicies: [] };
    const released = planReleased('api:live', new Date(NOW), ACCOUNT, {
      managed: { ...adopted, original },
      provisioned: pc(2),
      scalableTarget: null,
    });
    expect(released.map((decision) => decision.kind)).toEqual(['put-provisioned', 'forget']);
    expect(released[0]).toMatchObject({ value: 5, previous: 2 });

    const unknown = planReleased('api:live', new Date(NOW), ACCOUNT, {
      managed: adopted,
      provisioned: pc(2),
      scalableTarget: null,
    });
    expect(unknown.map((decision) => decision.kind)).toEqual(['leave-alone', 'forget']);
  });
});

describe('letting an adopted config go by switching the policy to warm', () => {
  it('puts the owner’s value back instead of deleting it', () => {
    const managed: ManagedRecord = {
      function: 'api',
      qualifier: 'live',
      provisioned: { strategy: 'direct', value: 2 },
      adopted: true,
      since: 0,
      original: { provisioned: 5, scalableTarget: null, scalingPolicies: [] },
    };
    const deployed = { requested: 2, allocated: 2, available: 2, status: 'READY' as const };
    const decisions = planTarget(
      effective({ mode: 'warm', warm: { concurrency: 2 } }),
      new Date(NOW),
      ACCOUNT,
      { ...facts, managed, provisioned: deployed, scalableTarget: null },
      {},
    );
    expect(decisions.find((decision) => decision.kind === 'put-provisioned')).toMatchObject({ value: 5, previous: 2 });
    expect(decisions.map((decision) => decision.kind)).toContain('forget');
    expect(decisions.map((decision) => decision.kind)).not.toContain('delete-provisioned');
  });
});
