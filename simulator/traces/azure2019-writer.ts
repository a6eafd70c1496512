import { closeSync, existsSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a trace in the Azure Functions 2019 layout that `loadTrace` reads: `invocations.csv` (per-minute counts),
 * `durations.csv` (mean and percentiles per function) and `memory.csv` (per function), plus, when given,
 * `concurrency.tsv` (per-minute peak concurrent executions, tab-separated so the loaders, which read `.csv` files,
 * leave it alone). Same input, same bytes.
 */

/** Counts or levels by minute, sparse: `minutes[k]` (from the trace's first minute) holds `values[k]`. */
export interface SparseMinutes {
  readonly minutes: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

/** A function's duration distribution over the whole trace, in milliseconds. */
export interface DurationSummary {
  /** Mean over all invocations (the 2019 format's `Average`). */
  readonly average: number;
  readonly count: number;
  readonly minimum: number;
  readonly maximum: number;
  /** Values at percentiles 0, 1, 25, 50, 75, 99 and 100, non-decreasing. */
  readonly percentiles: readonly [number, number, number, number, number, number, number];
}

export interface TraceFunctionRecord {
  /** `HashOwner`, `HashApp`, `HashFunction`: identifiers without commas; hashes in the published trace. */
  readonly owner: string;
  readonly app: string;
  readonly name: string;
  /** `Trigger` column. @default 'unknown' */
  readonly trigger?: string;
  readonly invocations: SparseMinutes;
  /** Left out of `durations.csv` when undefined (the loader then uses its default duration). */
  readonly durations?: DurationSummary;
  /** Left out of `memory.csv` when undefined. */
  readonly memoryMb?: number;
  /** Peak concurrent executions per minute, for `concurrency.tsv`. */
  readonly concurrency?: SparseMinutes;
}

export interface Azure2019TraceRecord {
  /** Minutes after the first day's midnight at which the trace starts (label `firstMinute + 1`). */
  readonly firstMinute: number;
  /** Length of the trace in minutes; every minute gets a column, quiet ones too. */
  readonly minutes: number;
  readonly functions: readonly TraceFunctionRecord[];
}

export interface WriteOptions {
  /** Replace trace files already in the folder. @default false */
  readonly overwrite?: boolean;
}

export const TRACE_FILES = ['invocations.csv', 'durations.csv', 'memory.csv', 'concurrency.tsv'] as const;

const PERCENTILES = [0, 1, 25, 50, 75, 99, 100];
const MEMORY_PERCENTILES = [1, 5, 25, 50, 75, 95, 99, 100];

/** The trace cannot be written as asked (bad identifier, inconsistent numbers, file in the way). */
export class TraceWriteError extends Error {
  override readonly name = 'TraceWriteError';
}

/** Whole numbers as they are; others with at most 3 decimals, trailing zeros dropped. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new TraceWriteError(`cannot write ${value} in a trace`);
  if (Number.isInteger(value)) return String(value);
  const fixed = value.toFixed(3).replace(/\.?0+$/, '');
  return fixed === '-0' ? '0' : fixed;
}

function cell(value: string, what: string): string {
  if (value === '' || /[,\t\r\n"]/.test(value)) {
    throw new TraceWriteError(
      `${what} "${value}" cannot be a trace cell: it must be non-empty, without , " or line breaks`,
    );
  }
  return value;
}

function checkDurations(fn: TraceFunctionRecord, d: DurationSummary): void {
  const values = [d.average, d.count, d.minimum, d.maximum, ...d.percentiles];
  if (values.some((v) => !Number.isFinite(v) || v < 0)) {
    throw new TraceWriteError(`durations of ${fn.name} must be finite and >= 0`);
  }
  if (d.percentiles.some((v, i) => i > 0 && v < d.percentiles[i - 1])) {
    throw new TraceWriteError(`duration percentiles of ${fn.name} must be non-decreasing: ${d.percentiles.join(', ')}`);
  }
}

function checkMinutes(series: SparseMinutes, minutes: number, name: string): void {
  if (series.minutes.length !== series.values.length) {
    throw new TraceWriteError(`${name}: ${series.minutes.length} minutes but ${series.values.length} values`);
  }
  for (let k = 0; k < series.minutes.length; k++) {
    const minute = series.minutes[k];
    if (!Number.isInteger(minute) || minute < 0 || minute >= minutes) {
      throw new TraceWriteError(`${name}: minute ${minute} is outside the trace's ${minutes} minutes`);
    }
    formatNumber(series.values[k]);
  }
}

/** One row of per-minute values, zeros where the sparse series has none. */
function minuteCells(series: SparseMinutes, minutes: number): string[] {
  const cells = new Array<string>(minutes).fill('0');
  for (let k = 0; k < series.minutes.length; k++) cells[series.minutes[k]] = formatNumber(series.values[k]);
  return cells;
}

/**
 * Writes the lines to a temporary file in 1 MiB chunks, then renames it into place: a long trace is a file of tens
 * of megabytes, never held as one string, and a failed write leaves no half file behind.
 */
function writeAtomically(file: string, lines: Iterable<string>): void {
  const temporary = `${file}.partial-${process.pid}`;
  let fd: number | undefined;
  try {
    fd = openSync(temporary, 'w');
    let chunk = '';
    for (const line of lines) {
      chunk += `${line}\n`;
      if (chunk.length >= 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, file);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temporary, { force: true });
    if (error instanceof TraceWriteError) throw error;
    throw new TraceWriteError(`cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** Writes the trace into `dir` (which must exist); returns the files written. */
export function writeAzure2019Trace(dir: string, trace: Azure2019TraceRecord, options: WriteOptions = {}): string[] {
  if (!Number.isInteger(trace.firstMinute) || trace.firstMinute < 0) {
    throw new TraceWriteError(`firstMinute must be a whole number >= 0, got ${trace.firstMinute}`);
  }
  if (!Number.isInteger(trace.minutes) || trace.minutes < 1) {
    throw new TraceWriteError(`a trace needs at least one minute, got ${trace.minutes}`);
  }
  const seen = new Set<string>();
  for (const fn of trace.functions) {
    cell(fn.owner, 'owner');
    cell(fn.app, 'app');
    cell(fn.name, 'function');
    cell(fn.trigger ?? 'unknown', 'trigger');
    const id = `${fn.app}\t${fn.name}`;
    if (seen.has(id)) throw new TraceWriteError(`function ${fn.name} of app ${fn.app} appears twice`);
    seen.add(id);
    // Checked before any file is written, so a bad series never leaves a half-written trace behind.
    checkMinutes(fn.invocations, trace.minutes, fn.name);
    if (fn.concurrency) checkMinutes(fn.concurrency, trace.minutes, fn.name);
    if (fn.durations) checkDurations(fn, fn.durations);
    if (fn.memoryMb !== undefined && !(fn.memoryMb > 0)) {
      throw new TraceWriteError(`memory of ${fn.name} must be > 0 MB, got ${fn.memoryMb}`);
    }
  }
  const withConcurrency = trace.functions.some((fn) => fn.concurrency !== undefined);
  const files = TRACE_FILES.filter((f) => f !== 'concurrency.tsv' || withConcurrency).map((f) => join(dir, f));
  if (!options.overwrite) {
    const there = files.filter((file) => existsSync(file));
    if (there.length > 0) {
      throw new TraceWriteError(
        `${there.join(', ')} already exist${there.length === 1 ? 's' : ''}; choose another folder or overwrite`,
      );
    }
  }

  const labels = Array.from({ length: trace.minutes }, (_, m) => String(trace.firstMinute + m + 1));
  const ids = (fn: TraceFunctionRecord) => [fn.owner, fn.app, fn.name];
  writeAtomically(
    join(dir, 'invocations.csv'),
    (function* () {
      yield ['HashOwner', 'HashApp', 'HashFunction', 'Trigger', ...labels].join(',');
      for (const fn of trace.functions) {
        yield [...ids(fn), fn.trigger ?? 'unknown', ...minuteCells(fn.invocations, trace.minutes)].join(',');
      }
    })(),
  );
  writeAtomically(join(dir, 'durations.csv'), [
    [
      'HashOwner',
      'HashApp',
      'HashFunction',
      'Average',
      'Count',
      'Minimum',
      'Maximum',
      ...PERCENTILES.map((p) => `percentile_Average_${p}`),
    ].join(','),
    ...trace.functions.flatMap((fn) => {
      const d = fn.durations;
      if (!d) return [];
      return [
        [...ids(fn), ...[d.average, d.count, d.minimum, d.maximum, ...d.percentiles].map(formatNumber)].join(','),
      ];
    }),
  ]);
  writeAtomically(join(dir, 'memory.csv'), [
    [
      'HashOwner',
      'HashApp',
      'HashFunction',
      'SampleCount',
      'AverageAllocatedMb',
      ...MEMORY_PERCENTILES.map((p) => `AverageAllocatedMb_pct${p}`),
    ].join(','),
    ...trace.functions.flatMap((fn) => {
      if (fn.memoryMb === undefined) return [];
      // Lambda allocates the configured memory whatever the function uses: every percentile is that size.
      const samples = Array.from({ length: fn.invocations.values.length }, (_, k) => fn.invocations.values[k]).reduce(
        (sum, v) => sum + v,
        0,
      );
      const mb = formatNumber(fn.memoryMb);
      return [[...ids(fn), formatNumber(samples), mb, ...MEMORY_PERCENTILES.map(() => mb)].join(',')];
    }),
  ]);
  if (withConcurrency) {
    writeAtomically(
      join(dir, 'concurrency.tsv'),
      (function* () {
        yield ['HashOwner', 'HashApp', 'HashFunction', ...labels].join('\t');
        for (const fn of trace.functions) {
          const peaks = fn.concurrency ?? { minutes: [], values: [] };
          yield [...ids(fn), ...minuteCells(peaks, trace.minutes)].join('\t');
        }
      })(),
    );
  }
  return files;
}
