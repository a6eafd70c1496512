/**
 * Inline SVG charts for the self-contained HTML reports (the simulator's and the demo's): no script, no library and
 * no network, so a report opens anywhere; every mark is a plain element a test (or a curious reader) can inspect,
 * and all text is escaped. Each chart is a <figure> with a caption, the SVG and an HTML legend; CHART_STYLE styles
 * them and reads the page's --fg, --muted, --grid, --band and --card colours when it sets them.
 */

export type Point = readonly [x: number, y: number | null];

/** Marker shapes, so series and points differ by shape as well as by colour (colour-blind readers, print). */
export const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'triangle-down', 'plus', 'cross', 'ring'] as const;
export type Marker = (typeof MARKERS)[number];

export interface Series {
  readonly name: string;
  /** x ascending; a null y leaves a gap (no data there). */
  readonly points: readonly Point[];
  readonly colour: string;
  readonly dashed?: boolean;
  /** Hold each value until the next point (counts), instead of a straight line between points (ratios). */
  readonly step?: boolean;
  /** Draw a marker on every point, so a value between two gaps is still visible. */
  readonly markers?: boolean;
  /** The markers' shape (and the legend's). @default 'circle' */
  readonly marker?: Marker;
  /**
   * Without `markers`, still mark every n-th point (staggered between series), so dense lines that run on top of
   * each other stay told apart by shape.
   */
  readonly markerEvery?: number;
}

/** A shaded span of the x axis with a label, e.g. the business-hours window or the burst. */
export interface Band {
  readonly from: number;
  readonly to: number;
  readonly label: string;
}

export interface Tick {
  readonly at: number;
  readonly label: string;
}

export interface ChartSpec {
  readonly title: string;
  readonly yLabel: string;
  /** Written under the right end of the x axis, e.g. "time (UTC)". */
  readonly xLabel?: string;
  readonly series: readonly Series[];
  readonly xDomain: readonly [number, number];
  readonly xTicks: readonly Tick[];
  /** Fixed top of the y axis (e.g. 1 for ratios); otherwise a round number above the data. */
  readonly yMax?: number;
  readonly yFormat?: (value: number) => string;
  /** The y axis counts things: ticks on whole numbers only. */
  readonly integer?: boolean;
  readonly bands?: readonly Band[];
  readonly width?: number;
  readonly height?: number;
}

/** The charts' CSS, for a report's <style>; colours fall back to a light theme when the page sets none. */
export const CHART_STYLE = `
figure.chart-figure { margin: 0 0 12px; background: var(--card, transparent); border-radius: 8px; padding: 12px; }
figure.chart-figure figcaption { font-weight: 600; margin-bottom: 6px; color: var(--fg, #222); }
svg.chart { width: 100%; height: auto; max-width: 100%; display: block; }
svg.chart .point-label { fill: var(--fg, #222); font-size: 11px; }
svg.chart .grid { stroke: var(--grid, #e3e6e9); stroke-width: 1; }
svg.chart .axis { stroke: var(--muted, #666); stroke-width: 1; }
svg.chart text { fill: var(--muted, #555); font-size: 11px; }
svg.chart .band { fill: var(--band, rgba(0, 114, 178, 0.08)); }
svg.chart .band-label { font-size: 10px; }
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 16px; padding: 0; margin: 6px 0 0; font-size: 13px; }
ul.legend svg { vertical-align: middle; margin-right: 6px; }
`;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The smallest of 1, 2, 2.5, 5 × 10^k at or above the value, so axis ticks land on round numbers. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (value <= step * magnitude + 1e-9) return step * magnitude;
  }
  return 10 * magnitude;
}

/** 1, 2 or 5 × 10^k steps covering [0, max] in about `count` ticks, none smaller than `minStep` (1 for counts). */
export function niceTicks(max: number, count = 5, minStep = 0): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = Math.max(max / count, minStep);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough - 1e-12) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  const last = ticks[ticks.length - 1]!;
  if (last < max) ticks.push(Number((last + step).toPrecision(12)));
  return ticks;
}

