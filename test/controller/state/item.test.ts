/**
 * State read through a schema (issue 15, finding 4), against a real DynamoDB (dynalite): damaged items never
 * throw, are reported once and rebuilt by the next save; an unreadable ownership record is kept aside, never
 * dropped; a stored tick id from the future neither blocks saves forever nor is accepted from a new tick.
 */
import { deflateRawSync } from 'node:zlib';
import { type AttributeValue, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { sdkDynamo } from '../../../controller/aws/sdk';
import { DynamoStateStore, FutureTickError, MemoryStateStore, type TargetState } from '../../../controller/state';
import { type LocalDynamo, startDynalite } from '../../fixtures/controller/dynalite';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.stop());

// The stores' clock: ticks are checked against it, never against the machine's.
const NOW = Date.parse('2026-11-23T10:05:30Z');
const T1 = '2026-11-23T10:01:00Z';
const T2 = '2026-11-23T10:02:00Z';
const T3 = '2026-11-23T10:03:00Z';
const FUTURE = '2099-01-01T00:00:00Z';

async function table() {
  const name = await dynamo.createStateTable();
  const store = new DynamoStateStore(sdkDynamo(dynamo.client), name, () => NOW);
  const put = (item: Record<string, AttributeValue>) =>
    dynamo.client.send(new PutItemCommand({ TableName: name, Item: item }));
  const raw = async (key: string) =>
    (await dynamo.client.send(new GetItemCommand({ TableName: name, Key: { pk: { S: `target#${key}` } } }))).Item;
  return { store, put, raw };
}

const S = (value: string) => ({ S: value });
const N = (value: number) => ({ N: String(value) });
const record = { at: 1, wanted: 2, proven: 2, cold: 0, pings: 2, stoppedBy: 'proven' };
const managed = {
  function: 'api',
  qualifier: 'live',
  provisioned: { strategy: 'direct' as const, value: 3 },
  since: 9,
};

describe('a corrupt target item', () => {
  it('reads what it can, drops what it cannot, and says which attributes, without throwing', async () => {
    const { store, put } = await table();
    await put({
      pk: S('target#api:live'),
      key: S('api:live'),
      lastTick: N(1_764_000_000),
      history: S('"5"'),
      lastPingAt: S('yesterday'),
      lastWanted: N(4),
      facts: S('{"snapStart": "no"}'),
      managed: S(JSON.stringify(managed)),
    });
    await put({ pk: S('target#b:live'), key: S('b:live'), lastTick: S(T1), history: S('{not json') });
    const states = await store.loadTargets(['api:live', 'b:live']);
    const api = states.get('api:live')!;
    expect(api).toEqual({
      key: 'api:live',
      history: [],
      lastWanted: 4,
      managed,
      corrupt: {
        kind: 'state-corrupt',
        key: 'api:live',
        fields: ['lastTick', 'history', 'facts', 'lastPingAt'],
        message:
          'the state of api:live could not be read: lastTick (not a tick id), history (not a list of ping records), facts (not function facts), lastPingAt (not a number); rebuilt from what this tick observes',
      },
    });
    expect(states.get('b:live')).toMatchObject({ history: [], lastTick: T1, corrupt: { fields: ['history'] } });
  });

  it('is rebuilt by the next save, even though its lastTick (a number) compares with no tick id', async () => {
    const { store, put, raw } = await table();
    await put({ pk: S('target#api:live'), key: S('api:live'), lastTick: N(1), history: S('5') });
    const loaded = (await store.loadTargets(['api:live'])).get('api:live')!;
    expect(loaded.corrupt?.fields).toEqual(['lastTick', 'history']);
    expect(await store.saveTarget({ ...loaded, history: [record], lastPingAt: 1 }, T2)).toBe('saved');
    const again = (await store.loadTargets(['api:live'])).get('api:live')!;
    expect(again).toEqual({ key: 'api:live', history: [record], lastPingAt: 1, lastTick: T2 });
    expect((await raw('api:live'))?.corrupt).toBeUndefined();
    // And it is an ordinary item again: an older tick's save is stale.
    expect(await store.saveTarget({ ...again }, T1)).toBe('stale');
  });

  it('is rebuilt when its lastTick is missing', async () => {
    const { store, put } = await table();
    await put({ pk: S('target#api:live'), key: S('api:live'), history: S('[]') });
    expect(await store.saveTarget({ key: 'api:live', history: [record] }, T1)).toBe('saved');
    expect((await store.loadTargets(['api:live'])).get('api:live')?.history).toEqual([record]);
  });
});

