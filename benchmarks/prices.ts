/**
 * us-east-1 prices of everything Thermostat itself uses, for its monthly bill in BENCHMARKS.md (benchmarks/cost.ts).
 * Lambda's come from the controller's own price book (controller/cost/prices.ts, the Price List API SKUs), so the
 * cost model and this bill never disagree; the others are from each service's pricing page, standard tier, read
 * when this module was written (December 2026). Free tiers are left out: the bill is what Thermostat adds to an
 * account that already uses them up.
 */
import {
  DYNAMODB_PRICES,
  GET_METRIC_DATA_PER_METRIC,
  LOG_INGESTION_PER_GB,
  PRICES,
  PRICES_EFFECTIVE,
} from '../controller/cost/prices';

export interface BillPrice {
  readonly usd: number;
  readonly per: string;
  readonly source: string;
}

const LAMBDA = `https://aws.amazon.com/lambda/pricing/ (Price List API, effective ${PRICES_EFFECTIVE})`;

export const BILL_PRICES = {
  lambdaRequest: { usd: PRICES.arm64.requestPerMillion / 1e6, per: 'request', source: LAMBDA },
  /** The controller runs on arm64; its GB-seconds stay far inside the first duration tier. */
  lambdaArmGbSecond: { usd: PRICES.arm64.durationTiers[0]!.perGbSecond, per: 'GB-second (arm64)', source: LAMBDA },
  lambdaX86GbSecond: { usd: PRICES.x86_64.durationTiers[0]!.perGbSecond, per: 'GB-second (x86_64)', source: LAMBDA },
  lambdaX86ProvisionedGbSecond: {
    usd: PRICES.x86_64.provisionedPerGbSecond,
    per: 'GB-second of provisioned concurrency (x86_64)',
    source: LAMBDA,
  },
  dynamoWriteUnit: {
    usd: DYNAMODB_PRICES.writeUnit,
    per: 'write request unit (on-demand)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  dynamoReadUnit: {
    usd: DYNAMODB_PRICES.readUnit,
    per: 'read request unit (on-demand)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  metricRequested: {
    usd: GET_METRIC_DATA_PER_METRIC,
    per: 'metric requested by GetMetricData',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
  },
  customMetricMonth: {
    usd: 0.3,
    per: 'custom metric a month (first 10,000)',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
  },
  logIngestedGb: {
    usd: LOG_INGESTION_PER_GB,
    per: 'GB of CloudWatch Logs ingested (standard class)',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
  },
  logStoredGbMonth: {
    usd: 0.03,
    per: 'GB-month of CloudWatch Logs stored',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
  },
  customEvent: {
    usd: 1 / 1e6,
    per: 'EventBridge custom event (64 KB chunk)',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
  },
  schedulerInvocation: {
    usd: 1 / 1e6,
    per: 'EventBridge Scheduler invocation (after 14 million free a month)',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
  },
  xrayTrace: {
    usd: 5 / 1e6,
    per: 'X-Ray trace recorded',
    source: 'https://aws.amazon.com/xray/pricing/',
  },
} as const satisfies Record<string, BillPrice>;

export type BillPriceId = keyof typeof BILL_PRICES;
