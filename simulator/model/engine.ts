import type { Architecture, ProvisionedSpan } from '../../controller/cost';
import { Random } from '../random';
import type { ArrivalBatch } from '../traces/types';
import { EventQueue, SlotHeap, TimeHeap } from './heap';
import { MinuteMetrics } from './metrics';
import type { ModelOptions } from './options';
import { drawSpread, spreadMin } from './spread';

/** A function as the simulator runs it: trace identity plus the settings that cost and latency depend on. */
export interface SimFunction {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly memoryMb: number;
  readonly architecture: Architecture;
  readonly coldStartMs: number;
  readonly billedInitMs: number;
}

export interface PingOutcome {
  /** When the ping reached Lambda. */
  readonly at: number;
  readonly cold: boolean;
  readonly throttled: boolean;
  /** It was served by a provisioned environment. */
  readonly provisioned: boolean;
  /** Serial number of the environment that served it (distinct per environment ever created); -1 if none. */
  readonly env: number;
  /** When its environment became free again, i.e. when the response left Lambda. */
  readonly endsAt: number;
  /**
   * What the environment's proof would say about real traffic (on-demand environments only): when it started,
   * the real requests it served, their handler time, and when the last one arrived (NaN if none).
   */
  readonly sighting?: {
    readonly initAt: number;
    readonly realServed: number;
    readonly realBusyMs: number;
    readonly lastRealAt: number;
    /** Its longest and shortest idle gap between real requests (end of one to start of the next; NaN: none yet). */
    readonly longestIdleMs: number;
    readonly shortestIdleMs: number;
  };
}

export interface PingRequest {
  /** Handler time after any cold start, when not holding. */
  readonly durationMs: number;
  /** Absolute virtual time until which the handler holds its environment (Thermostat's shared deadline). */
  readonly holdUntil?: number;
  readonly onResult?: (outcome: PingOutcome) => void;
}

export interface ProvisionedState {
  /** The level configured (and billed). */
  readonly configured: number;
  /** Environments ready to serve. */
  readonly allocated: number;
  /** An increase still allocating. */
  readonly pending: { readonly level: number; readonly readyAt: number } | undefined;
}

export interface EngineOptions {
  readonly model: ModelOptions;
  readonly startMs: number;
  readonly endMs: number;
  /** Turn every cold start of a user request into a just-in-time pre-warm (the clairvoyant lower bound). */
  readonly oracle?: boolean;
  /** Keep per-minute metrics for strategies that read them. */
  readonly metrics?: boolean;
}

/** Raw counters of one function after a run. */
export interface FunctionTotals {
  requests: number;
  cold: number;
  throttled: number;
  onProvisioned: number;
  onDemandBilledMs: number;
  provisionedBilledMs: number;
  /** INITs of on-demand environments (user cold starts, pre-warms and cold pings). */
  inits: number;
  /** INITs of provisioned environments allocated during the run. */
  provisionedInits: number;
  pings: number;
  pingsCold: number;
  pingsThrottled: number;
  pingOnDemandBilledMs: number;
  pingProvisionedBilledMs: number;
  environmentsCreated: number;
  reclaimed: number;
  retired: number;
  /** Environments Lambda initialised ahead to replace retiring ones (ModelOptions.proactiveReplacement). */
  proactiveInits: number;
  provisionedSpans: ProvisionedSpan[];
}

export interface Series {
  readonly t: number[];
  /** On-demand environments alive (busy or idle). */
  readonly environments: number[];
  /** Provisioned environments allocated. */
  readonly provisioned: number[];
  /** Environments busy at the sample instant. */
  readonly busy: number[];
  /** User requests and cold starts during the interval before the sample. */
  readonly requests: number[];
  readonly cold: number[];
  readonly pings: number[];
}

/** What a controller's or warmer's own invocations cost, per architecture. */
export interface ControllerBill {
  requests: number;
  /** Billed duration, INIT of cold starts included. */
  gbSeconds: number;
  /** Bytes its invocations wrote to CloudWatch Logs. */
  logBytes: number;
  /** Invocations that found no environment of their function alive and idle, and paid an INIT. */
  inits: number;
}

