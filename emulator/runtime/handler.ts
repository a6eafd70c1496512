import type { HandlerError, InvokeMessage } from './messages';

export type Handler = (event: unknown, context: LambdaContext, callback?: Callback) => unknown;
type Callback = (error?: unknown, result?: unknown) => void;

/** The `context` object of the Node.js Lambda runtime. */
export interface LambdaContext {
  callbackWaitsForEmptyEventLoop: boolean;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly identity: undefined;
  readonly clientContext: unknown;
  getRemainingTimeInMillis(): number;
  done(error?: unknown, result?: unknown): void;
  fail(error: unknown): void;
  succeed(result: unknown): void;
}

/** A TypeScript handler without tsx installed: its init fails the way Lambda's does for a module it cannot load. */
export class TypeScriptLoaderMissingError extends Error {
  override readonly name = 'Runtime.ImportModuleError';
}

/** Registers tsx's CommonJS hook, which compiles TypeScript handlers as they load. */
export function registerTsx(hook: string, handlerPath: string): void {
  try {
    require(hook);
  } catch (error) {
    throw new TypeScriptLoaderMissingError(
      `${handlerPath} is TypeScript, which the emulator loads through tsx: install it (npm install --save-dev tsx) or compile the handler to JavaScript`,
      { cause: error },
    );
  }
}

/** The error shape Lambda returns as the payload of a failed invocation. */
export function toHandlerError(error: unknown, fallbackType = 'Error'): HandlerError {
  if (error instanceof Error) {
    return {
      errorType: error.name || fallbackType,
      errorMessage: error.message,
      trace: (error.stack ?? '').split('\n'),
    };
  }
  if (typeof error === 'string') return { errorType: 'string', errorMessage: error };
  return { errorType: fallbackType, errorMessage: JSON.stringify(error) ?? String(error) };
}

/** Finds the exported function (`handler`, or a dotted path such as `api.handler`). */
export function resolveHandler(moduleExports: unknown, exportPath: string, file: string): Handler {
  let value: unknown = moduleExports;
  for (const part of exportPath.split('.')) {
    value =
      value !== null && (typeof value === 'object' || typeof value === 'function')
        ? Reflect.get(value, part)
        : undefined;
  }
  if (typeof value !== 'function') {
    const error = new Error(`${file} does not export a function "${exportPath}"`);
    error.name = 'Runtime.HandlerNotFound';
    throw error;
  }
  return value as Handler;
}

export type Outcome = { readonly payload: string } | { readonly error: HandlerError };

function serialise(result: unknown): Outcome {
  try {
    return { payload: JSON.stringify(result === undefined ? null : result) };
  } catch (error) {
    return { error: { errorType: 'Runtime.MalformedHandlerReturnValue', errorMessage: (error as Error).message } };
  }
}

function parseEvent(payload: string): unknown {
  return payload.trim() === '' ? {} : JSON.parse(payload);
}

function parseClientContext(encoded: string | undefined): unknown {
  if (encoded === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Runs one invocation the way the Node.js runtime does: an async handler's promise, or a callback for
 * three-argument handlers, whichever settles first.
 */
export function runHandler(handler: Handler, message: InvokeMessage): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    const finish = (error: unknown, result: unknown) => {
      if (settled) return;
      settled = true;
      resolve(error !== undefined && error !== null ? { error: toHandlerError(error) } : serialise(result));
    };
    const callback: Callback = (error, result) => finish(error, result);
    const context: LambdaContext = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: message.functionName,
      functionVersion: message.functionVersion,
      invokedFunctionArn: message.invokedFunctionArn,
      memoryLimitInMB: message.memoryLimitInMB,
      awsRequestId: message.requestId,
      logGroupName: message.logGroupName,
      logStreamName: message.logStreamName,
      identity: undefined,
      clientContext: parseClientContext(message.clientContext),
      getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
      done: callback,
      fail: (error) => callback(error ?? new Error('failed')),
      succeed: (result) => callback(undefined, result),
    };
    try {
      const event = parseEvent(message.payload);
      const returned = handler(event, context, callback);
      if (
        returned !== null &&
        typeof returned === 'object' &&
        typeof (returned as Promise<unknown>).then === 'function'
      ) {
        (returned as Promise<unknown>).then(
          (result) => finish(undefined, result),
          (error: unknown) => finish(error ?? new Error('handler rejected without a reason'), undefined),
        );
      } else if (handler.length < 3) {
        finish(undefined, returned);
      }
    } catch (error) {
      finish(error ?? new Error('handler threw without a reason'), undefined);
    }
  });
}
