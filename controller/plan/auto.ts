/**
 * Auto mode: how many environments to keep warm, and how many of them as provisioned concurrency, from the
 * function's own traffic, by cost. Pure (prices come in as data).
 *
 * - Warm environments: the fewest that keep the objective's warm share for the load traffic offers (Erlang's loss
 *   formula, see erlang.ts), capped by `auto.maxEnvironments`.
 * - Provisioned units: the n-th unit pays off when the load it would carry (its marginal utilisation) is above the
 *   break-even utilisation, by enough that the saving over the coming hour beats switching: provisioned concurrency
 *   is billed in 5-minute increments, so a unit is added only above break-even × (1 + 5/60) and kept until it falls
 *   below break-even × (1 − 5/60). That band is the hysteresis that stops flapping.
 * - A monthly ceiling (`objective.maxMonthlyUsd`) lowers both until the forecast cost fits.
 */
import {
  type Architecture,
  breakEvenUtilisation,
  costOfPings,
  gbSeconds,
  MONTH_MS,
  onDemandRate,
  PRICES,
  type PriceBook,
} from '../cost';
import { BUILTIN_DEFAULTS, type Effective } from '../policy/core';
import type { Forecast } from './decision';
import { environmentsNeeded } from './demand';
import { coldShare, marginalUtilisation } from './erlang';
import { busiestUnit, LONGEST_PROVISIONED_REQUEST_MS } from './minute-reads';
import type { TargetObservation } from './observed';
import { type TrafficHistory, UNIT_SHARES_KEPT } from './traffic';

const HOUR_MS = 3_600_000;
/** Provisioned concurrency is billed in 5-minute increments: the cost of a switch, as a share of an hour. */
const SWITCH_SHARE = 5 / 60;
/** Init time assumed for the SnapStart hint when none was observed. */
const SLOW_INIT_MS = 1_000;
/** Load from which a steady function may be cheaper on Lambda Managed Instances (at least 3 instances). */
const MANAGED_INSTANCES_LOAD = 8;

export interface AutoPlan {
  /** Environments to keep warm in all (provisioned units included). */
  readonly environments: number;
  /** Of those, provisioned units (0: pings only). */
  readonly provisioned: number;
  readonly load: number | undefined;
  readonly loadSource: 'proofs' | 'metrics' | 'policy' | 'unknown';
  /** Forecast USD per hour of each alternative for the chosen environments (pings; provisioned units + pings). */
  readonly hourly: { readonly pings: number; readonly provisioned: number };
  readonly reason: string;
  /** The environments are those a burst of parallel requests left (demand.ts leftByTraffic), pinged, not started. */
  readonly leftByTraffic: boolean;
  /** Report-only advice: a feature that would fit this function better than warming. */
  readonly advice?: string;
  /** What the chosen environments forecast for real requests, where Erlang's formula describes them (pooled). */
  readonly forecast?: Forecast;
}

export interface AutoInput {
  readonly policy: Effective;
  readonly obs: TargetObservation;
  /** Whether provisioned concurrency is possible on the qualifier (an alias or version, no SnapStart...). */
  readonly provisionedPossible: boolean;
  readonly prices?: PriceBook;
}

const usd = (value: number): string =>
  value < 0 ? `−${usd(-value)}` : `$${value < 0.01 ? value.toPrecision(2) : value.toFixed(2)}`;

