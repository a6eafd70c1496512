import { parseEmf } from '../../../emulator/metrics/emf';

describe('parseEmf', () => {
  const doc = {
    _aws: {
      Timestamp: 1,
      CloudWatchMetrics: [
        {
          Namespace: 'Shop',
          Dimensions: [['service'], ['service', 'region']],
          Metrics: [
            { Name: 'Orders', Unit: 'Count' },
            { Name: 'Latency', Unit: 'Milliseconds' },
          ],
        },
      ],
    },
    service: 'orders',
    region: 'eu',
    Orders: 2,
    Latency: [10, 20],
  };

  it('reads every metric for every dimension set, with array values', () => {
    expect(parseEmf(JSON.stringify(doc))).toEqual([
      { namespace: 'Shop', name: 'Orders', dimensions: { service: 'orders' }, values: [2], unit: 'Count' },
      {
        namespace: 'Shop',
        name: 'Orders',
        dimensions: { service: 'orders', region: 'eu' },
        values: [2],
        unit: 'Count',
      },
      { namespace: 'Shop', name: 'Latency', dimensions: { service: 'orders' }, values: [10, 20], unit: 'Milliseconds' },
      {
        namespace: 'Shop',
        name: 'Latency',
        dimensions: { service: 'orders', region: 'eu' },
        values: [10, 20],
        unit: 'Milliseconds',
      },
    ]);
  });

  it('accepts the runtime prefix before the JSON', () => {
    const line = `2026-11-23T12:00:00.000Z\tabc\tINFO\t${JSON.stringify(doc)}`;
    expect(parseEmf(line)).toHaveLength(4);
  });

  it('ignores ordinary lines, broken JSON and metrics without values or dimension values', () => {
    expect(parseEmf('hello')).toEqual([]);
    expect(parseEmf('{"_aws": nope')).toEqual([]);
    const missing = { ...doc, region: undefined, Orders: 'two' };
    expect(parseEmf(JSON.stringify(missing)).map((d) => [d.name, d.dimensions])).toEqual([
      ['Latency', { service: 'orders' }],
    ]);
  });
});
