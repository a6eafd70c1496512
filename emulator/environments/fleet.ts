import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Clock } from '../clock';
import { lambdaErrors } from '../errors';
import type { FunctionRecord, FunctionRegistry, VersionConfig } from '../lambda/registry';
import type { LogStore } from '../logs';
import { parseEmf } from '../metrics/emf';
import type { LambdaMetrics, MetricResource } from '../metrics/lambda-metrics';
import type { MetricStore } from '../metrics/store';
import type { HandlerError, InvokeMessage } from '../runtime/messages';
import type { EnvironmentKind, Settings } from '../spec';
import type { Backend, InitOutcome, InvokeOutcome } from './backend';
import { Environment, environmentVariables, type InitType, logStreamName, type VariableContext } from './environment';

export interface FunctionCounts {
  /** Invocations that ran handler code (init failures included). */
  invocations: number;
  cold: number;
  warm: number;
  throttles: number;
  /** Invocations that ended in a function error (handler error, timeout, crash, init failure). */
  errors: number;
  timeouts: number;
  crashes: number;
  initFailures: number;
  provisionedInvocations: number;
  spillovers: number;
  environmentsCreated: number;
  /** Reclaimed after the idle timeout. */
  reclaimed: number;
  /** Retired at the end of their maximum lifetime. */
  retired: number;
}

export interface ExecuteRequest {
  readonly fn: FunctionRecord;
  readonly config: VersionConfig;
  readonly resource: MetricResource;
  readonly requestId: string;
  readonly payload: string;
  readonly invokedArn: string;
  readonly clientContext?: string;
  readonly failInit?: string;
  readonly crashAfterMs?: number;
}

/** What happened to one invocation. */
export interface Execution {
  readonly envId: string;
  readonly cold: boolean;
  readonly provisioned: boolean;
  readonly spillover: boolean;
  readonly payload?: string;
  readonly error?: HandlerError;
  /** The invocation's log, START to REPORT. */
  readonly lines: readonly string[];
  readonly durationMs: number;
}

interface Lease {
  readonly env: Environment;
  readonly cold: boolean;
  readonly spillover: boolean;
  readonly resource: MetricResource;
  fatal: boolean;
}

export interface FleetDeps {
  readonly clock: Clock;
  readonly settings: Settings;
  readonly random: () => number;
  readonly registry: FunctionRegistry;
  readonly logs: LogStore;
  readonly metrics: MetricStore;
  readonly lambdaMetrics: LambdaMetrics;
  readonly backend: (kind: EnvironmentKind) => Backend;
  readonly variables: () => VariableContext;
  /** Provisioned concurrency configured on functions without reserved concurrency (it holds account capacity). */
  readonly provisionedUnreserved: () => number;
  /** A provisioned environment died or retired and its configuration should replace it. */
  readonly onProvisionedLost: (pcKey: string) => void;
}

function emptyCounts(): FunctionCounts {
  return {
    invocations: 0,
    cold: 0,
    warm: 0,
    throttles: 0,
    errors: 0,
    timeouts: 0,
    crashes: 0,
    initFailures: 0,
    provisionedInvocations: 0,
    spillovers: 0,
    environmentsCreated: 0,
    reclaimed: 0,
    retired: 0,
  };
}

const TIMED_OUT = Symbol('timed out');

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
    // A stopped emulator abandons in-flight calls; their timers must not keep the process alive.
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function iso(): string {
  return new Date().toISOString();
}

/**
 * The execution environments of every function, and Lambda's rules for them: an idle environment of the same
 * version serves a request, else a new one starts (cold) if concurrency, reserved concurrency and the scaling
 * rate allow; idle environments are reclaimed, old ones retired, and a timeout or crash destroys one.
 */
