import { countBusy, countInvocation, type Environment, environmentId, processEnvironment } from './environment';
import { ThermostatOptionsError } from './errors';
import { emfLine, type MetricDimension, type MetricsOptions, qualifierOf, startKind } from './metrics';
import {
  DEFAULT_MAX_HOLD_MS,
  type EnvironmentProof,
  type PingFormat,
  PROTOCOL_VERSION,
  type ProofEnvelope,
} from './protocol';
import { recognisePing, type WarmPing } from './recognise';
import type { LambdaContext } from './types';

/** What the `onPing` hook learns about the ping it runs for. */
export interface PingInfo {
  readonly format: PingFormat;
  readonly runId: string;
  readonly index: number;
  /** True when this ping is the environment's first invocation, i.e. it paid the cold start. */
  readonly firstInvocation: boolean;
}

export interface ThermostatOptions<TContext extends LambdaContext = LambdaContext> {
  /**
   * Deep warm: runs on every ping before the hold ends (open a connection pool, load a model). Its time counts in
   * the hold. If it throws, or is still running when the hold cap arrives, the ping still answers, with
   * `onPingError` in the proof.
   */
  readonly onPing?: (ping: PingInfo, context: TContext) => unknown;
  /** Also treat these events as pings (a warmer's custom payload); they are answered like any other ping. */
  readonly isPing?: (event: unknown, context: TContext) => boolean;
  /** Built-in formats to recognise. @default every format */
  readonly formats?: readonly PingFormat[];
  /** Time kept free before the function's timeout when holding. @default 250 */
  readonly marginMs?: number;
  /**
   * Longest hold, whatever a ping asks for. The default is just above the longest hold a Thermostat controller
   * asks for (`DEFAULT_MAX_HOLD_MS` in the ping protocol). @default 15250
   */
  readonly maxHoldMs?: number;
  /** Hold for pings whose format sets no deadline or delay (serverless-plugin-warmup, lambda-warmer). @default 75 */
  readonly defaultHoldMs?: number;
  /** Cold/warm metrics for real invocations, one EMF line each; `false` turns them off. @default {} */
  readonly metrics?: false | MetricsOptions;
  /** Clock (epoch ms). Injected by tests. @default Date.now */
  readonly now?: () => number;
  /** Waits `ms`, or until `signal` aborts. Injected by tests. @default a setTimeout */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Writes one line of output. Injected by tests. @default process.stdout.write */
  readonly write?: (line: string) => void;
  /** The execution environment's state. Injected by tests. @default this process's environment */
  readonly environment?: Environment;
}

/** A ping's answer: the proof, plus what OpenNext's warmer reads (`type`, `serverId`) when it sent the ping. */
export interface PingAnswer extends ProofEnvelope {
  readonly type?: 'warmer';
  readonly serverId?: string;
}

export interface Thermostat<TContext extends LambdaContext> {
  recognise(event: unknown, context: TContext): WarmPing | undefined;
  answer(ping: WarmPing, context: TContext): Promise<PingAnswer>;
  /** Counts a real invocation and writes its EMF line; never throws into the user's invocation. */
  /** Counts a real invocation starting now; returns its start (epoch ms) for `endReal`. */
  countReal(context: TContext): number;
  /** Ends a real invocation started at `startedAt` (epoch ms, from `countReal`): counts its handler time. */
  endReal(startedAt: number): void;
}

const ALL_FORMATS: readonly PingFormat[] = [
  'thermostat',
  'serverless-plugin-warmup',
  'lambda-warmer',
  'opennext',
  'thundra',
];
const DIMENSIONS: readonly MetricDimension[] = ['Qualifier', 'Version', 'InitType'];

function milliseconds(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0)) {
    throw new ThermostatOptionsError(`${name} must be a number of milliseconds >= 0, got ${String(value)}`);
  }
  return value;
}

