import { randomUUID } from 'node:crypto';
import type { Clock, ClockTimer } from '../clock';
import { AwsError } from '../errors';
import { isRecord, parseJsonBody } from '../http/json-body';
import { type HttpResponse, json } from '../http/server';
import type { ProvisionedConcurrency } from '../lambda/provisioned';
import type { FunctionRegistry, Target } from '../lambda/registry';
import type { MetricStore, Statistic } from '../metrics/store';
import { checkTimezone, firesBetween, parseSchedule, type Schedule, ScheduleError } from './schedule';
import { trackTarget } from './tracking';

const NAMESPACE = 'lambda';
const DIMENSION = 'lambda:function:ProvisionedConcurrency';
const MINUTE = 60_000;

interface Suspended {
  DynamicScalingInSuspended: boolean;
  DynamicScalingOutSuspended: boolean;
  ScheduledScalingSuspended: boolean;
}

interface ScalableTarget {
  readonly resourceId: string;
  readonly arn: string;
  readonly createdAt: number;
  min: number;
  max: number;
  roleArn: string;
  suspended: Suspended;
  lastScaleOutAt: number | undefined;
  lastScaleInAt: number | undefined;
  /** Tags, set by RegisterScalableTarget (when it creates the target) and TagResource. */
  tags: Record<string, string>;
}

interface ScalingPolicy {
  readonly name: string;
  readonly arn: string;
  readonly resourceId: string;
  readonly createdAt: number;
  readonly configuration: Record<string, unknown>;
  readonly alarms: { AlarmName: string; AlarmARN: string }[];
}

interface ScheduledAction {
  readonly name: string;
  readonly arn: string;
  readonly resourceId: string;
  readonly createdAt: number;
  expression: string;
  schedule: Schedule;
  timezone: string;
  startTime: number | undefined;
  endTime: number | undefined;
  action: { MinCapacity?: number; MaxCapacity?: number };
}

/** What Application Auto Scaling did, for inspection (a simplified DescribeScalingActivities). */
export interface ScalingActivity {
  readonly at: number;
  readonly resourceId: string;
  readonly cause: string;
  readonly from: number;
  readonly to: number;
  readonly status: 'Successful' | 'Failed';
  readonly message?: string;
}

export interface AutoScalingDeps {
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  readonly intervalMs: number;
  readonly registry: FunctionRegistry;
  readonly provisioned: ProvisionedConcurrency;
  readonly metrics: MetricStore;
}

function validation(message: string): AwsError {
  return new AwsError('ValidationException', message, 400);
}

function str(input: Record<string, unknown>, key: string, required: true): string;
function str(input: Record<string, unknown>, key: string, required?: false): string | undefined;
function str(input: Record<string, unknown>, key: string, required = false): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) {
    if (required)
      throw validation(
        `1 validation error detected: Value null at '${key}' failed to satisfy constraint: Member must not be null`,
      );
    return undefined;
  }
  if (typeof value !== 'string') throw validation(`${key} must be a string`);
  return value;
}

