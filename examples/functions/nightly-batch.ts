/**
 * nightly-batch: fanned out hundreds of times in parallel every night (alias `prod`). Pings cannot prepare that
 * many environments in time, so examples/policies/nightly-batch.yaml raises provisioned concurrency before the run
 * and releases it afterwards. The helper still answers pings and counts cold vs warm starts.
 */
import { withThermostat } from '../../target';

export interface BatchEvent {
  /** Ids of the records this invocation processes. */
  readonly records: readonly string[];
}

export interface BatchResult {
  readonly processed: number;
  readonly failed: readonly string[];
}

/** Stand-in for the real work (e.g. re-pricing one order); rejects malformed ids instead of throwing the batch. */
function reprice(record: string): boolean {
  return /^[a-z0-9-]{1,64}$/.test(record);
}

export const handler = withThermostat(async (event: BatchEvent): Promise<BatchResult> => {
  const failed = (event.records ?? []).filter((record) => !reprice(record));
  return { processed: (event.records?.length ?? 0) - failed.length, failed };
});