export class Fleet {
  private readonly environments = new Set<Environment>();
  /** The same environments by function and version, so routing does not scan the whole fleet. */
  private readonly byVersion = new Map<string, Set<Environment>>();
  /** Provisioned environments by configuration: their metrics are noted on every invocation they serve. */
  private readonly byPcKey = new Map<string, Set<Environment>>();
  private readonly counts = new Map<string, FunctionCounts>();
  private readonly inFlight = new Map<string, { all: number; onDemand: number }>();
  private readonly resourceInFlight = new Map<string, number>();
  private readonly scaling = new Map<string, { tokens: number; at: number }>();
  private readonly pendingInits = new Set<Promise<unknown>>();
  private readonly destroying = new Set<Promise<void>>();
  private accountInFlight = 0;
  private closed = false;

  constructor(private readonly deps: FleetDeps) {}

  countsOf(functionName: string): FunctionCounts {
    let counts = this.counts.get(functionName);
    if (!counts) {
      counts = emptyCounts();
      this.counts.set(functionName, counts);
    }
    return counts;
  }

  list(): Environment[] {
    return [...this.environments];
  }

  inFlightOf(functionName: string): number {
    return this.inFlight.get(functionName)?.all ?? 0;
  }

  get accountConcurrency(): number {
    return this.accountInFlight;
  }

  // ---- data plane -------------------------------------------------------------------------------------------

  /** Runs one invocation end to end; throws TooManyRequestsException (429) when Lambda would throttle it. */
  async execute(request: ExecuteRequest): Promise<Execution> {
    const lease = this.reserve(request);
    try {
      if (lease.cold) {
        const init = await this.initialise(lease.env, request.failInit);
        if (!init.ok) return this.initFailed(lease, request, init);
      }
      return await this.run(lease, request);
    } finally {
      this.release(lease);
    }
  }

  private throttle(request: ExecuteRequest, reason: Parameters<typeof lambdaErrors.tooManyRequests>[0]): never {
    this.countsOf(request.fn.name).throttles += 1;
    this.deps.lambdaMetrics.throttle(request.resource);
    throw lambdaErrors.tooManyRequests(reason);
  }

  private reserve(request: ExecuteRequest): Lease {
    if (this.closed) throw lambdaErrors.service('The emulator is stopping.', 503);
    const { fn, config } = request;
    const reserved = fn.reservedConcurrency;
    const flight = this.inFlightCounter(fn.name);
    if (reserved !== undefined && flight.all >= reserved) {
      this.throttle(request, 'ReservedFunctionConcurrentInvocationLimitExceeded');
    }
    // One pass over this version's environments: this runs for every invocation.
    let idleProvisioned: Environment | undefined;
    let spillover = false;
    let idle: Environment | undefined;
    for (const env of this.byVersion.get(versionKey(fn.name, config.version)) ?? []) {
      if (env.retiring) continue;
      if (env.provisioned) {
        if (!env.available) continue;
        spillover = true;
        if (env.state === 'idle' && !idleProvisioned) idleProvisioned = env;
      } else if (env.state === 'idle' && (!idle || (env.lastUsedAt ?? 0) > (idle.lastUsedAt ?? 0))) {
        // The most recently used idle environment, as Lambda prefers.
        idle = env;
      }
    }
    if (idleProvisioned) return this.lease(idleProvisioned, request, false, false);

    if (reserved === undefined && this.unreservedInUse() >= this.unreservedPool()) {
      this.throttle(request, 'ConcurrentInvocationLimitExceeded');
    }
    if (idle) return this.lease(idle, request, false, spillover);
    if (!this.takeScalingToken(fn.name)) this.throttle(request, 'FunctionInvocationRateLimitExceeded');
    const env = this.create(config, 'on-demand', undefined);
    return this.lease(env, request, true, spillover);
  }