/** One invocation of a controller or warmer function (not a target). */
export interface ControllerInvocation {
  /** The function: invocations of one name share its environments. */
  readonly name: string;
  /** When it starts. */
  readonly at: number;
  readonly durationMs: number;
  readonly memoryMb: number;
  readonly architecture: Architecture;
  /** INIT duration billed when it starts cold. */
  readonly initMs: number;
  /**
   * What its first invocation in a new environment takes beyond `durationMs` (first requests of its SDK clients:
   * loading their pipeline, first connections), billed with it when it starts cold. @default 0
   */
  readonly firstCallMs?: number;
  /** Bytes it writes to CloudWatch Logs (its platform lines included). @default 0 */
  readonly logBytes?: number;
}

/** An execution environment of a controller or warmer function. */
interface ControllerEnvironment {
  busyUntil: number;
  reclaimAt: number;
  readonly retireAt: number;
}

export interface EngineTotals {
  readonly functions: readonly FunctionTotals[];
  /** Added latency (ms) → number of user requests, throttled requests excluded. */
  readonly latency: ReadonlyMap<number, number>;
  readonly controller: Readonly<Record<Architecture, ControllerBill>>;
  /** CloudWatch metrics the controller requested (GetMetricData bills each one). */
  readonly metricsRequested: number;
  /** Request units the controller's state table consumed (DynamoDB on demand bills each). */
  readonly stateUnits: StateUnits;
  readonly series: Series;
}

/** DynamoDB request units: reads (strongly consistent count one per 4 KB, eventually consistent half) and writes. */
export interface StateUnits {
  readonly reads: number;
  readonly writes: number;
}

class Pool {
  idle = new Int32Array(8);
  idleLen = 0;
  odBusy = 0;
  pcConfigured = 0;
  pcAllocated = 0;
  pending: { level: number; readyAt: number } | undefined;
  pendingToken = 0;
  readonly pcBusy = new TimeHeap();
  pcSecond = -1;
  pcSecondCount = 0;
  tokens: number;
  tokensAt: number;
  spanStart = 0;
  readonly totals: FunctionTotals = {
    requests: 0,
    cold: 0,
    throttled: 0,
    onProvisioned: 0,
    onDemandBilledMs: 0,
    provisionedBilledMs: 0,
    inits: 0,
    provisionedInits: 0,
    pings: 0,
    pingsCold: 0,
    pingsThrottled: 0,
    pingOnDemandBilledMs: 0,
    pingProvisionedBilledMs: 0,
    environmentsCreated: 0,
    reclaimed: 0,
    retired: 0,
    proactiveInits: 0,
    provisionedSpans: [],
  };

  constructor(
    readonly fn: SimFunction,
    burst: number,
    start: number,
  ) {
    this.tokens = burst;
    this.tokensAt = start;
  }

  pushIdle(slot: number): void {
    if (this.idleLen === this.idle.length) {
      const bigger = new Int32Array(this.idle.length * 2);
      bigger.set(this.idle);
      this.idle = bigger;
    }
    this.idle[this.idleLen++] = slot;
  }
}

/** An environment retiring within this time of its last use counts as busy, for proactive replacement. */
export const PROACTIVE_RECENT_MS = 60_000;

const billed = (ms: number) => (ms <= 1 ? 1 : Math.ceil(ms));

/**
 * The Lambda model: execution environments per function, one request at a time each, reused most-recently-idle
 * first, reclaimed after an idle period and retired at a maximum age; provisioned environments served first with
 * spillover; a per-function scaling bucket, account and reserved concurrency limits, throttles. Virtual time in ms.
 *
 * Environments live in typed arrays indexed by slot; busy on-demand environments of all functions share one heap
 * ordered by the time they become free, so releases happen in time order and the account-wide count is exact.
 */
export class Engine {
  readonly functions: readonly SimFunction[];
  readonly model: ModelOptions;
  readonly startMs: number;
  readonly endMs: number;
  readonly metrics: MinuteMetrics | undefined;
  now: number;

  private readonly pools: Pool[];
  private readonly oracle: boolean;
  private readonly events = new EventQueue();
  private readonly random: Random;
  private readonly reclaimRandom: Random;
  private readonly proactiveRandom: Random;
  private readonly reclaimMin: number;
  private readonly perMsTokens: number;

