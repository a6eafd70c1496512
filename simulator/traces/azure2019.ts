import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Random } from '../random';
import { AZURE_2019_CITATION, type Citation, CLOUDWATCH_EXPORT_CITATION } from './citation';
import { forEachRow, type Header, numberCell, TraceFormatError } from './csv';
import {
  type DurationRule,
  DurationSampler,
  type DurationShape,
  DurationShapes,
  type DurationStats,
  describeDurationRule,
  fitDuration,
  shapeQuantile,
} from './duration-model';
import { IntList } from './int-list';
import type { ArrivalBatch, ArrivalSource, Trace, TraceFunction } from './types';

/**
 * How arrivals are placed inside a minute, for which the 2019 trace only gives a count:
 * - `uniform` (default): the c arrivals are c independent uniform draws over the minute, i.e. a Poisson process
 *   conditioned on its count; drawn in sorted order from exponential spacings, seeded.
 * - `equidistant`: evenly spaced at (k + ½)/c of the minute; no randomness.
 */
export type SpreadRule = 'uniform' | 'equidistant';

/**
 * Which moment of an invocation a minute's count places in that minute:
 * - `finished` (Azure's traces): the trace's README says each cell counts the invocations that *finished* in its
 *   minute, so the spread rule places each end and the invocation arrives its drawn duration earlier (at the trace's
 *   start at the earliest). A function of four-minute requests counted in minute m arrived around minute m − 4.
 * - `started` (a CloudWatch export by `thermostat trace export`): the minute is the arrival's.
 */
export type CountedAt = 'finished' | 'started';

export interface Azure2019Files {
  readonly invocations: string;
  readonly durations?: string;
  readonly memory?: string;
}

export interface Azure2019Options {
  readonly spread?: SpreadRule;
  /** Duration of a function that has no row in the durations file. */
  readonly defaultDurationMs?: number;
  /** How each invocation's duration is chosen from its function's statistics. @default 'distribution' */
  readonly durations?: DurationRule;
  /** @default 'finished' for Azure's traces, 'started' for a CloudWatch export */
  readonly countedAt?: CountedAt;
}

/** Column names of the 2019 durations file's percentile points (DURATION_QUANTILES). */
const QUANTILE_COLUMNS = [0, 1, 25, 50, 75, 99, 100].map((p) => `percentile_Average_${p}`);

/**
 * Lambda memory for a function whose trace memory is `allocatedMb`: the 99th percentile of allocated memory (the
 * size a user would configure so the function does not run out), at least Lambda's 128 MB, at most 10,240 MB.
 */
export function lambdaMemoryMb(allocatedMb: number): number {
  return Math.min(10_240, Math.max(128, Math.ceil(allocatedMb)));
}

const key = (app: string, fn: string) => `${app}\t${fn}`;

interface Row2019 {
  readonly owner: string;
  readonly app: string;
  readonly name: string;
  readonly trigger: string | undefined;
}

function readInvocations(file: string) {
  let minuteColumns: Array<{ column: number; minute: number }> = [];
  let appCol = -1;
  let fnCol = -1;
  let ownerCol: number | undefined;
  let triggerCol: number | undefined;
  const rows: Row2019[] = [];
  const totals: number[] = [];
  const seen = new Set<string>();
  const entryFn = new IntList();
  const entryMinute = new IntList();
  const entryCount = new IntList();
  const onHeader = (header: Header) => {
    appCol = header.require('HashApp');
    fnCol = header.require('HashFunction');
    ownerCol = header.find('HashOwner');
    triggerCol = header.find('Trigger');
    minuteColumns = header.columns
      .map((name, column) => ({ column, label: name.trim() }))
      .filter(({ label }) => /^\d+$/.test(label))
      .map(({ column, label }) => ({ column, minute: Number(label) - 1 }));
    if (minuteColumns.length === 0) {
      throw new TraceFormatError(file, 1, 'no minute columns (1, 2, … 1440): not a 2019 invocations file');
    }
    if (minuteColumns.some(({ minute }) => minute < 0)) throw new TraceFormatError(file, 1, 'minute labels start at 1');
  };
  const header = forEachRow(file, onHeader, (cells, lineNumber) => {
    const app = cells[appCol];
    const name = cells[fnCol];
    if (app === undefined || name === undefined || name === '') {
      throw new TraceFormatError(file, lineNumber, 'row has no HashApp/HashFunction');
    }
    const id = key(app, name);
    if (seen.has(id)) throw new TraceFormatError(file, lineNumber, `function ${name} of app ${app} appears twice`);
    seen.add(id);
    const fn = rows.length;
    let total = 0;
    for (const { column, minute } of minuteColumns) {
      const cell = cells[column];
      if (cell === '0' || cell === '' || cell === undefined) continue;
      const count = Number(cell);
      if (!Number.isInteger(count) || count < 0) {
        throw new TraceFormatError(file, lineNumber, `minute ${minute + 1} count is not a whole number: "${cell}"`);
      }
      if (count === 0) continue;
      entryFn.push(fn);
      entryMinute.push(minute);
      entryCount.push(count);
      total += count;
    }
    rows.push({
      owner: ownerCol === undefined ? '' : (cells[ownerCol] ?? ''),
      app,
      name,
      trigger: triggerCol === undefined ? undefined : cells[triggerCol],
    });
    totals.push(total);
  });
  if (header === undefined) throw new TraceFormatError(file, undefined, 'the file is empty');
  const minutes = minuteColumns.map(({ minute }) => minute);
  return {
    rows,
    totals,
    firstMinute: Math.min(...minutes),
    lastMinute: Math.max(...minutes),
    entries: { fn: entryFn.toArray(), minute: entryMinute.toArray(), count: entryCount.toArray() },
  };
}

