/**
 * A shop's serverless backend with Thermostat in front of its cold starts:
 * - checkout-api, an HTTP API warmed harder in business hours (mode warm with windows);
 * - nightly-batch, fanned out every night, with provisioned concurrency only around the run (Application Auto
 *   Scaling in a window);
 * - payments-webhook, called a few times an hour, kept at one warm environment.
 * The policies live in examples/policies/ and are validated here at synth time.
 */
import { join } from 'node:path';
import { Duration, Stack, type StackProps, TimeZone } from 'aws-cdk-lib';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { TargetPolicy, Thermostat } from '../../../construct';

const REPO = join(__dirname, '..', '..', '..');
const FUNCTIONS = join(REPO, 'examples', 'functions');
export const POLICIES = join(REPO, 'examples', 'policies');

export class ThermostatExampleStack extends Stack {
  public readonly thermostat: Thermostat;
  public readonly api: HttpApi;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // The policies find their function by name, so the names are fixed here.
    const checkout = this.nodeFunction('CheckoutApi', 'checkout-api', { memorySize: 1024 }).addAlias('live');
    const batch = this.nodeFunction('NightlyBatch', 'nightly-batch', { timeout: Duration.minutes(5) }).addAlias('prod');
    const webhook = this.nodeFunction('PaymentsWebhook', 'payments-webhook', {}).addAlias('live');

    this.api = new HttpApi(this, 'HttpApi', { description: 'Shop API' });
    this.api.addRoutes({
      path: '/prices/{sku}',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('Prices', checkout),
    });
    this.api.addRoutes({
      path: '/webhooks/payments',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('PaymentsWebhook', webhook),
    });

    new scheduler.Schedule(this, 'NightlyRun', {
      description: 'Starts the nightly batch at 01:00 UTC',
      schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '1', timeZone: TimeZone.ETC_UTC }),
      target: new LambdaInvoke(batch, { input: scheduler.ScheduleTargetInput.fromObject({ records: [] }) }),
    });

    const alerts = new sns.Topic(this, 'Alerts', { displayName: 'Thermostat alerts', enforceSSL: true });
    const policies = TargetPolicy.fromDirectory(POLICIES);
    this.thermostat = new Thermostat(this, 'Thermostat', {
      targets: [
        // the shop's front door: per-target metrics and a shortfall alarm of its own
        { function: checkout, policy: policies, detailedMetrics: true },
        { function: batch, policy: policies },
        { function: webhook, policy: policies, warmRatioObjective: 0.9 },
      ],
      eventBus: events.EventBus.fromEventBusName(this, 'DefaultBus', 'default'),
      alarmActions: [new SnsAction(alerts)],
    });
  }

  private nodeFunction(id: string, name: string, props: Partial<NodejsFunctionProps>): lambda.Function {
    return new NodejsFunction(this, id, {
      functionName: name,
      entry: join(FUNCTIONS, `${name}.ts`),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: new logs.LogGroup(this, `${id}Logs`, { retention: logs.RetentionDays.ONE_MONTH }),
      depsLockFilePath: join(REPO, 'package-lock.json'),
      projectRoot: REPO,
      bundling: { minify: true, sourceMap: true, target: 'node22', externalModules: ['@aws-sdk/*'] },
      ...props,
    });
  }
}
