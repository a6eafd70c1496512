import { DEFAULT_CONFIG } from '../../controller/config';
import { dispatchMsPerPingAt } from '../../controller/contract';
import { type Architecture, breakEvenUtilisation } from '../../controller/cost';
import {
  type DispatchQueue,
  dispatchStart,
  holdUntilOf,
  roundLatency,
  warmRequestOf,
} from '../../controller/ping/rounds';
import {
  type Decision,
  EMPTY_TRAFFIC,
  MAX_SLEEP_MS,
  type ManagedRecord,
  minuteReadMinutes,
  nextTick,
  type Observed,
  ownedAfter,
  type PingDecision,
  type PlanOptions,
  plan,
  provisionedPossible,
  quietUntil,
  recordLatency,
  recordProbe,
  recordSightings,
  recordUtilization,
  type Settled,
  type Sighting,
  settledUntil,
  type TargetObservation,
  type TrafficHistory,
  unitBusyShares,
  wantsMinuteStatistics,
} from '../../controller/plan';
import type { Effective } from '../../controller/policy';
import { isQuiet, policyFingerprint, type QuietTarget, withLedgerRound } from '../../controller/state';
import { localShards, shardIndexes } from '../../controller/tick';
import type { Engine } from '../model/engine';
import {
  CONTROLLER_FIRST_CALL_CPU_MS,
  CONTROLLER_INVOCATION_CPU_MS,
  CONTROLLER_INVOCATION_LOG_BYTES,
  CONTROLLER_PINGED_TARGET_CPU_MS,
  CONTROLLER_TARGET_CPU_MS,
  CONTROLLER_TARGET_LOG_BYTES,
  cpuBoundMs,
  handlerCpuMs,
  INIT_AT_REFERENCE_MS,
  PING_CPU_MS,
} from '../model/options';
import { DEFAULT_ALARMS, type TrackingBounds, trackTarget } from './aas-target-tracking';
import { type Dispatcher, fanOut } from './fan-out';
import { ForecastTally, type Served } from './forecast-tally';
import { RoundTally } from './round-tally';
import { type BilledTarget, StateBill } from './state-bill';
import type { Strategy, StrategyContext } from './types';
import { driveWarmUp } from './warm-up';

const MINUTE_MS = 60_000;

/** The planner's signature, so a test can wrap the real one; the default is `plan` from controller/plan. */
export type Planner = (
  policies: readonly Effective[],
  now: Date,
  observed: Observed,
  options?: PlanOptions,
) => Decision[];

/** The construct's default controller memory (ThermostatDefaults.memorySize; a test keeps the two equal). */
export const CONTROLLER_MEMORY_MB = 256;

export interface ThermostatOptions {
  readonly planner?: Planner;
  /** Controller schedule (the construct's default: rate(1 minute)). @default 60 s */
  readonly tickMs?: number;
  /** Controller function (the construct's defaults: CONTROLLER_MEMORY_MB, arm64). */
  readonly memoryMb?: number;
  readonly architecture?: Architecture;
  /**
   * Controller time per tick besides pinging (claiming the tick, planning, saving what changed), with warm caches.
   * @default CONTROLLER_INVOCATION_CPU_MS at `memoryMb` (handlerCpuMs)
   */
  readonly overheadMs?: number;
  /**
   * Added per target the tick considers (state read, occasional Lambda reads).
   * @default CONTROLLER_TARGET_CPU_MS at `memoryMb`
   */
  readonly perTargetMs?: number;
  /**
   * The controller's time per ping it sends (CPU-bound: its pings leave one after another).
   * @default PING_CPU_MS at `memoryMb`
   */
  readonly dispatchMs?: number;
  /**
   * Added per target pinged, beyond its pings' dispatch (reading the proofs, saving its state, reporting it).
   * @default CONTROLLER_PINGED_TARGET_CPU_MS − PING_CPU_MS at `memoryMb`
   */
  readonly perPingedTargetMs?: number;
  /**
   * Pause the schedule while nothing is due, as the controller does when it may update its schedule (the
   * construct grants it). @default true
   */
  readonly sleeps?: boolean;
  /**
   * The longest pause: MAX_SLEEP_MS, as the construct's controller pauses when it names its targets and ticks on
   * every deployment (its defaults); NOTICE_SLEEP_MS as one that discovers functions by tag. @default MAX_SLEEP_MS
   */
  readonly longestPauseMs?: number;
  /**
   * Above shardSize targets, leave the targets a shard's ledger holds quiet unread and unplanned until their quiet
   * time ends, as the controller does; false plans every target every tick (for comparison). @default true
   */
  readonly spares?: boolean;
  /** Controller time to read and update its schedule when it pauses. @default 40 */
  readonly scheduleUpdateMs?: number;
  /**
   * Waiting for one request to the state table (DynamoDB's documented single-digit milliseconds, taken at their
   * middle); a tick waits for three to five, one after another (StateBill). @default 5
   */
  readonly stateRoundTripMs?: number;
  /**
   * INIT of the controller when a tick finds no warm environment of it (billed since August 2025):
   * `benchmarks/init.ts` measures loading its bundle at about 140 ms.
   * @default 150 ms at CPU_REFERENCE_MB, scaled to `memoryMb`
   */
  readonly initMs?: number;
  /**
   * What a tick in a new environment takes beyond the same tick warm (ControllerInvocation.firstCallMs): the
   * controller's SDK clients' first requests and the reads a warm environment keeps cached.
   * @default CONTROLLER_FIRST_CALL_CPU_MS at `memoryMb`
   */
  readonly firstCallMs?: number;
  /** Keep every decision for inspection (tests, reports). @default false */
  readonly keepDecisions?: boolean;
}

