/**
 * Which deployed function each policy is for. CloudFormation generates function names, so the construct passes
 * `THERMOSTAT_TARGETS`: a JSON object from each policy's key (`<function as written>:<qualifier or $LATEST>`) to
 * the ARN to act on, qualified for aliases and versions. When the map is present it is the only source of truth:
 * every Lambda and Application Auto Scaling call for a policy goes to its mapped ARN, and a policy without an
 * entry is never acted on by the name it was written with (which may not exist, or be someone else's function).
 */
import { readFileSync } from 'node:fs';
import { ControllerConfigError } from './errors';
import type { Effective } from './policy/core';

/** Policy key → ARN to act on, as the construct writes it. */
export type TargetMap = Readonly<Record<string, string>>;

const LAMBDA_ARN =
  /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]{1,64}))(?::(\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;

export interface ParsedArn {
  /** The unqualified function ARN. */
  readonly function: string;
  /** The deployed function name. */
  readonly name: string;
  /** Alias or version; undefined for an unqualified ARN (and for an explicit `:$LATEST`). */
  readonly qualifier: string | undefined;
}

/** The parts of a Lambda function ARN, or undefined when `value` is not one. */
export function parseFunctionArn(value: string): ParsedArn | undefined {
  const match = LAMBDA_ARN.exec(value);
  if (match === null) return undefined;
  const qualifier = match[3] === '$LATEST' ? undefined : match[3];
  return { function: match[1]!, name: match[2]!, qualifier };
}

/**
 * Reads the variable's JSON. Only its shape is checked here (an object of strings), so one bad entry fails its
 * own target at every tick rather than the whole controller at init.
 */
export function parseTargetMap(raw: string, variable = 'THERMOSTAT_TARGETS'): TargetMap {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new ControllerConfigError(
      `${variable} is not JSON (${(error as Error).message}); expected an object from policy key to function ARN`,
      { cause: error },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ControllerConfigError(
      `${variable} is ${JSON.stringify(value)}; expected an object from policy key to function ARN`,
    );
  const entries = Object.entries(value);
  const bad = entries.find(([, arn]) => typeof arn !== 'string');
  if (bad !== undefined)
    throw new ControllerConfigError(
      `${variable}[${JSON.stringify(bad[0])}] is ${JSON.stringify(bad[1])}; expected a function ARN (a string)`,
    );
  return Object.freeze(Object.fromEntries(entries)) as TargetMap;
}

/**
 * The controller's configuration file (`THERMOSTAT_CONFIG_FILE`), written by the construct into the controller's
 * asset next to the policy set, so it has no size limit (an environment holds 4 KB):
 *
 *   { "version": 1, "targets": { "<policy key>": "<ARN>" }, "detailedMetrics": ["<policy key>"],
 *     "discovery": { "tagKey": "thermostat:policy", "policies": [ …Policy ] } }
 *
 * ARNs known only at deploy time cannot be written into an asset. Those whose only unknowns are the account,
 * Region and partition the controller runs in carry `${AWS::Partition}`, `${AWS::Region}` and `${AWS::AccountId}`
 * (CloudFormation's own spelling), filled in here from THERMOSTAT_PARTITION, AWS_REGION and THERMOSTAT_ACCOUNT; the
 * rest (generated function names) still travel in THERMOSTAT_TARGETS, and both maps are merged.
 */
export interface FileConfig {
  readonly targets: TargetMap;
  /** Policy keys whose per-target metrics (`Target` dimension) the controller emits. */
  readonly detailedMetrics: readonly string[];
  /** Tag discovery, read by the discovery step: the tag key and the policies tagged functions may name. */
  readonly discovery?: { readonly tagKey: string; readonly policies: readonly unknown[] };
}

const PLACEHOLDER = /\$\{AWS::(Partition|Region|AccountId)\}/g;

/** Replaces the pseudo-parameter placeholders of an ARN; a placeholder without its variable is an init error. */
export function fillArn(template: string, env: NodeJS.ProcessEnv, file: string): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const variable =
      name === 'Partition' ? 'THERMOSTAT_PARTITION' : name === 'Region' ? 'AWS_REGION' : 'THERMOSTAT_ACCOUNT';
    const value = env[variable];
    if (!value)
      throw new ControllerConfigError(
        `${file} has an ARN with \${AWS::${name}} (${template}) but ${variable} is not set; the construct sets it, redeploy`,
      );
    return value;
  });
}

