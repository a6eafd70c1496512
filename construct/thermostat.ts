import { posix } from 'node:path';
import { Annotations, Aws, Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  ControllerEnv,
  ControllerMetric,
  type ControllerMetricName,
  DEFAULT_SHARD_SIZE,
  dispatchMsPerPingAt,
  METRIC_NAMESPACE,
  STATE_TABLE,
} from '../controller/contract';
import { shareHint } from '../controller/policy';
import { ThermostatAlarms } from './alarms';
import { CONFIG_FILE_NAME, findControllerBundle, POLICY_FILE_NAME, stageControllerAsset } from './asset';
import { type BoundTarget, collectTargets, loadDiscoveryPolicies } from './binding';
import { controllerConfigDocument, type DiscoveryDocument, renderControllerConfig } from './controller-config';
import { buildDashboard } from './dashboard';
import { ENVIRONMENT_LIMIT_BYTES, LAMBDA_TASK_ROOT } from './environment';
import { ThermostatConfigError } from './errors';
import { controllerMetric, type MetricOptions, targetMetric, warmRatio } from './metrics';
import { AWS_CUSTOM_RESOURCE_PROVIDER_ID, acknowledge, Reasons, wildcardResourceId } from './nag';
import { controllerStatements, type IamScope, selfInvokeStatement, type TagDiscovery } from './permissions';
import { hashPolicySet, policySetDocument, renderPolicySet } from './policy-set';
import type { ThermostatProps } from './props';
import { InvokeController } from './schedule-target';
import { scheduledTick } from './tick';
import { WarmOnDeploy } from './warm-on-deploy';
import { warnTargets } from './warnings';

/** Above this many per-target alarms, synth warns: they crowd the 500-resource stack limit. */
const PER_TARGET_ALARMS_WARNING = 200;

/** Options of the `metric*()` methods. */
export interface ThermostatMetricOptions extends MetricOptions {
  /**
   * One target (it must have `detailedMetrics: true`).
   *
   * @default - the total over all targets
   */
  readonly target?: lambda.IFunction;
}

/** Defaults of the props, in one place for the docs and the tests. */
export const ThermostatDefaults = {
  discoveryTagKey: 'thermostat:policy',
  schedule: () => scheduler.ScheduleExpression.rate(Duration.minutes(1)),
  timeout: Duration.seconds(50),
  memorySize: 256,
  reservedConcurrentExecutions: 2,
  logRetention: logs.RetentionDays.ONE_MONTH,
  pingFailureRateThreshold: 0.1,
} as const;

/**
 * Keeps Lambda functions exactly as warm as their policies ask: a scheduled controller proves N warm execution
 * environments with concurrent pings, or reconciles provisioned concurrency per time window.
 *
 * Deploys: the controller function (pre-bundled asset with the validated policies inside), an EventBridge
 * Scheduler schedule with a dead-letter queue, a DynamoDB state table, a warm-up at the end of each deployment,
 * a dashboard of warm/cold ratios, and alarms. The controller's IAM names the targets' exact ARNs while they fit,
 * name-prefix patterns beyond (see permissions.ts).
 *
 * Limitations:
 * - Policies are fixed at synth time (they ship in the asset): a policy change is a deployment.
 * - Thousands of targets fit: the target map ships in the asset. Only targets whose ARN synth cannot know (a
 *   generated function name) travel in the environment, about 25 of those per controller.
 * - Warm ratios come from the target helper's metrics; functions without it still get the REPORT-line widget.
 * - SnapStart versions refuse provisioned concurrency; such targets must use mode warm.
 *
 * @example
 * const api = new lambda.Function(this, 'Api', { ... });
 * new Thermostat(this, 'Thermostat', {
 *   targets: [{ function: api.addAlias('live'), policy: TargetPolicy.fromFile('policies/api.yaml') }],
 * });
 */
