/**
 * The demo's payments-webhook: the same receiver as examples/functions/payments-webhook.ts, wrapped with
 * `withThermostat` instead of the middy middleware. @middy/core 7 is ESM-only (its package exports only an
 * `import` condition), so the unbundled CommonJS the local emulator loads cannot require it; a deployed function is
 * bundled by esbuild and does not have that problem. The policy (examples/policies/webhook.yaml) still sends
 * middy-style pings, which the helper recognises too.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { withThermostat } from '../../../target';

interface PaymentEvent {
  readonly id: string;
  readonly type: string;
}

function isPaymentEvent(value: unknown): value is PaymentEvent {
  const candidate = value as Partial<PaymentEvent> | null;
  return typeof candidate?.id === 'string' && typeof candidate.type === 'string';
}

export const handler = withThermostat(
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    let body: unknown;
    try {
      body = JSON.parse(event.body ?? '');
    } catch {
      return { statusCode: 400, body: 'expected a JSON body' };
    }
    if (!isPaymentEvent(body)) return { statusCode: 400, body: 'expected { id, type }' };
    // Acknowledge fast (the provider retries after 5 s); the event is processed from the log stream downstream.
    return { statusCode: 202, body: '' };
  },
);
