/**
 * Checks a log line against the structure the CloudWatch Embedded Metric Format specification requires
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * a root `_aws` member with an integer `Timestamp` and `CloudWatchMetrics` directives, each with a `Namespace`,
 * `Dimensions` as an array of dimension sets (arrays of at most 30 keys) and `Metrics` as `{Name, Unit}` objects;
 * every referenced dimension is a string member of the root and every metric a number member of the root.
 * Returns the problems found, so a test can show all of them at once.
 */
const UNITS = new Set([
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
]);

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function emfProblems(line: string): string[] {
  const problems: string[] = [];
  let root: unknown;
  try {
    root = JSON.parse(line);
  } catch (error) {
    return [`not JSON: ${(error as Error).message}`];
  }
  if (line.includes('\n')) problems.push('a document must be one line');
  if (!isRecord(root)) return ['root is not an object'];
  const aws = root._aws;
  if (!isRecord(aws)) return ['root has no _aws object'];
  if (!Number.isInteger(aws.Timestamp) || (aws.Timestamp as number) < 0)
    problems.push('_aws.Timestamp is not epoch ms');
  if (!Array.isArray(aws.CloudWatchMetrics) || aws.CloudWatchMetrics.length === 0) {
    return [...problems, '_aws.CloudWatchMetrics is not a non-empty array'];
  }
  for (const [i, directive] of aws.CloudWatchMetrics.entries()) {
    const at = `_aws.CloudWatchMetrics[${i}]`;
    if (!isRecord(directive)) {
      problems.push(`${at} is not an object`);
      continue;
    }
    if (
      typeof directive.Namespace !== 'string' ||
      directive.Namespace.length === 0 ||
      directive.Namespace.length > 255
    ) {
      problems.push(`${at}.Namespace is not a 1-255 character string`);
    }
    if (!Array.isArray(directive.Dimensions)) problems.push(`${at}.Dimensions is not an array`);
    else {
      for (const [j, set] of directive.Dimensions.entries()) {
        if (!Array.isArray(set) || set.length > 30) {
          problems.push(`${at}.Dimensions[${j}] is not an array of at most 30 keys`);
          continue;
        }
        for (const key of set) {
          if (typeof key !== 'string') problems.push(`${at}.Dimensions[${j}] has a non-string key`);
          else if (typeof root[key] !== 'string' || (root[key] as string).length === 0) {
            problems.push(`dimension ${key} is not a non-empty string member of the root`);
          }
        }
      }
    }
    if (!Array.isArray(directive.Metrics) || directive.Metrics.length === 0 || directive.Metrics.length > 100) {
      problems.push(`${at}.Metrics is not an array of 1-100 metrics`);
      continue;
    }
    for (const [j, metric] of directive.Metrics.entries()) {
      if (!isRecord(metric) || typeof metric.Name !== 'string' || metric.Name.length === 0) {
        problems.push(`${at}.Metrics[${j}] has no Name`);
        continue;
      }
      if (metric.Unit !== undefined && !UNITS.has(metric.Unit as string)) {
        problems.push(`${at}.Metrics[${j}].Unit ${String(metric.Unit)} is not a CloudWatch unit`);
      }
      const value = root[metric.Name];
      const values = Array.isArray(value) ? value : [value];
      if (!values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        problems.push(`metric ${metric.Name} has no numeric value at the root`);
      }
    }
  }
  return problems;
}
