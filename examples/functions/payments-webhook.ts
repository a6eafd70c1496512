/**
 * payments-webhook: called a few times an hour by a payment provider that gives up after 5 seconds (alias `live`).
 * examples/policies/webhook.yaml keeps one environment warm with middy-style pings; the helper's middy middleware,
 * registered first, answers them before any other middleware runs.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { thermostatMiddleware } from '../../target/middy';

interface PaymentEvent {
  readonly id: string;
  readonly type: string;
}

function isPaymentEvent(value: unknown): value is PaymentEvent {
  const candidate = value as Partial<PaymentEvent> | null;
  return typeof candidate?.id === 'string' && typeof candidate.type === 'string';
}

async function receive(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  let body: unknown;
  try {
    body = JSON.parse(event.body ?? '');
  } catch {
    return { statusCode: 400, body: 'expected a JSON body' };
  }
  if (!isPaymentEvent(body)) return { statusCode: 400, body: 'expected { id, type }' };
  // Acknowledge fast (the provider retries after 5 s); the event is processed from the log stream downstream.
  console.log(JSON.stringify({ received: body.type, id: body.id }));
  return { statusCode: 202, body: '' };
}

// @middy/core 7 ships only as ES modules, which a CommonJS file cannot `require` but can `import()`. Starting the
// import here, during init, costs what a static import would, and keeps this file loadable unbundled (the local
// emulator runs it as it is) as well as bundled (esbuild inlines the import for Lambda).
const webhook = import('@middy/core').then(({ default: middy }) => middy(receive).use(thermostatMiddleware()));

export async function handler(
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<APIGatewayProxyStructuredResultV2> {
  return (await webhook)(event, context);
}
