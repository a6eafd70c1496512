/**
 * Named errors of the controller. Each keeps the error that caused it (`cause`), so logs show the SDK's own
 * exception (name, HTTP status, request id) under ours.
 */

/** The controller's environment or configuration is unusable (missing table name, unreadable policy file…). */
export class ControllerConfigError extends Error {
  override readonly name = 'ControllerConfigError';
}

/** The state table could not be read or written; the whole tick is retried, since nothing safe can happen. */
export class StateStoreError extends Error {
  override readonly name = 'StateStoreError';
}

/** Work that would end after the invocation's time budget was not started (or was cut off); the next tick does it. */
export class TimeBudgetError extends Error {
  override readonly name = 'TimeBudgetError';
  constructor(
    message: string,
    options?: {
      cause?: unknown;
      /** The call waited for its turn under the control plane's rate limit, and that turn came too late. */
      rateLimited?: boolean;
    },
  ) {
    super(message, options);
    this.rateLimited = options?.rateLimited ?? false;
  }
  readonly rateLimited: boolean;
}

/** An AWS call answered without what the controller needs (a field the API documents as always present). */
export class UnexpectedResponseError extends Error {
  override readonly name = 'UnexpectedResponseError';
}

/** An AWS call gave no answer within its timeout (the tick still had time; other targets carry on). */
export class CallTimeoutError extends Error {
  override readonly name = 'CallTimeoutError';
}

/** A write (provisioned concurrency, scalable target) for one target failed. */
export class ActionError extends Error {
  override readonly name = 'ActionError';
  constructor(
    readonly target: string,
    readonly action: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What an unknown thrown value says about itself, for reports and logs. */
export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The SDK's error name (`TooManyRequestsException`, …) or `undefined` for a non-SDK value. */
export function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string'
    ? error.name
    : undefined;
}

/** HTTP status of an SDK error, when there was a response. */
export function httpStatus(error: unknown): number | undefined {
  const metadata = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata;
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}
