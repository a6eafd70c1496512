import type { Forecast } from '../../controller/plan';

/** What the tally sums to: requests with a forecast, the cold starts it expected of them, and those there were. */
export interface ForecastSums {
  readonly requests: number;
  readonly coldExpected: number;
  readonly coldActual: number;
}

/** The names the sums have among a strategy's facts (StrategyResult.facts). */
const FACT = {
  requests: 'forecast.requests',
  coldExpected: 'forecast.coldExpected',
  coldActual: 'forecast.coldActual',
} as const satisfies Record<keyof ForecastSums, string>;

/** The sums among a strategy's facts, when any choice had a forecast. */
export function forecastOf(facts: Readonly<Record<string, number | string>>): ForecastSums | undefined {
  const requests = Number(facts[FACT.requests] ?? 0);
  if (!(requests > 0)) return undefined;
  return {
    requests,
    coldExpected: Number(facts[FACT.coldExpected]),
    coldActual: Number(facts[FACT.coldActual]),
  };
}

/** A function's user requests so far and how many started cold (Engine.requestsSoFar). */
export interface Served {
  readonly requests: number;
  readonly cold: number;
}

/**
 * Auto mode's forecasts set against what the simulation then did, as the dashboard sets the controller's against the
 * target helper's count: each forecast holds for a function until its next auto-mode choice, and over that window its
 * cold share times the requests that came is the cold starts it forecast, beside the cold starts there were. Summed
 * over every window with a forecast (the load known), the two say whether the demand model is calibrated.
 */
export class ForecastTally {
  private readonly open = new Map<number, Window>();
  private requests = 0;
  private expected = 0;
  private actual = 0;

  /** An auto-mode choice for `fn` (`forecast` absent while its load is unknown), its counters `served` by now. */
  decided(fn: number, forecast: Forecast | undefined, served: Served): void {
    const window = this.open.get(fn);
    if (window) this.close(window, served);
    if (forecast) this.open.set(fn, { coldShare: forecast.coldShare, from: served });
    else this.open.delete(fn);
  }

  /** The sums, the windows still open closed at each function's counters now (`servedOf`). */
  facts(servedOf: (fn: number) => Served): Record<string, number> {
    const totals = { requests: this.requests, expected: this.expected, actual: this.actual };
    for (const [fn, window] of this.open) {
      const sums = windowSums(window, servedOf(fn));
      totals.requests += sums.requests;
      totals.expected += sums.expected;
      totals.actual += sums.actual;
    }
    return {
      [FACT.requests]: totals.requests,
      [FACT.coldExpected]: Math.round(totals.expected * 10) / 10,
      [FACT.coldActual]: totals.actual,
    };
  }

  private close(window: Window, served: Served): void {
    const sums = windowSums(window, served);
    this.requests += sums.requests;
    this.expected += sums.expected;
    this.actual += sums.actual;
  }
}

/** A forecast's cold share, and the function's counters when it was made. */
interface Window {
  readonly coldShare: number;
  readonly from: Served;
}

/** A window's requests, the cold starts its forecast expects of them, and the cold starts there were. */
function windowSums(window: Window, served: Served) {
  const requests = served.requests - window.from.requests;
  return { requests, expected: window.coldShare * requests, actual: served.cold - window.from.cold };
}
