/**
 * Alarms that page on what users feel or on Thermostat being broken, never on a single blip: missing data (an
 * idle function, a quiet hour) never breaches.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ControllerMetric, type ControllerMetricName } from '../controller/contract';
import { type BoundTarget, portableSource } from './binding';
import { controllerMetric, targetMetric, warmRatio } from './metrics';

export interface AlarmOptions {
  readonly service: string;
  readonly targets: readonly BoundTarget[];
  readonly controller: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
  readonly pingFailureRateThreshold: number;
  readonly actions?: readonly cloudwatch.IAlarmAction[];
  /** Actions when an alarm returns to OK; the alarm actions when not given. */
  readonly okActions?: readonly cloudwatch.IAlarmAction[];
  /** Some policy can use provisioned concurrency (else no PC alarm). */
  readonly usesProvisioned: boolean;
}

/** The period of the alarms on Thermostat's own metrics (but controller errors and target failures: per tick). */
const PERIOD = Duration.minutes(5);

/** The alarms of one Thermostat; `warmRatio` is keyed by target id (`t0`, `t1`, ...). */
export class ThermostatAlarms extends Construct {
  /** The controller failed (threw or timed out) in 3 of the last 5 ticks. */
  public readonly controllerErrors: cloudwatch.Alarm;
  /** A tick could not run at all and landed in the dead-letter queue. */
  public readonly failedTicks: cloudwatch.Alarm;
  /** More than the threshold share of pings failed, in 2 of the last 3 five-minute periods. */
  public readonly pingFailureRate: cloudwatch.Alarm;
  /** Some target's observe/plan/act step failed in 3 of the last 5 ticks. */
  public readonly targetFailures: cloudwatch.Alarm;
  /** The controller could not prove what the policies want for 15 minutes (all targets together). */
  public readonly sustainedShortfall: cloudwatch.Alarm;
  /** Ticks ended `partial` (skipped targets: rate, time, budget unknown) for 15 minutes. */
  public readonly partialTicks: cloudwatch.Alarm;
  /** Lambda reports a provisioned-concurrency configuration the controller manages as FAILED. */
  public readonly provisionedFailed?: cloudwatch.Alarm;
  /** Per target with an objective: the warm ratio stayed below it for 15 minutes. */
  public readonly warmRatio: Readonly<Record<string, cloudwatch.Alarm>>;
  /** Per target with `detailedMetrics`: its shortfall stayed above zero for 15 minutes. */
  public readonly targetShortfall: Readonly<Record<string, cloudwatch.Alarm>>;

