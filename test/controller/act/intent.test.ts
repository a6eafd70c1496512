import { isUnconfirmed, reconcileIntent } from '../../../controller/act/intent';
import type { ManagedRecord, TargetObservation } from '../../../controller/plan';
import type { OwnershipIntent } from '../../../controller/state';

const direct = (value: number): ManagedRecord => ({
  function: 'api',
  qualifier: 'live',
  provisioned: { strategy: 'direct', value },
  since: 1,
});
const scaled: ManagedRecord = {
  function: 'api',
  qualifier: 'live',
  provisioned: { strategy: 'autoscaling', min: 2, max: 4, utilization: 0.7, ownsConfig: true },
  since: 1,
};
const pc = (requested: number) => ({ requested, allocated: requested, available: requested, status: 'READY' as const });
const seen = (provisioned: TargetObservation['provisioned'], scalableTarget: TargetObservation['scalableTarget']) => ({
  provisioned,
  scalableTarget,
});
const intent = (after: ManagedRecord | undefined, before?: ManagedRecord): OwnershipIntent => ({
  key: 'api:live',
  tickId: '2026-11-23T10:00:00Z',
  ...(after ? { after } : {}),
  ...(before ? { before } : {}),
  at: 1,
});

describe('reconcileIntent', () => {
  it('takes the intended record when the writes happened, the earlier one when they did not', () => {
    expect(reconcileIntent(intent(direct(3), direct(2)), direct(2), seen(pc(3), null))).toEqual(direct(3));
    expect(reconcileIntent(intent(direct(3), direct(2)), direct(2), seen(pc(2), null))).toEqual(direct(2));
    expect(reconcileIntent(intent(direct(2)), undefined, seen(null, null))).toBeUndefined();
    expect(reconcileIntent(intent(scaled), undefined, seen(pc(2), { min: 2, max: 4 }))).toEqual(scaled);
    // a release that went through: nothing left to own
    expect(reconcileIntent(intent(undefined, direct(2)), direct(2), seen(null, null))).toBeUndefined();
  });

  it('keeps the claim when what is deployed was changed since or cannot be read', () => {
    expect(reconcileIntent(intent(direct(3), direct(2)), direct(2), seen(pc(7), null))).toEqual(direct(3));
    expect(reconcileIntent(intent(direct(3)), undefined, {})).toEqual(direct(3));
  });
});

describe('isUnconfirmed', () => {
  it('is true until a save of that tick or a later one', () => {
    const recorded = intent(direct(2));
    expect(isUnconfirmed(recorded, undefined)).toBe(true);
    expect(isUnconfirmed(recorded, { key: 'api:live', history: [], lastTick: '2026-11-23T09:59:00Z' })).toBe(true);
    expect(isUnconfirmed(recorded, { key: 'api:live', history: [], lastTick: '2026-11-23T10:00:00Z' })).toBe(false);
  });
});
