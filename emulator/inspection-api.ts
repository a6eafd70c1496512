import { AwsError, EmulatorConfigError } from './errors';
import type { FaultSpec } from './faults';
import { type HttpRequest, type HttpResponse, json } from './http/server';
import type { Emulator } from './index';

function notFound(request: HttpRequest): AwsError {
  return new AwsError(
    'ResourceNotFoundException',
    `No inspection route ${request.method} ${request.path}; see GET /_emulator/state, /events, /logs, /metrics, /quotas, /faults`,
    404,
  );
}

/**
 * The emulator's own HTTP API under /_emulator/, for the CLI, the demo and anyone with curl:
 * state, events, logs, metrics, fault injection and an Auto Scaling tick.
 */
export function inspectionRoutes(emulator: Emulator, request: HttpRequest): HttpResponse {
  const [, , resource, id] = request.path.split('/');
  const { method, query } = request;
  const number = (key: string) => (query.get(key) === null ? undefined : Number(query.get(key)));
  if (method === 'GET' && (resource === 'state' || resource === undefined || resource === '')) {
    return json(200, emulator.inspect());
  }
  if (method === 'GET' && resource === 'environments')
    return json(200, emulator.environments(query.get('function') ?? undefined));
  if (method === 'GET' && resource === 'events') return json(200, emulator.events());
  if (method === 'GET' && resource === 'metrics') return json(200, emulator.metrics());
  if (method === 'GET' && resource === 'quotas') return json(200, emulator.quotas());
  if (method === 'GET' && resource === 'logs') {
    return json(
      200,
      emulator.logs({
        functionName: query.get('function') ?? undefined,
        envId: query.get('envId') ?? undefined,
        requestId: query.get('requestId') ?? undefined,
        limit: number('limit'),
      }),
    );
  }
  if (method === 'POST' && resource === 'tick') {
    emulator.tick();
    return json(200, { ok: true });
  }
  if (resource === 'faults') {
    if (method === 'GET') return json(200, emulator.inspect().faults);
    if (method === 'DELETE') {
      emulator.clearFaults(id);
      return { status: 204 };
    }
    if (method === 'POST') {
      let spec: FaultSpec;
      try {
        spec = JSON.parse(request.body.toString('utf8')) as FaultSpec;
        return json(201, { id: emulator.injectFault(spec) });
      } catch (error) {
        const message =
          error instanceof EmulatorConfigError ? error.message : `the body is not a fault: ${(error as Error).message}`;
        throw new AwsError('ValidationException', message, 400, {}, {}, { cause: error });
      }
    }
  }
  throw notFound(request);
}
