import { basename } from 'node:path';
import { AZURE_2021_CITATION } from './citation';
import { forEachRow, type Header, numberCell, TraceFormatError } from './csv';
import type { DurationRule } from './duration-model';
import { FloatList, IntList } from './int-list';
import type { ArrivalBatch, ArrivalSource, Trace, TraceFunction } from './types';

const BATCH = 65_536;

/**
 * Loads the Azure Functions 2021 per-invocation trace (`app,func,end_timestamp,duration`, seconds from the trace
 * start) by column name. Arrival = end − duration; rows are not sorted upstream, so arrivals are sorted here.
 * `func` is unique only within its `app`, so a function is the pair. The trace has no memory data.
 * Durations are per invocation, so the `distribution` rule keeps them as recorded; `average` replaces each with its
 * function's mean (arrivals stay where they were recorded).
 */
export function loadAzure2021(file: string, options: { readonly durations?: DurationRule } = {}): Trace {
  let appCol = -1;
  let fnCol = -1;
  let endCol = -1;
  let durCol = -1;
  const ids = new Map<string, number>();
  const names: Array<{ app: string; name: string }> = [];
  const arrival = new FloatList();
  const duration = new FloatList();
  const fn = new IntList();
  let lastEnd = 0;
  const onHeader = (header: Header) => {
    appCol = header.require('app');
    fnCol = header.require('func');
    endCol = header.require('end_timestamp');
    durCol = header.require('duration');
  };
  const header = forEachRow(file, onHeader, (cells, lineNumber) => {
    const app = cells[appCol];
    const name = cells[fnCol];
    if (!app || !name) throw new TraceFormatError(file, lineNumber, 'row has no app/func');
    const end = numberCell(cells[endCol], file, lineNumber, 'end_timestamp');
    const seconds = numberCell(cells[durCol], file, lineNumber, 'duration');
    if (seconds < 0) throw new TraceFormatError(file, lineNumber, `duration is negative: ${seconds}`);
    const id = `${app}/${name}`;
    let index = ids.get(id);
    if (index === undefined) {
      index = names.length;
      ids.set(id, index);
      names.push({ app, name });
    }
    // An invocation that started before the trace window is clamped to its start.
    arrival.push(Math.max(0, (end - seconds) * 1000));
    duration.push(seconds * 1000);
    fn.push(index);
    if (end > lastEnd) lastEnd = end;
  });
  if (header === undefined) throw new TraceFormatError(file, undefined, 'the file is empty');

  const n = arrival.length;
  const arrivals = arrival.toArray();
  const durations = duration.toArray();
  const fns = fn.toArray();
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Stable on ties (by row), so the result does not depend on the engine's sort.
  order.sort((a, b) => arrivals[a] - arrivals[b] || a - b);
  const counts = new Float64Array(names.length);
  const sums = new Float64Array(names.length);
  for (let i = 0; i < n; i++) {
    counts[fns[i]]++;
    sums[fns[i]] += durations[i];
  }
  const average = options.durations === 'average';
  const time = Float64Array.from(order, (i) => arrivals[i]);
  const durationMs = Float64Array.from(order, (i) => (average ? sums[fns[i]] / counts[fns[i]] : durations[i]));
  const fnSorted = Int32Array.from(order, (i) => fns[i]);
  const functions: TraceFunction[] = names.map(({ app, name }, i) => ({
    id: `${app}/${name}`,
    name,
    app,
    trigger: undefined,
    memoryMb: undefined,
    invocations: counts[i],
    meanDurationMs: counts[i] > 0 ? sums[i] / counts[i] : 0,
  }));

  return {
    name: basename(file).replace(/\.csv$/i, ''),
    format: 'azure2021',
    files: [file],
    functions,
    startMs: 0,
    endMs: Math.ceil((lastEnd * 1000) / 60_000) * 60_000,
    invocations: n,
    citation: AZURE_2021_CITATION,
    arrivalRule: 'arrival = end_timestamp − duration, as recorded',
    durationRule: average
      ? 'average: every invocation lasts its function’s mean recorded duration'
      : 'distribution: as recorded per invocation',
    arrivals: () => new SliceSource(time, fnSorted, durationMs),
  };
}

class SliceSource implements ArrivalSource {
  private at = 0;
  constructor(
    private readonly time: Float64Array,
    private readonly fn: Int32Array,
    private readonly duration: Float64Array,
  ) {}

  next(): ArrivalBatch | undefined {
    if (this.at >= this.time.length) return undefined;
    const from = this.at;
    const to = Math.min(this.time.length, from + BATCH);
    this.at = to;
    return {
      count: to - from,
      time: this.time.subarray(from, to),
      fn: this.fn.subarray(from, to),
      durationMs: this.duration.subarray(from, to),
    };
  }
}