interface TargetState {
  managed?: ManagedRecord;
  traffic?: TrafficHistory;
  /** Pings sent since the last minute-statistics read (subtracted from its Invocations). */
  pingsSince?: number;
  lastPingAt?: number;
  lastWanted?: number;
  lastProven?: number;
  scalable?: TrackingBounds;
}

/**
 * Thermostat itself: a controller tick every minute that builds the planner's `observed` input from the simulated
 * state, calls the real planner (`controller/plan`, with the real cost model as auto mode's chooser), and applies
 * its decisions to the model the way the controller's act step does (controller/ping/warm.ts, controller/config.ts
 * defaults): ping rounds held until a shared deadline, so they overlap and land on distinct environments, repeated
 * while fewer are proven; provisioned concurrency written directly (allocation delay included), or a scalable
 * target whose target tracking then behaves as Application Auto Scaling does. The act step itself is async I/O
 * and is modelled here, not called; the planner is called.
 */
export function thermostat(options: ThermostatOptions = {}): Strategy & {
  readonly planner: Planner;
  readonly decisions: Decision[];
} {
  const planner = options.planner ?? plan;
  const tickMs = options.tickMs ?? MINUTE_MS;
  const memoryMb = options.memoryMb ?? CONTROLLER_MEMORY_MB;
  const architecture = options.architecture ?? 'arm64';
  // CPU-bound work: Lambda gives CPU in proportion to memory, so it takes longer on less (its GB-seconds stay put).
  const cpu = (cpuMs: number) => handlerCpuMs(cpuMs, memoryMb);
  const overheadMs = options.overheadMs ?? cpu(CONTROLLER_INVOCATION_CPU_MS);
  const perTargetMs = options.perTargetMs ?? cpu(CONTROLLER_TARGET_CPU_MS);
  const dispatchMs = options.dispatchMs ?? cpu(PING_CPU_MS);
  const perPingedTargetMs = options.perPingedTargetMs ?? cpu(CONTROLLER_PINGED_TARGET_CPU_MS - PING_CPU_MS);
  // The construct sets the controller's hold per ping from its memory size; the simulated one does the same.
  const config = { ...DEFAULT_CONFIG.warm, dispatchMsPerPing: dispatchMsPerPingAt(memoryMb) };
  const sleeps = options.sleeps ?? true;
  const longestPauseMs = options.longestPauseMs ?? MAX_SLEEP_MS;
  const spares = options.spares ?? true;
  // Waiting for the Scheduler API: the same time at any memory.
  const scheduleUpdateMs = options.scheduleUpdateMs ?? 40;
  const stateRoundTripMs = options.stateRoundTripMs ?? 5;
  const initMs = options.initMs ?? cpuBoundMs(INIT_AT_REFERENCE_MS, memoryMb);
  const firstCallMs = options.firstCallMs ?? cpu(CONTROLLER_FIRST_CALL_CPU_MS);
  // What an invocation logs: its own lines, and an entry per target it pinged (a shard that pings none, its own).
  const invocation = (at: number, durationMs: number, pinged = 0) =>
    ({
      name: 'thermostat',
      at,
      durationMs,
      memoryMb,
      architecture,
      initMs,
      firstCallMs,
      logBytes: CONTROLLER_INVOCATION_LOG_BYTES + CONTROLLER_TARGET_LOG_BYTES * pinged,
    }) as const;
  let slept = 0;
  /** Targets a sharded tick left unread and unplanned, summed over the ticks. */
  let spared = 0;
  const decisions: Decision[] = [];
  const kinds: Record<string, number> = {};
  const tally = new RoundTally();
  const forecasts = new ForecastTally();
  /** The engine of the run, for the forecasts' windows still open when its facts are read. */
  let served: ((fn: number) => Served) | undefined;
  let ticks = 0;

  const start = ({ engine, policies, epochMs }: StrategyContext) => {
    const random = engine.randomFor('thermostat');
    served = (fn) => engine.requestsSoFar(fn);
    const state: TargetState[] = engine.functions.map(() => ({}));
    const bill = new StateBill();
    const keys: string[] = [];
    const intervals: number[] = [];
    const billed = (fn: number): BilledTarget => {
      const s = state[fn];
      return {
        key: keys[fn],
        memoryMb: engine.functions[fn].memoryMb,
        architecture: engine.functions[fn].architecture,
        keepAliveMs: intervals[fn],
        ...(s.managed ? { managed: s.managed } : {}),
        ...(s.traffic ? { traffic: s.traffic } : {}),
        ...(s.lastPingAt !== undefined ? { lastPingAt: s.lastPingAt } : {}),
        ...(s.lastWanted !== undefined ? { lastWanted: s.lastWanted } : {}),
        ...(s.lastProven !== undefined ? { lastProven: s.lastProven } : {}),
      };
    };
    let tickId = '';
    const keyToFn = new Map<string, number>();
    // Above shardSize targets the controller splits each tick into shards (and never pauses, so never aligns).
    const pauses = sleeps && engine.functions.length <= DEFAULT_CONFIG.shardSize;
    const planOptions: PlanOptions = { prices: engine.model.prices, tickMs, alignRounds: pauses };

    /** Quiet times a sharded controller keeps in its ledgers, by function (controller/state/ping-ledger.ts). */
    const quiet = new Map<number, QuietTarget>();

    const observe = (t: number, effective: readonly Effective[], fns: readonly number[]): Observed => {
      const targets: Record<string, TargetObservation> = {};
      for (const fn of fns) {
        const policy = effective[fn];
        keyToFn.set(policy.key, fn);
        const before = state[fn].traffic;
        targets[policy.key] = observeTarget(engine, fn, t, epochMs, policy, state[fn]);
        // What minute statistics showed is saved at once.
        if (state[fn].traffic !== before) bill.trafficRead(billed(fn), tickId);
      }
      const limit = engine.model.accountConcurrency;
      const reserved = engine.model.reservedConcurrency ?? 0;
      return {
        account: { limit, unreserved: Math.max(0, limit - reserved * engine.functions.length) },
        targets,
      };
    };

    const apply = (t: number, decision: Decision, pings: PingDecision[]) => {
      kinds[decision.kind] = (kinds[decision.kind] ?? 0) + 1;
      if (options.keepDecisions) decisions.push(decision);
      const fn = keyToFn.get(decision.key);
      if (fn === undefined) return;
      const s = state[fn];
      const record = (provisioned: ManagedRecord['provisioned']) => {
        s.managed = {
          function: decision.function,
          qualifier: decision.qualifier,
          provisioned,
          since: s.managed?.since ?? epochMs + t,
        };
      };
      switch (decision.kind) {
        case 'ping':
          pings.push(decision);
          break;
        case 'put-provisioned':
          engine.setProvisioned(fn, decision.value);
          record(ownedAfter(decision));
          bill.ownershipChange(billed(fn), tickId);
          break;
        case 'delete-provisioned':
          engine.setProvisioned(fn, 0);
          record(undefined);
          bill.ownershipChange(billed(fn), tickId);
          break;
        case 'register-scalable-target': {
          s.scalable = { min: decision.min, max: decision.max, target: decision.utilization };
          record(ownedAfter(decision));
          bill.ownershipChange(billed(fn), tickId);
          // Registering moves the capacity into [min, max] at once, as Application Auto Scaling does.
          const current = engine.provisioned(fn);
          const level = current.pending?.level ?? current.configured;
          if (level < decision.min || level > decision.max) {
            engine.setProvisioned(fn, Math.min(Math.max(level, decision.min), decision.max));
          }
          break;
        }
        case 'deregister-scalable-target':
          s.scalable = undefined;
          bill.ownershipChange(billed(fn), tickId);
          break;
        case 'forget':
          s.managed = undefined;
          break;
        case 'auto-choice':
          forecasts.decided(fn, decision.forecast, engine.requestsSoFar(fn));
          break;
        default:
          break;
      }
    };

    /**
     * One target's warm-up by the controller's own round rules (controller/ping/rounds.ts): full rounds (all pings
     * in flight together) held until their turn to leave (dispatchStart, by the controller's pace) + hold + size ×
     * dispatchMsPerPing, with the outcomes coming from the model instead of Invoke.
     */
    const warmOne = (
      decision: PingDecision,
      fn: number,
      at: number,
      client: Dispatcher,
      queue: DispatchQueue,
      done: (finishedAt: number, proven: number) => void,
    ) => {
      const holds = decision.payload.flavour === 'thermostat';
      const envs = new Set<number>();
      const sightings = new Map<number, Sighting>();
      let provisioned = 0;
      let rounds = 0;
      let sent = 0;
      let latencyMs: number | undefined;
      const proven = () => envs.size + provisioned;
      driveWarmUp(warmRequestOf(decision), config, at, {
        random: () => random.next(),
        at: (t, run) => engine.at(t, () => run(engine.now)),
        done: (finishedAt) => {
          const s = state[fn];
          s.pingsSince = (s.pingsSince ?? 0) + sent;
          if (sightings.size > 0) {
            const fold = decision.probe ? recordProbe : recordSightings;
            // Whole milliseconds, as the controller's clock gives them.
            s.traffic = fold(s.traffic ?? EMPTY_TRAFFIC, Math.round(epochMs + finishedAt), [...sightings.values()]);
          }
          if (latencyMs !== undefined) s.traffic = recordLatency(s.traffic ?? EMPTY_TRAFFIC, latencyMs);
          done(finishedAt, proven());
        },
        perform: (step, report) => {
          // The controller's estimate of its pings' turn (the model's client below sends them when it really can).
          const sendsAt = dispatchStart(queue, step.at, step.size, config);
          const holdUntil = holds ? holdUntilOf(sendsAt, step, config) : undefined;
          fanOut({
            engine,
            random,
            startAt: step.at,
            targets: [{ fn, count: step.size }],
            // The handler sizes the HTTP socket pool to the largest fan-out the policies allow.
            maxInFlight: Number.POSITIVE_INFINITY,
            dispatchMs,
            durationMs: engine.model.pingHandlerMs,
            holdUntil,
            client,
            onDone: (result) => {
              const r = result.rounds[0];
              if (holdUntil !== undefined) {
                // What the proofs' holds would tell the controller (controller/ping/warm.ts does the same).
                const held = r.warmArrivals.map((arrival) => Math.max(0, holdUntil - arrival));
                const round = { startedAt: sendsAt, holdUntil, size: step.size };
                latencyMs = roundLatency(round, held, config) ?? latencyMs;
              }
              for (const env of r.envs) if (env >= 0) envs.add(env);
              for (const [env, seen] of r.sightings) {
                sightings.set(env, {
                  envId: String(env),
                  initAt: epochMs + seen.initAt,
                  realServed: seen.realServed,
                  realBusyMs: seen.realBusyMs,
                  lastRealAt: Number.isNaN(seen.lastRealAt) ? null : epochMs + seen.lastRealAt,
                  // Whole milliseconds, as the target helper reports them.
                  ...(Number.isNaN(seen.longestIdleMs)
                    ? {}
                    : {
                        longestIdleMs: Math.round(seen.longestIdleMs),
                        shortestIdleMs: Math.round(seen.shortestIdleMs),
                      }),
                  ...(seen.realServed === 0 && seen.initAt >= step.at
                    ? { initMs: engine.functions[fn].coldStartMs }
                    : {}),
                });
              }
              provisioned = Math.max(provisioned, r.provisioned);
              if (rounds++ === 0) tally.add(decision.wanted, r.distinct, r.cold);
              sent += step.size;
              report(
                {
                  sent: step.size,
                  ok: step.size - r.throttled,
                  throttled: r.throttled,
                  transient: 0,
                  proven: proven(),
                },
                result.finishedAt,
              );
            },
          });
        },
      });
    };

    /** The tick's ping decisions, at most `parallelism` targets at a time, one HTTP client for all. */
    const sendPings = (t: number, pings: PingDecision[], finished: (at: number, settled: Set<string>) => void) => {
      const settled = new Set<string>();
      const client: Dispatcher = { free: t };
      const queue: DispatchQueue = { free: t };
      let next = 0;
      let active = 0;
      let left = pings.length;
      let last = t;
      const startMore = (at: number) => {
        while (active < DEFAULT_CONFIG.parallelism && next < pings.length) {
          const decision = pings[next++];
          const fn = keyToFn.get(decision.key)!;
          active++;
          warmOne(decision, fn, at, client, queue, (end, proven) => {
            if (!decision.probe) state[fn].lastProven = proven;
            const round = { at: epochMs + t, wanted: decision.wanted, proven, probe: decision.probe === true };
            bill.round(billed(fn), round, tickId);
            // A probe that reached its environment is settled too when planning again with what it saw waits.
            if (proven >= decision.wanted) settled.add(decision.key);
            active--;
            last = Math.max(last, end);
            if (--left === 0) finished(last, settled);
            else startMore(end);
          });
        }
      };
      for (const decision of pings) {
        // A probe leaves the last real round's record as it was (as the controller does).
        if (decision.probe) continue;
        const s = state[keyToFn.get(decision.key)!];
        s.lastPingAt = epochMs + t;
        s.lastWanted = decision.wanted;
      }
      startMore(t);
    };

    const tick = (t: number) => {
      ticks++;
      tickId = new Date(epochMs + t).toISOString();
      const effective = engine.functions.map((fn) => policies.effective(fn.index, t));
      effective.forEach((policy, fn) => {
        keys[fn] = policy.key;
        intervals[fn] = policy.warm.intervalMs;
      });
      // A controller starting cold has no memory: it plans with the traffic histories the state table holds.
      const warm = engine.controllerWarm('thermostat', t);
      if (!warm) {
        state.forEach((s, fn) => {
          s.traffic = bill.storedTraffic(keys[fn]);
          // and its rounds' times as the table holds them (the ledger its last environment held unwritten is lost),
          // a later ledger entry laid over the item as the controller's ShardPings does
          const rounds = bill.storedRounds(keys[fn]);
          if (rounds.item === undefined) delete s.lastPingAt;
          else s.lastPingAt = rounds.item;
          if (rounds.ledger !== undefined) state[fn] = withLedgerRound(s, rounds.ledger);
        });
      }
      // Above shardSize targets the controller splits the tick into shard invocations of its own (and never pauses);
      // each shard reads and plans only the targets its ledger does not hold quiet (controller/run.ts).
      const shards = Math.ceil(effective.length / DEFAULT_CONFIG.shardSize);
      const fingerprints = shards > 1 && spares ? effective.map(policyFingerprint) : [];
      const active = effective
        .map((_, fn) => fn)
        .filter((fn) => fingerprints.length === 0 || !isQuiet(quiet.get(fn), fingerprints[fn], epochMs + t));
      bill.startTick(
        active.map((fn) => keys[fn]),
        epochMs + t,
        { warm, whole: shards === 1 },
      );
      spared += effective.length - active.length;
      const planned = active.map((fn) => effective[fn]);
      const observed = observe(t, effective, active);
      const made = planner(planned, new Date(epochMs + t), observed, planOptions);
      const pings: PingDecision[] = [];
      for (const decision of made) apply(t, decision, pings);
      // The root runs itself the shards with little due (tick.ts localShards); each one it starts claims the tick and
      // reads its ledger too (its targets' reads are in the root's count).
      const due = plannedByShard(
        keys,
        active.map((fn) => keys[fn]),
        shards,
      );
      const here = localShards(due, DEFAULT_CONFIG.shardSize);
      const base = overheadMs + perTargetMs * [...here].reduce((sum, index) => sum + due[index], 0);
      for (let i = 1; i < shards; i++) {
        if (here.has(i)) continue;
        engine.chargeController(invocation(t, overheadMs + perTargetMs * due[i] + 3 * stateRoundTripMs));
        engine.chargeState(bill.shardInvocation());
      }
      // Once the tick's rounds are done, the controller pauses its schedule while nothing is due
      // (controller/plan/sleep.ts); the pause costs it a read and an update of its schedule.
      const finish = (end: number, proven: Set<string>) => {
        // Auto mode's targets are planned again with what their rounds showed, as the controller does.
        const settled = new Map<string, Settled>();
        for (const key of proven) {
          const fn = keyToFn.get(key)!;
          const after = observeTarget(engine, fn, t, epochMs, effective[fn], state[fn]);
          const probe = pings.some((decision) => decision.key === key && decision.probe === true);
          const until = settledUntil(effective[fn], after, observed.account, epochMs + t, planOptions, probe);
          if (until !== undefined) settled.set(key, until);
        }
        const next = pauses
          ? nextTick(effective, made, observed, epochMs + t, tickMs, settled, longestPauseMs)
          : undefined;
        if (next?.sleeps) slept++;
        if (fingerprints.length > 0) {
          for (const fn of active) {
            const policy = effective[fn];
            const mine = made.filter((decision) => decision.key === policy.key);
            const obs = observed.targets[policy.key];
            const until = quietUntil(policy, mine, obs, epochMs + t, tickMs, settled.get(policy.key));
            const entry = until === undefined ? undefined : { until, policy: fingerprints[fn] };
            if (entry) quiet.set(fn, entry);
            else quiet.delete(fn);
            bill.settle(policy.key, entry);
          }
        }
        const pinged = perPingedTargetMs * pings.length;
        const { units, roundTrips } = bill.finishTick(tickId, epochMs + end);
        engine.chargeState(units);
        const waits = roundTrips * stateRoundTripMs + (next?.sleeps ? scheduleUpdateMs : 0);
        engine.chargeController(invocation(t, end - t + base + pinged + waits, pings.length));
        const wake = next?.sleeps ? next.at - epochMs : t + tickMs;
        // on the schedule's grid, and never before this tick has ended
        const nextAt = t + tickMs * Math.max(1, Math.ceil((Math.max(wake, end) - t) / tickMs));
        if (nextAt < engine.endMs) engine.at(nextAt, () => tick(nextAt));
      };
      if (pings.length === 0) finish(t, new Set());
      else sendPings(t, pings, finish);
    };

    // Scalable targets Thermostat registered follow Application Auto Scaling's alarms every minute.
    const track = (t: number) => {
      state.forEach((s, fn) => {
        if (s.scalable) trackTarget(engine, fn, t, s.scalable, DEFAULT_ALARMS);
      });
      if (t + MINUTE_MS <= engine.endMs) engine.at(t + MINUTE_MS, () => track(t + MINUTE_MS));
    };

    const first = engine.scheduleStart('thermostat');
    engine.at(first, () => tick(first));
    const firstMinute = (Math.floor(engine.startMs / MINUTE_MS) + 1) * MINUTE_MS;
    engine.at(firstMinute, () => track(firstMinute));
  };

  return {
    id: 'thermostat',
    label: 'Thermostat',
    summary:
      'The real planner (controller/plan) every minute on the same policies (its schedule paused while nothing is due, up to a day as when the construct names its targets and ticks on every deployment; it fires at its own phase within the minute, as every schedule does), fed what the simulated Lambda shows, with the cost model choosing for auto mode; pings held until a deadline shared by each round land on distinct environments, up to 3 rounds with the hold doubled (as controller/ping does); provisioned concurrency direct or through simulated target tracking.',
    needs: { metrics: true },
    planner,
    decisions,
    start,
    facts: () => ({
      ticks,
      pauses: slept,
      spared,
      ...tally.facts(),
      ...(served ? forecasts.facts(served) : {}),
      ...Object.fromEntries(Object.entries(kinds).map(([k, v]) => [`decisions.${k}`, v])),
    }),
  };
}

