import type { Copy, DemoRecord, DemoSettings, RequestSample, Snapshot, TickRecord } from './record';
import { COPIES } from './record';
import type { Arrival } from './traffic';

/** How one real request went, as the world reports it. */
export interface InvokeOutcome {
  readonly cold: boolean;
  readonly addedMs: number;
  readonly ok: boolean;
}

export type TickOutcome = Omit<TickRecord, 'atMs'>;
export type SnapshotOutcome = Omit<Snapshot, 'atMs'>;

/** What the story needs from the world it plays in: the emulator, the controller and a clock. */
export interface StoryWorld {
  /** Real epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
  invoke(fn: string, copy: Copy): Promise<InvokeOutcome>;
  /** One controller tick at a real offset into the story. */
  tick(atMs: number): Promise<TickOutcome>;
  snapshot(): Promise<SnapshotOutcome>;
}

export interface StoryOptions {
  readonly settings: DemoSettings;
  readonly functions: readonly string[];
  readonly arrivals: readonly Arrival[];
  /** Real milliseconds between snapshots of the emulator. @default 500 */
  readonly snapshotEveryMs?: number;
  /** Real milliseconds between live frames. @default 250 */
  readonly frameEveryMs?: number;
  /** Ends the day early (Ctrl-C): requests in flight finish and the record covers the day so far. */
  readonly signal?: AbortSignal;
  /** Called with the record so far, at most every `frameEveryMs`. */
  readonly onFrame?: (record: DemoRecord, atMs: number, latest: Snapshot | undefined) => void;
}

/**
 * Plays one story day in real time: sends every arrival to both copies at the same instant, runs a controller tick
 * every `tickMs` (never two at once: a slot that comes while a slow tick still runs is skipped), and
 * snapshots the emulator. The controller ticks once before the day starts, as it would have been running already.
 */
export async function playStory(world: StoryWorld, options: StoryOptions): Promise<DemoRecord> {
  const { settings, functions, arrivals } = options;
  const snapshotEvery = options.snapshotEveryMs ?? 500;
  const frameEvery = options.frameEveryMs ?? 250;
  const samples: RequestSample[] = [];
  const ticks: TickRecord[] = [];
  const snapshots: Snapshot[] = [];
  const record: DemoRecord = { settings, functions, samples, ticks, snapshots };
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(promise: Promise<T>) => {
    inFlight.add(promise);
    promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  };

  ticks.push({ atMs: 0, ...(await world.tick(0)) });
  const start = world.now();
  const elapsed = () => world.now() - start;

  let tickRunning: Promise<unknown> | undefined;
  let snapshotRunning: Promise<unknown> | undefined;
  let nextArrival = 0;
  let nextTick = settings.tickMs;
  let nextSnapshot = 0;
  let nextFrame = 0;

  const send = (arrival: Arrival) => {
    for (const copy of COPIES) {
      for (let i = 0; i < arrival.count; i++) {
        const sentAt = world.now();
        track(
          world.invoke(arrival.fn, copy).then(
            (outcome) => outcome,
            (): InvokeOutcome => ({ cold: false, addedMs: 0, ok: false }),
          ),
        ).then((outcome) => {
          samples.push({ fn: arrival.fn, copy, atMs: arrival.atMs, latencyMs: world.now() - sentAt, ...outcome });
        });
      }
    }
  };

  const snapshot = () => {
    const atMs = Math.min(elapsed(), settings.durationMs);
    snapshotRunning = track(
      world.snapshot().then(
        (s) => {
          snapshots.push({ atMs, ...s });
        },
        () => undefined,
      ),
    ).finally(() => {
      snapshotRunning = undefined;
    });
  };

  for (;;) {
    const now = elapsed();
    if (now >= settings.durationMs || options.signal?.aborted) break;
    while (nextArrival < arrivals.length && arrivals[nextArrival]!.atMs <= now) send(arrivals[nextArrival++]!);
    if (now >= nextTick) {
      // A slot that comes while the previous tick still runs is skipped, not queued.
      if (!tickRunning) {
        const atMs = now;
        tickRunning = track(
          world.tick(atMs).then(
            (outcome) => {
              ticks.push({ atMs, ...outcome });
            },
            (error: Error) => {
              ticks.push({ atMs, pings: {}, pingCostUsd: {}, failures: [`tick failed: ${error.message}`] });
            },
          ),
        ).finally(() => {
          tickRunning = undefined;
        });
      }
      nextTick += settings.tickMs * Math.max(1, Math.ceil((now - nextTick + 1) / settings.tickMs));
    }
    if (now >= nextSnapshot && !snapshotRunning) {
      snapshot();
      nextSnapshot = now + snapshotEvery;
    }
    if (now >= nextFrame) {
      options.onFrame?.(record, now, snapshots.at(-1));
      nextFrame = now + frameEvery;
    }
    const upcoming = Math.min(
      nextArrival < arrivals.length ? arrivals[nextArrival]!.atMs : Number.POSITIVE_INFINITY,
      nextTick,
      nextSnapshot,
      nextFrame,
      settings.durationMs,
    );
    await world.sleep(Math.max(1, upcoming - elapsed()));
  }
  // Requests still in flight belong to the day; let them finish (and the last tick) before the final snapshot.
  while (inFlight.size > 0) await Promise.all([...inFlight]);
  snapshotRunning = undefined;
  snapshot();
  await snapshotRunning;
  ticks.sort((a, b) => a.atMs - b.atMs);
  samples.sort((a, b) => a.atMs - b.atMs);
  return record;
}