  private lease(env: Environment, request: ExecuteRequest, cold: boolean, spillover: boolean): Lease {
    if (env.idleTimer) this.deps.clock.clearTimeout(env.idleTimer);
    env.idleTimer = undefined;
    if (!cold) env.state = 'busy';
    const flight = this.inFlightCounter(request.fn.name);
    flight.all += 1;
    if (!env.provisioned) flight.onDemand += 1;
    this.accountInFlight += 1;
    const key = this.resourceKey(request.resource);
    this.resourceInFlight.set(key, (this.resourceInFlight.get(key) ?? 0) + 1);
    this.noteConcurrency(request.resource);
    if (env.pcKey) this.noteProvisioned(env.pcKey);
    return { env, cold, spillover, resource: request.resource, fatal: false };
  }

  private release(lease: Lease): void {
    const { env } = lease;
    const flight = this.inFlightCounter(env.functionName);
    flight.all -= 1;
    if (!env.provisioned) flight.onDemand -= 1;
    this.accountInFlight -= 1;
    const key = this.resourceKey(lease.resource);
    this.resourceInFlight.set(key, (this.resourceInFlight.get(key) ?? 1) - 1);
    this.noteConcurrency(lease.resource);
    env.current = undefined;
    if (!env.dead) {
      if (lease.fatal) this.destroy(env);
      else this.becomeIdle(env);
    }
    if (env.pcKey) this.noteProvisioned(env.pcKey);
  }

  private becomeIdle(env: Environment): void {
    const { clock, settings, random } = this.deps;
    env.state = 'idle';
    env.lastUsedAt = clock.now();
    if (env.retiring) {
      if (env.retiring === 'lifetime') this.countsOf(env.functionName).retired += 1;
      this.destroy(env);
      return;
    }
    if (!env.provisioned) {
      const jitter = settings.idleJitterMs > 0 ? Math.floor(random() * settings.idleJitterMs) : 0;
      const wait = settings.idleTimeoutMs + jitter;
      env.idleTimer = clock.setTimeout(() => {
        env.idleTimer = undefined;
        if (env.dead || env.state !== 'idle') return;
        this.countsOf(env.functionName).reclaimed += 1;
        this.destroy(env);
      }, wait);
    }
  }

  private async run(lease: Lease, request: ExecuteRequest): Promise<Execution> {
    const { env } = lease;
    const { config, requestId } = request;
    const counts = this.countsOf(config.functionName);
    counts.invocations += 1;
    if (lease.cold) counts.cold += 1;
    else counts.warm += 1;
    if (env.provisioned) counts.provisionedInvocations += 1;
    if (lease.spillover) counts.spillovers += 1;
    env.state = 'busy';
    env.invocations += 1;
    env.current = { requestId, lines: [] };
    const lines = env.current.lines;
    this.platformLine(env, requestId, `START RequestId: ${requestId} Version: ${config.version}`);
    const message: InvokeMessage = {
      type: 'invoke',
      envId: env.id,
      requestId,
      payload: request.payload,
      deadline: Date.now() + config.timeoutMs,
      functionName: config.functionName,
      functionVersion: config.version,
      invokedFunctionArn: request.invokedArn,
      memoryLimitInMB: String(config.memoryMb),
      logGroupName: `/aws/lambda/${config.functionName}`,
      logStreamName: env.id,
      traceId: traceHeader(),
      clientContext: request.clientContext,
      crashAfterMs: request.crashAfterMs,
    };
    const started = performance.now();
    const handle = env.handle!;
    const outcome: InvokeOutcome | typeof TIMED_OUT = await withTimeout(handle.invoke(message), config.timeoutMs);
    const durationMs = performance.now() - started;
    if (outcome !== TIMED_OUT && outcome.cpuMs !== undefined) {
      env.lastInvocationCpuMs = outcome.cpuMs;
      env.invocationsCpuMs = (env.invocationsCpuMs ?? 0) + outcome.cpuMs;
    }
    let payload: string | undefined;
    let error: HandlerError | undefined;
    if (outcome === TIMED_OUT) {
      counts.timeouts += 1;
      lease.fatal = true;
      const seconds = (config.timeoutMs / 1000).toFixed(2);
      error = {
        errorType: 'Sandbox.Timedout',
        errorMessage: `RequestId: ${requestId} Error: Task timed out after ${seconds} seconds`,
      };
      this.platformLine(env, requestId, `${iso()} ${requestId} Task timed out after ${seconds} seconds`);
    } else if ('payload' in outcome) {
      payload = outcome.payload;
    } else {
      error = outcome.error;
      if (outcome.fatal) {
        counts.crashes += 1;
        lease.fatal = true;
        this.platformLine(env, requestId, `${iso()}\t${requestId}\tERROR\t${JSON.stringify(error)}`);
      }
    }
    if (error) counts.errors += 1;
    this.platformLine(env, requestId, `END RequestId: ${requestId}`);
    const billed = Math.max(1, Math.ceil(durationMs));
    const init =
      lease.cold && env.initDurationMs !== undefined ? `\tInit Duration: ${env.initDurationMs.toFixed(2)} ms` : '';
    this.platformLine(
      env,
      requestId,
      `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${billed} ms\tMemory Size: ${config.memoryMb} MB\tMax Memory Used: ${Math.min(config.memoryMb, 64)} MB${init}`,
    );
    this.deps.lambdaMetrics.invocation(request.resource, {
      error: error !== undefined,
      durationMs,
      provisioned: env.provisioned,
      spillover: lease.spillover,
    });
    return {
      envId: env.id,
      cold: lease.cold,
      provisioned: env.provisioned,
      spillover: lease.spillover,
      payload,
      error,
      lines: [...lines],
      durationMs,
    };
  }