/** Round ticks covering [lo, hi] where lo may be below 0: niceTicks' step over the span, through 0. */
export function niceRangeTicks(lo: number, hi: number, count = 5): number[] {
  if (!(lo < 0)) return niceTicks(hi, count);
  const span = niceTicks(Math.max(hi, 0) - lo, count);
  const step = span[1]! - span[0]!;
  const ticks: number[] = [];
  // Whole multiples of the step, so 0 is exactly a tick.
  for (let k = Math.floor(lo / step + 1e-9); ticks.length === 0 || ticks[ticks.length - 1]! < hi; k++)
    ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** Reduces a series to at most `points` buckets, keeping each bucket's max (levels) or sum (counts). */
export function downsample(
  t: readonly number[],
  values: readonly number[],
  points: number,
  mode: 'max' | 'sum',
): { t: number[]; values: number[] } {
  if (t.length <= points) return { t: [...t], values: [...values] };
  const size = Math.ceil(t.length / points);
  const out = { t: [] as number[], values: [] as number[] };
  for (let i = 0; i < t.length; i += size) {
    let acc = mode === 'max' ? Number.NEGATIVE_INFINITY : 0;
    const end = Math.min(t.length, i + size);
    for (let j = i; j < end; j++) acc = mode === 'max' ? Math.max(acc, values[j]!) : acc + values[j]!;
    out.t.push(t[end - 1]!);
    out.values.push(acc);
  }
  return out;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [1, 2, 5, 10, 15, 20, 30]
  .map((m) => m * MINUTE)
  .concat(
    [1, 2, 3, 6, 12].map((h) => h * HOUR),
    DAY,
    7 * DAY,
  );

export interface TimeTickOptions {
  /** Most ticks wanted. @default 7 */
  readonly count?: number;
  /** IANA time zone of the labels (ticks fall on its whole hours), or 'local' for the machine's. @default 'UTC' */
  readonly timeZone?: string;
}

/** Wall-clock fields of an instant in a zone. */
function wallClock(format: Intl.DateTimeFormat, epochMs: number): Record<string, string> {
  return Object.fromEntries(format.formatToParts(new Date(epochMs)).map((part) => [part.type, part.value]));
}

/**
 * Ticks for an x axis of epoch milliseconds, on round steps (minutes to weeks) of the given zone's clock, labelled
 * "HH:MM", with the date ("MM-DD HH:MM") once the span passes two days.
 */
export function timeTicks(from: number, to: number, options: TimeTickOptions = {}): Tick[] {
  const count = Math.max(2, options.count ?? 7);
  const timeZone = (options.timeZone ?? 'UTC') === 'local' ? undefined : (options.timeZone ?? 'UTC');
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const span = Math.max(to - from, 1);
  const step = TIME_STEPS.find((s) => span / s <= count - 1) ?? Math.ceil(span / (count - 1) / DAY) * DAY;
  // Align to the zone's clock: the offset at `from` is enough for whole-hour steps in a zone that keeps it.
  const wall = wallClock(format, from);
  const offset =
    Date.UTC(Number(wall.year), Number(wall.month) - 1, Number(wall.day), Number(wall.hour), Number(wall.minute)) -
    Math.floor(from / MINUTE) * MINUTE;
  const withDate = span > 2 * DAY;
  const ticks: Tick[] = [];
  for (let at = Math.ceil((from + offset) / step) * step - offset; at <= to; at += step) {
    const w = wallClock(format, at);
    const time = `${w.hour}:${w.minute}`;
    ticks.push({ at, label: withDate ? `${w.month}-${w.day} ${time}` : time });
  }
  return ticks;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** The `d` attribute of one series: one subpath per run of non-null points. */
export function seriesPath(
  points: readonly Point[],
  step: boolean,
  x: (value: number) => number,
  y: (value: number) => number,
): string {
  const parts: string[] = [];
  let open = false;
  for (const [px, py] of points) {
    if (py === null) {
      open = false;
      continue;
    }
    if (!open) {
      parts.push(`M${round(x(px))},${round(y(py))}`);
      open = true;
    } else {
      if (step) parts.push(`H${round(x(px))}`, `V${round(y(py))}`);
      else parts.push(`L${round(x(px))},${round(y(py))}`);
    }
  }
  return parts.join('');
}

/** One marker centred on (x, y), about 2r across, filled with the colour (outlined for the open shapes). */
export function markerShape(marker: Marker, x: number, y: number, r: number, colour: string): string {
  const c = escapeXml(colour);
  const cx = round(x);
  const cy = round(y);
  const at = (points: ReadonlyArray<readonly [number, number]>) =>
    points.map(([dx, dy]) => `${round(x + dx * r)},${round(y + dy * r)}`).join(' ');
  const data = `class="marker" data-marker="${marker}"`;
  switch (marker) {
    case 'square':
      return `<rect ${data} x="${round(x - r * 0.85)}" y="${round(y - r * 0.85)}" width="${round(r * 1.7)}" height="${round(r * 1.7)}" fill="${c}"/>`;
    case 'triangle':
      return `<polygon ${data} points="${at([
        [0, -1.15],
        [1, 0.75],
        [-1, 0.75],
      ])}" fill="${c}"/>`;
    case 'triangle-down':
      return `<polygon ${data} points="${at([
        [0, 1.15],
        [1, -0.75],
        [-1, -0.75],
      ])}" fill="${c}"/>`;
    case 'diamond':
      return `<polygon ${data} points="${at([
        [0, -1.2],
        [1.2, 0],
        [0, 1.2],
        [-1.2, 0],
      ])}" fill="${c}"/>`;
    case 'plus':
      return `<path ${data} d="M${round(x - r)},${cy}H${round(x + r)}M${cx},${round(y - r)}V${round(y + r)}" stroke="${c}" stroke-width="2.2" fill="none"/>`;
    case 'cross':
      return `<path ${data} d="M${round(x - r * 0.8)},${round(y - r * 0.8)}L${round(x + r * 0.8)},${round(y + r * 0.8)}M${round(x - r * 0.8)},${round(y + r * 0.8)}L${round(x + r * 0.8)},${round(y - r * 0.8)}" stroke="${c}" stroke-width="2.2" fill="none"/>`;
    case 'ring':
      return `<circle ${data} cx="${cx}" cy="${cy}" r="${round(r * 0.85)}" stroke="${c}" stroke-width="2" fill="none"/>`;
    default:
      return `<circle ${data} cx="${cx}" cy="${cy}" r="${r}" fill="${c}"/>`;
  }
}

interface LegendItem {
  readonly name: string;
  readonly colour: string;
  /** A line (dashed or not) for series, a square for bar parts, a marker alone for scatter points. */
  readonly swatch: 'line' | 'dashed' | 'square' | 'marker';
  /** Drawn on the line (or alone), as on the chart. */
  readonly marker?: Marker;
}

function legendItem(item: LegendItem): string {
  const colour = escapeXml(item.colour);
  let mark =
    item.swatch === 'square'
      ? `<rect x="8" y="0" width="10" height="10" fill="${colour}"/>`
      : item.swatch === 'marker'
        ? ''
        : `<line x1="0" x2="26" y1="5" y2="5" stroke="${colour}" stroke-width="2"${item.swatch === 'dashed' ? ' stroke-dasharray="6 4"' : ''}/>`;
  if (item.marker !== undefined) mark += markerShape(item.marker, 13, 5, 4, item.colour);
  const marker = item.marker === undefined ? '' : ` data-marker="${item.marker}"`;
  return `<li data-colour="${colour}"${marker}><svg width="26" height="10" aria-hidden="true">${mark}</svg>${escapeXml(item.name)}</li>`;
}

/** A chart as the reports show it: caption, SVG, legend. */
function figure(title: string, width: number, height: number, body: readonly string[], legend: readonly LegendItem[]) {
  const svg =
    `<svg class="chart" role="img" aria-label="${escapeXml(title)}" viewBox="0 0 ${width} ${height}" ` +
    `width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">${body.join('')}</svg>`;
  return `<figure class="chart-figure"><figcaption>${escapeXml(title)}</figcaption>${svg}<ul class="legend">${legend.map(legendItem).join('')}</ul></figure>`;
}

interface Frame {
  readonly width: number;
  readonly height: number;
  readonly margin: { readonly left: number; readonly right: number; readonly top: number; readonly bottom: number };
}

/** Horizontal grid lines with their labels, the x axis line, x ticks and the axis titles. */
function axes(
  frame: Frame,
  yTicks: readonly { readonly y: number; readonly label: string }[],
  xTicks: readonly { readonly x: number; readonly label: string }[],
  yLabel: string,
  xLabel: string | undefined,
): string[] {
  const { width, height, margin } = frame;
  const bottom = height - margin.bottom;
  const out: string[] = [];
  for (const tick of yTicks) {
    const gy = round(tick.y);
    out.push(
      `<line class="grid" x1="${margin.left}" x2="${width - margin.right}" y1="${gy}" y2="${gy}"/>`,
      `<text class="tick" x="${margin.left - 6}" y="${gy + 4}" text-anchor="end">${escapeXml(tick.label)}</text>`,
    );
  }
  for (const tick of xTicks) {
    const gx = round(tick.x);
    out.push(
      `<line class="axis" x1="${gx}" x2="${gx}" y1="${bottom}" y2="${bottom + 4}"/>`,
      `<text class="tick" x="${gx}" y="${bottom + 16}" text-anchor="middle">${escapeXml(tick.label)}</text>`,
    );
  }
  out.push(
    `<line class="axis" x1="${margin.left}" x2="${width - margin.right}" y1="${bottom}" y2="${bottom}"/>`,
    `<text class="y-label" transform="translate(12 ${margin.top + (bottom - margin.top) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`,
  );
  if (xLabel !== undefined) {
    out.push(
      `<text class="x-label" x="${width - margin.right}" y="${height - 4}" text-anchor="end">${escapeXml(xLabel)}</text>`,
    );
  }
  return out;
}

/** Lines over a numeric x axis: gaps where y is null, steps or straight segments, shaded bands. */
export function lineChart(spec: ChartSpec): string {
  const width = spec.width ?? 720;
  const height = spec.height ?? 240;
  const margin = { left: 52, right: 16, top: 14, bottom: spec.xLabel === undefined ? 30 : 40 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const [x0, x1] = spec.xDomain;
  const dataMax = Math.max(0, ...spec.series.flatMap((s) => s.points.map((p) => p[1] ?? 0)));
  const yTickValues = niceTicks(spec.yMax ?? dataMax, 5, spec.integer ? 1 : 0);
  const yMax = spec.yMax ?? yTickValues[yTickValues.length - 1]!;
  const x = (v: number) => margin.left + ((v - x0) / (x1 - x0 || 1)) * plotW;
  const y = (v: number) => margin.top + plotH - (v / (yMax || 1)) * plotH;
  const format = spec.yFormat ?? ((v: number) => String(Math.round(v * 100) / 100));
  const yLabels = spec.yFormat ? yTickValues.map(format) : plainTicks(yTickValues);

  const out: string[] = [];
  // Labels of nearby bands go on separate rows so they never overprint; each band also carries a <title>.
  const rowEnds: number[] = [];
  for (const band of spec.bands ?? []) {
    const bx = x(Math.max(x0, band.from));
    const bw = Math.max(2, x(Math.min(x1, band.to)) - bx);
    out.push(
      `<rect class="band" x="${round(bx)}" y="${margin.top}" width="${round(bw)}" height="${plotH}"><title>${escapeXml(band.label)}</title></rect>`,
    );
    const labelEnd = bx + 3 + band.label.length * 5.5;
    let row = rowEnds.findIndex((end) => end < bx);
    if (row === -1) row = rowEnds.length;
    rowEnds[row] = labelEnd;
    out.push(
      `<text class="band-label" x="${round(bx + 3)}" y="${margin.top + 11 + row * 11}">${escapeXml(band.label)}</text>`,
    );
  }
  const yTicks = yTickValues.filter((v) => v <= yMax + 1e-9).map((v, i) => ({ y: y(v), label: yLabels[i]! }));
  const xTicks = spec.xTicks.map((tick) => ({ x: x(tick.at), label: tick.label }));
  out.push(...axes({ width, height, margin }, yTicks, xTicks, spec.yLabel, spec.xLabel));
  spec.series.forEach((s, index) => {
    const d = seriesPath(s.points, s.step ?? false, x, y);
    const count = s.points.filter((p) => p[1] !== null).length;
    out.push(
      `<path class="series" data-series="${escapeXml(s.name)}" data-points="${count}" fill="none" stroke="${escapeXml(s.colour)}" ` +
        `stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''} d="${d}"><title>${escapeXml(s.name)}</title></path>`,
    );
    const every = s.markers ? 1 : (s.markerEvery ?? 0);
    if (every > 0) {
      const offset = Math.floor((index * every) / Math.max(1, spec.series.length)) % every;
      const dots = s.points
        .filter((p, i): p is readonly [number, number] => p[1] !== null && i % every === offset)
        .map(([px, py]) => markerShape(s.marker ?? 'circle', x(px), y(py), 3.5, s.colour))
        .join('');
      out.push(`<g class="markers" data-series="${escapeXml(s.name)}">${dots}</g>`);
    }
  });
  const legend = spec.series.map(
    (s): LegendItem => ({
      name: s.name,
      colour: s.colour,
      swatch: s.dashed ? 'dashed' : 'line',
      marker: s.markers || (s.markerEvery ?? 0) > 0 ? (s.marker ?? 'circle') : undefined,
    }),
  );
  return figure(spec.title, width, height, out, legend);
}

export interface ScatterPoint {
  readonly label: string;
  readonly colour: string;
  /** @default a shape per point, in MARKERS order */
  readonly marker?: Marker;
  readonly x: number;
  readonly y: number;
}

/**
 * Axis labels for round tick values with the fewest decimals that still tell every tick apart exactly: "$0.5" and
 * "$1", never "$1.000"; `scale` 100 with suffix "%" for shares.
 */
export function tickLabels(
  values: readonly number[],
  options: { readonly prefix?: string; readonly suffix?: string; readonly scale?: number } = {},
): string[] {
  const scale = options.scale ?? 1;
  const scaled = values.map((v) => v * scale);
  let decimals = 0;
  // A value below 0 reads "−$0.5", not "$-0.5".
  const signed = (v: number, text: string) =>
    v < 0 ? `−${options.prefix ?? ''}${text.replace(/^-/, '')}` : `${options.prefix ?? ''}${text}`;
  while (decimals < 10 && scaled.some((v) => Math.abs(Number(v.toFixed(decimals)) - v) > Math.abs(v) * 1e-9 + 1e-12))
    decimals++;
  // Trailing zeros go too: "$0.5" and "$1" on one axis read better than "$0.5" and "$1.0".
  const trim = (text: string) => (text.includes('.') ? text.replace(/\.?0+$/, '') : text);
  return scaled.map((v) => `${signed(v, trim(v.toFixed(decimals)))}${options.suffix ?? ''}`);
}

function plainTicks(values: readonly number[]): string[] {
  return tickLabels(values);
}

/** 1-2-5 × 10^k values inside [lo, hi] for a log axis: at most `count`, thinned to powers of ten if needed. */
export function logTicks(lo: number, hi: number, count = 6): number[] {
  if (!(lo > 0) || !(hi > lo)) return [lo];
  const all: number[] = [];
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** k).toPrecision(6));
      if (v >= lo && v <= hi) all.push(v);
    }
  }
  if (all.length <= count) return all;
  const tens = all.filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9);
  return tens.length >= 2 ? tens : all.filter((_, i) => i % Math.ceil(all.length / count) === 0);
}

