import type { RunReport } from './report';

/** The slice of Powertools Metrics the controller uses (EMF; namespace and service set where it is built). */
export interface MetricsSink {
  addDimension(name: string, value: string): unknown;
  addMetric(name: string, unit: 'Count' | 'Milliseconds', value: number): unknown;
  publishStoredMetrics(): void;
}

/**
 * Metric names and dimensions are a contract with the construct's dashboard and alarms (construct/metrics.ts):
 * per-target metrics carry exactly `Target` (plus Powertools' `service`), totals carry only `service`.
 */
export const METRIC = {
  PingsSent: 'PingsSent',
  EnvironmentsProven: 'EnvironmentsProven',
  ColdEnvironments: 'ColdEnvironments',
  Shortfall: 'Shortfall',
  PingFailures: 'PingFailures',
  TargetFailures: 'TargetFailures',
  TickDuration: 'TickDuration',
  ProvisionedRequested: 'ProvisionedRequested',
  ProvisionedAllocated: 'ProvisionedAllocated',
} as const;

export function emitMetrics(sink: MetricsSink, report: RunReport): void {
  if (report.status === 'duplicate' || report.status === 'in-progress') return;
  for (const target of report.targets) {
    sink.addDimension('Target', target.target);
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
  sink.addMetric(METRIC.TickDuration, 'Milliseconds', report.durationMs);
  sink.publishStoredMetrics();
}
