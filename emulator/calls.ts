/**
 * Calls the emulator's services received, per service and operation, with the quantity AWS bills each by: what a
 * benchmark needs to price a run (Thermostat's own bill) from what was really sent rather than from a guess.
 */

/** One operation's count: requests, and the billed quantity (see `CallUnits`). */
export interface CallCount {
  readonly calls: number;
  readonly units: number;
}

/**
 * What `units` counts, per service: `lambda` and `autoscaling` requests; `events` PutEvents entries; `cloudwatch`
 * metrics requested by GetMetricData (one per MetricStat query); `dynamodb` read or write request units as DynamoDB
 * computes them (eventually consistent reads count half), a failed conditional write counted as one write unit.
 */
export type CallService = 'lambda' | 'autoscaling' | 'events' | 'cloudwatch' | 'dynamodb';

export type CallSnapshot = Readonly<Partial<Record<CallService, Readonly<Record<string, CallCount>>>>>;

export class CallCounter {
  private counts = new Map<CallService, Map<string, { calls: number; units: number }>>();

  add(service: CallService, operation: string, units = 1): void {
    let byOperation = this.counts.get(service);
    if (!byOperation) {
      byOperation = new Map();
      this.counts.set(service, byOperation);
    }
    const count = byOperation.get(operation) ?? { calls: 0, units: 0 };
    count.calls += 1;
    count.units += units;
    byOperation.set(operation, count);
  }

  snapshot(): CallSnapshot {
    const out: Partial<Record<CallService, Record<string, CallCount>>> = {};
    for (const [service, byOperation] of this.counts) {
      out[service] = Object.fromEntries([...byOperation].map(([operation, count]) => [operation, { ...count }]));
    }
    return out;
  }

  reset(): void {
    this.counts = new Map();
  }
}

function parsed(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8') || '{}');
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** PutEvents entries in a request body (each is billed as one event per 64 KB chunk; the controller's are small). */
export function putEventsEntries(body: Buffer): number {
  const entries = parsed(body)?.Entries;
  return Array.isArray(entries) ? entries.length : 0;
}

/** Metrics a GetMetricData request asks for: its MetricStat queries (expressions are not billed as metrics). */
export function metricsRequested(body: Buffer): number {
  const queries = parsed(body)?.MetricDataQueries;
  if (!Array.isArray(queries)) return 0;
  return queries.filter((query) => typeof query === 'object' && query !== null && 'MetricStat' in query).length;
}