function metricsSettings(metrics: false | MetricsOptions | undefined) {
  if (metrics === false) return undefined;
  const namespace = metrics?.namespace ?? 'Thermostat';
  // CloudWatch's namespace rules; `AWS/` is reserved for AWS services.
  if (!/^[\w.\-/#: ]{1,255}$/.test(namespace) || namespace.startsWith('AWS/')) {
    throw new ThermostatOptionsError(
      `metrics.namespace must be 1-255 letters, digits or . - _ / # : and space, not starting with AWS/, got "${namespace}"`,
    );
  }
  const dimensions = metrics?.dimensions ?? [];
  for (const dimension of dimensions) {
    if (!DIMENSIONS.includes(dimension) || dimensions.indexOf(dimension) !== dimensions.lastIndexOf(dimension)) {
      throw new ThermostatOptionsError(
        `metrics.dimensions takes each of ${DIMENSIONS.join(', ')} at most once, got "${String(dimension)}"`,
      );
    }
  }
  return {
    namespace,
    dimensions,
    proactiveAfterMs: milliseconds('metrics.proactiveInitAfterMs', metrics?.proactiveInitAfterMs, 10_000),
  };
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

function defaultWrite(line: string): void {
  // Raw stdout, not console.log: the runtime prefixes console lines, and CloudWatch only extracts EMF from a log
  // event that is the JSON document itself.
  process.stdout.write(`${line}\n`);
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

function remainingMs(context: Partial<LambdaContext> | undefined): number {
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : NaN;
  return Number.isFinite(remaining) ? remaining : Number.POSITIVE_INFINITY;
}

/** The behaviour shared by `withThermostat` and the middy middleware. Options are validated here, at wrap time. */
export function createThermostat<TContext extends LambdaContext>(
  options: ThermostatOptions<TContext> = {},
): Thermostat<TContext> {
  const marginMs = milliseconds('marginMs', options.marginMs, 250);
  const maxHoldMs = milliseconds('maxHoldMs', options.maxHoldMs, DEFAULT_MAX_HOLD_MS);
  const defaultHoldMs = milliseconds('defaultHoldMs', options.defaultHoldMs, 75);
  const formats = options.formats ?? ALL_FORMATS;
  for (const format of formats) {
    if (!ALL_FORMATS.includes(format)) {
      throw new ThermostatOptionsError(`formats takes ${ALL_FORMATS.join(', ')}, got "${String(format)}"`);
    }
  }
  const metrics = metricsSettings(options.metrics);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const write = options.write ?? defaultWrite;
  const environment = options.environment ?? processEnvironment;
  const { onPing, isPing } = options;

  /** Runs the deep-warm hook, bounded by the hold cap so a hung hook cannot make the ping time out. */
  async function deepWarm(info: PingInfo, context: TContext, limitAt: number): Promise<string | undefined> {
    if (!onPing) return undefined;
    const budget = limitAt - now();
    const stop = new AbortController();
    try {
      const hook = Promise.resolve()
        .then(() => onPing(info, context))
        .then(() => 'done' as const);
      const outcome = Number.isFinite(budget)
        ? await Promise.race([hook, sleep(Math.max(0, budget), stop.signal).then(() => 'late' as const)])
        : await hook;
      return outcome === 'late' ? `onPing was still running when the hold cap arrived (${budget} ms)` : undefined;
    } catch (error) {
      return describeError(error);
    } finally {
      stop.abort();
    }
  }

  return {
    recognise(event, context) {
      const ping = recognisePing(event, context);
      if (ping && formats.includes(ping.format)) return ping;
      return isPing?.(event, context) ? { format: 'custom', runId: '', index: 0 } : undefined;
    },

    async answer(ping, context) {
      const arrivedAt = now();
      const firstInvocation = countInvocation(environment, 'ping', arrivedAt);
      const envId = environmentId(environment, context);
      // The hold never runs into the function's timeout (a timed-out ping is an error and resets the environment).
      const limitAt = arrivedAt + Math.min(maxHoldMs, remainingMs(context) - marginMs);
      const holdUntil = ping.request ? ping.request.holdUntil : arrivedAt + (ping.holdMs ?? defaultHoldMs);
      const onPingError = await deepWarm(
        { format: ping.format, runId: ping.runId, index: ping.index, firstInvocation },
        context,
        limitAt,
      );
      const wait = Math.min(holdUntil, limitAt) - now();
      if (wait > 0) await sleep(wait);
      const proof: EnvironmentProof = {
        envId,
        firstInvocation,
        initAt: environment.initAt,
        initDurationMs: environment.initDurationMs,
        initType: environment.initType,
        pingsServed: environment.pingsServed,
        realServed: environment.realServed,
        lastRealRequestAt: environment.lastRealRequestAt,
        realBusyMs: Math.round(environment.realBusyMs),
        ...(environment.longestIdleMs !== null && environment.shortestIdleMs !== null
          ? {
              longestIdleMs: Math.round(environment.longestIdleMs),
              shortestIdleMs: Math.round(environment.shortestIdleMs),
            }
          : {}),
        heldMs: now() - arrivedAt,
        runId: ping.runId,
        index: ping.index,
        functionName: context?.functionName ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? '',
        functionVersion: context?.functionVersion ?? process.env.AWS_LAMBDA_FUNCTION_VERSION ?? '',
        pingFormat: ping.format,
        ...(onPingError === undefined ? {} : { onPingError }),
      };
      const thermostat: ProofEnvelope['thermostat'] = { v: PROTOCOL_VERSION, proof };
      return ping.format === 'opennext' ? { thermostat, type: 'warmer', serverId: envId } : { thermostat };
    },

    endReal(startedAt) {
      countBusy(environment, startedAt, now());
    },

    countReal(context) {
      const at = now();
      try {
        const first = countInvocation(environment, 'real', at);
        environmentId(environment, context);
        if (!metrics) return at;
        write(
          emfLine({
            timestamp: at,
            namespace: metrics.namespace,
            dimensions: metrics.dimensions,
            functionName: context?.functionName || process.env.AWS_LAMBDA_FUNCTION_NAME || 'unknown',
            qualifier: qualifierOf(context?.invokedFunctionArn),
            version: context?.functionVersion || process.env.AWS_LAMBDA_FUNCTION_VERSION || 'unknown',
            initType: environment.initType,
            kind: startKind(first, environment, at, metrics.proactiveAfterMs),
          }),
        );
      } catch {
        // Accounting must never fail a real request; a lost metric line is the lesser harm.
      }
      return at;
    },
  };
}