/** How many of each shard's targets (controller/tick.ts shardIndexes) are planned this tick. */
function plannedByShard(keys: readonly string[], planned: readonly string[], of: number): number[] {
  if (of === 1) return [planned.length];
  const due = Array.from({ length: of }, () => 0);
  const shardOf = shardIndexes(keys, of);
  for (const key of planned) due[shardOf.get(key)!] += 1;
  return due;
}

/** What the controller's observe step would read for one target, from the model. */
function observeTarget(
  engine: Engine,
  fn: number,
  t: number,
  epochMs: number,
  policy: Effective,
  s: TargetState,
): TargetObservation {
  const info = engine.functions[fn];
  const pc = engine.provisioned(fn);
  const observation: {
    -readonly [K in keyof TargetObservation]: TargetObservation[K];
  } = {
    memoryMb: info.memoryMb,
    architecture: info.architecture,
    reservedConcurrency: engine.model.reservedConcurrency ?? null,
    provisionedElsewhere: 0,
    snapStart: false,
    weightedAlias: false,
    provisioned:
      pc.configured === 0
        ? null
        : {
            requested: pc.configured,
            allocated: pc.allocated,
            available: pc.allocated,
            status: pc.pending ? 'IN_PROGRESS' : 'READY',
          },
    scalableTarget: s.scalable ? { min: s.scalable.min, max: s.scalable.max } : null,
    scalingPolicy: s.scalable ? { targetValue: s.scalable.target } : null,
  };
  if (s.managed) observation.managed = s.managed;
  if (s.lastPingAt !== undefined) observation.lastPingAt = s.lastPingAt;
  if (s.lastWanted !== undefined) observation.lastWanted = s.lastWanted;
  if (s.lastProven !== undefined) observation.lastProven = s.lastProven;
  const metrics = engine.metrics;
  const now = epochMs + t;
  const wants = wantsMinuteStatistics({
    auto: policy.mode === 'auto',
    provisionedPossible: provisionedPossible(policy, observation),
    holdsProvisioned: s.managed?.provisioned !== undefined,
    traffic: s.traffic,
    breakEven: breakEvenUtilisation(info.architecture, engine.model.prices),
    now,
  });
  // What the controller asks CloudWatch for (minuteReadMinutes), within the trace: nothing is known before it starts.
  const minutes = Math.min(minuteReadMinutes(s.traffic, now), Math.floor((t - engine.startMs) / MINUTE_MS));
  if (metrics && wants && minutes > 0) {
    // What GetMetricData would return: Invocations, ConcurrentExecutions Average and Maximum; three metrics billed.
    engine.chargeObservation(3);
    const last = Math.floor(t / MINUTE_MS) - 1;
    let busy = 0;
    let peak = 0;
    let invocations = 0;
    const averages: number[] = [];
    for (let m = last; m > last - minutes; m--) {
      const sample = metrics.read(fn, m);
      busy += sample.busyMs;
      averages.push(sample.busyMs / MINUTE_MS);
      invocations += sample.invocations;
      if (sample.peak > peak) peak = sample.peak;
    }
    // Lambda's Invocations count pings too; the controller subtracts the ones it sent.
    invocations = Math.max(0, invocations - (s.pingsSince ?? 0));
    s.pingsSince = 0;
    s.traffic = recordUtilization(s.traffic ?? EMPTY_TRAFFIC, now, {
      averageConcurrency: busy / (minutes * MINUTE_MS),
      peakConcurrency: peak,
      minutes,
      invocations,
      unitBusy: unitBusyShares(averages, minutes),
    });
  }
  if (s.traffic) observation.traffic = s.traffic;
  return observation;
}