  private busyUntil = new Float64Array(1024);
  private idleSince = new Float64Array(1024);
  private reclaimAt = new Float64Array(1024);
  private retireAt = new Float64Array(1024);
  private serial = new Float64Array(1024);
  private born = new Float64Array(1024);
  private realServed = new Float64Array(1024);
  private realBusy = new Float64Array(1024);
  private lastReal = new Float64Array(1024);
  private lastRealEnd = new Float64Array(1024);
  private longestIdle = new Float64Array(1024);
  private shortestIdle = new Float64Array(1024);
  private owner = new Int32Array(1024);
  private freeSlots = new Int32Array(1024);
  private freeLen = 0;
  private slots = 0;
  private serials = 0;
  private readonly odHeap = new SlotHeap(() => this.busyUntil);
  private totalPcConfigured = 0;

  private nextSampleAt: number;
  private nextStop: number;
  private readonly series: Series = {
    t: [],
    environments: [],
    provisioned: [],
    busy: [],
    requests: [],
    cold: [],
    pings: [],
  };
  private lastRequests = 0;
  private lastCold = 0;
  private lastPings = 0;
  private seenRequests = 0;
  private seenCold = 0;
  private seenPings = 0;
  private readonly latency = new Map<number, number>();
  private warmServed = 0;
  private metricsRequested = 0;
  private readonly stateUnits = { reads: 0, writes: 0 };
  private readonly controller: Record<Architecture, ControllerBill> = {
    x86_64: { requests: 0, gbSeconds: 0, inits: 0, logBytes: 0 },
    arm64: { requests: 0, gbSeconds: 0, inits: 0, logBytes: 0 },
  };
  private readonly controllerEnvironments = new Map<string, ControllerEnvironment[]>();
  /** Its own stream, so billing a controller's environments moves no draw of the functions'. */
  private readonly controllerRandom: Random;

  constructor(functions: readonly SimFunction[], options: EngineOptions) {
    this.functions = functions;
    this.model = options.model;
    this.startMs = options.startMs;
    this.endMs = options.endMs;
    this.now = options.startMs;
    this.oracle = options.oracle ?? false;
    this.metrics = options.metrics ? new MinuteMetrics(functions.length) : undefined;
    this.pools = functions.map((fn) => new Pool(fn, this.model.scaling.burst, options.startMs));
    const random = new Random(this.model.seed);
    this.random = random.fork('engine');
    this.reclaimRandom = random.fork('reclaim');
    this.proactiveRandom = random.fork('proactive');
    this.controllerRandom = random.fork('controller');
    this.reclaimMin = spreadMin(this.model.idleReclaim);
    this.perMsTokens = this.model.scaling.perSecond / 1000;
    this.nextSampleAt = options.startMs + this.model.sampleMs;
    this.nextStop = this.nextSampleAt;
  }

  /** A seeded generator for a strategy's own randomness (network jitter, async delays). */
  randomFor(purpose: string): Random {
    return this.random.fork(purpose);
  }

  /**
   * When the schedule named `schedule` first fires: the trace's start plus the schedule's phase within the minute
   * (ModelOptions.schedulePhase), the same for every strategy's schedule of that name under one seed.
   */
  scheduleStart(schedule: string): number {
    return this.startMs + Math.round(drawSpread(this.model.schedulePhase, this.random.fork(`schedule:${schedule}`)));
  }

  /** Runs `run` at virtual time `t` (not before now); events at the same time run in the order scheduled. */
  at(t: number, run: () => void): void {
    const when = t < this.now ? this.now : t;
    this.events.push(when, run);
    if (when < this.nextStop) this.nextStop = when;
  }

  /** Sends a ping that reaches Lambda at `t`; its outcome is passed to `onResult` at that time. */
  ping(fn: number, t: number, request: PingRequest): void {
    this.at(t, () => {
      const outcome = this.routePing(fn, this.now, request.durationMs, request.holdUntil ?? 0);
      request.onResult?.(outcome);
    });
  }

  /** The level currently configured, allocated and pending for a function. */
  provisioned(fn: number): ProvisionedState {
    const pool = this.pools[fn];
    return { configured: pool.pcConfigured, allocated: pool.pcAllocated, pending: pool.pending };
  }

