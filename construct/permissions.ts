/**
 * The controller's IAM: only what the policies can ask for (provisioned-concurrency writes only for targets whose
 * policy can use it, Application Auto Scaling only when a policy uses that strategy), on the narrowest resources that
 * fit AWS's size limits (a role's inline policies hold 10,240 characters):
 *
 * - `exact`: every target's ARN, while they fit (about 20-40 targets, depending on name lengths);
 * - `prefix`: beyond that, function-name prefix patterns (`function:shop-*`), the longest common prefixes that fit;
 *   a prefix also matches functions that are not targets, which is the price of scale (README, "IAM");
 * - tag discovery: `aws:ResourceTag/<tag key>` on the function resource type, so tagged functions need no statement
 *   of their own.
 *
 * Where AWS allows no resource, the statement is `*` and the reason goes into the cdk-nag acknowledgement (nag.ts).
 */
import { ArnFormat, Aws, type Stack, Token } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  AAS_SERVICE_NAMESPACE,
  RESOURCE_ID_PREFIX,
  SCALABLE_DIMENSION,
  SCALABLE_TARGET_TAG,
  TARGET_TRACKING_ALARM_PREFIX,
} from '../controller/contract';
import type { BoundTarget } from './binding';
import { withTokens } from './target-arn';

/** The Application Auto Scaling service-linked role for Lambda provisioned concurrency. */
export const AAS_LAMBDA_SERVICE = 'lambda.application-autoscaling.amazonaws.com';
export const AAS_LAMBDA_ROLE = 'AWSServiceRoleForApplicationAutoScaling_LambdaConcurrency';

/** Action lists, exported so tests and the README quote the same lists. */
export const Actions = {
  invoke: ['lambda:InvokeFunction'],
  /**
   * On the unqualified function: facts of $LATEST, and the list of its provisioned-concurrency configurations.
   * GetFunction on a tagged function also needs ListTags.
   */
  readFunction: [
    'lambda:GetFunction',
    'lambda:GetAlias',
    'lambda:ListProvisionedConcurrencyConfigs',
    'lambda:ListTags',
  ],
  /** On the alias or version: its configuration, where the alias points, its provisioned concurrency. */
  readQualifier: ['lambda:GetFunction', 'lambda:GetAlias', 'lambda:GetProvisionedConcurrencyConfig'],
  writeProvisioned: ['lambda:PutProvisionedConcurrencyConfig', 'lambda:DeleteProvisionedConcurrencyConfig'],
  /** No resource-level permissions exist for these. */
  unscoped: ['cloudwatch:GetMetricData', 'lambda:GetAccountSettings'],
  /** Tag discovery: find functions by tag (no resource-level permissions exist for these). */
  discover: ['tag:GetResources', 'lambda:ListFunctions'],
  /** Before writing provisioned concurrency, the controller checks no scalable target owns it (no resource-level permissions). */
  autoscalingDescribe: [
    'application-autoscaling:DescribeScalableTargets',
    'application-autoscaling:DescribeScalingPolicies',
  ],
  /** Creates (or, adopting, updates) a scalable target; allowed only with Thermostat's tag in the request. */
  autoscalingRegister: ['application-autoscaling:RegisterScalableTarget'],
  /** Changes to a scalable target; allowed only on targets that carry Thermostat's tag. */
  autoscalingWrite: [
    'application-autoscaling:DeregisterScalableTarget',
    'application-autoscaling:PutScalingPolicy',
    'application-autoscaling:DeleteScalingPolicy',
  ],
  /** Tagging an adopted target as Thermostat's, and untagging it when handed back. */
  autoscalingTag: ['application-autoscaling:TagResource'],
  autoscalingUntag: ['application-autoscaling:UntagResource'],
  /** Target tracking: Application Auto Scaling checks the caller may manage the alarms it creates. */
  autoscalingAlarms: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'],
  stateTable: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Scan'],
} as const;

const unique = (values: readonly string[]) => [...new Set(values)];

/**
 * Characters the target statements may take in the role's default policy. AWS allows 10,240 for all inline
 * policies of a role together (whitespace not counted); the fixed statements (logs, X-Ray, queue, table,
 * autoscaling, discovery) and the self-invoke policy take about 3,000 of those.
 */
