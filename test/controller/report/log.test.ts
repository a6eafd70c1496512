import { logTargets, MemoryLog, WARMED_PER_LINE } from '../../../controller/report/log';
import type { RunReport, TargetReport } from '../../../controller/report/report';
import { targetReport } from '../../fixtures/controller/target-report';

const target = targetReport;

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

describe('routine rounds', () => {
  const routine = (name: string, extra: Partial<NonNullable<TargetReport['warm']>> = {}) =>
    target(name, {
      decisions: [{ kind: 'ping', reason: 'every 5 min' }],
      warm: { ...warm(1), cold: 1, ...extra } as NonNullable<TargetReport['warm']>,
    });

  it('names each in a compact `targets warmed` line at info, its full line at debug', () => {
    const report = {
      tickId: '2026-11-23T10:00:00Z',
      targets: [routine('a'), routine('b', { wanted: 2, proven: 2, pingsSent: 3, cold: 0 })],
      skipped: [],
    } as unknown as RunReport;
    const log = new MemoryLog();
    logTargets(log, report);
    const info = log.lines.filter((line) => line.level === 'info');
    expect(info).toEqual([
      {
        level: 'info',
        message: 'targets warmed',
        attributes: {
          tickId: '2026-11-23T10:00:00Z',
          warmed: { 'a:live': 'proven 1/1, cold 1, pings 1', 'b:live': 'proven 2/2, cold 0, pings 3' },
        },
      },
    ]);
    const debug = log.lines.filter((line) => line.level === 'debug');
    expect(debug.map((line) => [line.message, line.attributes?.target, line.attributes?.pingsSent])).toEqual([
      ['target done', 'a:live', 1],
      ['target done', 'b:live', 3],
    ]);
  });

  it('keeps a full info line for a round that needed more than one round, lost pings or fell short', () => {
    const report = {
      tickId: '2026-11-23T10:00:00Z',
      targets: [
        routine('rounds', { rounds: 2 }),
        routine('failures', { failures: 1 }),
        routine('short', { shortfall: 1, proven: 0, stoppedBy: 'budget' }),
        target('changed', {
          decisions: [{ kind: 'ping', reason: 'x' }],
          warm: warm(1),
          provisioned: { changes: [{}] as never },
        }),
      ],
      skipped: [],
    } as unknown as RunReport;
    const log = new MemoryLog();
    logTargets(log, report);
    expect(log.lines.map((line) => [line.level, line.message, line.attributes?.target])).toEqual([
      ['info', 'target done', 'rounds:live'],
      ['info', 'target done', 'failures:live'],
      ['info', 'target done', 'short:live'],
      ['info', 'target done', 'changed:live'],
    ]);
  });

  it(`splits the summary every ${WARMED_PER_LINE} targets`, () => {
    const targets = Array.from({ length: WARMED_PER_LINE + 1 }, (_, index) => routine(`t${index}`));
    const log = new MemoryLog();
    logTargets(log, { tickId: 'x', targets, skipped: [] } as unknown as RunReport);
    const lines = log.lines.filter((line) => line.message === 'targets warmed');
    expect(lines.map((line) => Object.keys(line.attributes?.warmed as object).length)).toEqual([WARMED_PER_LINE, 1]);
  });
});

describe("auto mode's forecast in the log", () => {
  it('goes with what the round saw, which a line without a forecast leaves out (bytes ingested for nothing)', () => {
    const seen = { since: 1, requests: 40, coldStarts: 2 };
    const forecast = { coldShare: 0.01, requestsPerMinute: 8 };
    const report = {
      tickId: '2026-11-23T10:00:00Z',
      targets: [
        target('auto', { mode: 'auto', forecast, warm: { ...warm(2, 1), seen } }),
        target('fixed', { warm: { ...warm(2, 1), seen } }),
      ],
      skipped: [],
    } as unknown as RunReport;
    const log = new MemoryLog();
    logTargets(log, report);
    const of = (name: string) => log.lines.find((line) => line.attributes?.target === `${name}:live`)!.attributes!;
    expect(of('auto')).toMatchObject({ forecast, seen });
    expect(of('fixed')).not.toHaveProperty('seen');
    expect(of('fixed')).not.toHaveProperty('forecast');
  });
});