export class Thermostat extends Construct {
  /** The controller function. */
  public readonly controller: lambda.Function;
  /** The controller's execution role. */
  public readonly role: iam.Role;
  /** The controller's log group. */
  public readonly logGroup: logs.LogGroup;
  /** Per-target state and history (TTL on `expiresAt`). */
  public readonly stateTable: dynamodb.Table;
  /** The tick schedule. */
  public readonly schedule: scheduler.Schedule;
  /** Ticks that could not be delivered or failed (from both EventBridge Scheduler and Lambda). */
  public readonly deadLetterQueue: sqs.Queue;
  /** The targets with their validated policies, in the order given. */
  public readonly targets: readonly BoundTarget[];
  /** How the controller's Lambda permissions are scoped: exact ARNs, or name prefixes beyond what IAM holds. */
  public readonly iamScope: IamScope;
  /** The controller may invoke itself to shard a tick (more targets than one invocation handles, or discovery). */
  public readonly shards: boolean;
  /** The `service` dimension of the controller's metrics. */
  public readonly serviceName: string;
  /** The warm/cold dashboard, unless turned off. */
  public readonly dashboard?: cloudwatch.Dashboard;
  /** The alarms, unless turned off. */
  public readonly alarms?: ThermostatAlarms;

  constructor(scope: Construct, id: string, props: ThermostatProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Every problem of the props and the policies is collected and reported at once by CDK's validation, with the
    // construct path; the construct is still built (from defaults where a value is bad), so nothing throws midway.
    const problems: string[] = [];
    const attempt: Attempt = (fallback, check) => {
      try {
        return check();
      } catch (error) {
        if (!(error instanceof ThermostatConfigError)) throw error;
        problems.push(error.message);
        return fallback;
      }
    };
    this.node.addValidation({ validate: () => problems });

    const settings = checkedSettings(props, problems, attempt);
    this.serviceName = props.serviceName ?? Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });
    const binding = collectTargets(props.targets ?? [], {
      defaults: props.defaults,
      warmRatioObjective: props.warmRatioObjective,
    });
    problems.push(...binding.problems);
    this.targets = binding.bound;
    warnTargets(this, this.targets);
    const policySet = renderPolicySet(policySetDocument(this.targets));
    const discovery = attempt(undefined, () => discoveryOf(props));
    const config = renderControllerConfig(controllerConfigDocument(this.targets, discovery?.document));
    this.shards = discovery !== undefined || this.targets.length > DEFAULT_SHARD_SIZE;
    const usesProvisioned = this.targets.some((t) => t.usesProvisioned) || discovery?.iam.usesProvisioned === true;

    const resources = controllerResources(this, props.stateTableRemovalPolicy, settings.logRetention);
    this.stateTable = resources.stateTable;
    this.deadLetterQueue = resources.deadLetterQueue;
    this.logGroup = resources.logGroup;
    this.role = resources.role;
    const permissions = controllerStatements(stack, {
      targets: this.targets,
      stateTableArn: this.stateTable.tableArn,
      eventBus: props.eventBus,
      discovery: discovery?.iam,
      controllerTag: this.serviceName,
    });
    this.iamScope = permissions.scope;
    for (const statement of permissions.statements) this.role.addToPrincipalPolicy(statement);

    const warmOnDeploy = props.warmOnDeploy ?? true;
    const pause = pausedSchedule(this, props.pauseWhenIdle, settings.expression, warmOnDeploy);
    const environment = controllerEnvironment(this, props.eventBus, attempt, pause, settings.memorySize);
    this.controller = controllerFunction(this, settings, environment, { policySet, config });
    // Only when a tick can be sharded. Attached to the role but not part of it: the function depends on its role,
    // and this names the function.
    const selfInvoke = this.shards
      ? new iam.Policy(this, 'InvokeSelf', { roles: [this.role], statements: [selfInvokeStatement(this.controller)] })
      : undefined;
    this.schedule = tickSchedule(this, settings.expression, pause);
    if (warmOnDeploy) this.addWarmOnDeploy(settings, hashPolicySet(`${policySet}\0${config}`), selfInvoke);

    const monitored = {
      service: this.serviceName,
      targets: this.targets,
      controller: this.controller,
      deadLetterQueue: this.deadLetterQueue,
      usesProvisioned,
    };
    if (props.dashboard ?? true)
      this.dashboard = buildDashboard(this, 'Dashboard', {
        ...monitored,
        dashboardName: props.dashboardName,
        timeout: settings.timeout,
        discoveryTagKey: discovery?.document.tagKey,
      });
    if (props.alarms ?? true)
      this.alarms = new ThermostatAlarms(this, 'Alarms', {
        ...monitored,
        pingFailureRateThreshold: settings.pingFailureRateThreshold,
        actions: props.alarmActions,
        okActions: props.okActions,
      });
    warnManyAlarms(this, this.alarms);
    this.acknowledgeFindings(permissions.statements, warmOnDeploy);
  }

  /** Runs one tick when the policies or the controller change, so a deploy leaves the targets warm. */
  private addWarmOnDeploy(settings: Settings, policySetHash: string, selfInvoke: iam.Policy | undefined): void {
    const warm = new WarmOnDeploy(this, 'WarmOnDeploy', {
      controller: this.controller,
      controllerTimeout: settings.timeout,
      targets: this.targets,
      policySetHash,
      logRetention: settings.logRetention,
    });
    // the tick needs its permissions in place, not just the function
    warm.node.addDependency(this.role);
    if (selfInvoke !== undefined) warm.node.addDependency(selfInvoke);
  }

  /** Warm-up pings sent per minute: all targets, or one target with `detailedMetrics`. */
  public metricPingsSent(options: ThermostatMetricOptions = {}): cloudwatch.Metric {
    return this.controllerMetricOf(ControllerMetric.PingsSent, options);
  }

  /** Distinct execution environments proven warm per minute: all targets, or one target with `detailedMetrics`. */
  public metricEnvironmentsProven(options: ThermostatMetricOptions = {}): cloudwatch.Metric {
    return this.controllerMetricOf(ControllerMetric.EnvironmentsProven, options);
  }

  /** Environments wanted but not proven: all targets, or one target with `detailedMetrics`. */
  public metricShortfall(options: ThermostatMetricOptions = {}): cloudwatch.Metric {
    return this.controllerMetricOf(ControllerMetric.Shortfall, options);
  }

  /**
   * Warm share of a target's real invocations (0..1) from the target helper: the alias or version alone when the
   * target sets `helperQualifierDimension`, else the whole function.
   */
  public metricWarmRatio(target: lambda.IFunction, options: MetricOptions = {}): cloudwatch.MathExpression {
    const bound = this.boundTarget(target);
    const qualifier = bound.helperQualifierDimension ? (bound.ref.qualifier ?? '$LATEST') : undefined;
    const ratio = warmRatio(bound.ref.functionName, options.period ?? Duration.minutes(5), qualifier);
    return options.label === undefined ? ratio : ratio.with({ label: options.label });
  }

  private controllerMetricOf(name: ControllerMetricName, options: ThermostatMetricOptions): cloudwatch.Metric {
    if (options.target === undefined) return controllerMetric(name, this.serviceName, options);
    const bound = this.boundTarget(options.target);
    if (!bound.detailedMetrics)
      throw new ThermostatConfigError(
        `${bound.label} has no per-target metrics (the controller emits them only for targets with detailedMetrics: true); ` +
          `set detailedMetrics: true on targets[${bound.index}], or leave out target for the total`,
      );
    return targetMetric(name, this.serviceName, bound.ref.metricKey, options);
  }

  private boundTarget(fn: lambda.IFunction): BoundTarget {
    const found = this.targets.find((t) => t.ref.construct === fn);
    if (found === undefined)
      throw new ThermostatConfigError(
        `${fn.node.path} is not a target of this Thermostat; pass one of the functions given in targets`,
      );
    return found;
  }

  private acknowledgeFindings(statements: readonly iam.PolicyStatement[], warmOnDeploy: boolean): void {
    acknowledge(
      this.controller,
      { id: 'AwsSolutions-L1', reason: Reasons.runtime },
      { id: 'Serverless-LambdaLatestVersion', reason: Reasons.runtime },
      { id: 'Serverless-LambdaDLQ', reason: Reasons.onFailureDestination },
    );
    acknowledge(
      this.deadLetterQueue,
      { id: 'AwsSolutions-SQS3', reason: Reasons.queueIsDeadLetterQueue },
      { id: 'Serverless-SQSRedrivePolicy', reason: Reasons.queueIsDeadLetterQueue },
    );
    acknowledge(this.role, { id: 'AwsSolutions-IAM5[Resource::*]', reason: Reasons.unscopedActions });
    const scopedWildcards: Record<string, string> = {
      RegisterTaggedScalableTargets: Reasons.scalableTargets,
      ChangeOwnScalableTargets: Reasons.scalableTargets,
      TagAdoptedScalableTargets: Reasons.scalableTargets,
      UntagReleasedScalableTargets: Reasons.scalableTargets,
      TargetTrackingAlarms: Reasons.trackingAlarms,
      TargetFunctions: Reasons.namePrefixes,
      ManageProvisionedConcurrency: Reasons.namePrefixes,
      TaggedTargets: Reasons.taggedFunctions,
    };
    for (const statement of statements) {
      const reason = statement.sid === undefined ? undefined : scopedWildcards[statement.sid];
      if (reason === undefined) continue;
      for (const resource of statement.resources)
        if (resource.includes('*')) acknowledge(this.role, { id: wildcardResourceId(this, resource), reason });
    }
    const provider = warmOnDeploy ? Stack.of(this).node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID) : undefined;
    if (provider !== undefined)
      acknowledge(
        provider,
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason: Reasons.providerManagedPolicy,
        },
        { id: 'Serverless-LambdaDLQ', reason: Reasons.providerFunction },
        { id: 'Serverless-LambdaTracing', reason: Reasons.providerFunction },
        { id: 'Serverless-LambdaDefaultMemorySize', reason: Reasons.providerFunction },
      );
  }
}

