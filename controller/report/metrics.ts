import { Dimension, ControllerMetric as METRIC } from '../contract';
import type { RunReport } from './report';

/** The slice of Powertools Metrics the controller uses (EMF; namespace and service set where it is built). */
export interface MetricsSink {
  addDimension(name: string, value: string): unknown;
  addMetric(name: string, unit: 'Count' | 'Milliseconds', value: number): unknown;
  publishStoredMetrics(): void;
}

/**
 * Totals every tick (a bounded set, whatever the number of targets), and per-target metrics only for the targets in
 * `detailed` (policy keys or `name:qualifier`): each distinct `Target` value is another billed custom metric, so
 * per-target detail otherwise lives in the structured log lines and the EventBridge events.
 *
 * A count of zero is not published (`TickDuration`, every tick's heartbeat, always is): CloudWatch bills a custom
 * metric for each hour it receives it and its logs for each byte, and on a quiet account most counts are zero most of
 * the time (failures, shortfalls, partial ticks). The alarms treat missing data as not breaching and the ping failure
 * rate fills it with zero, so a missing count reads as the zero it stands for.
 */
export function emitMetrics(sink: MetricsSink, report: RunReport, detailed: ReadonlySet<string> = new Set()): void {
  if (report.status === 'duplicate') return;
  const count = (name: string, value: number) => {
    if (value !== 0) sink.addMetric(name, 'Count', value);
  };
  for (const target of report.targets) {
    if (!detailed.has(target.key) && !detailed.has(target.target)) continue;
    sink.addDimension(Dimension.Target, target.target);
    if (target.warm) {
      count(METRIC.PingsSent, target.warm.pingsSent);
      count(METRIC.EnvironmentsProven, target.warm.proven);
      count(METRIC.ColdEnvironments, target.warm.cold);
      count(METRIC.Shortfall, target.warm.shortfall);
      count(METRIC.PingFailures, target.warm.failures);
    }
    count(METRIC.TargetFailures, target.status === 'failed' ? 1 : 0);
    if (target.provisioned?.requested !== undefined) {
      // Both or neither: the dashboard sets one against the other.
      sink.addMetric(METRIC.ProvisionedRequested, 'Count', target.provisioned.requested);
      sink.addMetric(METRIC.ProvisionedAllocated, 'Count', target.provisioned.allocated ?? 0);
    }
    sink.publishStoredMetrics();
  }
  const totals = report.totals;
  count(METRIC.PingsSent, totals.pingsSent);
  count(METRIC.EnvironmentsProven, totals.environmentsProven);
  count(METRIC.ColdEnvironments, totals.coldEnvironments);
  count(METRIC.Shortfall, totals.shortfall);
  count(METRIC.PingFailures, totals.pingFailures);
  count(METRIC.TargetFailures, totals.targetFailures);
  count(METRIC.TicksPartial, report.status === 'partial' ? 1 : 0);
  count(METRIC.TargetsSkipped, report.skipped.length);
  count(METRIC.ProvisionedFailed, totals.provisionedFailed);
  sink.addMetric(METRIC.TickDuration, 'Milliseconds', report.durationMs);
  const forecast = forecastTotals(report);
  if (forecast.requests > 0) {
    // Both whenever there is a forecast, zero cold included: the dashboard's forecast warm ratio divides one by the other.
    sink.addMetric(METRIC.ForecastRequests, 'Count', forecast.requests);
    sink.addMetric(METRIC.ForecastColdRequests, 'Count', forecast.cold);
  }
  sink.publishStoredMetrics();
}

/**
 * Real requests a minute auto mode forecasts over the tick's targets, and how many of them start cold: summed per
 * tick, the two make a forecast warm ratio weighted by each target's traffic, whatever the number of ticks.
 */
export function forecastTotals(report: Pick<RunReport, 'targets'>): { requests: number; cold: number } {
  let requests = 0;
  let cold = 0;
  for (const target of report.targets) {
    const forecast = target.forecast;
    if (forecast?.requestsPerMinute === undefined || forecast.requestsPerMinute <= 0) continue;
    requests += forecast.requestsPerMinute;
    cold += forecast.requestsPerMinute * forecast.coldShare;
  }
  return { requests, cold };
}
