/**
 * A service error as AWS returns it. The HTTP layer renders it in the wire shape of the protocol that was called
 * (restJson1 header + body for Lambda, `__type` for the JSON RPC services), so the SDK raises its typed exception.
 */
export class AwsError extends Error {
  override readonly name = 'AwsError';
  constructor(
    /** The exception's shape name, e.g. `ResourceNotFoundException`. */
    readonly code: string,
    message: string,
    readonly status: number,
    /** Extra members of the error shape, e.g. `Reason` of TooManyRequestsException. */
    readonly members: Readonly<Record<string, unknown>> = {},
    /** Extra response headers, e.g. `retry-after`. */
    readonly headers: Readonly<Record<string, string>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** True for 5xx: rendered with `Type: Service` instead of `User`. */
  get isServerFault(): boolean {
    return this.status >= 500;
  }
}

/** Bad emulator options or manifest: names the field and says how to fix it. */
export class EmulatorConfigError extends Error {
  override readonly name = 'EmulatorConfigError';
}

/** The emulator could not start or stop cleanly (port in use, a child that would not start). */
export class EmulatorRuntimeError extends Error {
  override readonly name = 'EmulatorRuntimeError';
}

export type ThrottleReason =
  | 'ConcurrentInvocationLimitExceeded'
  | 'ReservedFunctionConcurrentInvocationLimitExceeded'
  | 'FunctionInvocationRateLimitExceeded'
  | 'CallerRateLimitExceeded';

/** Constructors for the Lambda errors the emulator raises, with AWS's status codes and wording. */
export const lambdaErrors = {
  notFound: (message: string) => new AwsError('ResourceNotFoundException', message, 404, { Type: 'User' }),
  invalidParameter: (message: string) => new AwsError('InvalidParameterValueException', message, 400, { Type: 'User' }),
  conflict: (message: string) => new AwsError('ResourceConflictException', message, 409, { Type: 'User' }),
  pcNotFound: (message: string) =>
    new AwsError('ProvisionedConcurrencyConfigNotFoundException', message, 404, { Type: 'User' }),
  tooManyRequests: (reason: ThrottleReason, message = 'Rate Exceeded.') =>
    new AwsError('TooManyRequestsException', message, 429, { Type: 'User', Reason: reason }, { 'retry-after': '1' }),
  requestTooLarge: (limit: number) =>
    new AwsError(
      'RequestTooLargeException',
      `Request must be smaller than ${limit} bytes for the InvokeFunction operation`,
      413,
      { Type: 'User' },
    ),
  invalidContent: (message: string) => new AwsError('InvalidRequestContentException', message, 400, { Type: 'User' }),
  validation: (message: string) => new AwsError('ValidationException', message, 400),
  service: (message: string, status = 500) => new AwsError('ServiceException', message, status, { Type: 'Service' }),
};
