import { StateStoreError } from '../../../controller/errors';
import type { RunReport } from '../../../controller/report/report';
import { run } from '../../../controller/run';
import { createStateTable } from '../../../controller/state/local-table';
import { type Harness, startHarness, WARM_TARGET } from '../../fixtures/controller/harness';

/**
 * A tick split into shards cannot pause its schedule, so each shard keeps in its ledger until when each of its
 * targets has nothing to do, and leaves those targets unread and unplanned until then: against the emulator and its
 * DynamoDB, the shard's item reads, pings and reports over a run of ticks.
 */
const warm = (name: string) => ({ name, handler: WARM_TARGET, versions: { '1': {} }, aliases: { live: '1' } });
const NAMES = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
const policy = (name: string, extra: Record<string, unknown> = {}) => ({
  function: name,
  qualifier: 'live',
  warm: { interval: '5m', holdMs: 50 },
  ...extra,
});
const at = (time: string) => `2026-11-23T${time}:00Z`;

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ environment: 'light', functions: NAMES.map(warm) });
});
afterAll(() => harness?.stop());

/** A controller whose shard 1 (of 2) is run tick by tick, recording which target items each tick read. */
function shardOne(policies: readonly Record<string, unknown>[], table: string) {
  const controller = harness.controller(policies, { THERMOSTAT_SHARD_SIZE: '3', THERMOSTAT_TABLE: table });
  const reads: string[][] = [];
  const store = controller.deps.state;
  const load = store.loadTargets.bind(store);
  store.loadTargets = async (keys) => {
    reads.push([...keys]);
    return load(keys);
  };
  const tick = async (
    time: string,
    intentKeys: string[] = [],
    unscheduled = false,
  ): Promise<{ report: RunReport; read: string[] }> => {
    reads.length = 0;
    const shard = { tickId: at(time), scheduledAt: Date.parse(at(time)), index: 1, of: 2, intentKeys };
    const event = { thermostatShard: { ...shard, ...(unscheduled ? { unscheduled: true } : {}) } };
    const report = await run(controller.deps, event, { getRemainingTimeInMillis: () => 50_000 });
    return { report, read: reads.flat().sort() };
  };
  return { controller, tick };
}

const pinged = (report: RunReport) =>
  report.targets
    .filter((target) => (target.warm?.pingsSent ?? 0) > 0)
    .map((target) => target.key)
    .sort();
const quiet = (report: RunReport) =>
  report.targets
    .filter((target) => /neither read nor planned/.test(target.decisions[0]?.reason ?? ''))
    .map((t) => t.key)
    .sort();

async function table(name: string): Promise<string> {
  await createStateTable(harness.dynamo, name);
  return name;
}

describe('a shard leaves its quiet targets unread until they have work', () => {
  it('reads and pings a target when its round is due, and neither reads nor plans it in the ticks between', async () => {
    const shard = shardOne(
      NAMES.map((name) => policy(name)),
      await table(`${harness.table}-quiet`),
    );
    const first = await shard.tick('10:00');
    const mine = first.report.targets.map((target) => target.key).sort();
    expect(mine.length).toBeGreaterThan(0);
    expect(first.read).toEqual(mine);
    expect(pinged(first.report)).toEqual(mine);
    expect(first.report.status).toBe('completed');

    // 5 minutes on, less the interval's tolerance (10:04:30): nothing read, nothing planned, all reported quiet.
    for (const time of ['10:01', '10:02', '10:03', '10:04']) {
      const { report, read } = await shard.tick(time);
      expect({ time, read, pinged: pinged(report), quiet: quiet(report) }).toEqual({
        time,
        read: [],
        pinged: [],
        quiet: mine,
      });
      expect(report.status).toBe('completed');
      expect(report.totals.targets).toBe(mine.length);
    }
    // The first tick after the quiet time reads every one again and finds its round due: none was spared too long.
    const due = await shard.tick('10:05');
    expect(due.read).toEqual(mine);
    expect(pinged(due.report)).toEqual(mine);
  }, 60_000);

  it("reads a target at once when its policy changes or an ownership intent of it waits, and all in a deployment's warm-up", async () => {
    const name = `${harness.table}-changes`;
    const before = shardOne(
      NAMES.map((name) => policy(name)),
      await table(name),
    );
    const mine = (await before.tick('10:00')).report.targets.map((target) => target.key).sort();
    expect((await before.tick('10:01')).read).toEqual([]);

    // The same table, a policy set in which one of the shard's targets now wants two environments.
    const changed = mine[0].split(':')[0];
    const after = shardOne(
      NAMES.map((name) =>
        name === changed ? policy(name, { warm: { interval: '5m', holdMs: 50, concurrency: 2 } }) : policy(name),
      ),
      name,
    );
    const next = await after.tick('10:02');
    expect(next.read).toEqual([mine[0]]);
    expect(pinged(next.report)).toEqual([mine[0]]);
    expect(quiet(next.report)).toEqual(mine.slice(1));

    // A target with an ownership intent (the root names it) is read and reconciled, quiet or not.
    await after.controller.deps.state.recordIntent({ key: mine[1], tickId: at('10:02'), at: Date.parse(at('10:02')) });
    const withIntent = await after.tick('10:03', [mine[1]]);
    expect(withIntent.read).toEqual([mine[1]]);
    // A deployment's warm-up (a tick nobody scheduled) looks at every target.
    const deployment = await after.tick('10:04', [], true);
    expect(deployment.read).toEqual(mine);
    expect(quiet(deployment.report)).toEqual([]);
  }, 60_000);

  it('reads every target again after its ledger could not be saved, however quiet they were', async () => {
    const shard = shardOne(
      NAMES.map((name) => policy(name)),
      await table(`${harness.table}-lost`),
    );
    const mine = (await shard.tick('10:00')).report.targets.map((target) => target.key).sort();
    expect((await shard.tick('10:04')).read).toEqual([]);
    // The rounds due at 10:05 set new quiet times, and the save that would keep them fails right after the pings.
    const store = shard.controller.deps.state;
    const save = store.savePings.bind(store);
    store.savePings = () => Promise.reject(new StateStoreError('throttled'));
    const lost = await shard.tick('10:05');
    expect(pinged(lost.report)).toEqual(mine);
    store.savePings = save;
    // 10:00's ledger is what is left: its quiet times are over, so every target is read and planned.
    const next = await shard.tick('10:06');
    expect(next.read).toEqual(mine);
    expect(quiet(next.report)).toEqual([]);
  }, 60_000);
});