/** Plans auto mode for one target and tick. */
export function planAuto(input: AutoInput): AutoPlan {
  const { policy, obs } = input;
  const prices = input.prices ?? PRICES;
  const warmRatio = policy.objective.warmRatio ?? BUILTIN_DEFAULTS.objective.autoWarmRatio;
  const max = policy.auto.maxEnvironments ?? BUILTIN_DEFAULTS.auto.maxEnvironments;
  const architecture: Architecture = obs.architecture ?? policy.auto.architecture ?? 'x86_64';
  const { traffic, loadSource } = forecastTraffic(input, max);
  const need = environmentsNeeded(traffic, warmRatio, max, loadSource);
  const load = traffic?.load;
  const breakEven = breakEvenUtilisation(architecture, prices);
  const mean = meanRequestMs(traffic);
  const unitCeiling = busiestUnit(mean);
  // What the reads measured each unit would carry (TrafficHistory.readUnitBusy) bounds what Erlang's formula says from
  // the mean load: bursts make the mean a poor guide to how long the first units would be busy.
  const shares = loadSource === 'metrics' ? (traffic?.readUnitBusy ?? []) : [];
  // Beyond the units a read keeps (UNIT_SHARES_KEPT, all busy), nothing was measured: the formula alone judges.
  const measured = (n: number, read: readonly number[] | undefined) =>
    read === undefined || (n > read.length && read.length >= UNIT_SHARES_KEPT)
      ? Number.POSITIVE_INFINITY
      : (read[n - 1] ?? 0);
  const carriedBy = (n: number) =>
    Math.min(marginalUtilisation(n, load ?? 0), unitCeiling, measured(n, shares[shares.length - 1]));
  // A unit beyond those held rests on the load of both last reads (see TrafficHistory.readLoads).
  const held = currentUnits(obs);
  const reads = traffic?.readLoads ?? [];
  const confirmed = loadSource !== 'metrics' ? load : reads.length >= 2 ? Math.min(...reads) : 0;
  const confirmedShare = (n: number) =>
    shares.length >= 2 ? Math.min(...shares.map((read) => measured(n, read))) : Number.POSITIVE_INFINITY;
  const raiseCarriedBy = (n: number) =>
    n <= held ? carriedBy(n) : Math.min(carriedBy(n), marginalUtilisation(n, confirmed ?? 0), confirmedShare(n));
  // Provisioned concurrency only on a load measured over minutes (CloudWatch) or stated by the policy: proofs see
  // only the environments pings reach, and a unit is billed for at least five minutes.
  const units =
    input.provisionedPossible && load !== undefined && provisionedFits(traffic, loadSource)
      ? unitsWorthHaving(Math.min(policy.provisioned.max, need.environments), held, breakEven, raiseCarriedBy)
      : 0;
  const hourly = hourlyCost(input, architecture, prices, carriedBy);
  const fitted = withinCeiling(policy.objective.maxMonthlyUsd, need.environments, units, hourly);
  const { environments, cost } = fitted;
  const choice =
    environments === 0
      ? 'nothing fits the monthly ceiling'
      : fitted.units > 0
        ? `${fitted.units} provisioned unit${fitted.units === 1 ? '' : 's'}${fitted.units < environments ? ` + pings for ${environments}` : ''} (${usd(cost.provisioned)}/h net vs ${usd(cost.pings)}/h with pings only)`
        : `pings for ${environments} (${usd(cost.pings)}/h${load !== undefined && input.provisionedPossible ? `; provisioned would pay off above ${Math.round(breakEven * 100)}% utilisation per unit` : ''})`;
  const advice = adviceFor(obs, load);
  const forecast = pooled(load, need.environments, warmRatio) ? forecastFor(environments, load, mean) : undefined;
  // The need's own reason gives its warm share; the ceiling may have kept fewer warm.
  const forecastNote =
    forecast === undefined || environments === need.environments
      ? ''
      : `; forecast ${percent(forecast.coldShare)} of requests cold with ${environments} warm`;
  return {
    environments,
    provisioned: fitted.units,
    load,
    loadSource,
    hourly: cost,
    reason: `${need.why}; ${choice}${fitted.note}${forecastNote}${advice ? `; ${advice}` : ''}`,
    leftByTraffic: need.leftByTraffic === true && fitted.units === 0,
    ...(advice ? { advice } : {}),
    ...(forecast ? { forecast } : {}),
  };
}

/** The traffic history the forecast uses: what was observed, or the policy's expected utilisation until then. */
function forecastTraffic(
  input: AutoInput,
  max: number,
): { traffic: TrafficHistory | undefined; loadSource: AutoPlan['loadSource'] } {
  const { policy, obs } = input;
  const traffic = obs.traffic;
  if (traffic?.load !== undefined) return { traffic, loadSource: traffic.loadSource ?? 'proofs' };
  if (policy.auto.expectedUtilization === undefined) return { traffic, loadSource: 'unknown' };
  return {
    traffic: {
      ...(traffic ?? { at: 0, environments: [], idleTimes: [] }),
      load: policy.auto.expectedUtilization * max,
    },
    loadSource: 'policy',
  };
}

/** Provisioned units that pay off, with the switching band around the break-even (units held keep a lower bar). */
function unitsWorthHaving(cap: number, current: number, breakEven: number, carriedBy: (n: number) => number): number {
  let units = 0;
  for (let n = 1; n <= cap; n++) {
    const threshold = breakEven * (n <= current ? 1 - SWITCH_SHARE : 1 + SWITCH_SHARE);
    if (carriedBy(n) < threshold) break;
    units = n;
  }
  return units;
}

type HourlyCost = (environments: number, pcUnits: number) => { pings: number; provisioned: number };

