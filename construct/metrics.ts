/**
 * The CloudWatch metrics the dashboard and alarms query, built from the names of the metric contract
 * (controller/contract/metrics.ts) that the controller and the target helper emit.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  type ControllerMetricName,
  Dimension,
  HelperMetric,
  type HelperMetricName,
  METRIC_NAMESPACE,
} from '../controller/contract';

const DEFAULT_PERIOD = Duration.minutes(1);

export interface MetricOptions {
  readonly statistic?: string;
  readonly period?: Duration;
  readonly label?: string;
}

/** A controller-level metric (a total over the tick's targets, or TickDuration). */
export function controllerMetric(
  name: ControllerMetricName,
  service: string,
  options: MetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRIC_NAMESPACE,
    metricName: name,
    dimensionsMap: { [Dimension.Service]: service },
    statistic: options.statistic ?? 'Sum',
    period: options.period ?? DEFAULT_PERIOD,
    label: options.label,
  });
}

/** A controller metric for one target. */
export function targetMetric(
  name: ControllerMetricName,
  service: string,
  targetKey: string,
  options: MetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRIC_NAMESPACE,
    metricName: name,
    dimensionsMap: { [Dimension.Service]: service, [Dimension.Target]: targetKey },
    statistic: options.statistic ?? 'Sum',
    period: options.period ?? DEFAULT_PERIOD,
    label: options.label,
  });
}

/**
 * A target helper metric of one function: all versions together (`{ FunctionName }`), or one alias or version
 * (`{ FunctionName, Qualifier }`, which the helper adds with `metrics: { dimensions: ['Qualifier'] }`).
 */
export function helperMetric(
  name: HelperMetricName,
  functionName: string,
  options: MetricOptions & { readonly qualifier?: string } = {},
) {
  return new cloudwatch.Metric({
    namespace: METRIC_NAMESPACE,
    metricName: name,
    dimensionsMap: {
      [Dimension.FunctionName]: functionName,
      ...(options.qualifier !== undefined ? { [Dimension.Qualifier]: options.qualifier } : {}),
    },
    statistic: options.statistic ?? 'Sum',
    period: options.period ?? Duration.minutes(5),
    label: options.label,
  });
}

/** An AWS/Lambda metric of one alias or version (`Resource` is `name:qualifier` for those). */
export function qualifiedLambdaMetric(
  name: string,
  functionName: string,
  qualifier: string,
  options: MetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Lambda',
    metricName: name,
    dimensionsMap: { FunctionName: functionName, Resource: `${functionName}:${qualifier}` },
    statistic: options.statistic ?? 'Sum',
    period: options.period ?? Duration.minutes(1),
    label: options.label,
  });
}

/**
 * Warm share of real invocations (0..1) from the helper's metrics. Yields no point when there were no
 * invocations, so an idle function neither breaches nor satisfies an objective.
 */
export function warmRatio(
  functionName: string,
  period: Duration = Duration.minutes(5),
  qualifier?: string,
): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: 'warm / (warm + cold)',
    usingMetrics: {
      warm: helperMetric(HelperMetric.WarmStart, functionName, { period, qualifier }),
      cold: helperMetric(HelperMetric.ColdStart, functionName, { period, qualifier }),
    },
    period,
    label: 'Warm ratio',
  });
}