describe('an unreadable ownership record', () => {
  it('is kept aside, owns nothing, survives saves and is reported only by the tick that found it', async () => {
    const { store, put, raw } = await table();
    await put({
      pk: S('target#api:live'),
      key: S('api:live'),
      lastTick: S(T1),
      history: S('[]'),
      managed: S('{"function":'),
    });
    const loaded = (await store.loadTargets(['api:live'])).get('api:live')!;
    expect(loaded.managed).toBeUndefined();
    expect(loaded.unreadableManaged).toBe('{"function":');
    expect(loaded.corrupt).toMatchObject({
      fields: ['managed'],
      message: expect.stringContaining('managed (not JSON; kept aside, nothing owned on its strength)'),
    });

    // The run saves what it observed and carries the raw text along (as run.ts does): it stays in the table.
    const { corrupt: _c, ...observed } = loaded;
    expect(await store.saveTarget({ ...observed, history: [record] }, T2)).toBe('saved');
    expect((await raw('api:live'))?.managedUnreadable).toEqual(S('{"function":'));
    const next = (await store.loadTargets(['api:live'])).get('api:live')!;
    expect(next.corrupt).toBeUndefined();
    expect(next.managed).toBeUndefined();
    expect(next.unreadableManaged).toBe('{"function":');

    // Only a real ownership record (Thermostat wrote provisioned concurrency itself) replaces it.
    expect(await store.saveTarget({ ...observed, managed: managed as TargetState['managed'] }, T3)).toBe('saved');
    const owned = await raw('api:live');
    expect(owned?.managedUnreadable).toBeUndefined();
    expect((await store.loadTargets(['api:live'])).get('api:live')?.managed).toEqual(managed);
  });

  it('keeps a record a newer version wrote with more fields, and a non-string managed aside', async () => {
    const { store, put } = await table();
    const newer = { ...managed, intent: { value: 5, at: 3 } };
    await put({ pk: S('target#a:live'), key: S('a:live'), history: S('[]'), managed: S(JSON.stringify(newer)) });
    await put({ pk: S('target#b:live'), key: S('b:live'), history: S('[]'), managed: N(7) });
    const states = await store.loadTargets(['a:live', 'b:live']);
    expect(states.get('a:live')).toMatchObject({ managed: newer });
    expect(states.get('a:live')?.corrupt).toBeUndefined();
    expect(states.get('b:live')).toMatchObject({ unreadableManaged: '{"N":"7"}', corrupt: { fields: ['managed'] } });
  });
});

