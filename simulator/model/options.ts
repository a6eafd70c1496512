import { ONE_VCPU_MB, PING_CPU_MS } from '../../controller/contract';
import { PLATFORM_LOG_BYTES, PRICES, type PriceBook } from '../../controller/cost';
import type { Spread } from './spread';

export { ONE_VCPU_MB, PING_CPU_MS };

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
  /**
   * Network timings of a warm-up ping (one way, jitter), in ms. The caller's own time per request is CPU-bound and
   * each strategy gives it for its caller's memory (handlerCpuMs).
   */
  readonly network: { readonly oneWayMs: number; readonly jitterMs: number };
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
 * Memory that INIT's CPU-bound time is given for: at `m` MB it takes CPU_REFERENCE_MB / m times as long (same
 * GB-seconds). INIT keeps this convention rather than the handler's documented share (handlerCpuMs): AWS does not
 * say how much CPU the INIT phase gets, and third-party measurements find it faster than the memory share below 3 GB.
 */
export const CPU_REFERENCE_MB = 512;

/** INIT of a controller or warmer at CPU_REFERENCE_MB: `benchmarks/init.ts` measures both loading in about 140 ms. */
export const INIT_AT_REFERENCE_MS = 150;

/**
 * How long a handler takes at `memoryMb` for work that needs `cpuMs` of CPU time on one vCPU (this machine's core,
 * where `benchmarks/init.ts` measures it): the documented share, and no faster than one vCPU above it (a Node
 * handler computes on one thread).
 */
export function handlerCpuMs(cpuMs: number, memoryMb: number): number {
  return cpuMs * Math.max(1, ONE_VCPU_MB / memoryMb);
}

/**
 * CPU time (one vCPU) of the controller's and of serverless-plugin-warmup's warmer's invocations, as
 * `benchmarks/init.ts` measures them in the emulator's process environments (all threads: garbage collection and
 * compilation count, as Lambda's CPU share counts them), as the mean of an environment's first warm invocations (an
 * hour of five-minute ticks: the second costs more, code still being compiled; hours later both take less).
 * A test keeps each constant within what the committed benchmark run measured (BENCHMARKS.md section 2), in the
 * simulator's scale: the bench machine's times multiplied so that one Invoke by a client doing nothing else takes
 * PING_CPU_MS (benchmarks/init.ts cpuScale), since machines differ in speed and none is Lambda's vCPU. One run
 * differs from the next by up to a half with this shared machine's load and the scale's own noise (the plugin's warmer's
 * invocation 4.0–4.7, 2.9–3.2 and 5.4–6.3 ms in three runs of December 2026; the controller's 11.5–14, 9.2–10.5 and
 * 17–22 ms): the constants sit where each run's range, give or take a quarter, holds them. The controller's invocation took
 * 22–27 ms until a tick's single-item reads went out as one request and the unread last-tick marker was dropped (9
 * SDK calls a steady one-target tick, then 6): about 21 ms; 10–17 ms since a tick whose ping ledger changed completes
 * with its write (5 calls).
 *
 * - `*_INVOCATION_CPU_MS`: an invocation's own work with one target (Thermostat: claiming the tick, reading its
 *   state, planning, saving, reporting; the plugin's warmer: little beyond its one call).
 * - `PING_CPU_MS` (the controller's contract): each ping, one Invoke sent and answered through the SDK, for every
 *   warmer alike; the caller's pace, so its requests leave one after another.
 * - `CONTROLLER_PINGED_TARGET_CPU_MS`: each further target the controller pings, its ping included: reading its
 *   proof, saving its state, its part of the report.
 * - `*_FIRST_CALL_CPU_MS`: what an invocation that starts cold takes beyond the same invocation warm, past INIT (its
 *   SDK clients' first requests, code run for the first time, and for Thermostat the reads a warm environment keeps
 *   cached). It grows with the work: Thermostat's is about 50 ms with one target, 100 ms with ten, and 300–400 ms
 *   with fifty whose facts no item holds (their GetFunction calls again); 100 ms takes the ticks of a sparse account,
 *   which ping a few targets each (medians over all sizes: 91, 98 and 97 ms).
 */