function readDurations(file: string): Map<string, DurationStats> {
  const out = new Map<string, DurationStats>();
  const onHeader = (header: Header) => {
    header.require('HashApp');
    header.require('HashFunction');
    header.require('Average');
  };
  forEachRow(file, onHeader, (cells, lineNumber, h) => {
    const mean = numberCell(cells[h.require('Average')], file, lineNumber, 'Average');
    const columns = QUANTILE_COLUMNS.map((name) => h.find(name));
    const quantiles = columns.every((c) => c !== undefined)
      ? Float64Array.from(columns, (c, i) => numberCell(cells[c], file, lineNumber, QUANTILE_COLUMNS[i]))
      : undefined;
    if (quantiles?.some((value, i) => value < 0 || (i > 0 && value < quantiles[i - 1]))) {
      throw new TraceFormatError(file, lineNumber, 'duration percentiles must be >= 0 and non-decreasing');
    }
    const optional = (name: string) => {
      const column = h.find(name);
      return column === undefined || cells[column] === ''
        ? undefined
        : numberCell(cells[column], file, lineNumber, name);
    };
    const minimum = optional('Minimum');
    const maximum = optional('Maximum');
    if (mean < 0 || (minimum !== undefined && maximum !== undefined && minimum > maximum)) {
      throw new TraceFormatError(file, lineNumber, 'Average must be >= 0 and Minimum <= Maximum');
    }
    out.set(key(cells[h.require('HashApp')], cells[h.require('HashFunction')]), {
      average: mean,
      minimum,
      maximum,
      quantiles,
    });
  });
  return out;
}

/** Memory per function: by app and function when the file has HashFunction, else per app (split below). */
function readMemory(file: string): { perFunction: boolean; values: Map<string, number> } {
  const values = new Map<string, number>();
  let perFunction = false;
  const onHeader = (header: Header) => {
    header.require('HashApp');
    perFunction = header.has('HashFunction');
    if (!header.has('AverageAllocatedMb_pct99') && !header.has('AverageAllocatedMb')) {
      throw new TraceFormatError(file, 1, 'missing column "AverageAllocatedMb_pct99" (or "AverageAllocatedMb")');
    }
  };
  forEachRow(file, onHeader, (cells, lineNumber, header) => {
    const column = header.has('AverageAllocatedMb_pct99') ? 'AverageAllocatedMb_pct99' : 'AverageAllocatedMb';
    const mb = numberCell(cells[header.require(column)], file, lineNumber, column);
    const app = cells[header.require('HashApp')];
    values.set(perFunction ? key(app, cells[header.require('HashFunction')]) : app, mb);
  });
  return { perFunction, values };
}

/**
 * Loads the Azure Functions 2019 trace (per-minute counts, durations, memory) by column name, so both the invitro
 * subsets and the full upstream day files load. Minute label m (1-based) covers [m−1, m) minutes after midnight.
 * Each invocation's duration follows `options.durations` (see {@link fitDuration}): its function's `Average` is the
 * mean either way (the trace's percentiles are over 30-second averages, so the drawn spread is narrower than
 * per-invocation durations; the mean is not).
 */
