import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors';
import type { Io } from './io';

export interface Command {
  /** The word after `thermostat`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: readonly string[], io: Io): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;
const COMMON = { help: { type: 'boolean', short: 'h' }, debug: { type: 'boolean' } } as const;
type Parsed<T extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T & typeof COMMON; allowPositionals: true; strict: true }>
>;

/**
 * node:util parseArgs with the CLI's conventions: unknown options and bad values are usage errors (exit 2),
 * and `--help` / `--debug` are accepted by every command.
 */
export function parseCommandArgs<T extends Options>(argv: readonly string[], options: T): Parsed<T> {
  try {
    return parseArgs({
      args: [...argv],
      options: { ...options, ...COMMON },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''), {
      cause: error,
    });
  }
}

/** Parses a numeric option, naming the option when the value is not a number in range. */
export function numberOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, got "${value}"`);
  }
  return parsed;
}
