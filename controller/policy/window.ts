/**
 * Time windows on the wall clock of an IANA zone.
 *
 * A window contains an instant when the zone's wall clock at that instant is inside [from, to) on one of the
 * window's days. `days` name the day the window STARTS: a Monday 22:00-06:00 window covers Monday 22:00 until
 * Tuesday 06:00. Because membership is defined on the wall clock, DST needs no special case: a window that starts
 * in a skipped hour begins when the clock jumps past its start, and a repeated hour is inside (or outside) both times.
 */
import { DAYS, type Day } from './schema';
import { offsetAt } from './timezone';

export const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** A window reduced to numbers: weekday set (0 = Monday) and start/end as milliseconds after local midnight. */
export interface CompiledWindow {
  readonly zone: string;
  readonly days: ReadonlySet<number>;
  readonly fromMs: number;
  readonly toMs: number;
}

/** "HH:MM" (or "24:00") to milliseconds after midnight. */
export function timeOfDayMs(text: string): number {
  const [hours, minutes] = text.split(':').map(Number);
  return (hours! * 60 + minutes!) * MINUTE_MS;
}

export function compileWindow(
  window: { days?: readonly Day[] | undefined; from: string; to: string; timezone?: string | undefined },
  zone: string,
): CompiledWindow {
  const days = new Set((window.days ?? DAYS).map((day) => DAYS.indexOf(day)));
  return { zone: window.timezone ?? zone, days, fromMs: timeOfDayMs(window.from), toMs: timeOfDayMs(window.to) };
}

/** Day number since 1970-01-01 and weekday (0 = Monday) of a wall-clock time expressed as "UTC" milliseconds. */
function weekdayOf(localMs: number): number {
  const day = Math.floor(localMs / DAY_MS);
  // 1970-01-01 was a Thursday (index 3 when Monday is 0).
  return (((day + 3) % 7) + 7) % 7;
}

/** Whether the window contains the wall-clock time `localMs` (wall time written as if it were UTC). */
export function containsWallTime(window: CompiledWindow, localMs: number): boolean {
  const weekday = weekdayOf(localMs);
  const time = localMs - Math.floor(localMs / DAY_MS) * DAY_MS;
  if (window.fromMs < window.toMs) return window.days.has(weekday) && time >= window.fromMs && time < window.toMs;
  if (window.fromMs > window.toMs) {
    const yesterday = (weekday + 6) % 7;
    return (window.days.has(weekday) && time >= window.fromMs) || (window.days.has(yesterday) && time < window.toMs);
  }
  return false; // from == to is rejected by validation; an unvalidated one never matches.
}

/** A stretch of time during which a zone keeps one UTC offset. */
export interface OffsetSegment {
  readonly start: number;
  readonly end: number;
  readonly offset: number;
}

/**
 * The zone's offsets over [start, end): sampled once a day, with each change located to the second by bisection.
 * Zones change offset at most twice a year, so two changes within one day are not looked for.
 */
export function offsetSegments(zone: string, start: number, end: number): OffsetSegment[] {
  const segments: OffsetSegment[] = [];
  let segmentStart = start;
  let offset = offsetAt(zone, start);
  for (let sample = start; sample < end; ) {
    const next = Math.min(sample + DAY_MS, end);
    const nextOffset = offsetAt(zone, next);
    if (nextOffset !== offset) {
      // Invariant: the old offset at low, the new one at high. Offsets change on a whole second, which is the
      // only whole second in (low, low + 1s] once the gap is that small.
      let low = sample;
      let high = next;
      while (high - low > 1000) {
        const middle = Math.floor((low + high) / 2);
        if (offsetAt(zone, middle) === offset) low = middle;
        else high = middle;
      }
      const change = (Math.floor(low / 1000) + 1) * 1000;
      segments.push({ start: segmentStart, end: change, offset });
      segmentStart = change;
      offset = nextOffset;
    }
    sample = next;
  }
  segments.push({ start: segmentStart, end, offset });
  return segments;
}

/** The offset in force at `instant`, from segments that cover it. */
export function offsetIn(segments: readonly OffsetSegment[], instant: number): number {
  for (const segment of segments) if (instant < segment.end) return segment.offset;
  return segments[segments.length - 1]!.offset;
}

/**
 * Instants in (after, until] at which the window's membership may flip: its start and end times and local
 * midnights (the weekday changes), wherever the wall clock crosses them, plus every offset change.
 */
export function candidateEdges(
  window: CompiledWindow,
  segments: readonly OffsetSegment[],
  after: number,
  until: number,
): number[] {
  const marks = [0, window.fromMs, window.toMs % DAY_MS];
  const edges: number[] = [];
  for (const segment of segments) {
    if (segment.start > after && segment.start <= until) edges.push(segment.start);
    const localStart = segment.start + segment.offset;
    const localEnd = segment.end + segment.offset;
    for (let day = Math.floor(localStart / DAY_MS); day * DAY_MS < localEnd; day++) {
      for (const mark of marks) {
        const wall = day * DAY_MS + mark;
        if (wall < localStart || wall >= localEnd) continue;
        const instant = wall - segment.offset;
        if (instant > after && instant <= until) edges.push(instant);
      }
    }
  }
  return edges;
}
