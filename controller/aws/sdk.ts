/**
 * The ports backed by the real SDK v3 clients. Only `handler.ts` (and tests that talk to the emulator) call these.
 */
import {
  type ApplicationAutoScalingClient,
  DeleteScalingPolicyCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { type CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  BatchGetItemCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DeleteProvisionedConcurrencyConfigCommand,
  GetAccountSettingsCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvokeCommand,
  type LambdaClient,
  ListProvisionedConcurrencyConfigsCommand,
  PutProvisionedConcurrencyConfigCommand,
} from '@aws-sdk/client-lambda';
import type { CallBudget } from './call-budget';
import type { AutoScalingApi, DynamoApi, EventsApi, LambdaControl, LambdaInvoker, MetricsApi } from './ports';

/** Something with the SDK clients' `send(command, options)`. */
interface Sender {
  // biome-ignore lint/suspicious/noExplicitAny: each SDK client's send is generic over its own commands
  send(command: any, options?: { abortSignal?: AbortSignal }): Promise<any>;
}

/** `send` bounded by the call budget when there is one (see CallBudget), named after the operation for errors. */
function bounded(client: Sender, budget: CallBudget | undefined) {
  return <T>(operation: string, command: object): Promise<T> =>
    budget === undefined
      ? client.send(command)
      : budget.run(operation, (abortSignal) => client.send(command, { abortSignal }));
}

export function sdkInvoker(client: LambdaClient): LambdaInvoker {
  return { invoke: (input, options) => client.send(new InvokeCommand(input), options) };
}

export function sdkLambdaControl(client: LambdaClient, budget?: CallBudget): LambdaControl {
  const send = bounded(client, budget);
  return {
    getAccountSettings: () => send('GetAccountSettings', new GetAccountSettingsCommand({})),
    getFunction: (input) => send('GetFunction', new GetFunctionCommand(input)),
    getAlias: (input) => send('GetAlias', new GetAliasCommand(input)),
    getProvisionedConcurrencyConfig: (input) =>
      send('GetProvisionedConcurrencyConfig', new GetProvisionedConcurrencyConfigCommand(input)),
    listProvisionedConcurrencyConfigs: (input) =>
      send('ListProvisionedConcurrencyConfigs', new ListProvisionedConcurrencyConfigsCommand(input)),
    putProvisionedConcurrencyConfig: (input) =>
      send('PutProvisionedConcurrencyConfig', new PutProvisionedConcurrencyConfigCommand(input)),
    deleteProvisionedConcurrencyConfig: (input) =>
      send('DeleteProvisionedConcurrencyConfig', new DeleteProvisionedConcurrencyConfigCommand(input)),
  };
}

export function sdkAutoScaling(client: ApplicationAutoScalingClient, budget?: CallBudget): AutoScalingApi {
  const send = bounded(client, budget);
  return {
    describeScalableTargets: (input) => send('DescribeScalableTargets', new DescribeScalableTargetsCommand(input)),
    describeScalingPolicies: (input) => send('DescribeScalingPolicies', new DescribeScalingPoliciesCommand(input)),
    registerScalableTarget: (input) => send('RegisterScalableTarget', new RegisterScalableTargetCommand(input)),
    deregisterScalableTarget: (input) => send('DeregisterScalableTarget', new DeregisterScalableTargetCommand(input)),
    putScalingPolicy: (input) => send('PutScalingPolicy', new PutScalingPolicyCommand(input)),
    deleteScalingPolicy: (input) => send('DeleteScalingPolicy', new DeleteScalingPolicyCommand(input)),
  };
}

export function sdkMetrics(client: CloudWatchClient, budget?: CallBudget): MetricsApi {
  const send = bounded(client, budget);
  return { getMetricData: (input) => send('GetMetricData', new GetMetricDataCommand(input)) };
}

export function sdkEvents(client: EventBridgeClient): EventsApi {
  return { putEvents: (input) => client.send(new PutEventsCommand(input)) };
}

export function sdkDynamo(client: DynamoDBClient): DynamoApi {
  return {
    getItem: (input) => client.send(new GetItemCommand(input)),
    batchGetItem: (input) => client.send(new BatchGetItemCommand(input)),
    putItem: (input) => client.send(new PutItemCommand(input)),
    updateItem: (input) => client.send(new UpdateItemCommand(input)),
    deleteItem: (input) => client.send(new DeleteItemCommand(input)),
    scan: (input) => client.send(new ScanCommand(input)),
  };
}
