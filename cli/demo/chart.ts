/**
 * Inline SVG line charts for the HTML report: no script and no network, so the report opens anywhere, and each
 * series is a plain <path> a test (or a curious reader) can inspect.
 */

export type Point = readonly [x: number, y: number | null];

export interface Series {
  readonly name: string;
  /** x ascending; a null y leaves a gap (no data there). */
  readonly points: readonly Point[];
  readonly colour: string;
  readonly dashed?: boolean;
  /** Hold each value until the next point (counts), instead of a straight line between points (ratios). */
  readonly step?: boolean;
  /** Draw a dot on every point, so a value between two gaps is still visible. */
  readonly markers?: boolean;
}

/** A shaded span of the x axis with a label, e.g. the business-hours window or the burst. */
export interface Band {
  readonly from: number;
  readonly to: number;
  readonly label: string;
}

export interface ChartSpec {
  readonly title: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly xDomain: readonly [number, number];
  readonly xTicks: readonly { readonly at: number; readonly label: string }[];
  /** Fixed top of the y axis (e.g. 1 for ratios); otherwise a round number above the data. */
  readonly yMax?: number;
  readonly yFormat?: (value: number) => string;
  readonly bands?: readonly Band[];
  readonly width?: number;
  readonly height?: number;
}

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

/** Renders one chart as a <figure> holding the SVG and an HTML legend. */
export function lineChart(spec: ChartSpec): string {
  const width = spec.width ?? 720;
  const height = spec.height ?? 240;
  const margin = { left: 52, right: 16, top: 14, bottom: 30 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const [x0, x1] = spec.xDomain;
  const dataMax = Math.max(0, ...spec.series.flatMap((s) => s.points.map((p) => p[1] ?? 0)));
  const yMax = spec.yMax ?? niceCeiling(dataMax);
  const x = (v: number) => margin.left + ((v - x0) / (x1 - x0 || 1)) * plotW;
  const y = (v: number) => margin.top + plotH - (v / (yMax || 1)) * plotH;
  const format = spec.yFormat ?? ((v: number) => String(Math.round(v * 100) / 100));

  const out: string[] = [];
  out.push(
    `<svg class="chart" role="img" aria-label="${escapeXml(spec.title)}" viewBox="0 0 ${width} ${height}" ` +
      `width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">`,
  );
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
  for (let i = 0; i <= 4; i++) {
    const value = (yMax * i) / 4;
    const gy = round(y(value));
    out.push(
      `<line class="grid" x1="${margin.left}" x2="${width - margin.right}" y1="${gy}" y2="${gy}"/>`,
      `<text class="tick" x="${margin.left - 6}" y="${gy + 4}" text-anchor="end">${escapeXml(format(value))}</text>`,
    );
  }
  for (const tick of spec.xTicks) {
    const gx = round(x(tick.at));
    out.push(
      `<line class="axis" x1="${gx}" x2="${gx}" y1="${margin.top + plotH}" y2="${margin.top + plotH + 4}"/>`,
      `<text class="tick" x="${gx}" y="${height - 10}" text-anchor="middle">${escapeXml(tick.label)}</text>`,
    );
  }
  out.push(
    `<line class="axis" x1="${margin.left}" x2="${width - margin.right}" y1="${margin.top + plotH}" y2="${margin.top + plotH}"/>`,
    `<text class="y-label" transform="translate(12 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
  );
  for (const s of spec.series) {
    const d = seriesPath(s.points, s.step ?? false, x, y);
    const count = s.points.filter((p) => p[1] !== null).length;
    out.push(
      `<path class="series" data-series="${escapeXml(s.name)}" data-points="${count}" fill="none" stroke="${escapeXml(s.colour)}" ` +
        `stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''} d="${d}"><title>${escapeXml(s.name)}</title></path>`,
    );
    if (s.markers) {
      const dots = s.points
        .filter((p): p is readonly [number, number] => p[1] !== null)
        .map(([px, py]) => `<circle cx="${round(x(px))}" cy="${round(y(py))}" r="2.5"/>`)
        .join('');
      out.push(`<g class="markers" fill="${escapeXml(s.colour)}">${dots}</g>`);
    }
  }
  out.push('</svg>');
  const legend = spec.series
    .map(
      (s) =>
        `<li><svg width="26" height="10" aria-hidden="true"><line x1="0" x2="26" y1="5" y2="5" stroke="${escapeXml(s.colour)}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/></svg>${escapeXml(s.name)}</li>`,
    )
    .join('');
  return `<figure class="chart-figure"><figcaption>${escapeXml(spec.title)}</figcaption>${out.join('')}<ul class="legend">${legend}</ul></figure>`;
}
