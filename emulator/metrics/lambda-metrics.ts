import type { Dimensions, MetricStore } from './store';

const NS = 'AWS/Lambda';

/** Where one invocation was addressed, for the dimensions AWS/Lambda metrics carry. */
export interface MetricResource {
  readonly functionName: string;
  /** Alias or version the caller named; undefined (or `$LATEST`) for an unqualified call. */
  readonly qualifier: string | undefined;
  /** The version that ran, when the qualifier was an alias. */
  readonly executedVersion?: string;
}

function dimensionSets(resource: MetricResource, withExecutedVersion: boolean): Dimensions[] {
  const { functionName, qualifier, executedVersion } = resource;
  const sets: Dimensions[] = [{}, { FunctionName: functionName }];
  if (qualifier !== undefined && qualifier !== '$LATEST') {
    const Resource = `${functionName}:${qualifier}`;
    sets.push({ FunctionName: functionName, Resource });
    if (withExecutedVersion && executedVersion !== undefined && executedVersion !== qualifier) {
      sets.push({ FunctionName: functionName, Resource, ExecutedVersion: executedVersion });
    }
  }
  return sets;
}

/** Records the AWS/Lambda metrics the emulator can compute, with the dimension sets Lambda publishes. */
export class LambdaMetrics {
  constructor(
    private readonly store: MetricStore,
    private readonly now: () => number,
  ) {}

  private put(name: string, sets: readonly Dimensions[], value: number, unit: string, gauge = false): void {
    const at = this.now();
    for (const dimensions of sets) {
      if (gauge) this.store.recordGauge(NS, name, dimensions, value, at, unit);
      else this.store.record(NS, name, dimensions, value, at, unit);
    }
  }

  invocation(
    resource: MetricResource,
    outcome: { error: boolean; durationMs: number; provisioned: boolean; spillover: boolean },
  ): void {
    const sets = dimensionSets(resource, true);
    this.put('Invocations', sets, 1, 'Count');
    this.put('Errors', sets, outcome.error ? 1 : 0, 'Count');
    this.put('Duration', sets, outcome.durationMs, 'Milliseconds');
    if (outcome.provisioned) this.put('ProvisionedConcurrencyInvocations', sets, 1, 'Count');
    if (outcome.spillover) this.put('ProvisionedConcurrencySpilloverInvocations', sets, 1, 'Count');
  }

  throttle(resource: MetricResource): void {
    this.put('Throttles', dimensionSets(resource, false), 1, 'Count');
  }

  /** In-flight executions of the account, the function and (when qualified) the alias or version. */
  concurrency(account: number, fn: number, resource: MetricResource, resourceValue: number): void {
    const at = this.now();
    this.store.recordGauge(NS, 'ConcurrentExecutions', {}, account, at, 'Count');
    this.store.recordGauge(NS, 'ConcurrentExecutions', { FunctionName: resource.functionName }, fn, at, 'Count');
    if (resource.qualifier !== undefined && resource.qualifier !== '$LATEST') {
      const dims = { FunctionName: resource.functionName, Resource: `${resource.functionName}:${resource.qualifier}` };
      this.store.recordGauge(NS, 'ConcurrentExecutions', dims, resourceValue, at, 'Count');
    }
  }

  /** Busy provisioned environments of one provisioned-concurrency configuration, and their share. */
  provisioned(functionName: string, qualifier: string, inUse: number, allocated: number): void {
    const sets: Dimensions[] = [
      { FunctionName: functionName },
      { FunctionName: functionName, Resource: `${functionName}:${qualifier}` },
    ];
    this.put('ProvisionedConcurrentExecutions', sets, inUse, 'Count', true);
    if (allocated > 0) this.put('ProvisionedConcurrencyUtilization', sets, inUse / allocated, 'None', true);
  }
}
