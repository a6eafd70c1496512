import type { PutScalingPolicyRequest } from '@aws-sdk/client-application-auto-scaling';
import type { AutoScalingApi, LambdaControl } from '../aws/ports';
import { ActionError, describeError, errorName } from '../errors';
import { resourceId, SCALABLE_DIMENSION, SCALING_POLICY_NAME } from '../observe/observe';
import type { Decision, ManagedProvisioned, ManagedRecord } from '../plan';
import { isWrite, ownedAfter } from '../plan';

/** One provisioned-concurrency change Thermostat made (or tried to), for the report and the events. */
export interface ProvisionedChange {
  readonly action: 'put-provisioned' | 'delete-provisioned' | 'register-scalable-target' | 'deregister-scalable-target';
  readonly key: string;
  readonly function: string;
  readonly qualifier: string | undefined;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  /** Status Lambda reported right after a put (IN_PROGRESS while it allocates). */
  readonly status?: string;
  readonly error?: { readonly name: string; readonly message: string };
}

export interface ProvisionedOutcome {
  readonly changes: readonly ProvisionedChange[];
  /** What Thermostat owns on the qualifier after this tick. */
  readonly managed: ManagedRecord | undefined;
  /** Requested/allocated after the tick, for the gauges (undefined when the target has no provisioned concurrency). */
  readonly gauge?: { readonly requested: number; readonly allocated: number };
  readonly error?: ActionError;
}

export interface ProvisionedDeps {
  readonly lambda: LambdaControl;
  readonly autoscaling: AutoScalingApi;
  /** Value of the SCALABLE_TARGET_TAG Thermostat puts on the scalable targets it registers or adopts. */
  readonly controllerTag: string;
}

/**
 * The tag on every scalable target Thermostat registers or adopts, valued with the controller's service name: the
 * construct's IAM allows Application Auto Scaling writes only on scalable targets that carry it (construct/
 * environment.ts names the same key).
 */
export const SCALABLE_TARGET_TAG = 'thermostat:controller';

const describeTarget = (target: { min: number; max: number } | null) =>
  target === null ? 'none' : `min ${target.min}, max ${target.max}`;

/**
 * Applies one target's provisioned-concurrency decisions in order (a deregistration always precedes the direct
 * write that needs it) and stops at the first failure, so a half-applied change is never followed by a write that
 * assumed it. The managed record follows what actually happened.
 */
