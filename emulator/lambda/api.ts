import type { CallCounter } from '../calls';
import { AwsError, lambdaErrors } from '../errors';
import type { Faults } from '../faults';
import type { HttpRequest, HttpResponse } from '../http/server';
import type { ControlPlane } from './control';
import type { Invoker } from './invoke';
import { type FunctionReference, parseFunctionName } from './names';
import type { RateQuota } from './quota';

export interface LambdaApiDeps {
  readonly invoker: Invoker;
  readonly control: ControlPlane;
  readonly faults: Faults;
  /** Shared quota of the control plane (every operation but Invoke and GetFunction). */
  readonly controlQuota: RateQuota;
  readonly getFunctionQuota: RateQuota;
  /** Every request is counted by operation, throttled or not. */
  readonly calls?: CallCounter;
}

interface Route {
  readonly operation: string;
  readonly reference?: FunctionReference;
  readonly run: () => HttpResponse | Promise<HttpResponse>;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw lambdaErrors.validation(`the path segment "${segment}" is not valid URL encoding`);
  }
}

/** Lambda's restJson1 API: routes by method and path, applies quotas and injected faults, runs the operation. */
export class LambdaApi {
  constructor(private readonly deps: LambdaApiDeps) {}

  async handle(request: HttpRequest): Promise<HttpResponse> {
    const route = this.route(request);
    this.deps.calls?.add('lambda', route.operation);
    if (route.operation !== 'Invoke') {
      await this.controlFaults(route);
      if (route.operation === 'GetFunction') this.deps.getFunctionQuota.take();
      else this.deps.controlQuota.take();
    }
    return route.run();
  }

  private async controlFaults(route: Route): Promise<void> {
    const { faults } = this.deps;
    const match = {
      operation: route.operation,
      functionName: route.reference?.name,
      qualifier: route.reference?.qualifier,
    };
    const latency = faults.fire('latency', match);
    if (latency) await new Promise((resolve) => setTimeout(resolve, latency.latencyMs ?? 0));
    const error = faults.fire('error', match);
    if (error) throw lambdaErrors.service(error.message ?? 'Injected service error', error.status ?? 500);
    if (faults.fire('throttle', match)) throw lambdaErrors.tooManyRequests('CallerRateLimitExceeded', 'Rate exceeded');
  }

  private route(request: HttpRequest): Route {
    const { invoker, control } = this.deps;
    const { method, query } = request;
    const parts = request.path
      .split('/')
      .filter((p) => p !== '')
      .map(decode);
    const [api, collection, name, sub, subName] = parts;
    const q = (key: string) => query.get(key);
    const fnRef = (): FunctionReference => parseFunctionName(name!);

    if (api === '2016-08-19' && collection === 'account-settings' && parts.length === 2 && method === 'GET') {
      return { operation: 'GetAccountSettings', run: () => control.getAccountSettings() };
    }
    if (api === '2017-03-31' && collection === 'tags' && parts.length === 3 && method === 'GET') {
      return { operation: 'ListTags', run: () => control.listTags(name!) };
    }
    if (collection !== 'functions') return this.unknown(request);
    if (name === undefined) {
      if (api === '2015-03-31' && method === 'GET') {
        return { operation: 'ListFunctions', run: () => control.listFunctions(q('Marker'), q('MaxItems')) };
      }
      return this.unknown(request);
    }
    const reference = fnRef();
    const op = (operation: string, run: () => HttpResponse | Promise<HttpResponse>): Route => ({
      operation,
      reference,
      run,
    });

    if (api === '2015-03-31') {
      if (sub === 'invocations' && parts.length === 4 && method === 'POST') {
        return op('Invoke', () => invoker.invoke(request, reference));
      }
      if (sub === undefined && method === 'GET')
        return op('GetFunction', () => control.getFunction(reference, q('Qualifier')));
      if (sub === 'configuration' && parts.length === 4 && method === 'GET') {
        return op('GetFunctionConfiguration', () => control.getFunctionConfiguration(reference, q('Qualifier')));
      }
      if (sub === 'aliases' && parts.length === 4 && method === 'GET') {
        return op('ListAliases', () =>
          control.listAliases(reference, q('FunctionVersion'), q('Marker'), q('MaxItems')),
        );
      }
      if (sub === 'aliases' && subName !== undefined && parts.length === 5 && method === 'GET') {
        return op('GetAlias', () => control.getAlias(reference, subName));
      }
      if (sub === 'versions' && parts.length === 4 && method === 'GET') {
        return op('ListVersionsByFunction', () =>
          control.listVersionsByFunction(reference, q('Marker'), q('MaxItems')),
        );
      }
    }
    if (api === '2017-10-31' && sub === 'concurrency' && parts.length === 4) {
      if (method === 'PUT')
        return op('PutFunctionConcurrency', () => control.putFunctionConcurrency(reference, request.body));
      if (method === 'DELETE')
        return op('DeleteFunctionConcurrency', () => control.deleteFunctionConcurrency(reference));
    }
    if (api === '2019-09-30' && sub === 'concurrency' && parts.length === 4 && method === 'GET') {
      return op('GetFunctionConcurrency', () => control.getFunctionConcurrency(reference));
    }
    if (api === '2019-09-30' && sub === 'provisioned-concurrency' && parts.length === 4) {
      if (method === 'GET' && q('List') === 'ALL') {
        return op('ListProvisionedConcurrencyConfigs', () =>
          control.listProvisionedConcurrency(reference, q('Marker'), q('MaxItems')),
        );
      }
      if (method === 'GET') {
        return op('GetProvisionedConcurrencyConfig', () =>
          control.getProvisionedConcurrency(reference, q('Qualifier')),
        );
      }
      if (method === 'PUT') {
        return op('PutProvisionedConcurrencyConfig', () =>
          control.putProvisionedConcurrency(reference, q('Qualifier'), request.body),
        );
      }
      if (method === 'DELETE') {
        return op('DeleteProvisionedConcurrencyConfig', () =>
          control.deleteProvisionedConcurrency(reference, q('Qualifier')),
        );
      }
    }
    return this.unknown(request);
  }

  private unknown(request: HttpRequest): never {
    throw new AwsError(
      'UnknownOperationException',
      `The emulator does not implement ${request.method} ${request.path}`,
      404,
      { Type: 'User' },
    );
  }
}
