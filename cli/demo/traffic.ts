import { seededRandom } from './random';

/**
 * The demo's traffic model: one story day of requests (a quiet night, a business-hours ramp, a sudden burst,
 * an evening wind-down), generated once from a seed so both copies of a function receive identical requests.
 *
 * Rates are in requests per REAL second, not per story minute: whether an environment stays warm depends on the
 * real gap between requests compared with the emulator's (real-time) idle reclaim, so a shorter demo keeps the
 * same physics and only squeezes the story.
 */

/** What the story is doing: 'night', 'morning ramp', 'business hours', 'evening', or a burst's label. */
export type Phase = string;

export interface FunctionTraffic {
  /** The demo function the requests go to (both copies). */
  readonly name: string;
  /** Scales the rates and the burst size; 1 is the reference function. */
  readonly weight: number;
  /**
   * `business`: the day's shape (quiet night, ramp, peak). `steady`: the same low rate all day, like a webhook
   * called a few times an hour. `batch`: nothing but its bursts, like a nightly fan-out. @default 'business'
   */
  readonly profile?: 'business' | 'steady' | 'batch';
  /** Waves of simultaneous requests on top of the profile. */
  readonly burst?: Burst;
}

export interface Burst {
  /** Story hour (0–24) at which the burst starts. */
  readonly atHour: number;
  /** Waves of simultaneous requests. */
  readonly waves: number;
  /** Simultaneous requests per wave for a weight-1 function. */
  readonly size: number;
  /** Real milliseconds between waves. */
  readonly spacingMs: number;
  /** What the live table calls it. @default 'burst' */
  readonly label?: string;
}

export interface TrafficOptions {
  /** Real length of the story day in milliseconds. */
  readonly durationMs: number;
  readonly functions: readonly FunctionTraffic[];
  readonly seed?: number;
  /** Requests per real second at night, weight 1. @default 0.15 */
  readonly quietRate?: number;
  /** Requests per real second in business hours, weight 1. @default 2.5 */
  readonly peakRate?: number;
}

/** Requests that leave at the same instant: `count` of them, simultaneously, to each copy of `fn`. */
export interface Arrival {
  /** Real milliseconds from the start of the story day. */
  readonly atMs: number;
  readonly fn: string;
  readonly count: number;
  readonly phase: Phase;
}

export const DEFAULT_BURST: Burst = { atHour: 14, waves: 4, size: 8, spacingMs: 300 };
const DEFAULT_QUIET = 0.15;
const DEFAULT_PEAK = 2.5;

/** Smooth 0→1 step, so ramps have no corners a viewer would read as an artefact. */
function smoothstep(x: number): number {
  const t = Math.min(1, Math.max(0, x));
  return t * t * (3 - 2 * t);
}

/** Requests per real second at a story hour, for a weight-1 function (the burst is separate). */
export function requestRate(hour: number, quiet = DEFAULT_QUIET, peak = DEFAULT_PEAK): number {
  const h = ((hour % 24) + 24) % 24;
  if (h < 7 || h >= 20) return quiet;
  if (h < 9.5) return quiet + (peak - quiet) * smoothstep((h - 7) / 2.5);
  if (h < 17) return peak * (1 + 0.15 * Math.sin((Math.PI * (h - 9.5)) / 7.5));
  return quiet + (peak - quiet) * (1 - smoothstep((h - 17) / 3));
}

/** The burst's span in story hours, given how long the story day lasts in real time; at least a story minute. */
function burstSpanHours(burst: Burst, durationMs: number): number {
  return Math.max(1 / 60, (Math.max(1, burst.waves) * burst.spacingMs * 24) / durationMs);
}

/** What the story is doing at an hour: the label the live table shows. */
export function phaseAt(hour: number, durationMs: number, bursts: readonly Burst[] = []): Phase {
  for (const burst of bursts) {
    if (hour >= burst.atHour && hour < burst.atHour + burstSpanHours(burst, durationMs)) return burst.label ?? 'burst';
  }
  if (hour < 7) return 'night';
  if (hour < 9.5) return 'morning ramp';
  if (hour < 17) return 'business hours';
  return hour < 20 ? 'evening' : 'night';
}

/** Generates the day's arrivals, sorted by time: a Poisson process following `requestRate`, plus the burst. */
export function planArrivals(options: TrafficOptions): Arrival[] {
  const { durationMs, functions } = options;
  const quiet = options.quietRate ?? DEFAULT_QUIET;
  const peak = options.peakRate ?? DEFAULT_PEAK;
  const bursts = functions.flatMap((fn) => (fn.burst ? [fn.burst] : []));
  const random = seededRandom(options.seed ?? 20251125);
  const hourAt = (ms: number) => (ms / durationMs) * 24;
  const arrivals: Arrival[] = [];

  for (const { name, weight, profile = 'business', burst } of functions) {
    const steady = profile === 'steady';
    const rateAt = (ms: number) => (steady ? quiet * weight : requestRate(hourAt(ms), quiet, peak) * weight);
    // Thinning: draw from the highest rate, keep each candidate with probability rate(t) / highest.
    const max = profile === 'batch' ? 0 : steady ? quiet * weight : peak * 1.2 * weight;
    let t = max > 0 ? 0 : durationMs;
    while (t < durationMs) {
      t += (-Math.log(1 - random()) / max) * 1000;
      if (t >= durationMs) break;
      if (random() < rateAt(t) / max) {
        arrivals.push({ atMs: Math.round(t), fn: name, count: 1, phase: phaseAt(hourAt(t), durationMs, bursts) });
      }
    }
    if (burst) {
      const count = Math.max(2, Math.round(burst.size * weight));
      const start = (burst.atHour / 24) * durationMs;
      for (let wave = 0; wave < burst.waves; wave++) {
        const atMs = Math.round(start + wave * burst.spacingMs);
        if (atMs < durationMs) arrivals.push({ atMs, fn: name, count, phase: burst.label ?? 'burst' });
      }
    }
  }
  return arrivals.sort((a, b) => a.atMs - b.atMs || a.fn.localeCompare(b.fn));
}
