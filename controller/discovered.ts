/**
 * Policies for the functions found by tag: each tagged function gets the template its tag names, acted on through
 * the ARN ListFunctions gave (so THERMOSTAT_TARGETS, which maps the construct's own targets, is not needed for
 * them). A function that also has a policy of its own keeps that one: a tag cannot override what a policy file
 * says about the same function and qualifier.
 */
import type { DiscoveredFunction } from './discover/tag-discovery';
import { type LoadedPolicy, type LoadedTemplate, type PolicyIssue, policyKey, targetIdentity } from './policy/core';
import { parseFunctionArn, type TargetMap } from './targets';

export interface DiscoveredPolicies {
  readonly policies: readonly LoadedPolicy[];
  /** Tags that name no template. */
  readonly issues: readonly PolicyIssue[];
  /** Keys of the discovered policies, which bind to their own ARN. */
  readonly keys: ReadonlySet<string>;
  /** Tagged functions left to the policy that names them. */
  readonly shadowed: number;
}

export function bindDiscovered(
  found: readonly DiscoveredFunction[],
  templates: readonly LoadedTemplate[],
  explicit: readonly LoadedPolicy[],
  map: TargetMap | undefined,
  tag: string,
): DiscoveredPolicies {
  const byName = new Map(templates.map((template) => [template.name, template]));
  // What the explicit policies act on: the deployed name from the map when there is one, else the name written.
  const taken = new Set(
    explicit.map((loaded) => {
      const arn = map?.[loaded.key];
      const deployed = arn === undefined ? undefined : parseFunctionArn(arn);
      return targetIdentity(deployed?.name ?? loaded.policy.function, deployed?.qualifier ?? loaded.policy.qualifier);
    }),
  );
  const policies: LoadedPolicy[] = [];
  const issues: PolicyIssue[] = [];
  const keys = new Set<string>();
  let shadowed = 0;
  for (const fn of found) {
    const template = byName.get(fn.template);
    if (template === undefined) {
      const known = [...byName.keys()].map((name) => JSON.stringify(name)).join(', ') || 'none';
      issues.push({
        file: fn.arn,
        path: `tags.${tag}`,
        message: `tagged ${tag}=${JSON.stringify(fn.template)}, but the policy set has no template of that name (templates: ${known}); fix the tag or add a template: document`,
      });
      continue;
    }
    const qualifier = template.policy.qualifier;
    if (taken.has(targetIdentity(fn.name, qualifier))) {
      shadowed += 1;
      continue;
    }
    const key = policyKey(fn.arn, qualifier);
    keys.add(key);
    policies.push({
      file: `${template.file} (template ${template.name}, tag on ${fn.name})`,
      index: template.index,
      policy: { ...template.policy, function: fn.arn },
      key,
    });
  }
  return { policies, issues, keys, shadowed };
}