  private initFailed(lease: Lease, request: ExecuteRequest, init: InitOutcome & { ok: false }): Execution {
    const counts = this.countsOf(request.fn.name);
    counts.invocations += 1;
    counts.cold += 1;
    counts.errors += 1;
    lease.fatal = true;
    const { env } = lease;
    const lines = [
      `${iso()}\tundefined\tERROR\tUncaught Exception \t${JSON.stringify(init.error)}`,
      `INIT_REPORT Init Duration: ${init.initDurationMs.toFixed(2)} ms\tPhase: init\tStatus: error\tError Type: ${init.error.errorType}`,
    ];
    for (const line of lines) this.platformLine(env, request.requestId, line);
    this.deps.lambdaMetrics.invocation(request.resource, {
      error: true,
      durationMs: init.initDurationMs,
      provisioned: false,
      spillover: lease.spillover,
    });
    return {
      envId: env.id,
      cold: true,
      provisioned: false,
      spillover: lease.spillover,
      error: init.error,
      lines,
      durationMs: init.initDurationMs,
    };
  }

  // ---- environments -----------------------------------------------------------------------------------------

  private create(config: VersionConfig, initType: InitType, pcKey: string | undefined): Environment {
    const { clock, settings } = this.deps;
    const env = new Environment(
      logStreamName(config.version, clock.now()),
      config,
      config.kind,
      initType,
      pcKey,
      clock.now(),
    );
    this.environments.add(env);
    addTo(this.byVersion, versionKey(config.functionName, config.version), env);
    if (pcKey !== undefined) addTo(this.byPcKey, pcKey, env);
    this.countsOf(config.functionName).environmentsCreated += 1;
    env.lifetimeTimer = clock.setTimeout(() => {
      env.lifetimeTimer = undefined;
      if (env.dead) return;
      if (env.state === 'idle') {
        this.countsOf(env.functionName).retired += 1;
        this.destroy(env);
      } else {
        env.retiring = 'lifetime';
      }
    }, settings.maxLifetimeMs);
    return env;
  }

