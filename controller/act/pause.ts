/**
 * Pausing the controller's own schedule while nothing is due (controller/plan/sleep.ts decides until when).
 * EventBridge Scheduler runs a rate schedule from its StartDate on, so moving StartDate forward skips the ticks in
 * between, and the schedule resumes by itself: a controller that fails after pausing is late by at most the pause,
 * never stopped. An update replaces the whole schedule, so the current definition is read and sent back with only
 * StartDate changed; a schedule someone disabled stays disabled.
 */
import type { SchedulerApi } from '../aws/ports';

/** The controller's schedule: `THERMOSTAT_SCHEDULE` = `<group>/<name>`, set by the construct. */
export interface ScheduleRef {
  readonly group: string;
  readonly name: string;
}

export class SchedulePauseError extends Error {
  override readonly name = 'SchedulePauseError';
}

/** `<group>/<name>` → its parts; undefined for an unset or malformed value (the controller then never pauses). */
export function scheduleRefFrom(value: string | undefined): ScheduleRef | undefined {
  const match = value === undefined ? null : /^([0-9a-zA-Z-_.]{1,64})\/([0-9a-zA-Z-_.]{1,64})$/.exec(value);
  return match ? { group: match[1], name: match[2] } : undefined;
}

/** Moves the schedule's StartDate to `until`; the ticks before it do not run. */
export async function pauseSchedule(api: SchedulerApi, ref: ScheduleRef, until: Date): Promise<void> {
  let current: Awaited<ReturnType<SchedulerApi['getSchedule']>>;
  try {
    current = await api.getSchedule({ Name: ref.name, GroupName: ref.group });
  } catch (error) {
    throw new SchedulePauseError(`cannot read schedule ${ref.group}/${ref.name}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (current.ScheduleExpression === undefined || current.FlexibleTimeWindow === undefined || !current.Target) {
    throw new SchedulePauseError(`schedule ${ref.group}/${ref.name} has no expression, window or target to keep`);
  }
  if (current.EndDate !== undefined && current.EndDate.getTime() <= until.getTime()) {
    throw new SchedulePauseError(`schedule ${ref.group}/${ref.name} ends before ${until.toISOString()}`);
  }
  try {
    await api.updateSchedule({
      Name: ref.name,
      GroupName: ref.group,
      ScheduleExpression: current.ScheduleExpression,
      FlexibleTimeWindow: current.FlexibleTimeWindow,
      Target: current.Target,
      StartDate: until,
      ...(current.ScheduleExpressionTimezone ? { ScheduleExpressionTimezone: current.ScheduleExpressionTimezone } : {}),
      ...(current.EndDate ? { EndDate: current.EndDate } : {}),
      ...(current.Description ? { Description: current.Description } : {}),
      ...(current.State ? { State: current.State } : {}),
      ...(current.KmsKeyArn ? { KmsKeyArn: current.KmsKeyArn } : {}),
      ...(current.ActionAfterCompletion ? { ActionAfterCompletion: current.ActionAfterCompletion } : {}),
    });
  } catch (error) {
    throw new SchedulePauseError(`cannot update schedule ${ref.group}/${ref.name}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