export const TARGET_STATEMENT_BUDGET = 6_000;
/** An ARN that is a token until deploy is counted at the longest a qualified Lambda ARN is in practice. */
const TOKEN_ARN_CHARS = 150;

export type IamScope = 'exact' | 'prefix';

export interface TagDiscovery {
  readonly tagKey: string;
  /** Some discoverable policy can ask for provisioned concurrency / Application Auto Scaling. */
  readonly usesProvisioned: boolean;
  readonly usesAutoscaling: boolean;
}

export interface PermissionOptions {
  readonly targets: readonly BoundTarget[];
  readonly stateTableArn: string;
  readonly eventBus?: events.IEventBus;
  readonly discovery?: TagDiscovery;
  /** Characters the target statements may take; tests lower it to see the switch. */
  readonly budget?: number;
  /** The controller's service name: the value of SCALABLE_TARGET_TAG on its scalable targets. */
  readonly controllerTag: string;
}

export interface ControllerPermissions {
  readonly scope: IamScope;
  readonly statements: iam.PolicyStatement[];
}

/** Every statement the controller's role gets (besides logs, X-Ray and the dead-letter queue, added by CDK). */
export function controllerStatements(scope: Stack, options: PermissionOptions): ControllerPermissions {
  const { targets } = options;
  const budget = options.budget ?? TARGET_STATEMENT_BUDGET;
  const provisioned = targets.filter((t) => t.ref.qualifier !== undefined && t.usesProvisioned);
  const autoscaled = provisioned.filter((t) => t.usesAutoscaling);

  const exact = targets.length === 0 ? [] : exactStatements(targets);
  const fits = estimate(exact) <= budget;
  const statements = fits ? exact : prefixStatements(targets, budget);
  const discovery = options.discovery;
  if (discovery !== undefined) statements.push(...discoveryStatements(scope, discovery));

  statements.push(
    new iam.PolicyStatement({ sid: 'ReadMetricsAndAccountLimits', actions: [...Actions.unscoped], resources: ['*'] }),
    new iam.PolicyStatement({
      sid: 'StateTable',
      actions: [...Actions.stateTable],
      resources: [options.stateTableArn],
    }),
  );
  if (options.eventBus !== undefined)
    statements.push(
      new iam.PolicyStatement({
        sid: 'PublishRunSummaries',
        actions: ['events:PutEvents'],
        resources: [options.eventBus.eventBusArn],
      }),
    );
  if (provisioned.length > 0 || discovery?.usesProvisioned)
    statements.push(
      new iam.PolicyStatement({
        sid: 'DescribeAutoScaling',
        actions: [...Actions.autoscalingDescribe],
        resources: ['*'],
      }),
    );
  const alarmNames = fits
    ? autoscaled.map((t) => `${t.ref.metricKey}-*`)
    : patternNames(autoscaled, budget).map((prefix) => `${prefix}*`);
  if (discovery?.usesAutoscaling) alarmNames.splice(0, alarmNames.length, '*');
  if (alarmNames.length > 0)
    statements.push(...autoscalingStatements(scope, unique(alarmNames), options.controllerTag));
  return { scope: fits ? 'exact' : 'prefix', statements };
}

/** One statement per kind of access, each naming exact ARNs. */
function exactStatements(targets: readonly BoundTarget[]): iam.PolicyStatement[] {
  const qualified = targets.filter((t) => t.ref.qualifier !== undefined);
  const provisioned = qualified.filter((t) => t.usesProvisioned);
  const statements = [
    new iam.PolicyStatement({
      sid: 'InvokeTargets',
      actions: [...Actions.invoke],
      resources: unique(targets.map((t) => t.arns.invoke)),
    }),
    new iam.PolicyStatement({
      sid: 'ReadTargetFunctions',
      actions: [...Actions.readFunction],
      resources: unique(targets.map((t) => t.arns.function)),
    }),
  ];
  if (qualified.length > 0)
    statements.push(
      new iam.PolicyStatement({
        sid: 'ReadTargetQualifiers',
        actions: [...Actions.readQualifier],
        resources: unique(qualified.map((t) => t.arns.invoke)),
      }),
    );
  if (provisioned.length > 0)
    statements.push(
      new iam.PolicyStatement({
        sid: 'ManageProvisionedConcurrency',
        actions: [...Actions.writeProvisioned],
        resources: unique(provisioned.map((t) => t.arns.invoke)),
      }),
    );
  return statements;
}