export const CONTROLLER_INVOCATION_CPU_MS = 13;
/** In the simulator's scale, 2.4 and 2.5 ms the last two runs (the first, on a slower machine, 2.2 ms as measured). */
export const CONTROLLER_PINGED_TARGET_CPU_MS = 2.4;
export const CONTROLLER_FIRST_CALL_CPU_MS = 100;
export const WARMER_INVOCATION_CPU_MS = 3.95;
export const WARMER_PING_CPU_MS = PING_CPU_MS;
export const WARMER_FIRST_CALL_CPU_MS = 35;

/**
 * The constants above per warmer, by the names `benchmarks/init.ts` measures them under: what BENCHMARKS.md shows
 * beside the measurements and what the test holds them to.
 */
export const BILLED_CPU_MS = {
  thermostat: {
    invocation: CONTROLLER_INVOCATION_CPU_MS,
    perTarget: CONTROLLER_PINGED_TARGET_CPU_MS,
    firstCall: CONTROLLER_FIRST_CALL_CPU_MS,
  },
  'serverless-plugin-warmup': {
    invocation: WARMER_INVOCATION_CPU_MS,
    perTarget: WARMER_PING_CPU_MS,
    firstCall: WARMER_FIRST_CALL_CPU_MS,
  },
} as const;

/**
 * Bytes warming writes to CloudWatch Logs, as `benchmarks/init.ts` counts them in the emulator (each line's UTF-8
 * bytes and its newline, as CloudWatch Logs ingests them): a test keeps each constant within what the committed
 * benchmark run measured (BENCHMARKS.md section 2). Log ingestion is billed per byte (LOG_INGESTION_PER_GB), and
 * serverless-plugin-warmup's users asked for a way to turn its warmer's logs off for what they cost (its issue #299).
 *
 * - `PING_LOG_BYTES`: what one ping writes in its target's log group: Lambda's START, END and REPORT lines of the
 *   invocation (the target helper prints nothing on a ping). The same for every warmer's pings: the plugin's and
 *   lambda-warmer's targets would add their own lines (the plugin's README has the handler print one; lambda-warmer
 *   logs a record per ping by default), which the simulator leaves out, to their advantage.
 * - `*_INVOCATION_LOG_BYTES`: an invocation of the controller or the plugin's warmer, beyond its targets' lines (its
 *   platform lines; Thermostat's run-summary and metrics lines, the plugin's start and finish lines).
 * - `*_TARGET_LOG_BYTES`: each target it pings (Thermostat's entry in the `warmed` summary of its `tick done` line; the plugin's
 *   `Warming up function` and `Warm Up Invoke Success` lines, verbose being its default).
 */
export const PING_LOG_BYTES = PLATFORM_LOG_BYTES;
export const CONTROLLER_INVOCATION_LOG_BYTES = 994;
export const CONTROLLER_TARGET_LOG_BYTES = 39;
export const WARMER_INVOCATION_LOG_BYTES = 449;
export const WARMER_TARGET_LOG_BYTES = 213;

/** The log constants above per warmer, by the names `benchmarks/init.ts` measures them under. */
export const BILLED_LOG_BYTES = {
  thermostat: { invocation: CONTROLLER_INVOCATION_LOG_BYTES, perTarget: CONTROLLER_TARGET_LOG_BYTES },
  'serverless-plugin-warmup': { invocation: WARMER_INVOCATION_LOG_BYTES, perTarget: WARMER_TARGET_LOG_BYTES },
} as const;

/**
 * The controller's CPU time per target it plans but does not ping (reading its policy and state, planning it): not
 * in the benchmark (every target there is pinged); a probe of 100 such targets measured about 0.1 ms each on the
 * main thread, doubled here for the other threads.
 */
export const CONTROLLER_TARGET_CPU_MS = 0.2;

/** A CPU-bound INIT time given for CPU_REFERENCE_MB, at `memoryMb`. */
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
  network: { oneWayMs: 10, jitterMs: 5 },
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