/** A rectangle in SVG units, for keeping labels off each other and off the markers. */
interface Box {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

const LINE_HEIGHT = 13;
/** Rough width of a character of the 11 px label font, to keep labels apart without measuring text. */
const CHAR_WIDTH = 6.2;

const intersects = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/** A scatter's x axis: where a value lands (0 to 1 across the plot), its ticks, and its kind. */
export interface ScatterAxis {
  readonly at: (value: number) => number;
  readonly ticks: readonly number[];
  readonly scale: 'linear' | 'log' | 'symmetric log';
}

/** Ticks of a symmetric log axis's side: 1-2-5 values from `from` to `to`, at most a few (powers of ten beyond). */
const SYMMETRIC_SIDE_TICKS = 3;

/**
 * The x axis for `values`: log when they are all above 0 and span more than 20×; symmetric log when some are 0 or
 * below and the other sizes span more than 20× (linear within half the smallest size, log beyond, on both sides of
 * 0, so no warming's $0, a saving of $0.02 and a cost of $1.60 are all readable beside $0.002); linear otherwise.
 */
export function scatterAxis(values: readonly number[]): ScatterAxis {
  const max = Math.max(0, ...values);
  const min = Math.min(0, ...values);
  const sizes = values.filter((v) => v !== 0).map(Math.abs);
  const spread = sizes.length > 0 ? Math.max(...sizes) / Math.min(...sizes) : 1;
  if (sizes.length > 0 && spread > 20 && values.every((v) => v > 0)) {
    const lo = Math.min(...sizes) / 1.5;
    const hi = max * 1.5;
    const log = (v: number) => Math.log10(Math.max(v, lo));
    return { scale: 'log', at: (v) => (log(v) - log(lo)) / (log(hi) - log(lo)), ticks: logTicks(lo, hi) };
  }
  if (sizes.length > 0 && spread > 20) {
    const linear = Math.min(...sizes) / 2;
    const f = (v: number) => Math.sign(v) * Math.log10(1 + Math.abs(v) / linear);
    // room beyond the outermost points, and a little left of 0 when nothing is below it
    const lo = min < 0 ? min * 1.5 : -linear;
    const hi = max > 0 ? max * 1.5 : linear;
    const side = (extent: number) => (extent > linear * 2 ? logTicks(linear * 2, extent, SYMMETRIC_SIDE_TICKS) : []);
    const ticks = [
      ...side(-lo)
        .map((v) => -v)
        .reverse(),
      0,
      ...side(hi),
    ];
    return { scale: 'symmetric log', at: (v) => (f(v) - f(lo)) / (f(hi) - f(lo)), ticks };
  }
  if (min < 0) {
    const ticks = niceRangeTicks(min * 1.1, max * 1.1);
    const [first = 0, last = 1] = [ticks[0], ticks[ticks.length - 1]];
    return { scale: 'linear', at: (v) => (v - first) / (last - first), ticks };
  }
  return {
    scale: 'linear',
    at: (v) => v / (max > 0 ? max * 1.1 : 1),
    ticks: niceTicks(max * 1.1).filter((v) => v <= max * 1.1 + 1e-12),
  };
}

/**
 * One marker per item, each with its own shape and colour, and a text label beside it: points that land on top of
 * each other (several strategies with the same cost and cold share) share one label naming them all, and labels
 * are moved down until none overprints another. x on a log scale when the values span more than 20× (and none is
 * below 0: a warming overhead can be, where warming saved money).
 */
export function scatterChart(options: {
  readonly title: string;
  readonly points: readonly ScatterPoint[];
  readonly xLabel: string;
  readonly yLabel: string;
  readonly formatX: (v: number) => string;
  readonly formatY: (v: number) => string;
  /** Labels for the axis ticks (round values). @default each tick through formatX / formatY */
  readonly xTickLabels?: (ticks: readonly number[]) => string[];
  readonly yTickLabels?: (ticks: readonly number[]) => string[];
  readonly width?: number;
  readonly height?: number;
}): string {
  const { points } = options;
  const frame = {
    width: options.width ?? 720,
    height: options.height ?? 280,
    margin: { left: 64, right: 16, top: 14, bottom: 40 },
  };
  const { width, height, margin } = frame;
  const yTickValues = niceTicks(Math.max(...points.map((p) => p.y), 1e-6));
  const top = yTickValues[yTickValues.length - 1]!;
  const xAxis = scatterAxis(points.map((p) => p.x));
  const px = (v: number) => margin.left + xAxis.at(v) * (width - margin.left - margin.right);
  const py = (v: number) => height - margin.bottom - (v / top) * (height - margin.top - margin.bottom);
  const xTickValues = xAxis.ticks;
  const xLabels = options.xTickLabels?.(xTickValues) ?? xTickValues.map(options.formatX);
  const yLabels = options.yTickLabels?.(yTickValues) ?? yTickValues.map(options.formatY);
  const out = axes(
    frame,
    yTickValues.map((v, i) => ({ y: py(v), label: yLabels[i]! })),
    xTickValues.map((v, i) => ({ x: px(v), label: xLabels[i]! })),
    options.yLabel,
    options.xLabel + (xAxis.scale === 'linear' ? '' : ` (${xAxis.scale} scale)`),
  );
  const placed = points.map((p, i) => ({
    ...p,
    marker: p.marker ?? MARKERS[i % MARKERS.length]!,
    cx: px(p.x),
    cy: py(p.y),
  }));
  for (const p of placed) {
    out.push(
      `<g class="point" data-label="${escapeXml(p.label)}">${markerShape(p.marker, p.cx, p.cy, 5.5, p.colour)}<title>${escapeXml(`${p.label}: ${options.formatY(p.y)}, ${options.formatX(p.x)}`)}</title></g>`,
    );
  }
  // Points closer than a marker's width share one label, one name per line.
  const groups: Array<{ cx: number; cy: number; names: string[] }> = [];
  for (const p of placed) {
    const near = groups.find((g) => Math.hypot(g.cx - p.cx, g.cy - p.cy) < 9);
    if (near) near.names.push(p.label);
    else groups.push({ cx: p.cx, cy: p.cy, names: [p.label] });
  }
  const taken: Box[] = groups.map((g) => ({ left: g.cx - 7, top: g.cy - 7, right: g.cx + 7, bottom: g.cy + 7 }));
  const plot: Box = { left: margin.left, top: 0, right: width - margin.right, bottom: height - margin.bottom + 14 };
  for (const group of [...groups].sort((a, b) => a.cy - b.cy)) {
    const textWidth = Math.max(...group.names.map((name) => name.length)) * CHAR_WIDTH;
    const textHeight = group.names.length * LINE_HEIGHT;
    const boxAt = (side: 'start' | 'end', shift: number): Box => {
      const left = side === 'start' ? group.cx + 10 : group.cx - 10 - textWidth;
      const top = group.cy - textHeight / 2 + shift;
      return { left, top, right: left + textWidth, bottom: top + textHeight };
    };
    const inside = (b: Box) =>
      b.left >= plot.left && b.right <= plot.right && b.top >= plot.top && b.bottom <= plot.bottom;
    // Right of the point, else left of it, each nudged further up or down until it lands on free space.
    let chosen: { box: Box; side: 'start' | 'end' } | undefined;
    for (let step = 0; step < 30 && chosen === undefined; step++) {
      const shift = (step % 2 === 0 ? 1 : -1) * Math.ceil(step / 2) * (LINE_HEIGHT / 2);
      for (const side of ['start', 'end'] as const) {
        const box = boxAt(side, shift);
        if (inside(box) && !taken.some((other) => intersects(box, other))) {
          chosen = { box, side };
          break;
        }
      }
    }
    const fallback = group.cx + 10 + textWidth <= plot.right ? 'start' : 'end';
    const { box, side } = chosen ?? { box: boxAt(fallback, 0), side: fallback };
    taken.push(box);
    const x = side === 'start' ? box.left : box.right;
    const lines = group.names
      .map(
        (name, k) =>
          `<tspan x="${round(x)}" y="${round(box.top + LINE_HEIGHT * (k + 1) - 3)}">${escapeXml(name)}</tspan>`,
      )
      .join('');
    out.push(`<text class="point-label" text-anchor="${side}">${lines}</text>`);
  }
  const legend = placed.map(
    (p): LegendItem => ({ name: p.label, colour: p.colour, swatch: 'marker', marker: p.marker }),
  );
  return figure(options.title, width, height, out, legend);
}

export interface Bar {
  readonly label: string;
  readonly parts: ReadonlyArray<{ readonly name: string; readonly value: number; readonly colour: string }>;
}

/** Horizontal stacked bars, one per item, each with its total, and a legend of the parts (the first bar's). */
export function stackedBars(options: {
  readonly title: string;
  readonly bars: readonly Bar[];
  readonly format: (v: number) => string;
  readonly width?: number;
}): string {
  const width = options.width ?? 720;
  const rowH = 24;
  const labelW = 190;
  const height = 12 + options.bars.length * rowH;
  const totals = options.bars.map((bar) => bar.parts.reduce((sum, part) => sum + part.value, 0));
  const scale = (width - labelW - 16 - 80) / Math.max(1e-12, ...totals);
  const out: string[] = [];
  options.bars.forEach((bar, i) => {
    const y = 6 + i * rowH;
    let x = labelW;
    out.push(`<text class="tick" x="${labelW - 8}" y="${y + 14}" text-anchor="end">${escapeXml(bar.label)}</text>`);
    for (const part of bar.parts) {
      const w = part.value * scale;
      // Slivers narrower than a twentieth of a pixel would only add invisible elements.
      if (w > 0.05) {
        out.push(
          `<rect class="bar" x="${round(x)}" y="${y}" width="${round(w)}" height="${rowH - 6}" fill="${escapeXml(part.colour)}"><title>${escapeXml(`${bar.label} · ${part.name}: ${options.format(part.value)}`)}</title></rect>`,
        );
      }
      x += w;
    }
    out.push(`<text class="tick" x="${round(x + 6)}" y="${y + 14}">${escapeXml(options.format(totals[i]!))}</text>`);
  });
  const legend = (options.bars[0]?.parts ?? []).map((p): LegendItem => ({ ...p, swatch: 'square' }));
  return figure(options.title, width, height, out, legend);
}
