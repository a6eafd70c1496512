/**
 * checkout-api: an HTTP API behind API Gateway (alias `live`), kept warm in business hours by
 * examples/policies/checkout-api.yaml. `withThermostat` answers Thermostat's pings without running the handler and
 * records whether each real request started cold.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { withThermostat } from '../../target';

interface Price {
  readonly sku: string;
  readonly cents: number;
  readonly currency: 'EUR';
}

// Built once per execution environment: this is the work a warm environment has already paid for.
const catalogue = new Map<string, Price>(
  [
    ['coffee-beans-1kg', 2490],
    ['grinder', 8900],
    ['filter-papers', 450],
  ].map(([sku, cents]) => [sku as string, { sku: sku as string, cents: cents as number, currency: 'EUR' }]),
);

function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export const handler = withThermostat(async (event: APIGatewayProxyEventV2) => {
  const sku = event.pathParameters?.sku;
  if (sku === undefined) return json(200, { items: [...catalogue.values()] });
  const price = catalogue.get(sku);
  return price === undefined ? json(404, { message: `no such sku: ${sku}` }) : json(200, price);
});