/** Forecast cost per hour of keeping `environments` warm, `pcUnits` of them as provisioned concurrency. */
function hourlyCost(
  input: AutoInput,
  architecture: Architecture,
  prices: PriceBook,
  carriedBy: (n: number) => number,
): HourlyCost {
  const { policy, obs } = input;
  const memoryMb = obs.memoryMb ?? policy.auto.memoryMb ?? 1024;
  const sheet = prices[architecture];
  return (environments, pcUnits) => {
    const pingEnvironments = pcUnits >= environments ? 0 : environments;
    const rounds = HOUR_MS / policy.warm.intervalMs;
    const pings = costOfPings({
      count: rounds * pingEnvironments,
      holdMs: pingEnvironments > 1 ? policy.warm.holdMs : 1,
      memoryMb,
      architecture,
      prices,
    }).total;
    // A provisioned unit costs its capacity and saves the on-demand premium on the load it carries.
    let carried = 0;
    for (let n = 1; n <= pcUnits; n++) carried += carriedBy(n);
    const gbHour = gbSeconds(memoryMb, HOUR_MS);
    const provisioned =
      pcUnits * gbHour * sheet.provisionedPerGbSecond -
      carried * gbHour * (onDemandRate(sheet) - sheet.provisionedDurationPerGbSecond);
    return { pings, provisioned: provisioned + (pcUnits > 0 ? pings : 0) };
  };
}

/** Units first, then environments, lowered until the forecast fits `objective.maxMonthlyUsd` (if set). */
function withinCeiling(ceiling: number | undefined, wanted: number, wantedUnits: number, hourly: HourlyCost) {
  let environments = wanted;
  let units = wantedUnits;
  let cost = hourly(environments, units);
  if (ceiling === undefined) return { environments, units, cost, note: '' };
  const monthly = () => (units > 0 ? cost.provisioned : cost.pings) * (MONTH_MS / HOUR_MS);
  while (monthly() > ceiling && (units > 0 || environments > 1)) {
    if (units > 0) units -= 1;
    else environments -= 1;
    cost = hourly(environments, units);
  }
  const note = `; within objective.maxMonthlyUsd ${usd(ceiling)}`;
  if (monthly() > ceiling) return { environments: 0, units: 0, cost: { pings: 0, provisioned: 0 }, note };
  return { environments, units, cost, note };
}

/**
 * Whether the load may buy provisioned units: measured over minutes by CloudWatch (proofs see only the environments
 * pings reach) or stated by the policy, and made of many short requests — a few long-running requests are a load a
 * new unit never takes over, since requests already running stay where they are.
 */
function provisionedFits(traffic: TargetObservation['traffic'], source: AutoPlan['loadSource']): boolean {
  if (source === 'policy') return true;
  if (source !== 'metrics' || traffic?.load === undefined) return false;
  const rate = traffic.metricsRate;
  if (rate === undefined || rate <= 0) return false;
  return (traffic.load * 60_000) / rate <= LONGEST_PROVISIONED_REQUEST_MS;
}

/** Mean real request time (ms): from minute statistics when read, else from the proofs. */
function meanRequestMs(traffic: TargetObservation['traffic']): number | undefined {
  if (traffic?.load !== undefined && traffic.metricsRate !== undefined && traffic.metricsRate > 0) {
    return (traffic.load * 60_000) / traffic.metricsRate;
  }
  return traffic?.meanRequestMs;
}

/**
 * Whether Erlang's loss formula describes what the environments kept warm give: it prices a fixed pool on a load the
 * proofs or minute statistics measured. Not where the load needs more than maxEnvironments (traffic then keeps
 * environments of its own warm, and a pool of `max` would forecast most requests cold), and not on a load of 0 (the
 * environments reached served nothing: it says nothing of the requests that do come). It assumes random arrivals, so
 * parallel bursts make it low; plan.ts withdraws it where traffic, not pings, keeps the environments warm.
 */
function pooled(load: number | undefined, needed: number, warmRatio: number): load is number {
  return load !== undefined && load > 0 && coldShare(needed, load) <= 1 - warmRatio;
}

/** The cold share Erlang's formula gives the environments at the load, and the request rate the load stands for. */
function forecastFor(environments: number, load: number, meanMs: number | undefined): Forecast {
  const share = coldShare(environments, load);
  return meanMs !== undefined && meanMs > 0
    ? { coldShare: share, requestsPerMinute: (load * 60_000) / meanMs }
    : { coldShare: share };
}

/** A share as a percentage to two significant digits (0.4%, 12%, 0.0031%). */
const percent = (share: number): string => `${Number((share * 100).toPrecision(2))}%`;

/** Units Thermostat already keeps on the qualifier (what the hysteresis band protects). */
function currentUnits(obs: TargetObservation): number {
  const managed = obs.managed?.provisioned;
  if (managed === undefined) return 0;
  return managed.strategy === 'direct' ? managed.value : managed.min;
}

function adviceFor(obs: TargetObservation, load: number | undefined): string | undefined {
  const initMs = obs.traffic?.initMs;
  if (initMs !== undefined && initMs >= SLOW_INIT_MS && !obs.snapStart) {
    return `init takes ${Math.round(initMs)} ms: SnapStart (Java, Python, .NET) would shorten every cold start without warming`;
  }
  if (load !== undefined && load >= MANAGED_INSTANCES_LOAD) {
    return `a steady load of ${load.toFixed(1)} concurrent requests may cost less on Lambda Managed Instances (no cold starts on the request path)`;
  }
  return undefined;
}
