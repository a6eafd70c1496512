/**
 * Messages between the emulator and the code that runs handlers (a child process per environment, or the light
 * host that holds many environments). Plain JSON over the IPC channel; imports nothing so the runtime stays small.
 */

export interface HandlerError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

export interface InitMessage {
  readonly type: 'init';
  readonly envId: string;
  readonly handlerPath: string;
  readonly handlerExport: string;
  /** The environment's variables (AWS_LAMBDA_*, the function's own, AWS_ENDPOINT_URL…). */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** Absolute path of tsx's CommonJS hook, when the handler is TypeScript and the runtime has not loaded it. */
  readonly tsxHook?: string;
  /** Fault injection: the init phase throws this message instead of loading the handler. */
  readonly failInit?: string;
}

export interface InvokeMessage {
  readonly type: 'invoke';
  readonly envId: string;
  readonly requestId: string;
  /** The raw request payload; empty means `{}`. */
  readonly payload: string;
  /** Epoch ms (real time) at which the invocation times out. */
  readonly deadline: number;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly traceId: string;
  readonly clientContext?: string;
  /** Fault injection: the environment dies this many ms into the invocation, or when the handler returns if sooner; the caller never gets a result. */
  readonly crashAfterMs?: number;
}

export interface DestroyMessage {
  readonly type: 'destroy';
  readonly envId: string;
}

export type ToRuntime = InitMessage | InvokeMessage | DestroyMessage;

export interface ReadyMessage {
  readonly type: 'ready';
}

export interface InitDoneMessage {
  readonly type: 'initDone';
  readonly envId: string;
  readonly initDurationMs: number;
  readonly error?: HandlerError;
  /** CPU time its process spent on it (process environments only: a light one shares its process). */
  readonly cpuMs?: number;
}

export interface LogMessage {
  readonly type: 'log';
  readonly envId: string;
  readonly text: string;
}

export interface ResultMessage {
  readonly type: 'result';
  readonly envId: string;
  readonly requestId: string;
  /** JSON text of the handler's return value. */
  readonly payload?: string;
  readonly error?: HandlerError;
  /** The environment cannot continue (uncaught exception, process.exit, injected crash). */
  readonly fatal?: boolean;
  /** CPU time its process spent on it (process environments only: a light one shares its process). */
  readonly cpuMs?: number;
}

/** A light environment died while no invocation was running (a timer called process.exit, say). */
export interface ExitMessage {
  readonly type: 'exit';
  readonly envId: string;
  readonly reason: string;
}

export type FromRuntime = ReadyMessage | InitDoneMessage | LogMessage | ResultMessage | ExitMessage;
