/**
 * Where each target's ARN can travel. The controller's asset is built at synth time, so it can only hold what synth
 * knows: a literal ARN (an imported function), or one whose only unknowns are the partition, Region and account of
 * the stack (a function with a fixed `functionName`), written with CloudFormation's `${AWS::…}` placeholders the
 * controller fills in. Only ARNs that name something created at deploy time (a generated function name) still need
 * the environment, which Lambda caps at 4 KB.
 */
import { Aws, Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { TargetRef } from './target-ref';

export type ArnKind = 'literal' | 'template' | 'deploy-time';

export interface TargetArns {
  readonly kind: ArnKind;
  /** What the configuration file holds for `literal` and `template` (undefined for deploy-time ARNs). */
  readonly file: string | undefined;
  /** The ARN to act on, for IAM and the environment: a string with tokens for templates and deploy-time ARNs. */
  readonly invoke: string;
  /** The unqualified function ARN, same kinds. */
  readonly function: string;
  /** The function name when synth knows it (for name-prefix patterns). */
  readonly name: string | undefined;
  /** Literal `arn:<partition>:lambda:<region>:<account>:function:` or the same with placeholders. */
  readonly base: string;
}

/** `${AWS::<name>}`, CloudFormation's spelling of a pseudo parameter in Fn::Sub. */
export const placeholder = (name: 'Partition' | 'Region' | 'AccountId') => `\${AWS::${name}}`;
const PARTITION = placeholder('Partition');
const REGION = placeholder('Region');
const ACCOUNT = placeholder('AccountId');
const PSEUDO: Record<string, string> = {
  'AWS::Partition': PARTITION,
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
};
const TOKENS: Record<string, string> = {
  [PARTITION]: Aws.PARTITION,
  [REGION]: Aws.REGION,
  [ACCOUNT]: Aws.ACCOUNT_ID,
};

/** The target's ARNs, classified by what synth knows about them. */
export function targetArns(scope: IConstruct, ref: TargetRef): TargetArns {
  const invoke = asTemplate(scope, ref.invokeArn);
  if (invoke !== undefined && !invoke.includes('${')) {
    const fn = asTemplate(scope, ref.functionArn) ?? unqualify(invoke);
    return known('literal', invoke, fn);
  }
  // a function made here with a fixed name: the ARN is knowable but for the stack's account and Region
  const name = ref.known.name;
  const qualifier = ref.kind === 'function' ? undefined : ref.known.qualifier;
  if (name !== undefined && (ref.kind === 'function' || qualifier !== undefined)) {
    const base = `arn:${PARTITION}:lambda:${ref.known.region ?? REGION}:${ref.known.account ?? ACCOUNT}:function:`;
    const fn = `${base}${name}`;
    return known('template', qualifier === undefined ? fn : `${fn}:${qualifier}`, fn);
  }
  if (invoke !== undefined) return known('template', invoke, asTemplate(scope, ref.functionArn) ?? unqualify(invoke));
  return {
    kind: 'deploy-time',
    file: undefined,
    invoke: ref.invokeArn,
    function: ref.functionArn,
    name: ref.known.name,
    base: '',
  };
}

function known(kind: ArnKind, invoke: string, fn: string): TargetArns {
  const match = /^(arn:[^:]+:lambda:[^:]+:[^:]+:function:)([^:]+)/.exec(fn);
  return {
    kind,
    file: invoke,
    invoke: withTokens(invoke),
    function: withTokens(fn),
    name: match?.[2],
    base: match?.[1] ?? '',
  };
}

function unqualify(arn: string): string {
  return arn.split(':').slice(0, 7).join(':');
}

/** The placeholders as CDK tokens, so IAM statements resolve them in CloudFormation. */
export function withTokens(template: string): string {
  return template.replace(/\$\{AWS::(Partition|Region|AccountId)\}/g, (placeholder) => TOKENS[placeholder]!);
}

/**
 * The value as a string with `${AWS::…}` placeholders when it resolves to literals and pseudo parameters only,
 * else undefined (it references a resource, so only deploy will tell).
 */
export function asTemplate(scope: IConstruct, value: string): string | undefined {
  if (!Token.isUnresolved(value)) return value;
  return render(Stack.of(scope).resolve(value));
}

function render(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (typeof node !== 'object' || node === null) return undefined;
  const record = node as Record<string, unknown>;
  if (typeof record.Ref === 'string') return PSEUDO[record.Ref];
  const join = record['Fn::Join'] as [string, unknown[]] | undefined;
  if (Array.isArray(join) && Array.isArray(join[1])) {
    const parts = join[1].map(render);
    return parts.every((part) => part !== undefined) ? parts.join(join[0]) : undefined;
  }
  return undefined;
}
