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
 */
export function emitMetrics(sink: MetricsSink, report: RunReport, detailed: ReadonlySet<string> = new Set()): void {
  if (report.status === 'duplicate') return;
  for (const target of report.targets) {
    if (!detailed.has(target.key) && !detailed.has(target.target)) continue;
    sink.addDimension(Dimension.Target, target.target);
    if (target.warm) {
      sink.addMetric(METRIC.PingsSent, 'Count', target.warm.pingsSent);
      sink.addMetric(METRIC.EnvironmentsProven, 'Count', target.warm.proven);
      sink.addMetric(METRIC.ColdEnvironments, 'Count', target.warm.cold);
      sink.addMetric(METRIC.Shortfall, 'Count', target.warm.shortfall);
      sink.addMetric(METRIC.PingFailures, 'Count', target.warm.failures);
    }
    sink.addMetric(METRIC.TargetFailures, 'Count', target.status === 'failed' ? 1 : 0);
    if (target.provisioned?.requested !== undefined) {
      sink.addMetric(METRIC.ProvisionedRequested, 'Count', target.provisioned.requested);
      sink.addMetric(METRIC.ProvisionedAllocated, 'Count', target.provisioned.allocated ?? 0);
    }
    sink.publishStoredMetrics();
  }
  const totals = report.totals;
  sink.addMetric(METRIC.PingsSent, 'Count', totals.pingsSent);
  sink.addMetric(METRIC.EnvironmentsProven, 'Count', totals.environmentsProven);
  sink.addMetric(METRIC.ColdEnvironments, 'Count', totals.coldEnvironments);
  sink.addMetric(METRIC.Shortfall, 'Count', totals.shortfall);
  sink.addMetric(METRIC.PingFailures, 'Count', totals.pingFailures);
  sink.addMetric(METRIC.TargetFailures, 'Count', totals.targetFailures);
  sink.addMetric(METRIC.TicksPartial, 'Count', report.status === 'partial' ? 1 : 0);
  sink.addMetric(METRIC.TargetsSkipped, 'Count', report.skipped.length);
  sink.addMetric(METRIC.ProvisionedFailed, 'Count', totals.provisionedFailed);
  sink.addMetric(METRIC.TickDuration, 'Milliseconds', report.durationMs);
  const forecast = forecastTotals(report);
  if (forecast.requests > 0) {
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
