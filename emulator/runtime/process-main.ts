/**
 * Entry of one 'process' execution environment. It starts blank (so the emulator can keep a few ready), then on
 * `init` takes the environment's variables, loads the handler module once (the measured cold start) and serves
 * one invocation at a time until the emulator kills it.
 */
import { performance } from 'node:perf_hooks';
import { type Handler, registerTsx, resolveHandler, runHandler, toHandlerError } from './handler';
import { installLambdaConsole } from './lambda-console';
import type { FromRuntime, InitMessage, InvokeMessage, ToRuntime } from './messages';
import { importFile } from './native-import';

let envId = '';
let handler: Handler | undefined;
let current: InvokeMessage | undefined;
let initialising = false;

function send(message: FromRuntime): void {
  if (process.connected) process.send?.(message);
}

installLambdaConsole(
  () => current?.requestId,
  (text) => {
    if (!envId || !process.connected) return false;
    send({ type: 'log', envId, text });
    return true;
  },
);

/** Error codes of `require` meeting an ES module it cannot load (before Node 20.19, or one with top-level await). */
const NEEDS_IMPORT = new Set(['ERR_REQUIRE_ESM', 'ERR_REQUIRE_ASYNC_MODULE']);

async function loadModule(path: string): Promise<unknown> {
  // Lambda imports .mjs handlers; require would hand them to tsx's CommonJS transform, which rejects top-level await.
  if (path.endsWith('.mjs')) return importFile(path);
  try {
    return require(path);
  } catch (error) {
    if (NEEDS_IMPORT.has((error as NodeJS.ErrnoException).code ?? '')) return importFile(path);
    throw error;
  }
}

async function init(message: InitMessage): Promise<void> {
  envId = message.envId;
  Object.assign(process.env, message.env);
  try {
    process.chdir(message.cwd);
  } catch {}
  initialising = true;
  const started = performance.now();
  const cpu = process.cpuUsage();
  try {
    if (message.tsxHook) registerTsx(message.tsxHook, message.handlerPath);
    if (message.failInit !== undefined) throw new Error(message.failInit);
    const loaded = await loadModule(message.handlerPath);
    handler = resolveHandler(loaded, message.handlerExport, message.handlerPath);
    initialising = false;
    send({ type: 'initDone', envId, initDurationMs: performance.now() - started, cpuMs: cpuMsSince(cpu) });
  } catch (error) {
    initialising = false;
    send({
      type: 'initDone',
      envId,
      initDurationMs: performance.now() - started,
      error: toHandlerError(error),
      cpuMs: cpuMsSince(cpu),
    });
  }
}

async function invoke(message: InvokeMessage): Promise<void> {
  if (!handler) return;
  current = message;
  process.env._X_AMZN_TRACE_ID = message.traceId;
  if (message.crashAfterMs !== undefined) {
    setTimeout(() => process.exit(1), message.crashAfterMs);
  }
  // The process serves one invocation at a time, so its CPU time over the invocation is the handler's.
  const cpu = process.cpuUsage();
  const outcome = await runHandler(handler, message);
  if (message.crashAfterMs !== undefined) process.exit(1);
  current = undefined;
  send({ type: 'result', envId, requestId: message.requestId, ...outcome, cpuMs: cpuMsSince(cpu) });
}

/** User and system CPU time of this process since `start`, in ms. */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function fatal(error: unknown): void {
  if (current) {
    const requestId = current.requestId;
    current = undefined;
    send({ type: 'result', envId, requestId, error: toHandlerError(error, 'Runtime.UnhandledError'), fatal: true });
  } else if (initialising) {
    send({ type: 'initDone', envId, initDurationMs: 0, error: toHandlerError(error) });
  }
  // Like the Lambda runtime: after an uncaught error the environment is not reused.
  setImmediate(() => process.exit(1));
}

process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);
// The emulator went away (stopped or crashed): an environment never outlives it.
process.on('disconnect', () => process.exit(0));
process.on('message', (message: ToRuntime) => {
  if (message.type === 'init') void init(message);
  else if (message.type === 'invoke') void invoke(message);
  else if (message.type === 'destroy') process.exit(0);
});
send({ type: 'ready' });
