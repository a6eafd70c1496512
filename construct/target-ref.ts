/**
 * What the construct needs to know about a target given as a CDK reference: which function, which qualifier,
 * which ARNs to grant and to hand to the controller. Any of these may be tokens (a function created in the same
 * app has no name until deploy); callers check `Token.isUnresolved` before comparing.
 */
import { Stack, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { asTemplate } from './target-arn';

export type TargetKind = 'function' | 'alias' | 'version';

export interface TargetRef {
  readonly kind: TargetKind;
  /** The reference the user passed. */
  readonly construct: lambda.IFunction;
  /** The unqualified function. */
  readonly lambda: lambda.IFunction;
  /** Unqualified function ARN. */
  readonly functionArn: string;
  /** Plain function name. */
  readonly functionName: string;
  /** Alias name or version; undefined for `$LATEST`. */
  readonly qualifier: string | undefined;
  /** The ARN the controller invokes: qualified for aliases and versions. */
  readonly invokeArn: string;
  /** `name` or `name:qualifier`: the `Target` metric dimension and the ARN's part after `function:`. */
  readonly metricKey: string;
  /** For aliases: the version the alias points to (changes when a deployment publishes a new one). */
  readonly aliasVersion: string | undefined;
  /** The L2 function when it was created in this app (not imported); gives access to its configuration. */
  readonly definedFunction: lambda.Function | undefined;
  /** What is known at synth time (undefined when only deploy will tell): name, qualifier, account, region. */
  readonly known: {
    readonly name: string | undefined;
    readonly qualifier: string | undefined;
    readonly account: string | undefined;
    readonly region: string | undefined;
  };
}

function isAlias(fn: lambda.IFunction): fn is lambda.IAlias {
  const candidate = fn as Partial<lambda.IAlias>;
  return typeof candidate.aliasName === 'string' && candidate.version !== undefined;
}

function isVersion(fn: lambda.IFunction): fn is lambda.IVersion {
  const candidate = fn as Partial<lambda.IVersion>;
  return typeof candidate.version === 'string' && candidate.lambda !== undefined;
}

/** Describes a function, alias or version reference. */
export function describeTarget(fn: lambda.IFunction): TargetRef {
  if (isAlias(fn)) {
    const base = fn.version.lambda;
    return build(fn, 'alias', base, fn.aliasName, fn.version.version);
  }
  if (isVersion(fn)) return build(fn, 'version', fn.lambda, fn.version, undefined);
  return build(fn, 'function', fn, undefined, undefined);
}

function build(
  construct: lambda.IFunction,
  kind: TargetKind,
  base: lambda.IFunction,
  qualifier: string | undefined,
  aliasVersion: string | undefined,
): TargetRef {
  const functionName = base.functionName;
  const functionArn = base.functionArn;
  const definedFunction = base instanceof lambda.Function ? base : undefined;
  // a function created here is referenced by Ref even when it has a literal functionName; read the literal
  const literalName = (definedFunction?.node.defaultChild as lambda.CfnFunction | undefined)?.functionName;
  return {
    kind,
    construct,
    lambda: base,
    functionArn,
    functionName,
    qualifier,
    // the alias's or version's own ARN, so whatever uses it depends on that resource (a warm-up must not run
    // before the alias moves to the new version)
    invokeArn: construct.functionArn,
    metricKey: qualifier === undefined ? functionName : `${functionName}:${qualifier}`,
    aliasVersion,
    definedFunction,
    known: {
      name: resolved(base, literalName) ?? resolved(base, functionName) ?? nameFromArn(base, functionArn),
      qualifier: resolved(base, qualifier),
      account: resolved(base, base.env.account),
      region: resolved(base, base.env.region),
    },
  };
}

/**
 * The value when it is known at synth time, else undefined: a token is never guessed. A token that resolves to a
 * plain string (e.g. the name of a function given a `functionName`) is known.
 */
export function resolved(scope: IConstruct, value: string | undefined): string | undefined {
  if (value === undefined || !Token.isUnresolved(value)) return value;
  const result: unknown = Stack.of(scope).resolve(value);
  return typeof result === 'string' && !Token.isUnresolved(result) ? result : undefined;
}

/**
 * The name in an ARN whose only tokens are the partition, Region and account (a function imported by name into an
 * environment-agnostic stack: CDK builds its ARN from pseudo parameters and splits the name back out with a token).
 */
function nameFromArn(scope: IConstruct, arn: string): string | undefined {
  const template = asTemplate(scope, arn);
  return template === undefined ? undefined : /:function:([A-Za-z0-9_-]+)$/.exec(template)?.[1];
}

/** A short, human label for messages and dashboard titles. */
export function targetLabel(ref: TargetRef): string {
  const name = ref.known.name ?? ref.lambda.node.path;
  if (ref.qualifier === undefined) return name;
  return `${name}:${ref.known.qualifier ?? (ref.kind === 'version' ? 'version' : 'alias')}`;
}

/** The CloudWatch log group the function writes to (its own when configured, else the Lambda default). */
export function logGroupName(ref: TargetRef): string {
  const config = (ref.definedFunction?.node.defaultChild as lambda.CfnFunction | undefined)?.loggingConfig;
  if (config !== undefined && !Token.isUnresolved(config)) {
    const group = (config as lambda.CfnFunction.LoggingConfigProperty).logGroup;
    if (group !== undefined) return group;
  }
  return `/aws/lambda/${ref.functionName}`;
}

/** True when Lambda would refuse provisioned concurrency on this target's versions because of SnapStart. */
export function hasSnapStart(ref: TargetRef): boolean {
  const cfn = ref.definedFunction?.node.defaultChild as lambda.CfnFunction | undefined;
  if (cfn === undefined || cfn.snapStart === undefined || Token.isUnresolved(cfn.snapStart)) return false;
  const applyOn = (cfn.snapStart as lambda.CfnFunction.SnapStartProperty).applyOn;
  return applyOn === 'PublishedVersions';
}
