import { zeroOutcomes } from '../../../controller/ping/outcome';
import { logTargets, MemoryLog, tickDone, WARMED_PER_LINE } from '../../../controller/report/log';
import { type RunReport, type TargetReport, totalsOf } from '../../../controller/report/report';
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

  it('names each in the compact summary the `tick done` line carries, its full line at debug', () => {
    const report = {
      tickId: '2026-11-23T10:00:00Z',
      targets: [routine('a'), routine('b', { wanted: 2, proven: 2, pingsSent: 3, cold: 0 })],
      skipped: [],
    } as unknown as RunReport;
    const log = new MemoryLog();
    const warmed = logTargets(log, report);
    expect(warmed).toEqual({ 'a:live': 'proven 1/1, cold 1, pings 1', 'b:live': 'proven 2/2, cold 0, pings 3' });
    expect(log.lines.filter((line) => line.level === 'info')).toEqual([]);
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

  it(`keeps ${WARMED_PER_LINE} for the tick's summary and puts the rest in \`targets warmed\` lines of as many`, () => {
    const targets = Array.from({ length: 2 * WARMED_PER_LINE + 1 }, (_, index) => routine(`t${index}`));
    const log = new MemoryLog();
    const warmed = logTargets(log, { tickId: 'x', targets, skipped: [] } as unknown as RunReport);
    expect(Object.keys(warmed)).toHaveLength(WARMED_PER_LINE);
    const lines = log.lines.filter((line) => line.message === 'targets warmed');
    expect(lines.map((line) => Object.keys(line.attributes?.warmed as object).length)).toEqual([WARMED_PER_LINE, 1]);
    const named = [...Object.keys(warmed), ...lines.flatMap((line) => Object.keys(line.attributes?.warmed as object))];
    expect(new Set(named).size).toBe(targets.length);
  });
});

describe('the `tick done` line', () => {
  const report = (overrides: Partial<RunReport>): RunReport =>
    ({
      tickId: '2026-11-23T10:00:00Z',
      status: 'completed',
      shard: { index: 0, of: 1 },
      durationMs: 42,
      totals: totalsOf([]),
      targets: [],
      skipped: [],
      events: { published: 0, failed: 0 },
      ...overrides,
    }) as RunReport;

  it('says only what is not zero, every tick: its status, duration, the counts that happened and the routine rounds', () => {
    const outcomes = { ...zeroOutcomes(), ok: 1 };
    const pinged = target('a', { decisions: [{ kind: 'ping', reason: 'x' }], warm: { ...warm(1), cold: 1, outcomes } });
    const line = tickDone(report({ totals: totalsOf([pinged]) }), { 'a:live': 'proven 1/1, cold 1, pings 1' });
    expect(line).toEqual({
      tickId: '2026-11-23T10:00:00Z',
      status: 'completed',
      durationMs: 42,
      totals: {
        targets: 1,
        pinged: 1,
        pingsSent: 1,
        environmentsProven: 1,
        coldEnvironments: 1,
        byOutcome: { ok: 1 },
      },
      warmed: { 'a:live': 'proven 1/1, cold 1, pings 1' },
    });
    expect(tickDone(report({}), {})).toEqual({
      tickId: '2026-11-23T10:00:00Z',
      status: 'completed',
      durationMs: 42,
      totals: {},
    });
  });

  it('names the shard, the skipped targets and the events when there are any', () => {
    const line = tickDone(
      report({
        status: 'partial',
        shard: { index: 1, of: 3 },
        skipped: [{ key: 'b:live', cause: 'time-budget', reason: 'not started' }],
        events: { published: 2, failed: 1 },
      }),
      {},
    );
    expect(line).toMatchObject({
      status: 'partial',
      shard: { index: 1, of: 3 },
      skipped: 1,
      events: { published: 2, failed: 1 },
    });
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
