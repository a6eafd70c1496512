import { resolve } from 'node:path';
import { formatUsd } from '../../../simulator/report/format';
import { renderHtml } from '../../../simulator/report/html';
import { buildReport } from '../../../simulator/report/report';
import { renderTable } from '../../../simulator/report/table';
import { simulate } from '../../../simulator/run';
import { createStrategy, type StrategyId } from '../../../simulator/strategies';
import { loadTrace } from '../../../simulator/traces/load';
import { policySet } from '../helpers';

const trace = loadTrace(resolve(__dirname, '../../../../shared/traces/azure2021_invitro_head998'));
const report = (strategies: readonly StrategyId[]) =>
  buildReport(
    trace,
    simulate({
      trace,
      policySet: policySet('defaults:\n  warm: { concurrency: 1, interval: 5m }\n'),
      strategies: strategies.map(createStrategy),
    }),
  );
/** The table's rows as cells, by strategy, and its header. */
function cells(text: string) {
  const lines = text.split('\n');
  const at = lines.findIndex((line) => line.startsWith('strategy'));
  const split = (line: string) => line.trim().split(/\s{2,}/);
  const header = split(lines[at]!);
  const rows = new Map<string, string[]>();
  for (const line of lines.slice(at + 1)) {
    if (line.trim() === '') break;
    const row = split(line);
    rows.set(row[0]!, row);
  }
  return { header, rows };
}

describe('the simulation table', () => {
  it("compares warming by its overhead over no warming, not by totals the functions' own work dominates", () => {
    const built = report(['none', 'serverless-plugin-warmup', 'thermostat']);
    const text = renderTable(built);
    const { header, rows } = cells(text);
    expect(header).toEqual([
      'strategy',
      'cold',
      'p75 fn cold',
      'throttled',
      'p99 added',
      'cost',
      'overhead',
      'pings',
      'provisioned',
      'Thermostat cold',
      'Thermostat overhead',
    ]);
    const cost = (strategy: string) => built.rows.find((row) => row.strategy === strategy)!.costUsd;
    const overhead = (strategy: string) => cost(strategy) - cost('none');
    const at = (strategy: string, column: string) => rows.get(strategy)![header.indexOf(column)];
    // every total rounds to the same dollars; the overheads tell the warmers apart
    expect(at('none', 'cost')).toBe(at('thermostat', 'cost'));
    expect(at('none', 'overhead')).toBe('$0');
    expect(at('thermostat', 'overhead')).toBe(formatUsd(overhead('thermostat')));
    expect(at('serverless-plugin-warmup', 'overhead')).toBe(formatUsd(overhead('serverless-plugin-warmup')));
    // Thermostat's overhead minus the row's, signed; none of its own
    const versusPlugin = overhead('thermostat') - overhead('serverless-plugin-warmup');
    expect(at('serverless-plugin-warmup', 'Thermostat overhead')).toBe(
      `${versusPlugin > 0 ? '+' : '−'}${formatUsd(Math.abs(versusPlugin))}`,
    );
    expect(at('none', 'Thermostat overhead')).toBe(`+${formatUsd(overhead('thermostat'))}`);
    expect(at('thermostat', 'Thermostat overhead')).toBe('–');
    expect(text).toContain('overhead: the cost of warming');
    // what --json prints carries it too
    expect(built.rows.map((row) => row.overheadUsd)).toEqual(built.rows.map((row) => overhead(row.strategy)));
  });

  it('compares totals without a none row, and says how to compare overheads', () => {
    const built = report(['serverless-plugin-warmup', 'thermostat']);
    expect(built.rows.every((row) => row.overheadUsd === undefined)).toBe(true);
    const text = renderTable(built);
    const { header } = cells(text);
    expect(header).not.toContain('overhead');
    expect(header[header.length - 1]).toBe('Thermostat cost');
    expect(text).toContain('run with the none strategy to compare warming overheads instead of totals');
  });
});

describe("the table's line on auto mode's forecast", () => {
  it('sets the cold starts auto mode forecast against those the simulation had, only when there was a forecast', () => {
    const auto = buildReport(
      trace,
      simulate({
        trace,
        policySet: policySet('defaults:\n  mode: auto\n  warm: { interval: 5m }\n'),
        strategies: [createStrategy('thermostat')],
      }),
    );
    const facts = auto.rows[0]!.facts;
    const line = renderTable(auto)
      .split('\n')
      .find((text) => text.startsWith("Thermostat's forecast"));
    expect(line).toContain(
      `of ${facts['forecast.requests']} requests cold; the simulation had ${facts['forecast.coldActual']}.`,
    );
    expect(line).toContain(`: ${Number(facts['forecast.coldExpected']).toFixed(1)} of`);
    // the HTML report says the same, escaped
    expect(renderHtml(auto)).toContain(`<p>${line!.replace(/'/g, '&#39;')}</p>`);
    // warm mode makes no forecast: no line
    expect(renderTable(report(['thermostat']))).not.toContain('forecast');
    expect(renderHtml(report(['thermostat']))).not.toContain('Thermostat&#39;s forecast');
  });
});
