import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { progressPrinter } from '../../cli/commands/simulate';
import { main } from '../../cli/main';
import { memoryIo } from '../helpers/io';

const FIXTURES = resolve(__dirname, '../fixtures/traces');
const TINY_2021 = join(FIXTURES, 'azure2021-tiny.csv');

describe('thermostat simulate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'thermostat-simulate-'));
  const policies = join(dir, 'policies');
  beforeAll(() => {
    mkdirSync(policies);
    writeFileSync(join(policies, '_defaults.yaml'), 'defaults:\n  warm: { concurrency: 1, interval: 5m }\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** `simulate --strategies none --json` with `extra` options: its one JSON object, after checking it exited 0. */
  const noWarmingJson = async (extra: string[], trace = TINY_2021) => {
    const out = memoryIo();
    const argv = ['simulate', '--trace', trace, '--policies', policies, '--strategies', 'none', '--json'];
    expect(await main([...argv, ...extra], out.io)).toBe(0);
    return JSON.parse(out.stdout());
  };

  it('prints a table with the trace’s attribution', async () => {
    const out = memoryIo();
    const code = await main(
      ['simulate', '--trace', TINY_2021, '--policies', policies, '--strategies', 'none,thermostat'],
      out.io,
    );
    expect(code).toBe(0);
    const text = out.stdout();
    expect(text).toMatch(/^none\s+\d/m);
    expect(text).toMatch(/^thermostat\s+\d/m);
    expect(text).toMatch(/Faster and Cheaper Serverless Computing on Harvested Resources/);
    expect(text).toMatch(/CC BY 4\.0/);
  });

  it('prints one JSON object with a row per strategy and time series', async () => {
    const out = memoryIo();
    const code = await main(
      ['simulate', '--trace', TINY_2021, '--policies', policies, '--strategies', 'none,static-pc,oracle', '--json'],
      out.io,
    );
    expect(code).toBe(0);
    const report = JSON.parse(out.stdout());
    expect(report.rows.map((r: { strategy: string }) => r.strategy)).toEqual(['none', 'static-pc', 'oracle']);
    for (const row of report.rows) {
      expect(row).toEqual(
        expect.objectContaining({
          coldShare: expect.any(Number),
          coldShareP75: expect.any(Number),
          costUsd: expect.any(Number),
          cost: expect.objectContaining({ requests: expect.any(Number), provisioned: expect.any(Number) }),
        }),
      );
    }
    // 5 arrivals of 3 functions, each the first of its environment: all cold without warming.
    expect(report.rows[0].coldStarts).toBe(3);
    expect(report.rows[0].perFunction).toEqual([
      { id: 'a1/f1', requests: 3, cold: 1, coldShare: 1 / 3, pings: 0 },
      { id: 'a2/f1', requests: 1, cold: 1, coldShare: 1, pings: 0 },
      { id: 'a2/f2', requests: 1, cold: 1, coldShare: 1, pings: 0 },
    ]);
    expect(report.rows[0].coldShareP75).toBe(1);
    expect(report.rows[2].coldShare).toBe(0);
    expect(report.series.t.length).toBe(2);
    expect(report.series.strategies['static-pc'].provisioned).toEqual([3, 3]);
    expect(report.trace.citation.dataset).toBe('Azure Functions Invocation Trace 2021');
  });

  it('writes a self-contained HTML report', async () => {
    const out = memoryIo();
    const file = join(dir, 'report.html');
    const code = await main(['simulate', '--trace', TINY_2021, '--policies', policies, '--report', file], out.io);
    expect(code).toBe(0);
    expect(out.stderr()).toMatch(/report written to/);
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toMatch(/<svg /);
    expect(html).toMatch(/Faster and Cheaper Serverless Computing/);
    expect(html).not.toMatch(/<script|<link|src=|url\(/i);
  });

  it('is reproducible for a seed', async () => {
    const once = async () => {
      const out = memoryIo();
      const args = [
        'simulate',
        '--trace',
        join(FIXTURES, 'azure2019-tiny'),
        '--policies',
        policies,
        '--json',
        '--seed',
        '9',
      ];
      await main(args, out.io);
      const report = JSON.parse(out.stdout());
      return JSON.stringify({ rows: report.rows, series: report.series });
    };
    expect(await once()).toBe(await once());
  });

  it('replays only the functions asked for, by hash, id or the start of either, as an account of their own', async () => {
    const rows = async (only: string) => (await noWarmingJson(['--functions', only])).rows[0].perFunction;
    // a hash names every function of that name (a1/f1 and a2/f1), with the requests the whole trace gives them
    expect(await rows('f1')).toEqual([
      expect.objectContaining({ id: 'a1/f1', requests: 3 }),
      expect.objectContaining({ id: 'a2/f1', requests: 1 }),
    ]);
    expect(await rows('a2/f2')).toEqual([expect.objectContaining({ id: 'a2/f2', requests: 1 })]);
    expect(await rows('a2/, a1/f1')).toHaveLength(3);
    // a name the trace does not have is bad input (exit 1), naming it; an empty list is a usage error (exit 2)
    const missing = memoryIo();
    expect(
      await main(['simulate', '--trace', TINY_2021, '--policies', policies, '--functions', 'f1,nope'], missing.io),
    ).toBe(1);
    expect(missing.stderr()).toMatch(/has no function named or starting with "nope"/);
    const empty = memoryIo();
    expect(await main(['simulate', '--trace', TINY_2021, '--policies', policies, '--functions', ' , '], empty.io)).toBe(
      2,
    );
    expect(empty.stderr()).toMatch(/--functions needs at least one function name/);
  });

  it('exits 2 on usage errors', async () => {
    const cases = [
      ['simulate', '--policies', policies],
      ['simulate', '--trace', TINY_2021],
      ['simulate', '--trace', TINY_2021, '--policies', policies, '--strategies', 'none,magic'],
      ['simulate', '--trace', TINY_2021, '--policies', policies, '--idle-reclaim', '15m-5m'],
      ['simulate', '--trace', TINY_2021, '--policies', policies, '--idle-reclaim', '0s'],
      ['simulate', '--trace', TINY_2021, '--policies', policies, '--schedule-phase', '-1s'],
      ['simulate', '--trace', TINY_2021, '--policies', policies, '--proactive-replacement', '1.5'],
      ['simulate', '--trace', TINY_2021, '--policies', policies, '--bogus'],
      ['simulate', '--trace', TINY_2021, '--policies', policies, '--grid', '--strategies', 'none'],
      ['simulate', '--trace', TINY_2021, '--policies', policies, '--grid', '--report', join(dir, 'grid.html')],
    ];
    for (const argv of cases) {
      const out = memoryIo();
      expect(await main(argv, out.io)).toBe(2);
      expect(out.stderr()).toMatch(/^thermostat simulate: /);
    }
    const unknown = memoryIo();
    await main(['simulate', '--trace', TINY_2021, '--policies', policies, '--strategies', 'magic'], unknown.io);
    expect(unknown.stderr()).toMatch(/unknown strategy "magic"; choose from none, /);
    const durations = memoryIo();
    expect(
      await main(['simulate', '--trace', TINY_2021, '--policies', policies, '--durations', 'median'], durations.io),
    ).toBe(2);
    expect(durations.stderr()).toMatch(/--durations must be distribution or average, got "median"/);
  });

  it("runs Thermostat under the given policies against the warmers' grid, with the verdict", async () => {
    const json = memoryIo();
    const argv = ['simulate', '--trace', TINY_2021, '--policies', policies, '--grid'];
    expect(await main([...argv, '--json'], json.io)).toBe(0);
    const grid = JSON.parse(json.stdout());
    // no warming and three provisioned strategies, the oracle, 2 warmers × 3 intervals × 3 concurrencies, Thermostat
    expect(grid.rows).toHaveLength(5 + 18 + 1);
    expect(grid.seeds).toEqual([1, 2, 3, 4, 5]);
    const none = grid.rows.find((row: { strategy: string }) => row.strategy === 'none');
    const own = grid.rows.find((row: { strategy: string }) => row.strategy === 'thermostat');
    expect(none.overheadUsd).toBe(0);
    expect(own.setting).toBe(policies);
    expect(own.overheadUsd).toBeCloseTo(own.costUsd - none.costUsd, 8);
    expect(Object.keys(grid.verdict).sort()).toEqual([
      'cheaperThanPluginDefault',
      'dominatedBy',
      'warmerThanPluginDefault',
    ]);
    expect(json.stderr()).toMatch(/grid: 11 of 11 settings replayed/);

    const text = memoryIo();
    expect(await main([...argv, '--seed', '7'], text.io)).toBe(0);
    expect(text.stdout()).toMatch(/each point the mean of 1 run \(seed 7\)/);
    expect(text.stdout()).toMatch(/^serverless-plugin-warmup\s+5m, c=1\s/m);
    expect(text.stdout()).toMatch(/^Verdict: Thermostat is (not )?dominated/m);
    expect(text.stdout()).toMatch(
      /^Where the overhead goes: Thermostat .*own invocations \$.*; serverless-plugin-warmup's default pings \$/m,
    );
    expect(text.stdout()).toMatch(/Faster and Cheaper Serverless Computing on Harvested Resources/);
  });

  it('fires schedules at the phase asked for, and says which in the JSON settings', async () => {
    const phase = async (extra: string[]) => (await noWarmingJson(extra)).settings.schedulePhase;
    expect(await phase([])).toBe('0s–1m (uniform)');
    expect(await phase(['--schedule-phase', '0s'])).toBe('0s');
    expect(await phase(['--schedule-phase', '10s-20s'])).toBe('10s–20s (uniform)');
  });

  it('replaces busy environments ahead of retirement at the share asked for, and says which', async () => {
    const settings = async (extra: string[]) => (await noWarmingJson(extra)).settings.proactiveReplacement;
    expect(await settings([])).toBe(0.5);
    expect(await settings(['--proactive-replacement', '0'])).toBe(0);
    const bad = memoryIo();
    await main(['simulate', '--trace', TINY_2021, '--policies', policies, '--proactive-replacement', 'half'], bad.io);
    expect(bad.stderr()).toMatch(/--proactive-replacement must be a number from 0 to 1, got "half"/);
  });

  it('states its duration and memory rules in the JSON settings', async () => {
    const tiny2019 = join(FIXTURES, 'azure2019-tiny');
    const run = async (extra: string[]) => (await noWarmingJson(extra, tiny2019)).settings;
    const byDefault = await run([]);
    expect(byDefault.durations).toMatch(/^distribution: .*mean is its Average/);
    expect(byDefault.memoryRule).toMatch(/99th percentile of allocated MB/);
    expect((await run(['--durations', 'average'])).durations).toMatch(/^average: /);
    const table = memoryIo();
    await main(['simulate', '--trace', tiny2019, '--policies', policies, '--strategies', 'none'], table.io);
    expect(table.stdout()).toMatch(/^model: .*durations distribution, seed 1$/m);
  });

  it('exits 1 on a bad trace or bad policies, naming the file', async () => {
    const bad = memoryIo();
    expect(
      await main(['simulate', '--trace', join(FIXTURES, 'bad/not-a-trace.csv'), '--policies', policies], bad.io),
    ).toBe(1);
    expect(bad.stderr()).toMatch(/not-a-trace\.csv:1: not a trace this tool reads/);

    const broken = join(dir, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'p.yaml'), 'function: x\nwarm: { concurrency: 0 }\n');
    const out = memoryIo();
    expect(await main(['simulate', '--trace', TINY_2021, '--policies', broken], out.io)).toBe(1);
    expect(out.stderr()).toMatch(/p\.yaml: warm\.concurrency: /);
    expect(out.stderr()).toMatch(/nothing simulated/);

    // a trace with its header and no invocation: an error, not a table of zeros
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, 'app,func,end_timestamp,duration\n');
    const none = memoryIo();
    expect(await main(['simulate', '--trace', empty, '--policies', policies], none.io)).toBe(1);
    expect(none.stderr()).toMatch(/empty\.csv: the trace holds no invocations; nothing simulated/);
    expect(none.stdout()).toBe('');
  });

  it('reports progress as plain lines every 5 s when stderr is not a terminal', () => {
    const out = memoryIo();
    const progress = progressPrinter(out.io, 8);
    for (const elapsedMs of [1000, 2000, 6000, 7000, 11_500])
      progress.update({ done: elapsedMs, total: 20_000, elapsedMs });
    progress.done();
    expect(out.stderr()).toBe(
      'simulating: 30% of 20,000 invocations × 8 strategies, 6 s\nsimulating: 57% of 20,000 invocations × 8 strategies, 12 s\n',
    );
  });

  it('rewrites one line on a terminal and clears it at the end', () => {
    const out = memoryIo({ tty: true });
    const progress = progressPrinter(out.io, 1);
    progress.update({ done: 1, total: 2, elapsedMs: 10 });
    progress.done();
    expect(out.stderr()).toBe('\rsimulating: 50% of 2 invocations × 1 strategy, 0 s\r\u001b[K');
  });
});
