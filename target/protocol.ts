/**
 * The Thermostat ping protocol, version 1: what the controller sends and what the target helper answers.
 * Shared by both sides; imports nothing so the target helper stays a few kilobytes.
 *
 * Request (a direct Invoke payload, InvocationType RequestResponse):
 *   { "thermostat": { "v": 1, "ping": { "runId": "…", "index": 0, "of": 5, "holdUntil": 1764000000000 } } }
 * `holdUntil` (epoch ms) is a deadline shared by every ping of a round: each is held until then so all are in
 * flight together, which forces Lambda to place them on distinct execution environments.
 *
 * Response (the function's return value):
 *   { "thermostat": { "v": 1, "proof": { …EnvironmentProof } } }
 */

export const PROTOCOL_VERSION = 1;

/**
 * The longest hold a Thermostat controller asks for: a round's `holdUntil` is never more than this after the round
 * is sent. It is the policy's largest `holdMs` (10 s) plus the controller's cold-start allowance (1 s) plus its
 * dispatch allowance of 2 ms per ping for the largest round it can send (2000 pings, its socket pool's cap). A test
 * (test/target/protocol.test.ts) derives the same bound from the controller's own constants and fails when the
 * controller could ask for more.
 */
export const LONGEST_REQUESTED_HOLD_MS = 15_000;

/**
 * The target helper's default hold cap: just above the longest hold the controller asks for, so a genuine round is
 * never cut short, while a ping asking for more (another sender, a wrong clock) holds the environment no longer.
 * The margin covers clock differences between the controller's host and the function's.
 */
export const DEFAULT_MAX_HOLD_MS = LONGEST_REQUESTED_HOLD_MS + 250;

export interface PingRequest {
  readonly runId: string;
  /** 0-based position of this ping in its round. */
  readonly index: number;
  /** Number of pings in the round. */
  readonly of: number;
  /** Epoch milliseconds until which the target holds the ping. */
  readonly holdUntil: number;
}

export interface PingEnvelope {
  readonly thermostat: { readonly v: typeof PROTOCOL_VERSION; readonly ping: PingRequest };
}

export type InitType = 'on-demand' | 'provisioned-concurrency' | 'snap-start' | 'unknown';

/**
 * Payload formats the target helper recognises as pings: Thermostat's own, and those of the warmers users migrate
 * from (@middy/warmup's default detects the serverless-plugin-warmup format), plus the user's own `isPing` rule.
 */
export type PingFormat =
  | 'thermostat'
  | 'serverless-plugin-warmup'
  | 'lambda-warmer'
  | 'opennext'
  | 'thundra'
  | 'custom';

/** The payload families the controller can send (the policy's `warm.payload`, custom JSON aside). */
export type PingFlavour = 'thermostat' | 'serverless-plugin-warmup' | 'lambda-warmer' | 'middy';

/** What one execution environment proves about itself when it answers a ping. */
export interface EnvironmentProof {
  /** Stable id of the environment: AWS_LAMBDA_LOG_STREAM_NAME (unique per environment). */
  readonly envId: string;
  /** True when this ping was the environment's first invocation, i.e. the ping itself paid the cold start. */
  readonly firstInvocation: boolean;
  /** Epoch ms when the environment's module was initialised. */
  readonly initAt: number;
  /** Milliseconds from process start to the helper being loaded (the part of init the helper can see). */
  readonly initDurationMs: number;
  readonly initType: InitType;
  /** Pings this environment has answered, this one included. */
  readonly pingsServed: number;
  /** Real (non-ping) invocations this environment has served. */
  readonly realServed: number;
  /** Epoch ms of the last real invocation this environment served, or null if none. */
  readonly lastRealRequestAt: number | null;
  /**
   * Handler time (ms) of the real invocations this environment finished: with `realServed` and `initAt`, the load
   * real traffic puts on it, for free (absent from helpers older than this field).
   */
  readonly realBusyMs?: number;
  /**
   * The longest and shortest idle gap (ms) between this environment's real invocations, end of one to start of the
   * next, once it has served two (absent before, and from helpers older than these fields): whether its own traffic
   * keeps it warm.
   */
  readonly longestIdleMs?: number;
  readonly shortestIdleMs?: number;
  /** How long this ping was held, in ms (onPing hook time included). */
  readonly heldMs: number;
  readonly runId: string;
  readonly index: number;
  readonly functionName: string;
  readonly functionVersion: string;
  /** Which payload format the ping arrived in (absent from helpers older than this field). */
  readonly pingFormat?: PingFormat;
  /** Set when the `onPing` (deep warm) hook threw or outran the hold cap: the environment is warm, the hook is not. */
  readonly onPingError?: string;
}

