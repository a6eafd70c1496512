import type { Clock } from './clock';
import type { LogLine } from './logs';
import type { SettingsInput } from './spec';

/**
 * Options of `startEmulator`: the manifest's settings (see `spec.ts`) plus what only code can pass.
 *
 * @example
 * const emulator = await startEmulator({
 *   environment: 'light',
 *   idleTimeoutMs: 200,
 *   functions: [{ name: 'orders', handler: 'test/fixtures/emulator/echo.js', versions: { '1': {} }, aliases: { live: '1' } }],
 * });
 */
export interface EmulatorOptions extends SettingsInput {
  /** Drives idle reclaim, lifetimes, allocation delays, rate windows, metrics and Auto Scaling. @default realClock() */
  readonly clock?: Clock;
  /** Folder that relative handler paths start from. @default process.cwd() */
  readonly baseDir?: string;
  /** Receives every log line an environment prints (the CLI streams them). */
  readonly onLog?: (line: LogLine) => void;
  /** Source of randomness for weighted aliases, idle jitter and fault shares. @default Math.random */
  readonly random?: () => number;
}
