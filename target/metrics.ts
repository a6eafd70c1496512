import type { Environment } from './environment';
import type { InitType } from './protocol';

/** Optional dimensions, added as a second dimension set next to the always-present `[FunctionName]`. */
export type MetricDimension = 'Qualifier' | 'Version' | 'InitType';

export interface MetricsOptions {
  /** CloudWatch namespace. @default 'Thermostat' */
  readonly namespace?: string;
  /**
   * Extra dimensions. Each set is stored as its own custom metrics, so `[FunctionName]` stays (the dashboards read
   * it) and these add `[FunctionName, ...dimensions]`. @default []
   */
  readonly dimensions?: readonly MetricDimension[];
  /**
   * A first invocation arriving later than this after the helper loaded found an environment Lambda initialised
   * ahead of time (proactive initialisation: on-demand init is capped at 10 s), so nobody waited: it counts as warm.
   * @default 10000
   */
  readonly proactiveInitAfterMs?: number;
}

/**
 * How a real invocation started. `provisioned` and `proactive` are first invocations that did not wait for an init,
 * so they count as warm; a SnapStart restore still waited, so it counts as cold.
 */
export type StartKind = 'cold' | 'warm' | 'provisioned' | 'proactive';

export function startKind(first: boolean, environment: Environment, at: number, proactiveAfterMs: number): StartKind {
  if (!first) return 'warm';
  if (environment.initType === 'provisioned-concurrency') return 'provisioned';
  if (environment.initType !== 'snap-start' && at - environment.initAt > proactiveAfterMs) return 'proactive';
  return 'cold';
}

export interface StartRecord {
  readonly timestamp: number;
  readonly namespace: string;
  readonly dimensions: readonly MetricDimension[];
  readonly functionName: string;
  readonly qualifier: string;
  readonly version: string;
  readonly initType: InitType;
  readonly kind: StartKind;
}

/**
 * One Embedded Metric Format document: CloudWatch extracts `ColdStart` and `WarmStart` (one is 1, the other 0, so
 * Sum counts and Average is the share) from the log line itself, with no PutMetricData call and no SDK.
 */
export function emfLine(record: StartRecord): string {
  const values: Record<MetricDimension | 'FunctionName', string> = {
    FunctionName: record.functionName,
    Qualifier: record.qualifier,
    Version: record.version,
    InitType: record.initType,
  };
  const dimensionSets: string[][] = [['FunctionName']];
  if (record.dimensions.length > 0) dimensionSets.push(['FunctionName', ...record.dimensions]);
  const document: Record<string, unknown> = {
    _aws: {
      Timestamp: record.timestamp,
      CloudWatchMetrics: [
        {
          Namespace: record.namespace,
          Dimensions: dimensionSets,
          Metrics: [
            { Name: 'ColdStart', Unit: 'Count' },
            { Name: 'WarmStart', Unit: 'Count' },
          ],
        },
      ],
    },
    FunctionName: values.FunctionName,
  };
  for (const dimension of record.dimensions) document[dimension] = values[dimension];
  const cold = record.kind === 'cold' ? 1 : 0;
  document.ColdStart = cold;
  document.WarmStart = 1 - cold;
  // A plain property, not a metric: searchable in Logs Insights without adding custom metrics.
  document.StartKind = record.kind;
  return JSON.stringify(document);
}

/** The alias or version the caller invoked (`…:function:name:live`), `$LATEST` for an unqualified ARN. */
export function qualifierOf(invokedFunctionArn: string | undefined): string {
  const parts = (invokedFunctionArn ?? '').split(':');
  return parts.length >= 8 && parts[7] ? parts[7] : '$LATEST';
}
