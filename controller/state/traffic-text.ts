import type { TargetState } from './store';

/**
 * A traffic history as text without the time of its last round (which the ping ledger can carry): a round whose
 * traffic reads the same saves no target item. The simulator bills the controller's saves by the same rule.
 */
export function trafficText(traffic: TargetState['traffic']): string | undefined {
  if (traffic === undefined) return undefined;
  const { at: _at, ...rest } = traffic;
  return JSON.stringify(rest);
}
