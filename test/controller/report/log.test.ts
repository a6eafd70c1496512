import { logTargets, MemoryLog } from '../../../controller/report/log';
import type { RunReport, TargetReport } from '../../../controller/report/report';

const target = (name: string, extra: Partial<TargetReport> = {}): TargetReport => ({
  key: `${name}:live`,
  function: name,
  qualifier: 'live',
  target: `${name}:live`,
  mode: 'warm',
  window: undefined,
  status: 'ok',
  decisions: [],
  ...extra,
});

const warm = (pingsSent: number, shortfall = 0) =>
  ({
    wanted: 1,
    proof: true,
    proven: pingsSent > 0 ? 1 - shortfall : 0,
    answered: pingsSent,
    cold: 0,
    shortfall,
    pingsSent,
    rounds: pingsSent > 0 ? 1 : 0,
    failures: 0,
    outcomes: {},
    stoppedBy: 'proven',
    messages: [],
    environments: [],
  }) as unknown as NonNullable<TargetReport['warm']>;

describe('logTargets', () => {
  it('logs what a target did at info, a target that only waited for its next ping at debug', () => {
    const report = {
      tickId: '2026-11-23T10:00:00Z',
      targets: [
        target('pinged', { warm: warm(2) }),
        target('short', { warm: warm(1, 1) }),
        target('resized', { mode: 'provisioned', provisioned: { changes: [{}] as never, requested: 2, allocated: 2 } }),
        target('steady', { mode: 'provisioned', provisioned: { changes: [], requested: 2, allocated: 2 } }),
        target('waiting'),
        target('broken', { status: 'failed', failure: { kind: 'invoke', message: 'boom' } }),
      ],
      skipped: [{ key: 'late:live', reason: 'time budget exhausted' }],
    } as unknown as RunReport;
    const log = new MemoryLog();
    logTargets(log, report);
    const byTarget = Object.fromEntries(
      log.lines.map((line) => [String(line.attributes?.target ?? line.attributes?.key), [line.level, line.message]]),
    );
    expect(byTarget).toEqual({
      'pinged:live': ['info', 'target done'],
      'short:live': ['info', 'target done'],
      'resized:live': ['info', 'target done'],
      'steady:live': ['debug', 'target waited'],
      'waiting:live': ['debug', 'target waited'],
      'broken:live': ['warn', 'target failed'],
      'late:live': ['warn', 'target skipped'],
    });
  });
});
