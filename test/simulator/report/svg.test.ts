import { downsample, escapeXml, lineChart, niceTicks, scatterChart, stackedBars } from '../../../simulator/report/svg';

describe('svg helpers', () => {
  it('picks 1-2-5 ticks that cover the maximum', () => {
    expect(niceTicks(9)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0.037)).toEqual([0, 0.01, 0.02, 0.03, 0.04]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });

  it('downsamples levels by max and counts by sum', () => {
    const t = [1, 2, 3, 4, 5, 6];
    expect(downsample(t, [1, 5, 2, 2, 9, 0], 3, 'max')).toEqual({ t: [2, 4, 6], values: [5, 2, 9] });
    expect(downsample(t, [1, 5, 2, 2, 9, 0], 3, 'sum')).toEqual({ t: [2, 4, 6], values: [6, 4, 9] });
    expect(downsample([1], [3], 3, 'sum')).toEqual({ t: [1], values: [3] });
  });

  it('escapes text so labels cannot inject markup', () => {
    expect(escapeXml('<a href="x">&</a>')).toBe('&#60;a href=&#34;x&#34;&#62;&#38;&#60;/a&#62;');
    const svg = stackedBars({
      title: 'costs <b>',
      bars: [{ label: '<script>', parts: [{ name: 'x', value: 1, color: '#000' }] }],
      format: String,
    });
    expect(svg).not.toMatch(/<script>|<b>/);
  });

  it('draws one path per line and one point per strategy', () => {
    const line = lineChart({
      title: 'envs',
      t: [0, 60_000, 120_000],
      lines: [
        { name: 'a', color: '#111', values: [1, 2, 3] },
        { name: 'b', color: '#222', values: [0, 0, 1] },
      ],
      yLabel: 'n',
    });
    expect(line.match(/<path /g)).toHaveLength(2);
    const scatter = scatterChart({
      title: 'cold vs cost',
      points: [
        { label: 'a', color: '#111', x: 1, y: 0.1 },
        { label: 'b', color: '#222', x: 100, y: 0.01 },
      ],
      xLabel: 'cost',
      yLabel: 'cold',
      formatX: String,
      formatY: String,
    });
    expect(scatter.match(/<circle /g)).toHaveLength(2);
    expect(scatter).toMatch(/log scale/);
  });
});
