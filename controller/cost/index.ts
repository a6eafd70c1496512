/**
 * Lambda cost model: us-east-1 prices and the arithmetic the controller's auto mode and the simulator share.
 * Pure: no AWS SDK, no I/O.
 */
export { breakEvenUtilisation, MONTH_MS } from './break-even';
export {
  billedMs,
  costOfDuration,
  costOfPings,
  costOfRequests,
  gbSeconds,
  type PingCost,
  type PingCostInput,
} from './invocations';
export {
  ARCHITECTURES,
  type Architecture,
  type DurationTier,
  DYNAMODB_PRICES,
  GET_METRIC_DATA_PER_METRIC,
  LOG_INGESTION_PER_GB,
  logIngestionUsd,
  onDemandRate,
  PLATFORM_LOG_BYTES,
  PRICES,
  PRICES_EFFECTIVE,
  PRICES_REGION,
  type PriceBook,
  PriceOverrideError,
  type PriceOverrides,
  type PriceSheet,
  withPrices,
} from './prices';
export {
  costOfProvisioned,
  PROVISIONED_BILLING_INCREMENT_MS,
  type ProvisionedCost,
  type ProvisionedCostInput,
  type ProvisionedSpan,
  ProvisionedSpanError,
} from './provisioned';
