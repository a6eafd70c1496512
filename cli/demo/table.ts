import { clockLabel, storyHour } from './compression';
import { formatUsd, ratioText } from './format';
import type { DemoRecord } from './record';
import { COPIES } from './record';
import { type CopySummary, overallWarmRatio, summarise } from './stats';

/** Text styling the tables may use; identity functions when colour is off. */
export interface Paint {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly red: (text: string) => string;
}

export const NO_PAINT: Paint = { bold: (t) => t, dim: (t) => t, green: (t) => t, yellow: (t) => t, red: (t) => t };

function paintRatio(paint: Paint, value: number | null, text: string): string {
  if (value === null) return text;
  if (value >= 0.95) return paint.green(text);
  return value >= 0.8 ? paint.yellow(text) : paint.red(text);
}

/** Pads plain text, then paints it, so ANSI codes never break the column widths. */
function cell(text: string, width: number, align: 'left' | 'right', paint?: (t: string) => string): string {
  const padded = align === 'left' ? text.padEnd(width) : text.padStart(width);
  return paint ? paint(padded) : padded;
}

/** A `width`-character bar showing how far through the day the demo is. */
export function progressBar(fraction: number, width = 24): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

export interface LiveState {
  readonly record: DemoRecord;
  /** Real milliseconds since the story day began. */
  readonly atMs: number;
  readonly phase: string;
  /** Live environments per function and copy at `atMs`. */
  readonly environments?: DemoRecord['snapshots'][number]['environments'];
  /** Provisioned concurrency allocated per function (managed copy) at `atMs`. */
  readonly provisioned?: DemoRecord['snapshots'][number]['provisioned'];
}

/** The block the terminal redraws while the demo runs. */
export function liveTable(state: LiveState, paint: Paint = NO_PAINT): string[] {
  const { record, atMs } = state;
  const hour = storyHour(record.settings, atMs);
  const rows = summarise(record);
  const nameWidth = Math.max(8, ...record.functions.map((f) => f.length));
  const lines = [
    `${paint.bold(`story ${clockLabel(hour)}`)}  ${cell(state.phase, 14, 'left')}  ${progressBar(atMs / record.settings.durationMs)}  ` +
      paint.dim(`${(atMs / 1000).toFixed(1)} s of ${(record.settings.durationMs / 1000).toFixed(0)} s`),
    paint.dim(
      `${cell('function', nameWidth, 'left')}  ${cell('copy', 9, 'left')}  ${cell('requests', 8, 'right')}  ` +
        `${cell('cold', 5, 'right')}  ${cell('warm', 6, 'right')}  ${cell('envs', 4, 'right')}  ${cell('pings', 6, 'right')}  ` +
        cell('prov', 4, 'right'),
    ),
  ];
  for (const row of rows) {
    const envs = state.environments?.[row.fn]?.[row.copy];
    const provisioned = row.copy === 'managed' ? state.provisioned?.[row.fn] : undefined;
    lines.push(
      `${cell(row.copy === 'managed' ? row.fn : '', nameWidth, 'left')}  ${cell(row.copy, 9, 'left')}  ` +
        `${cell(String(row.requests), 8, 'right')}  ${cell(String(row.coldStarts), 5, 'right')}  ` +
        `${cell(ratioText(row.warmRatio), 6, 'right', (t) => paintRatio(paint, row.warmRatio, t))}  ` +
        `${cell(envs === undefined ? '–' : String(envs), 4, 'right')}  ` +
        `${cell(row.copy === 'managed' ? String(row.pings) : '–', 6, 'right')}  ` +
        cell(provisioned === undefined ? '–' : String(provisioned), 4, 'right'),
    );
  }
  return lines;
}

/** What a log (non-TTY) gets every few seconds instead of the redrawn table: one line. */
export function plainProgressLine(state: LiveState): string {
  const { record, atMs } = state;
  const rows = summarise(record);
  const parts = record.functions.map((fn) => {
    const [managed, unmanaged] = COPIES.map((copy) => rows.find((r) => r.fn === fn && r.copy === copy)!);
    return (
      `${fn} managed ${ratioText(managed!.warmRatio)} warm (${managed!.coldStarts}/${managed!.requests} cold), ` +
      `unmanaged ${ratioText(unmanaged!.warmRatio)} (${unmanaged!.coldStarts}/${unmanaged!.requests} cold)`
    );
  });
  return `[story ${clockLabel(storyHour(record.settings, atMs))} ${state.phase}] ${parts.join('; ')}`;
}

/** The final per-function summary printed when the demo ends. */
export function summaryTable(rows: readonly CopySummary[], paint: Paint = NO_PAINT): string[] {
  const head = ['function', 'copy', 'requests', 'cold', 'warm', 'p50 added', 'p99 added', 'pings', 'ping cost'];
  const body = rows.map((r) => [
    r.fn,
    r.copy,
    String(r.requests),
    String(r.coldStarts),
    ratioText(r.warmRatio),
    `${Math.round(r.p50AddedMs)} ms`,
    `${Math.round(r.p99AddedMs)} ms`,
    r.copy === 'managed' ? String(r.pings) : '–',
    r.copy === 'managed' ? formatUsd(r.pingCostUsd) : '–',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: readonly string[], paints: readonly ((t: string) => string)[] = []) =>
    cells.map((c, i) => cell(c, widths[i]!, i < 2 ? 'left' : 'right', paints[i])).join('  ');
  return [
    paint.bold(line(head)),
    ...body.map((cells, i) => {
      const ratio = rows[i]!.warmRatio;
      const paints: ((t: string) => string)[] = [];
      paints[4] = (t) => paintRatio(paint, ratio, t);
      return line(cells, paints);
    }),
  ];
}

/** The one-line verdict: managed vs left alone, over all functions. */
export function headline(record: DemoRecord): string {
  const managed = overallWarmRatio(record, 'managed');
  const unmanaged = overallWarmRatio(record, 'unmanaged');
  return `Warm ratio over the day: managed ${ratioText(managed)}, left alone ${ratioText(unmanaged)}.`;
}
