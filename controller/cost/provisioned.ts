import { gbSeconds } from './invocations';
import { type Architecture, PRICES, type PriceBook } from './prices';

/** AWS bills provisioned concurrency "from the time you enable it … until it is disabled, rounded up to the nearest five minutes". */
export const PROVISIONED_BILLING_INCREMENT_MS = 5 * 60_000;

/** A stretch of time during which `concurrency` environments were configured. */
export interface ProvisionedSpan {
  readonly fromMs: number;
  readonly toMs: number;
  readonly concurrency: number;
  /**
   * True when the configuration was still enabled at `toMs` (e.g. the simulation ended there): the period has not
   * ended, so it is not rounded up.
   */
  readonly open?: boolean;
}

export interface ProvisionedCostInput {
  readonly spans: readonly ProvisionedSpan[];
  readonly memoryMb: number;
  readonly architecture: Architecture;
  readonly prices?: PriceBook;
}

export interface ProvisionedCost {
  /** Configured GB-seconds billed, rounding included. */
  readonly gbSeconds: number;
  /** Milliseconds added by the five-minute rounding (at the level of each period's last span). */
  readonly roundingMs: number;
  readonly usd: number;
}

/** Raised for spans that overlap, run backwards or have a negative concurrency. */
export class ProvisionedSpanError extends Error {
  override readonly name = 'ProvisionedSpanError';
}

/**
 * Cost of provisioned concurrency capacity. Back-to-back spans with concurrency > 0 form one enabled period
 * (a level change does not restart billing); each period that ends is rounded up to a multiple of five minutes,
 * the extra time billed at the period's last level.
 */
export function costOfProvisioned(input: ProvisionedCostInput): ProvisionedCost {
  const spans = input.spans.filter((span) => span.toMs > span.fromMs && span.concurrency > 0);
  for (const span of input.spans) {
    if (!(span.toMs >= span.fromMs) || !(span.concurrency >= 0)) {
      throw new ProvisionedSpanError(`invalid provisioned span ${JSON.stringify(span)}`);
    }
  }
  let concurrencyMs = 0;
  let roundingMs = 0;
  let periodStart = Number.NaN;
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i];
    if (i > 0 && span.fromMs < spans[i - 1].toMs) {
      throw new ProvisionedSpanError(`provisioned spans overlap at ${span.fromMs} ms; sort and split them first`);
    }
    if (Number.isNaN(periodStart)) periodStart = span.fromMs;
    concurrencyMs += span.concurrency * (span.toMs - span.fromMs);
    const next = spans[i + 1];
    const periodEnds = next === undefined || next.fromMs > span.toMs;
    if (periodEnds) {
      if (!span.open) {
        const length = span.toMs - periodStart;
        const rounded = Math.ceil(length / PROVISIONED_BILLING_INCREMENT_MS) * PROVISIONED_BILLING_INCREMENT_MS;
        roundingMs += rounded - length;
        concurrencyMs += span.concurrency * (rounded - length);
      }
      periodStart = Number.NaN;
    }
  }
  const gbs = gbSeconds(input.memoryMb, concurrencyMs);
  const rate = (input.prices ?? PRICES)[input.architecture].provisionedPerGbSecond;
  return { gbSeconds: gbs, roundingMs, usd: gbs * rate };
}
