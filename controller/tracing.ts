import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * Records X-Ray segments for every SDK call of `clients`. Its own module, required only when tracing is on, so the
 * tracer and the X-Ray SDK under it (a large part of the bundle) are not even evaluated in a cold start without.
 */
export function traceClients(serviceName: string, clients: Record<string, object>): void {
  const tracer = new Tracer({ serviceName });
  for (const client of Object.values(clients)) tracer.captureAWSv3Client(client);
}
