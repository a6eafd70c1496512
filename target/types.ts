/**
 * The parts of the Lambda runtime's context the helper reads. Declared here, not imported from `@types/aws-lambda`,
 * so the helper's published types need nothing installed; the real `Context` satisfies it.
 */
export interface LambdaContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly awsRequestId?: string;
  readonly logStreamName?: string;
  /** Present only for synchronous direct invocations that sent one (serverless-plugin-warmup does). */
  readonly clientContext?: { readonly custom?: unknown } | undefined;
  getRemainingTimeInMillis(): number;
}

/** The Node.js runtime's callback: `callback(error)` or `callback(null, result)`. */
export type LambdaCallback<TResult> = (error?: Error | string | null, result?: TResult) => void;

export type AsyncHandler<TEvent, TResult, TContext extends LambdaContext = LambdaContext> = (
  event: TEvent,
  context: TContext,
) => Promise<TResult>;

/** A handler declared with the callback; like the runtime, the wrapper also honours a promise it returns. */
export type CallbackHandler<TEvent, TResult, TContext extends LambdaContext = LambdaContext> = (
  event: TEvent,
  context: TContext,
  callback: LambdaCallback<TResult>,
  // biome-ignore lint/suspicious/noConfusingVoidType: as in @types/aws-lambda's Handler; `undefined` would reject handlers declared to return void
) => void | Promise<TResult>;
