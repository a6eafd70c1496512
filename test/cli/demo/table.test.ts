import { summarise } from '../../../cli/demo/stats';
import { headline, liveTable, plainProgressLine, progressBar, summaryTable } from '../../../cli/demo/table';
import { syntheticRecord } from '../../fixtures/cli/synthetic-record';

describe('demo tables', () => {
  const record = syntheticRecord();

  it('draws the live table with one row per function and copy', () => {
    const lines = liveTable({
      record,
      atMs: 22_500,
      phase: 'business hours',
      environments: { 'checkout-api': { managed: 6, unmanaged: 2 } },
      provisioned: { 'checkout-api': 3 },
    });
    expect(lines[0]).toMatch(/^story 12:00 {2}business hours/);
    expect(lines[0]).toContain('22.5 s of 45 s');
    expect(lines).toHaveLength(2 + 2 * record.functions.length);
    expect(lines[1]).toMatch(/^function\s+copy\s+requests\s+cold\s+warm\s+envs\s+pings\s+prov$/);
    expect(lines[2]).toMatch(/^checkout-api\s+managed\s+\d+\s+\d+\s+\d+\.\d%\s+6\s+\d+\s+3$/);
    expect(lines[3]).toMatch(/^\s+unmanaged\s+\d+\s+\d+\s+\d+\.\d%\s+2\s+–\s+–$/);
    expect(lines.join('\n')).not.toContain('\u001b[');
  });

  it('colours warm ratios only when given paint', () => {
    const paint = {
      bold: (t: string) => `<b>${t}</b>`,
      dim: (t: string) => t,
      green: (t: string) => `<g>${t}</g>`,
      yellow: (t: string) => `<y>${t}</y>`,
      red: (t: string) => `<r>${t}</r>`,
    };
    const lines = liveTable({ record, atMs: 1000, phase: 'night' }, paint);
    expect(lines[0]).toContain('<b>story 00:32</b>');
    expect(lines.slice(2).join('\n')).toMatch(/<[gyr]> *\d+\.\d%<\/[gyr]>/);
  });

  it('prints one plain progress line for logs', () => {
    const line = plainProgressLine({ record, atMs: 45_000, phase: 'night' });
    expect(line).toMatch(/^\[story 23:59 night\] checkout-api managed \d+\.\d% warm \(\d+\/\d+ cold\), unmanaged/);
    expect(line).toContain('; orders-worker managed');
  });

  it('prints the final summary aligned, with pings only for managed copies', () => {
    const lines = summaryTable(summarise(record));
    expect(lines[0]).toMatch(/^function\s+copy\s+requests\s+cold\s+warm\s+p50 added\s+p99 added\s+pings\s+ping cost$/);
    expect(lines).toHaveLength(1 + 2 * record.functions.length);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[1]).toMatch(/managed .* \$\d/);
    expect(lines[2]).toMatch(/unmanaged .*–\s+–$/);
    expect(headline(record)).toMatch(/^Warm ratio over the day: managed \d+\.\d%, left alone \d+\.\d%\.$/);
  });

  it('fills a progress bar in proportion', () => {
    expect(progressBar(0, 4)).toBe('[....]');
    expect(progressBar(0.5, 4)).toBe('[##..]');
    expect(progressBar(2, 4)).toBe('[####]');
  });
});
