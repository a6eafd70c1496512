import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AssetStaging } from 'aws-cdk-lib';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { type PolicySetDocument, TargetPolicy, Thermostat, type ThermostatProps } from '../../construct';
import { readPolicyFile } from '../../controller/policies';
import { readConfigFile } from '../../controller/targets';
import { fn, newStack, render, resourceOf, standardStack } from './stacks';

/** A CloudFormation pseudo-parameter placeholder, `${AWS::<name>}`. */
const P = (name: string) => `\${AWS::${name}}`;

describe('Thermostat: default deployment', () => {
  let stack: Stack;
  let thermostat: Thermostat;
  let template: Template;

  beforeAll(() => {
    ({ stack, thermostat } = standardStack());
    template = Template.fromStack(stack);
  });

  test('the controller runs the pre-bundled asset on Node.js 22 arm64, bounded and traced', () => {
    const controller = resourceOf(template, 'AWS::Lambda::Function', 'ThermostatController');
    expect(controller.properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 50,
      ReservedConcurrentExecutions: 2,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.stringMatching(/^ThermostatLogs/) } },
    });
    expect(controller.properties.Code).toEqual({
      S3Bucket: expect.any(String),
      S3Key: expect.stringMatching(/^[0-9a-f]{64}\.zip$/),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('the controller is configured through its environment', () => {
    const { properties } = resourceOf(template, 'AWS::Lambda::Function', 'ThermostatController');
    const variables = (properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(variables).sort()).toEqual([
      'NODE_OPTIONS',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
      'THERMOSTAT_ACCOUNT',
      'THERMOSTAT_CONFIG_FILE',
      'THERMOSTAT_DISPATCH_MS_PER_PING',
      'THERMOSTAT_PARTITION',
      'THERMOSTAT_POLICY_FILE',
      'THERMOSTAT_SCHEDULE',
      'THERMOSTAT_SHARD_SIZE',
      'THERMOSTAT_TABLE',
      'THERMOSTAT_TICKS_ON_DEPLOY',
      'THERMOSTAT_TICK_SECONDS',
    ]);
    expect(variables.THERMOSTAT_POLICY_FILE).toBe('/var/task/policies.json');
    expect(variables.THERMOSTAT_CONFIG_FILE).toBe('/var/task/config.json');
    // 1.5 ms of CPU per ping at one vCPU (1,769 MB), at the default 256 MB's share.
    expect(variables.THERMOSTAT_DISPATCH_MS_PER_PING).toBe('10.4');
    expect(variables.THERMOSTAT_PARTITION).toEqual({ Ref: 'AWS::Partition' });
    expect(variables.THERMOSTAT_ACCOUNT).toEqual({ Ref: 'AWS::AccountId' });
    expect(variables.POWERTOOLS_METRICS_NAMESPACE).toBe('Thermostat');
    expect(variables.POWERTOOLS_SERVICE_NAME).toBe(thermostat.serviceName);
    expect(variables.THERMOSTAT_TABLE).toEqual({ Ref: expect.stringMatching(/^ThermostatStateTable/) });
    // its own schedule by a literal name (the schedule refers to the controller, not the other way round)
    const schedule = resourceOf(template, 'AWS::Scheduler::Schedule', 'ThermostatSchedule');
    expect(variables.THERMOSTAT_SCHEDULE).toBe(`default/${schedule.properties.Name}`);
    expect(variables.THERMOSTAT_TICK_SECONDS).toBe('60');
    // a deployment that changes a policy ticks at once, so the controller may pause up to its longest
    expect(variables.THERMOSTAT_TICKS_ON_DEPLOY).toBe('true');
    // the functions have fixed names, so their ARNs are in the asset's config.json (no environment entry)
    const staging = thermostat.controller.node.findChild('Code').node.findChild('Stage') as AssetStaging;
    const config = JSON.parse(readFileSync(join(staging.sourcePath, 'config.json'), 'utf8')) as {
      targets: Record<string, string>;
    };
    const arn = (name: string) => `arn:${P('Partition')}:lambda:eu-west-1:123456789012:function:${name}`;
    expect(config.targets).toEqual({
      'checkout-api:live': arn('checkout-api:live'),
      'reports:live': arn('reports:live'),
      'inbox:$LATEST': arn('inbox'),
    });
  });

  test('functions imported by name into an environment-agnostic stack: ARN templates in the asset, filled in by the controller', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const api = lambda.Function.fromFunctionName(stack, 'Api', 'orders-api');
    const thermostat = new Thermostat(stack, 'Thermostat', {
      targets: [{ function: api, policy: TargetPolicy.fromObject({ mode: 'warm' }) }],
    });
    const staging = thermostat.controller.node.findChild('Code').node.findChild('Stage') as AssetStaging;
    const config = JSON.parse(readFileSync(join(staging.sourcePath, 'config.json'), 'utf8')) as {
      targets: Record<string, string>;
    };
    expect(config.targets).toEqual({
      'orders-api:$LATEST': `arn:${P('Partition')}:lambda:${P('Region')}:${P('AccountId')}:function:orders-api`,
    });
    const { properties } = resourceOf(Template.fromStack(stack), 'AWS::Lambda::Function', 'ThermostatController');
    const variables = (properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.THERMOSTAT_TARGETS).toBeUndefined();
    // the controller's own reader turns the template into the deployed ARN
    const filled = readConfigFile(join(staging.sourcePath, 'config.json'), {
      THERMOSTAT_PARTITION: 'aws',
      AWS_REGION: 'us-east-1',
      THERMOSTAT_ACCOUNT: '210987654321',
    });
    expect(filled.targets).toEqual({
      'orders-api:$LATEST': 'arn:aws:lambda:us-east-1:210987654321:function:orders-api',
    });
  });

  test('ARNs known only at deploy time (generated names) travel in THERMOSTAT_TARGETS', () => {
    const stack = newStack('Generated');
    const live = fn(stack, 'Web').addAlias('live');
    new Thermostat(stack, 'Thermostat', { targets: [{ function: live, policy: TargetPolicy.fromObject({}) }] });
    const { properties } = resourceOf(Template.fromStack(stack), 'AWS::Lambda::Function', 'ThermostatController');
    const variables = (properties.Environment as { Variables: Record<string, unknown> }).Variables;
    // policy key -> the alias's own ARN, so the controller depends on the alias
    expect(JSON.parse(render(variables.THERMOSTAT_TARGETS))).toEqual({
      'Web-t0:live': expect.stringMatching(/^\$\{WebAliaslive[0-9A-F]+\}$/),
    });
  });

  test('the validated policies travel inside the asset, and the controller reads them back unchanged', () => {
    const staging = thermostat.controller.node.findChild('Code').node.findChild('Stage') as AssetStaging;
    const file = join(staging.sourcePath, 'policies.json');
    const document = JSON.parse(readFileSync(file, 'utf8')) as PolicySetDocument;
    expect(document.version).toBe(1);
    expect(document.sources).toEqual([
      'test/fixtures/construct/policies/checkout-api.yaml',
      'test/fixtures/construct/policies/reports.yaml',
      'test/fixtures/construct/policies/inbox.yaml',
    ]);
    // the set's defaults document is merged in
    expect(document.policies[0]).toMatchObject({
      function: 'checkout-api',
      timezone: 'Europe/Paris',
      budget: { maxConcurrency: 20 },
    });
    expect(readFileSync(join(staging.sourcePath, 'index.js')).length).toBeGreaterThan(0);

    // the controller's own reader: the same policies, no issues, and every key has its ARN in THERMOSTAT_TARGETS
    const read = readPolicyFile(file);
    expect(read.issues).toEqual([]);
    expect(read.policies.map((p) => p.policy)).toEqual(thermostat.targets.map((t) => t.loaded.policy));
    expect(read.policies.map((p) => p.key)).toEqual(['checkout-api:live', 'reports:live', 'inbox:$LATEST']);
  });

  test('failed ticks are neither retried nor lost: they go to the dead-letter queue', () => {
    const queue = resourceOf(template, 'AWS::SQS::Queue', 'ThermostatFailedTicks');
    expect(queue.properties).toEqual({ MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: resourceOf(template, 'AWS::Lambda::Function', 'ThermostatController').id },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 60,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue.id, 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })],
      },
    });
  });

  test('EventBridge Scheduler ticks every minute with retries off and the dead-letter queue', () => {
    const schedule = resourceOf(template, 'AWS::Scheduler::Schedule', 'ThermostatSchedule');
    const queue = resourceOf(template, 'AWS::SQS::Queue', 'ThermostatFailedTicks');
    const controller = resourceOf(template, 'AWS::Lambda::Function', 'ThermostatController');
    expect(schedule.properties).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [controller.id, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queue.id, 'Arn'] } },
      },
    });
    const input = JSON.parse((schedule.properties.Target as { Input: string }).Input);
    // the controller takes the tick's id from scheduledTime, so a duplicate delivery is recognised
    expect(input).toEqual({
      source: 'thermostat.schedule',
      scheduledTime: '<aws.scheduler.scheduled-time>',
      executionId: '<aws.scheduler.execution-id>',
    });
    // the schedule's role may invoke the controller's unqualified ARN and nothing else
    const roleArn = (schedule.properties.Target as { RoleArn: { 'Fn::GetAtt': [string, string] } }).RoleArn;
    const role = roleArn['Fn::GetAtt'][0];
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(role),
    );
    expect(policies.flatMap((p) => p.Properties.PolicyDocument.Statement)).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [controller.id, 'Arn'] } },
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [queue.id, 'Arn'] } },
    ]);
  });

  test('the state table is on demand, recoverable and expires history', () => {
    const table = resourceOf(template, 'AWS::DynamoDB::Table', 'ThermostatStateTable');
    expect(table.properties).toEqual({
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    expect(table.resource.DeletionPolicy).toBe('Retain');
  });

  test('matches the snapshot (asset and version hashes scrubbed)', () => {
    // asset hashes change with every controller build and version ids with every function change; neither says
    // anything about the construct
    const text = JSON.stringify(template.toJSON())
      .replace(/[0-9a-f]{64}/g, '[ASSET-HASH]')
      .replace(/(CurrentVersion[0-9A-F]{8})[0-9a-f]{32}/g, '$1[VERSION-HASH]');
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    expect(JSON.parse(text)).toMatchSnapshot();
  });

  test('every deployment that changes a target or a policy ends with a warm-up tick', () => {
    const warm = resourceOf(template, 'Custom::AWS', 'ThermostatWarmOnDeploy');
    const controller = resourceOf(template, 'AWS::Lambda::Function', 'ThermostatController');
    const call = JSON.parse(render(warm.properties.Create));
    expect(call).toMatchObject({
      service: 'Lambda',
      action: 'Invoke',
      parameters: { FunctionName: `\${${controller.id}.Arn}`, InvocationType: 'RequestResponse' },
      outputPaths: ['StatusCode'],
    });
    expect(render(warm.properties.Update)).toBe(render(warm.properties.Create));
    const payload = JSON.parse(call.parameters.Payload);
    expect(payload.source).toBe('thermostat.deployment');
    const { targets, policies } = payload.fingerprint;
    expect(policies).toMatch(/^[0-9a-f]{16}$/);
    // a new version changes the alias's version; a new $LATEST changes the code hash
    expect(targets.t0.version).toMatch(/^\$\{CheckoutCurrentVersion[0-9A-Za-z]+\.Version\}$/);
    expect(targets.t1.version).toMatch(/^\$\{ReportsCurrentVersion[0-9A-Za-z]+\.Version\}$/);
    expect(targets.t2).toEqual({
      arn: expect.stringMatching(/^\$\{Inbox[0-9A-F]+\.Arn\}$/),
      code: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    // it runs only once the controller's permissions exist
    expect(warm.resource.DependsOn).toEqual(
      expect.arrayContaining([expect.stringMatching(/^ThermostatRoleDefaultPolicy/)]),
    );
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('^ThermostatWarmOnDeployCustomResourcePolicy'),
      PolicyDocument: {
        Statement: [
          { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [controller.id, 'Arn'] } },
        ],
      },
    });
  });
});

