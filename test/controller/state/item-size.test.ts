import { randomUUID } from 'node:crypto';
import { createEmulatorStateTable, emulatorDynamo } from '../../../benchmarks/local-setup';
import { sdkDynamo } from '../../../controller/aws/sdk';
import { IDLE_TIMES_KEPT } from '../../../controller/plan/traffic';
import {
  DynamoStateStore,
  HISTORY_LENGTH,
  LONGEST_RUN_MS,
  type PingRecord,
  type TargetState,
} from '../../../controller/state';
import { type Emulator, startEmulator } from '../../../emulator';

/** Runs `test` against a state table in the emulator's DynamoDB, whose request units it counts. */
async function withCountedTable(
  test: (emulator: Emulator, client: ReturnType<typeof emulatorDynamo>) => Promise<void>,
): Promise<void> {
  const emulator = await startEmulator({ dynamodb: true, countDynamoDbCalls: true });
  const client = emulatorDynamo(emulator);
  try {
    await createEmulatorStateTable(emulator, 'state');
    await test(emulator, client);
  } finally {
    client.destroy();
    await emulator.stop();
  }
}

/**
 * The write units of saving `state` again: the first save of a run writes the writer mark before it
 * (remembered-items.ts), so only the second is counted.
 */
async function unitsOfASave(emulator: Emulator, store: DynamoStateStore, state: TargetState): Promise<number> {
  await store.saveTarget(state, '2026-11-23T13:15:00Z');
  emulator.calls({ reset: true });
  await store.saveTarget(state, '2026-11-23T13:20:00Z');
  return Object.values(emulator.calls().dynamodb ?? {}).reduce((sum, count) => sum + count.units, 0);
}

describe('a target item in the state table', () => {
  it('of a warm target stays within one write unit (1 KB) however many ticks it was pinged', () =>
    withCountedTable(async (emulator, client) => {
      const store = new DynamoStateStore(sdkDynamo(client), 'state');
      const at = Date.parse('2026-11-23T10:00:00Z');
      const history: PingRecord[] = Array.from({ length: 40 }, (_, i) => ({
        at: at + i * 300_000,
        wanted: 1,
        proven: 1,
        cold: 0,
        pings: 1,
        stoppedBy: 'proven',
      }));
      const state: TargetState = {
        key: 'checkout-api-production-handler:live',
        history,
        lastPingAt: history.at(-1)!.at,
        lastWanted: 1,
        lastProven: 1,
        facts: {
          memoryMb: 1024,
          architecture: 'arm64',
          timeoutMs: 30_000,
          reservedConcurrency: null,
          snapStart: false,
          version: '42',
          at,
        },
        traffic: {
          at: history.at(-1)!.at,
          environments: [
            {
              envId: '2026/11/23/[42]0123456789abcdef0123456789abcdef',
              initAt: at - 3_600_000,
              ratePerMinute: 0,
              lastRealAt: null,
              realServed: 0,
            },
          ],
          idleTimes: [],
          initMs: 180,
        },
      };
      expect(await unitsOfASave(emulator, store, state)).toBe(1);
    }));

  it('of an auto-mode target with three environments and a full traffic history stays within one write unit (two unpacked)', () =>
    withCountedTable(async (emulator, client) => {
      const store = new DynamoStateStore(sdkDynamo(client), 'state');
      const at = Date.parse('2026-11-23T10:00:00Z');
      // What a busy auto-mode target's item holds: three environments named as the target helper
      // names them, every idle time the history keeps, a probe, minute reads, and an ownership record.
      const envId = (i: number) => `2026/11/23/[$LATEST]${(0xa1b2c3d4e5f6 * (i + 7)).toString(16).padStart(32, '0')}`;
      const state: TargetState = {
        key: 'orders-service-production-checkout-handler:live',
        history: Array.from({ length: HISTORY_LENGTH }, (_, i) => ({
          at: at + i * 60_000,
          wanted: 5,
          proven: 4 + (i % 2),
          cold: i % 2,
          pings: 6,
          stoppedBy: 'proven',
        })),
        lastPingAt: at + 120_000,
        lastWanted: 5,
        lastProven: 5,
        managed: { function: 'orders-service-production-checkout-handler', qualifier: 'live', since: at - 86_400_000 },
        facts: {
          memoryMb: 1769,
          architecture: 'arm64',
          timeoutMs: 29_000,
          reservedConcurrency: null,
          snapStart: false,
          version: '118',
          at,
        },
        traffic: {
          at: at + 120_000,
          environments: Array.from({ length: 3 }, (_, i) => ({
            envId: envId(i),
            initAt: at - 3_600_000 - i * 917_311,
            ratePerMinute: 3.7 / (i + 1) + Math.PI / 1000,
            lastRealAt: at + 119_000 - i * 13_177,
            realServed: 2_000 - i * 311,
            longestIdleMs: 95_000 + i * 7_919,
            shortestIdleMs: 12 + i,
          })),
          idleTimes: Array.from({ length: IDLE_TIMES_KEPT }, (_, i) => 60_000 + ((i * 7_919) % 240_000)),
          load: Math.E,
          peak: 7,
          metricsRate: 161.33333333333334,
          loadSource: 'metrics',
          metricsAt: at - 900_000,
          readLoads: [2.4166666666666665, Math.E],
          lastRealAt: at + 119_000,
          initMs: 412.5,
          meanRequestMs: 73.1415926535898,
          latencyMs: 9,
          probe: { at: at + 60_000, ratePerMinute: 158.5, lastRealAt: at + 59_500, overMs: 60_000 },
        },
      };
      const unpacked = ['history', 'facts', 'traffic'].reduce(
        (sum, part) => sum + part.length + JSON.stringify(state[part as 'history' | 'facts' | 'traffic']).length,
        0,
      );
      expect(unpacked).toBeGreaterThan(1_024);
      expect(await unitsOfASave(emulator, store, state)).toBe(1);
      const loaded = (await store.loadTargets([state.key])).get(state.key);
      expect(loaded).toEqual({ ...state, lastTick: '2026-11-23T13:20:00Z' });
    }));
});