/**
 * Name-prefix patterns: one statement for invoking and reading every target (a pattern `function:shop-*` covers the
 * function and its aliases and versions), one for provisioned-concurrency writes on the targets that may use it.
 * ARNs known only at deploy time cannot be abbreviated and stay exact.
 */
function prefixStatements(targets: readonly BoundTarget[], budget: number): iam.PolicyStatement[] {
  const provisioned = targets.filter((t) => t.ref.qualifier !== undefined && t.usesProvisioned);
  const length = prefixLength(targets, provisioned, budget);
  const resources = (subset: readonly BoundTarget[], both: boolean) =>
    unique(
      subset.flatMap((t) =>
        t.arns.name === undefined
          ? both
            ? [t.arns.invoke, t.arns.function]
            : [t.arns.invoke]
          : [withTokens(`${t.arns.base}${t.arns.name.slice(0, length)}*`)],
      ),
    );
  const statements = [
    new iam.PolicyStatement({
      sid: 'TargetFunctions',
      actions: unique([...Actions.invoke, ...Actions.readFunction, ...Actions.readQualifier]),
      resources: resources(targets, true),
    }),
  ];
  if (provisioned.length > 0)
    statements.push(
      new iam.PolicyStatement({
        sid: 'ManageProvisionedConcurrency',
        actions: [...Actions.writeProvisioned],
        resources: resources(provisioned, false),
      }),
    );
  return statements;
}

/** The longest uniform name prefix whose patterns fit the budget (one character always fits: at most 64 per account and Region). */
function prefixLength(targets: readonly BoundTarget[], provisioned: readonly BoundTarget[], budget: number): number {
  const longest = Math.max(0, ...targets.map((t) => t.arns.name?.length ?? 0));
  for (let length = longest; length > 1; length--) {
    const size = patternSize(targets, length) + patternSize(provisioned, length);
    if (size <= budget) return length;
  }
  return 1;
}

function patternSize(targets: readonly BoundTarget[], length: number): number {
  const patterns = new Set<string>();
  let tokens = 0;
  for (const t of targets) {
    if (t.arns.name === undefined) tokens += 2 * TOKEN_ARN_CHARS;
    else patterns.add(`${t.arns.base}${t.arns.name.slice(0, length)}*`);
  }
  return tokens + [...patterns].reduce((sum, pattern) => sum + chars(pattern), 0);
}

/** Prefixes for the target-tracking alarm names of the autoscaled targets, at the same granularity. */
function patternNames(targets: readonly BoundTarget[], budget: number): string[] {
  const length = prefixLength(targets, [], budget);
  return unique(targets.map((t) => (t.arns.name === undefined ? `${t.ref.metricKey}-` : t.arns.name.slice(0, length))));
}

/** Characters a resource takes in the policy document (quotes and separator included). */
function chars(arn: string): number {
  if (Token.isUnresolved(arn) || arn.includes('${')) return TOKEN_ARN_CHARS;
  return arn.length + 3;
}

function estimate(statements: readonly iam.PolicyStatement[]): number {
  return statements.reduce(
    (sum, statement) => sum + statement.resources.reduce((inner, arn) => inner + chars(arn), 0),
    0,
  );
}

/**
 * Functions tagged `<tag key>=<policy name>` join at tick time, so no statement can name them: the Lambda actions
 * are granted on the account's functions on condition that they carry the tag key (Lambda supports
 * `aws:ResourceTag` on the function resource type), and finding them takes `tag:GetResources` and
 * `lambda:ListFunctions`, which have no resource-level permissions.
 */