/** Tag discovery from the props: the policies (validated now) and what the controller's IAM needs for them. */
function discoveryOf(props: ThermostatProps): { document: DiscoveryDocument; iam: TagDiscovery } | undefined {
  const spec = props.discoverByTag;
  if (spec === undefined) return undefined;
  const tagKey = spec.tagKey ?? ThermostatDefaults.discoveryTagKey;
  if (!/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u.test(tagKey) || tagKey.startsWith('aws:'))
    throw new ThermostatConfigError(
      `discoverByTag.tagKey must be a tag key (1 to 128 letters, digits, spaces and _.:/=+-@, not starting with aws:), got ${JSON.stringify(tagKey)}`,
    );
  const loaded = loadDiscoveryPolicies(spec.policies);
  return {
    document: {
      tagKey,
      policies: loaded.map((p) => p.loaded.policy),
      sources: loaded.map((p) => p.source),
    },
    iam: {
      tagKey,
      usesProvisioned: loaded.some((p) => p.usesProvisioned),
      usesAutoscaling: loaded.some((p) => p.usesAutoscaling),
    },
  };
}

/** A tick must end before the next begins; Scheduler's shortest gap is a minute, and cron can fire every minute. */
function checkTimeout(timeout: Duration, expression: scheduler.ScheduleExpression): void {
  if (timeout.isUnresolved()) return;
  const period = tickPeriod(expression.expressionString);
  const ms = timeout.toMilliseconds();
  if (ms < 1000 || ms > 900_000)
    throw new ThermostatConfigError(
      `timeout must be from 1 second to 15 minutes, got ${timeout.toHumanString()}; the default is 50 seconds`,
    );
  if (period !== undefined && ms >= period.toMilliseconds())
    throw new ThermostatConfigError(
      `timeout ${timeout.toHumanString()} is not below the tick period ${period.toHumanString()} (${expression.expressionString}), so ticks could overlap; ` +
        `lower timeout below ${period.toHumanString()} or tick less often`,
    );
}

