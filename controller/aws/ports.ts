/**
 * The narrow slices of the AWS APIs the controller uses, one method per operation, typed with the SDK's own
 * shapes. `handler.ts` backs them with the real SDK clients; tests back them with small fakes or with the real
 * clients pointed at the emulator. Nothing else in the controller constructs a client.
 */
import type {
  DeleteScalingPolicyRequest,
  DeregisterScalableTargetRequest,
  DescribeScalableTargetsRequest,
  DescribeScalableTargetsResponse,
  DescribeScalingPoliciesRequest,
  DescribeScalingPoliciesResponse,
  PutScalingPolicyRequest,
  RegisterScalableTargetRequest,
  RegisterScalableTargetResponse,
  TagResourceRequest,
  UntagResourceRequest,
} from '@aws-sdk/client-application-auto-scaling';
import type { GetMetricDataInput, GetMetricDataOutput } from '@aws-sdk/client-cloudwatch';
import type {
  BatchGetItemInput,
  BatchGetItemOutput,
  DeleteItemInput,
  GetItemInput,
  GetItemOutput,
  PutItemInput,
  ScanInput,
  ScanOutput,
  UpdateItemInput,
} from '@aws-sdk/client-dynamodb';
import type { PutEventsRequest, PutEventsResponse } from '@aws-sdk/client-eventbridge';
import type {
  AliasConfiguration,
  DeleteProvisionedConcurrencyConfigRequest,
  GetAccountSettingsResponse,
  GetAliasRequest,
  GetFunctionRequest,
  GetFunctionResponse,
  GetProvisionedConcurrencyConfigRequest,
  GetProvisionedConcurrencyConfigResponse,
  InvocationRequest,
  InvocationResponse,
  ListFunctionsRequest,
  ListFunctionsResponse,
  ListProvisionedConcurrencyConfigsRequest,
  ListProvisionedConcurrencyConfigsResponse,
  PutProvisionedConcurrencyConfigRequest,
  PutProvisionedConcurrencyConfigResponse,
} from '@aws-sdk/client-lambda';
import type { GetScheduleInput, GetScheduleOutput, UpdateScheduleInput } from '@aws-sdk/client-scheduler';

export interface CallOptions {
  readonly abortSignal?: AbortSignal;
}

/** Lambda's data plane: warm-up pings and the controller's own shard fan-out. */
export interface LambdaInvoker {
  invoke(input: InvocationRequest, options?: CallOptions): Promise<InvocationResponse>;
}

/** Lambda's control plane (shares ~15 requests/second per account, except GetFunction). */
export interface LambdaControl {
  getAccountSettings(): Promise<GetAccountSettingsResponse>;
  getFunction(input: GetFunctionRequest): Promise<GetFunctionResponse>;
  getAlias(input: GetAliasRequest): Promise<AliasConfiguration>;
  getProvisionedConcurrencyConfig(
    input: GetProvisionedConcurrencyConfigRequest,
  ): Promise<GetProvisionedConcurrencyConfigResponse>;
  listProvisionedConcurrencyConfigs(
    input: ListProvisionedConcurrencyConfigsRequest,
  ): Promise<ListProvisionedConcurrencyConfigsResponse>;
  putProvisionedConcurrencyConfig(
    input: PutProvisionedConcurrencyConfigRequest,
  ): Promise<PutProvisionedConcurrencyConfigResponse>;
  deleteProvisionedConcurrencyConfig(input: DeleteProvisionedConcurrencyConfigRequest): Promise<unknown>;
}

/** ListFunctions (control plane), for tag discovery; tags themselves come from GetFunction. */
export interface FunctionLister {
  listFunctions(input: ListFunctionsRequest): Promise<ListFunctionsResponse>;
}

/** Application Auto Scaling, for the `autoscaling` strategy. */
export interface AutoScalingApi {
  describeScalableTargets(input: DescribeScalableTargetsRequest): Promise<DescribeScalableTargetsResponse>;
  describeScalingPolicies(input: DescribeScalingPoliciesRequest): Promise<DescribeScalingPoliciesResponse>;
  registerScalableTarget(input: RegisterScalableTargetRequest): Promise<RegisterScalableTargetResponse>;
  deregisterScalableTarget(input: DeregisterScalableTargetRequest): Promise<unknown>;
  putScalingPolicy(input: PutScalingPolicyRequest): Promise<unknown>;
  deleteScalingPolicy(input: DeleteScalingPolicyRequest): Promise<unknown>;
  /** Tags an adopted scalable target (one Thermostat registers is tagged by RegisterScalableTarget itself). */
  tagResource(input: TagResourceRequest): Promise<unknown>;
  untagResource(input: UntagResourceRequest): Promise<unknown>;
}

/** CloudWatch, for concurrency history (auto mode and direct sizing). */
export interface MetricsApi {
  getMetricData(input: GetMetricDataInput): Promise<GetMetricDataOutput>;
}

/** EventBridge, for tick summaries and changes. */
export interface EventsApi {
  putEvents(input: PutEventsRequest): Promise<PutEventsResponse>;
}

/** DynamoDB, for the state table. */
export interface DynamoApi {
  getItem(input: GetItemInput): Promise<GetItemOutput>;
  batchGetItem(input: BatchGetItemInput): Promise<BatchGetItemOutput>;
  putItem(input: PutItemInput): Promise<unknown>;
  updateItem(input: UpdateItemInput): Promise<unknown>;
  deleteItem(input: DeleteItemInput): Promise<unknown>;
  scan(input: ScanInput): Promise<ScanOutput>;
}

/** EventBridge Scheduler, for pausing the controller's own schedule while nothing is due. */
export interface SchedulerApi {
  getSchedule(input: GetScheduleInput): Promise<GetScheduleOutput>;
  updateSchedule(input: UpdateScheduleInput): Promise<unknown>;
}
