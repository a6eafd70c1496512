/**
 * The controller's IAM: exact ARNs wherever AWS supports resource-level permissions, and only what the policies
 * can ask for (provisioned-concurrency writes only for targets whose policy can use it, Application Auto Scaling
 * only when a policy uses that strategy). Where AWS allows no resource, the statement is `*` and the reason goes
 * into the cdk-nag acknowledgement next to it (nag.ts).
 */
import { ArnFormat, type Stack } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { BoundTarget } from './binding';

/** The Application Auto Scaling service-linked role for Lambda provisioned concurrency. */
export const AAS_LAMBDA_SERVICE = 'lambda.application-autoscaling.amazonaws.com';
export const AAS_LAMBDA_ROLE = 'AWSServiceRoleForApplicationAutoScaling_LambdaConcurrency';

/** Action lists, exported so tests and the README quote the same lists. */
export const Actions = {
  invoke: ['lambda:InvokeFunction'],
  /** On the unqualified function: facts of $LATEST, and the list of its provisioned-concurrency configurations. */
  readFunction: ['lambda:GetFunction', 'lambda:GetAlias', 'lambda:ListProvisionedConcurrencyConfigs'],
  /** On the alias or version: its configuration, where the alias points, its provisioned concurrency. */
  readQualifier: ['lambda:GetFunction', 'lambda:GetAlias', 'lambda:GetProvisionedConcurrencyConfig'],
  writeProvisioned: ['lambda:PutProvisionedConcurrencyConfig', 'lambda:DeleteProvisionedConcurrencyConfig'],
  /** No resource-level permissions exist for these. */
  unscoped: ['cloudwatch:GetMetricData', 'lambda:GetAccountSettings'],
  /** Before writing provisioned concurrency, the controller checks no scalable target owns it (no resource-level permissions). */
  autoscalingDescribe: [
    'application-autoscaling:DescribeScalableTargets',
    'application-autoscaling:DescribeScalingPolicies',
  ],
  autoscalingWrite: [
    'application-autoscaling:RegisterScalableTarget',
    'application-autoscaling:DeregisterScalableTarget',
    'application-autoscaling:PutScalingPolicy',
  ],
  /** Target tracking: Application Auto Scaling checks the caller may manage the alarms it creates. */
  autoscalingAlarms: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'],
  stateTable: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Scan'],
} as const;

const unique = (values: readonly string[]) => [...new Set(values)];

export interface PermissionOptions {
  readonly targets: readonly BoundTarget[];
  readonly stateTableArn: string;
  readonly eventBus?: events.IEventBus;
}

/** Every statement the controller's role gets (besides logs, X-Ray and the dead-letter queue, added by CDK). */
export function controllerStatements(scope: Stack, options: PermissionOptions): iam.PolicyStatement[] {
  const { targets } = options;
  const qualified = targets.filter((t) => t.ref.qualifier !== undefined);
  const provisioned = qualified.filter((t) => t.usesProvisioned);
  const autoscaled = provisioned.filter((t) => t.usesAutoscaling);

  const statements = [
    new iam.PolicyStatement({
      sid: 'InvokeTargets',
      actions: [...Actions.invoke],
      resources: unique(targets.map((t) => t.ref.invokeArn)),
    }),
    new iam.PolicyStatement({
      sid: 'ReadTargetFunctions',
      actions: [...Actions.readFunction],
      resources: unique(targets.map((t) => t.ref.functionArn)),
    }),
  ];
  if (qualified.length > 0)
    statements.push(
      new iam.PolicyStatement({
        sid: 'ReadTargetQualifiers',
        actions: [...Actions.readQualifier],
        resources: unique(qualified.map((t) => t.ref.invokeArn)),
      }),
    );
  if (provisioned.length > 0)
    statements.push(
      new iam.PolicyStatement({
        sid: 'ManageProvisionedConcurrency',
        actions: [...Actions.writeProvisioned],
        resources: unique(provisioned.map((t) => t.ref.invokeArn)),
      }),
    );
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
  if (provisioned.length > 0)
    statements.push(
      new iam.PolicyStatement({
        sid: 'DescribeAutoScaling',
        actions: [...Actions.autoscalingDescribe],
        resources: ['*'],
      }),
    );
  if (autoscaled.length > 0) statements.push(...autoscalingStatements(scope, autoscaled));
  return statements;
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

function autoscalingStatements(scope: Stack, targets: readonly BoundTarget[]): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'ManageLambdaScalableTargets',
      actions: [...Actions.autoscalingWrite],
      // scalable-target ARNs carry a random id assigned at registration; the conditions pin the writes to Lambda
      // provisioned concurrency
      resources: [
        scope.formatArn({ service: 'application-autoscaling', resource: 'scalable-target', resourceName: '*' }),
      ],
      conditions: {
        StringEquals: {
          'application-autoscaling:service-namespace': 'lambda',
          'application-autoscaling:scalable-dimension': 'lambda:function:ProvisionedConcurrency',
        },
      },
    }),
    new iam.PolicyStatement({
      sid: 'TargetTrackingAlarms',
      actions: [...Actions.autoscalingAlarms],
      // Application Auto Scaling names its alarms TargetTracking-<resource id>-Alarm{High,Low}-<uuid>
      resources: targets.map((t) =>
        scope.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: `TargetTracking-function:${t.ref.metricKey}-*`,
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