export function loadAzure2019(files: Azure2019Files, options: Azure2019Options = {}): Trace {
  const spread = options.spread ?? 'uniform';
  const durationRule = options.durations ?? 'distribution';
  const defaultDurationMs = options.defaultDurationMs ?? 100;
  const inv = readInvocations(files.invocations);
  const durationStats = files.durations ? readDurations(files.durations) : new Map<string, DurationStats>();
  const memory = files.memory ? readMemory(files.memory) : undefined;
  const appSize = new Map<string, number>();
  for (const row of inv.rows) appSize.set(row.app, (appSize.get(row.app) ?? 0) + 1);

  const shapes: DurationShape[] = [];
  const functions: TraceFunction[] = inv.rows.map((row, i) => {
    const id = key(row.app, row.name);
    const d: DurationStats = durationStats.get(id) ?? { average: defaultDurationMs };
    shapes.push(fitDuration(durationRule === 'average' ? { average: d.average } : d));
    let memoryMb: number | undefined;
    if (memory) {
      // Upstream memory rows are per app; invitro split an app's memory evenly among its functions, and so do we.
      const mb = memory.perFunction
        ? memory.values.get(id)
        : (memory.values.get(row.app) ?? Number.NaN) / (appSize.get(row.app) ?? 1);
      memoryMb = mb === undefined || Number.isNaN(mb) ? undefined : lambdaMemoryMb(mb);
    }
    return {
      id: `${row.app}/${row.name}`,
      name: row.name,
      app: row.app,
      trigger: row.trigger,
      memoryMb,
      invocations: inv.totals[i],
      meanDurationMs: d.average,
    };
  });

  // Entries grouped by minute (counting sort), so arrivals can be produced minute by minute.
  const first = inv.firstMinute;
  const span = inv.lastMinute - first + 1;
  const offsets = new Int32Array(span + 1);
  for (let e = 0; e < inv.entries.minute.length; e++) offsets[inv.entries.minute[e] - first + 1]++;
  for (let m = 0; m < span; m++) offsets[m + 1] += offsets[m];
  const byMinuteFn = new Int32Array(inv.entries.fn.length);
  const byMinuteCount = new Int32Array(inv.entries.fn.length);
  const fill = offsets.slice(0, span);
  for (let e = 0; e < inv.entries.minute.length; e++) {
    const at = fill[inv.entries.minute[e] - first]++;
    byMinuteFn[at] = inv.entries.fn[e];
    byMinuteCount[at] = inv.entries.count[e];
  }
  const invocations = inv.totals.reduce((a, b) => a + b, 0);
  let longestMs = 0;
  for (const shape of shapes) longestMs = Math.max(longestMs, shapeQuantile(shape, 1));
  const durationShapes = new DurationShapes(shapes);
  const durations = (seed: number) => new DurationSampler(durationShapes, new Random(seed).fork('azure2019-durations'));
  const dir = dirname(files.invocations);
  const citation = citationOf(dir);
  const countedAt = options.countedAt ?? (citation === CLOUDWATCH_EXPORT_CITATION ? 'started' : 'finished');
  const within =
    spread === 'uniform'
      ? 'the minute’s count as independent uniform draws (a Poisson process given its count), seeded'
      : 'evenly spaced at (k + ½)/count of the minute';

  return {
    name: basename(dir) === '.' ? basename(files.invocations) : basename(dir),
    format: 'azure2019',
    files: [files.invocations, files.durations, files.memory].filter((f): f is string => f !== undefined),
    functions,
    startMs: first * 60_000,
    endMs: (inv.lastMinute + 1) * 60_000,
    invocations,
    citation,
    arrivalRule:
      countedAt === 'finished'
        ? `ends inside the minute each invocation is counted in (it finished there): ${within}; each arrives its drawn duration earlier`
        : `arrivals inside each minute: ${within}`,
    durationRule: describeDurationRule(durationRule),
    durations,
    arrivals: (seed) => {
      const spreader = new MinuteSpreader(
        { first, span, offsets, fn: byMinuteFn, count: byMinuteCount },
        spread,
        new Random(seed).fork('azure2019-arrivals'),
        durations(seed),
      );
      return countedAt === 'finished' ? new FinishedMinutes(spreader, first * MINUTE_MS, longestMs) : spreader;
    },
  };
}

interface MinuteIndex {
  readonly first: number;
  readonly span: number;
  readonly offsets: Int32Array;
  readonly fn: Int32Array;
  readonly count: Int32Array;
}

