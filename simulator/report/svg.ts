/**
 * Small inline SVG charts for the self-contained report: no library, no network, text escaped.
 */

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** 1, 2 or 5 × 10^k steps covering [0, max] in about `count` ticks. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1] < max) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
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
    for (let j = i; j < end; j++) acc = mode === 'max' ? Math.max(acc, values[j]) : acc + values[j];
    out.t.push(t[end - 1]);
    out.values.push(acc);
  }
  return out;
}

const W = 820;
const H = 280;
const M = { left: 64, right: 16, top: 28, bottom: 44 };

function frame(title: string, body: string, height = H): string {
  return `<svg viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="${escapeXml(title)}"><title>${escapeXml(title)}</title><text x="${M.left}" y="18" class="chart-title">${escapeXml(title)}</text>${body}</svg>`;
}

function timeLabel(epochMs: number, spanMs: number): string {
  const d = new Date(epochMs);
  const hm = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return spanMs > 2 * 86_400_000 ? `${d.toISOString().slice(5, 10)} ${hm}` : hm;
}

export interface Line {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
}

/** Lines over time (x: epoch ms) with a legend. */
export function lineChart(options: {
  title: string;
  t: readonly number[];
  lines: readonly Line[];
  yLabel: string;
}): string {
  const { t, lines } = options;
  if (t.length === 0) return frame(options.title, '<text x="64" y="60">no samples</text>');
  const x0 = t[0];
  const x1 = t[t.length - 1] > x0 ? t[t.length - 1] : x0 + 1;
  const ymax = Math.max(1, ...lines.flatMap((l) => l.values));
  const ticks = niceTicks(ymax);
  const top = ticks[ticks.length - 1];
  const px = (v: number) => M.left + ((v - x0) / (x1 - x0)) * (W - M.left - M.right);
  const py = (v: number) => H - M.bottom - (v / top) * (H - M.top - M.bottom);
  const parts: string[] = [];
  for (const tick of ticks) {
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${py(tick).toFixed(1)}" y2="${py(tick).toFixed(1)}" class="grid"/>`,
      `<text x="${M.left - 6}" y="${(py(tick) + 4).toFixed(1)}" text-anchor="end" class="tick">${tick}</text>`,
    );
  }
  for (let i = 0; i <= 6; i++) {
    const v = x0 + ((x1 - x0) * i) / 6;
    parts.push(
      `<text x="${px(v).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle" class="tick">${escapeXml(timeLabel(v, x1 - x0))}</text>`,
    );
  }
  parts.push(
    `<text x="14" y="${(M.top + H - M.bottom) / 2}" transform="rotate(-90 14 ${(M.top + H - M.bottom) / 2})" text-anchor="middle" class="axis">${escapeXml(options.yLabel)}</text>`,
    `<text x="${W - M.right}" y="${H - 6}" text-anchor="end" class="axis">time (UTC)</text>`,
  );
  lines.forEach((line) => {
    const d = line.values.map((v, i) => `${i === 0 ? 'M' : 'L'}${px(t[i]).toFixed(1)},${py(v).toFixed(1)}`).join('');
    parts.push(
      `<path d="${d}" fill="none" stroke="${line.color}" stroke-width="1.6"><title>${escapeXml(line.name)}</title></path>`,
    );
  });
  parts.push(legend(lines, H + 8));
  return frame(options.title, parts.join(''), H + 8 + legendHeight(lines.length));
}

const PER_ROW = 3;
const legendHeight = (n: number) => Math.ceil(n / PER_ROW) * 16 + 4;

/** Colour keys in rows of four, starting at `top`. */
function legend(items: ReadonlyArray<{ readonly name: string; readonly color: string }>, top: number): string {
  return items
    .map((item, i) => {
      const x = M.left + (i % PER_ROW) * 245;
      const y = top + Math.floor(i / PER_ROW) * 16 + 10;
      return `<rect x="${x}" y="${y - 9}" width="10" height="10" fill="${item.color}"/><text x="${x + 14}" y="${y}" class="legend">${escapeXml(item.name)}</text>`;
    })
    .join('');
}

export interface Point {
  readonly label: string;
  readonly color: string;
  readonly x: number;
  readonly y: number;
}

