import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { TargetPolicy, Thermostat } from '../../construct';
import { COLD_START_QUERY, TOP_N } from '../../construct/dashboard';
import { fn, newStack, render, resourceOf, standardTargets } from './stacks';

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

  test('shows incomplete ticks and FAILED provisioned concurrency from the controller totals', () => {
    const titled = (prefix: string) => widgets.find((w) => (w.properties.title ?? '').startsWith(prefix))!;
    expect(metricNames(titled('Incomplete ticks'))).toEqual(['Thermostat/TicksPartial', 'Thermostat/TargetsSkipped']);
    expect(dimensionsOf(titled('Incomplete ticks'), 'TicksPartial')).toEqual(['service', thermostat.serviceName]);
    expect(metricNames(titled('Provisioned concurrency FAILED'))).toEqual(['Thermostat/ProvisionedFailed']);
  });

  test('shows warmth across functions with SEARCH (top N), not a widget per target', () => {
    const expressions = widgets.flatMap((w) => metricNames(w)).filter((m) => m.startsWith('expr:'));
    expect(expressions).toEqual(
      expect.arrayContaining([
        `expr:SORT(SEARCH('{Thermostat,FunctionName} MetricName="ColdStart"', 'Sum', 300), SUM, DESC, ${TOP_N})`,
        expect.stringMatching(/^expr:SUM\(SEARCH\('\{Thermostat,FunctionName\} MetricName="WarmStart"'/),
      ]),
    );
    // no title names a target: the layout does not grow with the targets
    expect(widgets.filter((w) => /checkout-api|reports|inbox/.test(w.properties.title ?? ''))).toEqual([]);
  });

  test("sets the helper's warm ratio against auto mode's forecast, both weighted by traffic", () => {
    const ratio = widgets.find((w) => (w.properties.title ?? '').startsWith('Warm ratio of real invocations'))!;
    expect(metricNames(ratio)).toEqual([
      expect.stringMatching(/^expr:SUM\(SEARCH\('\{Thermostat,FunctionName\} MetricName="WarmStart"'/),
      'expr:1 - forecastCold / forecast',
      'Thermostat/ForecastRequests',
      'Thermostat/ForecastColdRequests',
    ]);
    // the controller's totals, as it emits them (controller/report/metrics.ts), hidden behind the expression
    expect(dimensionsOf(ratio, 'ForecastRequests')).toEqual(['service', thermostat.serviceName]);
    expect(dimensionsOf(ratio, 'ForecastColdRequests')).toEqual(['service', thermostat.serviceName]);
    const hidden = (ratio.properties.metrics ?? []).filter((row) => typeof row[0] === 'string');
    expect(hidden.map((row) => (row[row.length - 1] as { visible?: boolean }).visible)).toEqual([false, false]);
  });

  test('one Logs Insights table compares REPORT lines with the helper’s records, so pings are not counted as traffic', () => {
    const logs = widgets.filter((w) => w.type === 'log');
    expect(logs).toHaveLength(1);
    const query = logs[0]!.properties.query!;
    expect(query).toBe(
      `SOURCE '/aws/lambda/${names.checkout}' | SOURCE '/aws/lambda/${names.reports}' | SOURCE '/aws/lambda/${names.inbox}' | ${COLD_START_QUERY.join('\n| ')}`,
    );
    // real cold starts come from the helper's records (one per real invocation, none per ping)
    expect(query).toContain('sum(ColdStart) as realColdStarts');
    expect(query).toContain('count(@duration) - count(StartKind) as pingsAndUncounted');
  });

  test('shows provisioned-concurrency widgets only when some policy can use provisioned concurrency', () => {
    const pcTitles = widgets.map((w) => w.properties.title ?? '').filter((t) => /utilisation|Spillover/.test(t));
    expect(pcTitles).toEqual([
      `Provisioned concurrency utilisation: top ${TOP_N} aliases and versions`,
      `Spillover to on-demand: top ${TOP_N} aliases and versions`,
    ]);
    expect(widgets.some((w) => w.properties.title === 'Provisioned concurrency FAILED')).toBe(true);
    const warmOnly = newStack('WarmOnly');
    const live = fn(warmOnly, 'Api', { functionName: 'api' }).addAlias('live');
    new Thermostat(warmOnly, 'Thermostat', {
      targets: [{ function: live, policy: TargetPolicy.fromObject({ mode: 'warm' }) }],
    });
    const body = resourceOf(Template.fromStack(warmOnly), 'AWS::CloudWatch::Dashboard', 'ThermostatDashboard');
    const titles = (JSON.parse(render(body.properties.DashboardBody)) as { widgets: Widget[] }).widgets.map(
      (w) => w.properties.title ?? '',
    );
    expect(titles.filter((t) => /[Pp]rovisioned|Spillover/.test(t))).toEqual([]);
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
      {
        Id: 'expr_1',
        Expression: 'IF(sent > 0, FILL(failed, 0) / sent, 0)',
        Label: 'Ping failure rate',
        ReturnData: true,
      },
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

  test('alarms on target failures, sustained shortfall, partial ticks and FAILED provisioned concurrency (totals)', () => {
    const service = [{ Name: 'service', Value: thermostat.serviceName }];
    const alarm = (prefix: string) =>
      resourceOf(template, 'AWS::CloudWatch::Alarm', `ThermostatAlarms${prefix}`).properties;
    expect(alarm('TargetFailures')).toMatchObject({
      MetricName: 'TargetFailures',
      Dimensions: service,
      Period: 60,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      Threshold: 1,
    });
    for (const [id, metric] of [
      ['SustainedShortfall', 'Shortfall'],
      ['PartialTicks', 'TicksPartial'],
    ])
      expect(alarm(id!)).toMatchObject({
        MetricName: metric,
        Dimensions: service,
        Period: 300,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        TreatMissingData: 'notBreaching',
      });
    expect(alarm('ProvisionedFailed')).toMatchObject({
      MetricName: 'ProvisionedFailed',
      Statistic: 'Maximum',
      Threshold: 1,
      EvaluationPeriods: 1,
    });
  });

  test('every alarm notifies the configured actions, and again when it is over (OK actions)', () => {
    const topicRef = stack.resolve(topic.topicArn);
    const all = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(all).toHaveLength(10);
    expect(thermostat.alarms!.all).toHaveLength(10);
    for (const alarm of all) {
      expect(alarm.Properties.AlarmActions).toEqual([topicRef]);
      expect(alarm.Properties.OKActions).toEqual([topicRef]);
    }
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

describe('per-target alarms and metrics', () => {
  test('two aliases of one function: with the helper’s Qualifier dimension, each warm-ratio alarm reads its own alias', () => {
    const stack = newStack('Aliases');
    const base = fn(stack, 'Api', { functionName: 'api' });
    const live = base.addAlias('live');
    const canary = base.addAlias('canary');
    const thermostat = new Thermostat(stack, 'Thermostat', {
      targets: [
        {
          function: live,
          policy: TargetPolicy.fromObject({}),
          warmRatioObjective: 0.9,
          helperQualifierDimension: true,
        },
        {
          function: canary,
          policy: TargetPolicy.fromObject({}),
          warmRatioObjective: 0.5,
          helperQualifierDimension: true,
        },
      ],
    });
    const template = Template.fromStack(stack);
    const dims = Object.entries(template.findResources('AWS::CloudWatch::Alarm'))
      .filter(([id]) => id.includes('WarmRatio'))
      .map(([, a]) => a.Properties.Metrics[1].MetricStat.Metric.Dimensions);
    const name = stack.resolve(base.functionName);
    expect(dims).toEqual([
      [
        { Name: 'FunctionName', Value: name },
        { Name: 'Qualifier', Value: 'live' },
      ],
      [
        { Name: 'FunctionName', Value: name },
        { Name: 'Qualifier', Value: 'canary' },
      ],
    ]);
    const ratio = stack.resolve(thermostat.metricWarmRatio(canary).toMetricConfig().mathExpression);
    expect(JSON.stringify(ratio)).toContain('"Qualifier":"canary"');
  });

  test('metric methods give totals, and per target only for targets with detailedMetrics (which also get a shortfall alarm)', () => {
    const stack = newStack('Metrics');
    const api = fn(stack, 'Api', { functionName: 'api' }).addAlias('live');
    const batch = fn(stack, 'Batch', { functionName: 'batch' }).addAlias('live');
    const thermostat = new Thermostat(stack, 'Thermostat', {
      targets: [
        { function: api, policy: TargetPolicy.fromObject({}), detailedMetrics: true },
        { function: batch, policy: TargetPolicy.fromObject({}) },
      ],
    });
    expect(thermostat.metricPingsSent().dimensions).toEqual({ service: thermostat.serviceName });
    expect(stack.resolve(thermostat.metricShortfall({ target: api }).dimensions)).toEqual({
      service: thermostat.serviceName,
      Target: { 'Fn::Join': ['', [stack.resolve(api.version.lambda.functionName), ':live']] },
    });
    expect(thermostat.metricEnvironmentsProven({ target: api }).metricName).toBe('EnvironmentsProven');
    expect(() => thermostat.metricShortfall({ target: batch })).toThrow(
      'batch:live has no per-target metrics (the controller emits them only for targets with detailedMetrics: true); set detailedMetrics: true on targets[1]',
    );
    expect(Object.keys(thermostat.alarms!.targetShortfall)).toEqual(['t0']);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Shortfall',
      Dimensions: [
        { Name: 'Target', Value: { 'Fn::Join': ['', [stack.resolve(api.version.lambda.functionName), ':live']] } },
        { Name: 'service', Value: thermostat.serviceName },
      ],
    });
  });
});
