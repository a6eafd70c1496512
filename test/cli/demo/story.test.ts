import { compressionFactor } from '../../../cli/demo/compression';
import type { Copy, DemoSettings } from '../../../cli/demo/record';
import { playStory, type StoryWorld } from '../../../cli/demo/story';
import type { Arrival } from '../../../cli/demo/traffic';

const settings: DemoSettings = {
  durationMs: 10_000,
  factor: compressionFactor(10_000),
  tickMs: 1000,
  idleReclaimMs: 2000,
  storyStart: '2025-11-25T00:00:00.000Z',
};

/** A world on jest's fake timers: invocations take 20 ms, ticks 100 ms (the one at 5 s takes 2.5 s). */
function fakeWorld() {
  const sent: Array<{ fn: string; copy: Copy; at: number }> = [];
  let concurrentTicks = 0;
  let maxConcurrentTicks = 0;
  const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const world: StoryWorld = {
    now: () => Date.now(),
    sleep: wait,
    async invoke(fn, copy) {
      sent.push({ fn, copy, at: Date.now() });
      await wait(20);
      if (fn === 'broken') throw new Error('boom');
      return { cold: copy === 'unmanaged', addedMs: copy === 'unmanaged' ? 150 : 0, ok: true };
    },
    async tick(atMs) {
      concurrentTicks++;
      maxConcurrentTicks = Math.max(maxConcurrentTicks, concurrentTicks);
      await wait(atMs === 5000 ? 2500 : 100);
      concurrentTicks--;
      return { pings: { api: 2 }, pingCostUsd: { api: 1e-6 }, failures: [] };
    },
    async snapshot() {
      return { environments: { api: { managed: 2, unmanaged: 1 } }, provisioned: { api: 0 } };
    },
  };
  return { world, sent, maxTicks: () => maxConcurrentTicks };
}

describe('playing the story', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('sends each arrival to both copies at once, ticks on schedule and snapshots the emulator', async () => {
    const fake = fakeWorld();
    const arrivals: Arrival[] = [
      { atMs: 100, fn: 'api', count: 1, phase: 'night' },
      { atMs: 4000, fn: 'api', count: 3, phase: 'burst' },
      { atMs: 9990, fn: 'broken', count: 1, phase: 'night' },
    ];
    const frames: number[] = [];
    const play = playStory(fake.world, {
      settings,
      functions: ['api', 'broken'],
      arrivals,
      onFrame: (_, atMs) => frames.push(atMs),
    });
    await jest.advanceTimersByTimeAsync(settings.durationMs + 5000);
    const record = await play;

    expect(fake.sent.filter((s) => s.fn === 'api' && s.copy === 'managed')).toHaveLength(4);
    expect(fake.sent.filter((s) => s.fn === 'api' && s.copy === 'unmanaged')).toHaveLength(4);
    const burst = fake.sent.filter((s) => s.fn === 'api').slice(2);
    expect(new Set(burst.map((s) => s.at)).size).toBe(1);

    expect(record.samples).toHaveLength(10);
    expect(record.samples.filter((s) => s.fn === 'broken').every((s) => !s.ok)).toBe(true);
    expect(record.samples.filter((s) => s.copy === 'unmanaged' && s.ok).every((s) => s.cold)).toBe(true);
    expect(record.samples.find((s) => s.fn === 'api')!.latencyMs).toBe(20);

    // One tick before the day, then one per second, except that the slow tick at 5 s swallows the next two.
    expect(record.ticks.map((t) => t.atMs)).toEqual([0, 1000, 2000, 3000, 4000, 5000, 8000, 9000]);
    expect(fake.maxTicks()).toBe(1);
    expect(record.snapshots.length).toBeGreaterThanOrEqual(18);
    expect(record.snapshots.at(-1)!.atMs).toBe(settings.durationMs);
    expect(frames.length).toBeGreaterThanOrEqual(35);
  });
});
