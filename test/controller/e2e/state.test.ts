/**
 * State that heals (issue 15, finding 4), end to end: the controller as the Lambda handler builds it, the emulator,
 * and dynalite holding damaged items. Before, a `history` that was not a list threw on every tick (so the target was
 * pinged every tick), a `lastTick` stored as a number or a tick claiming 2099 made every later save `stale`, and an
 * unparsable ownership record was silently dropped.
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { LambdaClient, PutProvisionedConcurrencyConfigCommand } from '@aws-sdk/client-lambda';
import { FutureTickError } from '../../../controller/state';
import { type Harness, startHarness, WARM_TARGET } from '../../fixtures/controller/harness';

const fn = (name: string) => ({ name, handler: WARM_TARGET, versions: { '1': {} }, aliases: { live: '1' } });

let harness: Harness;
let lambda: LambdaClient;
beforeAll(async () => {
  harness = await startHarness({
    environment: 'light',
    provisionedAllocationDelayMs: 100,
    controlPlaneRps: 500,
    functions: [fn('history'), fn('numbered'), fn('owned')],
  });
  lambda = new LambdaClient({ ...harness.emulator.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  lambda?.destroy();
  await harness?.stop();
});

const S = (value: string) => ({ S: value });
const N = (value: number) => ({ N: String(value) });
const put = (key: string, item: Record<string, { S: string } | { N: string }>) =>
  harness.dynamo.send(
    new PutItemCommand({ TableName: harness.table, Item: { pk: S(`target#${key}`), key: S(key), ...item } }),
  );
const stored = async (key: string) =>
  (await harness.dynamo.send(new GetItemCommand({ TableName: harness.table, Key: { pk: S(`target#${key}`) } }))).Item;

it('a corrupt item is reported once, rebuilt from what the tick observes, and stops costing a ping every tick', async () => {
  await put('history:live', { lastTick: S('2026-11-23T09:00:00Z'), history: S('5'), lastPingAt: S('soon') });
  await put('numbered:live', { lastTick: N(1_764_000_000), history: S('[]') });
  const controller = harness.controller([
    { function: 'history', qualifier: 'live', warm: { concurrency: 2, interval: '5m' } },
    { function: 'numbered', qualifier: 'live', warm: { concurrency: 1, interval: '5m' } },
  ]);

  const first = await controller.tick('2026-11-23T10:00:00Z');
  expect(first.status).toBe('completed');
  expect([...(first.stateCorrupt ?? [])].sort((a, b) => a.key.localeCompare(b.key))).toEqual([
    expect.objectContaining({ kind: 'state-corrupt', key: 'history:live', fields: ['history', 'lastPingAt'] }),
    expect.objectContaining({ kind: 'state-corrupt', key: 'numbered:live', fields: ['lastTick'] }),
  ]);
  for (const target of first.targets) {
    expect(target).toMatchObject({ status: 'ok', state: 'saved' });
    expect(target.warm?.proven).toBeGreaterThan(0);
  }

  // One minute later nothing is due (interval 5m): no pings, nothing corrupt, and the saves are not stale.
  const second = await controller.tick('2026-11-23T10:01:00Z');
  expect(second.stateCorrupt).toBeUndefined();
  expect(second.totals.pingsSent).toBe(0);
  expect(second.targets.map((t) => t.decisions[0]?.kind)).toEqual(['skip', 'skip']);

  // A tick claiming 2099 is refused before it claims or saves anything...
  await expect(controller.tick('2099-01-01T00:00:00Z')).rejects.toThrow(FutureTickError);
  // ...so the next real tick, when the interval has passed, pings and saves as usual (a round that proved what the
  // last one did keeps only its time, in the ping ledger).
  const sixth = await controller.tick('2026-11-23T10:05:00Z');
  expect(sixth.targets.map((t) => t.status)).toEqual(['ok', 'ok']);
  expect(sixth.targets.every((t) => t.state === 'saved' || t.state === 'ledger')).toBe(true);
  expect(sixth.stateCorrupt).toBeUndefined();
  // The tick is in the target's item, or in the shard's ping ledger for a round that changed nothing else (which the
  // controller's environment holds until it is due: held-ledger.ts): either way the next tick knows the round.
  if (sixth.targets[0]?.state === 'saved')
    expect((await stored('history:live'))?.lastTick).toEqual(S('2026-11-23T10:05:00Z'));
  const seventh = await controller.tick('2026-11-23T10:06:00Z');
  expect(seventh.totals.pingsSent).toBe(0);
  expect(seventh.targets.map((t) => t.decisions[0]?.kind)).toEqual(['skip', 'skip']);
});

it('an item whose lastTick is in 2099 is rebuilt by the next real tick instead of making every save stale', async () => {
  await put('history:live', { lastTick: S('2099-12-31T23:59:00Z'), history: S('[]') });
  const controller = harness.controller([{ function: 'history', qualifier: 'live' }]);
  const report = await controller.tick('2026-11-23T11:00:00Z');
  expect(report.stateCorrupt?.[0]?.message).toContain('lastTick ("2099-12-31T23:59:00Z" is in the future)');
  expect(report.targets[0]).toMatchObject({ status: 'ok', state: 'saved' });
  expect((await stored('history:live'))?.lastTick).toEqual(S('2026-11-23T11:00:00Z'));
  // The next round proves what this one did (its time goes to the ping ledger); one that proves something else is
  // saved in the item, which no 2099 blocks any more.
  const next = await controller.tick('2026-11-23T11:06:00Z');
  expect(next.targets[0]).toMatchObject({ status: 'ok', state: 'ledger' });
  await put('history:live', {
    lastTick: S('2026-11-23T11:00:00Z'),
    history: S('[]'),
    lastPingAt: N(Date.parse('2026-11-23T11:00:00Z')),
    lastWanted: N(2),
  });
  const changed = await controller.tick('2026-11-23T11:12:00Z');
  expect(changed.targets[0]).toMatchObject({ status: 'ok', state: 'saved' });
  expect((await stored('history:live'))?.lastTick).toEqual(S('2026-11-23T11:12:00Z'));
});

it('an unparsable ownership record is kept aside and Thermostat touches nothing on the qualifier it cannot prove it owns', async () => {
  // Provisioned concurrency is deployed on owned:live; the record saying who set it is damaged.
  await lambda.send(
    new PutProvisionedConcurrencyConfigCommand({
      FunctionName: 'owned',
      Qualifier: 'live',
      ProvisionedConcurrentExecutions: 2,
    }),
  );
  await put('owned:live', {
    lastTick: S('2026-11-23T09:00:00Z'),
    history: S('[]'),
    managed: S('{"function":"owned",'),
  });
  const provisioned = () =>
    harness.emulator
      .inspect()
      .functions.find((f) => f.name === 'owned')!
      .provisioned.map((c) => c.requested);

  const policy = harness.controller([
    { function: 'owned', qualifier: 'live', mode: 'provisioned', provisioned: { min: 3 } },
  ]);
  const first = await policy.tick('2026-11-23T12:00:00Z');
  expect(first.stateCorrupt).toEqual([
    expect.objectContaining({
      key: 'owned:live',
      fields: ['managed'],
      message: expect.stringContaining('kept aside, nothing owned on its strength'),
    }),
  ]);
  expect(first.targets[0]?.decisions).toEqual([expect.objectContaining({ kind: 'leave-alone' })]);
  expect(provisioned()).toEqual([2]);
  expect((await stored('owned:live'))?.managedUnreadable).toEqual(S('{"function":"owned",'));

  // Nor does switching the policy off delete it, and the raw record is still kept, reported no more.
  const off = harness.controller([{ function: 'owned', qualifier: 'live', mode: 'off' }]);
  const later = await off.tick('2026-11-23T12:01:00Z');
  expect(later.stateCorrupt).toBeUndefined();
  expect(later.totals.provisionedChanges).toBe(0);
  expect(provisioned()).toEqual([2]);
  expect((await stored('owned:live'))?.managedUnreadable).toEqual(S('{"function":"owned",'));
});
