import type { Server } from 'node:http';
import { AutoScaling } from './autoscaling/service';
import { CallCounter, type CallSnapshot, metricsRequested, putEventsEntries } from './calls';
import { type Clock, ManualClock, realClock } from './clock';
import { startDynamo } from './dynamodb';
import type { Backend } from './environments/backend';
import { Fleet } from './environments/fleet';
import { LightBackend } from './environments/light-backend';
import { ProcessBackend } from './environments/process-backend';
import { AwsError, EmulatorConfigError } from './errors';
import { EventBus, type ReceivedEvent } from './events';
import { type FaultSpec, Faults } from './faults';
import { close, type HttpRequest, type HttpResponse, listen } from './http/server';
import { type EmulatorSnapshot, type EnvironmentSnapshot, environmentSnapshot, functionSnapshots } from './inspect';
import { inspectionRoutes } from './inspection-api';
import { LambdaApi } from './lambda/api';
import { ControlPlane } from './lambda/control';
import { Invoker } from './lambda/invoke';
import { ProvisionedConcurrency } from './lambda/provisioned';
import { type QuotaSnapshot, RateQuota } from './lambda/quota';
import { FunctionRegistry } from './lambda/registry';
import { type LogLine, type LogQuery, LogStore } from './logs';
import { CloudWatch } from './metrics/cloudwatch';
import { LambdaMetrics } from './metrics/lambda-metrics';
import { type MetricPoint, type MetricQuery, type MetricSeriesInfo, MetricStore } from './metrics/store';
import type { EmulatorOptions } from './options';
import { Schedules } from './scheduler';
import {
  type AliasSpec,
  type EnvironmentKind,
  type FunctionSpecInput,
  parseFunctionSpec,
  parseSettings,
  type Settings,
} from './spec';

/** SDK client settings that point a v3 client at the emulator. */
export interface ClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** A running emulator: every service on one port of 127.0.0.1. */
export interface Emulator {
  /** `http://127.0.0.1:<port>`: Lambda, Application Auto Scaling, EventBridge and CloudWatch. */
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  /** The dynalite endpoint when started with `dynamodb: true`. */
  readonly dynamodbEndpoint: string | undefined;
  readonly clock: Clock;
  readonly settings: Settings;
  /** `{ endpoint, region, credentials }` for `new LambdaClient({ ...emulator.clientConfig(), maxAttempts: 1 })`. */
  clientConfig(): ClientConfig;
  inspect(): EmulatorSnapshot;
  environments(functionName?: string): EnvironmentSnapshot[];
  /** EventBridge Scheduler schedules the controller reads and updates (to pause itself). */
  readonly schedules: Schedules;
  events(): ReceivedEvent[];
  logs(query?: LogQuery): LogLine[];
  /** One metric's data points, the way GetMetricData computes them. */
  metric(query: MetricQuery): MetricPoint[];
  metrics(): MetricSeriesInfo[];
  /** Adds a function while running (same shape as a manifest entry). */
  registerFunction(spec: FunctionSpecInput): void;
  /** Replaces a function's tags (what TagResource and UntagResource together would leave). */
  setTags(functionName: string, tags: Readonly<Record<string, string>>): void;
  /**
   * Requests per second each Lambda quota saw (accepted and throttled): `control` is the shared control-plane
   * quota (`controlPlaneRps`), `getFunction` GetFunction's own. `reset` starts a new count.
   */
  quotas(options?: { reset?: boolean }): { control: QuotaSnapshot; getFunction: QuotaSnapshot };
  /**
   * Requests per service and operation since the start (or the last reset), with the quantity each is billed by
   * (see CallService). DynamoDB's are counted when started with `countDynamoDbCalls: true`.
   */
  calls(options?: { reset?: boolean }): CallSnapshot;
  /** Creates or moves an alias; provisioned concurrency on it moves to the new version. */
  setAlias(functionName: string, alias: string, target: AliasSpec): void;
  injectFault(spec: FaultSpec): string;
  clearFaults(id?: string): void;
  /** Runs the Application Auto Scaling loop now (scheduled actions due, then target tracking). */
  tick(): void;
  /** Moves a ManualClock forward (idle reclaim, allocation delays, Auto Scaling…); throws on a real clock. */
  advance(ms: number): Promise<void>;
  /** Resolves when no environment is starting or stopping and every Event invocation has finished. */
  settle(): Promise<void>;
  /** Every child process the emulator owns right now (environments, pre-started blanks, the light host). */
  pids(): number[];
  /** Stops the server and kills every child process. */
  stop(): Promise<void>;
}