  constructor(scope: Construct, id: string, options: AlarmOptions) {
    super(scope, id);
    const { service } = options;
    this.controllerErrors = controllerErrorsAlarm(this, options);
    this.failedTicks = failedTicksAlarm(this, options);
    this.pingFailureRate = pingFailureRateAlarm(this, options);
    this.targetFailures = new cloudwatch.Alarm(this, 'TargetFailures', {
      alarmDescription: `Thermostat (${service}) failed to observe, plan or act on a target in 3 of the last 5 ticks; the controller's logs name the target and the reason.`,
      metric: controllerMetric(ControllerMetric.TargetFailures, service, { period: Duration.minutes(1) }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.sustainedShortfall = sustainedAlarm(this, service, {
      id: 'SustainedShortfall',
      name: ControllerMetric.Shortfall,
      description: `Thermostat (${service}) proved fewer warm environments than the policies want for 15 minutes: throttling, budget, or functions without the target helper.`,
    });
    this.partialTicks = sustainedAlarm(this, service, {
      id: 'PartialTicks',
      name: ControllerMetric.TicksPartial,
      description: `Thermostat (${service}) ticks ended partial for 15 minutes: targets were skipped (rate limit, time, budget unknown); each tick lists them with the reason.`,
    });
    if (options.usesProvisioned)
      this.provisionedFailed = new cloudwatch.Alarm(this, 'ProvisionedFailed', {
        alarmDescription: `A provisioned-concurrency configuration Thermostat (${service}) manages is FAILED (e.g. FUNCTION_ERROR_INIT_FAILURE); the target falls back to pings until its init is fixed.`,
        metric: controllerMetric(ControllerMetric.ProvisionedFailed, service, { period: PERIOD, statistic: 'Maximum' }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    const perTarget = targetAlarms(this, options);
    this.warmRatio = perTarget.warmRatio;
    this.targetShortfall = perTarget.shortfall;

    // an alarm that pages should also say when it is over
    const ok = options.okActions ?? options.actions ?? [];
    for (const alarm of this.all) {
      alarm.addAlarmAction(...(options.actions ?? []));
      alarm.addOkAction(...ok);
    }
  }

  /** Every alarm, for wiring actions or composite alarms. */
  public get all(): cloudwatch.Alarm[] {
    return [
      this.controllerErrors,
      this.failedTicks,
      this.pingFailureRate,
      this.targetFailures,
      this.sustainedShortfall,
      this.partialTicks,
      ...(this.provisionedFailed !== undefined ? [this.provisionedFailed] : []),
      ...Object.values(this.warmRatio),
      ...Object.values(this.targetShortfall),
    ];
  }
}

function controllerErrorsAlarm(scope: Construct, { service, controller }: AlarmOptions): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, 'ControllerErrors', {
    alarmDescription: `Thermostat controller (${service}) failed in 3 of the last 5 minutes; see its logs.`,
    metric: controller.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

function failedTicksAlarm(scope: Construct, { service, deadLetterQueue }: AlarmOptions): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, 'FailedTicks', {
    alarmDescription: `Thermostat ticks (${service}) failed or expired and are in the dead-letter queue; read one to see why, then purge it.`,
    metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: 'Maximum',
    }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

function pingFailureRateAlarm(scope: Construct, { service, pingFailureRateThreshold }: AlarmOptions): cloudwatch.Alarm {
  const period = PERIOD;
  return new cloudwatch.Alarm(scope, 'PingFailureRate', {
    alarmDescription: `More than ${pingFailureRateThreshold * 100}% of Thermostat pings (${service}) failed: throttled, erroring, or functions without the target helper.`,
    metric: new cloudwatch.MathExpression({
      expression: 'IF(sent > 0, FILL(failed, 0) / sent, 0)',
      usingMetrics: {
        sent: controllerMetric(ControllerMetric.PingsSent, service, { period }),
        failed: controllerMetric(ControllerMetric.PingFailures, service, { period }),
      },
      period,
      label: 'Ping failure rate',
    }),
    threshold: pingFailureRateThreshold,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

interface SustainedOptions {
  readonly id: string;
  readonly name: ControllerMetricName;
  readonly description: string;
  /** @default 'Sum' */
  readonly statistic?: string;
  /** One target's metric (it has detailed metrics) instead of the controller's total. */
  readonly target?: BoundTarget;
}

/** A controller metric at 1 or more for 15 minutes. */
function sustainedAlarm(scope: Construct, service: string, options: SustainedOptions): cloudwatch.Alarm {
  const { name, target } = options;
  const shape = { period: PERIOD, statistic: options.statistic ?? 'Sum' };
  return new cloudwatch.Alarm(scope, options.id, {
    alarmDescription: options.description,
    metric:
      target === undefined
        ? controllerMetric(name, service, shape)
        : targetMetric(name, service, target.ref.metricKey, shape),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

/** Per target: a warm-ratio alarm when it has an objective, a shortfall alarm when it has detailed metrics. */
function targetAlarms(scope: Construct, { service, targets }: AlarmOptions) {
  const warmRatioAlarms: Record<string, cloudwatch.Alarm> = {};
  const shortfall: Record<string, cloudwatch.Alarm> = {};
  for (const target of targets) {
    if (target.detailedMetrics)
      shortfall[target.id] = sustainedAlarm(scope, service, {
        id: `Shortfall${target.index}`,
        name: ControllerMetric.Shortfall,
        description: `Thermostat (${service}) proved fewer warm environments for ${target.label} than its policy wants for 15 minutes.`,
        target,
      });
    if (target.warmRatioObjective === undefined) continue;
    const qualifier = target.helperQualifierDimension ? (target.ref.qualifier ?? '$LATEST') : undefined;
    warmRatioAlarms[target.id] = new cloudwatch.Alarm(scope, `WarmRatio${target.index}`, {
      alarmDescription: `Warm starts of ${target.label}${qualifier === undefined ? ' (all versions of the function)' : ''} stayed below ${target.warmRatioObjective} for 15 minutes (policy ${portableSource(target.loaded.file)}).`,
      metric: warmRatio(target.ref.functionName, PERIOD, qualifier),
      threshold: target.warmRatioObjective,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
  return { warmRatio: warmRatioAlarms, shortfall };
}
