import { resolve } from 'node:path';
import { loadPolicySet } from '../../../controller/policy';
import { simulate } from '../../../simulator/run';
import { createStrategy } from '../../../simulator/strategies';
import { ForecastTally } from '../../../simulator/strategies/forecast-tally';
import { loadTrace } from '../../../simulator/traces/load';

describe('ForecastTally: auto mode’s forecasts against what the simulation did', () => {
  it('prices each window’s requests at the forecast that held over it, and counts the cold starts there were', () => {
    const tally = new ForecastTally();
    tally.decided(0, { coldShare: 0.1 }, { requests: 0, cold: 0 });
    tally.decided(1, { coldShare: 0.5 }, { requests: 10, cold: 3 });
    // function 0: 100 requests at 10% until its next choice, which has no forecast (its window closes, none opens)
    tally.decided(0, undefined, { requests: 100, cold: 4 });
    // requests without a forecast are not counted
    const later = (fn: number) => (fn === 0 ? { requests: 500, cold: 50 } : { requests: 30, cold: 9 });
    // function 1's window is still open: closed at its counters now (20 requests at 50%, 6 cold)
    expect(tally.facts(later)).toEqual({
      'forecast.requests': 120,
      'forecast.coldExpected': 20,
      'forecast.coldActual': 10,
    });
    // reading the facts closes nothing: a later read sees the open window grow
    expect(tally.facts((fn) => (fn === 1 ? { requests: 40, cold: 9 } : later(fn)))['forecast.requests']).toBe(130);
  });

  it('a new forecast for a function closes its window at the old one’s share', () => {
    const tally = new ForecastTally();
    tally.decided(0, { coldShare: 0.2 }, { requests: 0, cold: 0 });
    tally.decided(0, { coldShare: 0 }, { requests: 10, cold: 1 });
    expect(tally.facts(() => ({ requests: 20, cold: 1 }))).toEqual({
      'forecast.requests': 20,
      'forecast.coldExpected': 2,
      'forecast.coldActual': 1,
    });
  });

  it('a simulated run reports them among Thermostat’s facts, counted from the same requests as its results', () => {
    const trace = loadTrace(resolve(__dirname, '../../../../shared/traces/azure2021_invitro_head998'));
    const run = simulate({
      trace,
      policySet: loadPolicySet([resolve(__dirname, '../../../examples/simulate')]),
      strategies: [createStrategy('thermostat')],
      model: { seed: 1 },
    });
    const [result] = run.results;
    const requests = Number(result.facts['forecast.requests']);
    const actual = Number(result.facts['forecast.coldActual']);
    expect(requests).toBeGreaterThan(0);
    expect(requests).toBeLessThanOrEqual(result.requests);
    expect(actual).toBeLessThanOrEqual(result.coldStarts);
    expect(Number(result.facts['forecast.coldExpected'])).toBeGreaterThanOrEqual(0);
  });
});
