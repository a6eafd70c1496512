/**
 * The controller's configuration file (`config.json` in its asset, read through `THERMOSTAT_CONFIG_FILE` by
 * controller/targets.ts): the target map for every ARN synth knows, the policy keys whose per-target metrics are
 * emitted, and tag discovery. It lives in the asset rather than the environment, so the number of targets is not
 * bounded by Lambda's 4 KB environment, and it changes the asset hash (so it deploys with the code that reads it).
 *
 *   { "version": 1, "targets": { "<policy key>": "<ARN or ARN with ${AWS::…}>" }, "detailedMetrics": [ … ],
 *     "discovery": { "tagKey": "thermostat:policy", "policies": [ …Policy ], "sources": [ … ] } }
 */
import type { Policy } from '../controller/policy';
import type { BoundTarget } from './binding';
import { renderSorted } from './policy-set';

export const CONTROLLER_CONFIG_VERSION = 1;

export interface DiscoveryDocument {
  readonly tagKey: string;
  readonly policies: readonly Policy[];
  readonly sources: readonly string[];
}

export interface ControllerConfigDocument {
  readonly version: typeof CONTROLLER_CONFIG_VERSION;
  readonly targets: Readonly<Record<string, string>>;
  readonly detailedMetrics: readonly string[];
  readonly discovery?: DiscoveryDocument;
}

export function controllerConfigDocument(
  targets: readonly BoundTarget[],
  discovery?: DiscoveryDocument,
): ControllerConfigDocument {
  const map: Record<string, string> = {};
  for (const target of targets) if (target.arns.file !== undefined) map[target.loaded.key] = target.arns.file;
  return {
    version: CONTROLLER_CONFIG_VERSION,
    targets: map,
    detailedMetrics: targets.filter((t) => t.detailedMetrics).map((t) => t.loaded.key),
    ...(discovery !== undefined ? { discovery } : {}),
  };
}

/** Stable text, so the asset hash changes only when the configuration does. */
export function renderControllerConfig(document: ControllerConfigDocument): string {
  return renderSorted(document);
}
