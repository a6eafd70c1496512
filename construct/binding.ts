/**
 * Synth-time validation: each target's policy is loaded with the policy module (the same code the CLI and the
 * controller run), matched against the CDK target it was given with, and checked against what only the construct
 * knows (the function's timeout, SnapStart). Values that are tokens until deploy are skipped, never guessed.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import {
  BUILTIN_DEFAULTS,
  formatIssue,
  functionName,
  type LoadedPolicy,
  loadPolicySet,
  type Mode,
  type PolicyDefaults,
  type PolicyIssue,
  type PolicySet,
  PolicyValidationError,
  parsePolicyValue,
  shareHint,
  timeoutIssues,
} from '../controller/policy';
import { ThermostatConfigError } from './errors';
import type { ThermostatTarget } from './props';
import { type TargetArns, targetArns } from './target-arn';
import type { PolicyObject, TargetPolicy } from './target-policy';
import { describeTarget, hasSnapStart, type TargetRef, targetLabel } from './target-ref';

export interface BoundTarget {
  /** Short id in target order (`t0`, `t1`, …): keys the warm-ratio alarms and the deployment fingerprint. */
  readonly id: string;
  readonly index: number;
  readonly ref: TargetRef;
  /** Where its ARNs can travel: the configuration file when synth knows them, else the environment. */
  readonly arns: TargetArns;
  readonly label: string;
  readonly loaded: LoadedPolicy;
  /** Modes the policy can be in (its base mode and every window's). */
  readonly modes: readonly Mode[];
  /** The policy may ask for provisioned concurrency (mode provisioned or auto, anywhere). */
  readonly usesProvisioned: boolean;
  /** The policy may manage provisioned concurrency through Application Auto Scaling. */
  readonly usesAutoscaling: boolean;
  readonly warmRatioObjective: number | undefined;
  /** The controller emits this target's metrics with the `Target` dimension (alarms need them). */
  readonly detailedMetrics: boolean;
  /** The helper in this function adds the `Qualifier` dimension, so the warm ratio is this alias's alone. */
  readonly helperQualifierDimension: boolean;
}

export interface BindOptions {
  readonly defaults?: PolicyDefaults;
  readonly warmRatioObjective?: number;
}

const LATEST = '$LATEST';
const ARN = /^arn:[a-z-]+:lambda:([a-z0-9-]+):(\d{12}):function:/;

/** What binding found: the targets that bound, and one line per problem (target, file, field, line, reason). */
export interface Binding {
  readonly bound: BoundTarget[];
  readonly problems: string[];
  readonly issues: PolicyIssue[];
}

/** Binds every target to its policy, or throws one error that lists every problem of every target. */
export function bindTargets(targets: readonly ThermostatTarget[], options: BindOptions = {}): BoundTarget[] {
  const { bound, problems, issues } = collectTargets(targets, options);
  if (problems.length > 0) {
    const cause = issues.length > 0 ? new PolicyValidationError(issues) : undefined;
    const head = problems.length === 1 ? 'invalid thermostat target' : `${problems.length} invalid thermostat targets`;
    throw new ThermostatConfigError(
      `${head}:\n${problems.map((p) => `  ${p}`).join('\n')}\nfix the policies (npx thermostat validate <path> shows the same problems for files) and synth again`,
      cause === undefined ? undefined : { cause },
    );
  }
  return bound;
}