  /** Starts an environment's init phase: a child (or light instance) loads the handler. */
  private initialise(env: Environment, failInit: string | undefined): Promise<InitOutcome> {
    const { config } = env;
    const handle = this.deps.backend(env.kind).create(
      {
        envId: env.id,
        handlerPath: config.handlerPath,
        handlerExport: config.handlerExport,
        env: environmentVariables(config, env.id, env.initType, this.deps.variables()),
        cwd: dirname(config.handlerPath),
        failInit,
      },
      {
        log: (text) => {
          for (const line of env.splitter.push(text)) this.environmentLine(env, line);
        },
        lost: () => {
          if (env.dead) return;
          this.countsOf(env.functionName).crashes += 1;
          this.destroy(env);
        },
      },
    );
    env.handle = handle;
    const started = performance.now();
    const promise = withTimeout(handle.init(), this.deps.settings.initTimeoutMs).then((outcome): InitOutcome => {
      env.coldStartMs = performance.now() - started;
      if (outcome === TIMED_OUT) {
        const seconds = (this.deps.settings.initTimeoutMs / 1000).toFixed(2);
        return {
          ok: false,
          initDurationMs: this.deps.settings.initTimeoutMs,
          spawnMs: 0,
          error: { errorType: 'Sandbox.Timedout', errorMessage: `INIT phase timed out after ${seconds} seconds` },
        };
      }
      env.initDurationMs = outcome.initDurationMs;
      env.initCpuMs = outcome.cpuMs;
      env.spawnMs = outcome.spawnMs;
      if (!outcome.ok) this.countsOf(env.functionName).initFailures += 1;
      return outcome;
    });
    this.pendingInits.add(promise);
    void promise.finally(() => this.pendingInits.delete(promise));
    return promise;
  }

  /** Starts one provisioned environment; resolves once its init is done (true) or failed (false). */
  async startProvisioned(
    config: VersionConfig,
    pcKey: string,
    failInit: string | undefined,
  ): Promise<Environment | undefined> {
    if (this.closed) return undefined;
    const env = this.create(config, 'provisioned-concurrency', pcKey);
    const outcome = await this.initialise(env, failInit);
    if (env.dead) return undefined;
    if (!outcome.ok) {
      this.destroy(env, { replace: false });
      return undefined;
    }
    env.state = 'idle';
    env.lastUsedAt = this.deps.clock.now();
    return env;
  }

  /** Provisioned environments of one configuration. */
  provisionedOf(pcKey: string): Environment[] {
    return [...(this.byPcKey.get(pcKey) ?? [])];
  }

  /** Lets a provisioned environment go without replacement: now if idle, else after its request. */
  deallocate(env: Environment): void {
    if (env.dead) return;
    if (env.state === 'busy') env.retiring = 'deallocated';
    else this.destroy(env, { replace: false });
  }

  /** Removes an environment and kills what runs it. */
  destroy(env: Environment, options: { replace?: boolean } = {}): void {
    if (env.dead) return;
    env.dead = true;
    const { clock } = this.deps;
    if (env.idleTimer) clock.clearTimeout(env.idleTimer);
    if (env.lifetimeTimer) clock.clearTimeout(env.lifetimeTimer);
    env.idleTimer = undefined;
    env.lifetimeTimer = undefined;
    this.environments.delete(env);
    this.byVersion.get(versionKey(env.functionName, env.version))?.delete(env);
    if (env.pcKey !== undefined) this.byPcKey.get(env.pcKey)?.delete(env);
    for (const line of env.splitter.flush()) this.environmentLine(env, line);
    const handle = env.handle;
    if (handle) {
      const done = handle.destroy().catch(() => {});
      this.destroying.add(done);
      void done.finally(() => this.destroying.delete(done));
    }
    const replace = options.replace ?? env.retiring !== 'deallocated';
    if (env.pcKey) {
      this.noteProvisioned(env.pcKey);
      if (replace) this.deps.onProvisionedLost(env.pcKey);
    }
  }

  /** Resolves when no environment is starting and every kill has completed. */
  async settle(): Promise<void> {
    while (this.pendingInits.size > 0 || this.destroying.size > 0) {
      await Promise.allSettled([...this.pendingInits, ...this.destroying]);
    }
  }

  /** Destroys every environment (the emulator is stopping). */
  async shutdown(): Promise<void> {
    this.closed = true;
    for (const env of this.list()) this.destroy(env, { replace: false });
    await Promise.allSettled([...this.destroying]);
  }