/** The gap between ticks: exact for rate(), the shortest possible (one minute) for cron(). */
function tickPeriod(expression: string): Duration | undefined {
  if (Token.isUnresolved(expression)) return undefined;
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const amount = Number(rate[1]);
    if (rate[2]!.startsWith('minute')) return Duration.minutes(amount);
    if (rate[2]!.startsWith('hour')) return Duration.hours(amount);
    return Duration.days(amount);
  }
  if (expression.startsWith('cron(')) return Duration.minutes(1);
  return undefined;
}

function checkWhole(name: string, value: number, min: number, max: number, unit: string): number {
  if (Token.isUnresolved(value)) return value;
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ThermostatConfigError(
      `${name} must be a whole number from ${min} to ${max}${unit ? ` ${unit}` : ''}, got ${value}`,
    );
  return value;
}

/**
 * Lambda caps a function's environment at 4 KB. Only ARNs known at deploy time alone are in it; they are tokens
 * here, so each is counted at the longest a Lambda ARN with a qualifier is in practice (~150 characters).
 */
function checkEnvironmentSize(environment: Record<string, string>, targetKeys: readonly string[]): void {
  const perArn = 150;
  let bytes = 0;
  for (const [key, value] of Object.entries(environment)) {
    bytes += key.length;
    if (key === ControllerEnv.Targets)
      bytes += 2 + targetKeys.reduce((sum, target) => sum + Buffer.byteLength(JSON.stringify(target)) + perArn + 4, 0);
    else bytes += Token.isUnresolved(value) ? 256 : Buffer.byteLength(value);
  }
  if (bytes > ENVIRONMENT_LIMIT_BYTES)
    throw new ThermostatConfigError(
      `${targetKeys.length} targets have ARNs known only at deploy time (generated function names), and those travel in the controller's environment: ` +
        `it would need about ${bytes} bytes and Lambda allows ${ENVIRONMENT_LIMIT_BYTES}; ` +
        'give those functions a functionName, import them by ARN, or enrol them with discoverByTag (any number of those fit)',
    );
}