/** Reads and checks the shape of the configuration file; entries are checked per target at every tick. */
export function readConfigFile(path: string, env: NodeJS.ProcessEnv): FileConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ControllerConfigError(`cannot read THERMOSTAT_CONFIG_FILE ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ControllerConfigError(`${path} is not JSON (${(error as Error).message})`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ControllerConfigError(`${path} holds ${JSON.stringify(value)}; expected an object with "targets"`);
  const record = value as Record<string, unknown>;
  const targets = parseTargetMap(JSON.stringify(record.targets ?? {}), `${path} targets`);
  const filled = Object.fromEntries(Object.entries(targets).map(([key, arn]) => [key, fillArn(arn, env, path)]));
  const detailed = record.detailedMetrics ?? [];
  if (!Array.isArray(detailed) || detailed.some((key) => typeof key !== 'string'))
    throw new ControllerConfigError(`${path} detailedMetrics is ${JSON.stringify(detailed)}; expected policy keys`);
  const discovery = record.discovery as FileConfig['discovery'] | undefined;
  if (
    discovery !== undefined &&
    (typeof discovery?.tagKey !== 'string' || !Array.isArray((discovery as { policies?: unknown }).policies))
  )
    throw new ControllerConfigError(
      `${path} discovery is ${JSON.stringify(discovery)}; expected { "tagKey": "…", "policies": [ … ] }`,
    );
  return {
    targets: Object.freeze(filled),
    detailedMetrics: detailed as string[],
    ...(discovery !== undefined ? { discovery } : {}),
  };
}

/** The file's map with THERMOSTAT_TARGETS on top (the construct never writes one key into both). */
export function mergeTargetMaps(...maps: Array<TargetMap | undefined>): TargetMap | undefined {
  const present = maps.filter((map): map is TargetMap => map !== undefined);
  if (present.length === 0) return undefined;
  return Object.freeze(Object.assign({}, ...present)) as TargetMap;
}

/** A policy that cannot be acted on, or an entry of the map no policy claims; reported as a failed target. */
export interface UnboundTarget {
  readonly key: string;
  /** The policy, when there is one (absent for a map entry without a policy). */
  readonly policy?: Effective;
  /** The ARN the map gave, when there is one. */
  readonly arn?: string;
  readonly kind: 'target-unmapped' | 'target-invalid' | 'target-unknown';
  readonly message: string;
}

export interface TargetBinding {
  /** The policies to act on, `function` the unqualified ARN and `qualifier` the ARN's; `key` unchanged. */
  readonly bound: readonly Effective[];
  /** Policies that must not be acted on this tick. */
  readonly unbound: readonly UnboundTarget[];
  /** Map entries no policy has. */
  readonly unknown: readonly UnboundTarget[];
}

const isLatest = (qualifier: string | undefined) => qualifier === undefined || qualifier === '$LATEST';

/**
 * Points each policy at its deployed function. Without a map (the CLI, local runs) the policies act on the
 * functions they name. With one, the ARN's qualifier replaces the policy's, since a policy written for an alias
 * or version known only at deploy time carries a stand-in; but a policy for `$LATEST` and an alias's ARN (or the
 * reverse) disagree about what to manage, and acting on either could touch the wrong thing.
 */
export function bindTargets(
  policies: readonly Effective[],
  map: TargetMap | undefined,
  /** Keys of policies for functions found by tag: they already name the function by its ARN (discovered.ts). */
  discovered: ReadonlySet<string> = new Set(),
): TargetBinding {
  if (map === undefined) return { bound: policies, unbound: [], unknown: [] };
  const bound: Effective[] = [];
  const unbound: UnboundTarget[] = [];
  const keys = new Set(policies.map((policy) => policy.key));
  for (const policy of policies) {
    if (discovered.has(policy.key)) {
      bound.push(policy);
      continue;
    }
    const arn = map[policy.key];
    if (arn === undefined) {
      unbound.push({
        key: policy.key,
        policy,
        kind: 'target-unmapped',
        message: `THERMOSTAT_TARGETS has no entry for ${policy.key}, so it is not acted on (its function name may not be the deployed one); redeploy so the construct maps every policy`,
      });
      continue;
    }
    const parsed = parseFunctionArn(arn);
    if (parsed === undefined) {
      unbound.push({
        key: policy.key,
        policy,
        arn,
        kind: 'target-invalid',
        message: `THERMOSTAT_TARGETS maps ${policy.key} to ${JSON.stringify(arn)}, which is not a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>])`,
      });
      continue;
    }
    if (isLatest(policy.qualifier) !== isLatest(parsed.qualifier)) {
      const written = policy.qualifier ?? '$LATEST';
      unbound.push({
        key: policy.key,
        policy,
        arn,
        kind: 'target-invalid',
        message: isLatest(parsed.qualifier)
          ? `THERMOSTAT_TARGETS maps ${policy.key} to ${arn}, which is $LATEST, but the policy is for qualifier ${written}; map it to the alias or version ARN`
          : `THERMOSTAT_TARGETS maps ${policy.key} to ${arn}, which is qualifier ${parsed.qualifier}, but the policy is for $LATEST; map it to the unqualified function ARN`,
      });
      continue;
    }
    bound.push({ ...policy, function: parsed.function, qualifier: parsed.qualifier ?? policy.qualifier });
  }
  const unknown: UnboundTarget[] = Object.entries(map)
    .filter(([key]) => !keys.has(key))
    .map(([key, arn]) => ({
      key,
      arn,
      kind: 'target-unknown',
      message: `THERMOSTAT_TARGETS maps ${key} to ${arn}, but no policy has that key (policies: ${[...keys].join(', ') || 'none'}); the construct and the policy set disagree, redeploy`,
    }));
  return { bound, unbound, unknown };
}

/** The `Target` metric dimension and report name: the ARN's part after `function:` (`name` or `name:qualifier`). */
export function targetName(fn: string, qualifier: string | undefined): string {
  const parsed = parseFunctionArn(fn);
  const name = parsed?.name ?? fn;
  const effective = parsed?.qualifier ?? qualifier;
  return isLatest(effective) ? name : `${name}:${effective}`;
}