const MINUTE_MS = 60_000;
/** Sort keys pack microseconds-in-minute (< 2^26) above an index (< 2^26): exact in a double, sorted natively. */
const INDEX_BITS = 2 ** 26;

class MinuteSpreader implements ArrivalSource {
  private minute = 0;
  /** The minute handed on; `scratch` holds a minute of several functions before they are merged into it. */
  private readonly out = new Arrivals(1024);
  private readonly scratch = new Arrivals(1024);
  private readonly keys = new SortKeys();

  constructor(
    private readonly index: MinuteIndex,
    private readonly spread: SpreadRule,
    private readonly random: Random,
    private readonly durations: DurationSampler,
  ) {}

  next(): ArrivalBatch | undefined {
    const { offsets, span } = this.index;
    while (this.minute < span && offsets[this.minute] === offsets[this.minute + 1]) this.minute++;
    if (this.minute >= span) return undefined;
    const m = this.minute++;
    const from = offsets[m];
    const to = offsets[m + 1];
    let total = 0;
    for (let e = from; e < to; e++) total += this.index.count[e];
    this.out.reserve(total);
    const base = (this.index.first + m) * MINUTE_MS;
    const several = to - from > 1;
    const into = several ? this.scratch : this.out;
    if (several) this.scratch.reserve(total);
    let at = 0;
    for (let e = from; e < to; e++) {
      const f = this.index.fn[e];
      const c = this.index.count[e];
      at = this.spreadOne(base, c, into.time, at, f, into.fn, into.duration);
    }
    if (several) this.keys.sort(this.scratch, total, this.out, (time) => Math.floor((time % MINUTE_MS) * 1000));
    return { count: total, time: this.out.time, fn: this.out.fn, durationMs: this.out.duration };
  }

  /** Writes c sorted arrival times of function f into the arrays from position `at`; returns the next position. */
  private spreadOne(
    base: number,
    c: number,
    time: Float64Array,
    at: number,
    f: number,
    fnOut: Int32Array,
    durOut: Float64Array,
  ): number {
    const r = this.random;
    if (this.spread === 'equidistant') {
      for (let k = 0; k < c; k++) time[at + k] = base + ((k + 0.5) * MINUTE_MS) / c;
    } else {
      // Sorted uniforms from normalised cumulative exponential spacings: O(c), no sort.
      let sum = 0;
      for (let k = 0; k < c; k++) {
        sum += -Math.log(1 - r.next());
        time[at + k] = sum;
      }
      sum += -Math.log(1 - r.next());
      const scale = MINUTE_MS / sum;
      for (let k = 0; k < c; k++) time[at + k] = base + time[at + k] * scale;
    }
    const durations = this.durations;
    for (let k = 0; k < c; k++) {
      fnOut[at + k] = f;
      durOut[at + k] = durations.draw(f);
    }
    return at + c;
  }
}

/**
 * Arrivals of invocations counted in the minute they finished: MinuteSpreader's times are their ends, each arrival is
 * its duration earlier (at `startMs` at the earliest). Arrivals are gathered by the minute they fall in and a minute
 * is handed on, sorted, once no later end can reach back into it: once the spreader has passed it by the longest
 * duration any function can draw.
 */
class FinishedMinutes implements ArrivalSource {
  /** Arrivals not yet handed on, by minute from startMs. */
  private readonly pending = new Map<number, Arrivals>();
  /** Minutes' arrivals handed on, kept for reuse (a day of minutes would otherwise allocate one each). */
  private readonly spare: Arrivals[] = [];
  /** The next minute to hand on. */
  private minute = 0;
  /** Minutes of ends the spreader has handed over (every end before (endsThrough + 1) minutes is known). */
  private endsThrough = -1;
  private done = false;
  private readonly out = new Arrivals(1024);
  private readonly keys = new SortKeys();
  private readonly reach: number;

  constructor(
    private readonly ends: ArrivalSource,
    private readonly startMs: number,
    longestMs: number,
  ) {
    this.reach = Math.ceil(longestMs / MINUTE_MS);
  }

  next(): ArrivalBatch | undefined {
    for (;;) {
      // A minute is complete once the ends seen reach past it by the longest duration.
      while (!this.done && this.endsThrough < this.minute + this.reach) this.pull();
      if (this.done && this.pending.size === 0) return undefined;
      const bucket = this.pending.get(this.minute);
      this.pending.delete(this.minute);
      this.minute++;
      if (bucket !== undefined) return this.sorted(bucket);
    }
  }