/** Runs a check; a ThermostatConfigError becomes a validation problem and the fallback is used instead. */
type Attempt = <T>(fallback: T, check: () => T) => T;

/** The controller's settings from the props, checked (a bad value is a problem, and its default is used). */
interface Settings {
  readonly expression: scheduler.ScheduleExpression;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly reserved: number;
  readonly pingFailureRateThreshold: number;
  readonly logRetention: logs.RetentionDays;
}

function checkedSettings(props: ThermostatProps, problems: string[], attempt: Attempt): Settings {
  if ((props.targets ?? []).length === 0 && props.discoverByTag === undefined)
    problems.push(
      "thermostat needs at least one target or discoverByTag, got neither; pass targets: [{ function: fn.addAlias('live'), policy: TargetPolicy.fromFile('policies/fn.yaml') }]",
    );
  const expression = props.schedule ?? ThermostatDefaults.schedule();
  const timeout = attempt(ThermostatDefaults.timeout, () => {
    const value = props.timeout ?? ThermostatDefaults.timeout;
    checkTimeout(value, expression);
    return value;
  });
  const memorySize = attempt(ThermostatDefaults.memorySize, () =>
    checkWhole('memorySize', props.memorySize ?? ThermostatDefaults.memorySize, 128, 10_240, 'MiB'),
  );
  const reserved = attempt(ThermostatDefaults.reservedConcurrentExecutions, () =>
    checkWhole(
      'reservedConcurrentExecutions',
      props.reservedConcurrentExecutions ?? ThermostatDefaults.reservedConcurrentExecutions,
      1,
      1000,
      '',
    ),
  );
  const pingFailureRateThreshold = props.pingFailureRateThreshold ?? ThermostatDefaults.pingFailureRateThreshold;
  if (!(pingFailureRateThreshold > 0 && pingFailureRateThreshold <= 1))
    problems.push(
      `pingFailureRateThreshold must be above 0 and at most 1, got ${pingFailureRateThreshold}${shareHint(pingFailureRateThreshold)}`,
    );
  const logRetention = props.logRetention ?? ThermostatDefaults.logRetention;
  return { expression, timeout, memorySize, reserved, pingFailureRateThreshold, logRetention };
}

