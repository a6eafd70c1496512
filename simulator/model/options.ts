import { PRICES, type PriceBook } from '../../controller/cost';
import type { Spread } from './spread';

/**
 * The Lambda behaviour the simulator assumes. Every number is a parameter because AWS publishes few of them;
 * the defaults and their sources are listed in the simulator's README section.
 */
export interface ModelOptions {
  /** Idle time after which an on-demand environment is reclaimed. @default 5m–15m uniform, drawn per idle period */
  readonly idleReclaim: Spread;
  /** Age at which an environment is retired even when busy (after its current request). @default 2h–4h uniform */
  readonly maxLifetime: Spread;
  /**
   * Share of environments retired at their maximum lifetime while busy (used within the last minute) that Lambda
   * replaces ahead of time (proactive initialisation): the replacement is ready when the old one retires, its INIT
   * billed, nobody waiting. AWS documents the behaviour without numbers; Stuyvenberg (2023) measured 50–75 % of
   * inits proactive at high steady traffic and almost none at low throughput. @default 0.5
   */
  readonly proactiveReplacement: number;
  /** User-visible latency a cold start adds, per function (by trace function id) or for all. @default 250 */
  readonly coldStartMs: number | ((functionId: string) => number);
  /** INIT duration billed per new environment. @default the cold-start latency */
  readonly billedInitMs?: number;
  /** New environments per function: a bucket of `burst` refilled at `perSecond` (1,000 per 10 s). */
  readonly scaling: { readonly burst: number; readonly perSecond: number };
  /** Account concurrency (provisioned concurrency configured anywhere counts against it). @default 1000 */
  readonly accountConcurrency: number;
  /** Reserved concurrency of every function, if any. @default none */
  readonly reservedConcurrency?: number;
  /** Time from a provisioned-concurrency increase to its environments being usable. @default 90 s + 1 min per 6,000 */
  readonly provisionedPrepMs: number;
  readonly provisionedPerMinute: number;
  /** Requests per second a provisioned environment may take before requests spill over. @default 10 */
  readonly provisionedRpsPerUnit: number;
  /** Network and SDK timings of a warm-up ping (one way, jitter, per-call client time), in ms. */
  readonly network: { readonly oneWayMs: number; readonly jitterMs: number; readonly dispatchMs: number };
  /** How long a ping handler runs when it does not hold, in ms. @default 1 */
  readonly pingHandlerMs: number;
  /** Memory of functions whose trace has none and whose policy gives no auto.memoryMb. @default 128 */
  readonly defaultMemoryMb: number;
  /**
   * When a scheduled invocation (a warmer's or the controller's schedule) starts within its minute: EventBridge
   * invokes scheduled targets with 60-second precision, not at second 0. Drawn once per schedule, which then keeps
   * its phase. Without it every schedule fires in lockstep with the trace's own timer-triggered functions, whose
   * requests start at second 0 too. @default 0–60 s uniform
   */
  readonly schedulePhase: Spread;
  /** Time-series resolution. @default 60 s */
  readonly sampleMs: number;
  readonly prices: PriceBook;
  readonly seed: number;
}

/**
 * Memory that the CPU-bound times of controllers and warmers (their per-tick work, their INIT) are given for: Lambda
 * gives CPU in proportion to memory, so at `m` MB each takes CPU_REFERENCE_MB / m times as long (same GB-seconds).
 */
export const CPU_REFERENCE_MB = 512;

/** INIT of a controller or warmer at CPU_REFERENCE_MB: `benchmarks/init.ts` measures both loading in about 140 ms. */
export const INIT_AT_REFERENCE_MS = 150;

/**
 * What an invocation that starts cold takes beyond the same invocation warm, past its INIT, at CPU_REFERENCE_MB: its
 * SDK clients' first requests (loading their request pipeline, first connections) and the reads a warm environment
 * keeps cached. `benchmarks/init.ts` measures each one warm and then starting cold again with the state the first
 * left (BENCHMARKS.md section 2). For the controller it varies a lot from one cold start to the next (about 30–310 ms
 * over the runs so far, medians of 80 to 240 ms from one run to the next): 120 ms takes the higher side of the usual,
 * as the cost of a tick is Thermostat's own. For serverless-plugin-warmup's warmer, whose one client is built while its module loads, about
 * 25 ms. A test keeps both within what the last benchmark run measured.
 */
export const CONTROLLER_FIRST_CALL_AT_REFERENCE_MS = 120;
export const WARMER_FIRST_CALL_AT_REFERENCE_MS = 25;

/** A CPU-bound time given for CPU_REFERENCE_MB, at `memoryMb`. */
export function cpuBoundMs(msAtReference: number, memoryMb: number): number {
  return (msAtReference * CPU_REFERENCE_MB) / memoryMb;
}

export const DEFAULT_MODEL: ModelOptions = {
  idleReclaim: { kind: 'uniform', minMs: 5 * 60_000, maxMs: 15 * 60_000 },
  maxLifetime: { kind: 'uniform', minMs: 2 * 3_600_000, maxMs: 4 * 3_600_000 },
  proactiveReplacement: 0.5,
  coldStartMs: 250,
  scaling: { burst: 1000, perSecond: 100 },
  accountConcurrency: 1000,
  provisionedPrepMs: 90_000,
  provisionedPerMinute: 6000,
  provisionedRpsPerUnit: 10,
  network: { oneWayMs: 10, jitterMs: 5, dispatchMs: 0.55 },
  pingHandlerMs: 1,
  schedulePhase: { kind: 'uniform', minMs: 0, maxMs: 60_000 },
  defaultMemoryMb: 128,
  sampleMs: 60_000,
  prices: PRICES,
  seed: 1,
};

export function modelOptions(overrides: Partial<ModelOptions> = {}): ModelOptions {
  return { ...DEFAULT_MODEL, ...overrides };
}
