/** What the demo measures as it runs; the live table, the summary and the HTML report all read this. */

export type Copy = 'managed' | 'unmanaged';
export const COPIES: readonly Copy[] = ['managed', 'unmanaged'];

/** One real (non-ping) request the demo sent to one copy of a function. */
export interface RequestSample {
  readonly fn: string;
  readonly copy: Copy;
  /** Real milliseconds from the start of the story day. */
  readonly atMs: number;
  /** The request started a new execution environment. */
  readonly cold: boolean;
  /** Latency the cold start added (the environment's init duration); 0 when warm. */
  readonly addedMs: number;
  /** Client-side round trip. */
  readonly latencyMs: number;
  /** False when the invocation failed (throttle, function error); such requests count neither warm nor cold. */
  readonly ok: boolean;
}

/** One controller tick on the managed copies. */
export interface TickRecord {
  readonly atMs: number;
  /** Warm-up pings sent this tick, per function. */
  readonly pings: Readonly<Record<string, number>>;
  /** Estimated cost of those pings in USD, per function. */
  readonly pingCostUsd: Readonly<Record<string, number>>;
  /** Targets whose step failed this tick, with the reason (the tick itself carries on). */
  readonly failures: readonly string[];
}

/** What the emulator holds at an instant. */
export interface Snapshot {
  readonly atMs: number;
  /** Live execution environments per function and copy. */
  readonly environments: Readonly<Record<string, Readonly<Record<Copy, number>>>>;
  /** Provisioned concurrency per function (managed copy). */
  readonly provisioned: Readonly<Record<string, number>>;
}

export interface DemoSettings {
  /** Real milliseconds the story day lasts. */
  readonly durationMs: number;
  /** Story milliseconds per real millisecond. */
  readonly factor: number;
  /** Real milliseconds between controller ticks. */
  readonly tickMs: number;
  /** Real milliseconds after which the emulator reclaims an idle environment. */
  readonly idleReclaimMs: number;
  /** Story instant at real offset 0 (ISO, UTC). */
  readonly storyStart: string;
}

export interface DemoRecord {
  readonly settings: DemoSettings;
  /** The demo functions, in display order. */
  readonly functions: readonly string[];
  readonly samples: readonly RequestSample[];
  readonly ticks: readonly TickRecord[];
  readonly snapshots: readonly Snapshot[];
}
