import type { DynamoApi } from '../../../controller/aws/ports';
import { sdkDynamo } from '../../../controller/aws/sdk';
import { DynamoAccountStore } from '../../../controller/observe/account-store';
import { type LocalDynamo, startDynalite } from '../../fixtures/controller/dynalite';

let local: LocalDynamo;
beforeAll(async () => {
  local = await startDynalite();
});
afterAll(() => local?.stop());

it('keeps the last account settings in the state table, written only when they change or a day passed', async () => {
  const table = await local.createStateTable();
  const real = sdkDynamo(local.client);
  let puts = 0;
  const counted: DynamoApi = {
    ...real,
    putItem: (input) => {
      puts += 1;
      return real.putItem(input);
    },
  };
  const store = new DynamoAccountStore(counted, table);
  expect(await store.load()).toBeUndefined();
  await store.save({ account: { limit: 1000, unreserved: 900 }, at: 1 });
  await store.save({ account: { limit: 1000, unreserved: 900 }, at: 60_000 });
  expect(puts).toBe(1);
  await store.save({ account: { limit: 1000, unreserved: 800 }, at: 120_000 });
  await store.save({ account: { limit: 1000, unreserved: 800 }, at: 120_000 + 25 * 3600_000 });
  expect(puts).toBe(3);
  // Another environment (a new store) reads what this one wrote.
  expect(await new DynamoAccountStore(real, table).load()).toEqual({
    account: { limit: 1000, unreserved: 800 },
    at: 120_000 + 25 * 3600_000,
  });
});
