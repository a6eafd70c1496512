import {
  downsample,
  escapeXml,
  lineChart,
  logTicks,
  MARKERS,
  niceCeiling,
  niceRangeTicks,
  niceTicks,
  scatterAxis,
  scatterChart,
  seriesPath,
  stackedBars,
  tickLabels,
  timeTicks,
} from '../../../simulator/report/chart';

const identity = (v: number) => v;

describe('axis numbers', () => {
  it('rounds axis tops up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(0.7)).toBe(1);
    expect(niceCeiling(1.3)).toBe(2);
    expect(niceCeiling(2.2)).toBe(2.5);
    expect(niceCeiling(7)).toBe(10);
    expect(niceCeiling(38)).toBe(50);
  });

  it('picks 1-2-5 ticks that cover the maximum', () => {
    expect(niceTicks(9)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0.037)).toEqual([0, 0.01, 0.02, 0.03, 0.04]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });

  it('covers a range below 0 through 0 on the same steps, and labels it "−$0.02"', () => {
    expect(niceRangeTicks(-0.023, 0.0035)).toEqual([-0.03, -0.02, -0.01, 0, 0.01]);
    expect(niceRangeTicks(-5, 0)).toEqual([-5, -4, -3, -2, -1, 0]);
    expect(niceRangeTicks(0, 9)).toEqual(niceTicks(9));
    expect(tickLabels([-0.02, -0.01, 0, 0.01], { prefix: '$' })).toEqual(['−$0.02', '−$0.01', '$0', '$0.01']);
  });

  it('labels round ticks with the fewest digits: "$1", never "$1.000"', () => {
    expect(tickLabels([0, 0.5, 1, 1.5], { prefix: '$' })).toEqual(['$0', '$0.5', '$1', '$1.5']);
    expect(tickLabels([0, 1, 2, 3], { prefix: '$' })).toEqual(['$0', '$1', '$2', '$3']);
    expect(tickLabels([0, 0.0005, 0.001], { scale: 100, suffix: '%' })).toEqual(['0%', '0.05%', '0.1%']);
    expect(tickLabels([0.001, 0.01, 0.1], { prefix: '$' })).toEqual(['$0.001', '$0.01', '$0.1']);
  });

  it('keeps count axes on whole numbers', () => {
    expect(niceTicks(3, 5, 1)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(1, 5, 1)).toEqual([0, 1]);
    const ticks = (integer: boolean) =>
      [
        ...lineChart({
          title: 't',
          yLabel: 'environments',
          xDomain: [0, 1],
          xTicks: [],
          integer,
          series: [{ name: 's', colour: '#000', points: [[0, 2.5]] }],
        }).matchAll(/text-anchor="end">([^<]*)</g),
      ].map((m) => m[1]);
    expect(ticks(true).every((label) => /^\d+$/.test(label!))).toBe(true);
    // Without the flag the same data gets half steps: the reason count charts set it.
    expect(ticks(false)).toContain('0.5');
  });

  it('puts log-axis ticks on 1-2-5 values, thinned to powers of ten when there are many', () => {
    expect(logTicks(0.5, 6)).toEqual([0.5, 1, 2, 5]);
    expect(logTicks(0.5, 150)).toEqual([1, 10, 100]);
  });

  it('downsamples levels by max and counts by sum', () => {
    const t = [1, 2, 3, 4, 5, 6];
    expect(downsample(t, [1, 5, 2, 2, 9, 0], 3, 'max')).toEqual({ t: [2, 4, 6], values: [5, 2, 9] });
    expect(downsample(t, [1, 5, 2, 2, 9, 0], 3, 'sum')).toEqual({ t: [2, 4, 6], values: [6, 4, 9] });
    expect(downsample([1], [3], 3, 'sum')).toEqual({ t: [1], values: [3] });
  });
});