  /**
   * Configures provisioned concurrency now. Decreases take effect at once; increases become usable only when the
   * whole allocation is ready (prep time plus 6,000 environments a minute), the old level serving until then.
   * Billing follows the configured level from this instant. `immediate` is for capacity that existed before the
   * trace began.
   */
  setProvisioned(fn: number, level: number, options: { immediate?: boolean } = {}): void {
    const pool = this.pools[fn];
    const value = Math.max(0, Math.floor(level));
    if (value === pool.pcConfigured && (pool.pending === undefined || pool.pending.level === value)) return;
    this.closeSpan(pool, this.now, false);
    this.totalPcConfigured += value - pool.pcConfigured;
    pool.pcConfigured = value;
    pool.spanStart = this.now;
    const token = ++pool.pendingToken;
    if (value <= pool.pcAllocated || options.immediate) {
      pool.pcAllocated = value;
      pool.pending = undefined;
      return;
    }
    const readyAt =
      this.now + this.model.provisionedPrepMs + ((value - pool.pcAllocated) / this.model.provisionedPerMinute) * 60_000;
    pool.pending = { level: value, readyAt };
    this.at(readyAt, () => {
      if (pool.pendingToken !== token) return;
      pool.totals.provisionedInits += value - pool.pcAllocated;
      pool.pcAllocated = value;
      pool.pending = undefined;
    });
  }

  /** Bills CloudWatch metrics a controller requested (GetMetricData: per metric requested). */
  chargeObservation(metrics: number): void {
    this.metricsRequested += metrics;
  }

  /** Bills request units of a controller's state table (DynamoDB on demand: per read and write request unit). */
  chargeState(units: StateUnits): void {
    this.stateUnits.reads += units.reads;
    this.stateUnits.writes += units.writes;
  }

  /**
   * Bills an invocation of a controller or warmer function (not a target), and its INIT when it starts cold: AWS
   * bills the INIT of on-demand functions since August 2025, and these functions' environments come and go like any
   * other's (ModelOptions.idleReclaim, maxLifetime), so a controller paused past the idle reclaim, or a warmer on a
   * 15-minute schedule, pays one. Invocations of one name reuse its idle environments, the most recent first;
   * invocations that overlap (shards of one tick) each need their own. Returns whether it started cold.
   */
  /** Whether an invocation of controller `name` at `at` would find an environment of it alive and idle (warm). */
  controllerWarm(name: string, at: number): boolean {
    return (this.controllerEnvironments.get(name) ?? []).some(
      (env) => env.busyUntil <= at && at < env.reclaimAt && at < env.retireAt,
    );
  }

  chargeController(invocation: ControllerInvocation): boolean {
    const { name, at, memoryMb, architecture, initMs } = invocation;
    const environments = (this.controllerEnvironments.get(name) ?? []).filter(
      (env) => env.busyUntil > at || (at < env.reclaimAt && at < env.retireAt),
    );
    let env: ControllerEnvironment | undefined;
    for (const candidate of environments) {
      if (candidate.busyUntil <= at && (env === undefined || candidate.busyUntil > env.busyUntil)) env = candidate;
    }
    const cold = env === undefined;
    const startsAt = cold ? at + initMs : at;
    const durationMs = invocation.durationMs + (cold ? (invocation.firstCallMs ?? 0) : 0);
    if (env === undefined) {
      env = { busyUntil: 0, reclaimAt: 0, retireAt: at + drawSpread(this.model.maxLifetime, this.controllerRandom) };
      environments.push(env);
    }
    env.busyUntil = startsAt + durationMs;
    env.reclaimAt = env.busyUntil + drawSpread(this.model.idleReclaim, this.controllerRandom);
    this.controllerEnvironments.set(name, environments);
    const bucket = this.controller[architecture];
    bucket.requests++;
    bucket.logBytes += invocation.logBytes ?? 0;
    bucket.gbSeconds += (memoryMb / 1024) * (billed(durationMs + (cold ? initMs : 0)) / 1000);
    if (cold) bucket.inits++;
    return cold;
  }

  /** A function's user requests so far, and how many of them started cold. */
  requestsSoFar(fn: number): { readonly requests: number; readonly cold: number } {
    const { requests, cold } = this.pools[fn].totals;
    return { requests, cold };
  }

