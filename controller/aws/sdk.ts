/**
 * The ports backed by the real SDK v3 clients. `wiring.ts` builds the controller's; the CLI wraps its own DynamoDB
 * client for a local state store, and tests that talk to the emulator call them directly.
 */
import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  BatchGetItemCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  DeleteProvisionedConcurrencyConfigCommand,
  GetAccountSettingsCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvokeCommand,
  type LambdaClient,
  ListFunctionsCommand,
  ListProvisionedConcurrencyConfigsCommand,
  PutProvisionedConcurrencyConfigCommand,
} from '@aws-sdk/client-lambda';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { CallBudget } from './call-budget';

/**
 * The SDK packages of services a controller may never call in its lifetime (no provisioned concurrency, no history to
 * read) or only at the end of a tick: loaded on first use, not at init. Each client package costs tens of
 * milliseconds of CPU to load, and init is on every cold start's critical path.
 */
function once<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= load();
    return value;
  };
}
export const autoScalingSdk = once(
  () =>
    require('@aws-sdk/client-application-auto-scaling') as typeof import('@aws-sdk/client-application-auto-scaling'),
);
export const cloudWatchSdk = once(
  () => require('@aws-sdk/client-cloudwatch') as typeof import('@aws-sdk/client-cloudwatch'),
);
export const schedulerSdk = once(
  () => require('@aws-sdk/client-scheduler') as typeof import('@aws-sdk/client-scheduler'),
);
export const eventBridgeSdk = once(
  () => require('@aws-sdk/client-eventbridge') as typeof import('@aws-sdk/client-eventbridge'),
);

/** A client given as is, or built on first use. */
type Lazy<T> = T | (() => T);
const resolve = <T>(client: Lazy<T>): T => (typeof client === 'function' ? (client as () => T)() : client);

import type {
  AutoScalingApi,
  DynamoApi,
  EventsApi,
  FunctionLister,
  LambdaControl,
  LambdaInvoker,
  MetricsApi,
  SchedulerApi,
} from './ports';

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

export function sdkFunctionLister(client: LambdaClient): FunctionLister {
  return { listFunctions: (input) => client.send(new ListFunctionsCommand(input)) };
}

export function sdkAutoScaling(client: Lazy<ApplicationAutoScalingClient>, budget?: CallBudget): AutoScalingApi {
  const send = <T>(operation: string, command: (sdk: ReturnType<typeof autoScalingSdk>) => object) =>
    bounded(resolve(client), budget)<T>(operation, command(autoScalingSdk()));
  return {
    describeScalableTargets: (input) =>
      send('DescribeScalableTargets', (sdk) => new sdk.DescribeScalableTargetsCommand(input)),
    describeScalingPolicies: (input) =>
      send('DescribeScalingPolicies', (sdk) => new sdk.DescribeScalingPoliciesCommand(input)),
    registerScalableTarget: (input) =>
      send('RegisterScalableTarget', (sdk) => new sdk.RegisterScalableTargetCommand(input)),
    deregisterScalableTarget: (input) =>
      send('DeregisterScalableTarget', (sdk) => new sdk.DeregisterScalableTargetCommand(input)),
    putScalingPolicy: (input) => send('PutScalingPolicy', (sdk) => new sdk.PutScalingPolicyCommand(input)),
    deleteScalingPolicy: (input) => send('DeleteScalingPolicy', (sdk) => new sdk.DeleteScalingPolicyCommand(input)),
    tagResource: (input) => send('TagResource', (sdk) => new sdk.TagResourceCommand(input)),
    untagResource: (input) => send('UntagResource', (sdk) => new sdk.UntagResourceCommand(input)),
  };
}

export function sdkMetrics(client: Lazy<CloudWatchClient>, budget?: CallBudget): MetricsApi {
  return {
    getMetricData: (input) =>
      bounded(resolve(client), budget)('GetMetricData', new (cloudWatchSdk().GetMetricDataCommand)(input)),
  };
}

export function sdkEvents(client: Lazy<EventBridgeClient>): EventsApi {
  return { putEvents: (input) => resolve(client).send(new (eventBridgeSdk().PutEventsCommand)(input)) };
}

export function sdkScheduler(client: Lazy<SchedulerClient>): SchedulerApi {
  return {
    getSchedule: (input) => resolve(client).send(new (schedulerSdk().GetScheduleCommand)(input)),
    updateSchedule: (input) => resolve(client).send(new (schedulerSdk().UpdateScheduleCommand)(input)),
  };
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
