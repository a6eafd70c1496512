import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Random } from '../../../simulator/random';
import {
  DURATION_QUANTILES,
  DurationSampler,
  DurationShapes,
  fitDuration,
  shapeMean,
  shapeQuantile,
} from '../../../simulator/traces/duration-model';
import { loadTrace } from '../../../simulator/traces/load';

/** The shared real traces sit next to the repository (../shared/traces from its root), locally and in CI. */
const SHARED = resolve(__dirname, '../../../../shared/traces');
const DRAWS = 100_000;

/** The durations file's rows, parsed here (not by the loader) so the check does not trust the code it checks. */
function durationRows(file: string) {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const columns = head.split(',');
  const at = (name: string) => columns.indexOf(name);
  return lines.map((line) => {
    const cells = line.split(',');
    return {
      id: `${cells[at('HashApp')]}/${cells[at('HashFunction')]}`,
      average: Number(cells[at('Average')]),
      minimum: Number(cells[at('Minimum')]),
      maximum: Number(cells[at('Maximum')]),
    };
  });
}

const traces2019 = readdirSync(SHARED)
  .map((name) => join(SHARED, name))
  .filter((path) => statSync(path).isDirectory() && readdirSync(path).includes('durations.csv'));

describe('duration model', () => {
  it('keeps the percentile points and solves the mean exactly', () => {
    const quantiles = [2, 2, 3, 4, 5, 11, 453];
    const shape = fitDuration({ average: 4, minimum: 1, maximum: 12_929, quantiles });
    expect(shapeMean(shape)).toBeCloseTo(4, 9);
    DURATION_QUANTILES.slice(0, -1).forEach((q, i) => {
      expect(shapeQuantile(shape, q)).toBeCloseTo(quantiles[i], 9);
    });
    // Linear interpolation through the same points would average 6.87: the tails are bent down.
    expect(shape.bend).toBeLessThan(0.5);
  });

  it('bends towards the upper ends when the mean is above linear interpolation', () => {
    const shape = fitDuration({
      average: 400,
      minimum: 100,
      maximum: 1000,
      quantiles: [100, 100, 200, 300, 400, 900, 1000],
    });
    expect(shape.bend).toBeGreaterThan(0.5);
    expect(shapeMean(shape)).toBeCloseTo(400, 9);
  });

  it('pulls towards the minimum when even the lower points average above the mean (a rounded tiny Average)', () => {
    const shape = fitDuration({ average: 0, minimum: 0, maximum: 234, quantiles: [0, 0, 0, 0, 0, 3, 65] });
    expect(shapeMean(shape)).toBe(0);
    const low = fitDuration({ average: 2, minimum: 1, maximum: 80, quantiles: [1, 2, 3, 3, 4, 50, 80] });
    expect(shapeMean(low)).toBeCloseTo(2, 9);
    expect(shapeQuantile(low, 0)).toBeGreaterThanOrEqual(1);
  });

  it('pushes towards the maximum when even the upper points average below the mean', () => {
    const shape = fitDuration({
      average: 1600,
      minimum: 100,
      maximum: 6000,
      quantiles: [111, 111, 111, 484, 517, 5015, 5015],
    });
    expect(shapeMean(shape)).toBeCloseTo(1600, 9);
    expect(shapeQuantile(shape, 0.999)).toBeLessThanOrEqual(6000);
  });

  it('is the average alone when there are no percentile points', () => {
    const shape = fitDuration({ average: 70 });
    const sampler = new DurationSampler(new DurationShapes([shape]), new Random(1));
    expect([sampler.draw(0), sampler.draw(0)]).toEqual([70, 70]);
  });

  it('uses every 1% slice once per 100 draws of a function', () => {
    const shape = fitDuration({ average: 50, quantiles: [0, 1, 25, 50, 75, 99, 100] });
    const sampler = new DurationSampler(new DurationShapes([shape, shape]), new Random(3));
    const slices = new Set<number>();
    for (let k = 0; k < 100; k++) {
      sampler.draw(1); // another function's draws do not disturb the first's strata
      slices.add(Math.floor(sampler.draw(0)));
    }
    expect(slices.size).toBe(100);
  });

  describe.each(traces2019)('every function of the shared trace %s', (path) => {
    const trace = loadTrace(path);
    const rows = new Map(durationRows(join(path, 'durations.csv')).map((row) => [row.id, row]));

    it(`draws ${DRAWS.toLocaleString('en-US')} durations per function with mean within 2% of Average, inside Minimum–Maximum`, () => {
      const sampler = trace.durations?.(1);
      expect(sampler).toBeDefined();
      let checked = 0;
      trace.functions.forEach((fn, f) => {
        const row = rows.get(fn.id);
        if (row === undefined) return;
        let sum = 0;
        let low = Number.POSITIVE_INFINITY;
        let high = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < DRAWS; k++) {
          const d = sampler!.draw(f);
          sum += d;
          if (d < low) low = d;
          if (d > high) high = d;
        }
        const mean = sum / DRAWS;
        // An Average of 0 (rounded) must give exactly 0; otherwise 2% of it.
        expect({ id: fn.id, off: Math.abs(mean - row.average) <= 0.02 * row.average }).toEqual({
          id: fn.id,
          off: true,
        });
        expect(low).toBeGreaterThanOrEqual(row.minimum);
        expect(high).toBeLessThanOrEqual(row.maximum);
        checked++;
      });
      expect(checked).toBe(rows.size);
    });

    it('with --durations average every draw is the Average', () => {
      const average = loadTrace(path, { durations: 'average' });
      const sampler = average.durations!(1);
      average.functions.forEach((fn, f) => {
        const row = rows.get(fn.id);
        if (row !== undefined) expect(sampler.draw(f)).toBe(row.average);
      });
      expect(average.durationRule).toMatch(/Average/);
    });
  });

  describe('the shared Azure 2021 trace', () => {
    const file = join(SHARED, 'azure2021_invitro_head998');
    /** Per-function mean of the recorded durations, in ms, computed here from the CSV. */
    const recorded = () => {
      const [head, ...lines] = readFileSync(
        join(file, readdirSync(file).find((name) => name.endsWith('.csv'))!),
        'utf8',
      )
        .trim()
        .split(/\r?\n/);
      const columns = head.split(',');
      const means = new Map<string, { sum: number; n: number }>();
      for (const line of lines) {
        const cells = line.split(',');
        const id = `${cells[columns.indexOf('app')]}/${cells[columns.indexOf('func')]}`;
        const m = means.get(id) ?? { sum: 0, n: 0 };
        m.sum += Number(cells[columns.indexOf('duration')]) * 1000;
        m.n++;
        means.set(id, m);
      }
      return means;
    };
    const replayedMeans = (durations: 'distribution' | 'average') => {
      const trace = loadTrace(file, { durations });
      const sums = new Map<string, { sum: number; n: number; values: Set<number> }>();
      const source = trace.arrivals(1);
      for (let batch = source.next(); batch; batch = source.next()) {
        for (let i = 0; i < batch.count; i++) {
          const id = trace.functions[batch.fn[i]].id;
          const m = sums.get(id) ?? { sum: 0, n: 0, values: new Set<number>() };
          m.sum += batch.durationMs[i];
          m.n++;
          m.values.add(batch.durationMs[i]);
          sums.set(id, m);
        }
      }
      return sums;
    };

    it('replays the recorded durations, so each function keeps its recorded mean', () => {
      const expected = recorded();
      const replayed = replayedMeans('distribution');
      expect(replayed.size).toBe(expected.size);
      for (const [id, m] of expected) expect(replayed.get(id)!.sum / replayed.get(id)!.n).toBeCloseTo(m.sum / m.n, 6);
    });

    it('with --durations average every invocation lasts its function’s mean', () => {
      const expected = recorded();
      for (const [id, m] of replayedMeans('average')) {
        expect(m.values.size).toBe(1);
        expect([...m.values][0]).toBeCloseTo(expected.get(id)!.sum / expected.get(id)!.n, 6);
      }
    });
  });
});