  /** Concurrency of a function right now (busy on-demand plus busy provisioned environments). */
  concurrency(fn: number): number {
    this.release(this.now);
    const pool = this.pools[fn];
    pool.pcBusy.popUntil(this.now);
    return pool.odBusy + pool.pcBusy.size;
  }

  /** Idle on-demand environments of a function that are still alive right now. */
  idleEnvironments(fn: number): number {
    this.release(this.now);
    return this.sweep(this.pools[fn], this.now);
  }

  /** Feeds arrivals in time order; events and samples due before each arrival run first. */
  feed(batch: ArrivalBatch): void {
    const { count, time, fn, durationMs } = batch;
    for (let i = 0; i < count; i++) {
      const t = time[i];
      if (t >= this.nextStop) this.advance(t);
      this.now = t;
      this.routeUser(fn[i], t, durationMs[i]);
    }
  }

  /** Runs what is left up to the end of the trace and returns the raw totals. */
  finish(): EngineTotals {
    this.advance(this.endMs);
    this.now = this.endMs;
    this.release(this.endMs);
    for (const pool of this.pools) this.closeSpan(pool, this.endMs, true);
    return {
      functions: this.pools.map((pool) => pool.totals),
      latency: this.latencyHistogram(),
      controller: this.controller,
      metricsRequested: this.metricsRequested,
      stateUnits: { ...this.stateUnits },
      series: this.series,
    };
  }

  private advance(t: number): void {
    for (;;) {
      const event = this.events.nextAt();
      const sample = this.nextSampleAt;
      if (sample <= event) {
        if (sample > t) break;
        this.now = sample;
        this.sample(sample);
        this.nextSampleAt = sample + this.model.sampleMs;
      } else {
        if (event > t) break;
        this.now = event;
        this.release(event);
        this.events.pop().run();
      }
    }
    this.nextStop = Math.min(this.events.nextAt(), this.nextSampleAt);
  }

  private routeUser(f: number, t: number, d: number): void {
    this.release(t);
    const pool = this.pools[f];
    const totals = pool.totals;
    totals.requests++;
    this.seenRequests++;
    if (pool.pcAllocated > 0 && this.tryProvisioned(pool, t, t + d)) {
      totals.onProvisioned++;
      totals.provisionedBilledMs += billed(d);
      this.warmServed++;
      this.metrics?.record(f, t, t, t + d, true, pool.odBusy + pool.pcBusy.size);
      return;
    }
    const slot = this.takeIdle(pool, t);
    if (slot >= 0) {
      this.occupy(slot, pool, t + d);
      this.served(slot, t, t + d);
      totals.onDemandBilledMs += billed(d);
      this.warmServed++;
      this.metrics?.record(f, t, t, t + d, false, pool.odBusy + pool.pcBusy.size);
      return;
    }
    if (!this.mayCreate(pool, t)) {
      totals.throttled++;
      return;
    }
    totals.inits++;
    totals.onDemandBilledMs += billed(d);
    if (this.oracle) {
      // The oracle pinged this environment into existence one cold start earlier: warm, at the price of a ping.
      this.served(this.create(pool, f, t, t + d), t, t + d);
      totals.pings++;
      totals.pingOnDemandBilledMs += this.model.pingHandlerMs;
      this.seenPings++;
      this.warmServed++;
      this.metrics?.record(f, t, t, t + d, false, pool.odBusy + pool.pcBusy.size);
      return;
    }
    const cs = pool.fn.coldStartMs;
    this.served(this.create(pool, f, t, t + cs + d), t + cs, t + cs + d);
    totals.cold++;
    this.seenCold++;
    this.bump(cs);
    this.metrics?.record(f, t, t, t + cs + d, false, pool.odBusy + pool.pcBusy.size);
  }

