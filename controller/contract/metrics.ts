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
  /**
   * Real requests a minute auto mode forecasts for its targets with a known request rate (Count). Total, emitted
   * only by ticks that forecast any: beside ForecastColdRequests it gives the forecast warm ratio the dashboard sets
   * against the target helper's.
   */
  ForecastRequests: 'ForecastRequests',
  /** Of ForecastRequests, those forecast to start cold (Count). Total. */
  ForecastColdRequests: 'ForecastColdRequests',
} as const;
export type ControllerMetricName = (typeof ControllerMetric)[keyof typeof ControllerMetric];

/** Metrics the target helper emits from inside the user's function (target/ keeps its own copy: it stands alone). */
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