describe('a steady tick of a controller environment that remembers its items', () => {
  it('reads two consistent units of small items (its ping ledger and the marks item) and no target item', () =>
    withCountedTable(async (emulator, client) => {
      const clock = { now: Date.parse('2026-11-23T10:00:00Z') };
      const store = new DynamoStateStore(sdkDynamo(client), 'state', () => clock.now, { remember: true });
      const keys = ['a:live', 'b:live'];
      const tick = async () => {
        const tickId = new Date(clock.now).toISOString();
        const claim = { tickId, shard: '0/1', runId: randomUUID(), now: clock.now, leaseUntil: clock.now + 60_000 };
        expect(await store.claimTick(claim)).toBe('claimed');
        // What run.ts asks for together before its first ping: targets, ledger, managed listing, intents.
        const [states] = await Promise.all([
          store.loadTargets(keys),
          store.loadPings('0/1'),
          store.listManaged(keys),
          store.listIntents(),
        ]);
        return { tickId, claim, states };
      };
      const first = await tick();
      for (const key of keys) await store.saveTarget({ key, history: [], lastWanted: 1, lastProven: 1 }, first.tickId);
      // Trusted once a run's longest time has passed since the takeover and every item was read once more.
      clock.now += LONGEST_RUN_MS + 60_000;
      await tick();
      clock.now += 60_000;
      emulator.calls({ reset: true });
      const steady = await tick();
      expect(steady.states.get('a:live')?.lastProven).toBe(1);
      const calls = emulator.calls().dynamodb ?? {};
      // the claim's write, and one BatchGetItem of the ledger and the marks
      expect(calls.BatchGetItem).toEqual(expect.objectContaining({ calls: 1, units: 2 }));
      expect(Object.keys(calls).sort()).toEqual(['BatchGetItem', 'PutItem']);
    }));
});
