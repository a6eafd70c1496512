import { resolve } from 'node:path';
import { loadPolicySet } from '../../controller/policy';
import { runGrid } from '../../simulator/grid';
import { renderGrid } from '../../simulator/report/grid-table';
import { simulate } from '../../simulator/run';
import { createStrategy } from '../../simulator/strategies';
import { forecastOf } from '../../simulator/strategies/forecast-tally';
import { loadTrace } from '../../simulator/traces/load';

const trace = loadTrace(resolve(__dirname, '../../../shared/traces/azure2021_invitro_head998'));
const policySet = loadPolicySet([resolve(__dirname, '../../examples/simulate')]);

describe("the grid's Thermostat point", () => {
  it("carries auto mode's forecast against the runs, the mean of its seeds, and the grid's text says it", () => {
    const seeds = [1, 2];
    const grid = runGrid(trace, { policySet, setting: 'auto' }, { seeds });
    const own = grid.rows.find((row) => row.strategy === 'thermostat')!;
    // the same runs, one seed at a time, as the facts of each
    const each = seeds.map(
      (seed) =>
        forecastOf(
          simulate({ trace, policySet, strategies: [createStrategy('thermostat')], model: { seed } }).results[0]!.facts,
        )!,
    );
    const mean = (pick: (sums: (typeof each)[number]) => number) => (pick(each[0]!) + pick(each[1]!)) / 2;
    expect(own.forecast?.requests).toBeCloseTo(
      mean((sums) => sums.requests),
      6,
    );
    expect(own.forecast?.coldExpected).toBeCloseTo(
      mean((sums) => sums.coldExpected),
      6,
    );
    expect(own.forecast?.coldActual).toBeCloseTo(
      mean((sums) => sums.coldActual),
      6,
    );
    // the warmers make no forecast
    expect(grid.rows.filter((row) => row.forecast !== undefined).map((row) => row.strategy)).toEqual(['thermostat']);
    expect(renderGrid(trace, grid)).toMatch(
      /Thermostat's forecast \(Erlang's loss formula.*requests cold; the simulation had/,
    );
  });
});