describe('tick times from the future', () => {
  it('a stored lastTick in 2099 is corrupt: dropped on read, overwritten by the next real tick', async () => {
    const { store, put } = await table();
    await put({ pk: S('target#api:live'), key: S('api:live'), lastTick: S(FUTURE), history: S('[]') });
    const loaded = (await store.loadTargets(['api:live'])).get('api:live')!;
    expect(loaded.lastTick).toBeUndefined();
    expect(loaded.corrupt?.message).toContain('lastTick ("2099-01-01T00:00:00Z" is in the future)');
    expect(await store.saveTarget({ key: 'api:live', history: [record] }, T1)).toBe('saved');
    expect(await store.saveTarget({ key: 'api:live', history: [record] }, T2)).toBe('saved');
    expect(await store.saveTarget({ key: 'api:live', history: [] }, T1)).toBe('stale');
  });

  it.each([
    ['DynamoStateStore on dynalite', async () => (await table()).store],
    ['MemoryStateStore', async () => new MemoryStateStore(() => NOW)],
  ])('%s refuses to claim or save a tick beyond the clock skew, and accepts one within it', async (_, make) => {
    const store = await make();
    const claim = (tickId: string) => ({ tickId, shard: '0/1', runId: 'r', now: NOW, leaseUntil: NOW + 60_000 });
    await expect(store.claimTick(claim(FUTURE))).rejects.toThrow(FutureTickError);
    await expect(store.claimTick(claim(FUTURE))).rejects.toThrow(
      'tick "2099-01-01T00:00:00Z" is later than this clock allows (2026-11-23T10:10:30Z, 5 min of clock skew)',
    );
    await expect(store.saveTarget({ key: 'api:live', history: [] }, FUTURE)).rejects.toThrow(FutureTickError);
    expect(await store.loadTargets(['api:live'])).toEqual(new Map());

    // Four minutes ahead is clock skew, not a forgery.
    const soon = '2026-11-23T10:09:30Z';
    expect(await store.claimTick(claim(soon))).toBe('claimed');
    expect(await store.saveTarget({ key: 'api:live', history: [] }, soon)).toBe('saved');
  });
});

describe('the settled copy in the item', () => {
  it('round-trips, and one that does not read (not READY, say) is dropped and reported, never trusted', async () => {
    const { store, put } = await table();
    const settled = {
      at: 5,
      provisioned: { requested: 2, allocated: 2, available: 2, status: 'READY' as const },
      alias: { weighted: false as const, version: '3' },
    };
    expect(await store.saveTarget({ key: 'api:live', history: [], settled }, T1)).toBe('saved');
    expect((await store.loadTargets(['api:live'])).get('api:live')?.settled).toEqual(settled);

    const copy = { ...settled, provisioned: { ...settled.provisioned, status: 'IN_PROGRESS' } };
    await put({ pk: S('target#other:live'), key: S('other:live'), settled: S(JSON.stringify(copy)) });
    const read = (await store.loadTargets(['other:live'])).get('other:live');
    expect(read?.settled).toBeUndefined();
    expect(read?.corrupt?.fields).toEqual(['settled']);
  });

  it('round-trips what the traffic history learned of environments, bursts and minute reads; a damaged burst drops the history', async () => {
    const { store, put } = await table();
    const traffic = {
      at: 1_000,
      environments: [{ envId: 'e1', initAt: 100, ratePerMinute: 2, lastRealAt: 950, realServed: 30 }],
      idleTimes: [],
      burst: { environments: 4, at: 900 },
      outgrown: { at: 1_000, since: 700 },
      readLoads: [2.5, 3],
    };
    expect(await store.saveTarget({ key: 'api:live', history: [], traffic }, T1)).toBe('saved');
    expect((await store.loadTargets(['api:live'])).get('api:live')?.traffic).toEqual(traffic);

    const damaged = { ...traffic, burst: { environments: 'four', at: 900 } };
    await put({ pk: S('target#other:live'), key: S('other:live'), traffic: S(JSON.stringify(damaged)) });
    const read = (await store.loadTargets(['other:live'])).get('other:live');
    expect(read?.traffic).toBeUndefined();
    expect(read?.corrupt?.fields).toEqual(['traffic']);
  });
});

