import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { type Emulator, ManualClock } from '../../emulator';
import { loadTrace } from '../../simulator/traces/load';
import { clients, echo, testEmulator } from '../emulator/helpers';
import { memoryIo } from '../helpers/io';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
/** Calls of `shop-orders` in each of the first five minutes from T0. */
const ORDERS = [3, 0, 2, 0, 1];

describe('thermostat trace export', () => {
  let emulator: Emulator;
  let clock: ManualClock;
  let dir: string;
  const end = new Date(T0 + 10 * 60_000).toISOString();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'thermostat-trace-'));
    clock = new ManualClock(T0);
    emulator = await testEmulator({
      clock,
      functions: [
        { name: 'shop-orders', handler: 'echo.js', memoryMb: 1024, tags: { team: 'shop' } },
        { name: 'shop-stock', handler: 'echo.js', memoryMb: 256, tags: { team: 'stock' } },
        { name: 'billing', handler: 'echo.js', memoryMb: 512, tags: { team: 'shop' } },
      ],
    });
    const { lambda } = clients(emulator);
    for (const count of ORDERS) {
      for (let k = 0; k < count; k++) await echo(lambda, 'shop-orders', { holdMs: 5 + 10 * k });
      await clock.advance(60_000);
    }
    await echo(lambda, 'shop-stock');
    lambda.destroy();
  });
  afterAll(async () => {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (...args: string[]) => {
    const t = memoryIo({ cwd: dir });
    const code = await main(['trace', 'export', '--endpoint', emulator.endpoint, '--end', end, ...args], t.io);
    return { code, stdout: t.stdout(), stderr: t.stderr() };
  };

  it('writes the functions’ per-minute invocations, durations and memory as a trace simulate reads', async () => {
    const result = await run('--functions', 'shop-orders,shop-stock', '--days', '1', '--out', 'named');
    expect(result.stderr).toContain('cost: 20 metrics requested × $0.01 per 1,000 = $0.0002');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^wrote 2 functions, 7 invocations over 1,440 minutes to named$/m);
    expect(result.stdout).toMatch(/CloudWatch: 2 GetMetricData calls, 20 metrics requested \(\$0\.0002\)/);
    expect(result.stdout).toContain('next: thermostat simulate --trace named --policies <dir> --start 2026-11-22');

    const out = join(dir, 'named');
    expect(readdirSync(out).sort()).toEqual([
      'concurrency.tsv',
      'durations.csv',
      'export.json',
      'invocations.csv',
      'memory.csv',
    ]);
    const trace = loadTrace(out);
    // The window is the day before --end: it starts at 09:10 on the 22nd, minute 550 after midnight.
    expect(trace.startMs).toBe(550 * 60_000);
    expect(trace.endMs - trace.startMs).toBe(1440 * 60_000);
    expect(trace.functions.map((f) => [f.name, f.memoryMb, f.invocations])).toEqual([
      ['shop-orders', 1024, 6],
      ['shop-stock', 256, 1],
    ]);
    const header = readFileSync(join(out, 'invocations.csv'), 'utf8').split('\n')[0]!.split(',');
    const row = readFileSync(join(out, 'invocations.csv'), 'utf8').split('\n')[1]!.split(',');
    // T0 (09:00 on the 23rd) is minute 1430 of the window: label 1430 + 551.
    const at = header.indexOf(String(1430 + 551));
    expect(row.slice(0, 4)).toEqual(['123456789012', 'shop-orders', 'shop-orders', 'unknown']);
    expect(row.slice(at, at + 5).map(Number)).toEqual(ORDERS);
    expect(row.slice(4).reduce((sum, v) => sum + Number(v), 0)).toBe(6);

    const [, orders] = readFileSync(join(out, 'durations.csv'), 'utf8').split('\n');
    const cells = orders!.split(',').map(Number);
    const [average, count, minimum, maximum, ...percentiles] = cells.slice(3);
    expect(count).toBe(6);
    // The slowest call held 25 ms (the next 15): a timer counts whole milliseconds and may fire a fraction of one
    // early on the emulator's finer clock (24.93 ms was measured once), so the bound is a millisecond below.
    expect(maximum).toBeGreaterThanOrEqual(24);
    expect(minimum).toBeLessThanOrEqual(average!);
    expect(average).toBeLessThanOrEqual(maximum!);
    expect(percentiles[0]).toBe(minimum);
    expect(percentiles[6]).toBe(maximum);
    expect(percentiles).toEqual([...percentiles].sort((a, b) => a! - b!));
    expect(trace.functions[0]!.meanDurationMs).toBeCloseTo(average!, 3);

    const manifest = JSON.parse(readFileSync(join(out, 'export.json'), 'utf8'));
    expect(manifest).toMatchObject({
      format: 'azure2019',
      simulateStart: '2026-11-22',
      firstMinuteLabel: 551,
      minutes: 1440,
      names: 'kept',
      cloudWatch: { calls: 2, metricsRequested: 20 },
      incomplete: [],
    });
    expect(manifest.functions[0]).toMatchObject({ name: 'shop-orders', invocations: 6, peakConcurrency: 1 });

    // The export feeds simulate as it is.
    const policies = join(dir, 'policies');
    mkdirSync(policies);
    writeFileSync(join(policies, '_defaults.yaml'), 'defaults:\n  warm: { concurrency: 1, interval: 5m }\n');
    const t = memoryIo({ cwd: dir });
    const code = await main(
      [
        'simulate',
        '--trace',
        'named',
        '--policies',
        'policies',
        '--start',
        '2026-11-22',
        '--strategies',
        'none',
        '--json',
      ],
      t.io,
    );
    expect(code).toBe(0);
    const report = JSON.parse(t.stdout());
    expect(report.rows[0].perFunction.map((f: { id: string; requests: number }) => [f.id, f.requests])).toEqual([
      ['shop-orders/shop-orders', 6],
      ['shop-stock/shop-stock', 1],
    ]);
  });

  it('selects by prefix and tag, and --dry-run prints the plan and its cost without reading or writing', async () => {
    const result = await run('--prefix', 'shop-', '--tag', 'team=shop', '--dry-run', '--out', 'dry');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^trace export: 1 function: shop-orders$/m);
    expect(result.stdout).toContain(
      'window: 2026-11-09T09:10:00.000Z to 2026-11-23T09:10:00.000Z (14 days, 20,160 minutes)',
    );
    // 14 days of minutes: 5 queries per call fit a page.
    expect(result.stdout).toContain(
      'per minute: Invocations Sum, ConcurrentExecutions Maximum: 2 metrics in 1 GetMetricData call',
    );
    expect(result.stdout).toContain('cost: 10 metrics requested × $0.01 per 1,000 = $0.0001');
    expect(result.stdout).toContain('dry run: nothing read, nothing written');
    expect(existsSync(join(dir, 'dry'))).toBe(false);

    const tagged = await run('--tag', 'team=shop', '--dry-run');
    expect(tagged.stdout).toMatch(/^trace export: 2 functions: billing, shop-orders$/m);
    const anyTeam = await run('--tag', 'team', '--dry-run');
    expect(anyTeam.stdout).toMatch(/^trace export: 3 functions: billing, shop-orders, shop-stock$/m);
  });

  it('reads nothing above --max-cost without --yes, and nothing in the way is replaced without --force', async () => {
    const costly = await run('--functions', 'shop-orders', '--max-cost', '0', '--out', 'costly');
    expect(costly.code).toBe(1);
    expect(costly.stderr).toMatch(/would cost about \$0\.0001, above --max-cost \$0; pass --yes to go ahead/);
    expect(readdirSync(join(dir, 'costly'))).toEqual([]);

    const ok = await run('--functions', 'shop-orders', '--max-cost', '0', '--yes', '--out', 'costly', '--days', '0.1');
    expect(ok.code).toBe(0);
    const again = await run('--functions', 'shop-orders', '--yes', '--out', 'costly', '--days', '0.1');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds .*invocations\.csv.*pass --force/);
  });

  it('hashes names on request, deterministically, and the output is the same bytes on a second run', async () => {
    const args = ['--functions', 'shop-orders,shop-stock', '--days', '0.5', '--hash-names', '--salt', 's3cret'];
    expect((await run(...args, '--out', 'hashed')).code).toBe(0);
    const first = readdirSync(join(dir, 'hashed')).map((f) => readFileSync(join(dir, 'hashed', f), 'utf8'));
    expect((await run(...args, '--out', 'hashed', '--force')).code).toBe(0);
    const second = readdirSync(join(dir, 'hashed')).map((f) => readFileSync(join(dir, 'hashed', f), 'utf8'));
    expect(second).toEqual(first);
    const all = first.join('\n');
    expect(all).not.toContain('shop-');
    expect(all).not.toContain('123456789012');
    const row = readFileSync(join(dir, 'hashed', 'invocations.csv'), 'utf8')
      .split('\n')[1]!
      .split(',');
    expect(row.slice(0, 3).every((cell) => /^[0-9a-f]{64}$/.test(cell))).toBe(true);
    // A different salt, different hashes.
    await run('--functions', 'shop-orders', '--days', '0.5', '--hash-names', '--salt', 'other', '--out', 'other');
    const other = readFileSync(join(dir, 'other', 'invocations.csv'), 'utf8')
      .split('\n')[1]!
      .split(',');
    expect(other[2]).not.toBe(row[2]);
  });

  it('names a function that does not exist, and rejects bad command lines with exit code 2', async () => {
    const missing = await run('--functions', 'nope', '--out', 'missing');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/function nope does not exist/);
    for (const args of [
      ['--out', 'x'],
      ['--functions', 'a', '--prefix', 'b', '--out', 'x'],
      ['--functions', 'a', '--days', '16', '--out', 'x'],
      ['--functions', 'a'],
      ['--functions', 'a', '--salt', 'x', '--out', 'x'],
      ['--functions', 'a', '--end', 'yesterday', '--out', 'x'],
    ]) {
      const t = memoryIo({ cwd: dir });
      expect(await main(['trace', 'export', ...args], t.io)).toBe(2);
      expect(t.stderr()).toMatch(/^thermostat trace: .*; run "thermostat trace --help"\n$/);
    }
    const t = memoryIo();
    expect(await main(['trace', 'import'], t.io)).toBe(2);
    expect(await main(['trace', 'export', '--help'], t.io)).toBe(0);
    expect(t.stdout()).toMatch(/^Usage: thermostat trace export --out <dir>/);
  });
});
