import { sdkDynamo } from '../../../controller/aws/sdk';
import { StateStoreError } from '../../../controller/errors';
import { DynamoStateStore, MemoryStateStore, type OwnershipIntent, type StateStore } from '../../../controller/state';
import { type LocalDynamo, startDynalite } from '../../fixtures/controller/dynalite';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.stop());

const stores: Array<[string, () => Promise<StateStore>]> = [
  [
    'DynamoStateStore on dynalite',
    async () => new DynamoStateStore(sdkDynamo(dynamo.client), await dynamo.createStateTable()),
  ],
  ['MemoryStateStore', async () => new MemoryStateStore()],
];

const intent = (key: string, tickId: string, value: number): OwnershipIntent => ({
  key,
  tickId,
  after: { function: 'api', qualifier: 'live', provisioned: { strategy: 'direct', value }, since: 1 },
  at: 1_000,
});

describe.each(stores)('ownership intents in the %s', (_name, make) => {
  it('are recorded, loaded by key, listed, and cleared only by the tick that recorded them', async () => {
    const store = await make();
    await store.recordIntent(intent('api:live', '2026-11-23T10:00:00Z', 2));
    await store.recordIntent(intent('other:live', '2026-11-23T10:00:00Z', 1));
    expect((await store.loadIntents(['api:live', 'missing:live'])).get('api:live')).toEqual(
      intent('api:live', '2026-11-23T10:00:00Z', 2),
    );
    expect((await store.listIntents()).map((found) => found.key).sort()).toEqual(['api:live', 'other:live']);

    // An older tick (a run that lost its lease) neither replaces nor clears a newer tick's intent.
    await store.recordIntent(intent('api:live', '2026-11-23T10:01:00Z', 3));
    await expect(store.recordIntent(intent('api:live', '2026-11-23T09:59:00Z', 9))).rejects.toThrow(StateStoreError);
    await store.clearIntent('api:live', '2026-11-23T10:00:00Z');
    expect((await store.loadIntents(['api:live'])).get('api:live')?.after?.provisioned).toEqual({
      strategy: 'direct',
      value: 3,
    });
    await store.clearIntent('api:live', '2026-11-23T10:01:00Z');
    expect((await store.loadIntents(['api:live'])).size).toBe(0);
    // Clearing what is gone is fine.
    await store.clearIntent('api:live', '2026-11-23T10:01:00Z');
  });
});