export interface ProofEnvelope {
  readonly thermostat: { readonly v: typeof PROTOCOL_VERSION; readonly proof: EnvironmentProof };
}

/** Builds the payload of one ping. */
export function pingPayload(ping: PingRequest): PingEnvelope {
  return { thermostat: { v: PROTOCOL_VERSION, ping } };
}

/**
 * Builds one ping in the format of another warmer, so targets still running that warmer's code short-circuit it.
 * The Thermostat ping rides along in a `thermostat` field: those tools ignore it, while a target already moved to the
 * Thermostat helper holds to `holdUntil` and answers with its proof. `middy` is @middy/warmup's default detector,
 * i.e. the serverless-plugin-warmup payload. lambda-warmer gets `concurrency: 1` so the target never fans out by
 * itself (the controller does), and its fan-out copy fields so its logs number the pings.
 */
export function flavouredPingPayload(flavour: PingFlavour, ping: PingRequest): Record<string, unknown> {
  const thermostat = { v: PROTOCOL_VERSION, ping };
  switch (flavour) {
    case 'thermostat':
      return { thermostat };
    case 'serverless-plugin-warmup':
    case 'middy':
      return { source: 'serverless-plugin-warmup', thermostat };
    case 'lambda-warmer':
      return {
        warmer: true,
        concurrency: 1,
        __WARMER_INVOCATION__: ping.index + 1,
        __WARMER_CONCURRENCY__: ping.of,
        __WARMER_CORRELATIONID__: ping.runId,
        thermostat,
      };
  }
}

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The ping inside a `thermostat` field (`{ v, ping }`), or undefined when the field is not a valid ping of a version
 * this helper speaks. Used for the whole-event envelope and for the field riding along a compatibility payload.
 */
export function readPingRequest(field: unknown): PingRequest | undefined {
  if (!isRecord(field)) return undefined;
  const { v, ping } = field;
  if (v !== PROTOCOL_VERSION || !isRecord(ping)) return undefined;
  const valid =
    typeof ping.runId === 'string' &&
    ping.runId.length > 0 &&
    ping.runId.length <= 128 &&
    Number.isInteger(ping.index) &&
    Number.isInteger(ping.of) &&
    (ping.index as number) >= 0 &&
    (ping.index as number) < (ping.of as number) &&
    typeof ping.holdUntil === 'number' &&
    Number.isFinite(ping.holdUntil);
  return valid ? (ping as unknown as PingRequest) : undefined;
}

/**
 * True only for a direct-invocation Thermostat ping of a version this helper speaks. The envelope must be the
 * whole event (exactly one key), so an API Gateway, ALB or SQS event whose body mentions "thermostat" never matches.
 */
export function isThermostatPing(event: unknown): event is PingEnvelope {
  return isRecord(event) && Object.keys(event).length === 1 && readPingRequest(event.thermostat) !== undefined;
}

/** True for a function's answer to a Thermostat ping; the controller validates the fields further. */
export function isProofEnvelope(value: unknown): value is ProofEnvelope {
  return (
    isRecord(value) &&
    isRecord(value.thermostat) &&
    value.thermostat.v === PROTOCOL_VERSION &&
    isRecord(value.thermostat.proof)
  );
}
