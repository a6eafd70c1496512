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
  /** How long this ping was held, in ms (onPing hook time included). */
  readonly heldMs: number;
  readonly runId: string;
  readonly index: number;
  readonly functionName: string;
  readonly functionVersion: string;
}

export interface ProofEnvelope {
  readonly thermostat: { readonly v: typeof PROTOCOL_VERSION; readonly proof: EnvironmentProof };
}

/** Builds the payload of one ping. */
export function pingPayload(ping: PingRequest): PingEnvelope {
  return { thermostat: { v: PROTOCOL_VERSION, ping } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * True only for a direct-invocation Thermostat ping of a version this helper speaks. The envelope must be the
 * whole event (exactly one key), so an API Gateway, ALB or SQS event whose body mentions "thermostat" never matches.
 */
export function isThermostatPing(event: unknown): event is PingEnvelope {
  if (!isRecord(event) || Object.keys(event).length !== 1 || !isRecord(event.thermostat)) return false;
  const { v, ping } = event.thermostat;
  if (v !== PROTOCOL_VERSION || !isRecord(ping)) return false;
  return (
    typeof ping.runId === 'string' &&
    ping.runId.length > 0 &&
    ping.runId.length <= 128 &&
    Number.isInteger(ping.index) &&
    Number.isInteger(ping.of) &&
    (ping.index as number) >= 0 &&
    (ping.index as number) < (ping.of as number) &&
    typeof ping.holdUntil === 'number' &&
    Number.isFinite(ping.holdUntil)
  );
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
