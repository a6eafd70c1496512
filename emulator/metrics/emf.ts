/**
 * Embedded Metric Format: a JSON log line with an `_aws.CloudWatchMetrics` directive. CloudWatch Logs extracts
 * the metrics from it; the emulator does the same with what handlers print (Powertools Metrics among them).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import { isRecord } from '../http/json-body';

export interface EmfDatum {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly values: readonly number[];
  readonly unit: string | undefined;
}

function jsonPart(line: string): Record<string, unknown> | undefined {
  if (!line.includes('"_aws"')) return undefined;
  // The line may carry the runtime's `<time>\t<request id>\tINFO\t` prefix before the JSON.
  const start = line.indexOf('{');
  if (start < 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(line.slice(start));
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function numbers(value: unknown): number[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

/** The metric data in one log line, or an empty list when the line is not valid EMF. */
export function parseEmf(line: string): EmfDatum[] {
  const doc = jsonPart(line);
  const aws = doc?._aws;
  if (!doc || !isRecord(aws) || !Array.isArray(aws.CloudWatchMetrics)) return [];
  const out: EmfDatum[] = [];
  for (const directive of aws.CloudWatchMetrics) {
    if (!isRecord(directive) || typeof directive.Namespace !== 'string' || !Array.isArray(directive.Metrics)) continue;
    const dimensionSets = Array.isArray(directive.Dimensions) ? directive.Dimensions : [[]];
    for (const metric of directive.Metrics) {
      if (!isRecord(metric) || typeof metric.Name !== 'string') continue;
      const values = numbers(doc[metric.Name]);
      if (values.length === 0) continue;
      for (const set of dimensionSets) {
        if (!Array.isArray(set)) continue;
        const dimensions: Record<string, string> = {};
        let complete = true;
        for (const key of set) {
          const value = typeof key === 'string' ? doc[key] : undefined;
          if (typeof value !== 'string') complete = false;
          else dimensions[key as string] = value;
        }
        if (!complete) continue;
        out.push({
          namespace: directive.Namespace,
          name: metric.Name,
          dimensions,
          values,
          unit: typeof metric.Unit === 'string' ? metric.Unit : undefined,
        });
      }
    }
  }
  return out;
}
