import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { renderReport } from '../../cli/demo/report';
import { headline } from '../../cli/demo/table';
import { syntheticRecord } from '../fixtures/cli/synthetic-record';
import { launchChromium, openFile } from '../helpers/browser';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

describe('demo HTML report in a real browser', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'thermostat-report-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders every chart with data, without console errors or network requests', async () => {
    const file = join(dir, 'report.html');
    const record = syntheticRecord();
    writeFileSync(
      file,
      renderReport(record, {
        generatedAt: new Date('2025-11-25T10:00:00Z'),
        bands: [
          { from: 8, to: 18, label: 'business hours window' },
          { from: 14, to: 14.2, label: 'burst' },
        ],
      }),
    );
    const { page, problems, requests } = await openFile(browser, file, { width: 1200, height: 900 });

    const charts = await page.$$eval('figure.chart-figure', (figures) =>
      figures.map((figure) => {
        // The node typings here have no DOM lib; a path element is all these two members need.
        const paths = [...figure.querySelectorAll('path.series')] as unknown as Array<{
          getAttribute(name: string): string | null;
          getTotalLength(): number;
        }>;
        const svg = figure.querySelector('svg.chart')!.getBoundingClientRect();
        return {
          title: figure.querySelector('figcaption')?.textContent ?? '',
          width: svg.width,
          height: svg.height,
          series: paths.length,
          points: paths.map((p) => Number(p.getAttribute('data-points'))),
          drawn: paths.map((p) => p.getTotalLength()),
          legend: figure.querySelectorAll('ul.legend li').length,
        };
      }),
    );
    expect(charts).toHaveLength(record.functions.length + 4);
    for (const chart of charts) {
      expect(chart.width).toBeGreaterThan(200);
      expect(chart.height).toBeGreaterThan(80);
      expect(chart.series).toBeGreaterThan(0);
      expect(chart.legend).toBe(chart.series);
      expect(Math.min(...chart.points)).toBeGreaterThan(0);
      // A series with points but zero length would be an invisible chart.
      expect(Math.max(...chart.drawn)).toBeGreaterThan(10);
    }
    const warm = charts.filter((c) => c.title.startsWith('Warm ratio over time'));
    expect(warm).toHaveLength(record.functions.length);
    expect(warm.every((c) => c.series === 2)).toBe(true);
    expect(await page.locator('table.summary tbody tr').count()).toBe(2 * record.functions.length);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'demo-report.png'), fullPage: true });
    await page.close();

    expect(problems).toEqual([]);
    expect(requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
  });

  it.each([1400, 390])(
    'at %i px: fits the viewport, shows the headline, tells every series apart, counts in whole numbers',
    async (width) => {
      const file = join(dir, `report-${width}.html`);
      const record = syntheticRecord();
      writeFileSync(
        file,
        renderReport(record, {
          generatedAt: new Date('2025-11-25T10:00:00Z'),
          bands: [{ from: 8, to: 18, label: 'checkout-api: business hours window' }],
        }),
      );
      const { page, problems } = await openFile(browser, file, { width, height: 900 });
      const layout = await page.locator('html').evaluate((html) => ({
        page: html.scrollWidth,
        viewport: html.ownerDocument.defaultView!.innerWidth,
        table: html.querySelector('table.summary')!.parentElement!.className,
        figures: [...html.querySelectorAll('figure.chart-figure')].map((f) => f.getBoundingClientRect().right),
      }));
      expect(layout.page).toBeLessThanOrEqual(layout.viewport);
      expect(layout.table).toBe('table-scroll');
      for (const right of layout.figures) expect(right).toBeLessThanOrEqual(layout.viewport);

      // The verdict the terminal prints, in the page.
      expect(await page.locator('p.headline').textContent()).toBe(headline(record));
      expect(await page.locator('p.headline').textContent()).toMatch(/managed \d+(\.\d)?%, left alone \d+(\.\d)?%/);

      const charts = await page.locator('figure.chart-figure').evaluateAll((figures) =>
        figures.map((figure) => ({
          title: figure.querySelector('figcaption')?.textContent ?? '',
          yTicks: [...figure.querySelectorAll('svg.chart text.tick[text-anchor="end"]')].map(
            (t) => t.textContent ?? '',
          ),
          legend: [...figure.querySelectorAll('ul.legend li')].map((li) => ({
            colour: li.getAttribute('data-colour'),
            marker: li.getAttribute('data-marker'),
          })),
          markers: [...figure.querySelectorAll('g.markers')].map((g) =>
            [...new Set([...g.querySelectorAll('.marker')].map((m) => m.getAttribute('data-marker')))].join(),
          ),
        })),
      );
      for (const chart of charts) {
        // Every series has its own colour and its own marker shape, drawn on the chart as in the legend.
        expect(new Set(chart.legend.map((l) => l.colour)).size).toBe(chart.legend.length);
        expect(new Set(chart.legend.map((l) => l.marker)).size).toBe(chart.legend.length);
        expect(chart.legend.every((l) => l.marker !== null)).toBe(true);
        expect(chart.markers).toEqual(chart.legend.map((l) => l.marker));
      }
      const warm = charts.filter((c) => c.title.startsWith('Warm ratio'));
      expect(warm).toHaveLength(record.functions.length);
      for (const chart of charts.filter((c) => !c.title.startsWith('Warm ratio'))) {
        expect(chart.yTicks.length).toBeGreaterThan(1);
        for (const tick of chart.yTicks) expect(tick).toMatch(/^\d+$/);
      }
      await page.screenshot({ path: join(ARTIFACTS, `demo-report-${width}.png`), fullPage: true });
      await page.close();
      expect(problems).toEqual([]);
    },
  );
});
