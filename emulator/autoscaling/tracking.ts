export interface TrackingInput {
  readonly current: number;
  /** Observed metric value (utilisation 0–1 for LambdaProvisionedConcurrencyUtilization). */
  readonly observed: number;
  readonly target: number;
  readonly min: number;
  readonly max: number;
  readonly scaleOutAllowed: boolean;
  readonly scaleInAllowed: boolean;
}

/**
 * One step of a simple target-tracking policy: scale out in proportion when the metric is above target, scale
 * in when it falls below 90 % of target (AWS's low alarm), always within [min, max]. Returns the new capacity.
 */
export function trackTarget(input: TrackingInput): number {
  const { current, observed, target, min, max } = input;
  const clamp = (n: number) => Math.min(max, Math.max(min, n));
  if (current <= 0 || target <= 0) return clamp(current);
  const proportional = Math.ceil((current * observed) / target - 1e-9);
  if (observed > target && input.scaleOutAllowed) return clamp(Math.max(current + 1, proportional));
  if (observed < 0.9 * target && input.scaleInAllowed) return clamp(Math.min(current, Math.max(1, proportional)));
  return clamp(current);
}
