import {
  decodeLedger,
  decodeQuiet,
  encodeLedger,
  encodeQuiet,
  isQuiet,
  ledgerHash,
  policyFingerprint,
  quietTargets,
  ShardPings,
  uniquelyHashed,
} from '../../../controller/state/ping-ledger';
import type { TargetState } from '../../../controller/state/store';

const T = Date.parse('2026-11-23T10:05:00Z');

describe('the ledger text', () => {
  it('round-trips round times (whole seconds) in a few bytes per target', () => {
    const pings = new Map([
      [ledgerHash('a:live'), T],
      [ledgerHash('b:live'), T - 5 * 60_000],
      [ledgerHash('c:live'), T - 3 * 86_400_000],
    ]);
    const text = encodeLedger(T, pings);
    expect(decodeLedger(T, text)).toEqual(pings);
    expect(text.length).toBeLessThan(3 * 14);
  });

  it('rounds a time with milliseconds down (the target is due sooner, never later)', () => {
    const pings = new Map([[ledgerHash('a:live'), T - 1_500]]);
    expect(decodeLedger(T, encodeLedger(T, pings)).get(ledgerHash('a:live'))).toBe(T - 2_000);
  });

  it('leaves out entries that do not read', () => {
    const good = `${ledgerHash('a:live')}0`;
    expect([...decodeLedger(T, `${good},short,${ledgerHash('b:live')}NOT-B36!,,`).keys()]).toEqual([
      ledgerHash('a:live'),
    ]);
  });
});

describe('uniquelyHashed', () => {
  it('keeps keys whose hash no other key shares', () => {
    expect(uniquelyHashed(['a:live', 'b:live'])).toEqual(
      new Map([
        ['a:live', ledgerHash('a:live')],
        ['b:live', ledgerHash('b:live')],
      ]),
    );
  });

  it("leaves out every key of a collision, so no target can take another one's round time", () => {
    // Real 48-bit collisions are too rare to find here: a key listed twice collides with itself the same way.
    expect(uniquelyHashed(['a:live', 'a:live', 'b:live'])).toEqual(new Map([['b:live', ledgerHash('b:live')]]));
  });
});

const state = (key: string, extra: Partial<TargetState> = {}): TargetState => ({ key, history: [], ...extra });

describe('ShardPings', () => {
  it("merges a newer round time into the state (and the traffic history's time), an older one not", () => {
    const states = new Map([
      [
        'a:live',
        state('a:live', { lastPingAt: T - 600_000, traffic: { at: T - 599_000, environments: [], idleTimes: [] } }),
      ],
      ['b:live', state('b:live', { lastPingAt: T })],
    ]);
    const ledger = {
      tickId: '2026-11-23T10:05:00Z',
      pings: new Map([
        [ledgerHash('a:live'), T - 300_000],
        [ledgerHash('b:live'), T - 300_000],
      ]),
    };
    const pings = new ShardPings(['a:live', 'b:live'], ledger, states);
    expect(states.get('a:live')).toMatchObject({ lastPingAt: T - 300_000, traffic: { at: T - 300_000 } });
    expect(states.get('b:live')?.lastPingAt).toBe(T);
    // b's entry is stale (its item knows better) and is dropped: the ledger changed.
    expect(pings.changed()).toBe(true);
    expect(pings.ledger('2026-11-23T10:06:00Z').pings).toEqual(new Map([[ledgerHash('a:live'), T - 300_000]]));
  });

  it('gives a target no item holds a state of its ledger entry alone, and drops entries of keys not in the shard', () => {
    const states = new Map<string, TargetState>();
    const ledger = {
      tickId: 'x',
      pings: new Map([
        [ledgerHash('a:live'), T],
        [ledgerHash('gone:live'), T],
      ]),
    };
    const pings = new ShardPings(['a:live'], ledger, states);
    expect([...states.values()]).toEqual([{ key: 'a:live', history: [], unsaved: true, lastPingAt: T }]);
    // the entry stays (nothing else records the round) and the gone key's is dropped: a change to save
    expect(pings.ledger('y').pings).toEqual(new Map([[ledgerHash('a:live'), T]]));
    expect(pings.changed()).toBe(true);
  });

  it('says it changed only when a round was deferred or a save caught up', () => {
    const states = new Map([['a:live', state('a:live', { lastPingAt: T - 600_000 })]]);
    const pings = new ShardPings(
      ['a:live'],
      { tickId: 'x', pings: new Map([[ledgerHash('a:live'), T - 300_000]]) },
      states,
    );
    expect(pings.changed()).toBe(false);
    pings.deferred('a:live', T);
    expect(pings.changed()).toBe(true);
    pings.saved('a:live');
    expect(pings.ledger('y').pings.size).toBe(0);
    expect(new ShardPings(['a:live'], undefined, new Map()).changed()).toBe(false);
  });

  it('defers only keys with a hash of their own', () => {
    const pings = new ShardPings(['a:live', 'a:live', 'b:live'], undefined, new Map());
    expect(pings.canDefer('a:live')).toBe(false);
    expect(pings.canDefer('b:live')).toBe(true);
  });
});