function int(input: Record<string, unknown>, key: string): number | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw validation(`${key} must be a whole number of at least 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

function epochSeconds(ms: number): number {
  return ms / 1000;
}

function timestamp(input: Record<string, unknown>, key: string): number | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  throw validation(`${key} must be a timestamp`);
}

/**
 * Application Auto Scaling for Lambda provisioned concurrency (awsJson1_1, `AnyScaleFrontendService.*`).
 * Registered min/max bound the provisioned concurrency, scheduled actions move them, and a simple
 * target-tracking loop runs every `intervalMs` of emulator time on the utilisation the emulator measures
 * (no data, no action, like AWS's INSUFFICIENT_DATA alarms).
 */
export class AutoScaling {
  private readonly targets = new Map<string, ScalableTarget>();
  private readonly policies = new Map<string, ScalingPolicy>();
  private readonly actions = new Map<string, ScheduledAction>();
  private readonly log: ScalingActivity[] = [];
  private timer: ClockTimer | undefined;
  private lastTick: number;

  constructor(private readonly deps: AutoScalingDeps) {
    this.lastTick = deps.clock.now();
    this.schedule();
  }

  activities(): ScalingActivity[] {
    return [...this.log];
  }

  stop(): void {
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = this.deps.clock.setTimeout(() => {
      this.tick();
      this.schedule();
    }, this.deps.intervalMs);
  }

  handle(operation: string, body: Buffer): HttpResponse {
    const input = parseJsonBody(body);
    if (!isRecord(input)) throw validation('The request must be a JSON object.');
    const out = (body: unknown) => json(200, body, 'application/x-amz-json-1.1');
    switch (operation) {
      case 'RegisterScalableTarget':
        return out(this.register(input));
      case 'DeregisterScalableTarget':
        return out(this.deregister(input));
      case 'DescribeScalableTargets':
        return out(this.describeTargets(input));
      case 'PutScalingPolicy':
        return out(this.putPolicy(input));
      case 'DeleteScalingPolicy':
        return out(this.deletePolicy(input));
      case 'DescribeScalingPolicies':
        return out(this.describePolicies(input));
      case 'PutScheduledAction':
        return out(this.putAction(input));
      case 'DeleteScheduledAction':
        return out(this.deleteAction(input));
      case 'DescribeScheduledActions':
        return out(this.describeActions(input));
      case 'TagResource':
        return out(this.tag(input));
      case 'UntagResource':
        return out(this.untag(input));
      case 'ListTagsForResource':
        return out({ Tags: { ...this.byArn(input).tags } });
      default:
        throw new AwsError(
          'UnknownOperationException',
          `The emulator does not implement AnyScaleFrontendService.${operation}`,
          400,
        );
    }
  }

  // ---- identifiers ------------------------------------------------------------------------------------------

  private scope(input: Record<string, unknown>, withResource: true): string;
  private scope(input: Record<string, unknown>, withResource: false): undefined;
  private scope(input: Record<string, unknown>, withResource: boolean): string | undefined {
    const namespace = str(input, 'ServiceNamespace', true);
    if (namespace !== NAMESPACE) {
      throw validation(
        `Unsupported service namespace ${namespace}; the emulator scales Lambda (ServiceNamespace "lambda")`,
      );
    }
    if (!withResource) {
      const dimension = str(input, 'ScalableDimension');
      if (dimension !== undefined && dimension !== DIMENSION)
        throw validation(`Unsupported scalable dimension ${dimension}`);
      return undefined;
    }
    const resourceId = str(input, 'ResourceId', true);
    const dimension = str(input, 'ScalableDimension', true);
    if (dimension !== DIMENSION) {
      throw validation(`Unsupported scalable dimension ${dimension} for Lambda; use ${DIMENSION}`);
    }
    return resourceId;
  }

  /** `function:<name>:<alias or version>` → the Lambda target, checked like AWS does on registration. */
  private lambdaTarget(resourceId: string): Target {
    const match = /^function:([a-zA-Z0-9_-]+):([a-zA-Z0-9_$-]+)$/.exec(resourceId);
    if (!match) throw validation(`Unsupported resource ID ${resourceId}; expected function:<name>:<alias or version>`);
    const [, name, qualifier] = match as unknown as [string, string, string];
    if (qualifier === '$LATEST') {
      throw validation(
        `Provisioned concurrency cannot be scaled on $LATEST (${resourceId}); use an alias or a version`,
      );
    }
    try {
      return this.deps.registry.target({ name }, qualifier);
    } catch (error) {
      throw validation(
        `Unable to find the Lambda function or qualifier for ${resourceId}: ${(error as Error).message}`,
      );
    }
  }

  private notRegistered(resourceId: string): AwsError {
    return new AwsError(
      'ObjectNotFoundException',
      `No scalable target registered for service namespace: ${NAMESPACE}, resource ID: ${resourceId}, scalable dimension: ${DIMENSION}`,
      400,
    );
  }

  private requireTarget(resourceId: string): ScalableTarget {
    const target = this.targets.get(resourceId);
    if (!target) throw this.notRegistered(resourceId);
    return target;
  }

  private arn(kind: string): string {
    return `arn:aws:application-autoscaling:${this.deps.region}:${this.deps.accountId}:${kind}/${randomUUID().replace(/-/g, '')}`;
  }

  // ---- capacity ---------------------------------------------------------------------------------------------

  /** The provisioned concurrency Auto Scaling sees on a resource (0 when there is no configuration). */
  capacity(resourceId: string): number {
    const target = this.lambdaTarget(resourceId);
    return this.deps.provisioned.get(target.fn.name, target.qualifier!)?.requested ?? 0;
  }

  private setCapacity(resourceId: string, to: number, cause: string): void {
    const from = this.capacity(resourceId);
    if (to === from) return;
    const at = this.deps.clock.now();
    try {
      const target = this.lambdaTarget(resourceId);
      if (to === 0) this.deps.provisioned.delete(target.fn.name, target.qualifier!);
      else this.deps.provisioned.put(target, to, { internal: true });
      this.log.push({ at, resourceId, cause, from, to, status: 'Successful' });
    } catch (error) {
      this.log.push({ at, resourceId, cause, from, to, status: 'Failed', message: (error as Error).message });
    }
  }

  /** Brings current capacity inside [min, max] when a configuration exists (AWS leaves inactive resources alone). */
  private clamp(target: ScalableTarget, cause: string): void {
    const current = this.capacity(target.resourceId);
    if (current === 0 && target.min === 0) return;
    const lambda = this.lambdaTarget(target.resourceId);
    if (!this.deps.provisioned.get(lambda.fn.name, lambda.qualifier!) && cause === 'register') return;
    if (current < target.min) this.setCapacity(target.resourceId, target.min, `${cause}: below minimum ${target.min}`);
    else if (current > target.max)
      this.setCapacity(target.resourceId, target.max, `${cause}: above maximum ${target.max}`);
  }

  // ---- scalable targets -------------------------------------------------------------------------------------

  private register(input: Record<string, unknown>) {
    const resourceId = this.scope(input, true);
    this.lambdaTarget(resourceId);
    const min = int(input, 'MinCapacity');
    const max = int(input, 'MaxCapacity');
    const existing = this.targets.get(resourceId);
    if (!existing && (min === undefined || max === undefined)) {
      throw validation('MinCapacity and MaxCapacity are required to register a new scalable target');
    }
    const nextMin = min ?? existing!.min;
    const nextMax = max ?? existing!.max;
    if (nextMin > nextMax) throw validation(`MinCapacity ${nextMin} cannot be greater than MaxCapacity ${nextMax}`);
    const suspended = isRecord(input.SuspendedState) ? input.SuspendedState : {};
    const target: ScalableTarget = existing ?? {
      resourceId,
      arn: this.arn('scalable-target'),
      createdAt: this.deps.clock.now(),
      min: nextMin,
      max: nextMax,
      roleArn: `arn:aws:iam::${this.deps.accountId}:role/aws-service-role/lambda.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_LambdaConcurrency`,
      suspended: {
        DynamicScalingInSuspended: false,
        DynamicScalingOutSuspended: false,
        ScheduledScalingSuspended: false,
      },
      lastScaleOutAt: undefined,
      lastScaleInAt: undefined,
      // AWS applies RegisterScalableTarget's tags when it creates the target; an existing one is tagged by TagResource
      tags: stringRecord(input.Tags),
    };
    target.min = nextMin;
    target.max = nextMax;
    const roleArn = str(input, 'RoleARN');
    if (roleArn) target.roleArn = roleArn;
    for (const key of Object.keys(target.suspended) as (keyof Suspended)[]) {
      if (typeof suspended[key] === 'boolean') target.suspended[key] = suspended[key] as boolean;
    }
    this.targets.set(resourceId, target);
    this.clamp(target, 'register');
    return { ScalableTargetARN: target.arn };
  }

  private byArn(input: Record<string, unknown>): ScalableTarget {
    const arn = str(input, 'ResourceARN', true);
    const target = [...this.targets.values()].find((t) => t.arn === arn);
    if (!target) throw new AwsError('ResourceNotFoundException', `No scalable target found for ARN: ${arn}`, 400);
    return target;
  }

  private tag(input: Record<string, unknown>) {
    const target = this.byArn(input);
    target.tags = { ...target.tags, ...stringRecord(input.Tags) };
    return {};
  }

  private untag(input: Record<string, unknown>) {
    const target = this.byArn(input);
    const keys = Array.isArray(input.TagKeys) ? input.TagKeys.filter((k): k is string => typeof k === 'string') : [];
    target.tags = Object.fromEntries(Object.entries(target.tags).filter(([key]) => !keys.includes(key)));
    return {};
  }

  private deregister(input: Record<string, unknown>) {
    const resourceId = this.scope(input, true);
    this.requireTarget(resourceId);
    this.targets.delete(resourceId);
    for (const [key, policy] of this.policies) if (policy.resourceId === resourceId) this.policies.delete(key);
    for (const [key, action] of this.actions) if (action.resourceId === resourceId) this.actions.delete(key);
    return {};
  }

  private describeTargets(input: Record<string, unknown>) {
    this.scope(input, false);
    const ids = Array.isArray(input.ResourceIds) ? input.ResourceIds.filter((id) => typeof id === 'string') : undefined;
    const all = [...this.targets.values()].filter((t) => !ids || ids.length === 0 || ids.includes(t.resourceId));
    const { items, next } = this.page(all, input);
    return {
      ScalableTargets: items.map((t) => ({
        ServiceNamespace: NAMESPACE,
        ResourceId: t.resourceId,
        ScalableDimension: DIMENSION,
        MinCapacity: t.min,
        MaxCapacity: t.max,
        RoleARN: t.roleArn,
        CreationTime: epochSeconds(t.createdAt),
        SuspendedState: { ...t.suspended },
        ScalableTargetARN: t.arn,
      })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  private page<T>(items: readonly T[], input: Record<string, unknown>): { items: T[]; next: string | undefined } {
    const max = int(input, 'MaxResults') ?? 50;
    if (max < 1 || max > 50) throw validation('MaxResults must be from 1 to 50');
    const token = str(input, 'NextToken');
    const start = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) {
      throw new AwsError('InvalidNextTokenException', `Invalid NextToken: ${token}`, 400);
    }
    const next = start + max < items.length ? Buffer.from(String(start + max)).toString('base64url') : undefined;
    return { items: items.slice(start, start + max), next };
  }

  // ---- scaling policies -------------------------------------------------------------------------------------

  private putPolicy(input: Record<string, unknown>) {
    const resourceId = this.scope(input, true);
    const name = str(input, 'PolicyName', true);
    const type = str(input, 'PolicyType') ?? 'StepScaling';
    if (type !== 'TargetTrackingScaling') {
      throw validation(`${type} is not supported for Lambda; use PolicyType TargetTrackingScaling`);
    }
    const configuration = input.TargetTrackingScalingPolicyConfiguration;
    if (!isRecord(configuration) || typeof configuration.TargetValue !== 'number' || configuration.TargetValue <= 0) {
      throw validation('TargetTrackingScalingPolicyConfiguration with a positive TargetValue is required');
    }
    const predefined = configuration.PredefinedMetricSpecification;
    const customised = configuration.CustomizedMetricSpecification;
    if (isRecord(predefined) === isRecord(customised)) {
      throw validation('Specify exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification');
    }
    if (isRecord(predefined) && predefined.PredefinedMetricType !== 'LambdaProvisionedConcurrencyUtilization') {
      throw validation(
        `PredefinedMetricType ${String(predefined.PredefinedMetricType)} is not valid for Lambda; use LambdaProvisionedConcurrencyUtilization`,
      );
    }
    this.requireTarget(resourceId);
    const key = `${resourceId}\u0000${name}`;
    const existing = this.policies.get(key);
    const alarm = (kind: string) => {
      const alarmName = `TargetTracking-${resourceId}-${kind}-${randomUUID()}`;
      return {
        AlarmName: alarmName,
        AlarmARN: `arn:aws:cloudwatch:${this.deps.region}:${this.deps.accountId}:alarm:${alarmName}`,
      };
    };
    const policy: ScalingPolicy = {
      name,
      arn:
        existing?.arn ??
        `arn:aws:autoscaling:${this.deps.region}:${this.deps.accountId}:scalingPolicy:${randomUUID()}:resource/lambda/${resourceId}:policyName/${name}`,
      resourceId,
      createdAt: existing?.createdAt ?? this.deps.clock.now(),
      configuration,
      alarms: existing?.alarms ?? [alarm('AlarmHigh'), alarm('AlarmLow')],
    };
    this.policies.set(key, policy);
    return { PolicyARN: policy.arn, Alarms: policy.alarms };
  }

  private deletePolicy(input: Record<string, unknown>) {
    const resourceId = this.scope(input, true);
    const name = str(input, 'PolicyName', true);
    if (!this.policies.delete(`${resourceId}\u0000${name}`)) {
      throw new AwsError(
        'ObjectNotFoundException',
        `No scaling policy found for service namespace: ${NAMESPACE}, resource ID: ${resourceId}, scalable dimension: ${DIMENSION}, policy name: ${name}`,
        400,
      );
    }
    return {};
  }

  private describePolicies(input: Record<string, unknown>) {
    this.scope(input, false);
    const names = Array.isArray(input.PolicyNames) ? input.PolicyNames : undefined;
    const resourceId = str(input, 'ResourceId');
    const all = [...this.policies.values()].filter(
      (p) => (!names || names.length === 0 || names.includes(p.name)) && (!resourceId || p.resourceId === resourceId),
    );
    const { items, next } = this.page(all, input);
    return {
      ScalingPolicies: items.map((p) => ({
        PolicyARN: p.arn,
        PolicyName: p.name,
        ServiceNamespace: NAMESPACE,
        ResourceId: p.resourceId,
        ScalableDimension: DIMENSION,
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: p.configuration,
        Alarms: p.alarms,
        CreationTime: epochSeconds(p.createdAt),
      })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  // ---- scheduled actions ------------------------------------------------------------------------------------

  private putAction(input: Record<string, unknown>) {
    const resourceId = this.scope(input, true);
    const name = str(input, 'ScheduledActionName', true);
    this.requireTarget(resourceId);
    const key = `${resourceId}\u0000${name}`;
    const existing = this.actions.get(key);
    const expression = str(input, 'Schedule') ?? existing?.expression;
    if (expression === undefined) throw validation('Schedule is required to create a scheduled action');
    const timezone = str(input, 'Timezone') ?? existing?.timezone ?? 'UTC';
    let schedule: Schedule;
    try {
      schedule = parseSchedule(expression);
      checkTimezone(timezone);
    } catch (error) {
      if (error instanceof ScheduleError) throw validation(`Invalid schedule: ${error.message}`);
      throw error;
    }
    const raw = isRecord(input.ScalableTargetAction) ? input.ScalableTargetAction : undefined;
    const action = raw
      ? { MinCapacity: int(raw, 'MinCapacity'), MaxCapacity: int(raw, 'MaxCapacity') }
      : existing?.action;
    if (!action || (action.MinCapacity === undefined && action.MaxCapacity === undefined)) {
      throw validation('ScalableTargetAction needs MinCapacity, MaxCapacity or both');
    }
    if (
      action.MinCapacity !== undefined &&
      action.MaxCapacity !== undefined &&
      action.MinCapacity > action.MaxCapacity
    ) {
      throw validation(`MinCapacity ${action.MinCapacity} cannot be greater than MaxCapacity ${action.MaxCapacity}`);
    }
    this.actions.set(key, {
      name,
      arn:
        existing?.arn ??
        `arn:aws:autoscaling:${this.deps.region}:${this.deps.accountId}:scheduledAction:${randomUUID()}:resource/lambda/${resourceId}:scheduledActionName/${name}`,
      resourceId,
      createdAt: existing?.createdAt ?? this.deps.clock.now(),
      expression,
      schedule,
      timezone,
      // AWS: "If you don't specify start and end times, the old values are deleted."
      startTime: timestamp(input, 'StartTime'),
      endTime: timestamp(input, 'EndTime'),
      action: Object.fromEntries(Object.entries(action).filter(([, v]) => v !== undefined)),
    });
    return {};
  }

  private deleteAction(input: Record<string, unknown>) {
    const resourceId = this.scope(input, true);
    const name = str(input, 'ScheduledActionName', true);
    if (!this.actions.delete(`${resourceId}\u0000${name}`)) {
      throw new AwsError(
        'ObjectNotFoundException',
        `No scheduled action found for service namespace: ${NAMESPACE}, resource ID: ${resourceId}, scalable dimension: ${DIMENSION}, scheduled action name: ${name}`,
        400,
      );
    }
    return {};
  }

  private describeActions(input: Record<string, unknown>) {
    this.scope(input, false);
    const names = Array.isArray(input.ScheduledActionNames) ? input.ScheduledActionNames : undefined;
    const resourceId = str(input, 'ResourceId');
    const all = [...this.actions.values()].filter(
      (a) => (!names || names.length === 0 || names.includes(a.name)) && (!resourceId || a.resourceId === resourceId),
    );
    const { items, next } = this.page(all, input);
    return {
      ScheduledActions: items.map((a) => ({
        ScheduledActionName: a.name,
        ScheduledActionARN: a.arn,
        ServiceNamespace: NAMESPACE,
        Schedule: a.expression,
        Timezone: a.timezone,
        ResourceId: a.resourceId,
        ScalableDimension: DIMENSION,
        ...(a.startTime !== undefined ? { StartTime: epochSeconds(a.startTime) } : {}),
        ...(a.endTime !== undefined ? { EndTime: epochSeconds(a.endTime) } : {}),
        ScalableTargetAction: a.action,
        CreationTime: epochSeconds(a.createdAt),
      })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  // ---- the loop ---------------------------------------------------------------------------------------------

  /** Runs scheduled actions that fell due since the last tick, then every target-tracking policy once. */
  tick(): void {
    const now = this.deps.clock.now();
    const from = this.lastTick;
    this.lastTick = now;
    for (const action of this.actions.values()) {
      const target = this.targets.get(action.resourceId);
      if (!target || target.suspended.ScheduledScalingSuspended) continue;
      if (action.startTime !== undefined && now < action.startTime) continue;
      if (action.endTime !== undefined && now > action.endTime) continue;
      const anchor = action.startTime ?? action.createdAt;
      if (!firesBetween(action.schedule, from, now, action.timezone, anchor)) continue;
      if (action.action.MinCapacity !== undefined) target.min = action.action.MinCapacity;
      if (action.action.MaxCapacity !== undefined) target.max = action.action.MaxCapacity;
      if (target.min > target.max) target.max = target.min;
      this.clamp(target, `scheduled action ${action.name}`);
    }
    for (const policy of this.policies.values()) this.track(policy, now);
  }

  private track(policy: ScalingPolicy, now: number): void {
    const target = this.targets.get(policy.resourceId);
    if (!target) return;
    const observed = this.observe(policy, now);
    if (observed === undefined) return;
    const config = policy.configuration;
    const current = this.capacity(policy.resourceId);
    const outCooldown = (typeof config.ScaleOutCooldown === 'number' ? config.ScaleOutCooldown : 0) * 1000;
    const inCooldown = (typeof config.ScaleInCooldown === 'number' ? config.ScaleInCooldown : 0) * 1000;
    const desired = trackTarget({
      current,
      observed,
      target: config.TargetValue as number,
      min: target.min,
      max: target.max,
      scaleOutAllowed:
        !target.suspended.DynamicScalingOutSuspended &&
        (target.lastScaleOutAt === undefined || now - target.lastScaleOutAt >= outCooldown),
      scaleInAllowed:
        config.DisableScaleIn !== true &&
        !target.suspended.DynamicScalingInSuspended &&
        (target.lastScaleInAt === undefined || now - target.lastScaleInAt >= inCooldown),
    });
    if (desired === current) return;
    if (desired > current) target.lastScaleOutAt = now;
    else target.lastScaleInAt = now;
    this.setCapacity(
      policy.resourceId,
      desired,
      `target tracking ${policy.name}: metric ${observed.toFixed(3)} vs target ${String(config.TargetValue)}`,
    );
  }

  /** The policy's metric over the last interval, or undefined when there is no data. */
  private observe(policy: ScalingPolicy, now: number): number | undefined {
    const config = policy.configuration;
    const custom = isRecord(config.CustomizedMetricSpecification) ? config.CustomizedMetricSpecification : undefined;
    const [, name, qualifier] = policy.resourceId.split(':');
    const dimensions: Record<string, string> = {};
    let namespace = 'AWS/Lambda';
    let metric = 'ProvisionedConcurrencyUtilization';
    let stat: Statistic = 'Average';
    if (custom) {
      namespace = String(custom.Namespace);
      metric = String(custom.MetricName);
      stat = (custom.Statistic as Statistic | undefined) ?? 'Average';
      for (const d of Array.isArray(custom.Dimensions) ? custom.Dimensions : []) {
        if (isRecord(d)) dimensions[String(d.Name)] = String(d.Value);
      }
    } else {
      dimensions.FunctionName = name!;
      dimensions.Resource = `${name}:${qualifier}`;
    }
    const start = Math.floor((now - this.deps.intervalMs) / MINUTE) * MINUTE;
    const points = this.deps.metrics.query({
      namespace,
      name: metric,
      dimensions,
      stat,
      periodSeconds: 60,
      start,
      end: now + 1,
    });
    if (points.length === 0) return undefined;
    const values = points.map((p) => p.value);
    if (stat === 'Maximum') return Math.max(...values);
    if (stat === 'Minimum') return Math.min(...values);
    return values.reduce((a, b) => a + b, 0) / values.length;
  }

  /** For callers that resolve a scalable target's Lambda side (inspection). */
  describe(): { resourceId: string; min: number; max: number; capacity: number }[] {
    return [...this.targets.values()].map((t) => ({
      resourceId: t.resourceId,
      min: t.min,
      max: t.max,
      capacity: this.capacity(t.resourceId),
    }));
  }
}

function stringRecord(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
