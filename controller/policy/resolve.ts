/**
 * What a policy means at one instant: built-in defaults, then the policy, then the first window that contains the
 * instant. Pure and deterministic, so the planner, the simulator and the tests share it.
 */
import { parseDuration } from './duration';
import { policyKey } from './function-name';
import { mergeSection } from './merge';
import { BUILTIN_DEFAULTS, type Mode, type PayloadFlavour, type Policy, type PolicyWindow } from './schema';
import {
  candidateEdges,
  compileWindow,
  containsWallTime,
  DAY_MS,
  type OffsetSegment,
  offsetIn,
  offsetSegments,
} from './window';

export type PingPayloadSpec = { flavour: PayloadFlavour } | { flavour: 'custom'; json: unknown };

export interface WarmSettings {
  concurrency: number;
  intervalMs: number;
  holdMs: number;
  payload: PingPayloadSpec;
}

export interface ProvisionedSettings {
  min: number;
  max: number;
  utilization: number;
  strategy: 'direct' | 'autoscaling';
  adopt: boolean;
}

export interface Effective {
  /** Same as LoadedPolicy.key: `<function>:<qualifier or $LATEST>`. */
  key: string;
  function: string;
  qualifier: string | undefined;
  mode: Mode;
  /** Name of the window that matched; undefined when the base settings apply. */
  window: string | undefined;
  warm: WarmSettings;
  provisioned: ProvisionedSettings;
  budget: { maxConcurrency?: number; maxShare?: number };
  auto: {
    maxEnvironments?: number;
    expectedUtilization?: number;
    memoryMb?: number;
    architecture?: 'x86_64' | 'arm64';
  };
  objective: { warmRatio?: number; maxMonthlyUsd?: number };
  /** Next instant at which the effective settings may change (a window edge), if one falls within 8 days. */
  until: Date | undefined;
}

/** How far ahead `until` looks; a week covers every weekly pattern, the extra day the overnight spill. */
export const HORIZON_MS = 8 * DAY_MS;

/** Which window (index) contains an instant, and when that answer may next change. */
export interface WindowMatch {
  index: number;
  until: number | undefined;
}

/**
 * The first window containing `now`, and the next instant (within the horizon) at which the first match changes.
 * Windows after the matching one cannot change the answer, so only their predecessors' edges are considered.
 */
export function matchWindow(policy: Pick<Policy, 'windows' | 'timezone'>, now: number): WindowMatch {
  const windows = policy.windows ?? [];
  if (windows.length === 0) return { index: -1, until: undefined };
  const zone = policy.timezone ?? BUILTIN_DEFAULTS.timezone;
  const compiled = windows.map((window) => compileWindow(window, zone));
  const horizon = now + HORIZON_MS;
  const segmentsByZone = new Map<string, OffsetSegment[]>();
  const segmentsOf = (name: string) => {
    let segments = segmentsByZone.get(name);
    if (segments === undefined) {
      segments = offsetSegments(name, now, horizon + 1);
      segmentsByZone.set(name, segments);
    }
    return segments;
  };
  const matchAt = (instant: number) =>
    compiled.findIndex((window) => containsWallTime(window, instant + offsetIn(segmentsOf(window.zone), instant)));

  const index = matchAt(now);
  const relevant = index === -1 ? compiled : compiled.slice(0, index + 1);
  const edges = new Set<number>();
  for (const window of relevant)
    for (const edge of candidateEdges(window, segmentsOf(window.zone), now, horizon)) edges.add(edge);
  for (const edge of [...edges].sort((a, b) => a - b)) {
    if (matchAt(edge) !== index) return { index, until: edge };
  }
  return { index, until: undefined };
}

function payloadSpec(payload: NonNullable<NonNullable<Policy['warm']>['payload']>): PingPayloadSpec {
  return typeof payload === 'string' ? { flavour: payload } : { flavour: 'custom', json: payload.custom };
}

/** Settings of the policy with one window's overrides merged over its base. */
function applyWindow(policy: Policy, window: PolicyWindow | undefined): Policy {
  if (window === undefined) return policy;
  return {
    ...policy,
    mode: window.mode ?? policy.mode,
    warm: mergeSection(policy.warm, window.warm),
    provisioned: mergeSection(policy.provisioned, window.provisioned),
    budget: mergeSection(policy.budget, window.budget),
  };
}

/** The effective settings of a (validated) policy for one window, or its base when `window` is undefined. */
export function effectiveSettings(policy: Policy, window: PolicyWindow | undefined): Omit<Effective, 'until'> {
  const settings = applyWindow(policy, window);
  const warm = { ...BUILTIN_DEFAULTS.warm, ...settings.warm };
  const provisioned = { ...BUILTIN_DEFAULTS.provisioned, ...settings.provisioned };
  const budget = { ...settings.budget };
  // The share is only a default cap: a policy that sets an absolute cap has chosen its limit.
  if (budget.maxConcurrency === undefined && budget.maxShare === undefined)
    budget.maxShare = BUILTIN_DEFAULTS.budget.maxShare;
  return {
    key: policyKey(policy.function, policy.qualifier),
    function: policy.function,
    qualifier: policy.qualifier,
    mode: settings.mode ?? BUILTIN_DEFAULTS.mode,
    window: window?.name,
    warm: {
      concurrency: warm.concurrency,
      intervalMs: parseDuration(warm.interval),
      holdMs: warm.holdMs,
      payload: payloadSpec(warm.payload),
    },
    provisioned: {
      min: provisioned.min,
      max: provisioned.max ?? provisioned.min,
      utilization: provisioned.utilization,
      strategy: provisioned.strategy,
      adopt: provisioned.adopt,
    },
    budget,
    auto: { ...settings.auto },
    objective: { ...settings.objective },
  };
}

/**
 * The settings in force at `now`: built-in defaults, the policy (already merged with its set's defaults by the
 * loader), then the first window containing `now`. DST-correct: windows are matched on the zone's wall clock.
 * @example resolvePolicy(policy, new Date('2025-03-31T07:00:00Z')).warm.concurrency
 */
export function resolvePolicy(policy: Policy, now: Date): Effective {
  const match = matchWindow(policy, now.getTime());
  const window = match.index === -1 ? undefined : policy.windows![match.index];
  return { ...effectiveSettings(policy, window), until: match.until === undefined ? undefined : new Date(match.until) };
}
