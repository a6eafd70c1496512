import { createEmulatorStateTable, emulatorDynamo } from '../../../benchmarks/local-setup';
import { sdkDynamo } from '../../../controller/aws/sdk';
import { DynamoStateStore, type PingRecord, type TargetState } from '../../../controller/state';
import { startEmulator } from '../../../emulator';

describe('a target item in the state table', () => {
  it('of a warm target stays within one write unit (1 KB) however many ticks it was pinged', async () => {
    const emulator = await startEmulator({ dynamodb: true, countDynamoDbCalls: true });
    const client = emulatorDynamo(emulator);
    try {
      await createEmulatorStateTable(emulator, 'state');
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
      // The first save of a run writes the writer mark before it (remembered-items.ts): only the second is counted.
      await store.saveTarget(state, '2026-11-23T13:15:00Z');
      emulator.calls({ reset: true });
      await store.saveTarget(state, '2026-11-23T13:20:00Z');
      const writes = Object.values(emulator.calls().dynamodb ?? {}).reduce((sum, count) => sum + count.units, 0);
      expect(writes).toBe(1);
    } finally {
      client.destroy();
      await emulator.stop();
    }
  });
});
