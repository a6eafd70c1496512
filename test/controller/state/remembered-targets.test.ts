import { randomUUID } from 'node:crypto';
import type { DynamoApi } from '../../../controller/aws/ports';
import { sdkDynamo } from '../../../controller/aws/sdk';
import { StateStoreError } from '../../../controller/errors';
import { DynamoStateStore, EAGER_TAKEOVER_TARGETS, LONGEST_RUN_MS, type TargetState } from '../../../controller/state';
import { type LocalDynamo, startDynalite } from '../../fixtures/controller/dynalite';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.stop());

const MINUTE = 60_000;

/**
 * A controller environment on a shared table and clock: a remembering store whose target reads are recorded, and
 * whose writes of chosen items can be made to fail before or after they land.
 */
function environment(table: string, clock: { now: number }) {
  const real = sdkDynamo(dynamo.client);
  const targetReads: string[][] = [];
  const faults = { beforeWrite: new Set<string>(), afterWrite: new Set<string>() };
  /** A write of the item `pk` that fails, once, before it lands or after (its answer lost), as `faults` say. */
  const faulty = async <T>(pk: string | undefined, write: () => Promise<T>): Promise<T> => {
    const lost = () => Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    if (faults.beforeWrite.delete(pk ?? '')) throw lost();
    const answer = await write();
    if (faults.afterWrite.delete(pk ?? '')) throw lost();
    return answer;
  };
  const api: DynamoApi = {
    ...real,
    batchGetItem: (input) => {
      const keys = Object.values(input.RequestItems ?? {}).flatMap((request) =>
        (request.Keys ?? []).map((key) => key.pk?.S ?? ''),
      );
      const targets = keys.filter((pk) => pk.startsWith('target#')).map((pk) => pk.slice('target#'.length));
      if (targets.length > 0) targetReads.push(targets);
      return real.batchGetItem(input);
    },
    putItem: (input) => faulty(input.Item?.pk?.S, () => real.putItem(input)),
    updateItem: (input) => faulty(input.Key?.pk?.S, () => real.updateItem(input)),
  };
  const store = new DynamoStateStore(api, table, () => clock.now, { remember: true });
  /** A scheduled tick at the clock's time: claimed, then its targets loaded. */
  const tick = async (keys: readonly string[], shard = '0/1') => {
    const tickId = new Date(clock.now).toISOString();
    const claimed = await store.claimTick({
      tickId,
      shard,
      runId: randomUUID(),
      now: clock.now,
      leaseUntil: clock.now + MINUTE,
    });
    expect(claimed).toBe('claimed');
    targetReads.length = 0;
    const states = await store.loadTargets(keys);
    return { tickId, states, read: targetReads.flat().sort() };
  };
  return { store, tick, faults };
}

/** What a store that remembers nothing reads from the table now. */
async function fresh(table: string, keys: readonly string[]): Promise<Map<string, TargetState>> {
  return new DynamoStateStore(sdkDynamo(dynamo.client), table).loadTargets(keys);
}

const state = (key: string, lastProven = 1): TargetState => ({
  key,
  lastPingAt: 1,
  lastWanted: 1,
  lastProven,
  history: [{ at: 1, wanted: 1, proven: lastProven, cold: 0, pings: 1, stoppedBy: 'proven' }],
});

/** A table with items `a` and `b`, and an environment past its takeover, trusting what it remembers. */
async function trusted() {
  const table = await dynamo.createStateTable();
  const clock = { now: Date.parse('2026-11-23T10:00:00Z') };
  const env = environment(table, clock);
  const first = await env.tick(['a', 'b']);
  await env.store.saveTarget(state('a'), first.tickId);
  await env.store.saveTarget(state('b'), first.tickId);
  clock.now += LONGEST_RUN_MS + MINUTE;
  // The first whole read after a run's longest time since the takeover.
  expect((await env.tick(['a', 'b'])).read).toEqual(['a', 'b']);
  clock.now += MINUTE;
  return { table, clock, env };
}

