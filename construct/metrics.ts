/**
 * The metric contract between the construct (dashboard, alarms), the controller and the target helper. The names
 * here are what the dashboard queries, so the emitters must use exactly these namespaces, names and dimension sets:
 * CloudWatch matches a metric only when every dimension matches.
 *
 * - Target helper (inside the user's function, EMF): namespace `Thermostat`, dimensions exactly `{ FunctionName }`
 *   (the plain function name), metrics `ColdStart` and `WarmStart` (Count, real invocations only, pings excluded).
 * - Controller (Powertools Metrics, EMF): namespace `Thermostat`, service name from `POWERTOOLS_SERVICE_NAME`
 *   (the construct sets it), so every metric carries the `service` dimension. Controller totals (sums over the
 *   tick's targets) carry only `service` and are emitted every tick. Per-target metrics add exactly one dimension,
 *   `Target` = the target ARN's part after `function:` (`name` or `name:qualifier`), and are emitted only for the
 *   targets the controller's `THERMOSTAT_DETAILED_METRICS` names (each one is another billed custom metric).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

export const METRIC_NAMESPACE = 'Thermostat';

/** Metrics the controller emits. */
export const ControllerMetric = {
  /** Warm-up pings sent (Count). Per target and total. */
  PingsSent: 'PingsSent',
  /** Distinct execution environments proven warm by ping answers (Count). Per target and total. */
  EnvironmentsProven: 'EnvironmentsProven',
  /** Proven environments whose ping was their first invocation, i.e. the ping paid the cold start (Count). */
  ColdEnvironments: 'ColdEnvironments',
  /** Environments the policy wanted but the tick could not prove (Count). Per target and total. */
  Shortfall: 'Shortfall',
  /** Pings that failed: throttled, errored, timed out or answered without a proof (Count). Per target and total. */
  PingFailures: 'PingFailures',
  /** Targets whose observe/plan/act step failed in a tick (Count). Per target (0 or 1) and total. */
  TargetFailures: 'TargetFailures',
  /** Wall time of one tick (Milliseconds). Controller level only. */
  TickDuration: 'TickDuration',
  /** Provisioned concurrency the controller asked for (Count, gauge). Per target only. */
  ProvisionedRequested: 'ProvisionedRequested',
  /** Provisioned concurrency Lambda reports as allocated (Count, gauge). Per target only. */
  ProvisionedAllocated: 'ProvisionedAllocated',
  /** 1 when the tick was `partial` (some target did not get all it wanted), else 0. Controller level only. */
  TicksPartial: 'TicksPartial',
  /** Targets that did not get all they wanted in a tick: time budget, rate limit, unknown budget (Count). Total. */
  TargetsSkipped: 'TargetsSkipped',
  /** Targets whose provisioned-concurrency allocation is FAILED, kept warm with pings meanwhile (Count). Total. */
  ProvisionedFailed: 'ProvisionedFailed',
} as const;
export type ControllerMetricName = (typeof ControllerMetric)[keyof typeof ControllerMetric];

/** Metrics the target helper emits from inside the user's function. */
export const HelperMetric = {
  ColdStart: 'ColdStart',
  WarmStart: 'WarmStart',
} as const;
export type HelperMetricName = (typeof HelperMetric)[keyof typeof HelperMetric];

export const Dimension = {
  /** Powertools' default dimension: the controller's service name. */
  Service: 'service',
  /** Per-target controller metrics: `name` or `name:qualifier`. */
  Target: 'Target',
  /** Target helper metrics: the plain function name. */
  FunctionName: 'FunctionName',
  /** Target helper metrics, when turned on in the helper: the alias or version invoked. */
  Qualifier: 'Qualifier',
} as const;

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
