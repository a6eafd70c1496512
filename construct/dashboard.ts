/**
 * The warm/cold dashboard, sized for one controller per account: a fixed number of widgets whatever the number of
 * targets (CloudWatch holds at most 500 widgets per dashboard). Per-function series come from metric math `SEARCH`
 * (top N by cold starts), per-function tables from Logs Insights (top N), never from a widget per target.
 *
 * Two independent sources of cold and warm starts, so a broken helper or a broken controller shows as a
 * disagreement: the target helper's EMF metrics and records (real invocations only, pings excluded by the helper),
 * and the functions' own REPORT lines (`@initDuration` only on cold starts), which count pings too; the Logs
 * Insights table shows both and the difference, which is the pings and other invocations the helper did not count.
 *
 * The text holds no path of the machine that synthesised it: the same app gives the same template anywhere.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  ControllerMetric,
  type ControllerMetricName,
  Dimension,
  HelperMetric,
  METRIC_NAMESPACE,
} from '../controller/contract';
import type { BoundTarget } from './binding';
import { controllerMetric } from './metrics';
import { logGroupName } from './target-ref';

export interface DashboardOptions {
  readonly dashboardName?: string;
  readonly service: string;
  readonly targets: readonly BoundTarget[];
  readonly controller: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
  readonly timeout: Duration;
  /** Some policy (a target's or a discoverable one) can use provisioned concurrency. */
  readonly usesProvisioned: boolean;
  /** The discovery tag key, when functions join by tag. */
  readonly discoveryTagKey?: string;
}

/** How many functions the top-N widgets show. */
export const TOP_N = 10;
/** Log groups one Logs Insights widget may query. */
export const LOG_GROUPS_PER_QUERY = 50;

/**
 * Per function: invocations and cold starts from REPORT lines (pings included), real invocations and real cold
 * starts from the helper's records (pings excluded), and their difference. `@initDuration` is discovered from
 * Lambda's text log format.
 */
export const COLD_START_QUERY = [
  'filter @type = "REPORT" or ispresent(StartKind)',
  // @duration is on REPORT lines only; StartKind on the helper's records only (one per real invocation)
  'stats count(@duration) as invocations, count(@initDuration) as reportColdStarts, sum(ColdStart) as realColdStarts, sum(WarmStart) as realWarmStarts, count(@duration) - count(StartKind) as pingsAndUncounted by @log',
  'sort realColdStarts desc',
  `limit ${TOP_N}`,
];

export function buildDashboard(scope: Construct, id: string, options: DashboardOptions): cloudwatch.Dashboard {
  const dashboard = new cloudwatch.Dashboard(scope, id, {
    dashboardName: options.dashboardName,
    defaultInterval: Duration.hours(6),
  });
  dashboard.addWidgets(...controllerRow(options));
  dashboard.addWidgets(...completenessRow(options));
  dashboard.addWidgets(...warmthRow(options.service));
  if (options.targets.some((t) => t.detailedMetrics)) dashboard.addWidgets(...detailRow(options));
  if (options.usesProvisioned) dashboard.addWidgets(...provisionedRow(options.service));
  for (const row of logRows(options)) dashboard.addWidgets(...row);
  return dashboard;
}

function total(service: string, name: ControllerMetricName, label: string, statistic = 'Sum') {
  return controllerMetric(name, service, { label, statistic });
}