/** Binds the targets that can be bound and reports every problem of the others, one line each. */
export function collectTargets(targets: readonly ThermostatTarget[], options: BindOptions = {}): Binding {
  const sets = new Map<string, PolicySet>();
  const problems: string[] = [];
  const issues: PolicyIssue[] = [];
  const bound: BoundTarget[] = [];

  targets.forEach((target, index) => {
    const ref = describeTarget(target.function);
    const where = `targets[${index}] (${targetLabel(ref)})`;
    const picked = pickPolicy(target, ref, index, options.defaults, sets);
    if ('problem' in picked) {
      // one line per policy issue, so each names its file, field and line
      if (picked.issues !== undefined && picked.issues.length > 0)
        problems.push(...picked.issues.map((issue) => `${where}: ${formatIssue(issue)}`));
      else problems.push(`${where}: ${picked.problem}`);
      issues.push(...(picked.issues ?? []));
      return;
    }
    const { loaded } = picked;
    const mismatch = [...matchProblems(loaded, ref), ...functionProblems(loaded, ref)];
    if (mismatch.length > 0) {
      problems.push(...mismatch.map((problem) => `${where}: ${problem}`));
      issues.push(...mismatch.map((message) => ({ file: loaded.file, path: '', message })));
      return;
    }
    const modes = modesOf(loaded);
    const usesProvisioned = modes.includes('provisioned') || modes.includes('auto');
    const objective = target.warmRatioObjective ?? loaded.policy.objective?.warmRatio ?? options.warmRatioObjective;
    if (objective !== undefined && !(objective > 0 && objective <= 1))
      problems.push(
        `${where}: warmRatioObjective must be above 0 and at most 1, got ${objective}${shareHint(objective)}`,
      );
    bound.push({
      id: `t${index}`,
      index,
      ref,
      arns: targetArns(ref.construct, ref),
      label: targetLabel(ref),
      loaded,
      modes,
      usesProvisioned,
      usesAutoscaling: usesProvisioned && usesAutoscaling(loaded),
      warmRatioObjective: objective,
      detailedMetrics: target.detailedMetrics ?? false,
      helperQualifierDimension: target.helperQualifierDimension ?? false,
    });
  });

  problems.push(...duplicateProblems(bound));
  return { bound, problems, issues };
}

type Picked = { loaded: LoadedPolicy } | { problem: string; issues?: PolicyIssue[] };

function pickPolicy(
  target: ThermostatTarget,
  ref: TargetRef,
  index: number,
  defaults: PolicyDefaults | undefined,
  sets: Map<string, PolicySet>,
): Picked {
  const spec = target.policy._spec;
  if (spec.kind === 'object') {
    const origin = `targets[${index}].policy`;
    const result = parsePolicyValue(withTargetIdentity(spec.value, ref, index), origin, defaults);
    if (result.issues.length > 0) return invalid(result.issues);
    return { loaded: result.policies[0]! };
  }

  const absolute = resolve(spec.path);
  if (existsSync(absolute)) {
    const isDirectory = statSync(absolute).isDirectory();
    if (spec.kind === 'file' && isDirectory)
      return { problem: `"${spec.path}" is a directory; use TargetPolicy.fromDirectory('${spec.path}')` };
    if (spec.kind === 'directory' && !isDirectory)
      return { problem: `"${spec.path}" is a file, not a directory; use TargetPolicy.fromFile('${spec.path}')` };
  }
  let set = sets.get(absolute);
  if (set === undefined) {
    set = loadPolicySet([displayPath(absolute, spec.path)]);
    sets.set(absolute, set);
  }
  if (set.issues.length > 0) return invalid(set.issues);
  if (set.policies.length === 0)
    return { problem: `"${spec.path}" holds no policy (only defaults); add one for this target` };
  if (spec.kind === 'file' && set.policies.length === 1) return { loaded: set.policies[0]! };

  const name = ref.known.name;
  const keys = set.policies.map((p) => p.key).join(', ');
  if (name === undefined)
    return {
      problem:
        `cannot tell which policy in "${spec.path}" (${keys}) belongs to this target, because its function name is only known at deploy time; ` +
        `use TargetPolicy.fromFile() with the policy's own file, or give the function a functionName`,
    };
  const qualifier = ref.kind === 'function' ? LATEST : ref.known.qualifier;
  const matches = set.policies.filter(
    (p) =>
      functionName(p.policy.function) === name &&
      (qualifier === undefined
        ? (p.policy.qualifier ?? LATEST) !== LATEST
        : (p.policy.qualifier ?? LATEST) === qualifier),
  );
  if (matches.length === 1) return { loaded: matches[0]! };
  const wanted = `${name}:${qualifier ?? `<${ref.kind}>`}`;
  if (matches.length === 0)
    return {
      problem: `no policy in "${spec.path}" is for ${wanted} (found ${keys}); add one or fix its function and qualifier`,
    };
  return {
    problem: `several policies in "${spec.path}" could be for ${wanted} (${matches.map((m) => m.key).join(', ')}); use TargetPolicy.fromFile() with the right one`,
  };
}

function invalid(issues: readonly PolicyIssue[]): Picked {
  const lines = issues.map(formatIssue);
  return {
    problem:
      lines.length === 1 ? lines[0]! : `${lines.length} policy problems:\n${lines.map((l) => `    ${l}`).join('\n')}`,
    issues: [...issues],
  };
}

