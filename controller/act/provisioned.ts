import type { PutScalingPolicyRequest } from '@aws-sdk/client-application-auto-scaling';
import type { AutoScalingApi, LambdaControl } from '../aws/ports';
import {
  AAS_SERVICE_NAMESPACE,
  resourceId,
  SCALABLE_DIMENSION,
  SCALABLE_TARGET_TAG,
  SCALING_POLICY_NAME,
} from '../contract';
import { ActionError, describeError, errorName } from '../errors';
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
    const base = {
      action: decision.kind,
      key: decision.key,
      function: decision.function,
      qualifier: decision.qualifier,
      reason: decision.reason,
    };
    try {
      const applied = await applyWrite(deps, decision, () => own(decision));
      // The record changes only once the whole sequence is known: if the delete that follows fails, Thermostat
      // must still own (and retry removing) what its scalable target left behind.
      if (decision.kind === 'deregister-scalable-target') deregistered = true;
      if (applied.gauge) gauge = applied.gauge;
      changes.push({
        ...base,
        from: applied.from,
        to: applied.to,
        ...(applied.status ? { status: applied.status } : {}),
      });
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

type WriteDecision = Extract<Decision, { kind: ProvisionedChange['action'] }>;

/** What one write did: the change's before and after, Lambda's status, and the gauge it leaves. */
interface Applied {
  readonly from: string;
  readonly to: string;
  readonly status?: string;
  readonly gauge?: ProvisionedOutcome['gauge'];
}

/** One write; `own` is called as soon as what the decision owns exists (before any later step can fail). */
function applyWrite(deps: ProvisionedDeps, decision: WriteDecision, own: () => void): Promise<Applied> {
  switch (decision.kind) {
    case 'put-provisioned':
      return putProvisioned(deps, decision, own);
    case 'delete-provisioned':
      return deleteProvisioned(deps, decision, own);
    case 'register-scalable-target':
      return registerScalableTarget(deps, decision, own);
    case 'deregister-scalable-target':
      return deregisterScalableTarget(deps, decision);
  }
}

async function putProvisioned(
  deps: ProvisionedDeps,
  decision: Extract<Decision, { kind: 'put-provisioned' }>,
  own: () => void,
): Promise<Applied> {
  const response = await deps.lambda.putProvisionedConcurrencyConfig({
    FunctionName: decision.function,
    Qualifier: decision.qualifier!,
    ProvisionedConcurrentExecutions: decision.value,
  });
  own();
  return {
    from: decision.previous === null ? 'none' : String(decision.previous),
    to: String(decision.value),
    ...(response.Status ? { status: response.Status } : {}),
    gauge: { requested: decision.value, allocated: response.AllocatedProvisionedConcurrentExecutions ?? 0 },
  };
}

async function deleteProvisioned(
  deps: ProvisionedDeps,
  decision: Extract<Decision, { kind: 'delete-provisioned' }>,
  own: () => void,
): Promise<Applied> {
  try {
    await deps.lambda.deleteProvisionedConcurrencyConfig({
      FunctionName: decision.function,
      Qualifier: decision.qualifier!,
    });
  } catch (error) {
    // Already gone is what we wanted.
    const name = errorName(error);
    if (name !== 'ProvisionedConcurrencyConfigNotFoundException' && name !== 'ResourceNotFoundException') throw error;
  }
  own();
  return { from: String(decision.previous), to: 'none', gauge: { requested: 0, allocated: 0 } };
}

async function registerScalableTarget(
  deps: ProvisionedDeps,
  decision: Extract<Decision, { kind: 'register-scalable-target' }>,
  own: () => void,
): Promise<Applied> {
  const id = resourceId(decision.function, decision.qualifier!);
  const tags = { [SCALABLE_TARGET_TAG]: deps.controllerTag };
  const registered = await deps.autoscaling.registerScalableTarget({
    ServiceNamespace: AAS_SERVICE_NAMESPACE,
    ResourceId: id,
    ScalableDimension: SCALABLE_DIMENSION,
    MinCapacity: decision.min,
    MaxCapacity: decision.max,
    // AWS tags a target it creates; one that already existed (adopted) is tagged below
    Tags: tags,
  });
  const arn = registered.ScalableTargetARN;
  // Adopting another owner's target: tagged before its scaling policies change, which IAM allows only on targets
  // with Thermostat's tag.
  if (decision.adopt && decision.original !== undefined && arn !== undefined) {
    await deps.autoscaling.tagResource({ ResourceARN: arn, Tags: tags });
  }
  own();
  const restoring = decision.restorePolicies !== undefined;
  // Handing an adopted qualifier back: Thermostat's policy goes, the owner's come back as they were.
  if (restoring) await deleteScalingPolicy(deps, id, SCALING_POLICY_NAME);
  for (const policy of decision.restorePolicies ?? []) {
    await deps.autoscaling.putScalingPolicy({
      PolicyName: policy.name,
      ServiceNamespace: AAS_SERVICE_NAMESPACE,
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
      ServiceNamespace: AAS_SERVICE_NAMESPACE,
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
  return {
    from: describeTarget(decision.previous),
    to: restoring
      ? `${describeTarget(decision)}${restored.length > 0 ? `, scaling policies ${restored.join(', ')} restored` : ''}`
      : `${describeTarget(decision)}, target ${decision.utilization}${
          removed.length > 0 ? `, previous owner's scaling policies ${removed.join(', ')} removed` : ''
        }`,
  };
}

async function deregisterScalableTarget(
  deps: ProvisionedDeps,
  decision: Extract<Decision, { kind: 'deregister-scalable-target' }>,
): Promise<Applied> {
  await deps.autoscaling.deregisterScalableTarget({
    ServiceNamespace: AAS_SERVICE_NAMESPACE,
    ResourceId: resourceId(decision.function, decision.qualifier!),
    ScalableDimension: SCALABLE_DIMENSION,
  });
  return { from: describeTarget(decision.previous), to: 'none' };
}

/** DeleteScalingPolicy; one already gone is what was wanted. */
async function deleteScalingPolicy(deps: ProvisionedDeps, id: string, name: string): Promise<void> {
  try {
    await deps.autoscaling.deleteScalingPolicy({
      PolicyName: name,
      ServiceNamespace: AAS_SERVICE_NAMESPACE,
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