describe('the packed body of an item (packed-body.ts)', () => {
  const facts = {
    memoryMb: 512,
    architecture: 'arm64' as const,
    timeoutMs: 30_000,
    reservedConcurrency: null,
    snapStart: false,
    at: 7,
  };
  const traffic = {
    at: 1_000,
    environments: [{ envId: 'e1', initAt: 100, ratePerMinute: 2, lastRealAt: 950, realServed: 30 }],
    idleTimes: [120_000, 95_000],
  };

  it('holds the records, facts and traffic in one binary attribute beside a plain ownership record', async () => {
    const { store, raw } = await table();
    const state: TargetState = { key: 'api:live', history: [record], lastWanted: 2, managed, facts, traffic };
    expect(await store.saveTarget(state, T1)).toBe('saved');
    const item = (await raw('api:live'))!;
    expect(Object.keys(item).sort()).toEqual(['lastTick', 'lastWanted', 'managed', 'packed', 'pk']);
    expect(item.packed?.B).toBeInstanceOf(Uint8Array);
    expect(JSON.parse(item.managed!.S!)).toEqual(managed);
    expect((await store.loadTargets(['api:live'])).get('api:live')).toEqual({ ...state, lastTick: T1 });
  });

  it('reads an item written before packing (one JSON string per part), and packs it at its next save', async () => {
    const { store, put, raw } = await table();
    await put({
      pk: S('target#api:live'),
      lastTick: S(T1),
      history: S(JSON.stringify([record])),
      facts: S(JSON.stringify(facts)),
      traffic: S(JSON.stringify(traffic)),
    });
    const loaded = (await store.loadTargets(['api:live'])).get('api:live')!;
    expect(loaded).toEqual({ key: 'api:live', lastTick: T1, history: [record], facts, traffic });
    expect(await store.saveTarget(loaded, T2)).toBe('saved');
    const item = (await raw('api:live'))!;
    expect(item.history).toBeUndefined();
    expect(item.traffic).toBeUndefined();
    expect((await store.loadTargets(['api:live'])).get('api:live')).toEqual({ ...loaded, lastTick: T2 });
  });

  it.each([
    ['not binary', S('eJzLSM3JyQcABiwCFQ=='), 'not binary'],
    ['not deflated', { B: Buffer.from('{"history":[]}') }, 'not deflated data'],
    ['not JSON once inflated', { B: deflateRawSync('{history') }, 'not JSON once inflated'],
    ['a list once inflated', { B: deflateRawSync('[1,2]') }, 'not an object once inflated'],
    // 64 MB of spaces deflate to about 64 KB: inflating it whole would take the controller's memory.
    ['a deflate bomb', { B: deflateRawSync(Buffer.alloc(64 * 1024 * 1024, 32)) }, 'larger than 256 KiB inflated'],
  ])(
    'that is %s is reported as packed and dropped; the ownership record still reads, and the next save rebuilds it',
    async (_, packed, problem) => {
      const { store, put } = await table();
      await put({
        pk: S('target#api:live'),
        lastTick: S(T1),
        lastWanted: N(2),
        managed: S(JSON.stringify(managed)),
        packed,
      });
      const started = Date.now();
      const loaded = (await store.loadTargets(['api:live'])).get('api:live')!;
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(loaded).toMatchObject({ history: [], lastWanted: 2, managed, corrupt: { fields: ['packed'] } });
      expect(loaded.corrupt?.message).toContain(`packed (${problem})`);
      expect(loaded.traffic).toBeUndefined();
      const { corrupt: _c, ...rest } = loaded;
      expect(await store.saveTarget({ ...rest, traffic }, T2)).toBe('saved');
      const again = (await store.loadTargets(['api:live'])).get('api:live')!;
      expect(again.corrupt).toBeUndefined();
      expect(again).toMatchObject({ managed, traffic });
    },
  );

  it('a part that does not read is dropped alone and named', async () => {
    const { store, put } = await table();
    const packed = { B: deflateRawSync(JSON.stringify({ history: [record], facts: { snapStart: 'no' }, traffic })) };
    await put({ pk: S('target#api:live'), lastTick: S(T1), packed });
    const loaded = (await store.loadTargets(['api:live'])).get('api:live')!;
    expect(loaded).toMatchObject({ history: [record], traffic, corrupt: { fields: ['facts'] } });
    expect(loaded.facts).toBeUndefined();
  });
});