describe('quiet times', () => {
  const policy = { key: 'a:live', mode: 'warm', warm: { concurrency: 1, intervalMs: 300_000 } };

  it('round-trip to the second (rounded down: a quiet time only ends sooner), over ones left out', () => {
    const quiet = new Map([
      [ledgerHash('a:live'), { until: T + 240_000, policy: policyFingerprint(policy) }],
      [ledgerHash('b:live'), { until: T + 1_800_500, policy: policyFingerprint({ ...policy, key: 'b:live' }) }],
      [ledgerHash('c:live'), { until: T - 1_000, policy: policyFingerprint(policy) }],
    ]);
    const text = encodeQuiet(T, quiet);
    expect(decodeQuiet(T, text)).toEqual(
      new Map([
        [ledgerHash('a:live'), quiet.get(ledgerHash('a:live'))],
        [ledgerHash('b:live'), { ...quiet.get(ledgerHash('b:live'))!, until: T + 1_800_000 }],
      ]),
    );
    // a few bytes per target: hash, fingerprint and a few base-36 digits
    expect(text.length).toBeLessThan(2 * 20);
    expect([...decodeQuiet(T, `${text},short,${ledgerHash('d:live')}ABCDEF!!,,`).keys()]).toHaveLength(2);
  });

  it('hold only under the policy that set them, and only until they end', () => {
    const mark = policyFingerprint(policy);
    expect(policyFingerprint({ ...policy })).toBe(mark);
    const changed = policyFingerprint({ ...policy, warm: { concurrency: 2, intervalMs: 300_000 } });
    expect(changed).not.toBe(mark);
    expect(isQuiet({ until: T, policy: mark }, mark, T - 1)).toBe(true);
    expect(isQuiet({ until: T, policy: mark }, mark, T)).toBe(false);
    expect(isQuiet({ until: T, policy: mark }, changed, T - 1)).toBe(false);
    expect(isQuiet(undefined, mark, T)).toBe(false);
  });

  it('spare the targets of a ledger whose quiet time holds, with its end', () => {
    const marks = new Map([
      ['a:live', 'AAAAAA'],
      ['b:live', 'BBBBBB'],
      ['c:live', 'CCCCCC'],
    ]);
    const ledger = {
      tickId: 'x',
      pings: new Map(),
      quiet: new Map([
        [ledgerHash('a:live'), { until: T + 60_000, policy: 'AAAAAA' }],
        // its policy changed since
        [ledgerHash('b:live'), { until: T + 60_000, policy: 'OLD___' }],
        // over
        [ledgerHash('c:live'), { until: T, policy: 'CCCCCC' }],
      ]),
    };
    const keys = [...marks.keys()];
    expect(quietTargets(keys, ledger, (key) => marks.get(key)!, T)).toEqual(new Map([['a:live', T + 60_000]]));
    expect(quietTargets(keys, undefined, (key) => marks.get(key)!, T).size).toBe(0);
    // a key whose hash another key shares is never spared (its entry could be the other's)
    expect(quietTargets([...keys, 'a:live'], ledger, (key) => marks.get(key)!, T).size).toBe(0);
  });

  it('carry over the entries of spared targets unchanged, and change only when a planned one settles anew', () => {
    const ledger = {
      tickId: 'x',
      pings: new Map([
        [ledgerHash('a:live'), T - 60_000],
        [ledgerHash('b:live'), T - 120_000],
      ]),
      quiet: new Map([
        [ledgerHash('a:live'), { until: T + 180_000, policy: 'AAAAAA' }],
        [ledgerHash('b:live'), { until: T, policy: 'BBBBBB' }],
      ]),
    };
    // a is spared (not read, so not in the states); b is read and planned.
    const states = new Map([['b:live', state('b:live', { lastPingAt: T - 600_000 })]]);
    const pings = new ShardPings(['a:live', 'b:live'], ledger, states, new Set(['a:live']));
    expect(pings.changed()).toBe(false);
    expect(states.get('b:live')?.lastPingAt).toBe(T - 120_000);
    pings.settle('b:live', { until: T, policy: 'BBBBBB' });
    expect(pings.changed()).toBe(false);
    pings.settle('b:live', { until: T + 300_000, policy: 'BBBBBB' });
    expect(pings.changed()).toBe(true);
    expect(pings.ledger('y')).toEqual({
      tickId: 'y',
      pings: ledger.pings,
      quiet: new Map([
        [ledgerHash('a:live'), { until: T + 180_000, policy: 'AAAAAA' }],
        [ledgerHash('b:live'), { until: T + 300_000, policy: 'BBBBBB' }],
      ]),
    });
    // b has work soon: its quiet time goes
    pings.settle('b:live', undefined);
    expect([...(pings.ledger('z').quiet?.keys() ?? [])]).toEqual([ledgerHash('a:live')]);
  });
});
