/**
 * The ports backed by the real SDK v3 clients. Only `handler.ts` (and tests that talk to the emulator) call these.
 */
import {
  type ApplicationAutoScalingClient,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { type CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  BatchGetItemCommand,
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
  ListFunctionsCommand,
  ListProvisionedConcurrencyConfigsCommand,
  PutProvisionedConcurrencyConfigCommand,
} from '@aws-sdk/client-lambda';
import type {
  AutoScalingApi,
  DynamoApi,
  EventsApi,
  FunctionLister,
  LambdaControl,
  LambdaInvoker,
  MetricsApi,
} from './ports';

export function sdkInvoker(client: LambdaClient): LambdaInvoker {
  return { invoke: (input, options) => client.send(new InvokeCommand(input), options) };
}

export function sdkLambdaControl(client: LambdaClient): LambdaControl {
  return {
    getAccountSettings: () => client.send(new GetAccountSettingsCommand({})),
    getFunction: (input) => client.send(new GetFunctionCommand(input)),
    getAlias: (input) => client.send(new GetAliasCommand(input)),
    getProvisionedConcurrencyConfig: (input) => client.send(new GetProvisionedConcurrencyConfigCommand(input)),
    listProvisionedConcurrencyConfigs: (input) => client.send(new ListProvisionedConcurrencyConfigsCommand(input)),
    putProvisionedConcurrencyConfig: (input) => client.send(new PutProvisionedConcurrencyConfigCommand(input)),
    deleteProvisionedConcurrencyConfig: (input) => client.send(new DeleteProvisionedConcurrencyConfigCommand(input)),
  };
}

export function sdkFunctionLister(client: LambdaClient): FunctionLister {
  return { listFunctions: (input) => client.send(new ListFunctionsCommand(input)) };
}

export function sdkAutoScaling(client: ApplicationAutoScalingClient): AutoScalingApi {
  return {
    describeScalableTargets: (input) => client.send(new DescribeScalableTargetsCommand(input)),
    describeScalingPolicies: (input) => client.send(new DescribeScalingPoliciesCommand(input)),
    registerScalableTarget: (input) => client.send(new RegisterScalableTargetCommand(input)),
    deregisterScalableTarget: (input) => client.send(new DeregisterScalableTargetCommand(input)),
    putScalingPolicy: (input) => client.send(new PutScalingPolicyCommand(input)),
  };
}

export function sdkMetrics(client: CloudWatchClient): MetricsApi {
  return { getMetricData: (input) => client.send(new GetMetricDataCommand(input)) };
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
    scan: (input) => client.send(new ScanCommand(input)),
  };
}
