import type { Execution, Fleet } from '../environments/fleet';
import { AwsError, lambdaErrors } from '../errors';
import type { Faults } from '../faults';
import type { HttpRequest, HttpResponse } from '../http/server';
import type { LambdaMetrics } from '../metrics/lambda-metrics';
import { type FunctionReference, reconcileQualifier } from './names';
import type { FunctionRegistry } from './registry';

const SYNC_LIMIT = 6 * 1024 * 1024;
const ASYNC_LIMIT = 1024 * 1024;
const CLIENT_CONTEXT_LIMIT = 3583;
const TAIL_BYTES = 4096;
/** An Event invocation that is throttled is retried, as Lambda's async queue does (compressed). */
const ASYNC_THROTTLE_RETRIES = 5;
const ASYNC_RETRY_DELAY_MS = 200;

export interface InvokeDeps {
  readonly registry: FunctionRegistry;
  readonly fleet: Fleet;
  readonly faults: Faults;
  readonly lambdaMetrics: LambdaMetrics;
  readonly random: () => number;
}

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

function header(request: HttpRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function invocationType(request: HttpRequest): InvocationType {
  const value = header(request, 'x-amz-invocation-type') ?? 'RequestResponse';
  if (value === 'RequestResponse' || value === 'Event' || value === 'DryRun') return value;
  throw lambdaErrors.validation(
    `1 validation error detected: Value '${value}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
  );
}

function checkPayload(body: Buffer, type: InvocationType): string {
  const limit = type === 'Event' ? ASYNC_LIMIT : SYNC_LIMIT;
  if (body.length > limit) throw lambdaErrors.requestTooLarge(limit);
  const payload = body.toString('utf8');
  if (payload.trim() !== '') {
    try {
      JSON.parse(payload);
    } catch (error) {
      throw lambdaErrors.invalidContent(
        `Could not parse request body into json: Could not parse payload into json: ${(error as Error).message}`,
      );
    }
  }
  return payload;
}

function checkClientContext(encoded: string | undefined): string | undefined {
  if (encoded === undefined) return undefined;
  if (encoded.length > CLIENT_CONTEXT_LIMIT) {
    throw lambdaErrors.invalidParameter(`Client context must be at most ${CLIENT_CONTEXT_LIMIT} bytes`);
  }
  try {
    JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    throw lambdaErrors.invalidContent('Client context must be a valid Base64-encoded JSON object.');
  }
  return encoded;
}

function tail(lines: readonly string[]): string {
  const text = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
  return text.subarray(Math.max(0, text.length - TAIL_BYTES)).toString('base64');
}

/** The data plane: Invoke, with Lambda's invocation types, limits, headers and error payloads. */
export class Invoker {
  private readonly background = new Set<Promise<unknown>>();

  constructor(private readonly deps: InvokeDeps) {}

  /** Resolves when every Event invocation accepted so far has finished. */
  async drain(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  async invoke(request: HttpRequest, reference: FunctionReference): Promise<HttpResponse> {
    const { registry, faults, fleet, lambdaMetrics, random } = this.deps;
    const qualifier = reconcileQualifier(reference, request.query.get('Qualifier') ?? undefined);
    const target = registry.target(reference, qualifier);
    const type = invocationType(request);
    const payload = checkPayload(request.body, type);
    const clientContext =
      type === 'RequestResponse' ? checkClientContext(header(request, 'x-amz-client-context')) : undefined;
    const version = registry.pickVersion(target, random);
    const match = { operation: 'Invoke', functionName: target.fn.name, qualifier, version };
    const resource = { functionName: target.fn.name, qualifier, executedVersion: version };

    const latency = faults.fire('latency', match);
    if (latency) await new Promise((resolve) => setTimeout(resolve, latency.latencyMs ?? 0));
    const injectedError = faults.fire('error', match);
    if (injectedError) {
      throw lambdaErrors.service(injectedError.message ?? 'Injected service error', injectedError.status ?? 500);
    }
    if (faults.fire('throttle', match)) {
      fleet.countsOf(target.fn.name).throttles += 1;
      lambdaMetrics.throttle(resource);
      throw lambdaErrors.tooManyRequests(
        target.fn.reservedConcurrency === undefined
          ? 'ConcurrentInvocationLimitExceeded'
          : 'ReservedFunctionConcurrentInvocationLimitExceeded',
      );
    }
    if (type === 'DryRun') return { status: 204 };

    const config = registry.config(target.fn, version);
    const crash = faults.fire('crash', match);
    const initFailure = faults.fire('initFailure', match);
    const execute = () =>
      fleet.execute({
        fn: target.fn,
        config,
        resource,
        requestId: request.requestId,
        payload,
        invokedArn: registry.arn(target.fn.name, qualifier),
        clientContext,
        failInit: initFailure ? (initFailure.message ?? 'Injected init failure') : undefined,
        crashAfterMs: crash ? (crash.latencyMs ?? 0) : undefined,
      });

    if (type === 'Event') {
      const run = this.runAsync(execute);
      this.background.add(run);
      void run.finally(() => this.background.delete(run));
      return { status: 202, headers: { 'x-amz-executed-version': version } };
    }
    const execution = await execute();
    return this.respond(execution, version, header(request, 'x-amz-log-type') === 'Tail');
  }

  private async runAsync(execute: () => Promise<Execution>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await execute();
        return;
      } catch (error) {
        const throttled = error instanceof AwsError && error.status === 429;
        if (!throttled || attempt >= ASYNC_THROTTLE_RETRIES) return;
        await new Promise((resolve) => setTimeout(resolve, ASYNC_RETRY_DELAY_MS * 2 ** attempt).unref());
      }
    }
  }

  private respond(execution: Execution, version: string, withTail: boolean): HttpResponse {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-amz-executed-version': version,
    };
    if (withTail) headers['x-amz-log-result'] = tail(execution.lines);
    if (execution.error) {
      headers['x-amz-function-error'] = 'Unhandled';
      return { status: 200, headers, body: JSON.stringify(execution.error) };
    }
    return { status: 200, headers, body: execution.payload ?? 'null' };
  }
}
