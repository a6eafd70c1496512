import type { InitType } from './protocol';
import type { LambdaContext } from './types';

/**
 * What one execution environment knows about itself. Lambda runs one invocation at a time per environment and keeps
 * module state between invocations, so a module-level instance is exactly "this environment".
 */
export interface Environment {
  /** AWS_LAMBDA_LOG_STREAM_NAME when set; otherwise filled from the first context (see `environmentId`). */
  envId: string | undefined;
  readonly initAt: number;
  readonly initDurationMs: number;
  readonly initType: InitType;
  invocations: number;
  pingsServed: number;
  realServed: number;
  /** Handler time of the real invocations that have finished, in ms. */
  realBusyMs: number;
  lastRealRequestAt: number | null;
  /** When the last finished real invocation ended (epoch ms), or null. */
  lastRealEndedAt: number | null;
  /**
   * The longest and shortest idle gap between real invocations (end of one to start of the next), or null before
   * two: whether traffic alone keeps this environment warm, exactly, where a ping sees only its last request.
   */
  longestIdleMs: number | null;
  shortestIdleMs: number | null;
}

export interface EnvironmentSource {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Epoch ms; the moment the environment counts as initialised. */
  readonly now?: () => number;
  /** Milliseconds since the process started. */
  readonly uptimeMs?: () => number;
}

const INIT_TYPES: ReadonlySet<string> = new Set(['on-demand', 'provisioned-concurrency', 'snap-start']);

export function parseInitType(value: string | undefined): InitType {
  const trimmed = value?.trim() ?? '';
  return INIT_TYPES.has(trimmed) ? (trimmed as InitType) : 'unknown';
}

export function createEnvironment(source: EnvironmentSource = {}): Environment {
  const env = source.env ?? process.env;
  const uptime = source.uptimeMs ?? (() => performance.now());
  return {
    envId: env.AWS_LAMBDA_LOG_STREAM_NAME || undefined,
    initAt: (source.now ?? Date.now)(),
    initDurationMs: Math.round(uptime()),
    initType: parseInitType(env.AWS_LAMBDA_INITIALIZATION_TYPE),
    invocations: 0,
    pingsServed: 0,
    realServed: 0,
    realBusyMs: 0,
    lastRealRequestAt: null,
    lastRealEndedAt: null,
    longestIdleMs: null,
    shortestIdleMs: null,
  };
}

/** This process's environment, created when the helper is loaded, i.e. during the function's init phase. */
export const processEnvironment: Environment = createEnvironment();

/**
 * The environment's id, fixed on first use. The log stream is unique per environment (AWS: "a single execution
 * environment writes to the same log stream during its lifetime"); outside Lambda a random id keeps proofs distinct.
 */
export function environmentId(environment: Environment, context: Partial<LambdaContext> | undefined): string {
  if (environment.envId === undefined) {
    const fromContext = context?.logStreamName;
    environment.envId = fromContext ? fromContext : `local/${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  }
  return environment.envId;
}

/** Counts one invocation and tells whether it was the environment's first. */
export function countInvocation(environment: Environment, kind: 'ping' | 'real', at: number): boolean {
  const first = environment.invocations === 0;
  environment.invocations += 1;
  if (kind === 'ping') {
    environment.pingsServed += 1;
  } else {
    environment.realServed += 1;
    environment.lastRealRequestAt = at;
    if (environment.lastRealEndedAt !== null) {
      const gap = Math.max(0, at - environment.lastRealEndedAt);
      environment.longestIdleMs = Math.max(environment.longestIdleMs ?? gap, gap);
      environment.shortestIdleMs = Math.min(environment.shortestIdleMs ?? gap, gap);
    }
  }
  return first;
}

/**
 * Adds a finished real invocation's handler time (the controller derives the function's load from it) and notes
 * when it ended, where the next idle gap starts. A request that threw still ended: the caller counts it too.
 */
export function countBusy(environment: Environment, startedAt: number, endedAt: number): void {
  if (endedAt > startedAt) environment.realBusyMs += endedAt - startedAt;
  environment.lastRealEndedAt = Math.max(environment.lastRealEndedAt ?? endedAt, endedAt);
}
