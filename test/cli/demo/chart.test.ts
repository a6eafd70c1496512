import { escapeXml, lineChart, niceCeiling, seriesPath } from '../../../cli/demo/chart';

const identity = (v: number) => v;

describe('inline SVG charts', () => {
  it('rounds axis tops up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(0.7)).toBe(1);
    expect(niceCeiling(1.3)).toBe(2);
    expect(niceCeiling(2.2)).toBe(2.5);
    expect(niceCeiling(7)).toBe(10);
    expect(niceCeiling(38)).toBe(50);
  });

  it('draws lines, steps and gaps', () => {
    expect(
      seriesPath(
        [
          [0, 1],
          [1, 2],
        ],
        false,
        identity,
        identity,
      ),
    ).toBe('M0,1L1,2');
    expect(
      seriesPath(
        [
          [0, 1],
          [2, 3],
        ],
        true,
        identity,
        identity,
      ),
    ).toBe('M0,1H2V3');
    expect(
      seriesPath(
        [
          [0, 1],
          [1, null],
          [2, 3],
          [3, 4],
        ],
        false,
        identity,
        identity,
      ),
    ).toBe('M0,1M2,3L3,4');
  });

  it('renders a figure with one path per series, counting the points with data', () => {
    const html = lineChart({
      title: 'Warm <ratio>',
      yLabel: 'ratio',
      xDomain: [0, 24],
      xTicks: [{ at: 0, label: '00:00' }],
      yMax: 1,
      series: [
        {
          name: 'a & b',
          colour: '#000',
          points: [
            [0, 0.5],
            [12, null],
            [24, 1],
          ],
        },
        { name: 'c', colour: '#111', dashed: true, step: true, points: [[0, 0]] },
      ],
      bands: [{ from: 8, to: 18, label: 'business hours' }],
    });
    expect(html).toContain('<figcaption>Warm &#60;ratio&#62;</figcaption>');
    expect(html.match(/<path class="series"/g)).toHaveLength(2);
    expect(html).toContain('data-series="a &#38; b" data-points="2"');
    expect(html).toContain('stroke-dasharray="6 4"');
    expect(html).toContain('<rect class="band"');
    expect(html).not.toMatch(/NaN|undefined/);
  });

  it('escapes markup in names', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });
});