function controllerRow(options: DashboardOptions): cloudwatch.IWidget[] {
  const { service, controller, deadLetterQueue } = options;
  const enrolled = [
    `${options.targets.length} target(s)`,
    ...(options.discoveryTagKey !== undefined ? [`functions tagged \`${options.discoveryTagKey}\``] : []),
  ].join(' and ');
  return [
    new cloudwatch.TextWidget({
      markdown: `# Thermostat controller\nservice \`${service}\`, ${enrolled}. Each tick proves warm environments with pings and reconciles provisioned concurrency. Per-target detail: the controller's logs and events.`,
      width: 24,
      height: 2,
    }),
    new cloudwatch.GraphWidget({
      title: 'Pings and proven environments',
      left: [
        total(service, ControllerMetric.PingsSent, 'Pings sent'),
        total(service, ControllerMetric.EnvironmentsProven, 'Distinct environments proven'),
        total(service, ControllerMetric.ColdEnvironments, 'Environments the ping cold-started'),
      ],
      right: [total(service, ControllerMetric.Shortfall, 'Shortfall')],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Failures',
      left: [
        total(service, ControllerMetric.PingFailures, 'Ping failures'),
        total(service, ControllerMetric.TargetFailures, 'Target failures'),
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

function completenessRow(options: DashboardOptions): cloudwatch.IWidget[] {
  const { service } = options;
  return [
    new cloudwatch.GraphWidget({
      title: 'Incomplete ticks: partial ticks and skipped targets (rate, time, budget unknown)',
      left: [total(service, ControllerMetric.TicksPartial, 'Partial ticks')],
      right: [total(service, ControllerMetric.TargetsSkipped, 'Targets skipped')],
      width: 24,
    }),
  ];
}

/** A SEARCH over the helper's per-function metrics, top N by sum. */
function helperSearch(name: string, label: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `SORT(SEARCH('{${METRIC_NAMESPACE},${Dimension.FunctionName}} MetricName="${name}"', 'Sum', 300), SUM, DESC, ${TOP_N})`,
    label,
    period: Duration.minutes(5),
  });
}

function warmthRow(service: string): cloudwatch.IWidget[] {
  const all = (name: string) =>
    `SEARCH('{${METRIC_NAMESPACE},${Dimension.FunctionName}} MetricName="${name}"', 'Sum', 300)`;
  return [
    new cloudwatch.GraphWidget({
      title: `Cold starts of real invocations: top ${TOP_N} functions (target helper)`,
      left: [helperSearch(HelperMetric.ColdStart, '')],
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: "Warm ratio of real invocations: the target helper's count against auto mode's forecast",
      left: [
        new cloudwatch.MathExpression({
          expression: `SUM(${all(HelperMetric.WarmStart)}) / (SUM(${all(HelperMetric.WarmStart)}) + SUM(${all(HelperMetric.ColdStart)}))`,
          label: 'Warm ratio',
          period: Duration.minutes(5),
        }),
        // The controller's forecast for auto mode's targets, weighted by their traffic: a forecast well above the
        // helper's actual ratio means the demand model misjudges the traffic (no data where no target is in auto mode).
        new cloudwatch.MathExpression({
          expression: '1 - forecastCold / forecast',
          usingMetrics: {
            forecast: controllerMetric(ControllerMetric.ForecastRequests, service, { period: Duration.minutes(5) }),
            forecastCold: controllerMetric(ControllerMetric.ForecastColdRequests, service, {
              period: Duration.minutes(5),
            }),
          },
          label: 'Forecast warm ratio (auto mode)',
          period: Duration.minutes(5),
        }),
      ],
      leftYAxis: { min: 0, max: 1 },
      width: 12,
    }),
  ];
}

/** Targets with `detailedMetrics`: the controller's per-target series, top N by shortfall and by pings. */
function detailRow(options: DashboardOptions): cloudwatch.IWidget[] {
  const search = (name: string) =>
    new cloudwatch.MathExpression({
      expression: `SORT(SEARCH('{${METRIC_NAMESPACE},${Dimension.Service},${Dimension.Target}} ${Dimension.Service}="${options.service}" MetricName="${name}"', 'Sum', 60), SUM, DESC, ${TOP_N})`,
      label: '',
      period: Duration.minutes(1),
    });
  return [
    new cloudwatch.GraphWidget({
      title: `Shortfall: top ${TOP_N} targets with detailed metrics`,
      left: [search(ControllerMetric.Shortfall)],
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: `Environments proven: top ${TOP_N} targets with detailed metrics`,
      left: [search(ControllerMetric.EnvironmentsProven)],
      width: 12,
    }),
  ];
}

/** Only when some policy can use provisioned concurrency: warm-only targets get no provisioned-concurrency widgets. */
function provisionedRow(service: string): cloudwatch.IWidget[] {
  const search = (name: string, statistic: string) =>
    new cloudwatch.MathExpression({
      expression: `SORT(SEARCH('{AWS/Lambda,FunctionName,Resource} MetricName="${name}"', '${statistic}', 60), MAX, DESC, ${TOP_N})`,
      label: '',
      period: Duration.minutes(1),
    });
  return [
    new cloudwatch.GraphWidget({
      title: `Provisioned concurrency utilisation: top ${TOP_N} aliases and versions`,
      left: [search('ProvisionedConcurrencyUtilization', 'Maximum')],
      leftYAxis: { min: 0, max: 1 },
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: `Spillover to on-demand: top ${TOP_N} aliases and versions`,
      left: [search('ProvisionedConcurrencySpilloverInvocations', 'Sum')],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Provisioned concurrency FAILED',
      left: [total(service, ControllerMetric.ProvisionedFailed, 'FAILED configurations', 'Maximum')],
      width: 8,
    }),
  ];
}

/** Logs Insights tables over the targets' log groups, in chunks a query may take, two widgets per row. */
function logRows(options: DashboardOptions): cloudwatch.IWidget[][] {
  const groups = [...new Set(options.targets.map((t) => logGroupName(t.ref)))];
  const widgets: cloudwatch.IWidget[] = [];
  for (let start = 0; start < groups.length; start += LOG_GROUPS_PER_QUERY) {
    const chunk = groups.slice(start, start + LOG_GROUPS_PER_QUERY);
    const part =
      groups.length > LOG_GROUPS_PER_QUERY
        ? ` (targets' log groups ${start + 1}-${start + chunk.length} of ${groups.length})`
        : '';
    widgets.push(
      new cloudwatch.LogQueryWidget({
        title: `Top ${TOP_N} by real cold starts: REPORT lines vs the helper's records${part}`,
        logGroupNames: chunk,
        queryLines: COLD_START_QUERY,
        view: cloudwatch.LogQueryVisualizationType.TABLE,
        width: 12,
        height: 6,
      }),
    );
  }
  const rows: cloudwatch.IWidget[][] = [];
  for (let i = 0; i < widgets.length; i += 2) rows.push(widgets.slice(i, i + 2));
  return rows;
}
