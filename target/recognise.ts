import { isRecord, isThermostatPing, type PingFormat, type PingRequest, readPingRequest } from './protocol';

/** A recognised warm-up ping, whatever warmer sent it. */
export interface WarmPing {
  readonly format: PingFormat;
  /** The Thermostat request, when the ping is one or carries one alongside another warmer's marker. */
  readonly request?: PingRequest;
  /** How long the sender asks the target to hold, for formats that say so without a deadline (OpenNext, Thundra). */
  readonly holdMs?: number;
  readonly runId: string;
  readonly index: number;
}

type Recognised = WarmPing | undefined;
type Json = Record<string, unknown>;

export const SPW_SOURCE = 'serverless-plugin-warmup';

/** @thundra/warmup waits this long before its `wait=`, so Thundra's round sizes assume it. */
const THUNDRA_BASE_HOLD_MS = 100;

/**
 * The shape check behind the security rule: every key must belong to the format. Events from API Gateway, ALB,
 * SQS, EventBridge… carry their own keys (a marker can only hide inside `body` or `detail`), so they never pass.
 */
function onlyKeys(event: Json, allowed: readonly string[]): boolean {
  return Object.keys(event).every((key) => allowed.includes(key));
}

const isCount = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;
const optional = (value: unknown, test: (value: unknown) => boolean) => value === undefined || test(value);
const isString = (value: unknown) => typeof value === 'string';

function ride(format: PingFormat, event: Json, runId: string, index: number, holdMs?: number): WarmPing {
  const request = readPingRequest(event.thermostat);
  return request
    ? { format, request, runId: request.runId, index: request.index }
    : { format, runId, index, ...(holdMs === undefined ? {} : { holdMs }) };
}

/** serverless-plugin-warmup's default payload, which @middy/warmup's default `isWarmingUp` also detects. */
function serverlessPluginWarmup(event: Json): Recognised {
  return event.source === SPW_SOURCE && onlyKeys(event, ['source', 'thermostat'])
    ? ride('serverless-plugin-warmup', event, '', 0)
    : undefined;
}

const LAMBDA_WARMER_KEYS = [
  'warmer',
  'concurrency',
  'target',
  'test',
  // What lambda-warmer's root ping sends to its fan-out copies (they carry no `concurrency`).
  '__WARMER_INVOCATION__',
  '__WARMER_CONCURRENCY__',
  '__WARMER_CORRELATIONID__',
  'thermostat',
];

/** lambda-warmer: a rule's `{"warmer":true,"concurrency":N}` or one of its own fan-out copies. */
function lambdaWarmer(event: Json): Recognised {
  const valid =
    event.warmer === true &&
    onlyKeys(event, LAMBDA_WARMER_KEYS) &&
    // lambda-warmer reads the count with isNaN, so rules written with "5" work there and must work here.
    optional(event.concurrency, (value) => isCount(value) || (typeof value === 'string' && /^\d+$/.test(value))) &&
    optional(event.target, isString) &&
    optional(event.test, (value) => typeof value === 'boolean') &&
    optional(event.__WARMER_INVOCATION__, isCount) &&
    optional(event.__WARMER_CONCURRENCY__, isCount) &&
    optional(event.__WARMER_CORRELATIONID__, isString);
  if (!valid) return undefined;
  const invocation = (event.__WARMER_INVOCATION__ as number | undefined) ?? 1;
  return ride('lambda-warmer', event, (event.__WARMER_CORRELATIONID__ as string | undefined) ?? '', invocation - 1);
}

/** OpenNext's warmer: `{type:"warmer", warmerId, index, concurrency, delay}`; it expects a `serverId` back. */
function openNext(event: Json): Recognised {
  const valid =
    event.type === 'warmer' &&
    onlyKeys(event, ['type', 'warmerId', 'index', 'concurrency', 'delay']) &&
    isString(event.warmerId) &&
    isCount(event.index) &&
    isCount(event.concurrency) &&
    isCount(event.delay);
  return valid
    ? {
        format: 'opennext',
        runId: event.warmerId as string,
        index: event.index as number,
        holdMs: event.delay as number,
      }
    : undefined;
}

/**
 * Thundra's stat-aware strategy sends the JSON string `"#warmup wait=<ms>"`. Event sources deliver objects; a bare
 * string comes only from a direct invocation or from a payload the user shapes (a Step Functions `Payload`, an
 * EventBridge input transformer), and `formats` can turn this one off. Thundra's other rule, "any empty object is a
 * ping", is deliberately not
 * copied: `{}` carries no marker, and it is what a console test, a Step Functions task or a scheduled rule with no
 * input sends as real work, so treating it as a ping would silently drop real invocations.
 */
function thundra(event: string): Recognised {
  if (!/^#warmup(\s|$)/.test(event)) return undefined;
  const wait = /\bwait=(\d+)/.exec(event);
  return { format: 'thundra', runId: '', index: 0, holdMs: THUNDRA_BASE_HOLD_MS + (wait ? Number(wait[1]) : 0) };
}

/**
 * serverless-plugin-warmup also sends its payload as ClientContext (`{"custom": payload}`), which the Node.js runtime
 * exposes as `context.clientContext.custom`. Only a synchronous direct Invoke can set it, so its presence is itself
 * the proof that no event source is involved, whatever the event looks like (e.g. `payloadRaw`).
 */
function clientContextPing(context: unknown): Recognised {
  const custom = isRecord(context) && isRecord(context.clientContext) ? context.clientContext.custom : undefined;
  return isRecord(custom) && custom.source === SPW_SOURCE
    ? { format: 'serverless-plugin-warmup', runId: '', index: 0 }
    : undefined;
}

/**
 * Recognises a warm-up ping of any supported format; undefined means "a real event". Only direct-invocation
 * payloads of the exact expected shape qualify (see `onlyKeys`).
 */
export function recognisePing(event: unknown, context?: unknown): Recognised {
  if (typeof event === 'string') return thundra(event) ?? clientContextPing(context);
  if (isRecord(event)) {
    if (isThermostatPing(event)) {
      const { ping } = event.thermostat;
      return { format: 'thermostat', request: ping, runId: ping.runId, index: ping.index };
    }
    const found = serverlessPluginWarmup(event) ?? lambdaWarmer(event) ?? openNext(event);
    if (found) return found;
  }
  return clientContextPing(context);
}
