import type { InvocationResponse } from '@aws-sdk/client-lambda';
import type { EnvironmentProof } from '../../target/protocol';
import { errorName, httpStatus } from '../errors';
import { readProof } from './proof';

/**
 * What one ping came back with. A function error is never a success, whatever the HTTP status says; a response
 * without a valid proof is reported as such, not counted as an environment.
 */
export type PingOutcome =
  | { readonly kind: 'ok'; readonly proof?: EnvironmentProof; readonly executedVersion?: string }
  | { readonly kind: 'function-error'; readonly errorType: string; readonly message: string }
  | { readonly kind: 'throttled'; readonly reason?: string; readonly retryAfterMs?: number }
  | { readonly kind: 'timed-out'; readonly message: string }
  | { readonly kind: 'not-found'; readonly message: string }
  | { readonly kind: 'invalid-response'; readonly message: string }
  | { readonly kind: 'error'; readonly name: string; readonly message: string; readonly retryable: boolean };

export type PingOutcomeKind = PingOutcome['kind'];
export const PING_OUTCOME_KINDS: readonly PingOutcomeKind[] = [
  'ok',
  'function-error',
  'throttled',
  'timed-out',
  'not-found',
  'invalid-response',
  'error',
];

/** A count per outcome kind, all zero, in PING_OUTCOME_KINDS order. */
export function zeroOutcomes(): Record<PingOutcomeKind, number> {
  return Object.fromEntries(PING_OUTCOME_KINDS.map((kind) => [kind, 0])) as Record<PingOutcomeKind, number>;
}

function functionErrorBody(payload: Uint8Array | undefined): { errorType: string; message: string } {
  try {
    const body = JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString('utf8')) as {
      errorType?: unknown;
      errorMessage?: unknown;
    };
    return {
      errorType: typeof body.errorType === 'string' ? body.errorType : 'Error',
      message: typeof body.errorMessage === 'string' ? body.errorMessage : 'the function failed',
    };
  } catch {
    return { errorType: 'Error', message: 'the function failed' };
  }
}

/** Classifies an Invoke that returned (HTTP 200, possibly with X-Amz-Function-Error). */
export function classifyResponse(response: InvocationResponse, expectProof: boolean, runId: string): PingOutcome {
  if (response.FunctionError !== undefined) {
    const { errorType, message } = functionErrorBody(response.Payload);
    // Lambda reports a handler that ran past its timeout as a function error; it is a timeout to the user.
    if (errorType === 'Sandbox.Timedout' || /Task timed out after/.test(message)) {
      return { kind: 'timed-out', message: `the function timed out: ${message}` };
    }
    return { kind: 'function-error', errorType, message };
  }
  const executed = response.ExecutedVersion !== undefined ? { executedVersion: response.ExecutedVersion } : {};
  if (!expectProof) return { kind: 'ok', ...executed };
  const check = readProof(response.Payload, runId);
  if (!check.ok) return { kind: 'invalid-response', message: check.problem };
  return { kind: 'ok', proof: check.proof, ...executed };
}

const TIMEOUT_NAMES = new Set(['AbortError', 'TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNABORTED']);
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN']);

/** Classifies an Invoke that threw. */
export function classifyError(error: unknown): PingOutcome {
  const name = errorName(error) ?? 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  if (name === 'TooManyRequestsException') {
    const { Reason, retryAfterSeconds } = error as { Reason?: string; retryAfterSeconds?: string };
    const seconds = Number(retryAfterSeconds);
    return {
      kind: 'throttled',
      ...(Reason ? { reason: Reason } : {}),
      ...(Number.isFinite(seconds) && seconds > 0 ? { retryAfterMs: seconds * 1000 } : {}),
    };
  }
  if (name === 'ResourceNotFoundException') return { kind: 'not-found', message };
  if (TIMEOUT_NAMES.has(name) || (typeof code === 'string' && TIMEOUT_CODES.has(code))) {
    return { kind: 'timed-out', message: `no answer in time (${message})` };
  }
  const status = httpStatus(error);
  const retryable =
    (status !== undefined && status >= 500) ||
    (typeof code === 'string' && TRANSIENT_CODES.has(code)) ||
    name === 'ServiceException' ||
    name === 'ResourceNotReadyException';
  return { kind: 'error', name, message, retryable };
}