/** Paths as the user wrote them when relative, so messages name the file they know. */
function displayPath(absolute: string, given: string): string {
  if (!isAbsolute(given)) return given;
  const rel = relative(process.cwd(), absolute);
  return rel.startsWith('..') || isAbsolute(rel) ? absolute : rel.split(sep).join('/');
}

/**
 * Fills in function and qualifier from the target when an inline policy leaves them out. When they are tokens, a
 * stand-in keeps the schema satisfied and the policy's key unique: the controller finds the function through
 * THERMOSTAT_TARGETS[key], not through these fields.
 */
function withTargetIdentity(value: PolicyObject, ref: TargetRef, index: number): Record<string, unknown> {
  const out: Record<string, unknown> = { ...value };
  if (value.function === undefined) out.function = ref.known.name ?? standIn(ref.lambda.node.id, index);
  if (value.qualifier === undefined && ref.kind !== 'function')
    out.qualifier = ref.known.qualifier ?? (ref.kind === 'version' ? 'version' : 'alias');
  return out;
}

function standIn(id: string, index: number): string {
  const suffix = `-t${index}`;
  return `${id.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64 - suffix.length)}${suffix}`;
}

/** The policy's function and qualifier against the CDK target, skipping whatever is a token. */
function matchProblems(loaded: LoadedPolicy, ref: TargetRef): string[] {
  const problems: string[] = [];
  const { policy } = loaded;
  const name = ref.known.name;
  if (name !== undefined && functionName(policy.function) !== name)
    problems.push(
      `the policy in ${loaded.file} is for function "${functionName(policy.function)}" but the target is function "${name}"; ` +
        `set function: ${name} in the policy or pass the function it names`,
    );
  const arn = ARN.exec(policy.function);
  if (arn !== null) {
    const [, region, account] = arn;
    if (ref.known.region !== undefined && region !== ref.known.region)
      problems.push(
        `the policy in ${loaded.file} names region ${region} but the target is in ${ref.known.region}; fix the ARN`,
      );
    if (ref.known.account !== undefined && account !== ref.known.account)
      problems.push(
        `the policy in ${loaded.file} names account ${account} but the target is in ${ref.known.account}; fix the ARN`,
      );
  }

  const written = policy.qualifier ?? LATEST;
  if (ref.kind === 'function') {
    if (written !== LATEST)
      problems.push(
        `the policy in ${loaded.file} has qualifier "${written}" but the target is the function itself ($LATEST); ` +
          `pass the alias or version as the target (e.g. fn.addAlias('${written}')) or drop qualifier`,
      );
    return problems;
  }
  const qualifier = ref.known.qualifier;
  if (written === LATEST)
    problems.push(
      `the policy in ${loaded.file} has no qualifier (it targets $LATEST) but the target is ${ref.kind} "${qualifier ?? '(resolved at deploy)'}"; ` +
        `add qualifier: ${qualifier ?? '<the alias or version>'} to the policy or pass the function itself`,
    );
  else if (qualifier !== undefined && written !== qualifier)
    problems.push(
      `the policy in ${loaded.file} has qualifier "${written}" but the target is ${ref.kind} "${qualifier}"; set qualifier: ${qualifier}`,
    );
  return problems;
}

/** What only the construct can check: the function's timeout and SnapStart. */
function functionProblems(loaded: LoadedPolicy, ref: TargetRef): string[] {
  const problems: string[] = [];
  const fn = ref.definedFunction;
  if (fn !== undefined) {
    // Lambda's default timeout when the function sets none
    const timeout = fn.timeout ?? Duration.seconds(3);
    if (!timeout.isUnresolved())
      problems.push(...timeoutIssues(loaded, timeout.toMilliseconds()).map((issue) => formatIssue(issue)));
  }
  const modes = modesOf(loaded);
  if (ref.kind !== 'function' && hasSnapStart(ref) && (modes.includes('provisioned') || modes.includes('auto'))) {
    const where = loaded.policy.mode === 'provisioned' || loaded.policy.mode === 'auto' ? 'mode' : 'a window';
    problems.push(
      `the target has SnapStart on its published versions and Lambda refuses provisioned concurrency on those, but ${where} in ${loaded.file} ` +
        `can ask for mode provisioned or auto; use mode warm for this target or turn SnapStart off`,
    );
  }
  return problems;
}

