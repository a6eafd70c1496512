import type { ForecastSums } from '../strategies/forecast-tally';
import { formatCount } from './format';

/**
 * Auto mode's forecast against what the simulation did, over the requests of the functions it priced as a pool
 * (simulator/strategies/forecast-tally.ts); empty when no choice had a forecast. The table, the grid and the
 * benchmark's markdown say it alike.
 */
export function forecastLine(forecast: ForecastSums | undefined): string {
  if (forecast === undefined) return '';
  const { requests, coldExpected, coldActual } = forecast;
  const expected = coldExpected < 10 ? coldExpected.toFixed(1) : formatCount(coldExpected);
  const actual = coldActual < 10 && !Number.isInteger(coldActual) ? coldActual.toFixed(1) : formatCount(coldActual);
  return `Thermostat's forecast (Erlang's loss formula, by which auto mode sizes the environments it keeps warm): ${expected} of ${formatCount(requests)} requests cold; the simulation had ${actual}. The formula assumes random arrivals into a fixed pool: bursts of parallel requests make it low, environments the traffic started and Lambda keeps make it high.`;
}