describe('time ticks', () => {
  const at = (iso: string) => Date.parse(iso);

  it('falls on round steps of UTC by default', () => {
    const ticks = timeTicks(at('2024-01-01T00:07:00Z'), at('2024-01-01T12:00:00Z'));
    expect(ticks.map((t) => t.label)).toEqual(['02:00', '04:00', '06:00', '08:00', '10:00', '12:00']);
    expect(ticks[0]!.at).toBe(at('2024-01-01T02:00:00Z'));
  });

  it('reads the clock of another zone when asked, e.g. a half-hour offset', () => {
    const ticks = timeTicks(at('2024-01-01T00:00:00Z'), at('2024-01-01T06:00:00Z'), { timeZone: 'Asia/Kolkata' });
    // 05:30 in Kolkata at midnight UTC: ticks land on Kolkata's whole hours.
    expect(ticks[0]).toEqual({ at: at('2024-01-01T00:30:00Z'), label: '06:00' });
    expect(ticks.every((t) => t.label.endsWith(':00'))).toBe(true);
    const paris = timeTicks(at('2024-07-01T00:00:00Z'), at('2024-07-01T12:00:00Z'), { timeZone: 'Europe/Paris' });
    expect(paris[0]!.label).toBe('02:00');
    const machine = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const day = [at('2024-07-01T00:00:00Z'), at('2024-07-02T00:00:00Z')] as const;
    expect(timeTicks(...day, { timeZone: 'local' })).toEqual(timeTicks(...day, { timeZone: machine }));
  });

  it('adds the date once the span passes two days, and never exceeds the count', () => {
    const ticks = timeTicks(at('2024-01-01T00:00:00Z'), at('2024-01-08T00:00:00Z'), { count: 8 });
    expect(ticks.length).toBeLessThanOrEqual(8);
    expect(ticks[0]!.label).toBe('01-01 00:00');
    expect(ticks.at(-1)!.label).toBe('01-08 00:00');
  });
});

describe('line charts', () => {
  it('draws lines, steps and gaps', () => {
    const line = [
      [0, 1],
      [1, 2],
    ] as const;
    expect(seriesPath(line, false, identity, identity)).toBe('M0,1L1,2');
    const step = [
      [0, 1],
      [2, 3],
    ] as const;
    expect(seriesPath(step, true, identity, identity)).toBe('M0,1H2V3');
    const gap = [
      [0, 1],
      [1, null],
      [2, 3],
      [3, 4],
    ] as const;
    expect(seriesPath(gap, false, identity, identity)).toBe('M0,1M2,3L3,4');
  });

  it('renders a figure with one path per series, counting the points with data', () => {
    const html = lineChart({
      title: 'Warm <ratio>',
      yLabel: 'ratio',
      xLabel: 'time (UTC)',
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
        { name: 'c', colour: '#111', dashed: true, step: true, markers: true, points: [[0, 0]] },
      ],
      bands: [{ from: 8, to: 18, label: 'business hours' }],
    });
    expect(html).toContain('<figcaption>Warm &#60;ratio&#62;</figcaption>');
    expect(html.match(/<path class="series"/g)).toHaveLength(2);
    expect(html).toContain('data-series="a &#38; b" data-points="2"');
    expect(html).toContain('stroke-dasharray="6 4"');
    expect(html).toContain('<rect class="band"');
    expect(html).toContain('<g class="markers" data-series="c"><circle class="marker" data-marker="circle" ');
    expect(html).toContain('>time (UTC)</text>');
    expect(html.match(/<li /g)).toHaveLength(2);
    expect(html).not.toMatch(/NaN|undefined/);
  });
});