  /** Takes the spreader's next minute of ends. */
  private pull(): void {
    const batch = this.ends.next();
    if (batch === undefined) {
      this.done = true;
      return;
    }
    const { startMs } = this;
    let minute = -1;
    let bucket: Arrivals | undefined;
    for (let i = 0; i < batch.count; i++) {
      // To the microsecond, the sort key's grain, so that arrivals in the same microsecond are equal, hence sorted.
      const at = Math.round(Math.max(startMs, batch.time[i] - batch.durationMs[i]) * 1000) / 1000;
      const m = Math.floor((at - startMs) / MINUTE_MS);
      if (m !== minute || bucket === undefined) {
        minute = m;
        bucket = this.bucket(m);
      }
      bucket.add(at, batch.fn[i], batch.durationMs[i]);
    }
    if (batch.count > 0) {
      const ends = Math.floor((batch.time[batch.count - 1] - startMs) / MINUTE_MS) - 1;
      this.endsThrough = Math.max(this.endsThrough, ends);
    }
  }

  private bucket(minute: number): Arrivals {
    let bucket = this.pending.get(minute);
    if (bucket === undefined) {
      bucket = this.spare.pop() ?? new Arrivals(256);
      this.pending.set(minute, bucket);
    }
    return bucket;
  }

  private sorted(bucket: Arrivals): ArrivalBatch {
    const { count } = bucket;
    const { out, startMs } = this;
    out.reserve(count);
    // Arrival times are whole microseconds already: rounding keeps the product's float error out of the key.
    this.keys.sort(bucket, count, out, (time) => Math.round(((time - startMs) % MINUTE_MS) * 1000));
    bucket.count = 0;
    this.spare.push(bucket);
    return { count, time: out.time, fn: out.fn, durationMs: out.duration };
  }
}

/** Arrivals in typed arrays that grow by doubling: a minute's, gathered or handed on. */
class Arrivals {
  count = 0;
  time: Float64Array;
  fn: Int32Array;
  duration: Float64Array;

  constructor(size: number) {
    this.time = new Float64Array(size);
    this.fn = new Int32Array(size);
    this.duration = new Float64Array(size);
  }

  add(time: number, fn: number, duration: number): void {
    if (this.count === this.time.length) this.reserve(2 * this.count);
    this.time[this.count] = time;
    this.fn[this.count] = fn;
    this.duration[this.count] = duration;
    this.count++;
  }

  /** Room for `size` arrivals, keeping the `count` held. */
  reserve(size: number): void {
    if (size <= this.time.length) return;
    let length = this.time.length;
    while (length < size) length *= 2;
    const time = new Float64Array(length);
    const fn = new Int32Array(length);
    const duration = new Float64Array(length);
    time.set(this.time.subarray(0, this.count));
    fn.set(this.fn.subarray(0, this.count));
    duration.set(this.duration.subarray(0, this.count));
    this.time = time;
    this.fn = fn;
    this.duration = duration;
  }
}

/**
 * Orders a minute's arrivals by time: each key packs the arrival's microsecond in the minute (`micros`) above its
 * index (INDEX_BITS), so a native sort of doubles orders them, ties in their given order.
 */
class SortKeys {
  private keys = new Float64Array(1024);

  /** Writes the first `count` arrivals of `from` into `into` (room reserved) in time order. */
  sort(from: Arrivals, count: number, into: Arrivals, micros: (time: number) => number): void {
    if (this.keys.length < count) this.keys = new Float64Array(into.time.length);
    const keys = this.keys.subarray(0, count);
    for (let i = 0; i < count; i++) keys[i] = micros(from.time[i]) * INDEX_BITS + i;
    keys.sort();
    for (let i = 0; i < count; i++) {
      const at = keys[i] % INDEX_BITS;
      into.time[i] = from.time[at];
      into.fn[i] = from.fn[at];
      into.duration[i] = from.duration[at];
    }
  }
}

/** Azure's citation, unless `thermostat trace export` wrote the folder from the user's own CloudWatch data. */
function citationOf(dir: string): Citation {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'export.json'), 'utf8')) as { source?: unknown };
    if (manifest.source === 'cloudwatch') return CLOUDWATCH_EXPORT_CITATION;
  } catch {
    // No manifest (or an unreadable one): an Azure trace.
  }
  return AZURE_2019_CITATION;
}
