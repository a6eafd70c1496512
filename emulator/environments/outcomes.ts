import { type ChildProcess, fork } from 'node:child_process';
import type { InitDoneMessage, InitMessage, ResultMessage } from '../runtime/messages';
import {
  baseChildEnv,
  type EnvironmentStart,
  handlerTsxHook,
  type InitOutcome,
  type InvokeOutcome,
  isTypeScript,
  runsFromSources,
  runtimeEntry,
} from './backend';

/*
 * What the process and light backends say alike: the runtime they fork, the init message, and how init and
 * invoke end. Both must answer the emulator with the same errors, whichever kind of environment ran the handler.
 */

/** A runtime child with its own output piped and an IPC channel. */
export function forkRuntime(name: 'process-main' | 'light-main'): ChildProcess {
  const { file, execArgv } = runtimeEntry(name);
  const child = fork(file, [], { execArgv, env: baseChildEnv(), stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  child.on('error', sendFailed);
  return child;
}

/**
 * A message sent to a runtime that is exiting fails (EPIPE, or its channel already closed) and Node reports it as the
 * child's 'error': its 'exit' event, which follows, settles every environment it ran, so the send needs nothing more
 * (unheard, the report would end the emulator's process). Any other error is thrown, as Node would.
 */
export function sendFailed(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE' || error.code === 'ERR_IPC_CHANNEL_CLOSED') return;
  throw error;
}

/** The message that loads an environment's handler in the runtime. */
export function initMessage(start: EnvironmentStart): InitMessage {
  const needsTsx = isTypeScript(start.handlerPath) && !runsFromSources();
  return {
    type: 'init',
    envId: start.envId,
    handlerPath: start.handlerPath,
    handlerExport: start.handlerExport,
    env: start.env,
    cwd: start.cwd,
    tsxHook: needsTsx ? handlerTsxHook() : undefined,
    failInit: start.failInit,
  };
}

/** The runtime could not be started for this environment. */
export function startFailed(error: unknown): InitOutcome {
  return {
    ok: false,
    initDurationMs: 0,
    spawnMs: 0,
    error: { errorType: 'Runtime.StartFailed', errorMessage: (error as Error).message },
  };
}

/** The runtime went away before init finished. */
export function initExited(reason: string, spawnMs: number): InitOutcome {
  return { ok: false, initDurationMs: 0, spawnMs, error: { errorType: 'Runtime.ExitError', errorMessage: reason } };
}

/** The CPU time a runtime message carries, when its environment measures one (process environments). */
function cpuOf(message: { readonly cpuMs?: number }): { readonly cpuMs?: number } {
  return message.cpuMs === undefined ? {} : { cpuMs: message.cpuMs };
}

export function initDone(message: InitDoneMessage, spawnMs: number): InitOutcome {
  const cpu = cpuOf(message);
  return message.error
    ? { ok: false, initDurationMs: message.initDurationMs, spawnMs, error: message.error, ...cpu }
    : { ok: true, initDurationMs: message.initDurationMs, spawnMs, ...cpu };
}

/** An invoke on an environment whose runtime is already gone. */
export function environmentGone(): Promise<InvokeOutcome> {
  return Promise.resolve({
    error: { errorType: 'Runtime.ExitError', errorMessage: 'the environment is gone' },
    fatal: true,
  });
}

/** The one invocation an environment serves at a time, settled by its result or by the runtime's exit. */
export class PendingInvoke {
  private pending: { requestId: string; resolve: (outcome: InvokeOutcome) => void } | undefined;

  /** Registers the invocation, then sends it. */
  start(requestId: string, send: () => void): Promise<InvokeOutcome> {
    return new Promise((resolve) => {
      this.pending = { requestId, resolve };
      send();
    });
  }

  /** Settles the invocation the result answers; false when the result is for no pending invocation. */
  settle(message: ResultMessage): boolean {
    const pending = this.pending;
    if (!pending || pending.requestId !== message.requestId) return false;
    this.pending = undefined;
    const cpu = cpuOf(message);
    pending.resolve(
      message.error
        ? { error: message.error, fatal: message.fatal === true, ...cpu }
        : { payload: message.payload ?? 'null', ...cpu },
    );
    return true;
  }

  /** Fails the invocation because the runtime exited; false when none was pending. */
  exited(reason: string): boolean {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return false;
    pending.resolve({
      error: { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${pending.requestId} Error: ${reason}` },
      fatal: true,
    });
    return true;
  }

  /** Drops the invocation without answering it (the environment is being destroyed). */
  forget(): void {
    this.pending = undefined;
  }
}
