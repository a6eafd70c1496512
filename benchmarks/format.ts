/** Number and table formatting shared by the sections of BENCHMARKS.md. */
import type { z } from 'zod';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function int(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : integer.format(value);
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 1_000) return `${(value / 1000).toFixed(2)} s`;
  if (value >= 10) return `${Math.round(value)} ms`;
  return `${value.toFixed(1)} ms`;
}

export function mb(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${value.toFixed(value < 1 ? 2 : 1)} MB`;
}

export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** A share as a percentage with three significant digits (cold shares span 0.0008 % to 100 %). */
export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (value === 0) return '0 %';
  return `${Number((value * 100).toPrecision(3))} %`;
}

export function ratio(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : `×${value.toFixed(2)}`;
}

export function usd(value: number): string {
  return value >= 1 ? `$${value.toFixed(2)}` : `$${value.toPrecision(3)}`;
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const cellText = (cell: string) => cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const line = (cells: readonly string[]) => `| ${cells.map(cellText).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The part of a benchmark step a section reads. */
export interface StepLike {
  readonly status: 'ok' | 'failed' | 'skipped';
  readonly output?: unknown;
  readonly reason?: string;
}

/** A step's output read through its schema, or why there is nothing to show. */
export function parseStep<T>(schema: z.ZodType<T>, step: StepLike | undefined): { value?: T; problem?: string } {
  if (!step) return { problem: 'not part of this run' };
  if (step.status === 'skipped') return { problem: `skipped: ${step.reason ?? 'no reason given'}` };
  if (step.status === 'failed') return { problem: `**failed**: ${step.reason ?? 'no reason given'}` };
  const result = schema.safeParse(step.output);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { problem: `output not in the expected shape (${issue?.path.join('.') || 'top level'}: ${issue?.message})` };
  }
  return { value: result.data };
}
