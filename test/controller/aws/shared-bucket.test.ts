import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoApi } from '../../../controller/aws/ports';
import { sdkDynamo } from '../../../controller/aws/sdk';
import { SharedBucket, type SharedBucketOptions } from '../../../controller/aws/shared-bucket';
import { TimeBudgetError } from '../../../controller/errors';
import { type LocalDynamo, startDynalite } from '../../fixtures/controller/dynalite';

/** A clock whose sleeps move it forward at once (one clock for every caller, as one wall clock would be). */
function virtualClock(start: number) {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += Math.max(0, ms);
    },
  };
}

let local: LocalDynamo;
let dynamo: DynamoApi;
beforeAll(async () => {
  local = await startDynalite();
  dynamo = sdkDynamo(local.client);
});
afterAll(() => local?.stop());

const bucket = async (clock: SharedBucketOptions['clock'], extra: Partial<SharedBucketOptions> = {}) =>
  new SharedBucket({
    dynamo,
    table: extra.table ?? (await local.createStateTable()),
    name: 'lambda-control',
    perSecond: 10,
    callerRps: 10,
    clock,
    random: () => 0.5,
    ...extra,
  });

describe('SharedBucket', () => {
  it('two callers on one table never get more than the budget in any second, in few writes', async () => {
    const clock = virtualClock(Date.UTC(2026, 10, 23, 10, 0, 0));
    const table = await local.createStateTable();
    const a = await bucket(clock, { table });
    const b = await bucket(clock, { table });
    const granted: number[] = [];
    const drain = async (gate: SharedBucket) => {
      for (let i = 0; i < 40; i++) {
        await gate.take();
        granted.push(Math.floor(clock.now() / 1000));
      }
    };
    await Promise.all([drain(a), drain(b)]);
    expect(granted).toHaveLength(80);
    const perSecond = new Map<number, number>();
    for (const second of granted) perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    for (const count of perSecond.values()) expect(count).toBeLessThanOrEqual(10);
    // At least 8 seconds for 80 tokens of 10 a second.
    expect(perSecond.size).toBeGreaterThanOrEqual(8);
    // Batches: far fewer claims than tokens.
    const writes = a.stats.writes + b.stats.writes;
    expect(writes).toBeLessThan(60);
    expect(a.stats.claimed + b.stats.claimed).toBeGreaterThanOrEqual(80);
    // What DynamoDB holds agrees: no second was handed out beyond the budget.
    const items = await local.client.send(new ScanCommand({ TableName: table }));
    expect(items.Items?.length).toBeGreaterThanOrEqual(8);
    for (const item of items.Items ?? []) {
      expect(item.pk?.S).toMatch(/^rate#lambda-control#\d+$/);
      expect(Number(item.used?.N)).toBeLessThanOrEqual(10);
      expect(Number(item.expiresAt?.N)).toBeGreaterThan(Number(item.pk?.S?.split('#')[2]));
    }
  });

  it("a shard's batches shrink with its share", async () => {
    const clock = virtualClock(Date.UTC(2026, 10, 23, 10, 0, 0));
    const gate = await bucket(clock, { maxBatch: 8 });
    gate.share = 1 / 4;
    for (let i = 0; i < 4; i++) await gate.take();
    // 8 x 1/4 = at most 2 tokens per claim
    expect(gate.stats.writes).toBeGreaterThanOrEqual(2);
    expect(gate.stats.claimed).toBeLessThanOrEqual(4);
  });

  it('refuses at once when the second is spent and the next one is past the deadline', async () => {
    const clock = virtualClock(Date.UTC(2026, 10, 23, 10, 0, 0) + 900);
    const gate = await bucket(clock, { perSecond: 2, callerRps: 2 });
    await gate.take();
    await gate.take();
    gate.deadline = clock.now() + 50;
    await expect(gate.take()).rejects.toBeInstanceOf(TimeBudgetError);
    gate.deadline = Number.POSITIVE_INFINITY;
    await gate.take();
    expect(clock.now()).toBeGreaterThanOrEqual(Date.UTC(2026, 10, 23, 10, 0, 1));
  });

  it('goes on under the local limits alone when the table fails, and says so once', async () => {
    const clock = virtualClock(Date.UTC(2026, 10, 23, 10, 0, 0));
    const told: unknown[] = [];
    const gate = await bucket(clock, { table: 'no-such-table', onUnavailable: (error) => told.push(error) });
    for (let i = 0; i < 30; i++) await gate.take();
    expect(told).toHaveLength(1);
    expect(gate.stats).toMatchObject({ writes: 1, unguarded: 30 });
  });
});
