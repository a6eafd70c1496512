import type { Engine } from '../model/engine';
import { provisionedTarget, type Strategy } from './types';

const MINUTE_MS = 60_000;

export interface TrackingBounds {
  readonly min: number;
  readonly max: number;
  readonly target: number;
}

export interface TrackingAlarms {
  readonly outPoints: number;
  readonly inPoints: number;
  readonly inRatio: number;
}

export const DEFAULT_ALARMS: TrackingAlarms = { outPoints: 3, inPoints: 15, inRatio: 0.9 };

export interface TargetTrackingOptions {
  /** Consecutive one-minute datapoints above target before scaling out. @default 3 */
  readonly scaleOutPoints?: number;
  /** Consecutive one-minute datapoints below `scaleInRatio` × target before scaling in. @default 15 */
  readonly scaleInPoints?: number;
  /** @default 0.9 */
  readonly scaleInRatio?: number;
}

/** Scalable-target bounds for a function from its policy: min at least 1 (AWS asks for an initial value). */
export function targetTrackingBounds(effective: Parameters<typeof provisionedTarget>[0]): TrackingBounds {
  const min = effective.mode === 'off' ? 0 : Math.max(1, provisionedTarget(effective));
  return { min, max: Math.max(min, effective.provisioned.max), target: effective.provisioned.utilization };
}

/**
 * Application Auto Scaling target tracking on LambdaProvisionedConcurrencyUtilization, as AWS documents it: an
 * alarm on the Average of 1-minute datapoints fires after 3 above the target (scale out) or 15 below 90 % of it
 * (scale in); the new capacity is ceil(allocated × utilisation / target) within [min, max]; cooldowns 0.
 * Lambda emits the metric only in minutes with invocations, so a minute without traffic is a missing datapoint,
 * and the alarms never see 15 low datapoints in a row on an idle function: it never scales in without traffic.
 * Utilisation counts provisioned executions only (spillover is invisible to it), averaged over the minute.
 * Window min/max changes apply as scheduled actions would (raise to min, cut to max).
 */
export function aasTargetTracking(options: TargetTrackingOptions = {}): Strategy {
  const outPoints = options.scaleOutPoints ?? DEFAULT_ALARMS.outPoints;
  const inPoints = options.scaleInPoints ?? DEFAULT_ALARMS.inPoints;
  const inRatio = options.scaleInRatio ?? DEFAULT_ALARMS.inRatio;
  let scaleOuts = 0;
  let scaleIns = 0;
  return {
    id: 'aas-target-tracking',
    label: 'AAS target tracking',
    summary: `Application Auto Scaling target tracking at provisioned.utilization: scale out after ${outPoints} one-minute Average datapoints above target, in after ${inPoints} below ${inRatio * 100}% of it; no datapoints (so no scale-in) in minutes without traffic; min at least 1.`,
    needs: { metrics: true },
    start: ({ engine, policies }) => {
      for (const fn of engine.functions) {
        engine.setProvisioned(fn.index, targetTrackingBounds(policies.effective(fn.index, engine.startMs)).min, {
          immediate: true,
        });
      }
      const evaluate = (t: number) => {
        for (const fn of engine.functions) {
          const bounds = targetTrackingBounds(policies.effective(fn.index, t));
          const change = trackTarget(engine, fn.index, t, bounds, { outPoints, inPoints, inRatio });
          if (change > 0) scaleOuts++;
          if (change < 0) scaleIns++;
        }
        if (t + MINUTE_MS <= engine.endMs) engine.at(t + MINUTE_MS, () => evaluate(t + MINUTE_MS));
      };
      const first = (Math.floor(engine.startMs / MINUTE_MS) + 1) * MINUTE_MS;
      engine.at(first, () => evaluate(first));
    },
    facts: () => ({ scaleOuts, scaleIns }),
  };
}

/**
 * One evaluation of a scalable target at a minute boundary, reading the minutes before it; returns +1 when it
 * scaled out, −1 when it scaled in, 0 otherwise. Shared with the Thermostat strategy's `autoscaling` targets.
 */
export function trackTarget(
  engine: Engine,
  fn: number,
  t: number,
  bounds: TrackingBounds,
  { outPoints, inPoints, inRatio }: TrackingAlarms = DEFAULT_ALARMS,
): number {
  const state = engine.provisioned(fn);
  const wanted = state.pending?.level ?? state.configured;
  if (wanted < bounds.min || wanted > bounds.max) {
    engine.setProvisioned(fn, Math.min(Math.max(wanted, bounds.min), bounds.max));
    return wanted < bounds.min ? 1 : -1;
  }
  const allocated = state.allocated;
  if (allocated === 0 || engine.metrics === undefined) return 0;
  const last = Math.floor(t / MINUTE_MS) - 1;
  const points: number[] = [];
  for (let m = last; m > last - Math.max(outPoints, inPoints); m--) {
    const sample = engine.metrics.read(fn, m);
    if (sample.invocations === 0) break;
    points.push(sample.provisionedBusyMs / (MINUTE_MS * allocated));
  }
  const latest = points[0];
  if (points.length >= outPoints && points.slice(0, outPoints).every((u) => u > bounds.target)) {
    const desired = Math.min(bounds.max, Math.ceil((allocated * latest) / bounds.target));
    if (desired > wanted) {
      engine.setProvisioned(fn, desired);
      return 1;
    }
    return 0;
  }
  if (points.length >= inPoints && points.slice(0, inPoints).every((u) => u < inRatio * bounds.target)) {
    const desired = Math.max(bounds.min, Math.ceil((allocated * latest) / bounds.target));
    if (desired < wanted) {
      engine.setProvisioned(fn, desired);
      return -1;
    }
  }
  return 0;
}
