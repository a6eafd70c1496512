import { AwsError } from '../errors';
import { type HttpResponse, json } from '../http/server';
import { type MetricStore, STATISTICS, type Statistic } from './store';

// CloudWatch's JSON protocol is awsJson1_0 with awsQuery-compatible errors: the SDK finds the typed exception
// through the `x-amzn-query-error: <Code>;Sender` header.
function invalidParameter(message: string): AwsError {
  return new AwsError(
    'InvalidParameterValueException',
    message,
    400,
    {},
    {
      'x-amzn-query-error': 'InvalidParameterValue;Sender',
    },
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A timestamp as the JSON protocols send it: epoch seconds (or an ISO string, which some callers use). */
function epochMs(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  throw invalidParameter(`The parameter ${field} must be a timestamp.`);
}

interface QueryResult {
  Id: string;
  Label: string;
  Timestamps: number[];
  Values: number[];
  StatusCode: 'Complete';
}

/** CloudWatch GetMetricData over the emulator's 1-minute metric store. */
export class CloudWatch {
  constructor(private readonly store: MetricStore) {}

  handle(operation: string, body: Buffer): HttpResponse {
    if (operation !== 'GetMetricData') {
      throw new AwsError(
        'UnknownOperationException',
        `The emulator does not implement GraniteServiceVersion20100801.${operation}`,
        400,
      );
    }
    let input: unknown;
    try {
      input = JSON.parse(body.toString('utf8') || '{}');
    } catch (error) {
      throw invalidParameter(`Could not parse the request: ${(error as Error).message}`);
    }
    if (!isRecord(input)) throw invalidParameter('The request must be a JSON object.');
    const start = epochMs(input.StartTime, 'StartTime');
    const end = epochMs(input.EndTime, 'EndTime');
    if (end <= start) throw invalidParameter('The parameter StartTime must be less than the parameter EndTime.');
    const queries = input.MetricDataQueries;
    if (!Array.isArray(queries) || queries.length === 0 || queries.length > 500) {
      throw invalidParameter('The parameter MetricDataQueries must contain 1 to 500 queries.');
    }
    const descending = input.ScanBy !== 'TimestampAscending';
    const seen = new Set<string>();
    const results: QueryResult[] = [];
    for (const query of queries) {
      const result = this.query(query, start, end, seen);
      if (isRecord(query) && query.ReturnData === false) continue;
      if (descending) {
        result.Timestamps.reverse();
        result.Values.reverse();
      }
      results.push(result);
    }
    return json(200, { MetricDataResults: results, Messages: [] }, 'application/x-amz-json-1.0');
  }

  private query(query: unknown, start: number, end: number, seen: Set<string>): QueryResult {
    if (!isRecord(query) || typeof query.Id !== 'string' || !/^[a-z][a-zA-Z0-9_]*$/.test(query.Id)) {
      throw invalidParameter('Each query needs an Id that starts with a lower-case letter (letters, digits, _).');
    }
    if (seen.has(query.Id)) throw invalidParameter(`The Id ${query.Id} is used by more than one query.`);
    seen.add(query.Id);
    if (query.Expression !== undefined) {
      throw invalidParameter(`Query ${query.Id}: the emulator answers MetricStat queries only, not Expression.`);
    }
    const stat = query.MetricStat;
    const metric = isRecord(stat) ? stat.Metric : undefined;
    if (
      !isRecord(stat) ||
      !isRecord(metric) ||
      typeof metric.Namespace !== 'string' ||
      typeof metric.MetricName !== 'string'
    ) {
      throw invalidParameter(`Query ${query.Id}: MetricStat with Metric.Namespace and Metric.MetricName is required.`);
    }
    const period = stat.Period;
    if (typeof period !== 'number' || period < 60 || period % 60 !== 0) {
      throw invalidParameter(
        `Query ${query.Id}: Period must be a multiple of 60 seconds (the emulator keeps 1-minute data).`,
      );
    }
    if (!STATISTICS.includes(stat.Stat as Statistic)) {
      throw invalidParameter(`Query ${query.Id}: Stat must be one of ${STATISTICS.join(', ')}.`);
    }
    const dimensions: Record<string, string> = {};
    for (const dimension of Array.isArray(metric.Dimensions) ? metric.Dimensions : []) {
      if (!isRecord(dimension) || typeof dimension.Name !== 'string' || typeof dimension.Value !== 'string') {
        throw invalidParameter(`Query ${query.Id}: each dimension needs a Name and a Value.`);
      }
      dimensions[dimension.Name] = dimension.Value;
    }
    const points = this.store.query({
      namespace: metric.Namespace,
      name: metric.MetricName,
      dimensions,
      stat: stat.Stat as Statistic,
      periodSeconds: period,
      start,
      end,
    });
    return {
      Id: query.Id,
      Label: typeof query.Label === 'string' ? query.Label : metric.MetricName,
      Timestamps: points.map((p) => p.timestamp / 1000),
      Values: points.map((p) => p.value),
      StatusCode: 'Complete',
    };
  }
}
