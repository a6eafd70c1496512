import { renderReport } from '../../../cli/demo/report';
import { syntheticRecord } from '../../fixtures/cli/synthetic-record';

describe('demo HTML report', () => {
  const record = syntheticRecord();
  const html = renderReport(record, {
    generatedAt: new Date('2025-11-25T10:00:00Z'),
    bands: [{ from: 8, to: 18, label: 'business hours window' }],
    notes: ['Policies: examples/policies'],
  });

  it('is one self-contained document that fetches nothing', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`default-src 'none'`);
    expect(html).not.toMatch(/<script|<link|src="http|href="http|@import|url\(/i);
  });

  it('says that time is compressed and by how much', () => {
    expect(html).toMatch(/Time is compressed 1920x: a 24-hour day plays in 45 s/);
    expect(html).toContain('Policies: examples/policies');
  });

  it('has a summary row per function and copy', () => {
    expect(html.match(/<tr class="managed">/g)).toHaveLength(2);
    expect(html.match(/<tr class="unmanaged">/g)).toHaveLength(2);
  });

  it('charts warm ratio per function, requests, environments, pings and provisioned concurrency', () => {
    const captions = [...html.matchAll(/<figcaption>([^<]+)<\/figcaption>/g)].map((m) => m[1]);
    expect(captions).toEqual([
      'Warm ratio over time: checkout-api, managed vs left alone (per story hour)',
      'Warm ratio over time: orders-worker, managed vs left alone (per story hour)',
      'Requests per story hour (identical for both copies)',
      'Execution environments over time',
      'Warm-up pings per controller tick (managed copies)',
      'Provisioned concurrency over time (managed copies)',
    ]);
    const counts = [...html.matchAll(/data-points="(\d+)"/g)].map((m) => Number(m[1]));
    expect(counts.length).toBe(2 * 2 + 2 + 4 + 2 + 2);
    expect(counts.every((n) => n > 0)).toBe(true);
  });
});