function discoveryStatements(scope: Stack, discovery: TagDiscovery): iam.PolicyStatement[] {
  const functions = scope.formatArn({
    service: 'lambda',
    resource: 'function',
    resourceName: '*',
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    region: Aws.REGION,
    account: Aws.ACCOUNT_ID,
  });
  const actions = [
    ...Actions.invoke,
    ...Actions.readFunction,
    ...Actions.readQualifier,
    ...(discovery.usesProvisioned ? Actions.writeProvisioned : []),
  ];
  return [
    new iam.PolicyStatement({ sid: 'DiscoverTaggedFunctions', actions: [...Actions.discover], resources: ['*'] }),
    new iam.PolicyStatement({
      sid: 'TaggedTargets',
      actions: unique(actions),
      resources: [functions],
      conditions: { Null: { [`aws:ResourceTag/${discovery.tagKey}`]: 'false' } },
    }),
  ];
}

/**
 * The controller splits a large tick into shards by invoking itself asynchronously (by its unqualified name,
 * AWS_LAMBDA_FUNCTION_NAME). The statement names the function's own ARN, so it goes into a policy of its own
 * (see thermostat.ts): in the role's default policy it would make the function depend on its own ARN.
 */
export function selfInvokeStatement(controller: lambda.IFunction): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'InvokeSelfForShards',
    actions: [...Actions.invoke],
    resources: [controller.functionArn],
  });
}

function autoscalingStatements(
  scope: Stack,
  alarmNames: readonly string[],
  controllerTag: string,
): iam.PolicyStatement[] {
  // scalable-target ARNs carry a random id assigned at registration, so the resource is every scalable target and
  // the conditions do the narrowing: Lambda provisioned concurrency only, and only targets Thermostat tagged as its
  // own (a user's scalable target is out of reach unless a policy adopts it, which tags it first).
  const scalableTargets = [
    scope.formatArn({ service: 'application-autoscaling', resource: 'scalable-target', resourceName: '*' }),
  ];
  const lambdaOnly = {
    'application-autoscaling:service-namespace': AAS_SERVICE_NAMESPACE,
    'application-autoscaling:scalable-dimension': SCALABLE_DIMENSION,
  };
  const requestTag = { [`aws:RequestTag/${SCALABLE_TARGET_TAG}`]: controllerTag };
  const resourceTag = { [`aws:ResourceTag/${SCALABLE_TARGET_TAG}`]: controllerTag };
  const onlyThermostatsKey = { 'aws:TagKeys': SCALABLE_TARGET_TAG };
  return [
    new iam.PolicyStatement({
      sid: 'RegisterTaggedScalableTargets',
      actions: [...Actions.autoscalingRegister],
      resources: scalableTargets,
      conditions: { StringEquals: { ...lambdaOnly, ...requestTag } },
    }),
    new iam.PolicyStatement({
      sid: 'ChangeOwnScalableTargets',
      actions: [...Actions.autoscalingWrite],
      resources: scalableTargets,
      conditions: { StringEquals: { ...lambdaOnly, ...resourceTag } },
    }),
    new iam.PolicyStatement({
      sid: 'TagAdoptedScalableTargets',
      actions: [...Actions.autoscalingTag],
      resources: scalableTargets,
      conditions: { StringEquals: requestTag, 'ForAllValues:StringEquals': onlyThermostatsKey },
    }),
    new iam.PolicyStatement({
      sid: 'UntagReleasedScalableTargets',
      actions: [...Actions.autoscalingUntag],
      resources: scalableTargets,
      conditions: { StringEquals: resourceTag, 'ForAllValues:StringEquals': onlyThermostatsKey },
    }),
    new iam.PolicyStatement({
      sid: 'TargetTrackingAlarms',
      actions: [...Actions.autoscalingAlarms],
      // Application Auto Scaling names its alarms TargetTracking-<resource id>-Alarm{High,Low}-<uuid>
      resources: alarmNames.map((name) =>
        scope.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: `${TARGET_TRACKING_ALARM_PREFIX}${RESOURCE_ID_PREFIX}${name}`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ),
    }),
    new iam.PolicyStatement({
      sid: 'CreateAutoScalingServiceLinkedRole',
      actions: ['iam:CreateServiceLinkedRole'],
      resources: [
        scope.formatArn({
          service: 'iam',
          region: '',
          resource: 'role',
          resourceName: `aws-service-role/${AAS_LAMBDA_SERVICE}/${AAS_LAMBDA_ROLE}`,
        }),
      ],
      conditions: { StringEquals: { 'iam:AWSServiceName': AAS_LAMBDA_SERVICE } },
    }),
  ];
}