export interface DiscoveryPolicy {
  readonly loaded: LoadedPolicy;
  readonly source: string;
  readonly usesProvisioned: boolean;
  readonly usesAutoscaling: boolean;
}

/** The policies tagged functions may name: every policy of the file or directory, validated like targets' policies. */
export function loadDiscoveryPolicies(policy: TargetPolicy): DiscoveryPolicy[] {
  const spec = policy._spec;
  if (spec.kind === 'object')
    throw new ThermostatConfigError(
      "discoverByTag.policies must be policy files (tagged functions name a policy), got an inline policy; use TargetPolicy.fromDirectory('policies/discovered')",
    );
  const set = loadPolicySet([displayPath(resolve(spec.path), spec.path)]);
  if (set.issues.length > 0) {
    const lines = set.issues.map(formatIssue);
    throw new ThermostatConfigError(
      `discoverByTag.policies (${spec.path}) has ${lines.length === 1 ? 'a problem' : `${lines.length} problems`}:\n${lines.map((l) => `  ${l}`).join('\n')}`,
      { cause: new PolicyValidationError(set.issues) },
    );
  }
  // A `template: <name>` document is named by its template; a policy document by its `function` (the tag value).
  const named: LoadedPolicy[] = [
    ...set.policies,
    ...(set.templates ?? []).map((template) => ({
      file: template.file,
      index: template.index,
      policy: { ...template.policy, function: template.name },
      key: `${template.name}:${template.policy.qualifier ?? '$LATEST'}`,
    })),
  ];
  if (named.length === 0)
    throw new ThermostatConfigError(`discoverByTag.policies (${spec.path}) holds no policy; add at least one`);
  return named.map((loaded) => {
    const modes = modesOf(loaded);
    const usesProvisioned = modes.includes('provisioned') || modes.includes('auto');
    return {
      loaded,
      source: portableSource(loaded.file),
      usesProvisioned,
      usesAutoscaling: usesProvisioned && usesAutoscaling(loaded),
    };
  });
}

function modesOf(loaded: LoadedPolicy): Mode[] {
  const base = loaded.policy.mode ?? BUILTIN_DEFAULTS.mode;
  const modes = new Set<Mode>([base]);
  for (const window of loaded.policy.windows ?? []) modes.add(window.mode ?? base);
  return [...modes];
}

function usesAutoscaling(loaded: LoadedPolicy): boolean {
  const { policy } = loaded;
  return (
    policy.provisioned?.strategy === 'autoscaling' ||
    (policy.windows ?? []).some((window) => window.provisioned?.strategy === 'autoscaling')
  );
}

/**
 * Two targets that are the same function and qualifier would fight over it; two policies with the same key could
 * not be told apart in THERMOSTAT_TARGETS.
 */
function duplicateProblems(bound: readonly BoundTarget[]): string[] {
  const problems: string[] = [];
  const byArn = new Map<string, BoundTarget>();
  const byKey = new Map<string, BoundTarget>();
  for (const target of bound) {
    const sameTarget = byArn.get(target.ref.invokeArn);
    const sameKey = byKey.get(target.loaded.key);
    if (sameTarget !== undefined)
      problems.push(
        `targets[${target.index}] (${target.label}): the same function and qualifier as targets[${sameTarget.index}]; keep one target per alias or version`,
      );
    else if (sameKey !== undefined)
      problems.push(
        `targets[${target.index}] (${target.label}): its policy has the same function and qualifier (${target.loaded.key}) as the policy of targets[${sameKey.index}]; ` +
          'name each function as deployed in its policy',
      );
    byArn.set(target.ref.invokeArn, target);
    byKey.set(target.loaded.key, target);
  }
  return problems;
}

/**
 * A path for the shipped policy set that is the same on every machine and from every working directory: relative
 * to the nearest enclosing package (the directory with a package.json), else just the file name.
 */
export function portableSource(file: string, cwd: string = process.cwd()): string {
  const absolute = isAbsolute(file) ? file : resolve(cwd, file);
  for (let dir = dirname(absolute); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return relative(dir, absolute).split(sep).join('/');
    if (dirname(dir) === dir) return basename(absolute);
  }
}
