import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { TargetPolicy, Thermostat } from '../../construct';
import { Actions } from '../../construct/permissions';
import { DISCOVERED, fn, newStack, resourceOf, standardTargets } from './stacks';

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

function controllerStatements(template: Template): Statement[] {
  const policy = resourceOf(template, 'AWS::IAM::Policy', 'ThermostatRoleDefaultPolicy');
  return (policy.properties.PolicyDocument as { Statement: Statement[] }).Statement;
}

const list = (values: readonly string[]) => (values.length === 1 ? values[0] : [...values]);

/**
 * Every statement in the template that grants a Lambda action on a wildcard resource, except
 * lambda:GetAccountSettings, which is account-level and has no resource to name.
 */
function lambdaWildcards(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
    .filter((s) => [s.Action].flat().some((a) => a.startsWith('lambda:') && a !== 'lambda:GetAccountSettings'))
    .filter((s) => JSON.stringify(s.Resource).includes('*'));
}

describe('Thermostat IAM: least privilege for the controller', () => {
  test('grants exactly these statements for warm, provisioned-with-autoscaling and $LATEST targets', () => {
    // GIVEN
    const stack = newStack();
    const bus = new events.EventBus(stack, 'Bus');
    const built = standardTargets(stack);

    // WHEN
    const thermostat = new Thermostat(stack, 'Thermostat', { targets: built.targets, eventBus: bus });
    const template = Template.fromStack(stack);
    const r = (value: unknown) => stack.resolve(value);
    const lambdaOnly = {
      'application-autoscaling:service-namespace': 'lambda',
      'application-autoscaling:scalable-dimension': 'lambda:function:ProvisionedConcurrency',
    };
    // the tag Thermostat puts on its scalable targets, valued with its service name (see the controller's act/)
    const tag = 'thermostat:controller';
    const table = resourceOf(template, 'AWS::DynamoDB::Table', 'ThermostatStateTable').id;
    const logs = resourceOf(template, 'AWS::Logs::LogGroup', 'ThermostatLogs').id;
    const queue = resourceOf(template, 'AWS::SQS::Queue', 'ThermostatFailedTicks').id;
    const scheduleRole = resourceOf(template, 'AWS::IAM::Role', 'ThermostatScheduleRole').id;
    const arn = (service: string, resource: string, region = 'eu-west-1') => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:${region}:123456789012:${resource}`]],
    });
    // functions with a fixed name: the ARN is built from the name (no reference to the function is needed)
    const fnArn = (name: string) => arn('lambda', `function:${name}`);

    // THEN
    expect(controllerStatements(template)).toEqual([
      {
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [logs, 'Arn'] },
      },
      {
        Sid: 'InvokeTargets',
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: [fnArn('checkout-api:live'), fnArn('reports:live'), fnArn('inbox')],
      },
      {
        Sid: 'ReadTargetFunctions',
        Action: [...Actions.readFunction],
        Effect: 'Allow',
        Resource: [fnArn('checkout-api'), fnArn('reports'), fnArn('inbox')],
      },
      {
        Sid: 'ReadTargetQualifiers',
        Action: [...Actions.readQualifier],
        Effect: 'Allow',
        Resource: [fnArn('checkout-api:live'), fnArn('reports:live')],
      },
      // only reports' policy can ask for provisioned concurrency
      {
        Sid: 'ManageProvisionedConcurrency',
        Action: [...Actions.writeProvisioned],
        Effect: 'Allow',
        Resource: fnArn('reports:live'),
      },
      { Sid: 'ReadMetricsAndAccountLimits', Action: [...Actions.unscoped], Effect: 'Allow', Resource: '*' },
      {
        Sid: 'StateTable',
        Action: [...Actions.stateTable],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [table, 'Arn'] },
      },
      { Sid: 'PublishRunSummaries', Action: 'events:PutEvents', Effect: 'Allow', Resource: r(bus.eventBusArn) },
      { Sid: 'DescribeAutoScaling', Action: [...Actions.autoscalingDescribe], Effect: 'Allow', Resource: '*' },
      {
        Sid: 'RegisterTaggedScalableTargets',
        Action: 'application-autoscaling:RegisterScalableTarget',
        Effect: 'Allow',
        Resource: arn('application-autoscaling', 'scalable-target/*'),
        Condition: { StringEquals: { ...lambdaOnly, [`aws:RequestTag/${tag}`]: thermostat.serviceName } },
      },
      {
        Sid: 'ChangeOwnScalableTargets',
        Action: [...Actions.autoscalingWrite],
        Effect: 'Allow',
        Resource: arn('application-autoscaling', 'scalable-target/*'),
        Condition: { StringEquals: { ...lambdaOnly, [`aws:ResourceTag/${tag}`]: thermostat.serviceName } },
      },
      {
        Sid: 'TagAdoptedScalableTargets',
        Action: 'application-autoscaling:TagResource',
        Effect: 'Allow',
        Resource: arn('application-autoscaling', 'scalable-target/*'),
        Condition: {
          StringEquals: { [`aws:RequestTag/${tag}`]: thermostat.serviceName },
          'ForAllValues:StringEquals': { 'aws:TagKeys': tag },
        },
      },
      {
        Sid: 'UntagReleasedScalableTargets',
        Action: 'application-autoscaling:UntagResource',
        Effect: 'Allow',
        Resource: arn('application-autoscaling', 'scalable-target/*'),
        Condition: {
          StringEquals: { [`aws:ResourceTag/${tag}`]: thermostat.serviceName },
          'ForAllValues:StringEquals': { 'aws:TagKeys': tag },
        },
      },
      {
        Sid: 'TargetTrackingAlarms',
        Action: [...Actions.autoscalingAlarms],
        Effect: 'Allow',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':cloudwatch:eu-west-1:123456789012:alarm:TargetTracking-function:',
              r(built.reports.version.lambda.functionName),
              ':live-*',
            ],
          ],
        },
      },
      {
        Sid: 'CreateAutoScalingServiceLinkedRole',
        Action: 'iam:CreateServiceLinkedRole',
        Effect: 'Allow',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':iam::123456789012:role/aws-service-role/lambda.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_LambdaConcurrency',
            ],
          ],
        },
        Condition: { StringEquals: { 'iam:AWSServiceName': 'lambda.application-autoscaling.amazonaws.com' } },
      },
      { Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Effect: 'Allow', Resource: '*' },
      {
        Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [queue, 'Arn'] },
      },
      // to pause its own schedule while nothing is due: that schedule only, and passing back that schedule's role
      {
        Action: ['scheduler:GetSchedule', 'scheduler:UpdateSchedule'],
        Effect: 'Allow',
        Resource: arn('scheduler', 'schedule/default/Test-Thermostat-F60D81A5-tick'),
      },
      {
        Action: 'iam:PassRole',
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [scheduleRole, 'Arn'] },
      },
    ]);
    expect(lambdaWildcards(template)).toEqual([]);
  });

  test('warm-only policies get no provisioned-concurrency writes, no Application Auto Scaling and no events', () => {
    const stack = newStack();
    const live = fn(stack, 'Checkout', { functionName: 'checkout-api' }).addAlias('live');
    new Thermostat(stack, 'Thermostat', {
      targets: [{ function: live, policy: TargetPolicy.fromObject({ mode: 'warm', warm: { concurrency: 3 } }) }],
    });
    const template = Template.fromStack(stack);
    const statements = controllerStatements(template);
    expect(statements.map((s) => s.Sid).filter(Boolean)).toEqual([
      'InvokeTargets',
      'ReadTargetFunctions',
      'ReadTargetQualifiers',
      'ReadMetricsAndAccountLimits',
      'StateTable',
    ]);
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(
      actions.filter((a) => /^(application-autoscaling|iam|events):/.test(a) || a.includes('Provisioned')),
    ).toEqual(['lambda:ListProvisionedConcurrencyConfigs', 'lambda:GetProvisionedConcurrencyConfig', 'iam:PassRole']);
    expect(lambdaWildcards(template)).toEqual([]);
  });

  test('direct provisioned concurrency gets writes on that alias only, and reads scalable targets without writing them', () => {
    const stack = newStack();
    const base = fn(stack, 'Batch', { functionName: 'batch' });
    const live = base.addAlias('live');
    const inbox = fn(stack, 'Inbox', { functionName: 'inbox' });
    new Thermostat(stack, 'Thermostat', {
      targets: [
        { function: live, policy: TargetPolicy.fromObject({ mode: 'provisioned', provisioned: { min: 2 } }) },
        { function: inbox, policy: TargetPolicy.fromObject({ mode: 'warm' }) },
      ],
    });
    const statements = controllerStatements(Template.fromStack(stack));
    expect(statements.find((s) => s.Sid === 'ManageProvisionedConcurrency')).toEqual({
      Sid: 'ManageProvisionedConcurrency',
      Action: list(Actions.writeProvisioned),
      Effect: 'Allow',
      Resource: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':lambda:eu-west-1:123456789012:function:batch:live']],
      },
    });
    const autoscaling = statements
      .flatMap((s) => [s.Action].flat())
      .filter((a) => a.startsWith('application-autoscaling:'));
    expect(autoscaling).toEqual([...Actions.autoscalingDescribe]);
    expect(statements.some((s) => [s.Action].flat().includes('iam:CreateServiceLinkedRole'))).toBe(false);
  });
});

describe('the controller invokes itself to shard a large tick', () => {
  test('gets no self-invoke grant when the tick can never be sharded (250 targets or fewer, no discovery)', () => {
    const stack = newStack('NoShards');
    const thermostat = new Thermostat(stack, 'Thermostat', { targets: standardTargets(stack).targets });
    expect(thermostat.shards).toBe(false);
    const template = Template.fromStack(stack);
    expect(Object.keys(template.findResources('AWS::IAM::Policy')).filter((id) => id.includes('InvokeSelf'))).toEqual(
      [],
    );
  });

  test('gets lambda:InvokeFunction on exactly its own unqualified ARN, in a policy the function does not depend on', () => {
    const stack = newStack('Shards');
    const built = standardTargets(stack);
    // discovery can bring any number of targets, so the tick may be sharded
    const thermostat = new Thermostat(stack, 'Thermostat', {
      targets: built.targets,
      discoverByTag: { policies: TargetPolicy.fromDirectory(DISCOVERED) },
    });
    expect(thermostat.shards).toBe(true);
    const reported = jest.spyOn(console, 'error');
    const template = Template.fromStack(stack);
    // synth's own template validation reports circular dependencies this way
    expect(reported.mock.calls.flat().join('\n')).not.toMatch(/Circular/i);
    reported.mockRestore();
    const controller = resourceOf(template, 'AWS::Lambda::Function', 'ThermostatController');
    const policy = resourceOf(template, 'AWS::IAM::Policy', 'ThermostatInvokeSelf');

    expect(policy.properties.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'InvokeSelfForShards',
          Action: 'lambda:InvokeFunction',
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [controller.id, 'Arn'] },
        },
      ],
    });
    expect(policy.properties.Roles).toEqual([stack.resolve(thermostat.role.roleName)]);
    // the default policy still invokes only the targets
    const invokes = controllerStatements(template).filter((s) => [s.Action].flat().includes('lambda:InvokeFunction'));
    expect(invokes.map((s) => s.Sid)).toEqual(['InvokeTargets', 'TaggedTargets']);
    // the function waits for its role and default policy, never for the policy that names it (Template.fromStack
    // above would also have thrown on a dependency cycle)
    expect([controller.resource.DependsOn].flat()).not.toContain(policy.id);
    const app = stack.node.root;
    if (!App.isApp(app)) throw new Error('the stack is not in an app');
    const synthesized = app.synth().getStackByName(stack.stackName).template as { Resources: object };
    expect(synthesized.Resources).toHaveProperty(policy.id);
  });

  test('the same statement in the role’s default policy would be a dependency cycle, which the assertions catch', () => {
    const stack = newStack('Cycle');
    const built = standardTargets(stack);
    const thermostat = new Thermostat(stack, 'Thermostat', {
      targets: built.targets,
      discoverByTag: { policies: TargetPolicy.fromDirectory(DISCOVERED) },
    });
    thermostat.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [thermostat.controller.functionArn] }),
    );
    const reported = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(() => Template.fromStack(stack)).toThrow(/cycl/i);
      expect(reported.mock.calls.flat().join('\n')).toMatch(/Circular dependency/);
    } finally {
      reported.mockRestore();
    }
  });
});
