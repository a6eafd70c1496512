import type { BatchGetItemInput, GetItemInput } from '@aws-sdk/client-dynamodb';
import type { DynamoApi } from '../../../controller/aws/ports';
import { sdkDynamo } from '../../../controller/aws/sdk';
import { StateStoreError } from '../../../controller/errors';
import { DynamoStateStore } from '../../../controller/state';
import { ConsistentReads } from '../../../controller/state/batched-reads';
import { type LocalDynamo, startDynalite } from '../../fixtures/controller/dynalite';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.stop());

/** The real table behind a front that records each read request, and can fail the next `failBatches` batches. */
function recorded(failBatches = 0) {
  const real = sdkDynamo(dynamo.client);
  const gets: GetItemInput[] = [];
  const batches: BatchGetItemInput[] = [];
  let failing = failBatches;
  const api: DynamoApi = {
    ...real,
    getItem: (input) => {
      gets.push(input);
      return real.getItem(input);
    },
    batchGetItem: async (input) => {
      batches.push(input);
      if (failing > 0) {
        failing -= 1;
        throw Object.assign(new Error('throughput exceeded'), { name: 'ProvisionedThroughputExceededException' });
      }
      return real.batchGetItem(input);
    },
  };
  return { api, gets, batches };
}

const put = (table: string, pk: string, value: string) =>
  sdkDynamo(dynamo.client).putItem({ TableName: table, Item: { pk: { S: pk }, value: { S: value } } });

describe('ConsistentReads', () => {
  it('sends the reads asked for together as one consistent BatchGetItem, and answers each its own item', async () => {
    const table = await dynamo.createStateTable();
    await put(table, 'a', '1');
    await put(table, 'b', '2');
    const { api, gets, batches } = recorded();
    const reads = new ConsistentReads(api, table);
    const [a, b, missing, again] = await Promise.all([reads.get('a'), reads.get('b'), reads.get('c'), reads.get('a')]);
    expect([a?.value?.S, b?.value?.S, missing, again?.value?.S]).toEqual(['1', '2', undefined, '1']);
    expect(gets).toHaveLength(0);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.RequestItems![table]).toMatchObject({ ConsistentRead: true });
    expect(batches[0]!.RequestItems![table]!.Keys).toHaveLength(3);
  });

  it('uses GetItem for a lone read, and reads asked for later go out on their own', async () => {
    const table = await dynamo.createStateTable();
    await put(table, 'a', '1');
    const { api, gets, batches } = recorded();
    const reads = new ConsistentReads(api, table);
    expect((await reads.get('a'))?.value?.S).toBe('1');
    await put(table, 'a', '2');
    expect((await reads.get('a'))?.value?.S).toBe('2');
    expect(gets.map((input) => input.ConsistentRead)).toEqual([true, true]);
    expect(batches).toHaveLength(0);
  });

  it('splits more than 100 keys into calls of 100', async () => {
    const table = await dynamo.createStateTable();
    await put(table, 'k-150', 'last');
    const { api, batches } = recorded();
    const reads = new ConsistentReads(api, table);
    const items = await Promise.all(Array.from({ length: 151 }, (_, i) => reads.get(`k-${i}`)));
    expect(items.filter((item) => item !== undefined).map((item) => item?.value?.S)).toEqual(['last']);
    expect(batches.map((batch) => batch.RequestItems![table]!.Keys!.length)).toEqual([100, 51]);
  });
});

describe('DynamoStateStore: the reads a tick starts with', () => {
  const NOW = Date.parse('2026-11-23T10:05:00Z');
  const T1 = '2026-11-23T10:01:00Z';

  it('reads its ping ledger, the managed-listing mark and the intent count in one request', async () => {
    const table = await dynamo.createStateTable();
    const first = new DynamoStateStore(sdkDynamo(dynamo.client), table, () => NOW);
    await first.savePings('0/1', { tickId: T1, pings: new Map([['AAAAAAAA', NOW - 60_000]]) });
    // The first listings scan and leave their marks; the next tick's only read them.
    await first.listManaged(['a:live']);
    await first.listIntents();

    const { api, gets, batches } = recorded();
    const store = new DynamoStateStore(api, table, () => NOW);
    const [ledger, managed, intents] = await Promise.all([
      store.loadPings('0/1'),
      store.listManaged(['a:live']),
      store.listIntents(),
    ]);
    expect(ledger?.pings.get('AAAAAAAA')).toBe(NOW - 60_000);
    expect([managed, intents]).toEqual([[], []]);
    expect(gets).toHaveLength(0);
    expect(batches).toHaveLength(1);
  });

  it('a failed request fails each read with its own message, and the next reads go out afresh', async () => {
    const table = await dynamo.createStateTable();
    const { api, batches } = recorded(1);
    const store = new DynamoStateStore(api, table, () => NOW);
    const outcomes = await Promise.allSettled([store.loadPings('0/1'), store.listIntents()]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    const errors = outcomes.map((outcome) => (outcome as PromiseRejectedResult).reason as Error);
    expect(errors.every((error) => error instanceof StateStoreError)).toBe(true);
    expect(errors.map((error) => error.message)).toEqual([
      `state table ${table}: reading the ping ledger failed: throughput exceeded`,
      `state table ${table}: reading the intent count failed: throughput exceeded`,
    ]);
    expect(errors[0]!.cause).toBe(errors[1]!.cause);

    const [ledger, intents] = await Promise.all([store.loadPings('0/1'), store.listIntents()]);
    expect([ledger, intents]).toEqual([undefined, []]);
    expect(batches).toHaveLength(2);
  });
});
