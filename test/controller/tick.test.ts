import { localShards, readTick, shardIndexes, tickId } from '../../controller/tick';

const NOW = Date.parse('2026-11-23T10:07:42.123Z');

describe('readTick', () => {
  it('takes the id from an EventBridge scheduled event, so duplicate deliveries share it', () => {
    const event = { 'detail-type': 'Scheduled Event', time: '2026-11-23T10:05:00Z', id: 'a' };
    expect(readTick(event, NOW)).toEqual({
      id: '2026-11-23T10:05:00Z',
      scheduledAt: Date.parse('2026-11-23T10:05:00Z'),
    });
    expect(readTick({ ...event, id: 'b' }, NOW + 5_000).id).toBe('2026-11-23T10:05:00Z');
  });

  it('accepts Scheduler inputs (time, scheduledTime, scheduled-time)', () => {
    for (const key of ['time', 'scheduledTime', 'scheduled-time']) {
      expect(readTick({ [key]: '2026-11-23T10:06:00.000Z' }, NOW).id).toBe('2026-11-23T10:06:00Z');
    }
  });

  it('reads a shard event', () => {
    const event = { thermostatShard: { tickId: '2026-11-23T10:05:00Z', scheduledAt: 5, index: 2, of: 3 } };
    expect(readTick(event, NOW)).toEqual({ id: '2026-11-23T10:05:00Z', scheduledAt: 5, shard: { index: 2, of: 3 } });
    const broken = { thermostatShard: { tickId: 'x', scheduledAt: 5, index: 3, of: 3 } };
    expect(readTick(broken, NOW).shard).toBeUndefined();
    // The shard of an unscheduled tick (a deployment's warm-up) is unscheduled too; anything but true is not.
    const unscheduled = { thermostatShard: { ...event.thermostatShard, unscheduled: true } };
    expect(readTick(unscheduled, NOW)).toMatchObject({ shard: { index: 2, of: 3 }, unscheduled: true });
    const odd = { thermostatShard: { ...event.thermostatShard, unscheduled: 'yes' } };
    expect(readTick(odd, NOW).unscheduled).toBeUndefined();
  });

  it('treats anything else (a deployment, a manual run) as an unscheduled tick at the current second', () => {
    expect(readTick({ source: 'thermostat.deployment', fingerprint: {} }, NOW)).toEqual({
      id: '2026-11-23T10:07:42Z',
      scheduledAt: Date.parse('2026-11-23T10:07:42Z'),
      unscheduled: true,
    });
    expect(readTick({ time: 'not a date' }, NOW).id).toBe('2026-11-23T10:07:42Z');
    expect(readTick(null, NOW).id).toBe(tickId(NOW));
  });

  it('orders tick ids as strings the same way as time', () => {
    expect(tickId(NOW) < tickId(NOW + 1000)).toBe(true);
    expect(tickId(Date.parse('2026-11-23T09:59:59Z')) < tickId(Date.parse('2026-11-23T10:00:00Z'))).toBe(true);
  });
});

describe('shardIndexes', () => {
  it('splits keys into balanced, disjoint shards that cover every key', () => {
    const keys = Array.from({ length: 11 }, (_, i) => `fn${i}:live`);
    const shardOf = shardIndexes(keys, 3);
    const sizes = [0, 1, 2].map((index) => [...shardOf.values()].filter((at) => at === index).length);
    expect(sizes).toEqual([4, 4, 3]);
    expect(new Set(shardOf.keys())).toEqual(new Set(keys));
    // Stable whatever the input order.
    expect(shardIndexes([...keys].reverse(), 3)).toEqual(shardOf);
  });
});

describe('localShards', () => {
  it('runs shard 0 here, and each further shard while the due targets together fit one invocation', () => {
    expect(localShards([0, 0, 0, 0], 250)).toEqual(new Set([0, 1, 2, 3]));
    expect(localShards([200, 40, 20, 250], 250)).toEqual(new Set([0, 1]));
    // a shard that does not fit is started; a later, smaller one may still fit
    expect(localShards([100, 200, 150], 250)).toEqual(new Set([0, 2]));
    // a first tick (everything due) starts every other shard, as before
    expect(localShards([250, 250, 250], 250)).toEqual(new Set([0]));
    expect(localShards([], 250)).toEqual(new Set([0]));
  });
});
