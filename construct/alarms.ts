/**
 * Alarms that page on what users feel or on Thermostat being broken, never on a single blip: missing data (an
 * idle function, a quiet hour) never breaches.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BoundTarget } from './binding';
import { ControllerMetric, controllerMetric, warmRatio } from './metrics';

export interface AlarmOptions {
  readonly service: string;
  readonly targets: readonly BoundTarget[];
  readonly controller: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
  readonly pingFailureRateThreshold: number;
  readonly actions?: readonly cloudwatch.IAlarmAction[];
}

/** The alarms of one Thermostat; `warmRatio` is keyed by target id (`t0`, `t1`, ...). */
export class ThermostatAlarms extends Construct {
  /** The controller failed (threw or timed out) in 3 of the last 5 ticks. */
  public readonly controllerErrors: cloudwatch.Alarm;
  /** A tick could not run at all and landed in the dead-letter queue. */
  public readonly failedTicks: cloudwatch.Alarm;
  /** More than the threshold share of pings failed, in 2 of the last 3 five-minute periods. */
  public readonly pingFailureRate: cloudwatch.Alarm;
  /** Per target with an objective: the warm ratio stayed below it for 15 minutes. */
  public readonly warmRatio: Readonly<Record<string, cloudwatch.Alarm>>;

  constructor(scope: Construct, id: string, options: AlarmOptions) {
    super(scope, id);
    const { service } = options;

    this.controllerErrors = new cloudwatch.Alarm(this, 'ControllerErrors', {
      alarmDescription: `Thermostat controller (${service}) failed in 3 of the last 5 minutes; see its logs.`,
      metric: options.controller.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.failedTicks = new cloudwatch.Alarm(this, 'FailedTicks', {
      alarmDescription: `Thermostat ticks (${service}) failed or expired and are in the dead-letter queue; read one to see why, then purge it.`,
      metric: options.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const period = Duration.minutes(5);
    this.pingFailureRate = new cloudwatch.Alarm(this, 'PingFailureRate', {
      alarmDescription: `More than ${options.pingFailureRateThreshold * 100}% of Thermostat pings (${service}) failed: throttled, erroring, or functions without the target helper.`,
      metric: new cloudwatch.MathExpression({
        expression: 'IF(sent > 0, failed / sent, 0)',
        usingMetrics: {
          sent: controllerMetric(ControllerMetric.PingsSent, service, { period }),
          failed: controllerMetric(ControllerMetric.PingFailures, service, { period }),
        },
        period,
        label: 'Ping failure rate',
      }),
      threshold: options.pingFailureRateThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const byTarget: Record<string, cloudwatch.Alarm> = {};
    for (const target of options.targets) {
      if (target.warmRatioObjective === undefined) continue;
      byTarget[target.id] = new cloudwatch.Alarm(this, `WarmRatio${target.index}`, {
        alarmDescription: `Warm starts of ${target.label} stayed below ${target.warmRatioObjective} for 15 minutes (policy ${target.loaded.file}).`,
        metric: warmRatio(target.ref.functionName, period),
        threshold: target.warmRatioObjective,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    this.warmRatio = byTarget;

    for (const alarm of this.all) alarm.addAlarmAction(...(options.actions ?? []));
  }

  /** Every alarm, for wiring actions or composite alarms. */
  public get all(): cloudwatch.Alarm[] {
    return [this.controllerErrors, this.failedTicks, this.pingFailureRate, ...Object.values(this.warmRatio)];
  }
}
