import type { PutEventsRequest } from '@aws-sdk/client-eventbridge';
import { buildEvents, DETAIL_TYPE, publishEvents } from '../../../controller/report/events';
import { MemoryLog } from '../../../controller/report/log';
import { EMPTY_TOTALS, type RunReport, type TargetReport } from '../../../controller/report/report';
import { targetReport } from '../../fixtures/controller/target-report';

const target = targetReport;

const report = (targets: TargetReport[]): RunReport => ({
  runId: 'run-1',
  tickId: '2026-11-23T10:00:00Z',
  shard: { index: 0, of: 1 },
  status: 'completed',
  startedAt: '2026-11-23T10:00:00.100Z',
  durationMs: 1234,
  policies: { total: targets.length, inShard: targets.length, issues: [] },
  totals: EMPTY_TOTALS,
  targets,
  skipped: [],
  events: { published: 0, failed: 0 },
});

describe('buildEvents', () => {
  it('publishes a tick summary, each provisioned change and each failed target', () => {
    const change = {
      action: 'put-provisioned' as const,
      key: 'pc:live',
      function: 'pc',
      qualifier: 'live',
      from: '2',
      to: '3',
      reason: 'min is 3',
    };
    const entries = buildEvents(
      report([
        target('ok'),
        target('pc', { provisioned: { changes: [change, { ...change, error: { name: 'X', message: 'y' } }] } }),
        target('bad', { status: 'failed', failure: { kind: 'function-missing', message: 'gone' } }),
      ]),
      'my-bus',
    );
    expect(entries.map((entry) => entry.DetailType)).toEqual([
      DETAIL_TYPE.TickSummary,
      DETAIL_TYPE.ProvisionedChanged,
      DETAIL_TYPE.TargetFailed,
    ]);
    expect(entries.every((entry) => entry.EventBusName === 'my-bus' && entry.Source === 'thermostat')).toBe(true);
    expect(JSON.parse(entries[2].Detail!)).toMatchObject({
      runId: 'run-1',
      tickId: '2026-11-23T10:00:00Z',
      target: 'bad:live',
      failure: { kind: 'function-missing', message: 'gone' },
    });
  });
});

describe('publishEvents', () => {
  it('sends at most 10 entries per call and counts partial failures', async () => {
    const calls: PutEventsRequest[] = [];
    const api = {
      putEvents: async (input: PutEventsRequest) => {
        calls.push(input);
        const failed = calls.length === 2 ? 1 : 0;
        return {
          FailedEntryCount: failed,
          Entries: input.Entries!.map((_, i) =>
            i === 0 && failed ? { ErrorCode: 'Throttling', ErrorMessage: 'slow down' } : { EventId: 'e' },
          ),
        };
      },
    };
    const log = new MemoryLog();
    const entries = Array.from({ length: 23 }, (_, i) => ({
      Source: 'thermostat',
      DetailType: 'x',
      Detail: `{"i":${i}}`,
    }));
    expect(await publishEvents(api, entries, log)).toEqual({ published: 22, failed: 1 });
    expect(calls.map((call) => call.Entries!.length)).toEqual([10, 10, 3]);
    expect(log.lines).toEqual([
      expect.objectContaining({ level: 'warn', attributes: expect.objectContaining({ errorCode: 'Throttling' }) }),
    ]);
  });

  it('never throws when EventBridge is unreachable', async () => {
    const log = new MemoryLog();
    const api = { putEvents: () => Promise.reject(new Error('connect ECONNREFUSED')) };
    const entries = Array.from({ length: 12 }, () => ({ Source: 's', DetailType: 'd', Detail: '{}' }));
    expect(await publishEvents(api, entries, log)).toEqual({ published: 0, failed: 12 });
    expect(log.lines).toHaveLength(2);
  });
});
