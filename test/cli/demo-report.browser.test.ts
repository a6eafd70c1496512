import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { renderReport } from '../../cli/demo/report';
import { syntheticRecord } from '../fixtures/cli/synthetic-record';
import { launchChromium, openFile } from '../helpers/browser';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

describe('demo HTML report in a real browser', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'thermostat-report-'));
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
});
