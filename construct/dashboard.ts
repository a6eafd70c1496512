/**
 * The warm/cold dashboard: the controller's health first, then one block per target. Cold and warm starts come
 * from two independent sources, so a broken helper or a broken controller shows as a disagreement: the target
 * helper's EMF metrics, and a Logs Insights query over the function's own REPORT lines (`@initDuration` is present
 * only on cold starts), which works even for functions without the helper.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { BoundTarget } from './binding';
import {
  ControllerMetric,
  type ControllerMetricName,
  controllerMetric,
  HelperMetric,
  helperMetric,
  qualifiedLambdaMetric,
  targetMetric,
  warmRatio,
} from './metrics';
import { logGroupName } from './target-ref';

export interface DashboardOptions {
  readonly dashboardName?: string;
  readonly service: string;
  readonly targets: readonly BoundTarget[];
  readonly controller: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
  readonly timeout: Duration;
}

/** Counts cold starts from the function's own REPORT lines; needs the text log format (Lambda's default). */
export const COLD_START_QUERY = [
  'filter @type = "REPORT"',
  'stats count(@initDuration) as coldStarts, count(*) as invocations by bin(5m)',
];

export function buildDashboard(scope: Construct, id: string, options: DashboardOptions): cloudwatch.Dashboard {
  const dashboard = new cloudwatch.Dashboard(scope, id, {
    dashboardName: options.dashboardName,
    defaultInterval: Duration.hours(6),
  });
  dashboard.addWidgets(...controllerRow(options));
  for (const target of options.targets) for (const row of targetRows(options, target)) dashboard.addWidgets(...row);
  return dashboard;
}

function controllerRow(options: DashboardOptions): cloudwatch.IWidget[] {
  const { service, controller, deadLetterQueue } = options;
  const total = (name: ControllerMetricName, label: string) => controllerMetric(name, service, { label });
  return [
    new cloudwatch.TextWidget({
      markdown: `# Thermostat controller\nservice \`${service}\`, ${options.targets.length} target(s). Each tick proves warm environments with pings and reconciles provisioned concurrency.`,
      width: 24,
      height: 2,
    }),
    new cloudwatch.GraphWidget({
      title: 'Pings and proven environments',
      left: [
        total(ControllerMetric.PingsSent, 'Pings sent'),
        total(ControllerMetric.EnvironmentsProven, 'Distinct environments proven'),
        total(ControllerMetric.ColdEnvironments, 'Environments the ping cold-started'),
      ],
      right: [total(ControllerMetric.Shortfall, 'Shortfall')],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Failures',
      left: [
        total(ControllerMetric.PingFailures, 'Ping failures'),
        total(ControllerMetric.TargetFailures, 'Target failures'),
        controller.metricErrors({ period: Duration.minutes(1), label: 'Controller errors' }),
        controller.metricThrottles({ period: Duration.minutes(1), label: 'Controller throttles' }),
      ],
      right: [
        deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
          label: 'Failed ticks (dead-letter queue)',
        }),
      ],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Tick duration (ms)',
      left: [
        controllerMetric(ControllerMetric.TickDuration, service, { statistic: 'Average', label: 'Average' }),
        controllerMetric(ControllerMetric.TickDuration, service, { statistic: 'Maximum', label: 'Maximum' }),
      ],
      leftAnnotations: [{ value: options.timeout.toMilliseconds(), label: 'Timeout', color: '#d62728' }],
      width: 8,
    }),
  ];
}

function targetRows(options: DashboardOptions, target: BoundTarget): cloudwatch.IWidget[][] {
  const { service } = options;
  const { ref } = target;
  const perTarget = (
    name: (typeof ControllerMetric)[keyof typeof ControllerMetric],
    label: string,
    statistic = 'Sum',
  ) => targetMetric(name, service, ref.metricKey, { label, statistic });
  const objective =
    target.warmRatioObjective === undefined
      ? 'no warm-ratio objective'
      : `warm-ratio objective ${target.warmRatioObjective}`;

  const rows: cloudwatch.IWidget[][] = [
    [
      new cloudwatch.TextWidget({
        markdown: `## ${target.label}\npolicy ${target.loaded.file} · modes ${target.modes.join(', ')} · ${objective}`,
        width: 24,
        height: 2,
      }),
    ],
    [
      new cloudwatch.GraphWidget({
        title: `${target.label}: cold vs warm starts`,
        left: [
          helperMetric(HelperMetric.ColdStart, ref.functionName, { label: 'Cold starts' }),
          helperMetric(HelperMetric.WarmStart, ref.functionName, { label: 'Warm starts' }),
        ],
        stacked: true,
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: `${target.label}: warm ratio`,
        left: [warmRatio(ref.functionName)],
        leftYAxis: { min: 0, max: 1 },
        leftAnnotations:
          target.warmRatioObjective === undefined ? [] : [{ value: target.warmRatioObjective, label: 'Objective' }],
        width: 6,
      }),
      new cloudwatch.LogQueryWidget({
        title: `${target.label}: cold starts from REPORT lines`,
        logGroupNames: [logGroupName(ref)],
        queryLines: COLD_START_QUERY,
        view: cloudwatch.LogQueryVisualizationType.LINE,
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: `${target.label}: warming`,
        left: [
          perTarget(ControllerMetric.PingsSent, 'Pings sent'),
          perTarget(ControllerMetric.EnvironmentsProven, 'Environments proven'),
          perTarget(ControllerMetric.PingFailures, 'Ping failures'),
        ],
        right: [perTarget(ControllerMetric.Shortfall, 'Shortfall')],
        width: 6,
      }),
    ],
  ];
  if (ref.qualifier !== undefined) {
    const lambdaMetric = (name: string, statistic: string, label: string) =>
      qualifiedLambdaMetric(name, ref.functionName, ref.qualifier!, { statistic, label });
    rows.push([
      new cloudwatch.GraphWidget({
        title: `${target.label}: provisioned concurrency utilisation`,
        left: [lambdaMetric('ProvisionedConcurrencyUtilization', 'Maximum', 'Utilisation (max)')],
        leftYAxis: { min: 0, max: 1 },
        right: [
          perTarget(ControllerMetric.ProvisionedRequested, 'Requested', 'Maximum'),
          perTarget(ControllerMetric.ProvisionedAllocated, 'Allocated', 'Maximum'),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: `${target.label}: spillover`,
        left: [
          lambdaMetric('ProvisionedConcurrencySpilloverInvocations', 'Sum', 'Spillover invocations'),
          lambdaMetric('ProvisionedConcurrencyInvocations', 'Sum', 'Invocations on provisioned concurrency'),
        ],
        width: 12,
      }),
    ]);
  }
  return rows;
}
