import { sdkDynamo } from '../../../controller/aws/sdk';
import { StateStoreError } from '../../../controller/errors';
import { DynamoStateStore, FutureTickError, MemoryStateStore, type StateStore } from '../../../controller/state';
import { type LocalDynamo, startDynalite } from '../../fixtures/controller/dynalite';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.stop());

// Tick ids are ISO instants (ordered as strings), in the past of the stores' clock.
const T1 = '2026-11-23T10:01:00Z';
const T2 = '2026-11-23T10:02:00Z';
const T3 = '2026-11-23T10:03:00Z';

const claim = (tickId: string, runId: string, now = 1_000, leaseUntil = 61_000) => ({
  tickId,
  shard: '0/1',
  runId,
  now,
  leaseUntil,
});

const stores: Array<[string, () => Promise<StateStore>]> = [
  [
    'DynamoStateStore on dynalite',
    async () => new DynamoStateStore(sdkDynamo(dynamo.client), await dynamo.createStateTable()),
  ],
  ['MemoryStateStore', async () => new MemoryStateStore()],
];

describe.each(stores)('%s', (_name, make) => {
  it('lets the first delivery of a tick claim it and turns duplicates away', async () => {
    const store = await make();
    expect(await store.claimTick(claim('2026-11-23T10:00Z', 'a'))).toBe('claimed');
    expect(await store.claimTick(claim('2026-11-23T10:00Z', 'b'))).toBe('running');
    await store.completeTick(claim('2026-11-23T10:00Z', 'a'), 2_000, { targets: 3 });
    expect(await store.claimTick(claim('2026-11-23T10:00Z', 'c', 100_000, 200_000))).toBe('done');
    expect(await store.claimTick(claim('2026-11-23T10:01Z', 'd'))).toBe('claimed');
  });

  it('lets a later delivery take over a tick whose run died (lease expired)', async () => {
    const store = await make();
    expect(await store.claimTick(claim(T1, 'a', 1_000, 5_000))).toBe('claimed');
    expect(await store.claimTick(claim(T1, 'b', 4_000, 9_000))).toBe('running');
    expect(await store.claimTick(claim(T1, 'c', 6_000, 9_000))).toBe('claimed');
  });

  it('saves and loads target state, refusing a save from the same or an older tick', async () => {
    const store = await make();
    const state = {
      key: 'api:live',
      lastPingAt: 123,
      lastWanted: 5,
      lastProven: 4,
      managed: { function: 'api', qualifier: 'live', provisioned: { strategy: 'direct' as const, value: 3 }, since: 9 },
      history: [{ at: 123, wanted: 5, proven: 4, cold: 1, pings: 10, stoppedBy: 'max-rounds' }],
      facts: { reservedConcurrency: null, snapStart: false, memoryMb: 1024, timeoutMs: 3000, at: 120 },
    };
    expect(await store.saveTarget(state, T2)).toBe('saved');
    expect(await store.saveTarget({ ...state, lastProven: 5 }, T2)).toBe('stale');
    expect(await store.saveTarget({ ...state, lastProven: 5 }, T1)).toBe('stale');
    const loaded = await store.loadTargets(['api:live', 'other:live']);
    expect([...loaded.keys()]).toEqual(['api:live']);
    expect(loaded.get('api:live')).toEqual({ ...state, lastTick: T2 });
    expect(await store.saveTarget({ ...state, managed: undefined, lastProven: 5 }, T3)).toBe('saved');
    expect((await store.loadTargets(['api:live'])).get('api:live')).toMatchObject({ lastProven: 5, lastTick: T3 });
    expect((await store.loadTargets(['api:live'])).get('api:live')?.managed).toBeUndefined();
  });

  it('lists only targets that hold a managed record', async () => {
    const store = await make();
    const managed = {
      function: 'b',
      qualifier: 'live',
      provisioned: { strategy: 'direct' as const, value: 1 },
      since: 1,
    };
    await store.saveTarget({ key: 'a:live', history: [] }, T1);
    await store.saveTarget({ key: 'b:live', history: [], managed }, T1);
    expect((await store.listManaged()).map((state) => state.key)).toEqual(['b:live']);
  });

  it('records the newest completed tick and never moves it backwards', async () => {
    const store = await make();
    expect(await store.lastTick()).toBeUndefined();
    await store.markLastTick(T2, 20);
    await store.markLastTick(T1, 30);
    expect(await store.lastTick()).toEqual({ tickId: T2, finishedAt: 20 });
  });

  it("saves and loads a shard's ping ledger, refusing one from the same or an older tick, or from the future", async () => {
    const store = await make();
    expect(await store.loadPings('0/4')).toBeUndefined();
    const at = Date.parse(T2);
    const pings = new Map([
      ['AAAAAAAA', at],
      ['BBBBBBBB', at - 300_000],
    ]);
    expect(await store.savePings('0/4', { tickId: T2, pings })).toBe('saved');
    expect(await store.savePings('0/4', { tickId: T2, pings: new Map() })).toBe('stale');
    expect(await store.savePings('0/4', { tickId: T1, pings: new Map() })).toBe('stale');
    expect(await store.loadPings('0/4')).toEqual({ tickId: T2, pings });
    // Another shard's ledger is its own.
    expect(await store.loadPings('1/4')).toBeUndefined();
    // A newer tick may empty it.
    expect(await store.savePings('0/4', { tickId: T3, pings: new Map() })).toBe('saved');
    expect(await store.loadPings('0/4')).toEqual({ tickId: T3, pings: new Map() });
    await expect(store.savePings('0/4', { tickId: '2099-01-01T00:00:00Z', pings })).rejects.toThrow(FutureTickError);
  });
});

it('loads more than one batch of targets', async () => {
  const store = new DynamoStateStore(sdkDynamo(dynamo.client), await dynamo.createStateTable());
  const keys = Array.from({ length: 130 }, (_, i) => `fn${i}:live`);
  await Promise.all(keys.map((key) => store.saveTarget({ key, lastPingAt: 1, history: [] }, T1)));
  expect((await store.loadTargets(keys)).size).toBe(130);
});

it('raises a StateStoreError that keeps the cause when the table is missing', async () => {
  const store = new DynamoStateStore(sdkDynamo(dynamo.client), 'no-such-table');
  const error = await store.claimTick(claim(T1, 'a')).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(StateStoreError);
  expect((error as StateStoreError).cause).toMatchObject({ name: 'ResourceNotFoundException' });
});
