/**
 * cdk-nag acknowledgements for what Thermostat deploys, each with the reason the finding is acceptable. They use
 * aws-cdk-lib's own `Validations` API, so the construct does not depend on cdk-nag; rule packs (AwsSolutions,
 * Serverless) read them when a user runs them.
 *
 * cdk-nag 3 names each wildcard finding after the flattened resource (`Resource::<Logical.Arn>:*`), with no prefix
 * matching, so the ids of token-bearing ARNs are computed here the same way cdk-nag flattens them.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
}

export const Reasons = {
  runtime:
    'The controller bundle is built for Node.js 22 (esbuild target node22), the runtime Thermostat standardises on; runtime and bundle target move together.',
  onFailureDestination:
    'Failed asynchronous ticks go to the on-failure destination (the FailedTicks queue), which records the error with the request; a dead-letter queue configuration would be a second path for the same failures.',
  queueIsDeadLetterQueue:
    "This queue is itself the dead-letter queue for the controller's failed ticks (Lambda on-failure destination and EventBridge Scheduler dead-letter queue); nothing consumes it automatically.",
  unscopedActions:
    'Only actions that support no resource-level permissions use "*": cloudwatch:GetMetricData, lambda:GetAccountSettings, application-autoscaling DescribeScalableTargets/DescribeScalingPolicies, tag:GetResources and lambda:ListFunctions (tag discovery), and X-Ray PutTraceSegments/PutTelemetryRecords.',
  namePrefixes:
    "More targets than exact ARNs fit in IAM's 10,240-character inline limit: the statement names function-name prefixes of the targets (the longest that fit), which is the documented trade-off for one controller per account.",
  taggedFunctions:
    'Functions discovered by tag are not known at synth time; the statement is conditioned on the function carrying the discovery tag key (aws:ResourceTag on the Lambda function resource type).',
  scalableTargets:
    "Scalable-target ARNs end in an id Application Auto Scaling assigns at registration; conditions restrict the statement to scalable targets tagged thermostat:controller=<this controller's service name> (aws:RequestTag to register or tag one, aws:ResourceTag to change or untag one) and, where the action has them, to namespace lambda and dimension lambda:function:ProvisionedConcurrency.",
  trackingAlarms:
    "Application Auto Scaling names target-tracking alarms with a generated suffix; the prefix pins the statement to this target's alarms.",
  providerManagedPolicy:
    "aws-cdk-lib's AwsCustomResource provider (used for the warm-up after each deployment) logs through the AWS managed basic execution policy; aws-cdk-lib creates and owns that role.",
  providerFunction:
    "aws-cdk-lib's AwsCustomResource provider is called synchronously by CloudFormation once per deployment, which reports its failures; aws-cdk-lib owns its configuration.",
} as const;

export function acknowledge(scope: IConstruct, ...acknowledgements: Acknowledgement[]): void {
  for (const { id, reason } of acknowledgements) Validations.of(scope).acknowledge({ id, reason });
}

/** The finding id cdk-nag's IAM5 rule reports for a wildcard resource (which may hold tokens). */
export function wildcardResourceId(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(resource))}]`;
}

/** CloudFormation intrinsics as cdk-nag prints them: `<Logical>`, `<Logical.Attr>`, joins concatenated. */
export function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    if (record['Fn::Join']) {
      const [delimiter, items] = record['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (record['Fn::Sub']) return flatten(record['Fn::Sub']);
    if (record['Fn::GetAtt']) {
      const [resource, attribute] = record['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if (record['Fn::ImportValue']) return flatten(record['Fn::ImportValue']);
    if (record.Ref) return `<${flatten(record.Ref)}>`;
  }
  return JSON.stringify(node);
}

/** The singleton function aws-cdk-lib's AwsCustomResource creates in the stack. */
export const AWS_CUSTOM_RESOURCE_PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';