  // ---- limits -----------------------------------------------------------------------------------------------

  private inFlightCounter(functionName: string): { all: number; onDemand: number } {
    let counter = this.inFlight.get(functionName);
    if (!counter) {
      counter = { all: 0, onDemand: 0 };
      this.inFlight.set(functionName, counter);
    }
    return counter;
  }

  /** Concurrency available to functions without reserved concurrency: the account limit minus reservations. */
  unreservedPool(): number {
    const reserved = this.deps.registry.list().reduce((sum, fn) => sum + (fn.reservedConcurrency ?? 0), 0);
    return this.deps.settings.accountConcurrency - reserved;
  }

  /** Unreserved capacity in use: on-demand executions of unreserved functions plus their provisioned concurrency. */
  private unreservedInUse(): number {
    let onDemand = 0;
    for (const fn of this.deps.registry.list()) {
      if (fn.reservedConcurrency === undefined) onDemand += this.inFlight.get(fn.name)?.onDemand ?? 0;
    }
    return onDemand + this.deps.provisionedUnreserved();
  }

  /** Lambda's per-function scaling rate: a bucket of `scalingRate` environments refilled over the window. */
  private takeScalingToken(functionName: string): boolean {
    const { clock, settings } = this.deps;
    const now = clock.now();
    const bucket = this.scaling.get(functionName) ?? { tokens: settings.scalingRate, at: now };
    const refill = ((now - bucket.at) / settings.scalingWindowMs) * settings.scalingRate;
    bucket.tokens = Math.min(settings.scalingRate, bucket.tokens + refill);
    bucket.at = now;
    this.scaling.set(functionName, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  // ---- logs and metrics -------------------------------------------------------------------------------------

  private environmentLine(env: Environment, text: string): void {
    const requestId = env.current?.requestId;
    env.current?.lines.push(text);
    this.addLog(env, requestId, text);
    for (const datum of parseEmf(text)) {
      for (const value of datum.values) {
        this.deps.metrics.record(
          datum.namespace,
          datum.name,
          datum.dimensions,
          value,
          this.deps.clock.now(),
          datum.unit,
        );
      }
    }
  }

  private platformLine(env: Environment, requestId: string, text: string): void {
    if (env.current?.requestId === requestId) env.current.lines.push(text);
    this.addLog(env, requestId, text);
  }

  private addLog(env: Environment, requestId: string | undefined, text: string): void {
    const { functionName, version, id: envId } = env;
    this.deps.logs.add({ at: this.deps.clock.now(), functionName, version, envId, requestId, text });
  }

  private resourceKey(resource: MetricResource): string {
    return `${resource.functionName}:${resource.qualifier ?? '$LATEST'}`;
  }

  private noteConcurrency(resource: MetricResource): void {
    this.deps.lambdaMetrics.concurrency(
      this.accountInFlight,
      this.inFlightOf(resource.functionName),
      resource,
      this.resourceInFlight.get(this.resourceKey(resource)) ?? 0,
    );
  }

  private noteProvisioned(pcKey: string): void {
    let allocated = 0;
    let inUse = 0;
    for (const env of this.byPcKey.get(pcKey) ?? []) {
      if (!env.available) continue;
      allocated += 1;
      if (env.state === 'busy') inUse += 1;
    }
    const separator = pcKey.indexOf(':');
    this.deps.lambdaMetrics.provisioned(pcKey.slice(0, separator), pcKey.slice(separator + 1), inUse, allocated);
  }
}

function addTo(index: Map<string, Set<Environment>>, key: string, env: Environment): void {
  const set = index.get(key);
  if (set) set.add(env);
  else index.set(key, new Set([env]));
}

function versionKey(functionName: string, version: string): string {
  return `${functionName}\u0000${version}`;
}

function traceHeader(): string {
  const hex = randomBytes(20).toString('hex');
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${hex.slice(0, 24)};Parent=${hex.slice(24, 40)};Sampled=0`;
}
