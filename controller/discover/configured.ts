/**
 * The construct's tag discovery (`discoverByTag`), as it reaches the controller: the configuration file's
 * `discovery` holds the tag key and the policies tagged functions may name, each named by its `function` (the tag
 * value). They join the policy set as templates, the same as `template:` documents in a policy file.
 */
import { parsePolicyJson } from '../policy/core';
import type { PolicySource } from '../run';

export interface ConfiguredDiscovery {
  readonly tagKey: string;
  readonly policies: readonly unknown[];
}

/** `source` with the configured discovery policies added to its templates (a name already there keeps its own). */
export function withConfiguredDiscovery(
  source: PolicySource,
  discovery: ConfiguredDiscovery | undefined,
  file: string,
): PolicySource {
  if (discovery === undefined || discovery.policies.length === 0) return source;
  const documents = discovery.policies.map((policy) => {
    const { function: name, ...rest } = (policy ?? {}) as Record<string, unknown>;
    return { template: name, ...rest };
  });
  const parsed = parsePolicyJson({ policies: documents }, `${file} discovery`);
  const own = new Set((source.templates ?? []).map((template) => template.name));
  const added = (parsed.templates ?? []).filter((template) => !own.has(template.name));
  return {
    ...source,
    templates: [...(source.templates ?? []), ...added],
    issues: [...source.issues, ...parsed.issues],
  };
}
