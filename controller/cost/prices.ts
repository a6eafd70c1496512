/**
 * AWS Lambda prices for us-east-1, per architecture. Source: the AWS Lambda pricing page and the AWS Price List API
 * (service code AWSLambda, effective 1 October 2025); SKUs are noted so a reader can check them.
 * Every consumer takes a `PriceBook` argument, so prices can be overridden without editing this file.
 */

export type Architecture = 'x86_64' | 'arm64';

export const ARCHITECTURES: readonly Architecture[] = ['x86_64', 'arm64'];

/** One on-demand duration tier: the rate applies to GB-seconds up to `upToGbSeconds` per month. */
export interface DurationTier {
  readonly upToGbSeconds: number;
  readonly perGbSecond: number;
}

export interface PriceSheet {
  /** USD per one million requests (pings and the controller's own invocations included). */
  readonly requestPerMillion: number;
  /** On-demand duration tiers, cheapest last; INIT is billed at these rates too (since 1 August 2025). */
  readonly durationTiers: readonly DurationTier[];
  /** Provisioned concurrency capacity, USD per GB-second configured. */
  readonly provisionedPerGbSecond: number;
  /** Duration of invocations served by provisioned environments, USD per GB-second. */
  readonly provisionedDurationPerGbSecond: number;
}

export type PriceBook = Readonly<Record<Architecture, PriceSheet>>;

export const PRICES_REGION = 'us-east-1';
export const PRICES_EFFECTIVE = '2025-10-01';

export const PRICES: PriceBook = {
  x86_64: {
    requestPerMillion: 0.2, // GU2ZS9HVP6QTQ7KE
    durationTiers: [
      { upToGbSeconds: 6e9, perGbSecond: 0.0000166667 }, // TG3M4CAGBA3NYQBH
      { upToGbSeconds: 15e9, perGbSecond: 0.000015 },
      { upToGbSeconds: Number.POSITIVE_INFINITY, perGbSecond: 0.0000133334 },
    ],
    provisionedPerGbSecond: 0.0000041667, // BMKCD2ZCEYKTYYCB
    provisionedDurationPerGbSecond: 0.0000097222, // ZZF88MXYPS4DGSEZ
  },
  arm64: {
    requestPerMillion: 0.2, // K7BX6567RJ67A2KE
    durationTiers: [
      { upToGbSeconds: 7.5e9, perGbSecond: 0.0000133334 }, // 72SBSFWPMDTH8S3J
      { upToGbSeconds: 18.75e9, perGbSecond: 0.0000120001 },
      { upToGbSeconds: Number.POSITIVE_INFINITY, perGbSecond: 0.0000106667 },
    ],
    provisionedPerGbSecond: 0.0000033334, // MV7PTBS82AVCMXJJ
    provisionedDurationPerGbSecond: 0.0000077778, // 3Z4YRQ6XJRDK27UP
  },
};

/**
 * CloudWatch GetMetricData: USD 0.01 per 1,000 metrics requested (us-east-1, CloudWatch pricing page). What the
 * controller pays to observe traffic, so observing is rationed like any other cost.
 */
export const GET_METRIC_DATA_PER_METRIC = 0.01 / 1000;

/**
 * DynamoDB on-demand request units in us-east-1 (https://aws.amazon.com/dynamodb/pricing/on-demand/, standard table
 * class): what the controller's state table costs per read and write request unit.
 */
export const DYNAMODB_PRICES = { readUnit: 0.125 / 1e6, writeUnit: 0.625 / 1e6 } as const;

/**
 * CloudWatch Logs ingestion, standard log class, us-east-1 (https://aws.amazon.com/cloudwatch/pricing/): USD 0.50 per
 * GB of log data ingested, uncompressed. Every Lambda invocation writes its START, END and REPORT lines, so each ping
 * costs its target this beside its request charge, and each warmer's own lines cost their log group.
 */
export const LOG_INGESTION_PER_GB = 0.5;

/**
 * Bytes Lambda writes to a function's log group for each invocation, before its code prints anything: its START, END
 * and REPORT lines (`benchmarks/init.ts` counts a ping's in the emulator, which writes them as Lambda does; a test
 * keeps this within what the committed run measured). Every ping pays their ingestion.
 */
export const PLATFORM_LOG_BYTES = 262;

/** What CloudWatch Logs bills for ingesting `bytes` (GB of 2^30 bytes). */
export function logIngestionUsd(bytes: number): number {
  return (bytes / 2 ** 30) * LOG_INGESTION_PER_GB;
}

/** Partial prices to merge over `PRICES`, e.g. `{ arm64: { requestPerMillion: 0.25 } }`. */
export type PriceOverrides = { readonly [A in Architecture]?: Partial<PriceSheet> };

/** Raised for a price override that is not a finite, non-negative number. */
export class PriceOverrideError extends Error {
  override readonly name = 'PriceOverrideError';
}

function checkRate(value: number, where: string): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new PriceOverrideError(`price ${where} must be a finite number >= 0, got ${value}`);
  }
}

/** `PRICES` with `overrides` merged in, validated. */
export function withPrices(overrides: PriceOverrides = {}, base: PriceBook = PRICES): PriceBook {
  const merge = (arch: Architecture): PriceSheet => {
    const sheet: PriceSheet = { ...base[arch], ...overrides[arch] };
    checkRate(sheet.requestPerMillion, `${arch}.requestPerMillion`);
    checkRate(sheet.provisionedPerGbSecond, `${arch}.provisionedPerGbSecond`);
    checkRate(sheet.provisionedDurationPerGbSecond, `${arch}.provisionedDurationPerGbSecond`);
    if (sheet.durationTiers.length === 0) throw new PriceOverrideError(`price ${arch}.durationTiers is empty`);
    sheet.durationTiers.forEach((tier, i) => {
      checkRate(tier.perGbSecond, `${arch}.durationTiers[${i}].perGbSecond`);
    });
    return sheet;
  };
  return { x86_64: merge('x86_64'), arm64: merge('arm64') };
}

/** The first-tier on-demand rate, which every workload pays before it reaches billions of GB-seconds a month. */
export function onDemandRate(sheet: PriceSheet): number {
  return sheet.durationTiers[0].perGbSecond;
}
