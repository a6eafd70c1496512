import type { DemoSettings } from './record';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Story milliseconds per real millisecond when a whole day plays in `durationMs`. */
export function compressionFactor(durationMs: number): number {
  return DAY_MS / durationMs;
}

/** Story hour (0–24) at a real offset into the demo. */
export function storyHour(settings: Pick<DemoSettings, 'durationMs'>, atMs: number): number {
  return (atMs / settings.durationMs) * 24;
}

/** The story instant at a real offset into the demo. */
export function storyTime(settings: Pick<DemoSettings, 'storyStart' | 'factor'>, atMs: number): Date {
  return new Date(Date.parse(settings.storyStart) + atMs * settings.factor);
}

/** "13:05" for a story hour. */
export function clockLabel(hour: number): string {
  const minutes = Math.min(24 * 60 - 1, Math.max(0, Math.round(hour * 60)));
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function storyDuration(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 1.5) return `${Math.round(ms / 1000)} s`;
  if (minutes < 90) return `${Math.round(minutes)} min`;
  return `${Math.round((minutes / 60) * 10) / 10} h`;
}

function realDuration(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms / 1000)} s`;
}

/** The sentence the demo prints (and the report repeats) so nobody mistakes the story clock for real time. */
export function describeCompression(settings: DemoSettings): string {
  return (
    `Time is compressed ${Math.round(settings.factor)}x: a 24-hour day plays in ${realDuration(settings.durationMs)} ` +
    `(1 real second = ${storyDuration(settings.factor * 1000)} of story time). The controller ticks every ` +
    `${realDuration(settings.tickMs)} (${storyDuration(settings.tickMs * settings.factor)} of story time) and the ` +
    `emulator reclaims an idle environment after ${realDuration(settings.idleReclaimMs)} ` +
    `(${storyDuration(settings.idleReclaimMs * settings.factor)}).`
  );
}