  private routePing(f: number, t: number, handlerMs: number, holdUntil: number): PingOutcome {
    this.release(t);
    const pool = this.pools[f];
    const totals = pool.totals;
    totals.pings++;
    this.seenPings++;
    const warmEnd = Math.max(t + handlerMs, holdUntil);
    if (pool.pcAllocated > 0 && this.tryProvisioned(pool, t, warmEnd)) {
      totals.pingProvisionedBilledMs += billed(warmEnd - t);
      this.metrics?.record(f, t, t, warmEnd, true, pool.odBusy + pool.pcBusy.size);
      return { at: t, cold: false, throttled: false, provisioned: true, env: -1, endsAt: warmEnd };
    }
    const slot = this.takeIdle(pool, t);
    if (slot >= 0) {
      this.occupy(slot, pool, warmEnd);
      totals.pingOnDemandBilledMs += billed(warmEnd - t);
      this.metrics?.record(f, t, t, warmEnd, false, pool.odBusy + pool.pcBusy.size);
      return {
        at: t,
        cold: false,
        throttled: false,
        provisioned: false,
        env: this.serial[slot],
        endsAt: warmEnd,
        sighting: this.sighting(slot),
      };
    }
    if (!this.mayCreate(pool, t)) {
      totals.pingsThrottled++;
      return { at: t, cold: false, throttled: true, provisioned: false, env: -1, endsAt: t };
    }
    const ready = t + pool.fn.coldStartMs;
    const end = Math.max(ready + handlerMs, holdUntil);
    const created = this.create(pool, f, t, end);
    totals.inits++;
    totals.pingsCold++;
    totals.pingOnDemandBilledMs += billed(end - ready);
    this.metrics?.record(f, t, t, end, false, pool.odBusy + pool.pcBusy.size);
    return {
      at: t,
      cold: true,
      throttled: false,
      provisioned: false,
      env: this.serial[created],
      endsAt: end,
      sighting: this.sighting(created),
    };
  }

  /** A real request started on `slot` at `t` (its handler, after any cold start): what the target helper counts. */
  private served(slot: number, t: number, endsAt: number): void {
    this.realServed[slot]++;
    this.realBusy[slot] += endsAt - t;
    this.lastReal[slot] = t;
    const previous = this.lastRealEnd[slot];
    if (!Number.isNaN(previous)) {
      const gap = Math.max(0, t - previous);
      if (!(gap <= this.longestIdle[slot])) this.longestIdle[slot] = gap;
      if (!(gap >= this.shortestIdle[slot])) this.shortestIdle[slot] = gap;
    }
    this.lastRealEnd[slot] = endsAt;
  }

  private sighting(slot: number): NonNullable<PingOutcome['sighting']> {
    return {
      initAt: this.born[slot],
      realServed: this.realServed[slot],
      realBusyMs: this.realBusy[slot],
      lastRealAt: this.lastReal[slot],
      longestIdleMs: this.longestIdle[slot],
      shortestIdleMs: this.shortestIdle[slot],
    };
  }

  private bump(addedMs: number): void {
    const m = this.latency;
    m.set(addedMs, (m.get(addedMs) ?? 0) + 1);
  }

  /** The latency histogram with the warm requests (0 ms added) counted in. */
  private latencyHistogram(): Map<number, number> {
    const histogram = new Map(this.latency);
    if (this.warmServed > 0) histogram.set(0, (histogram.get(0) ?? 0) + this.warmServed);
    return histogram;
  }

  private tryProvisioned(pool: Pool, t: number, end: number): boolean {
    const busy = pool.pcBusy;
    busy.popUntil(t);
    if (busy.size >= pool.pcAllocated) return false;
    const second = Math.floor(t / 1000);
    if (second !== pool.pcSecond) {
      pool.pcSecond = second;
      pool.pcSecondCount = 0;
    }
    if (pool.pcSecondCount >= this.model.provisionedRpsPerUnit * pool.pcAllocated) return false;
    pool.pcSecondCount++;
    busy.push(end);
    return true;
  }

  /** Moves every on-demand environment that finished by `t` to its function's idle stack, or retires it. */
  private release(t: number): void {
    const heap = this.odHeap;
    // Not cached: a replacement may grow the arrays.
    while (heap.size > 0 && this.busyUntil[heap.top()] <= t) {
      const slot = heap.pop();
      const pool = this.pools[this.owner[slot]];
      pool.odBusy--;
      const busyUntil = this.busyUntil;
      if (busyUntil[slot] >= this.retireAt[slot]) {
        pool.totals.retired++;
        const replacement = this.replacementFor(pool, slot, busyUntil[slot], t);
        this.freeSlot(slot);
        if (replacement >= 0) pool.pushIdle(replacement);
        continue;
      }
      this.idleSince[slot] = busyUntil[slot];
      this.reclaimAt[slot] = Number.NaN;
      pool.pushIdle(slot);
    }
  }