describe('Thermostat: warm-up after a deployment', () => {
  /** The warm-up custom resource's Create call, as CloudFormation compares it between deployments. */
  function warmCall(code: string, concurrency: number, description?: string): string {
    const stack = newStack();
    const inbox = fn(stack, 'Inbox', { functionName: 'inbox', code: lambda.Code.fromInline(code), description });
    new Thermostat(stack, 'Thermostat', {
      targets: [{ function: inbox, policy: TargetPolicy.fromObject({ warm: { concurrency } }) }],
      dashboard: false,
      alarms: false,
    });
    return render(resourceOf(Template.fromStack(stack), 'Custom::AWS', 'ThermostatWarmOnDeploy').properties.Create);
  }

  test('runs again when $LATEST code or a policy changes, and not otherwise', () => {
    const base = warmCall('exports.handler = async () => 1', 1);
    expect(warmCall('exports.handler = async () => 1', 1)).toBe(base);
    // a new description replaces no execution environment
    expect(warmCall('exports.handler = async () => 1', 1, 'described')).toBe(base);
    expect(warmCall('exports.handler = async () => 2', 1)).not.toBe(base);
    expect(warmCall('exports.handler = async () => 1', 2)).not.toBe(base);
  });
});

describe('Thermostat: props', () => {
  test('schedule, timeout, memory, concurrency, retention and switches are honoured', () => {
    // GIVEN
    const stack = newStack();
    const target = fn(stack, 'Inbox', { functionName: 'inbox' });

    // WHEN
    new Thermostat(stack, 'Thermostat', {
      targets: [{ function: target, policy: TargetPolicy.fromObject({ mode: 'warm' }) }],
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(5)),
      timeout: Duration.minutes(2),
      memorySize: 1024,
      reservedConcurrentExecutions: 1,
      logRetention: logs.RetentionDays.ONE_WEEK,
      stateTableRemovalPolicy: RemovalPolicy.DESTROY,
      serviceName: 'my-thermostat',
      warmOnDeploy: false,
      dashboard: false,
      alarms: false,
    });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      Timeout: 120,
      ReservedConcurrentExecutions: 1,
      Environment: {
        // More memory, more CPU: its pings leave faster, so their hold allows less per ping (2.6 ms at 1,024 MB).
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'my-thermostat',
          THERMOSTAT_DISPATCH_MS_PER_PING: '2.6',
          // no tick on deploy: a changed policy waits for the pause to end, so the controller keeps it short
          THERMOSTAT_TICKS_ON_DEPLOY: Match.absent(),
        }),
      },
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(5 minutes)' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    template.resourceCountIs('Custom::AWS', 0);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test.each<[string, Partial<ThermostatProps>, string]>([
    [
      'no targets',
      { targets: [] },
      "thermostat needs at least one target or discoverByTag, got neither; pass targets: [{ function: fn.addAlias('live')",
    ],
    [
      'a timeout as long as the tick period',
      { timeout: Duration.seconds(60) },
      'timeout 1 minute is not below the tick period 1 minute (rate(1 minute)), so ticks could overlap; lower timeout below 1 minute or tick less often',
    ],
    [
      'a cron schedule with a timeout over a minute',
      { schedule: scheduler.ScheduleExpression.cron({ minute: '*/5' }), timeout: Duration.minutes(3) },
      'timeout 3 minutes is not below the tick period 1 minute',
    ],
    [
      'a timeout over 15 minutes',
      { timeout: Duration.minutes(20) },
      'timeout must be from 1 second to 15 minutes, got 20 minutes',
    ],
    ['too little memory', { memorySize: 64 }, 'memorySize must be a whole number from 128 to 10240 MiB, got 64'],
    [
      'no reserved concurrency',
      { reservedConcurrentExecutions: 0 },
      'reservedConcurrentExecutions must be a whole number from 1 to 1000, got 0',
    ],
    [
      'a failure rate given as a percentage',
      { pingFailureRateThreshold: 10 },
      'pingFailureRateThreshold must be above 0 and at most 1, got 10; write 0.1 for 10%',
    ],
  ])('fails synth validation on %s', (_name, props, message) => {
    const stack = newStack();
    const target = fn(stack, 'Inbox', { functionName: 'inbox' });
    const thermostat = new Thermostat(stack, 'Thermostat', {
      targets: [{ function: target, policy: TargetPolicy.fromObject({ mode: 'warm' }) }],
      ...props,
    });
    expect(thermostat.node.validate()).toEqual([expect.stringContaining(message)]);
    expect(() => Template.fromStack(stack)).toThrow(`[Test/Thermostat] ${message}`);
  });

  test('reports every problem of the props and the policies at once, each with the construct path', () => {
    const stack = newStack();
    const a = fn(stack, 'A', { functionName: 'checkout-api' }).addAlias('live');
    const b = fn(stack, 'B', { functionName: 'b' });
    const thermostat = new Thermostat(stack, 'Thermostat', {
      targets: [
        { function: a, policy: TargetPolicy.fromFile('test/fixtures/construct/broken/checkout-api.yaml') },
        { function: b, policy: TargetPolicy.fromObject({ warm: { holdMs: 1 } }) },
      ],
      memorySize: 64,
      pingFailureRateThreshold: 10,
    });
    expect(thermostat.node.validate()).toEqual([
      'memorySize must be a whole number from 128 to 10240 MiB, got 64',
      'pingFailureRateThreshold must be above 0 and at most 1, got 10; write 0.1 for 10%',
      'targets[0] (checkout-api:live): test/fixtures/construct/broken/checkout-api.yaml: warm.concurrency: expected a whole number from 1 to 1000, got 0 (line 5, column 16)',
      'targets[1] (b): targets[1].policy: warm.holdMs: expected a whole number from 50 to 10000, got 1',
    ]);
  });

  test('fails when the targets whose ARNs only deploy knows cannot fit in the controller environment', () => {
    const stack = newStack();
    const targets = Array.from({ length: 30 }, (_, i) => ({
      function: fn(stack, `F${i}`),
      policy: TargetPolicy.fromObject({ mode: 'warm' }),
    }));
    const thermostat = new Thermostat(stack, 'Thermostat', { targets });
    expect(thermostat.node.validate().join('\n')).toMatch(
      /^30 targets have ARNs known only at deploy time \(generated function names\), and those travel in the controller's environment: it would need about \d+ bytes and Lambda allows 4096; give those functions a functionName, import them by ARN, or enrol them with discoverByTag/,
    );
  });

  test('takes any number of functions with fixed names: their ARNs are in the asset', () => {
    const stack = newStack();
    const targets = Array.from({ length: 60 }, (_, i) => ({
      function: fn(stack, `F${i}`, { functionName: `f${i}` }),
      policy: TargetPolicy.fromObject({ mode: 'warm' }),
    }));
    expect(new Thermostat(stack, 'Thermostat', { targets }).targets).toHaveLength(60);
  });
});
