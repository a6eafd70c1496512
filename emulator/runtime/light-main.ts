/**
 * Entry of the light host: one child process that holds many 'light' execution environments. Each environment
 * loads its own instance of the handler module (and of every local file it requires), sees its own
 * `process.env`, and prints to its own log stream; AsyncLocalStorage tells which environment is running.
 * Limits (documented): a CPU-bound handler blocks its neighbours and cannot be pre-empted on timeout, and
 * packages under node_modules are shared by all environments of the host.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { type Handler, registerTsx, resolveHandler, runHandler, toHandlerError } from './handler';
import { loadIsolated, type ModuleRegistry } from './isolated-loader';
import { installLambdaConsole } from './lambda-console';
import type { FromRuntime, InitMessage, InvokeMessage, ToRuntime } from './messages';

interface Instance {
  readonly envId: string;
  readonly env: Record<string, string | undefined>;
  readonly modules: ModuleRegistry;
  handler: Handler | undefined;
  current: InvokeMessage | undefined;
  dead: boolean;
}

const instances = new Map<string, Instance>();
const active = new AsyncLocalStorage<Instance>();
const hostEnv = process.env;
let tsxLoaded = false;

function send(message: FromRuntime): void {
  if (process.connected) process.send?.(message);
}

function envOf(): Record<string, string | undefined> {
  return active.getStore()?.env ?? hostEnv;
}

// Every read of process.env goes to the running environment's own variables.
process.env = new Proxy({} as NodeJS.ProcessEnv, {
  get: (_, key) => (typeof key === 'string' ? envOf()[key] : undefined),
  set: (_, key, value) => {
    if (typeof key === 'string') envOf()[key] = String(value);
    return true;
  },
  has: (_, key) => typeof key === 'string' && key in envOf(),
  deleteProperty: (_, key) => (typeof key === 'string' ? delete envOf()[key] : true),
  ownKeys: () => Reflect.ownKeys(envOf()),
  getOwnPropertyDescriptor: (_, key) => {
    const env = envOf();
    if (typeof key !== 'string' || !Object.hasOwn(env, key)) return undefined;
    return { value: env[key], writable: true, enumerable: true, configurable: true };
  },
});

installLambdaConsole(
  () => active.getStore()?.current?.requestId,
  (text) => {
    const instance = active.getStore();
    if (!instance) return false;
    if (!instance.dead) send({ type: 'log', envId: instance.envId, text });
    return true;
  },
);

class EnvironmentExit extends Error {
  override readonly name = 'Runtime.ExitError';
}

function crash(instance: Instance, error: unknown): void {
  if (instance.dead) return;
  instance.dead = true;
  const current = instance.current;
  instance.current = undefined;
  if (current) {
    send({
      type: 'result',
      envId: instance.envId,
      requestId: current.requestId,
      error: toHandlerError(error),
      fatal: true,
    });
  } else {
    send({ type: 'exit', envId: instance.envId, reason: error instanceof Error ? error.message : String(error) });
  }
}

// process.exit inside an environment ends that environment, not the host.
const hostExit = process.exit.bind(process);
process.exit = ((code?: number) => {
  const instance = active.getStore();
  if (!instance) return hostExit(code);
  crash(instance, new EnvironmentExit(`Runtime exited with error: exit status ${code ?? 0}`));
  throw new EnvironmentExit(`process.exit(${code ?? 0}) called in a light environment`);
}) as typeof process.exit;

function uncaught(error: unknown): void {
  const instance = active.getStore();
  // Outside any environment: the host itself failed; say so on its stderr rather than dying.
  if (instance) crash(instance, error);
  else process.stderr.write(`light host: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
}
process.on('uncaughtException', uncaught);
process.on('unhandledRejection', uncaught);

function init(message: InitMessage): void {
  const instance: Instance = {
    envId: message.envId,
    env: { ...hostEnv, ...message.env },
    modules: new Map(),
    handler: undefined,
    current: undefined,
    dead: false,
  };
  instances.set(message.envId, instance);
  const started = performance.now();
  active.run(instance, () => {
    try {
      if (message.tsxHook && !tsxLoaded) {
        registerTsx(message.tsxHook, message.handlerPath);
        tsxLoaded = true;
      }
      if (message.failInit !== undefined) throw new Error(message.failInit);
      const loaded = loadIsolated(message.handlerPath, instance.modules);
      instance.handler = resolveHandler(loaded, message.handlerExport, message.handlerPath);
      send({ type: 'initDone', envId: instance.envId, initDurationMs: performance.now() - started });
    } catch (error) {
      instance.dead = true;
      instances.delete(instance.envId);
      send({
        type: 'initDone',
        envId: instance.envId,
        initDurationMs: performance.now() - started,
        error: toHandlerError(error),
      });
    }
  });
}

function invoke(message: InvokeMessage): void {
  const instance = instances.get(message.envId);
  if (!instance?.handler || instance.dead) {
    send({
      type: 'result',
      envId: message.envId,
      requestId: message.requestId,
      error: { errorType: 'Runtime.ExitError', errorMessage: 'the environment is gone' },
      fatal: true,
    });
    return;
  }
  const handler = instance.handler;
  instance.current = message;
  instance.env._X_AMZN_TRACE_ID = message.traceId;
  active.run(instance, () => {
    if (message.crashAfterMs !== undefined) {
      setTimeout(
        () => crash(instance, new EnvironmentExit('Runtime exited with error: signal: killed')),
        message.crashAfterMs,
      );
    }
    void runHandler(handler, message).then((outcome) => {
      if (instance.dead || instance.current !== message) return;
      if (message.crashAfterMs !== undefined) {
        crash(instance, new EnvironmentExit('Runtime exited with error: signal: killed'));
        return;
      }
      instance.current = undefined;
      send({ type: 'result', envId: instance.envId, requestId: message.requestId, ...outcome });
    });
  });
}

process.on('disconnect', () => hostExit(0));
process.on('message', (message: ToRuntime) => {
  if (message.type === 'init') init(message);
  else if (message.type === 'invoke') invoke(message);
  else if (message.type === 'destroy') {
    const instance = instances.get(message.envId);
    if (instance) instance.dead = true;
    instances.delete(message.envId);
  }
});
send({ type: 'ready' });