/** One labelled point per item; x on a log scale when the values span more than 20×. */
export function scatterChart(options: {
  title: string;
  points: readonly Point[];
  xLabel: string;
  yLabel: string;
  formatX: (v: number) => string;
  formatY: (v: number) => string;
}): string {
  const { points } = options;
  const xs = points.map((p) => p.x).filter((x) => x > 0);
  const xmin = xs.length > 0 ? Math.min(...xs) : 0;
  const xmaxRaw = Math.max(0, ...points.map((p) => p.x));
  const log = xmin > 0 && xmaxRaw / xmin > 20;
  const ymax = niceTicks(Math.max(...points.map((p) => p.y), 1e-6));
  const top = ymax[ymax.length - 1];
  const scaleX = log
    ? (v: number) =>
        (Math.log10(Math.max(v, xmin)) - Math.log10(xmin / 1.5)) / (Math.log10(xmaxRaw * 1.5) - Math.log10(xmin / 1.5))
    : (v: number) => v / (xmaxRaw > 0 ? xmaxRaw * 1.1 : 1);
  const px = (v: number) => M.left + scaleX(v) * (W - M.left - M.right);
  const py = (v: number) => H - M.bottom - (v / top) * (H - M.top - M.bottom);
  const parts: string[] = [];
  for (const tick of ymax) {
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${py(tick).toFixed(1)}" y2="${py(tick).toFixed(1)}" class="grid"/>`,
      `<text x="${M.left - 6}" y="${(py(tick) + 4).toFixed(1)}" text-anchor="end" class="tick">${escapeXml(options.formatY(tick))}</text>`,
    );
  }
  const xTicks = log
    ? Array.from({ length: 5 }, (_, i) => (xmin / 1.5) * ((xmaxRaw * 2.25) / xmin) ** (i / 4))
    : niceTicks(xmaxRaw * 1.1).slice(0, 6);
  for (const tick of xTicks) {
    parts.push(
      `<text x="${px(tick).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle" class="tick">${escapeXml(options.formatX(tick))}</text>`,
    );
  }
  parts.push(
    `<text x="14" y="${(M.top + H - M.bottom) / 2}" transform="rotate(-90 14 ${(M.top + H - M.bottom) / 2})" text-anchor="middle" class="axis">${escapeXml(options.yLabel)}</text>`,
    `<text x="${W - M.right}" y="${H - 6}" text-anchor="end" class="axis">${escapeXml(options.xLabel + (log ? ' (log scale)' : ''))}</text>`,
  );
  for (const p of points) {
    parts.push(
      `<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="5" fill="${p.color}" fill-opacity="0.85"><title>${escapeXml(`${p.label}: ${options.formatY(p.y)}, ${options.formatX(p.x)}`)}</title></circle>`,
    );
  }
  parts.push(
    legend(
      points.map((p) => ({ name: p.label, color: p.color })),
      H + 8,
    ),
  );
  return frame(options.title, parts.join(''), H + 8 + legendHeight(points.length));
}

export interface Bar {
  readonly label: string;
  readonly parts: ReadonlyArray<{ readonly name: string; readonly value: number; readonly color: string }>;
}

/** Horizontal stacked bars, one per item, with a legend of the parts. */
export function stackedBars(options: { title: string; bars: readonly Bar[]; format: (v: number) => string }): string {
  const rowH = 24;
  const keys = options.bars[0]?.parts ?? [];
  const bodyHeight = M.top + 24 + options.bars.length * rowH;
  const labelW = 190;
  const max = Math.max(1e-12, ...options.bars.map((b) => b.parts.reduce((s, p) => s + p.value, 0)));
  const scale = (W - labelW - M.right - 80) / max;
  const parts: string[] = [];
  options.bars.forEach((bar, i) => {
    const y = M.top + 20 + i * rowH;
    let x = labelW;
    parts.push(`<text x="${labelW - 8}" y="${y + 14}" text-anchor="end" class="tick">${escapeXml(bar.label)}</text>`);
    for (const part of bar.parts) {
      const w = part.value * scale;
      if (w > 0.05) {
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${part.color}"><title>${escapeXml(`${bar.label} · ${part.name}: ${options.format(part.value)}`)}</title></rect>`,
        );
      }
      x += w;
    }
    const total = bar.parts.reduce((s, p) => s + p.value, 0);
    parts.push(`<text x="${(x + 6).toFixed(1)}" y="${y + 14}" class="tick">${escapeXml(options.format(total))}</text>`);
  });
  parts.push(legend(keys, bodyHeight));
  return frame(options.title, parts.join(''), bodyHeight + legendHeight(keys.length));
}
