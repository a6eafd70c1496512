import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import type { ClockTimer } from '../clock';
import type { VersionConfig } from '../lambda/registry';
import { LineSplitter } from '../logs';
import type { EnvironmentKind } from '../spec';
import type { EnvironmentHandle } from './backend';

export type InitType = 'on-demand' | 'provisioned-concurrency';
export type EnvironmentState = 'initialising' | 'busy' | 'idle';

/** The emulator's record of one execution environment. */
export class Environment {
  state: EnvironmentState = 'initialising';
  /** Provisioned environments serve only once their allocation is complete. */
  available = false;
  /** Leaves at its next idle moment: its lifetime is over, or its provisioned concurrency was lowered. */
  retiring: false | 'lifetime' | 'deallocated' = false;
  dead = false;
  invocations = 0;
  lastUsedAt: number | undefined;
  initDurationMs: number | undefined;
  /** CPU time of its process: loading the handler, the last invocation, and every invocation (process kind only). */
  initCpuMs: number | undefined;
  lastInvocationCpuMs: number | undefined;
  invocationsCpuMs: number | undefined;
  spawnMs: number | undefined;
  /** From the request that created it (or the allocation) to the handler being ready. */
  coldStartMs: number | undefined;
  idleTimer: ClockTimer | undefined;
  lifetimeTimer: ClockTimer | undefined;
  /** The invocation being served and the log lines it printed so far. */
  current: { readonly requestId: string; readonly lines: string[] } | undefined;
  readonly splitter = new LineSplitter();
  handle: EnvironmentHandle | undefined;

  constructor(
    readonly id: string,
    readonly config: VersionConfig,
    readonly kind: EnvironmentKind,
    readonly initType: InitType,
    /** Key of the provisioned-concurrency configuration it belongs to, for provisioned environments. */
    readonly pcKey: string | undefined,
    readonly createdAt: number,
  ) {}

  get functionName(): string {
    return this.config.functionName;
  }

  get version(): string {
    return this.config.version;
  }

  get provisioned(): boolean {
    return this.pcKey !== undefined;
  }

  get pid(): number | undefined {
    return this.handle?.pid;
  }
}

/** A log stream name as Lambda makes them: `2026/11/23/[$LATEST]<32 hex>`, unique per environment. */
export function logStreamName(version: string, at: number): string {
  const date = new Date(at).toISOString().slice(0, 10).replace(/-/g, '/');
  return `${date}/[${version}]${randomBytes(16).toString('hex')}`;
}

export interface VariableContext {
  readonly region: string;
  readonly endpoint: string;
  readonly dynamodbEndpoint: string | undefined;
}

/**
 * The variables the Node.js Lambda runtime sets (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html),
 * plus AWS_ENDPOINT_URL so SDK clients inside the handler (a warmer fanning out, a DynamoDB write) reach the
 * emulator. The function's own variables come last and win.
 */
export function environmentVariables(
  config: VersionConfig,
  envId: string,
  initType: InitType,
  context: VariableContext,
): Record<string, string> {
  const vars: Record<string, string> = {
    AWS_LAMBDA_FUNCTION_NAME: config.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: config.version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${config.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: envId,
    AWS_LAMBDA_INITIALIZATION_TYPE: initType,
    AWS_REGION: context.region,
    AWS_DEFAULT_REGION: context.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${config.runtime}`,
    _HANDLER: config.handlerSetting,
    LAMBDA_TASK_ROOT: dirname(config.handlerPath),
    AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
    AWS_SECRET_ACCESS_KEY: 'local-secret',
    AWS_SESSION_TOKEN: 'local-session',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: context.endpoint,
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
    _AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1',
    _AWS_XRAY_DAEMON_PORT: '2000',
  };
  if (context.dynamodbEndpoint) vars.AWS_ENDPOINT_URL_DYNAMODB = context.dynamodbEndpoint;
  return { ...vars, ...config.env };
}
