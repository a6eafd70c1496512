import { costOfPings, gbSeconds } from './invocations';
import { type Architecture, onDemandRate, PRICES, type PriceBook } from './prices';

/** 730 hours, the month AWS uses in its pricing examples. */
export const MONTH_MS = 730 * 3_600_000;

/**
 * Utilisation above which provisioned concurrency is cheaper than on-demand for the same busy time:
 * PC wins when pcRate + u·pcDurationRate < u·onDemandRate, i.e. u* = pcRate / (onDemandRate − pcDurationRate).
 * 0.600 on both architectures at first-tier us-east-1 prices (the "about 60 %" AWS people quote).
 */
export function breakEvenUtilisation(architecture: Architecture, prices: PriceBook = PRICES): number {
  const sheet = prices[architecture];
  const saving = onDemandRate(sheet) - sheet.provisionedDurationPerGbSecond;
  return saving > 0 ? sheet.provisionedPerGbSecond / saving : Number.POSITIVE_INFINITY;
}

/** Also the planner's auto-mode input (`AutoInput`), so this model is its default chooser. */
export interface WarmingChoiceInput {
  /** Expected busy share (0..1) of the environments kept warm; undefined when nothing is known. */
  readonly expectedUtilization: number | undefined;
  readonly memoryMb: number;
  readonly architecture: Architecture;
  /** Environments to keep warm. */
  readonly environments: number;
  /** Ping interval and hold, for the cost of the pings alternative. */
  readonly intervalMs: number;
  readonly holdMs: number;
}

export interface WarmingChoice {
  readonly choice: 'warm' | 'provisioned';
  /** One sentence with the numbers, for the run report. */
  readonly reason: string;
  readonly breakEven: number;
  /** USD per 730-hour month of each alternative for the kept-warm environments (requests excluded: equal). */
  readonly monthly: { readonly warm: number; readonly provisioned: number } | undefined;
}

const usd = (value: number) => `$${value < 10 ? value.toFixed(2) : value.toFixed(0)}`;
const percent = (value: number) => `${Math.round(value * 100)}%`;

/**
 * Picks pings or provisioned concurrency for keeping `environments` warm, by monthly cost: with pings the busy
 * time is billed on-demand and the pings are added; with provisioned concurrency the capacity is billed all month
 * and the busy time at the cheaper provisioned rate. Without an expected utilisation, pings win: they have no
 * standing cost and the planner can learn utilisation from metrics later.
 */
export function choosePingsOrProvisioned(input: WarmingChoiceInput, prices: PriceBook = PRICES): WarmingChoice {
  const breakEven = breakEvenUtilisation(input.architecture, prices);
  const u = input.expectedUtilization;
  if (u === undefined || !Number.isFinite(u)) {
    return {
      choice: 'warm',
      reason: `no expected utilisation is known, so pings (no standing cost) are chosen; provisioned concurrency pays off above ${percent(breakEven)}`,
      breakEven,
      monthly: undefined,
    };
  }
  const utilisation = Math.min(1, Math.max(0, u));
  const sheet = prices[input.architecture];
  const busyGbs = gbSeconds(input.memoryMb, MONTH_MS) * input.environments * utilisation;
  const pingRounds = input.intervalMs > 0 ? MONTH_MS / input.intervalMs : 0;
  const pings = costOfPings({
    count: pingRounds * input.environments,
    holdMs: input.holdMs,
    memoryMb: input.memoryMb,
    architecture: input.architecture,
    prices,
  }).total;
  const warm = busyGbs * onDemandRate(sheet) + pings;
  const provisioned =
    gbSeconds(input.memoryMb, MONTH_MS) * input.environments * sheet.provisionedPerGbSecond +
    busyGbs * sheet.provisionedDurationPerGbSecond;
  const monthly = { warm, provisioned };
  const numbers = `${usd(provisioned)}/month provisioned vs ${usd(warm)}/month with pings for ${input.environments} × ${input.memoryMb} MB ${input.architecture}`;
  return provisioned < warm
    ? {
        choice: 'provisioned',
        reason: `expected utilisation ${percent(utilisation)} is above the ${percent(breakEven)} break-even: ${numbers}`,
        breakEven,
        monthly,
      }
    : {
        choice: 'warm',
        reason: `expected utilisation ${percent(utilisation)} is below the ${percent(breakEven)} break-even: ${numbers}`,
        breakEven,
        monthly,
      };
}
