import type { ControllerConfig } from '../config';
import { bindDiscovered, type DiscoveredPolicies } from '../discovered';
import type { PolicySource } from '../run';
import type { DiscoveryResult } from './tag-discovery';

/** Share of a tick's time that listing and tag reads may take; the rest is for the targets themselves. */
export const DISCOVERY_SHARE = 0.4;

/** What the run needs from discovery (TagDiscovery, or a stand-in in tests). */
export interface Discovery {
  readonly tag: string;
  discover(until: number): Promise<DiscoveryResult>;
}

export type TickDiscovery = DiscoveredPolicies & { readonly result: DiscoveryResult };

/**
 * The tick's discovered policies: none unless the policy set has templates (so a controller without templates
 * never lists the account). Discovery may use `DISCOVERY_SHARE` of the time until the deadline.
 */
export async function discoverTargets(
  discovery: Discovery | undefined,
  source: PolicySource,
  config: Pick<ControllerConfig, 'targets'>,
  startedAt: number,
  deadline: number,
): Promise<TickDiscovery | undefined> {
  const templates = source.templates ?? [];
  if (discovery === undefined || templates.length === 0) return undefined;
  const result = await discovery.discover(startedAt + Math.max(0, deadline - startedAt) * DISCOVERY_SHARE);
  const bound = bindDiscovered(result.functions, templates, source.policies, config.targets, discovery.tag);
  return { ...bound, result };
}

/** The report's line about discovery, and why the tick is partial while a pass is under way. */
export function discoveryReport(discovery: TickDiscovery) {
  const { result } = discovery;
  return {
    tagged: result.functions.length,
    targets: discovery.policies.length,
    shadowed: discovery.shadowed,
    scanned: result.scanned,
    complete: result.complete,
    ...(result.note ? { note: result.note } : {}),
  };
}
