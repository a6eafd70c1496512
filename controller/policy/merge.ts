/**
 * How a set's defaults combine with a policy, and a window with its policy: sections (warm, provisioned, ...)
 * merge key by key; scalars and the windows list are replaced whole, because merging two lists of windows would
 * make their order (which decides the first match) impossible to see in either file.
 */
import type { Policy, PolicyDefaults } from './schema';

const SECTIONS = ['warm', 'provisioned', 'budget', 'auto', 'objective'] as const;

export function mergeSection<T extends object>(base: T | undefined, over: T | undefined): T | undefined {
  if (base === undefined) return over;
  if (over === undefined) return base;
  return { ...base, ...over };
}

/** The policy with the set's defaults filled in where it says nothing. */
export function mergeDefaults(policy: Policy, defaults: PolicyDefaults | undefined): Policy {
  if (defaults === undefined) return policy;
  const merged: Policy = { ...defaults, ...policy };
  for (const section of SECTIONS) {
    const value = mergeSection<object>(defaults[section], policy[section]);
    if (value !== undefined) (merged as Record<string, unknown>)[section] = value;
  }
  if (policy.windows === undefined && defaults.windows !== undefined) merged.windows = defaults.windows;
  return merged;
}