describe('target items remembered between ticks (DynamoStateStore, remember: true)', () => {
  it('reads no target item while its environment alone writes the table, and loads what the table holds', async () => {
    const table = await dynamo.createStateTable();
    const clock = { now: Date.parse('2026-11-23T10:00:00Z') };
    const env = environment(table, clock);
    const first = await env.tick(['a', 'b']);
    expect(first.read).toEqual(['a', 'b']);
    await env.store.saveTarget(state('a'), first.tickId);
    // Within a run's longest time of the takeover, every item is read again.
    clock.now += MINUTE;
    expect((await env.tick(['a', 'b'])).read).toEqual(['a', 'b']);
    clock.now += LONGEST_RUN_MS;
    expect((await env.tick(['a', 'b'])).read).toEqual(['a', 'b']);
    clock.now += MINUTE;
    const quiet = await env.tick(['a', 'b']);
    expect(quiet.read).toEqual([]);
    expect(quiet.states).toEqual(await fresh(table, ['a', 'b']));
    await env.store.saveTarget(state('a', 4), quiet.tickId);
    await env.store.saveTarget(state('b', 2), quiet.tickId);
    clock.now += MINUTE;
    const after = await env.tick(['a', 'b', 'c']);
    // Only the key it never saw.
    expect(after.read).toEqual(['c']);
    expect(after.states).toEqual(await fresh(table, ['a', 'b', 'c']));
    expect([after.states.get('a')?.lastProven, after.states.get('b')?.lastProven]).toEqual([4, 2]);
    // Whatever the mark says, every item is read again within the hour.
    clock.now += 61 * MINUTE;
    expect((await env.tick(['a', 'b', 'c'])).read).toEqual(['a', 'b', 'c']);
  });

  it('knows whether its environment ran a tick before this one (livesOn), which a store that remembers nothing never does', async () => {
    const table = await dynamo.createStateTable();
    const clock = { now: Date.parse('2026-11-23T10:00:00Z') };
    const env = environment(table, clock);
    await env.tick(['a']);
    expect(env.store.livesOn()).toBe(false);
    clock.now += MINUTE;
    await env.tick(['a']);
    expect(env.store.livesOn()).toBe(true);
    // a new environment on the same table starts over
    const next = environment(table, clock);
    clock.now += MINUTE;
    await next.tick(['a']);
    expect(next.store.livesOn()).toBe(false);
    expect(new DynamoStateStore(sdkDynamo(dynamo.client), table).livesOn()).toBe(false);
  });

  it("sees another environment's saves, even those landing during its own trusting tick", async () => {
    const { table, clock, env } = await trusted();
    const other = environment(table, clock);
    const mine = await env.tick(['a', 'b']);
    expect(mine.read).toEqual([]);
    // An overlapping tick in another environment takes the mark over and saves `a` while `mine` runs; `mine` then
    // saves `b`, believing the mark still its own.
    clock.now += 1_000;
    const theirs = await other.tick(['a', 'b']);
    expect(theirs.read).toEqual(['a', 'b']);
    expect(await other.store.saveTarget(state('a', 7), theirs.tickId)).toBe('saved');
    expect(await env.store.saveTarget(state('b', 8), mine.tickId)).toBe('saved');
    // Next tick, each reads again what the other may have saved.
    clock.now += MINUTE;
    const mineNext = await env.tick(['a', 'b']);
    expect(mineNext.read).toEqual(['a', 'b']);
    expect(mineNext.states.get('a')?.lastProven).toBe(7);
    clock.now += MINUTE;
    const theirsNext = await other.tick(['a', 'b']);
    expect(theirsNext.read).toEqual(['a', 'b']);
    expect(theirsNext.states).toEqual(await fresh(table, ['a', 'b']));
    expect(theirsNext.states.get('b')?.lastProven).toBe(8);
  });

  it('reads again an item whose save landed but whose answer was lost, and only that one', async () => {
    const { table, clock, env } = await trusted();
    const now = await env.tick(['a', 'b']);
    env.faults.afterWrite.add('target#a');
    await expect(env.store.saveTarget(state('a', 5), now.tickId)).rejects.toThrow(StateStoreError);
    clock.now += MINUTE;
    const next = await env.tick(['a', 'b']);
    expect(next.read).toEqual(['a']);
    expect(next.states.get('a')?.lastProven).toBe(5);
    expect(next.states).toEqual(await fresh(table, ['a', 'b']));
  });

  it('saves nothing before the writer mark is written: a failed mark write fails the save, the next one retries', async () => {
    const table = await dynamo.createStateTable();
    const clock = { now: Date.parse('2026-11-23T10:00:00Z') };
    const env = environment(table, clock);
    // The mark's write right before the first save fails.
    const first = await env.tick(['a', 'b']);
    env.faults.beforeWrite.add('meta#marks');
    await expect(env.store.saveTarget(state('a'), first.tickId)).rejects.toThrow(/writer mark/);
    expect((await fresh(table, ['a'])).size).toBe(0);
    expect(await env.store.saveTarget(state('b'), first.tickId)).toBe('saved');
    expect((await fresh(table, ['a', 'b'])).size).toBe(1);
  });

  it('a tick split into shards forgets what was remembered, and the next whole tick reads every item', async () => {
    const { clock, env } = await trusted();
    const shard = await env.tick(['a'], '0/2');
    expect(shard.read).toEqual(['a']);
    await env.store.saveTarget(state('a', 3), shard.tickId);
    clock.now += MINUTE;
    const whole = await env.tick(['a', 'b']);
    expect(whole.read).toEqual(['a', 'b']);
    expect(whole.states.get('a')?.lastProven).toBe(3);
  });

  it('with many targets, takes the mark over on its second tick without a save, and then reads none of them', async () => {
    const table = await dynamo.createStateTable();
    const clock = { now: Date.parse('2026-11-23T10:00:00Z') };
    const env = environment(table, clock);
    const keys = Array.from({ length: EAGER_TAKEOVER_TARGETS }, (_, i) => `f${i}`);
    const writer = async () =>
      (await sdkDynamo(dynamo.client).getItem({ TableName: table, Key: { pk: { S: 'meta#marks' } } })).Item?.writer?.S;
    await env.tick(keys);
    // An environment's first tick may be its last (a paused schedule): it does not pay for the mark yet.
    expect(await writer()).toBeUndefined();
    clock.now += MINUTE;
    // The takeover fails the first time; the next tick tries again.
    env.faults.beforeWrite.add('meta#marks');
    await env.tick(keys);
    expect(await writer()).toBeUndefined();
    clock.now += MINUTE;
    await env.tick(keys);
    expect(await writer()).toMatch(/^[0-9a-f-]{36}$/);
    clock.now += LONGEST_RUN_MS;
    expect((await env.tick(keys)).read).toHaveLength(keys.length);
    clock.now += MINUTE;
    expect((await env.tick(keys)).read).toEqual([]);
  });
});
