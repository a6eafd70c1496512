/**
 * Events that start a controller tick. The controller reads the tick's instant from a top-level `scheduledTime`
 * (controller/tick.ts), so every delivery of one scheduled tick has the same id and only the first acts; an event
 * without one (the deployment warm-up) is a tick of the current second.
 *
 * Scheduled:  { "source": "thermostat.schedule", "scheduledTime": "2026-11-23T10:05:00Z", "executionId": "…" }
 * Deployment: { "source": "thermostat.deployment", "fingerprint": { … } }
 *
 * The deployment fingerprint is opaque to the controller: it holds the targets' version ARNs, code hashes and the
 * policy set's hash, so CloudFormation sees a change (and runs the warm-up again) exactly when one of them changes.
 */
import { ContextAttribute } from 'aws-cdk-lib/aws-scheduler';

export const TickSource = {
  Schedule: 'thermostat.schedule',
  Deployment: 'thermostat.deployment',
} as const;
export type TickSource = (typeof TickSource)[keyof typeof TickSource];

export function scheduledTick() {
  return {
    source: TickSource.Schedule,
    scheduledTime: ContextAttribute.scheduledTime,
    executionId: ContextAttribute.executionId,
  };
}

export function deploymentTick(fingerprint: Record<string, unknown>) {
  return { source: TickSource.Deployment, fingerprint };
}
