import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { PolicyDefaults } from '../controller/policy';
import type { TargetPolicy } from './target-policy';

/** One function (or alias, or version) that Thermostat keeps warm, and its policy. */
export interface ThermostatTarget {
  /**
   * The function to keep warm. Pass an alias or a version for modes `provisioned` and `auto` (Lambda refuses
   * provisioned concurrency on `$LATEST`); pass the function itself to warm `$LATEST`.
   *
   * @example fn.addAlias('live')
   */
  readonly function: lambda.IFunction;

  /**
   * The policy: inline, a file, or a directory of files. Its `function` and `qualifier` must match `function`.
   *
   * @example TargetPolicy.fromFile('policies/checkout-api.yaml')
   */
  readonly policy: TargetPolicy;

  /**
   * Alarm when the share of warm starts (from the target helper's metrics) stays below this, 0 to 1.
   *
   * @default - the policy's `objective.warmRatio`, else the construct's `warmRatioObjective`, else no alarm
   * @example 0.95
   */
  readonly warmRatioObjective?: number;

  /**
   * Emit this target's controller metrics with a `Target` dimension (pings, proven environments, shortfall, ...) and
   * alarm on its sustained shortfall. Each such metric is a billed custom metric, so this is for critical functions;
   * every target's detail is always in the controller's logs and events.
   *
   * @default false
   * @example true
   */
  readonly detailedMetrics?: boolean;

  /**
   * The target helper in this function adds the `Qualifier` dimension (`withThermostat(handler, { metrics: {
   * dimensions: ['Qualifier'] } })`), so the warm-ratio alarm and `metricWarmRatio` read this alias or version alone.
   * Without it they read the whole function (every alias together).
   *
   * @default false
   * @example true
   */
  readonly helperQualifierDimension?: boolean;
}

/**
 * Functions that join at tick time by tag, without a construct each: the controller finds functions tagged
 * `<tagKey>=<policy name>` and applies that policy from `policies`. Functions deployed by other stacks or teams join by
 * tagging themselves; the controller's IAM needs no statement per function (it is conditioned on the tag key).
 */
export interface TagDiscoveryProps {
  /**
   * The policies tagged functions may name (a directory of policy files, read and validated at synth time).
   *
   * @example TargetPolicy.fromDirectory('policies/discovered')
   */
  readonly policies: TargetPolicy;

  /**
   * The tag key whose value names the policy.
   *
   * @default 'thermostat:policy'
   * @example 'team:warmth'
   */
  readonly tagKey?: string;
}

/** Properties of a `Thermostat`. */
export interface ThermostatProps {
  /**
   * The functions to keep warm, each with its policy: functions and aliases of this app, or imported ones
   * (`Function.fromFunctionArn`, `Alias.fromAliasAttributes`). The policies and the target map are validated at synth
   * time and shipped inside the controller's asset (no limit on their number), so a policy change is a deployment.
   *
   * @default - none; then `discoverByTag` must be set
   * @example [{ function: api.addAlias('live'), policy: TargetPolicy.fromFile('policies/api.yaml') }]
   */
  readonly targets?: readonly ThermostatTarget[];

  /**
   * Enrol functions by tag at tick time, in addition to `targets`.
   *
   * @default - no discovery: only `targets` are kept warm
   * @example { policies: TargetPolicy.fromDirectory('policies/discovered'), tagKey: 'thermostat:policy' }
   */
  readonly discoverByTag?: TagDiscoveryProps;

  /**
   * Settings every inline policy (`TargetPolicy.fromObject`) inherits; each may override any of them. Policy
   * files take their defaults from their own set's `defaults:` document instead, so `thermostat validate` and
   * synth see the same policies.
   *
   * @default - the built-in defaults (mode warm, one environment every 5 minutes)
   * @example { timezone: 'Europe/Paris', budget: { maxConcurrency: 20 } }
   */
  readonly defaults?: PolicyDefaults;

  /**
   * When the controller ticks. Each tick does what the policies ask for at that moment, so the schedule bounds how
   * quickly a window starts; EventBridge Scheduler cannot tick faster than once a minute.
   *
   * @default ScheduleExpression.rate(Duration.minutes(1))
   * @example ScheduleExpression.rate(Duration.minutes(2))
   */
  readonly schedule?: scheduler.ScheduleExpression;

