import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { EventsApi } from '../aws/ports';
import { describeError } from '../errors';
import type { Log } from './log';
import type { RunReport } from './report';

/** EventBridge detail types the controller publishes (rules match on these). */
export const DETAIL_TYPE = {
  TickSummary: 'Thermostat Tick Summary',
  ProvisionedChanged: 'Thermostat Provisioned Concurrency Changed',
  TargetFailed: 'Thermostat Target Failed',
} as const;

export const EVENT_SOURCE = 'thermostat';
const BATCH = 10;

/** The events of one run: the tick summary, each provisioned-concurrency change and each failed target. */
export function buildEvents(report: RunReport, bus: string, source = EVENT_SOURCE): PutEventsRequestEntry[] {
  const entry = (detailType: string, detail: Record<string, unknown>): PutEventsRequestEntry => ({
    EventBusName: bus,
    Source: source,
    DetailType: detailType,
    Detail: JSON.stringify({ runId: report.runId, tickId: report.tickId, ...detail }),
  });
  const entries: PutEventsRequestEntry[] = [
    entry(DETAIL_TYPE.TickSummary, {
      shard: report.shard,
      status: report.status,
      durationMs: report.durationMs,
      totals: report.totals,
      skipped: report.skipped.length,
      // Which causes, so a rule or a query can tell a slow tick from an unreadable budget without the target list.
      skippedBy: Object.fromEntries(
        [...new Set(report.skipped.map((skipped) => skipped.cause))].map((cause) => [
          cause,
          report.skipped.filter((skipped) => skipped.cause === cause).length,
        ]),
      ),
      policyIssues: report.policies.issues.length,
    }),
  ];
  for (const target of report.targets) {
    for (const change of target.provisioned?.changes ?? []) {
      if (change.error) continue;
      entries.push(entry(DETAIL_TYPE.ProvisionedChanged, { target: target.target, ...change }));
    }
    if (target.status === 'failed') {
      entries.push(
        entry(DETAIL_TYPE.TargetFailed, {
          target: target.target,
          key: target.key,
          function: target.function,
          qualifier: target.qualifier ?? null,
          mode: target.mode,
          failure: target.failure,
        }),
      );
    }
  }
  return entries;
}

/**
 * PutEvents in batches of 10. Publishing is best effort: a failed call or entry is logged and counted, never
 * thrown, because the tick's real work is already done.
 */
export async function publishEvents(
  api: EventsApi,
  entries: readonly PutEventsRequestEntry[],
  log: Log,
): Promise<{ published: number; failed: number }> {
  let published = 0;
  let failed = 0;
  for (let start = 0; start < entries.length; start += BATCH) {
    const batch = entries.slice(start, start + BATCH);
    try {
      const response = await api.putEvents({ Entries: batch });
      const failures = response.FailedEntryCount ?? 0;
      failed += failures;
      published += batch.length - failures;
      if (failures > 0) {
        const first = response.Entries?.find((result) => result.ErrorCode);
        log.warn('some events were not published', {
          failed: failures,
          errorCode: first?.ErrorCode,
          errorMessage: first?.ErrorMessage,
        });
      }
    } catch (error) {
      failed += batch.length;
      log.warn('publishing events failed', { events: batch.length, error: describeError(error) });
    }
  }
  return { published, failed };
}
