import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
import { policySet } from '../helpers';

describe('simulation HTML report in a real browser', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'thermostat-sim-report-'));
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
          marks: svg.querySelectorAll('path.series, circle.point, rect.bar').length,
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
      7,
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
});