  /**
   * Let the controller pause its own schedule while nothing is due: when every target is only waiting (for its
   * next round, a traffic check or a predicted request), it moves the schedule's start date to the earliest of
   * them, at most a day ahead, and the schedule resumes by itself (a check of traffic busy enough that a stop would
   * cost a negligible share of the objective may wait up to a day; other checks, 2 hours). Each skipped tick is a
   * Lambda request and its
   * duration saved. A deployment that changes a policy ticks at once (`warmOnDeploy`); with `warmOnDeploy: false`
   * or `discoverByTag`, where a changed policy or a newly tagged function is noticed only when the pause ends,
   * pauses last at most 30 minutes. Grants the controller
   * `scheduler:GetSchedule` and `scheduler:UpdateSchedule` on its schedule and `iam:PassRole` on the schedule's role.
   *
   * @default true
   * @example false
   */
  readonly pauseWhenIdle?: boolean;

  /**
   * Timeout of one tick. Must stay below the tick period so ticks never overlap. The controller plans each tick
   * from the time Lambda says remains: it keeps 5 seconds for saving state and reporting, and gives up pings and
   * control-plane calls that would run later; what did not fit is reported and done by the next tick.
   *
   * @default Duration.seconds(50)
   * @example Duration.seconds(40)
   */
  readonly timeout?: Duration;

  /**
   * Memory of the controller in MiB. A tick mostly waits (for its pings, the state table, the Lambda API) and waiting
   * is billed by memory, so the default is the least that holds its peak (about 130 MB at 1,000 environments in one
   * tick). Raise it for rounds of many dozens of environments: sending them is CPU-bound in the SDK, Lambda gives CPU
   * in proportion to memory, and a round's pings hold until the last one arrives.
   *
   * @default 256
   * @example 1024
   */
  readonly memorySize?: number;

  /**
   * Reserved concurrency of the controller: bounds how many ticks (and the warm-up after a deployment) can run at
   * once, so a slow tick makes the next one wait and expire instead of piling up.
   *
   * @default 2
   * @example 1
   */
  readonly reservedConcurrentExecutions?: number;

  /**
   * How long the controller's logs are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   * @example logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * An EventBridge bus for run summaries. The controller gets `events:PutEvents` on this bus only.
   *
   * @default - no events are published
   * @example events.EventBus.fromEventBusName(this, 'Bus', 'default')
   */
  readonly eventBus?: events.IEventBus;

  /**
   * Run one tick at the end of every deployment that changes a target or a policy, so a new version never meets
   * its first users cold.
   *
   * @default true
   * @example false
   */
  readonly warmOnDeploy?: boolean;

  /**
   * Create a CloudWatch dashboard of warm/cold ratios per target and the controller's health.
   *
   * @default true
   * @example false
   */
  readonly dashboard?: boolean;

  /**
   * Name of the dashboard.
   *
   * @default - generated by CloudFormation
   * @example 'checkout-warmth'
   */
  readonly dashboardName?: string;

  /**
   * Create alarms: controller errors, failed ticks, ping failure rate, target failures, sustained shortfall, partial
   * ticks, provisioned concurrency FAILED, warm ratio below each target's objective, and shortfall of each target with
   * `detailedMetrics`.
   *
   * @default true
   * @example false
   */
  readonly alarms?: boolean;

  /**
   * Actions for every alarm (e.g. an SNS topic action).
   *
   * @default - no actions; the alarms are visible in CloudWatch only
   * @example [new cloudwatch_actions.SnsAction(topic)]
   */
  readonly alarmActions?: cloudwatch.IAlarmAction[];

  /**
   * Actions when an alarm returns to OK.
   *
   * @default - the `alarmActions`, so whoever was paged hears that it is over
   * @example [new cloudwatch_actions.SnsAction(topic)]
   */
  readonly okActions?: cloudwatch.IAlarmAction[];

  /**
   * Warm-ratio objective for targets whose policy sets no `objective.warmRatio`, 0 to 1.
   *
   * @default - no warm-ratio alarm for such targets
   * @example 0.9
   */
  readonly warmRatioObjective?: number;

  /**
   * Alarm when more than this share of pings fails over 5 minutes, 0 to 1.
   *
   * @default 0.1
   * @example 0.25
   */
  readonly pingFailureRateThreshold?: number;

  /**
   * What happens to the state table when the stack is deleted.
   *
   * @default RemovalPolicy.RETAIN
   * @example RemovalPolicy.DESTROY
   */
  readonly stateTableRemovalPolicy?: RemovalPolicy;

  /**
   * Value of the `service` dimension on the controller's metrics (Powertools' `POWERTOOLS_SERVICE_NAME`). Each
   * Thermostat needs its own so dashboards and alarms do not mix controllers.
   *
   * @default - derived from the construct path, unique in the app
   * @example 'shop-thermostat'
   */
  readonly serviceName?: string;
}