  private alive(slot: number, t: number): boolean {
    if (t >= this.retireAt[slot]) return false;
    const since = this.idleSince[slot];
    if (t - since < this.reclaimMin) return true;
    let reclaim = this.reclaimAt[slot];
    if (Number.isNaN(reclaim)) {
      // Drawn once per idle period, only when the period has outlived the shortest possible timeout.
      reclaim = since + drawSpread(this.model.idleReclaim, this.reclaimRandom);
      this.reclaimAt[slot] = reclaim;
    }
    return t < reclaim;
  }

  /** The most recently idle environment still alive at `t`, or -1; dead ones met on the way are removed. */
  private takeIdle(pool: Pool, t: number): number {
    while (pool.idleLen > 0) {
      const slot = pool.idle[--pool.idleLen];
      if (this.alive(slot, t)) return slot;
      const replacement = this.bury(pool, slot, t);
      if (replacement >= 0) pool.pushIdle(replacement);
    }
    return -1;
  }

  /** Frees a dead idle environment; returns the idle environment Lambda initialised to replace it, or -1. */
  private bury(pool: Pool, slot: number, t: number): number {
    let replacement = -1;
    if (t >= this.retireAt[slot]) {
      pool.totals.retired++;
      replacement = this.replacementFor(pool, slot, this.idleSince[slot], t);
    } else pool.totals.reclaimed++;
    this.freeSlot(slot);
    return replacement;
  }

  /**
   * Proactive initialisation: while a function is busy, Lambda initialises a replacement for an environment about to
   * be retired (AWS: "to replace an execution environment that is about to be shut down"; Stuyvenberg 2023 measured
   * 50–75 % of inits proactive at high steady traffic, almost none at low throughput). Busy: the retiring environment
   * was in use within PROACTIVE_RECENT_MS of its retirement. The replacement is ready when the old one retires, its
   * INIT billed, nobody waiting for it; returned idle (the caller stacks it), or -1.
   */
  private replacementFor(pool: Pool, slot: number, lastUsedAt: number, t: number): number {
    const share = this.model.proactiveReplacement;
    const retiresAt = this.retireAt[slot];
    if (share <= 0 || retiresAt - lastUsedAt > PROACTIVE_RECENT_MS) return -1;
    if (this.proactiveRandom.next() >= share || !this.mayCreate(pool, t)) return -1;
    const created = this.allocSlot();
    this.initialise(created, this.owner[slot], retiresAt - pool.fn.coldStartMs);
    this.retireAt[created] = this.born[created] + drawSpread(this.model.maxLifetime, this.proactiveRandom);
    this.busyUntil[created] = retiresAt;
    this.idleSince[created] = retiresAt;
    this.reclaimAt[created] = Number.NaN;
    pool.totals.environmentsCreated++;
    pool.totals.inits++;
    pool.totals.proactiveInits++;
    return created;
  }

  /** Removes dead environments from a pool's idle stack (keeping its order) and returns how many are alive. */
  private sweep(pool: Pool, t: number): number {
    let kept = 0;
    const replacements: number[] = [];
    for (let i = 0; i < pool.idleLen; i++) {
      const slot = pool.idle[i];
      if (this.alive(slot, t)) pool.idle[kept++] = slot;
      else {
        const replacement = this.bury(pool, slot, t);
        if (replacement >= 0) replacements.push(replacement);
      }
    }
    pool.idleLen = kept;
    // A replacement idle since long before t may have been reclaimed itself.
    for (const replacement of replacements) {
      if (this.alive(replacement, t)) pool.pushIdle(replacement);
      else this.bury(pool, replacement, t);
    }
    return pool.idleLen;
  }

  private occupy(slot: number, pool: Pool, end: number): void {
    this.busyUntil[slot] = end;
    pool.odBusy++;
    this.odHeap.push(slot);
  }

