import type { DynamoApi } from '../../../controller/aws/ports';
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
  [
    'DynamoStateStore on dynalite, remembering target items',
    async () =>
      new DynamoStateStore(sdkDynamo(dynamo.client), await dynamo.createStateTable(), Date.now, { remember: true }),
  ],
  ['MemoryStateStore', async () => new MemoryStateStore()],
];

describe.each(stores)('%s', (_name, make) => {
  it('lets the first delivery of a tick claim it and turns duplicates away', async () => {
    const store = await make();
    expect(await store.claimTick(claim('2026-11-23T10:00Z', 'a'))).toBe('claimed');
    expect(await store.claimTick(claim('2026-11-23T10:00Z', 'b'))).toBe('taken');
    expect(await store.claimTick(claim('2026-11-23T10:00Z', 'c', 60_000))).toBe('taken');
    expect(await store.claimTick(claim('2026-11-23T10:01Z', 'd'))).toBe('claimed');
  });

  it("writes nothing to mark a tick done: a takeover after the lease finds the tick's own ledger instead", async () => {
    const store = await make();
    expect(await store.claimTick(claim(T2, 'a'))).toBe('claimed');
    // Another tick's ledger says nothing about this one.
    await store.savePings('0/1', { tickId: T1, pings: new Map() });
    expect(await store.claimTick(claim(T2, 'b'))).toBe('taken');
    // written, or held by an environment that ran a tick before (held-ledger.ts)
    expect(['saved', 'held']).toContain(
      await store.savePings('0/1', { tickId: T2, pings: new Map([['AAAAAAAA', 1_000]]) }),
    );
    // the first run is over, its claim as it wrote it: a delivery after its lease takes the claim over…
    expect(await store.claimTick(claim(T2, 'c', 62_000, 120_000))).toBe('claimed');
    // …and reads the ledger the tick saved last, which says the tick is over (run.ts then does nothing)
    expect((await store.loadPings('0/1'))?.tickId).toBe(T2);
  });

  it('lets a later delivery take over a tick whose run died (lease expired)', async () => {
    const store = await make();
    expect(await store.claimTick(claim(T1, 'a', 1_000, 5_000))).toBe('claimed');
    expect(await store.claimTick(claim(T1, 'b', 4_000, 9_000))).toBe('taken');
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

  it("keeps a shard's quiet times with its round times, to the second, and drops any that were over", async () => {
    const store = await make();
    const at = Date.parse(T2);
    const quiet = new Map([
      ['AAAAAAAA', { until: at + 240_000, policy: 'Pol1_x' }],
      ['CCCCCCCC', { until: at + 1_800_000, policy: 'Pol2-y' }],
    ]);
    const over = new Map([...quiet, ['DDDDDDDD', { until: at - 60_000, policy: 'Pol3zz' }]]);
    const pings = new Map([['AAAAAAAA', at]]);
    expect(await store.savePings('1/2', { tickId: T2, pings, quiet: over })).toBe('saved');
    expect(await store.loadPings('1/2')).toEqual({ tickId: T2, pings, quiet });
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

describe('a whole tick’s ledger held in the environment (held-ledger.ts)', () => {
  const T4 = '2026-11-23T10:04:00Z';
  const T5 = '2026-11-23T10:05:00Z';
  const ledger = (tickId: string, pings: Array<[string, number]>) => ({ tickId, pings: new Map(pings) });

  it('is written by a new environment, held by one that ran a tick before, and written once held for an hour', async () => {
    let now = Date.parse(T1);
    const table = await dynamo.createStateTable();
    const make = () => new DynamoStateStore(sdkDynamo(dynamo.client), table, () => now, { remember: true });
    const store = make();
    expect(await store.claimTick(claim(T1, 'a', now))).toBe('claimed');
    expect(await store.savePings('0/1', ledger(T1, [['AAAAAAAA', 1_000]]))).toBe('saved');
    now += 60_000;
    expect(await store.claimTick(claim(T2, 'b', now))).toBe('claimed');
    expect(await store.savePings('0/1', ledger(T2, [['AAAAAAAA', 61_000]]))).toBe('held');
    // the environment works from what it holds, and says so (the tick saves it or holds it again)
    now += 60_000;
    expect(await store.claimTick(claim(T3, 'c', now))).toBe('claimed');
    expect(await store.loadPings('0/1')).toEqual({ ...ledger(T2, [['AAAAAAAA', 61_000]]), held: true });
    // another environment starting cold finds the table's copy: the held round is lost, its target merely due again
    const cold = make();
    expect(await cold.claimTick(claim(T4, 'd', now))).toBe('claimed');
    expect(await cold.loadPings('0/1')).toEqual(ledger(T1, [['AAAAAAAA', 1_000]]));
    // and, new, writes what it has, with a round of another target
    expect(await cold.savePings('0/1', ledger(T4, [['BBBBBBBB', 121_000]]))).toBe('saved');
    // the first environment's next tick lays what it holds over that: the later time of each target, the newer tick
    now += 60_000;
    expect(await store.claimTick(claim(T5, 'e', now))).toBe('claimed');
    expect(await store.loadPings('0/1')).toEqual({
      ...ledger(T4, [
        ['BBBBBBBB', 121_000],
        ['AAAAAAAA', 61_000],
      ]),
      held: true,
    });
    // an hour after it first held, it writes, even a ledger that changed nothing this tick
    now = Date.parse(T2) + 60 * 60_000;
    const T6 = '2026-11-23T11:02:00Z';
    expect(await store.claimTick(claim(T6, 'f', now))).toBe('claimed');
    const merged = await store.loadPings('0/1');
    expect(await store.savePings('0/1', { ...merged!, tickId: T6 })).toBe('saved');
    expect(await make().loadPings('0/1')).toEqual(
      ledger(T6, [
        ['BBBBBBBB', 121_000],
        ['AAAAAAAA', 61_000],
      ]),
    );
  });

  it('keeps what it holds when the write that was due fails, and writes it with the next tick', async () => {
    let now = Date.parse(T1);
    let failing = false;
    const table = await dynamo.createStateTable();
    const api = sdkDynamo(dynamo.client);
    const flaky: DynamoApi = {
      ...api,
      putItem: async (input) => {
        if (failing && input.Item?.pk?.S?.startsWith('pings#'))
          throw new Error('ProvisionedThroughputExceededException');
        return api.putItem(input);
      },
    };
    const store = new DynamoStateStore(flaky, table, () => now, { remember: true });
    await store.claimTick(claim(T1, 'a', now));
    expect(await store.savePings('0/1', ledger(T1, []))).toBe('saved');
    now += 60_000;
    await store.claimTick(claim(T2, 'b', now));
    expect(await store.savePings('0/1', ledger(T2, [['AAAAAAAA', 61_000]]))).toBe('held');
    // the hour is up just as the table refuses writes
    now += 60 * 60_000;
    failing = true;
    await store.claimTick(claim(T3, 'c', now));
    await expect(store.savePings('0/1', ledger(T3, [['AAAAAAAA', 61_000]]))).rejects.toThrow(StateStoreError);
    failing = false;
    now += 60_000;
    await store.claimTick(claim(T4, 'd', now));
    expect(await store.loadPings('0/1')).toMatchObject({ tickId: T2, held: true });
    expect(await store.savePings('0/1', ledger(T4, [['AAAAAAAA', 61_000]]))).toBe('saved');
    expect(await new DynamoStateStore(api, table, () => now).loadPings('0/1')).toEqual(
      ledger(T4, [['AAAAAAAA', 61_000]]),
    );
  });

  it('is never held by a tick split into shards', async () => {
    let now = Date.parse(T1);
    const store = new DynamoStateStore(sdkDynamo(dynamo.client), await dynamo.createStateTable(), () => now, {
      remember: true,
    });
    for (const tickId of [T1, T2, T3]) {
      now += 60_000;
      expect(await store.claimTick({ ...claim(tickId, tickId, now), shard: '0/2' })).toBe('claimed');
      expect(await store.savePings('0/2', ledger(tickId, [['AAAAAAAA', now]]))).toBe('saved');
    }
  });
});

describe('listings that scan the whole table', () => {
  /** A store on dynalite whose scans are counted, with a clock the test moves. */
  /** A store whose scans are counted; `getItem` replaces the table's single-item reads. */
  async function counted(getItem?: DynamoApi['getItem']) {
    const api = sdkDynamo(dynamo.client);
    const calls = { scans: 0 };
    const clock = { now: Date.parse('2026-11-23T10:05:00Z') };
    const countedApi: DynamoApi = {
      ...api,
      ...(getItem ? { getItem } : {}),
      scan: (input) => {
        calls.scans += 1;
        return api.scan(input);
      },
    };
    const table = await dynamo.createStateTable();
    const store = new DynamoStateStore(countedApi, table, () => clock.now);
    return { store, calls, clock, api, table };
  }
  const intent = (key: string, tickId = T1) => ({ key, tickId, at: 1 });

  it('after an upgrade from a version that counted intents in an item of their own, lists them until any older run is certainly over', async () => {
    const { store, calls, api, table, clock } = await counted();
    // An older version's count, in its own item, is not read: only time tells when its runs are over.
    await api.putItem({
      TableName: table,
      Item: { pk: { S: 'meta#intents' }, recorded: { N: '3' }, clearAt: { N: '3' } },
    });
    expect(await store.listIntents()).toEqual([]);
    expect(await store.listIntents()).toEqual([]);
    expect(calls.scans).toBe(2);
    // An older run still in flight writes its intent after the first listing found none.
    await api.putItem({
      TableName: table,
      Item: { pk: { S: 'intent#old:live' }, tickId: { S: T1 }, intent: { S: JSON.stringify(intent('old:live')) } },
    });
    clock.now += 10 * 60_000;
    expect((await store.listIntents()).map((found) => found.key)).toEqual(['old:live']);
    await store.clearIntent('old:live', T1);
    clock.now += 7 * 60_000;
    expect(await store.listIntents()).toEqual([]);
    expect(calls.scans).toBe(4);
    // Past a run's longest time since counting began here: none recorded since the last listing, none listed.
    expect(await store.listIntents()).toEqual([]);
    expect(calls.scans).toBe(4);
  });

  it('lists intents only while one may exist: recorded since a listing found none, or still being written', async () => {
    const { store, calls, api, table } = await counted();
    expect(await store.listIntents()).toEqual([]);
    expect(calls.scans).toBe(1);
    // None recorded since: nothing to list, no scan.
    expect(await store.listIntents()).toEqual([]);
    expect(calls.scans).toBe(1);

    await store.recordIntent(intent('a:live'));
    expect((await store.listIntents()).map((found) => found.key)).toEqual(['a:live']);
    expect((await store.listIntents()).map((found) => found.key)).toEqual(['a:live']);
    expect(calls.scans).toBe(3);
    await store.clearIntent('a:live', T1);
    expect(await store.listIntents()).toEqual([]);
    expect(await store.listIntents()).toEqual([]);
    expect(calls.scans).toBe(4);

    // A writer counted its intent and has not written it yet when a listing runs: the listing finds none but must
    // not note "none", or the intent written a moment later would never be listed.
    await api.updateItem({
      TableName: table,
      Key: { pk: { S: 'meta#marks' } },
      UpdateExpression: 'ADD intentsRecorded :one SET intentsRecordedAt = :now',
      ExpressionAttributeValues: { ':one': { N: '1' }, ':now': { N: String(Date.parse('2026-11-23T10:05:00Z')) } },
    });
    expect(await store.listIntents()).toEqual([]);
    await api.putItem({
      TableName: table,
      Item: { pk: { S: 'intent#late:live' }, tickId: { S: T1 }, intent: { S: JSON.stringify(intent('late:live')) } },
    });
    expect((await store.listIntents()).map((found) => found.key)).toEqual(['late:live']);
  });

  it('an older count that cannot be read counts as one: listings go on until any older run is certainly over', async () => {
    const api = sdkDynamo(dynamo.client);
    const { store, calls, clock } = await counted((input) =>
      input.Key?.pk?.S === 'meta#intents' ? Promise.reject(new Error('socket hang up')) : api.getItem(input),
    );
    expect(await store.listIntents()).toEqual([]);
    expect(await store.listIntents()).toEqual([]);
    expect(calls.scans).toBe(2);
    clock.now += 17 * 60_000;
    expect(await store.listIntents()).toEqual([]);
    expect(await store.listIntents()).toEqual([]);
    expect(calls.scans).toBe(3);
  });

  it('a writer that died between counting and writing keeps the listing on until its run is certainly over', async () => {
    const { store, calls, api, table, clock } = await counted();
    await api.updateItem({
      TableName: table,
      Key: { pk: { S: 'meta#marks' } },
      UpdateExpression: 'ADD intentsRecorded :one SET intentsRecordedAt = :now',
      ExpressionAttributeValues: { ':one': { N: '1' }, ':now': { N: String(clock.now) } },
    });
    await store.listIntents();
    await store.listIntents();
    expect(calls.scans).toBe(2);
    clock.now += 17 * 60_000;
    await store.listIntents();
    await store.listIntents();
    expect(calls.scans).toBe(3);
  });

  it('lists managed targets under the same policy keys once in a while, at once when the keys change', async () => {
    const { store, calls, clock } = await counted();
    const managed = {
      function: 'a',
      qualifier: 'live',
      provisioned: { strategy: 'direct' as const, value: 1 },
      since: 1,
    };
    await store.saveTarget({ key: 'a:live', history: [], managed }, T1);
    expect((await store.listManaged(['a:live', 'b:live'])).map((state) => state.key)).toEqual(['a:live']);
    expect(await store.listManaged(['b:live', 'a:live'])).toEqual([]);
    expect(calls.scans).toBe(1);
    // The policy for a:live is gone: listed at once, and while it is managed outside the keys, every time.
    expect((await store.listManaged(['b:live'])).map((state) => state.key)).toEqual(['a:live']);
    expect((await store.listManaged(['b:live'])).map((state) => state.key)).toEqual(['a:live']);
    expect(calls.scans).toBe(3);
    // Released: found none outside the keys, then skipped until the listing is due again.
    await store.saveTarget({ key: 'a:live', history: [] }, T2);
    expect(await store.listManaged(['b:live'])).toEqual([]);
    expect(await store.listManaged(['b:live'])).toEqual([]);
    expect(calls.scans).toBe(4);
    clock.now += 16 * 60_000;
    await store.listManaged(['b:live']);
    expect(calls.scans).toBe(5);
    // Without keys, always a listing.
    await store.listManaged();
    expect(calls.scans).toBe(6);
  });
});

it('a ping ledger expires (TTL) a week after its last save, so those of a shard layout no longer used go away', async () => {
  const table = await dynamo.createStateTable();
  const now = Date.parse('2026-11-23T10:05:00Z');
  const store = new DynamoStateStore(sdkDynamo(dynamo.client), table, () => now);
  await store.savePings('0/2', { tickId: T1, pings: new Map([['AAAAAAAA', now]]) });
  const item = await sdkDynamo(dynamo.client).getItem({ TableName: table, Key: { pk: { S: 'pings#0/2' } } });
  expect(Number(item.Item?.expiresAt?.N)).toBe(Math.floor(now / 1000) + 7 * 86_400);
});
