import type { GetFunctionResponse, ListFunctionsResponse } from '@aws-sdk/client-lambda';
import {
  durationSummary,
  exportWindow,
  firstMinuteOfDay,
  formatUsd,
  nameOf,
  planExport,
} from '../../cli/commands/trace-export';
import { selectFunctions } from '../../cli/commands/trace-select';
import { InputError } from '../../cli/errors';

describe('trace export helpers', () => {
  it('keeps a duration row non-decreasing when CloudWatch’s percentile estimates are not', () => {
    const row = durationSummary(
      new Map([
        ['Average', 30],
        ['Minimum', 5],
        ['Maximum', 90],
        ['p1', 4], // an estimate below the exact minimum
        ['p25', 20],
        ['p50', 18], // below p25
        ['p99', 95], // above the exact maximum
      ]),
      12,
    );
    // p75 is missing: it takes the value below it.
    expect(row).toEqual({
      average: 30,
      count: 12,
      minimum: 5,
      maximum: 90,
      percentiles: [5, 5, 20, 20, 20, 90, 90],
    });
    expect(durationSummary(new Map([['Minimum', 1]]), 3)).toBeUndefined();
    expect(durationSummary(new Map([['Average', 1]]), 0)).toBeUndefined();
    expect(durationSummary(new Map([['Average', 7]]), 1)?.percentiles).toEqual([7, 7, 7, 7, 7, 7, 7]);
  });

  it('plans whole minutes ending at --end, and counts labels from that day’s UTC midnight', () => {
    const end = Date.UTC(2026, 11, 2, 16, 52, 41);
    const window = exportWindow(end, 0.5);
    expect(new Date(window.end).toISOString()).toBe('2026-12-02T16:52:00.000Z');
    expect(new Date(window.start).toISOString()).toBe('2026-12-02T04:52:00.000Z');
    expect(firstMinuteOfDay(window.start)).toBe(4 * 60 + 52);
    const fns = Array.from({ length: 1000 }, (_, i) => ({ name: `f${i}`, accountId: '1', region: 'r', memoryMb: 128 }));
    const plan = planExport(fns, exportWindow(end, 14), undefined);
    // 2 per-minute series and 8 whole-window statistics per function.
    expect(plan).toMatchObject({ minutes: 20_160, metricsRequested: 10_000, calls: 416 });
    expect(plan.costUsd).toBeCloseTo(0.1, 10);
  });

  it('hashes names with SHA-256, or HMAC-SHA256 with a salt, and formats dollars', () => {
    expect(nameOf({ kind: 'keep' }, 'orders')).toBe('orders');
    expect(nameOf({ kind: 'hash' }, 'abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(nameOf({ kind: 'hash', salt: 'key' }, 'abc')).toBe(
      '9c196e32dc0175f86f4b1cb89289d6619de6bee699e4c378e68309ed97a1a6ab',
    );
    expect([0, 0.0001, 0.00011, 0.1, 12.3456].map(formatUsd)).toEqual(['$0', '$0.0001', '$0.00011', '$0.1', '$12.35']);
  });
});

describe('selectFunctions', () => {
  const fn = (name: string, tags: Record<string, string> = {}): GetFunctionResponse => ({
    Configuration: {
      FunctionName: name,
      FunctionArn: `arn:aws:lambda:eu-west-1:111122223333:function:${name}`,
      MemorySize: 256,
    },
    Tags: tags,
  });
  const account: Record<string, GetFunctionResponse> = {
    'api-a': fn('api-a', { team: 'web' }),
    'api-b': fn('api-b', { team: 'data' }),
    worker: fn('worker', { team: 'web' }),
  };
  const directory = {
    listed: [] as Array<string | undefined>,
    async listFunctions(input: { Marker?: string }): Promise<ListFunctionsResponse> {
      this.listed.push(input.Marker);
      const names = Object.keys(account);
      // Two per page, to prove the paging.
      const from = input.Marker ? Number(input.Marker) : 0;
      return {
        Functions: names.slice(from, from + 2).map((name) => ({ FunctionName: name })),
        ...(from + 2 < names.length ? { NextMarker: String(from + 2) } : {}),
      };
    },
    async getFunction(input: { FunctionName?: string }): Promise<GetFunctionResponse> {
      const found = account[input.FunctionName!];
      if (!found) throw Object.assign(new Error('Function not found'), { name: 'ResourceNotFoundException' });
      return found;
    },
  };

  it('lists every page, then filters by prefix and tags', async () => {
    const selected = await selectFunctions(directory, { kind: 'match', prefix: 'api-', tags: [] });
    expect(directory.listed).toEqual([undefined, '2']);
    expect(selected).toEqual([
      { name: 'api-a', accountId: '111122223333', region: 'eu-west-1', memoryMb: 256 },
      { name: 'api-b', accountId: '111122223333', region: 'eu-west-1', memoryMb: 256 },
    ]);
    const web = await selectFunctions(directory, { kind: 'match', tags: [{ key: 'team', value: 'web' }] });
    expect(web.map((f) => f.name)).toEqual(['api-a', 'worker']);
  });

  it('takes names and ARNs, sorted and without repeats, and names a missing function', async () => {
    const named = await selectFunctions(directory, {
      kind: 'names',
      names: ['worker', 'arn:aws:lambda:eu-west-1:111122223333:function:api-a', 'worker'],
    });
    expect(named.map((f) => f.name)).toEqual(['api-a', 'worker']);
    const missing = selectFunctions(directory, { kind: 'names', names: ['gone'] });
    await expect(missing).rejects.toBeInstanceOf(InputError);
    await expect(missing).rejects.toThrow('function gone does not exist');
  });
});