export async function applyProvisioned(
  deps: ProvisionedDeps,
  decisions: readonly Decision[],
  previous: ManagedRecord | undefined,
  now: number,
): Promise<ProvisionedOutcome> {
  let managed = previous;
  let gauge: ProvisionedOutcome['gauge'];
  let deregistered = false;
  const changes: ProvisionedChange[] = [];
  const own = (decision: Decision): void => {
    managed = ownedAfterDecision(managed, decision, now);
  };

  for (const decision of decisions) {
    if (decision.kind === 'keep-provisioned') {
      own(decision);
      if (decision.status !== 'NONE') gauge = { requested: decision.requested, allocated: decision.allocated };
      continue;
    }
    if (decision.kind === 'forget') {
      own(decision);
      continue;
    }
    if (!isWrite(decision)) continue;
    const qualifier = decision.qualifier!;
    const base = {
      action: decision.kind,
      key: decision.key,
      function: decision.function,
      qualifier: decision.qualifier,
      reason: decision.reason,
    };
    try {
      switch (decision.kind) {
        case 'put-provisioned': {
          const response = await deps.lambda.putProvisionedConcurrencyConfig({
            FunctionName: decision.function,
            Qualifier: qualifier,
            ProvisionedConcurrentExecutions: decision.value,
          });
          own(decision);
          gauge = {
            requested: decision.value,
            allocated: response.AllocatedProvisionedConcurrentExecutions ?? 0,
          };
          changes.push({
            ...base,
            from: decision.previous === null ? 'none' : String(decision.previous),
            to: String(decision.value),
            ...(response.Status ? { status: response.Status } : {}),
          });
          break;
        }
        case 'delete-provisioned': {
          try {
            await deps.lambda.deleteProvisionedConcurrencyConfig({
              FunctionName: decision.function,
              Qualifier: qualifier,
            });
          } catch (error) {
            // Already gone is what we wanted.
            if (
              errorName(error) !== 'ProvisionedConcurrencyConfigNotFoundException' &&
              errorName(error) !== 'ResourceNotFoundException'
            ) {
              throw error;
            }
          }
          own(decision);
          gauge = { requested: 0, allocated: 0 };
          changes.push({ ...base, from: String(decision.previous), to: 'none' });
          break;
        }
        case 'register-scalable-target': {
          const id = resourceId(decision.function, qualifier);
          const tags = { [SCALABLE_TARGET_TAG]: deps.controllerTag };
          const registered = await deps.autoscaling.registerScalableTarget({
            ServiceNamespace: 'lambda',
            ResourceId: id,
            ScalableDimension: SCALABLE_DIMENSION,
            MinCapacity: decision.min,
            MaxCapacity: decision.max,
            // AWS tags a target it creates; one that already existed (adopted) is tagged below
            Tags: tags,
          });
          const arn = registered.ScalableTargetARN;
          // Adopting another owner's target: tagged before its scaling policies change, which IAM allows only on
          // targets with Thermostat's tag.
          if (decision.adopt && decision.original !== undefined && arn !== undefined) {
            await deps.autoscaling.tagResource({ ResourceARN: arn, Tags: tags });
          }
          own(decision);
          const restoring = decision.restorePolicies !== undefined;
          // Handing an adopted qualifier back: Thermostat's policy goes, the owner's come back as they were.
          if (restoring) await deleteScalingPolicy(deps, id, SCALING_POLICY_NAME);
          for (const policy of decision.restorePolicies ?? []) {
            await deps.autoscaling.putScalingPolicy({
              PolicyName: policy.name,
              ServiceNamespace: 'lambda',
              ResourceId: id,
              ScalableDimension: SCALABLE_DIMENSION,
              PolicyType: policy.policyType as PutScalingPolicyRequest['PolicyType'],
              ...(policy.policyType === 'StepScaling'
                ? { StepScalingPolicyConfiguration: policy.configuration }
                : { TargetTrackingScalingPolicyConfiguration: policy.configuration }),
            } as PutScalingPolicyRequest);
          }
          for (const name of decision.removePolicies ?? []) await deleteScalingPolicy(deps, id, name);
          // Handed back: the target is its owner's again, out of Thermostat's reach.
          if (restoring && arn !== undefined) {
            await deps.autoscaling.untagResource({ ResourceARN: arn, TagKeys: [SCALABLE_TARGET_TAG] });
          }
          if (decision.putPolicy) {
            await deps.autoscaling.putScalingPolicy({
              PolicyName: SCALING_POLICY_NAME,
              ServiceNamespace: 'lambda',
              ResourceId: id,
              ScalableDimension: SCALABLE_DIMENSION,
              PolicyType: 'TargetTrackingScaling',
              TargetTrackingScalingPolicyConfiguration: {
                TargetValue: decision.utilization,
                PredefinedMetricSpecification: { PredefinedMetricType: 'LambdaProvisionedConcurrencyUtilization' },
              },
            });
          }
          const restored = (decision.restorePolicies ?? []).map((policy) => policy.name);
          const removed = decision.removePolicies ?? [];
          changes.push({
            ...base,
            from: describeTarget(decision.previous),
            to: restoring
              ? `${describeTarget(decision)}${restored.length > 0 ? `, scaling policies ${restored.join(', ')} restored` : ''}`
              : `${describeTarget(decision)}, target ${decision.utilization}${
                  removed.length > 0 ? `, previous owner's scaling policies ${removed.join(', ')} removed` : ''
                }`,
          });
          break;
        }
        case 'deregister-scalable-target': {
          await deps.autoscaling.deregisterScalableTarget({
            ServiceNamespace: 'lambda',
            ResourceId: resourceId(decision.function, qualifier),
            ScalableDimension: SCALABLE_DIMENSION,
          });
          // The record changes only once the whole sequence is known: if the delete that follows fails, Thermostat
          // must still own (and retry removing) what its scalable target left behind.
          deregistered = true;
          changes.push({ ...base, from: describeTarget(decision.previous), to: 'none' });
          break;
        }
      }
    } catch (cause) {
      const { name, message } = describeError(cause);
      const error = new ActionError(
        decision.key,
        decision.kind,
        `${decision.kind} on ${decision.key} failed: ${name}: ${message}`,
        {
          cause,
        },
      );
      changes.push({ ...base, from: '', to: '', error: { name, message } });
      return { changes, managed, ...(gauge ? { gauge } : {}), error };
    }
  }
  if (deregistered && managed?.provisioned?.strategy === 'autoscaling') managed = undefined;
  return { changes, managed, ...(gauge ? { gauge } : {}) };
}

/** DeleteScalingPolicy; one already gone is what was wanted. */
async function deleteScalingPolicy(deps: ProvisionedDeps, id: string, name: string): Promise<void> {
  try {
    await deps.autoscaling.deleteScalingPolicy({
      PolicyName: name,
      ServiceNamespace: 'lambda',
      ResourceId: id,
      ScalableDimension: SCALABLE_DIMENSION,
    });
  } catch (error) {
    if (errorName(error) !== 'ObjectNotFoundException') throw error;
  }
}

/** The managed record after one decision succeeded (the same steps applyProvisioned takes). */
function ownedAfterDecision(managed: ManagedRecord | undefined, decision: Decision, now: number) {
  const own = (provisioned: ManagedProvisioned | undefined, adopted: boolean): ManagedRecord | undefined =>
    provisioned === undefined
      ? undefined
      : {
          function: decision.function,
          qualifier: decision.qualifier,
          provisioned,
          since: managed?.since ?? now,
          ...(adopted || managed?.adopted ? { adopted: true } : {}),
          ...(managed?.original
            ? { original: managed.original }
            : 'original' in decision && decision.original
              ? { original: decision.original }
              : {}),
        };
  switch (decision.kind) {
    case 'keep-provisioned':
      return decision.owned === undefined ? managed : own(decision.owned, false);
    case 'forget':
    case 'delete-provisioned':
      return undefined;
    case 'put-provisioned':
    case 'register-scalable-target':
      return own(ownedAfter(decision), decision.adopt);
    default:
      return managed;
  }
}

/**
 * What Thermostat owns once every decision succeeded: recorded as the write-ahead intent before the first write, so
 * ownership survives a state save that fails after the writes (see act/intent.ts).
 */
export function expectedOwnership(
  decisions: readonly Decision[],
  previous: ManagedRecord | undefined,
  now: number,
): ManagedRecord | undefined {
  let managed = previous;
  let deregistered = false;
  for (const decision of decisions) {
    managed = ownedAfterDecision(managed, decision, now);
    if (decision.kind === 'deregister-scalable-target') deregistered = true;
  }
  return deregistered && managed?.provisioned?.strategy === 'autoscaling' ? undefined : managed;
}