/** The controller's state table, dead-letter queue, log group and role (which may write the logs). */
function controllerResources(
  scope: Construct,
  removalPolicy: RemovalPolicy | undefined,
  logRetention: logs.RetentionDays,
) {
  const stateTable = new dynamodb.Table(scope, 'StateTable', {
    partitionKey: { name: STATE_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    timeToLiveAttribute: STATE_TABLE.ttlAttribute,
    removalPolicy: removalPolicy ?? RemovalPolicy.RETAIN,
  });
  const deadLetterQueue = new sqs.Queue(scope, 'FailedTicks', {
    retentionPeriod: Duration.days(14),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  const logGroup = new logs.LogGroup(scope, 'Logs', { retention: logRetention });
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'Thermostat controller: invokes and configures only the listed targets',
  });
  logGroup.grantWrite(role);
  return { stateTable, deadLetterQueue, logGroup, role };
}

/** The controller's environment (the contract's names), checked against Lambda's 4 KB limit. */
function controllerEnvironment(
  thermostat: Thermostat,
  eventBus: ThermostatProps['eventBus'],
  attempt: Attempt,
  pause: PausedSchedule | undefined,
  memorySize: number,
): Record<string, string> {
  const deployTime = thermostat.targets.filter((t) => t.arns.kind === 'deploy-time');
  const environment: Record<string, string> = {
    [ControllerEnv.PolicyFile]: posix.join(LAMBDA_TASK_ROOT, POLICY_FILE_NAME),
    [ControllerEnv.ConfigFile]: posix.join(LAMBDA_TASK_ROOT, CONFIG_FILE_NAME),
    [ControllerEnv.StateTable]: thermostat.stateTable.tableName,
    [ControllerEnv.ServiceName]: thermostat.serviceName,
    [ControllerEnv.MetricsNamespace]: METRIC_NAMESPACE,
    [ControllerEnv.ShardSize]: String(DEFAULT_SHARD_SIZE),
    [ControllerEnv.DispatchMsPerPing]: String(dispatchMsPerPingAt(memorySize)),
    NODE_OPTIONS: '--enable-source-maps',
  };
  if (deployTime.length > 0)
    environment[ControllerEnv.Targets] = Stack.of(thermostat).toJsonString(
      Object.fromEntries(deployTime.map((t) => [t.loaded.key, t.ref.invokeArn])),
    );
  if (thermostat.targets.some((t) => t.arns.file?.includes('${') === true)) {
    environment[ControllerEnv.Partition] = Aws.PARTITION;
    environment[ControllerEnv.Account] = Aws.ACCOUNT_ID;
  }
  if (eventBus !== undefined) environment[ControllerEnv.EventBus] = eventBus.eventBusArn;
  if (pause !== undefined) {
    environment[ControllerEnv.Schedule] = `default/${pause.name}`;
    environment[ControllerEnv.TickSeconds] = String(pause.period.toSeconds());
    if (pause.ticksOnDeploy) environment[ControllerEnv.TicksOnDeploy] = 'true';
  }
  attempt(undefined, () =>
    checkEnvironmentSize(
      environment,
      deployTime.map((t) => t.loaded.key),
    ),
  );
  return environment;
}

/** The controller function: the pre-built bundle with the policy set and configuration staged beside it. */
function controllerFunction(
  thermostat: Thermostat,
  settings: Settings,
  environment: Record<string, string>,
  files: { readonly policySet: string; readonly config: string },
): lambda.Function {
  return new lambda.Function(thermostat, 'Controller', {
    description: `Thermostat controller for ${thermostat.targets.length} target(s)`,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(
      stageControllerAsset(findControllerBundle(), {
        [POLICY_FILE_NAME]: files.policySet,
        [CONFIG_FILE_NAME]: files.config,
      }),
    ),
    memorySize: settings.memorySize,
    timeout: settings.timeout,
    reservedConcurrentExecutions: settings.reserved,
    role: thermostat.role,
    logGroup: thermostat.logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    tracing: lambda.Tracing.ACTIVE,
    environment,
    // a tick that failed is stale by the next one: no retries, straight to the dead-letter queue
    retryAttempts: 0,
    maxEventAge: Duration.minutes(1),
    onFailure: new SqsDestination(thermostat.deadLetterQueue),
  });
}

/** The schedule that ticks the controller; a tick that cannot be delivered goes to the dead-letter queue. */
/** The schedule the controller may pause while nothing is due: a literal name and the gap between its ticks. */
interface PausedSchedule {
  readonly name: string;
  readonly period: Duration;
  /** Whether a deployment that changes a policy ticks (warmOnDeploy): the controller may then pause longer. */
  readonly ticksOnDeploy: boolean;
}

/**
 * A literal name, so the controller's environment names its schedule without a reference back to it (the schedule
 * already refers to the controller); none when pausing is off or the period is not known at synth.
 */
function pausedSchedule(
  thermostat: Thermostat,
  pauseWhenIdle: boolean | undefined,
  expression: scheduler.ScheduleExpression,
  ticksOnDeploy: boolean,
): PausedSchedule | undefined {
  const period = tickPeriod(expression.expressionString);
  if (!(pauseWhenIdle ?? true) || period === undefined) return undefined;
  return {
    name: `${Names.uniqueResourceName(thermostat, { maxLength: 59, separator: '-' })}-tick`,
    period,
    ticksOnDeploy,
  };
}

function tickSchedule(
  thermostat: Thermostat,
  expression: scheduler.ScheduleExpression,
  pause: PausedSchedule | undefined,
): scheduler.Schedule {
  // The schedule's own role (Scheduler assumes it to invoke the controller), so the controller may pass it back
  // when it updates the schedule to pause it; only this account's schedules may assume it.
  const role = new iam.Role(thermostat, 'ScheduleRole', {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com').withConditions({
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
    }),
  });
  const schedule = new scheduler.Schedule(thermostat, 'Schedule', {
    ...(pause !== undefined ? { scheduleName: pause.name } : {}),
    schedule: expression,
    description: `Thermostat tick (${thermostat.serviceName})`,
    target: new InvokeController(thermostat.controller, {
      input: scheduler.ScheduleTargetInput.fromObject(scheduledTick()),
      retryAttempts: 0,
      maxEventAge: Duration.minutes(1),
      deadLetterQueue: thermostat.deadLetterQueue,
      role,
    }),
  });
  if (pause !== undefined) {
    const arn = Stack.of(thermostat).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `default/${pause.name}`,
    });
    thermostat.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['scheduler:GetSchedule', 'scheduler:UpdateSchedule'], resources: [arn] }),
    );
    thermostat.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
  }
  return schedule;
}

/** Per-target alarms beyond what a stack should hold get a warning with the way out. */
function warnManyAlarms(thermostat: Thermostat, alarms: ThermostatAlarms | undefined): void {
  const perTarget =
    alarms === undefined ? 0 : Object.keys(alarms.warmRatio).length + Object.keys(alarms.targetShortfall).length;
  if (perTarget > PER_TARGET_ALARMS_WARNING)
    Annotations.of(thermostat).addWarningV2(
      'thermostat:manyAlarms',
      `${perTarget} per-target alarms (warm-ratio objectives and detailedMetrics): a stack holds at most 500 resources and each alarm is billed; ` +
        'keep objectives and detailedMetrics for critical functions and rely on the totals alarms for the rest',
    );
}
