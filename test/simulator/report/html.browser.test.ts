import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { renderHtml } from '../../../simulator/report/html';
import { buildReport } from '../../../simulator/report/report';
import { simulate } from '../../../simulator/run';
import { createStrategy, STRATEGY_IDS } from '../../../simulator/strategies';
import { loadTrace } from '../../../simulator/traces/load';
import { launchChromium, openFile } from '../../helpers/browser';

const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-artifacts');

import { policySet } from '../helpers';

describe('simulation HTML report in a real browser', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'thermostat-sim-report-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows every strategy, four charts with data and the attribution, loading nothing else', async () => {
    const trace = loadTrace(resolve(__dirname, '../../../../shared/traces/azure2021_invitro_head998'));
    const run = simulate({
      trace,
      policySet: policySet('defaults:\n  warm: { concurrency: 2, interval: 5m }\n'),
      strategies: STRATEGY_IDS.map(createStrategy),
    });
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(buildReport(trace, run)));

    const { page, problems, requests } = await openFile(browser, file, { width: 1000, height: 900 });

    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    const firstTable = page.locator('table').first().locator('tbody tr');
    expect(await firstTable.count()).toBe(STRATEGY_IDS.length);
    const charts = await page.locator('figure.chart-figure').evaluateAll((figures) =>
      figures.map((figure) => {
        const svg = figure.querySelector('svg.chart')!;
        return {
          height: svg.getBoundingClientRect().height,
          marks: svg.querySelectorAll('path.series, g.point, rect.bar').length,
          legend: figure.querySelectorAll('ul.legend li').length,
          ticks: [...svg.querySelectorAll('text.tick')].map((text) => text.textContent ?? ''),
        };
      }),
    );
    expect(charts).toHaveLength(4);
    for (const chart of charts) {
      expect(chart.height).toBeGreaterThan(100);
      expect(chart.marks).toBeGreaterThanOrEqual(STRATEGY_IDS.length);
    }
    // One legend entry per strategy, except the cost breakdown's, which names the parts of a cost.
    expect(charts.map((chart) => chart.legend)).toEqual([
      STRATEGY_IDS.length,
      10,
      STRATEGY_IDS.length,
      STRATEGY_IDS.length,
    ]);
    // The two charts over time read the trace's virtual clock in UTC, on round times.
    const overTime = charts.slice(2);
    for (const chart of overTime) expect(chart.ticks.filter((t) => /^\d\d:\d0$/.test(t)).length).toBeGreaterThan(2);
    expect(await page.getByText('time (UTC)').count()).toBe(2);
    expect(
      await page.getByText('Faster and Cheaper Serverless Computing on Harvested Resources').count(),
    ).toBeGreaterThan(0);
    await page.close();
  });

  describe.each([1400, 390])('on a busy trace at %i px wide', (width) => {
    let file: string;
    beforeAll(() => {
      const trace = loadTrace(resolve(__dirname, '../../../../shared/traces/azure2019_invitro_sample100'));
      const run = simulate({
        trace,
        policySet: policySet('defaults:\n  warm: { concurrency: 2, interval: 5m }\n'),
        strategies: STRATEGY_IDS.map(createStrategy),
      });
      file = join(dir, `busy-${width}.html`);
      writeFileSync(file, renderHtml(buildReport(trace, run)));
    }, 120_000);

    it('fits the viewport, scrolling wide tables inside their own box', async () => {
      const { page, problems } = await openFile(browser, file, { width, height: 900 });
      expect(problems).toEqual([]);
      const layout = await page.locator('html').evaluate((html) => ({
        page: html.scrollWidth,
        viewport: html.ownerDocument.defaultView!.innerWidth,
        tablesOutsideBoxes: [...html.querySelectorAll('table:not(.settings)')].filter(
          (table) => !table.parentElement?.classList.contains('table-scroll'),
        ).length,
        boxes: [...html.querySelectorAll('.table-scroll')].map((box) => box.getBoundingClientRect().right),
      }));
      expect(layout.page).toBeLessThanOrEqual(layout.viewport);
      expect(layout.tablesOutsideBoxes).toBe(0);
      for (const right of layout.boxes) expect(right).toBeLessThanOrEqual(layout.viewport);
      await page.screenshot({ path: join(ARTIFACTS, `simulation-report-${width}.png`), fullPage: true });
      await page.close();
    });

    it('reads: numbers not "<0.01%", round dollar and count axes, a label for every strategy, none overprinted', async () => {
      const { page } = await openFile(browser, file, { width, height: 900 });
      expect(await page.getByText('<0.01%').count()).toBe(0);
      const charts = await page.locator('figure.chart-figure').evaluateAll((figures) =>
        figures.map((figure) => {
          const svg = figure.querySelector('svg.chart')!;
          const boxes = [...svg.querySelectorAll('text.point-label')].map((text) => {
            const box = text.getBoundingClientRect();
            return { left: box.left, right: box.right, top: box.top, bottom: box.bottom };
          });
          return {
            title: figure.querySelector('figcaption')?.textContent ?? '',
            xTicks: [...svg.querySelectorAll('text.tick[text-anchor="middle"]')].map((t) => t.textContent ?? ''),
            yTicks: [...svg.querySelectorAll('text.tick[text-anchor="end"]')].map((t) => t.textContent ?? ''),
            labels: [...svg.querySelectorAll('text.point-label tspan')].map((t) => t.textContent ?? ''),
            boxes,
            legend: [...figure.querySelectorAll('ul.legend li')].map(
              (li) => `${li.getAttribute('data-colour')} ${li.getAttribute('data-marker')}`,
            ),
          };
        }),
      );
      const scatter = charts[0]!;
      // Warming is compared by what it adds over no warming, not by totals the functions' own work dominates.
      expect(scatter.title).toMatch(/Cold share against warming overhead/);
      expect(await page.locator('th', { hasText: 'warming overhead' }).count()).toBe(1);
      expect(scatter.xTicks.length).toBeGreaterThan(2);
      for (const tick of scatter.xTicks) expect(tick).toMatch(/^−?\$\d+(\.\d*[1-9])?$/);
      for (const tick of scatter.yTicks) expect(tick).toMatch(/^\d+(\.\d*[1-9])?%$/);
      expect([...scatter.labels].sort()).toEqual(
        (await page.locator('table').first().locator('tbody tr td:first-child').allTextContents()).sort(),
      );
      for (const [i, a] of scatter.boxes.entries()) {
        for (const b of scatter.boxes.slice(i + 1)) {
          const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
          expect(apart).toBe(true);
        }
      }
      for (const chart of charts.filter((c) => /^(Environments|Cold starts)/.test(c.title))) {
        for (const tick of chart.yTicks) expect(tick).toMatch(/^\d+$/);
      }
      // Every series differs from every other by colour and by marker shape.
      for (const chart of charts.filter((c) => !c.title.startsWith('Cost breakdown'))) {
        expect(new Set(chart.legend).size).toBe(chart.legend.length);
        expect(new Set(chart.legend.map((l) => l.split(' ')[1])).size).toBe(chart.legend.length);
      }
      await page.close();
    });
  });
});
