import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Thermostat } from '../../construct';
import { COLD_START_QUERY } from '../../construct/dashboard';
import { newStack, render, resourceOf, standardTargets } from './stacks';

interface Widget {
  type: string;
  width: number;
  properties: {
    title?: string;
    markdown?: string;
    query?: string;
    metrics?: unknown[][];
    annotations?: { horizontal?: { value: number; label?: string }[] };
  };
}

/** Metric rows of a graph: [namespace, name, dim, value, ...] or [{ expression }] entries. */
function metricNames(widget: Widget): string[] {
  return (widget.properties.metrics ?? []).map((row) => {
    const options = row[row.length - 1] as { expression?: string; label?: string };
    return options.expression !== undefined ? `expr:${options.expression}` : `${row[0]}/${row[1]}`;
  });
}

function dimensionsOf(widget: Widget, metric: string): unknown[] {
  const row = (widget.properties.metrics ?? []).find((r) => r[1] === metric);
  if (row === undefined) throw new Error(`${metric} is not in ${widget.properties.title}`);
  return row.slice(2, -1);
}

describe('Thermostat dashboard and alarms', () => {
  let stack: Stack;
  let thermostat: Thermostat;
  let template: Template;
  let widgets: Widget[];
  let topic: sns.Topic;
  /** What each function's name renders to in the template (a Ref: the name is known only at deploy). */
  let names: Record<'checkout' | 'reports' | 'inbox', string>;

  beforeAll(() => {
    stack = newStack();
    topic = new sns.Topic(stack, 'Alerts');
    const built = standardTargets(stack);
    names = {
      checkout: render(stack.resolve(built.checkout.version.lambda.functionName)),
      reports: render(stack.resolve(built.reports.version.lambda.functionName)),
      inbox: render(stack.resolve(built.inbox.functionName)),
    };
    thermostat = new Thermostat(stack, 'Thermostat', {
      targets: built.targets,
      warmRatioObjective: 0.8,
      alarmActions: [new actions.SnsAction(topic)],
    });
    template = Template.fromStack(stack);
    const dashboard = resourceOf(template, 'AWS::CloudWatch::Dashboard', 'ThermostatDashboard');
    widgets = (JSON.parse(render(dashboard.properties.DashboardBody)) as { widgets: Widget[] }).widgets;
  });

  test('opens with the controller health: pings, environments, shortfall, failures, tick duration', () => {
    const service = thermostat.serviceName;
    const [header, pings, failures, duration] = widgets;
    expect(header!.properties.markdown).toContain(`service \`${service}\`, 3 target(s)`);
    expect(metricNames(pings!)).toEqual([
      'Thermostat/PingsSent',
      'Thermostat/EnvironmentsProven',
      'Thermostat/ColdEnvironments',
      'Thermostat/Shortfall',
    ]);
    expect(dimensionsOf(pings!, 'PingsSent')).toEqual(['service', service]);
    expect(metricNames(failures!)).toEqual([
      'Thermostat/PingFailures',
      'Thermostat/TargetFailures',
      'AWS/Lambda/Errors',
      'AWS/Lambda/Throttles',
      'AWS/SQS/ApproximateNumberOfMessagesVisible',
    ]);
    expect(metricNames(duration!)).toEqual(['Thermostat/TickDuration', 'Thermostat/TickDuration']);
    expect(duration!.properties.annotations?.horizontal).toEqual([
      { value: 50000, label: 'Timeout', color: '#d62728', yAxis: 'left' },
    ]);
  });

  test('shows cold vs warm starts, the warm ratio and the REPORT-line count for every target', () => {
    for (const [label, fnName, key] of [
      ['checkout-api:live', names.checkout, `${names.checkout}:live`],
      ['reports:live', names.reports, `${names.reports}:live`],
      ['inbox', names.inbox, names.inbox],
    ] as const) {
      const titled = (suffix: string) => {
        const widget = widgets.find((w) => w.properties.title === `${label}: ${suffix}`);
        if (widget === undefined) throw new Error(`no widget "${label}: ${suffix}"`);
        return widget;
      };
      const starts = titled('cold vs warm starts');
      expect(metricNames(starts)).toEqual(['Thermostat/ColdStart', 'Thermostat/WarmStart']);
      expect(dimensionsOf(starts, 'ColdStart')).toEqual(['FunctionName', fnName]);
      const ratio = titled('warm ratio');
      expect(metricNames(ratio)).toEqual(['expr:warm / (warm + cold)', 'Thermostat/WarmStart', 'Thermostat/ColdStart']);
      const logs = titled('cold starts from REPORT lines');
      expect(logs.properties.query).toBe(`SOURCE '/aws/lambda/${fnName}' | ${COLD_START_QUERY.join('\n| ')}`);
      expect(logs.properties.query).toContain('count(@initDuration)');
      const warming = titled('warming');
      expect(dimensionsOf(warming, 'PingsSent')).toEqual(['Target', key, 'service', thermostat.serviceName]);
    }
    const objective = widgets.find((w) => w.properties.title === 'checkout-api:live: warm ratio');
    expect(objective!.properties.annotations?.horizontal).toEqual([{ value: 0.9, label: 'Objective', yAxis: 'left' }]);
  });

  test('shows provisioned-concurrency utilisation and spillover for aliases only', () => {
    const pcTitles = widgets.map((w) => w.properties.title ?? '').filter((t) => /utilisation|spillover/.test(t));
    expect(pcTitles).toEqual([
      'checkout-api:live: provisioned concurrency utilisation',
      'checkout-api:live: spillover',
      'reports:live: provisioned concurrency utilisation',
      'reports:live: spillover',
    ]);
    const utilisation = widgets.find(
      (w) => w.properties.title === 'reports:live: provisioned concurrency utilisation',
    )!;
    expect(metricNames(utilisation)).toEqual([
      'AWS/Lambda/ProvisionedConcurrencyUtilization',
      'Thermostat/ProvisionedRequested',
      'Thermostat/ProvisionedAllocated',
    ]);
    expect(dimensionsOf(utilisation, 'ProvisionedConcurrencyUtilization')).toEqual([
      'FunctionName',
      names.reports,
      'Resource',
      `${names.reports}:live`,
    ]);
    const spillover = widgets.find((w) => w.properties.title === 'reports:live: spillover')!;
    expect(metricNames(spillover)).toEqual([
      'AWS/Lambda/ProvisionedConcurrencySpilloverInvocations',
      'AWS/Lambda/ProvisionedConcurrencyInvocations',
    ]);
  });

  test('no row is wider than the 24-column grid', () => {
    expect(widgets.every((w) => w.width <= 24)).toBe(true);
    expect(widgets.filter((w) => w.type === 'log')).toHaveLength(3);
  });

  test('alarms on controller errors, failed ticks and ping failure rate', () => {
    const service = thermostat.serviceName;
    const controller = resourceOf(template, 'AWS::Lambda::Function', 'ThermostatController').id;
    const queue = resourceOf(template, 'AWS::SQS::Queue', 'ThermostatFailedTicks').id;
    const alarm = (prefix: string) =>
      resourceOf(template, 'AWS::CloudWatch::Alarm', `ThermostatAlarms${prefix}`).properties;
    expect(alarm('ControllerErrors')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: controller } }],
      Statistic: 'Sum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
    });
    expect(alarm('FailedTicks')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 1,
      EvaluationPeriods: 1,
    });
    const pings = alarm('PingFailureRate');
    expect(pings).toMatchObject({
      Threshold: 0.1,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
    expect(pings.Metrics).toEqual([
      { Id: 'expr_1', Expression: 'IF(sent > 0, failed / sent, 0)', Label: 'Ping failure rate', ReturnData: true },
      metricStat('sent', 'PingsSent', [{ Name: 'service', Value: service }], 300),
      metricStat('failed', 'PingFailures', [{ Name: 'service', Value: service }], 300),
    ]);
  });

  test('alarms per target on the warm ratio, with the objective from the policy or the construct', () => {
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'))
      .filter(([id]) => id.startsWith('ThermostatAlarmsWarmRatio'))
      .map(([, a]) => a.Properties);
    expect(alarms.map((a) => [a.Threshold, render(a.Metrics[1].MetricStat.Metric.Dimensions[0].Value)])).toEqual([
      [0.9, names.checkout],
      [0.8, names.reports],
      [0.8, names.inbox],
    ]);
    expect(alarms[0]).toMatchObject({
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
    });
    expect(alarms[0].Metrics[0]).toEqual({
      Id: 'expr_1',
      Expression: 'warm / (warm + cold)',
      Label: 'Warm ratio',
      ReturnData: true,
    });
    expect(Object.keys(thermostat.alarms!.warmRatio)).toEqual(['t0', 't1', 't2']);
  });

  test('every alarm notifies the configured actions', () => {
    const topicRef = stack.resolve(topic.topicArn);
    const all = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(all).toHaveLength(6);
    for (const alarm of all) expect(alarm.Properties.AlarmActions).toEqual([topicRef]);
  });
});

function metricStat(id: string, name: string, dimensions: unknown[], period: number) {
  return {
    Id: id,
    MetricStat: {
      Metric: { Namespace: 'Thermostat', MetricName: name, Dimensions: dimensions },
      Period: period,
      Stat: 'Sum',
    },
    ReturnData: false,
  };
}