  private mayCreate(pool: Pool, t: number): boolean {
    const reserved = this.model.reservedConcurrency;
    if (reserved !== undefined) {
      pool.pcBusy.popUntil(t);
      if (pool.odBusy + pool.pcBusy.size >= reserved) return false;
    }
    if (this.odHeap.size >= this.model.accountConcurrency - this.totalPcConfigured) return false;
    const burst = this.model.scaling.burst;
    const tokens = pool.tokens + (t - pool.tokensAt) * this.perMsTokens;
    pool.tokensAt = t;
    pool.tokens = tokens > burst ? burst : tokens;
    if (pool.tokens < 1) return false;
    pool.tokens -= 1;
    return true;
  }

  private create(pool: Pool, f: number, t: number, end: number): number {
    const slot = this.allocSlot();
    this.initialise(slot, f, t);
    this.retireAt[slot] = t + drawSpread(this.model.maxLifetime, this.reclaimRandom);
    pool.totals.environmentsCreated++;
    this.occupy(slot, pool, end);
    return slot;
  }

  private initialise(slot: number, f: number, t: number): void {
    this.owner[slot] = f;
    this.serial[slot] = ++this.serials;
    this.born[slot] = t;
    this.realServed[slot] = 0;
    this.realBusy[slot] = 0;
    this.lastReal[slot] = Number.NaN;
    this.lastRealEnd[slot] = Number.NaN;
    this.longestIdle[slot] = Number.NaN;
    this.shortestIdle[slot] = Number.NaN;
  }

  private allocSlot(): number {
    if (this.freeLen > 0) return this.freeSlots[--this.freeLen];
    if (this.slots === this.busyUntil.length) this.grow();
    return this.slots++;
  }

  private freeSlot(slot: number): void {
    if (this.freeLen === this.freeSlots.length) {
      const bigger = new Int32Array(this.freeSlots.length * 2);
      bigger.set(this.freeSlots);
      this.freeSlots = bigger;
    }
    this.freeSlots[this.freeLen++] = slot;
  }

  private grow(): void {
    const size = this.busyUntil.length * 2;
    const grow64 = (a: Float64Array) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.busyUntil = grow64(this.busyUntil);
    this.idleSince = grow64(this.idleSince);
    this.reclaimAt = grow64(this.reclaimAt);
    this.retireAt = grow64(this.retireAt);
    this.serial = grow64(this.serial);
    this.born = grow64(this.born);
    this.realServed = grow64(this.realServed);
    this.realBusy = grow64(this.realBusy);
    this.lastReal = grow64(this.lastReal);
    this.lastRealEnd = grow64(this.lastRealEnd);
    this.longestIdle = grow64(this.longestIdle);
    this.shortestIdle = grow64(this.shortestIdle);
    const owner = new Int32Array(size);
    owner.set(this.owner);
    this.owner = owner;
  }

  private closeSpan(pool: Pool, t: number, open: boolean): void {
    if (pool.pcConfigured > 0 && t > pool.spanStart) {
      pool.totals.provisionedSpans.push({ fromMs: pool.spanStart, toMs: t, concurrency: pool.pcConfigured, open });
    } else if (pool.pcConfigured > 0 && open && pool.totals.provisionedSpans.length > 0) {
      // A level set at the very end: the period is still open, so the last span must not be rounded.
      const spans = pool.totals.provisionedSpans;
      spans[spans.length - 1] = { ...spans[spans.length - 1], open: true };
    }
    pool.spanStart = t;
  }

  private sample(t: number): void {
    this.release(t);
    let idle = 0;
    let provisioned = 0;
    let pcBusy = 0;
    for (const pool of this.pools) {
      if (pool.idleLen > 0) idle += this.sweep(pool, t);
      provisioned += pool.pcAllocated;
      if (pool.pcBusy.size > 0) {
        pool.pcBusy.popUntil(t);
        pcBusy += pool.pcBusy.size;
      }
    }
    const s = this.series;
    s.t.push(t);
    s.environments.push(this.odHeap.size + idle);
    s.provisioned.push(provisioned);
    s.busy.push(this.odHeap.size + pcBusy);
    s.requests.push(this.seenRequests - this.lastRequests);
    s.cold.push(this.seenCold - this.lastCold);
    s.pings.push(this.seenPings - this.lastPings);
    this.lastRequests = this.seenRequests;
    this.lastCold = this.seenCold;
    this.lastPings = this.seenPings;
  }
}