describe('scatter and bar charts', () => {
  it('draws one point per item, on a log scale when values span more than 20x', () => {
    const scatter = scatterChart({
      title: 'cold vs cost',
      points: [
        { label: 'a', colour: '#111', x: 1, y: 0.1 },
        { label: 'b', colour: '#222', x: 100, y: 0.01 },
      ],
      xLabel: 'cost',
      yLabel: 'cold',
      formatX: String,
      formatY: String,
    });
    expect(scatter.match(/<g class="point"/g)).toHaveLength(2);
    expect(scatter).toMatch(/cost \(log scale\)/);
    expect(scatter).toMatch(/^<figure class="chart-figure"><figcaption>cold vs cost<\/figcaption><svg class="chart"/);
    expect(scatter).not.toMatch(/NaN|undefined/);
  });

  it('places points below 0 on a linear axis through 0 (a warming overhead can be: warming that saved money)', () => {
    const scatter = scatterChart({
      title: 'cold vs overhead',
      points: [
        { label: 'none', colour: '#111', marker: 'circle', x: 0, y: 0.003 },
        { label: 'thermostat', colour: '#222', marker: 'circle', x: -0.0207, y: 0.0007 },
        { label: 'plugin', colour: '#333', marker: 'circle', x: 0.0028, y: 0.0013 },
      ],
      xLabel: 'overhead',
      yLabel: 'cold',
      formatX: String,
      formatY: String,
      xTickLabels: (ticks) => tickLabels(ticks, { prefix: '$' }),
    });
    expect(scatter).not.toMatch(/NaN|undefined|log scale/);
    const cx = (label: string) =>
      Number(new RegExp(`data-label="${label}"><circle class="marker"[^>]*? cx="([\\d.]+)"`).exec(scatter)?.[1]);
    expect(cx('thermostat')).toBeLessThan(cx('none'));
    expect(cx('none')).toBeLessThan(cx('plugin'));
    expect(scatter).toContain('−$0.02');
  });

  it('reads a saving, no warming, a small overhead and a large one on one symmetric log axis', () => {
    const axis = scatterAxis([0, -0.0207, 0.0028, 0.0018, 1.64]);
    expect(axis.scale).toBe('symmetric log');
    expect(tickLabels(axis.ticks, { prefix: '$' })).toEqual(['−$0.01', '−$0.002', '$0', '$0.01', '$0.1', '$1']);
    // in order, inside the plot, and the small overheads apart from $0 and from each other
    const at = [-0.0207, 0, 0.0018, 0.0028, 1.64].map(axis.at);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(Math.min(...at)).toBeGreaterThan(0);
    expect(Math.max(...at)).toBeLessThan(1);
    expect(at[3]! - at[2]!).toBeGreaterThan(0.02);
    expect(at[2]! - at[1]!).toBeGreaterThan(0.05);
    // all above 0 over a wide span: log; a narrow one, or below 0 in a narrow one: linear through 0
    expect(scatterAxis([0.75, 0.76, 2.4, 20]).scale).toBe('log');
    expect(scatterAxis([0, 0.002, 0.003]).scale).toBe('linear');
    expect(scatterAxis([-0.002, 0, 0.003]).scale).toBe('linear');
  });

  it('gives each point its own shape and one shared label to points on top of each other', () => {
    const scatter = scatterChart({
      title: 'cold vs cost',
      points: [
        { label: 'static-pc', colour: '#111', x: 4, y: 0.0008 },
        { label: 'scheduled-pc', colour: '#222', x: 4, y: 0.0008 },
        { label: 'aas-target-tracking', colour: '#333', x: 4, y: 0.0008 },
        { label: 'none', colour: '#444', x: 0.75, y: 0.003 },
      ],
      xLabel: 'cost',
      yLabel: 'cold',
      formatX: String,
      formatY: String,
    });
    const shapes = [...scatter.matchAll(/<g class="point"[^>]*><[a-z]+ class="marker" data-marker="([a-z-]+)"/g)].map(
      (m) => m[1],
    );
    expect(shapes).toEqual(MARKERS.slice(0, 4));
    const labels = [...scatter.matchAll(/<text class="point-label"[^>]*>(.*?)<\/text>/g)].map((m) =>
      [...m[1]!.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((t) => t[1]),
    );
    expect(labels).toEqual([['none'], ['static-pc', 'scheduled-pc', 'aas-target-tracking']]);
  });

  it('stacks the parts of each bar and writes its total', () => {
    const bars = stackedBars({
      title: 'costs',
      bars: [
        {
          label: 'x',
          parts: [
            { name: 'a', value: 1, colour: '#000' },
            { name: 'b', value: 2, colour: '#111' },
          ],
        },
        { label: 'y', parts: [{ name: 'a', value: 0, colour: '#000' }] },
      ],
      format: (v) => `$${v}`,
    });
    expect(bars.match(/<rect class="bar"/g)).toHaveLength(2);
    expect(bars).toContain('>$3</text>');
    expect(bars).toContain('>$0</text>');
    expect(bars.match(/<li /g)).toHaveLength(2);
  });

  it('escapes text so labels cannot inject markup', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
    const svg = stackedBars({
      title: 'costs <b>',
      bars: [{ label: '<script>', parts: [{ name: 'x', value: 1, colour: '#000' }] }],
      format: String,
    });
    expect(svg).not.toMatch(/<script>|<b>/);
  });
});
