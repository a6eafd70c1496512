import { join } from 'node:path';
import type { HandlerError, InvokeMessage } from '../runtime/messages';

/** What an environment needs to start: its id, variables and handler. */
export interface EnvironmentStart {
  readonly envId: string;
  readonly handlerPath: string;
  readonly handlerExport: string;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly failInit?: string;
}

/** CPU time the environment's process spent, where it has one of its own (process environments). */
interface CpuMeasured {
  readonly cpuMs?: number;
}

export type InitOutcome = CpuMeasured &
  (
    | { readonly ok: true; readonly initDurationMs: number; readonly spawnMs: number }
    | { readonly ok: false; readonly initDurationMs: number; readonly spawnMs: number; readonly error: HandlerError }
  );

export type InvokeOutcome = CpuMeasured &
  ({ readonly payload: string } | { readonly error: HandlerError; readonly fatal: boolean });

export interface EnvironmentHooks {
  /** Text the environment printed outside the patched console (e.g. a crash trace on stderr). */
  log(text: string): void;
  /** The environment died on its own while not serving a request. */
  lost(reason: string): void;
}

/** One execution environment as a backend runs it. */
export interface EnvironmentHandle {
  readonly pid: number | undefined;
  init(): Promise<InitOutcome>;
  invoke(message: InvokeMessage): Promise<InvokeOutcome>;
  destroy(): Promise<void>;
}

/** Runs execution environments of one kind. */
export interface Backend {
  create(start: EnvironmentStart, hooks: EnvironmentHooks): EnvironmentHandle;
  /** Ids of every child process this backend owns right now. */
  pids(): number[];
  stop(): Promise<void>;
}

/** The runtime entry file and Node flags, for both the TypeScript sources (via tsx) and the built dist. */
export function runtimeEntry(name: 'process-main' | 'light-main'): { file: string; execArgv: string[] } {
  const fromSources = __filename.endsWith('.ts');
  const file = join(__dirname, '..', 'runtime', `${name}${fromSources ? '.ts' : '.js'}`);
  return { file, execArgv: fromSources ? ['--require', tsxHook()] : [] };
}

export function runsFromSources(): boolean {
  return __filename.endsWith('.ts');
}

/** tsx's CommonJS hook, which loads TypeScript handlers (and the runtime itself when run from sources). */
export function tsxHook(): string {
  try {
    return require.resolve('tsx/cjs');
  } catch (error) {
    throw new Error('loading TypeScript needs the "tsx" package; install it or compile the handler to JavaScript', {
      cause: error,
    });
  }
}

/**
 * tsx's hook for loading a TypeScript handler, or its bare name when tsx is not installed here: the runtime then
 * fails that environment's init with an error naming what to install, instead of the emulator failing.
 */
export function handlerTsxHook(): string {
  try {
    return require.resolve('tsx/cjs');
  } catch {
    return 'tsx/cjs';
  }
}

/** Variables every child starts with; the rest comes from the environment's own set at init. */
export function baseChildEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: 'UTC',
  };
}

export function isTypeScript(file: string): boolean {
  return /\.[cm]?ts$/.test(file);
}
