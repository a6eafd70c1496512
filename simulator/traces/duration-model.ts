import type { Random } from '../random';

/**
 * How each invocation's duration is chosen when a trace gives per-function statistics instead of per-invocation
 * durations (the Azure 2019 format):
 * - `distribution` (default): drawn from a distribution through the function's percentile points whose mean is the
 *   trace's `Average` (the mean over all invocations, as Lambda bills and scales on it), within its recorded
 *   minimum and maximum;
 * - `average`: every invocation lasts the function's `Average`.
 */
export type DurationRule = 'distribution' | 'average';

export const DURATION_RULES: readonly DurationRule[] = ['distribution', 'average'];

export function isDurationRule(value: string): value is DurationRule {
  return (DURATION_RULES as readonly string[]).includes(value);
}

/** Probabilities of the 2019 percentile points (0, 1, 25, 50, 75, 99, 100th). */
export const DURATION_QUANTILES = [0, 0.01, 0.25, 0.5, 0.75, 0.99, 1] as const;
const SEGMENTS = DURATION_QUANTILES.length - 1;

/** What a trace records about one function's durations, in ms. */
export interface DurationStats {
  /** Mean over all invocations. */
  readonly average: number;
  readonly minimum?: number;
  readonly maximum?: number;
  /** Values at {@link DURATION_QUANTILES}, non-decreasing. */
  readonly quantiles?: ArrayLike<number>;
}

/**
 * One function's duration distribution. On segment i (between percentile points i and i + 1), with s the position
 * inside the segment in [0, 1), the inverse CDF runs linearly from `low[i]` through an inner knot at
 * (s = 1 − bend, low[i] + bend · span[i]) to `low[i] + span[i]`: bend ½ is plain linear interpolation, a small bend
 * keeps most of the segment's mass near its lower end and stretches a thin tail to its upper end. The segment's mean
 * is `low[i] + bend · span[i]`, so the shape's mean is Σ weight[i] · (low[i] + bend · span[i]). Two straight pieces
 * rather than a power curve because a draw must cost a multiply, not a `Math.pow`.
 */
export interface DurationShape {
  readonly low: readonly number[];
  readonly span: readonly number[];
  readonly bend: number;
}

const WEIGHTS = DURATION_QUANTILES.slice(1).map((q, i) => q - DURATION_QUANTILES[i]);

const constant = (value: number): DurationShape => ({
  low: WEIGHTS.map(() => value),
  span: WEIGHTS.map(() => 0),
  bend: 0.5,
});

/**
 * Fits a shape whose mean is the recorded average. The percentile points stay where they are and one bend shapes
 * every segment towards its lower end (bend < ½) or its upper end (bend > ½): linear interpolation between the
 * 2019 points overstates the mean (by 1.1–1.7× on the shared traces) because the wide top segments are heavy-tailed
 * in reality, and bending keeps the points while moving mass inside the tails. The bend is solved in closed
 * form. When even the lower (upper) ends of the segments average above (below) the mean — rounding of a tiny
 * Average, or percentiles of 30-second averages that hide extremes — the points are scaled towards the recorded
 * minimum (maximum) until the mean matches; the mean is unreachable only if it lies outside [minimum, maximum].
 */
export function fitDuration(stats: DurationStats): DurationShape {
  const q = stats.quantiles;
  if (q === undefined || q.length !== DURATION_QUANTILES.length) return constant(Math.max(0, stats.average));
  const minimum = Math.min(stats.minimum ?? q[0], q[0]);
  const maximum = Math.max(stats.maximum ?? q[SEGMENTS], q[SEGMENTS]);
  const mean = Math.min(maximum, Math.max(minimum, stats.average));
  let lower = 0;
  let width = 0;
  for (let i = 0; i < SEGMENTS; i++) {
    lower += WEIGHTS[i] * q[i];
    width += WEIGHTS[i] * (q[i + 1] - q[i]);
  }
  const upper = lower + width;
  const low: number[] = [];
  const span: number[] = [];
  if (mean > lower && mean < upper) {
    for (let i = 0; i < SEGMENTS; i++) {
      low.push(q[i]);
      span.push(q[i + 1] - q[i]);
    }
    return { low, span, bend: (mean - lower) / width };
  }
  if (mean <= lower) {
    // Each segment at its lower point, pulled towards the minimum.
    const k = lower > minimum ? (mean - minimum) / (lower - minimum) : 0;
    for (let i = 0; i < SEGMENTS; i++) {
      low.push(minimum + (q[i] - minimum) * k);
      span.push(0);
    }
  } else {
    // Each segment at its upper point, pushed towards the maximum.
    const k = maximum > upper ? (mean - upper) / (maximum - upper) : 0;
    for (let i = 0; i < SEGMENTS; i++) {
      low.push(q[i + 1] + (maximum - q[i + 1]) * k);
      span.push(0);
    }
  }
  return { low, span, bend: 0.5 };
}

/** The exact mean of a shape. */
export function shapeMean(shape: DurationShape): number {
  let mean = 0;
  for (let i = 0; i < SEGMENTS; i++) mean += WEIGHTS[i] * (shape.low[i] + shape.bend * shape.span[i]);
  return mean;
}

/** The duration at cumulative probability u ∈ [0, 1). */
export function shapeQuantile(shape: DurationShape, u: number): number {
  let i = 0;
  while (i < SEGMENTS - 1 && u >= DURATION_QUANTILES[i + 1]) i++;
  const s = (u - DURATION_QUANTILES[i]) / WEIGHTS[i];
  const b = shape.bend;
  const knot = 1 - b;
  const rise = s < knot ? (b * s) / knot : b + ((1 - b) * (s - knot)) / b;
  return shape.low[i] + shape.span[i] * rise;
}