/**
 * Starts the emulator.
 *
 * @example
 * const emulator = await startEmulator({ functions: [{ name: 'hello', handler: 'handlers/hello.js' }] });
 * const lambda = new LambdaClient({ ...emulator.clientConfig(), maxAttempts: 1 });
 * await lambda.send(new InvokeCommand({ FunctionName: 'hello' }));
 * await emulator.stop();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const { clock: givenClock, baseDir, onLog, random: givenRandom, ...rest } = options;
  const settings = parseSettings(rest, 'emulator options');
  const emulator = new EmulatorInstance(settings, {
    clock: givenClock ?? realClock(),
    baseDir: baseDir ?? process.cwd(),
    onLog,
    random: givenRandom ?? Math.random,
  });
  try {
    await emulator.start();
  } catch (error) {
    await emulator.stop();
    throw error;
  }
  return emulator;
}

interface Extras {
  readonly clock: Clock;
  readonly baseDir: string;
  readonly onLog: ((line: LogLine) => void) | undefined;
  readonly random: () => number;
}

class EmulatorInstance implements Emulator {
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  endpoint = '';
  dynamodbEndpoint: string | undefined;

  private readonly registry: FunctionRegistry;
  private readonly logStore: LogStore;
  private readonly metricStore = new MetricStore();
  private readonly faults: Faults;
  private readonly fleet: Fleet;
  private readonly provisioned: ProvisionedConcurrency;
  private readonly invoker: Invoker;
  private readonly lambda: LambdaApi;
  private readonly controlQuota: RateQuota;
  private readonly getFunctionQuota: RateQuota;
  private readonly autoScaling: AutoScaling;
  private readonly eventBus: EventBus;
  /** EventBridge Scheduler schedules (read and updated by the controller to pause itself). */
  readonly schedules: Schedules;
  private readonly cloudWatch: CloudWatch;
  private readonly backends = new Map<EnvironmentKind, Backend>();
  private readonly callCounter = new CallCounter();
  private server: Server | undefined;
  private stopDynamo: (() => Promise<void>) | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    readonly settings: Settings,
    private readonly extras: Extras,
  ) {
    const { clock, random } = extras;
    const now = () => clock.now();
    this.clock = clock;
    this.region = settings.region;
    this.accountId = settings.accountId;
    this.registry = new FunctionRegistry(settings.region, settings.accountId, settings.environment, now);
    this.logStore = new LogStore(10_000, extras.onLog);
    this.faults = new Faults(random);
    const lambdaMetrics = new LambdaMetrics(this.metricStore, now);
    this.provisioned = new ProvisionedConcurrency({
      clock,
      settings,
      registry: this.registry,
      fleet: () => this.fleet,
      faults: this.faults,
    });
    this.fleet = new Fleet({
      clock,
      settings,
      random,
      registry: this.registry,
      logs: this.logStore,
      metrics: this.metricStore,
      lambdaMetrics,
      backend: (kind) => this.backend(kind),
      variables: () => ({ region: this.region, endpoint: this.endpoint, dynamodbEndpoint: this.dynamodbEndpoint }),
      provisionedUnreserved: () => this.provisioned.unreservedTotal(),
      onProvisionedLost: (key) => this.provisioned.replace(key),
    });
    this.invoker = new Invoker({
      registry: this.registry,
      fleet: this.fleet,
      faults: this.faults,
      lambdaMetrics,
      random,
    });
    const control = new ControlPlane({
      registry: this.registry,
      fleet: this.fleet,
      provisioned: this.provisioned,
      accountConcurrency: settings.accountConcurrency,
      unreservedFloor: settings.unreservedFloor,
    });
    this.controlQuota = new RateQuota(settings.controlPlaneRps, now);
    this.getFunctionQuota = new RateQuota(settings.getFunctionRps, now);
    this.lambda = new LambdaApi({
      invoker: this.invoker,
      control,
      faults: this.faults,
      controlQuota: this.controlQuota,
      getFunctionQuota: this.getFunctionQuota,
      calls: this.callCounter,
    });
    this.autoScaling = new AutoScaling({
      clock,
      region: settings.region,
      accountId: settings.accountId,
      intervalMs: settings.autoScalingIntervalMs,
      registry: this.registry,
      provisioned: this.provisioned,
      metrics: this.metricStore,
    });
    this.eventBus = new EventBus(now);
    this.schedules = new Schedules(now, settings.region, settings.accountId);
    this.cloudWatch = new CloudWatch(this.metricStore);
    for (const spec of settings.functions) this.registry.register(spec, extras.baseDir);
  }

  async start(): Promise<void> {
    if (this.settings.dynamodb) {
      // startDynamo is imported statically (it loads dynalite lazily itself): under tsx, as bin/thermostat.js runs
      // the sources, an import() stays a native ES import, which cannot resolve './dynamodb' to a .ts file.
      const dynamo = await startDynamo(this.settings.countDynamoDbCalls ? this.callCounter : undefined);
      this.dynamodbEndpoint = dynamo.endpoint;
      this.stopDynamo = dynamo.stop;
    }
    const { server, endpoint } = await listen(this.settings.port, (request) => this.dispatch(request));
    this.server = server;
    this.endpoint = endpoint;
    if (this.registry.list().some((fn) => fn.latest.kind === 'process')) this.backend('process');
  }

  private backend(kind: EnvironmentKind): Backend {
    let backend = this.backends.get(kind);
    if (!backend) {
      backend = kind === 'process' ? new ProcessBackend(this.settings.prewarmProcesses) : new LightBackend();
      this.backends.set(kind, backend);
    }
    return backend;
  }

  private async dispatch(request: HttpRequest): Promise<HttpResponse> {
    const target = request.headers['x-amz-target'];
    if (typeof target === 'string') {
      const dot = target.indexOf('.');
      const service = target.slice(0, dot);
      const operation = target.slice(dot + 1);
      if (service === 'AnyScaleFrontendService') {
        this.callCounter.add('autoscaling', operation);
        return this.autoScaling.handle(operation, request.body);
      }
      if (service === 'AWSEvents') {
        this.callCounter.add('events', operation, putEventsEntries(request.body));
        return this.eventBus.handle(operation, request.body);
      }
      if (service === 'GraniteServiceVersion20100801') {
        this.callCounter.add('cloudwatch', operation, metricsRequested(request.body));
        return this.cloudWatch.handle(operation, request.body);
      }
      throw new AwsError('UnknownOperationException', `The emulator does not implement ${target}`, 400);
    }
    if (Schedules.handles(request)) return this.schedules.handle(request);
    if (request.path === '/_emulator' || request.path.startsWith('/_emulator/')) {
      return inspectionRoutes(this, request);
    }
    return this.lambda.handle(request);
  }

  clientConfig(): ClientConfig {
    return {
      endpoint: this.endpoint,
      region: this.region,
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
    };
  }

  inspect(): EmulatorSnapshot {
    return {
      endpoint: this.endpoint,
      region: this.region,
      accountId: this.accountId,
      now: this.clock.now(),
      account: {
        concurrencyLimit: this.settings.accountConcurrency,
        unreservedConcurrency: this.fleet.unreservedPool(),
        unreservedFloor: this.settings.unreservedFloor,
        inFlight: this.fleet.accountConcurrency,
      },
      functions: functionSnapshots(this.registry, this.fleet, this.provisioned),
      eventsReceived: this.eventBus.list().length,
      faults: this.faults.list(),
      autoScaling: this.autoScaling.activities(),
    };
  }

  environments(functionName?: string): EnvironmentSnapshot[] {
    return this.fleet
      .list()
      .filter((env) => functionName === undefined || env.functionName === functionName)
      .map(environmentSnapshot);
  }

  events(): ReceivedEvent[] {
    return this.eventBus.list();
  }

  logs(query?: LogQuery): LogLine[] {
    return this.logStore.query(query);
  }

  metric(query: MetricQuery): MetricPoint[] {
    return this.metricStore.query(query);
  }

  metrics(): MetricSeriesInfo[] {
    return this.metricStore.list();
  }

  registerFunction(spec: FunctionSpecInput): void {
    const parsed = parseFunctionSpec(spec, `function ${JSON.stringify(spec.name)}`);
    const fn = this.registry.register(parsed, this.extras.baseDir);
    if (fn.latest.kind === 'process' && this.server) this.backend('process');
  }

  setTags(functionName: string, tags: Readonly<Record<string, string>>): void {
    const fn = this.registry.list().find((f) => f.name === functionName);
    if (!fn) throw new EmulatorConfigError(`function "${functionName}" is not registered`);
    fn.tags = { ...tags };
  }

  quotas(options: { reset?: boolean } = {}): { control: QuotaSnapshot; getFunction: QuotaSnapshot } {
    const snapshot = { control: this.controlQuota.snapshot(), getFunction: this.getFunctionQuota.snapshot() };
    if (options.reset) {
      this.controlQuota.resetCounts();
      this.getFunctionQuota.resetCounts();
    }
    return snapshot;
  }

  calls(options: { reset?: boolean } = {}): CallSnapshot {
    const snapshot = this.callCounter.snapshot();
    if (options.reset) this.callCounter.reset();
    return snapshot;
  }

  setAlias(functionName: string, alias: string, target: AliasSpec): void {
    this.registry.setAlias(functionName, alias, target);
    const fn = this.registry.list().find((f) => f.name === functionName)!;
    this.provisioned.aliasMoved(fn, alias);
  }

  injectFault(spec: FaultSpec): string {
    return this.faults.add(spec);
  }

  clearFaults(id?: string): void {
    this.faults.clear(id);
  }

  tick(): void {
    this.autoScaling.tick();
  }

  advance(ms: number): Promise<void> {
    if (!(this.clock instanceof ManualClock)) {
      throw new EmulatorConfigError('advance() needs a manual clock: startEmulator({ clock: new ManualClock() })');
    }
    return this.clock.advance(ms);
  }

  async settle(): Promise<void> {
    await this.invoker.drain();
    await this.fleet.settle();
  }

  pids(): number[] {
    return [...this.backends.values()].flatMap((backend) => backend.pids());
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.autoScaling.stop();
    this.provisioned.clear();
    const server = this.server;
    this.server = undefined;
    const closing = server ? close(server) : Promise.resolve();
    await this.fleet.shutdown();
    await Promise.all([...this.backends.values()].map((backend) => backend.stop()));
    await closing;
    await this.stopDynamo?.();
  }
}
