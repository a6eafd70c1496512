/**
 * The validated policy set as the controller reads it from `THERMOSTAT_POLICY_FILE`
 * (controller/policies.ts reads `policies`; other keys are for people):
 *
 *   { "version": 1, "policies": [ { …Policy } ], "sources": [ "policies/api.yaml" ] }
 *
 * Each policy has the set's defaults merged in (built-in defaults are left to resolvePolicy), so the controller
 * parses it again with the policy module unchanged. `function` is as written, which is often not the deployed
 * name (CDK generates names); `THERMOSTAT_TARGETS` maps each policy's key to the ARN to act on.
 */
import { createHash } from 'node:crypto';
import type { Policy } from '../controller/policy';
import { type BoundTarget, portableSource } from './binding';

export const POLICY_SET_VERSION = 1;

export interface PolicySetDocument {
  readonly version: typeof POLICY_SET_VERSION;
  /** In target order. */
  readonly policies: readonly Policy[];
  /** Where each policy came from, same order. */
  readonly sources: readonly string[];
}

export function policySetDocument(targets: readonly BoundTarget[], cwd?: string): PolicySetDocument {
  return {
    version: POLICY_SET_VERSION,
    policies: targets.map((t) => t.loaded.policy),
    sources: targets.map((t) => portableSource(t.loaded.file, cwd)),
  };
}

/** Stable text (sorted keys), so the asset hash changes only when a policy does. */
export function renderPolicySet(document: PolicySetDocument): string {
  return renderSorted(document);
}

/** JSON with sorted keys and a final newline: the same value always gives the same text. */
export function renderSorted(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

export function hashPolicySet(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  return value;
}