/** One line for reports: the rule in words. */
export function describeDurationRule(rule: DurationRule): string {
  return rule === 'average'
    ? 'average: every invocation lasts its function’s Average'
    : 'distribution: drawn per invocation through the percentile points, tails bent so each function’s mean is its Average, within Minimum–Maximum; stratified per function';
}

/** Percentile strata: each draw of a block of STRATA takes a different 1% slice, in random order. */
const STRATA = 100;
/** The first and last slices (the 0–1st and 99–100th percentile, the widest) are split again into STRATA. */
const TAIL_POOLS = 2;
const POOLS = 1 + TAIL_POOLS;
const SEGMENT_OF_STRATUM = Uint8Array.from({ length: STRATA }, (_, s) => {
  let i = 0;
  while (i < SEGMENTS - 1 && s / STRATA >= DURATION_QUANTILES[i + 1] - 1e-12) i++;
  return i;
});

/** Per stratum: its index inside its segment, and 1 / the segment's number of strata. */
const STRATUM_IN_SEGMENT = Float64Array.from({ length: STRATA }, (_, s) =>
  Math.round(s - DURATION_QUANTILES[SEGMENT_OF_STRATUM[s]] * STRATA),
);
const SEGMENT_SCALE = Float64Array.from(
  { length: STRATA },
  (_, s) => 1 / Math.round(WEIGHTS[SEGMENT_OF_STRATUM[s]] * STRATA),
);

/** Flat per-function shapes, for drawing without object lookups. */
export class DurationShapes {
  readonly low: Float64Array;
  readonly span: Float64Array;
  /** Per function: where the inner knot sits (1 − bend) and the two slopes, as fractions of a segment's span. */
  readonly knot: Float64Array;
  readonly slopeBelow: Float64Array;
  readonly slopeAbove: Float64Array;
  /** Whether a function's durations vary at all (else a draw costs nothing). */
  readonly varies: Uint8Array;

  constructor(shapes: readonly DurationShape[]) {
    const n = shapes.length;
    this.low = new Float64Array(n * SEGMENTS);
    this.span = new Float64Array(n * SEGMENTS);
    this.knot = new Float64Array(n);
    this.slopeBelow = new Float64Array(n);
    this.slopeAbove = new Float64Array(n);
    this.varies = new Uint8Array(n);
    shapes.forEach((shape, f) => {
      const b = shape.bend;
      this.knot[f] = 1 - b;
      this.slopeBelow[f] = b / (1 - b);
      this.slopeAbove[f] = (1 - b) / b;
      for (let i = 0; i < SEGMENTS; i++) {
        this.low[f * SEGMENTS + i] = shape.low[i];
        this.span[f * SEGMENTS + i] = shape.span[i];
        if (shape.span[i] !== 0 || shape.low[i] !== shape.low[0]) this.varies[f] = 1;
      }
    });
  }

  get size(): number {
    return this.knot.length;
  }
}

/**
 * Draws durations per function by stratified sampling: within every block of 100 draws of a function each 1%
 * percentile slice is used once (in random order), and the two outer slices are themselves split into 100
 * sub-slices used once per 100 visits. The draws stay independent-looking, but a function's realised mean
 * converges to its Average far faster than with plain draws, so heavy tails (a 1% slice from 30 ms to 3 s) do not
 * swing a function's cost and concurrency from one seed to the next. State: 300 bytes per function.
 */
export class DurationSampler {
  private readonly pool: Uint8Array;
  private readonly left: Uint8Array;

  constructor(
    private readonly shapes: DurationShapes,
    private readonly random: Random,
  ) {
    const n = shapes.size;
    this.pool = new Uint8Array(n * POOLS * STRATA);
    for (let p = 0; p < n * POOLS; p++) {
      for (let s = 0; s < STRATA; s++) this.pool[p * STRATA + s] = s;
    }
    this.left = new Uint8Array(n * POOLS);
  }

  /** Where inside its stratum the last take() landed, uniform in [0, 1): the rest of the same random number. */
  private within = 0;

  /** Takes a random unused stratum of pool p (refilled when empty). */
  private take(p: number): number {
    let left = this.left[p];
    if (left === 0) left = STRATA;
    const base = p * STRATA;
    // One 32-bit draw picks the stratum and, from its remaining ≥ 25 bits, the position inside it.
    const scaled = this.random.next() * left;
    const pick = Math.floor(scaled);
    this.within = scaled - pick;
    const j = base + pick;
    const last = base + left - 1;
    const s = this.pool[j];
    this.pool[j] = this.pool[last];
    this.pool[last] = s;
    this.left[p] = left - 1;
    return s;
  }

  draw(f: number): number {
    const shapes = this.shapes;
    if (shapes.varies[f] === 0) return shapes.low[f * SEGMENTS];
    const s = this.take(f * POOLS);
    // Position inside the segment, in [0, 1): the outer segments are one stratum each, split again.
    let within: number;
    if (s === 0 || s === STRATA - 1) within = (this.take(f * POOLS + (s === 0 ? 1 : 2)) + this.within) / STRATA;
    else within = (STRATUM_IN_SEGMENT[s] + this.within) * SEGMENT_SCALE[s];
    const at = f * SEGMENTS + SEGMENT_OF_STRATUM[s];
    const span = shapes.span[at];
    if (span === 0) return shapes.low[at];
    const knot = shapes.knot[f];
    const rise = within < knot ? within * shapes.slopeBelow[f] : 1 - knot + (within - knot) * shapes.slopeAbove[f];
    return shapes.low[at] + span * (rise < 1 ? rise : 1);
  }
}
