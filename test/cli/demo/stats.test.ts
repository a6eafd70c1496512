import type { DemoRecord, RequestSample } from '../../../cli/demo/record';
import { bucketed, overallWarmRatio, percentile, summarise, warmRatio } from '../../../cli/demo/stats';

const sample = (over: Partial<RequestSample>): RequestSample => ({
  fn: 'api',
  copy: 'managed',
  atMs: 0,
  cold: false,
  addedMs: 0,
  latencyMs: 10,
  ok: true,
  ...over,
});

function record(samples: RequestSample[]): DemoRecord {
  return {
    settings: { durationMs: 1000, factor: 86_400, tickMs: 100, idleReclaimMs: 300, storyStart: '2025-11-25T00:00:00Z' },
    functions: ['api', 'worker'],
    samples,
    ticks: [
      { atMs: 0, pings: { api: 3 }, pingCostUsd: { api: 0.001 }, failures: [] },
      { atMs: 100, pings: { api: 2, worker: 1 }, pingCostUsd: { api: 0.0005, worker: 0.0002 }, failures: [] },
    ],
    snapshots: [],
  };
}

describe('demo statistics', () => {
  it('computes nearest-rank percentiles', () => {
    expect(percentile([], 50)).toBe(0);
    expect(percentile([5], 99)).toBe(5);
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([0, 0, 0, 0, 300], 50)).toBe(0);
  });

  it('counts warm requests over successful ones, ignoring failures', () => {
    expect(warmRatio([])).toBeNull();
    expect(warmRatio([sample({}), sample({ cold: true }), sample({ ok: false })])).toBe(0.5);
    expect(warmRatio([sample({ ok: false })])).toBeNull();
  });

  it('summarises each function and copy, with pings only on the managed copy', () => {
    const samples = [
      ...Array.from({ length: 98 }, () => sample({})),
      sample({ cold: true, addedMs: 200 }),
      sample({ cold: true, addedMs: 400 }),
      ...Array.from({ length: 6 }, () => sample({ copy: 'unmanaged' })),
      ...Array.from({ length: 4 }, (_, i) => sample({ copy: 'unmanaged', cold: true, addedMs: 100 * (i + 1) })),
      sample({ copy: 'unmanaged', ok: false }),
    ];
    const rows = summarise(record(samples));
    expect(rows.map((r) => `${r.fn}/${r.copy}`)).toEqual([
      'api/managed',
      'api/unmanaged',
      'worker/managed',
      'worker/unmanaged',
    ]);
    const [managed, unmanaged, worker] = rows;
    expect(managed).toMatchObject({ requests: 100, coldStarts: 2, warmRatio: 0.98, p50AddedMs: 0, p99AddedMs: 200 });
    expect(managed!.pings).toBe(5);
    expect(managed!.pingCostUsd).toBeCloseTo(0.0015);
    expect(unmanaged).toMatchObject({ requests: 11, errors: 1, coldStarts: 4, warmRatio: 0.6, pings: 0 });
    expect(unmanaged!.p50AddedMs).toBe(0);
    expect(unmanaged!.p99AddedMs).toBe(400);
    expect(worker).toMatchObject({ requests: 0, warmRatio: null, pings: 1 });
  });

  it('gives the overall warm ratio per copy', () => {
    const r = record([sample({}), sample({ copy: 'unmanaged', cold: true }), sample({ copy: 'unmanaged' })]);
    expect(overallWarmRatio(r, 'managed')).toBe(1);
    expect(overallWarmRatio(r, 'unmanaged')).toBe(0.5);
  });

  it('buckets samples by time over the day', () => {
    const r = record([sample({ atMs: 10 }), sample({ atMs: 260, cold: true }), sample({ atMs: 999 })]);
    expect(
      bucketed(
        r,
        4,
        (s) => s.length,
        () => true,
      ),
    ).toEqual([1, 1, 0, 1]);
    expect(bucketed(r, 4, warmRatio, () => true)).toEqual([1, 0, null, 1]);
  });
});
