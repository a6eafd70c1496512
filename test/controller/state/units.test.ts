import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { sdkDynamo } from '../../../controller/aws/sdk';
import { EMPTY_TRAFFIC } from '../../../controller/plan';
import { DynamoStateStore, itemBytes, readUnits, targetItem, writeUnits } from '../../../controller/state';
import { type LocalDynamo, startDynalite } from '../../fixtures/controller/dynalite';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.stop());

/** A target item with `environments` environments in its traffic history: from well under 1 KB to several. */
function item(environments: number) {
  const at = Date.parse('2026-11-23T10:00:00Z');
  return targetItem(
    {
      key: 'checkout-api-production-handler:live',
      history: [{ at, wanted: 2, proven: 2, cold: 0, pings: 2, stoppedBy: 'proven' }],
      lastPingAt: at,
      lastWanted: 2,
      lastProven: 2,
      facts: { memoryMb: 1024, architecture: 'arm64', reservedConcurrency: null, snapStart: false, at },
      traffic: {
        ...EMPTY_TRAFFIC,
        at,
        load: 0.37,
        environments: Array.from({ length: environments }, (_, i) => ({
          envId: `2026/11/23/[$LATEST]${String(i).padStart(32, '0')}`,
          initAt: at - 3_600_000 - i,
          ratePerMinute: 1.25,
          lastRealAt: at - 61_000,
          realServed: 120 + i,
        })),
      },
    },
    '2026-11-23T10:00:00Z',
  );
}

describe('request units of the state table', () => {
  it.each([0, 4, 12, 40])(
    'a target item with %i environments costs the write units DynamoDB (dynalite) charges for it',
    async (environments) => {
      const table = await dynamo.createStateTable();
      const written = item(environments);
      const response = await dynamo.client.send(
        new PutItemCommand({ TableName: table, Item: written, ReturnConsumedCapacity: 'TOTAL' }),
      );
      expect(writeUnits(itemBytes(written))).toBe(response.ConsumedCapacity?.CapacityUnits);
    },
  );

  it('a target item carries its key once, in the partition key, and still loads under it', async () => {
    const table = await dynamo.createStateTable();
    const written = item(2);
    expect(written).not.toHaveProperty('key');
    await dynamo.client.send(new PutItemCommand({ TableName: table, Item: written }));
    const store = new DynamoStateStore(sdkDynamo(dynamo.client), table);
    const loaded = await store.loadTargets(['checkout-api-production-handler:live']);
    expect(loaded.get('checkout-api-production-handler:live')).toMatchObject({ lastWanted: 2, lastProven: 2 });
  });

  it('reads cost a unit per started 4 KB, half when eventually consistent', () => {
    expect([readUnits(0, true), readUnits(4096, true), readUnits(4097, true)]).toEqual([1, 1, 2]);
    expect([readUnits(100, false), readUnits(9000, false)]).toEqual([0.5, 1.5]);
    expect([writeUnits(0), writeUnits(1024), writeUnits(1025)]).toEqual([1, 1, 2]);
  });
});
