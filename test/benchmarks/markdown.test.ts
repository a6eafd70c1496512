import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchReport, renderBenchmarks, TRACE_CITATIONS } from '../../benchmarks/markdown';
import { BENCHMARK_SECTIONS } from '../fixtures/benchmarks/sections';

// The results of a real `npm run bench -- --quick`, with the emulator and controller benchmarks' own --quick output
// added so that every section has something to render.
const fixture = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'benchmarks', 'report.json'), 'utf8'),
) as BenchReport;

const SECTIONS = ['# Benchmarks', ...BENCHMARK_SECTIONS];

/** The committed raw results of the last `npm run bench`, a fresh copy each time (tests change it). */
function committedResults(): BenchReport {
  return JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'benchmarks', 'results', 'benchmarks.json'), 'utf8'),
  ) as BenchReport;
}

function sectionOf(markdown: string, heading: string): string {
  const start = markdown.indexOf(`${heading}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const next = markdown.indexOf('\n## ', start + heading.length);
  return markdown.slice(start, next === -1 ? undefined : next);
}

describe('renderBenchmarks', () => {
  const markdown = renderBenchmarks(fixture);

  it('has every section, in order, and no section left unmeasured when every step succeeded', () => {
    const positions = SECTIONS.map((heading) => markdown.indexOf(`${heading}\n`));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(markdown).not.toContain('Not measured in this run');
  });

  it('describes the machine and lists the exact command of every step', () => {
    const machine = sectionOf(markdown, '## Machine');
    expect(machine).toContain(fixture.machine.cpu);
    expect(machine).toContain(fixture.machine.node);
    expect(machine).toContain(fixture.machine.loadAverage[0].toFixed(2));
    const commands = sectionOf(markdown, '## Commands');
    for (const step of fixture.steps) expect(commands).toContain(`\`${step.command}\``);
  });

  it('cites both trace papers and the licence next to the simulator results and at the end', () => {
    for (const heading of ['## 3. Warming strategies on real traces (simulator)', '## Data and licence']) {
      const section = sectionOf(markdown, heading);
      for (const citation of TRACE_CITATIONS) expect(section).toContain(citation);
      expect(section).toContain('CC BY 4.0');
    }
  });

  it('renders a fan-out row per contender, with the ratio to Thermostat', () => {
    const fanout = sectionOf(markdown, '## 1. Fan-out on the emulator');
    for (const name of ['| Thermostat |', '| serverless-plugin-warmup |', '| lambda-warmer |']) {
      expect(fanout).toContain(name);
    }
    expect(fanout).toMatch(/\| Thermostat \| [^|]+ \| ×1\.00 \|/);
  });

  it('renders footprint, simulator, helper size and emulator numbers from the outputs', () => {
    const footprint = sectionOf(markdown, '## 2. Controller footprint');
    expect(footprint).toContain('dist/assets/controller/index.js');
    expect(footprint).toMatch(/\| 100 \| [\d.]+ s \|/);
    const simulator = sectionOf(markdown, '## 3. Warming strategies on real traces (simulator)');
    expect(simulator).toContain('simulated invocations per second');
    expect(simulator).toMatch(/\| oracle \| 0 % \|/);
    expect(sectionOf(markdown, '## 4. Target helper size')).toContain('| withThermostat |');
    expect(sectionOf(markdown, '## 5. Emulator throughput')).toMatch(/\| light \| 32 \|/);
  });

  it('renders the cold-start comparison side by side, with a verdict for init and for init + first invocation', () => {
    const comparison = {
      samples: 7,
      targets: 10,
      rows: [
        {
          contender: 'thermostat',
          samples: 7,
          codeBytes: 200_000,
          initMsMedian: 240,
          firstInvocationMsMedian: 400,
          initPlusFirstMsMedian: 650,
        },
        {
          contender: 'serverless-plugin-warmup',
          samples: 7,
          codeBytes: 3_700,
          initMsMedian: 280,
          firstInvocationMsMedian: 150,
          initPlusFirstMsMedian: 430,
        },
      ],
      runs: [],
      notes: ['One emulator.'],
    };
    const steps = fixture.steps.map((step) =>
      step.id === 'controller' ? { ...step, output: { ...(step.output as object), initComparison: comparison } } : step,
    );
    const rendered = renderBenchmarks({ ...fixture, steps });
    const footprint = sectionOf(rendered, '## 2. Controller footprint');
    expect(footprint).toContain('| init (module load) | 240 ms | 280 ms |');
    expect(footprint).toContain('| init + first invocation | 650 ms | 430 ms |');
    expect(footprint).toContain(
      "Init: **Thermostat ≤ serverless-plugin-warmup's warmer** (240 ms against 280 ms, ×0.86)",
    );
    expect(footprint).toContain(
      "Init + first invocation: **Thermostat is slower than serverless-plugin-warmup's warmer** (650 ms against 430 ms, ×1.51)",
    );
    expect(sectionOf(rendered, '## How to read these')).toContain('Cold start (section 2, like with like)');
    // without the comparison, the section says so rather than implying a verdict
    expect(sectionOf(markdown, '## 2. Controller footprint')).toContain(
      "Cold start beside serverless-plugin-warmup's warmer: not measured in this run.",
    );
  });

  it('names the files the asset ships beside the bundle', () => {
    const steps = fixture.steps.map((step) =>
      step.id === 'bundle'
        ? {
            ...step,
            output: {
              ...(step.output as object),
              lazy: [{ path: 'dist/assets/controller/tracing.js', bytes: 125_731 }],
            },
          }
        : step,
    );
    expect(sectionOf(renderBenchmarks({ ...fixture, steps }), '## 2. Controller footprint')).toContain(
      '- Beside it in the asset: `dist/assets/controller/tracing.js` (122.8 KiB), which the bundle reads only when it needs it',
    );
  });

  it('says where Thermostat does not win', () => {
    const reading = sectionOf(markdown, '## How to read these');
    // In the fixture run both fire-and-forget warmers finished the small fan-out first, and two strategies had a
    // lower cold share than Thermostat on the 2019 sample at a lower cost.
    expect(reading).toContain('Thermostat was **not** the fastest');
    expect(reading).toContain("Where Thermostat's time goes");
    expect(reading).toContain('Better on both counts than Thermostat here');
  });

  it('compares the warm policy set in warming overhead, means of the seeds, not in ratios of totals', () => {
    const results = structuredClone(fixture);
    const simulator = results.steps.find((step) => step.id === 'simulator')!.output as {
      comparisons: Array<{
        seeds?: number[];
        rows: Array<{ strategy: string; costUsd: number; overheadUsd?: number; thermostatVs?: object }>;
      }>;
    };
    const comparison = simulator.comparisons[0];
    comparison.seeds = [1, 2, 3, 4, 5];
    const none = comparison.rows.find((row) => row.strategy === 'none')!;
    const thermostat = comparison.rows.find((row) => row.strategy === 'thermostat')!;
    const plugin = comparison.rows.find((row) => row.strategy === 'serverless-plugin-warmup')!;
    for (const row of comparison.rows) row.overheadUsd = row.costUsd - none.costUsd;
    // totals a hair apart, overheads twice as large: the table shows the overheads and their ratio
    thermostat.overheadUsd = 0.002;
    plugin.overheadUsd = 0.001;
    plugin.thermostatVs = { coldShare: 1, overhead: 2 };
    const section = sectionOf(renderBenchmarks(results), '## 3. Warming strategies on real traces (simulator)');
    expect(section).toContain('| warming overhead | pings | Thermostat ÷ this: cold share | overhead |');
    expect(section).toContain('each row the mean of 5 runs with seeds 1, 2, 3, 4, 5');
    expect(section).toMatch(
      /\| serverless-plugin-warmup \| [^|]+ \| [^|]+ \| [^|]+ \| \$0\.00100 \| [^|]+ \| ×1\.00 \| ×2\.00 \|/,
    );
    expect(sectionOf(renderBenchmarks(results), '## How to read these')).toContain('at a warming overhead of $0.00200');
  });

  it('renders the account-scale run tick by tick, with its extrapolation to 10,000 targets', () => {
    const scale = sectionOf(markdown, '## 6. Account scale: thousands of targets under the control-plane quota');
    const output = fixture.steps.find((step) => step.id === 'scale')!.output as {
      explicit: number;
      tagged: number;
      ticks: unknown[];
    };
    expect(scale).toContain(`**${output.explicit + output.tagged} targets**`);
    // one row per tick
    expect(scale.match(/^\| \d+ \| /gm)).toHaveLength(output.ticks.length);
    expect(scale).toContain('Every target was reached by tick');
    expect(scale).toMatch(/\*\*Extrapolated to 10,000 targets\*\*.*about \*\*\d+ ticks\*\*/);
  });

  it("renders Thermostat's own bill per size, its total, the warming beside it and every price with its source", () => {
    const cost = sectionOf(markdown, "## 7. Thermostat's own monthly bill");
    expect(cost).toMatch(
      /\| per month \| 250 targets \| 500 targets \| 1,000 targets \(extrapolated\) \| 10,000 targets \(extrapolated\) \|/,
    );
    for (const item of [
      'Controller duration',
      'DynamoDB writes',
      'GetMetricData',
      'Custom metrics (EMF)',
      'CloudWatch Logs ingestion',
    ]) {
      expect(cost).toContain(`| ${item} | $`);
    }
    expect(cost).toMatch(/\| \*\*Thermostat, total\*\* \| \*\*\$/);
    expect(cost).toContain('| Warming it manages: provisioned concurrency |');
    expect(cost).toContain('https://aws.amazon.com/dynamodb/pricing/on-demand/');
    expect(cost).toContain('At 1,000 targets Thermostat costs');
  });

  it('renders failed, skipped and malformed steps as such instead of throwing', () => {
    const steps = fixture.steps.map((step) => {
      if (step.id === 'fanout')
        return { ...step, status: 'failed' as const, reason: 'exit 1: boom', output: undefined };
      if (step.id === 'emulator') return { ...step, status: 'skipped' as const, reason: 'not selected (--only)' };
      if (step.id === 'target-size') return { ...step, output: { sizes: 'not a list' } };
      return step;
    });
    const broken = renderBenchmarks({ ...fixture, steps });
    expect(sectionOf(broken, '## 1. Fan-out on the emulator')).toContain(
      'Not measured in this run: **failed**: exit 1: boom',
    );
    expect(sectionOf(broken, '## 5. Emulator throughput')).toContain('skipped: not selected (--only)');
    expect(sectionOf(broken, '## 4. Target helper size')).toContain('output not in the expected shape');
    for (const heading of SECTIONS) expect(broken).toContain(`${heading}\n`);
  });
});

describe('the grid section', () => {
  it('says where each overhead goes, item by item, from the runs’ cost breakdowns', () => {
    const results = committedResults();
    const markdown = renderBenchmarks(results);
    const lines = markdown.split('\n').filter((line) => line.startsWith('Where the overhead goes: '));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatch(/Thermostat pings \$[\d.]+/);
      expect(line).toMatch(/serverless-plugin-warmup's default pings \$[\d.]+/);
      // the controller's own invocations and the warmer's are overhead too
      expect(line.match(/own invocations \$[\d.]+/g)?.length).toBe(2);
    }
  });

  it('says by how many cold starts and how much overhead a grid point dominates Thermostat', () => {
    const results = committedResults();
    const simulator = results.steps.find((step) => step.id === 'simulator')!.output as { grids: unknown[] };
    const grid = simulator.grids[0] as {
      invocations: number;
      seeds?: number[];
      rows: Array<{ strategy: string; setting: string; coldShare: number; overheadUsd: number }>;
      verdict: { dominatedBy: string[] };
    };
    const thermostat = grid.rows.find((row) => row.strategy === 'thermostat')!;
    const point = grid.rows.find((row) => row.strategy === 'lambda-warmer' && row.setting === '5m, c=1')!;
    thermostat.coldShare = point.coldShare + 3 / grid.invocations;
    thermostat.overheadUsd = point.overheadUsd * 2;
    grid.verdict.dominatedBy = ['lambda-warmer (5m, c=1)'];
    const requests = grid.invocations.toLocaleString('en-US');
    // one run: whole cold starts
    grid.seeds = [1];
    const whole = (share: number) => Math.round(share * grid.invocations).toLocaleString('en-US');
    expect(renderBenchmarks(results)).toContain(
      `By how much: Thermostat had ${whole(thermostat.coldShare)} cold starts in ${requests} requests; lambda-warmer (5m, c=1) ${whole(point.coldShare)} at 50% of its overhead.`,
    );
    // means of several seeds keep their tenths, and say so
    grid.seeds = [1, 2, 3];
    const tenths = (share: number) =>
      (share * grid.invocations).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    expect(renderBenchmarks(results)).toContain(
      `By how much: Thermostat had ${tenths(thermostat.coldShare)} cold starts (mean of 3 runs) in ${requests} requests; lambda-warmer (5m, c=1) ${tenths(point.coldShare)} at 50% of its overhead.`,
    );
    // runs whose cold starts overlap: the order is within their noise, and the text says so with the ranges
    const rows = grid.rows as Array<{ strategy: string; coldStartsPerSeed?: number[] }>;
    rows.find((row) => row.strategy === 'thermostat')!.coldStartsPerSeed = [140, 151, 146];
    (point as { coldStartsPerSeed?: number[] }).coldStartsPerSeed = [138, 149, 143];
    expect(renderBenchmarks(results)).toContain(
      'at 50% of its overhead. Per run, Thermostat had 140–151 cold starts; lambda-warmer (5m, c=1) 138–149: the ranges overlap, so which of them is warmer is within the runs’ noise',
    );
    // apart: nothing is said
    (point as { coldStartsPerSeed?: number[] }).coldStartsPerSeed = [120, 125, 131];
    expect(renderBenchmarks(results)).not.toContain('Per run, Thermostat had 140–151');
    // the no-warming point is named as such, not by its strategy id and empty setting
    grid.verdict.dominatedBy = ['none (–)'];
    const rendered = renderBenchmarks(results);
    expect(rendered).toContain('Thermostat is **dominated** by no warming;');
    expect(rendered).toContain('**where Thermostat falls short:** dominated by no warming');
  });

  it('renders the one-function accounts with their verdicts, and why where Thermostat is dominated alone', () => {
    const results = committedResults();
    const simulator = results.steps.find((step) => step.id === 'simulator')!.output as {
      grids: Array<Record<string, unknown>>;
      oneFunction?: unknown[];
    };
    type Row = { strategy: string; setting: string; overheadUsd: number; cost?: Record<string, number> };
    const base = simulator.grids[0] as { trace: string; rows: Row[]; verdict: { dominatedBy: string[] } };
    const account = (name: string, dominatedBy: string[], controller: number, overhead: number, state = 0) => {
      const copy = JSON.parse(JSON.stringify(base)) as typeof base & Record<string, unknown>;
      const thermostat = copy.rows.find((row) => row.strategy === 'thermostat')!;
      thermostat.overheadUsd = overhead;
      thermostat.cost = { ...thermostat.cost, controller, state };
      copy.rows.find((row) => row.strategy === 'serverless-plugin-warmup' && row.setting === '5m, c=1')!.cost = {
        controller: 0.00001,
      };
      return {
        ...copy,
        trace: `${base.trace}: function ${name}… alone`,
        parent: base.trace,
        function: `${name}${'0'.repeat(54)}`,
        trigger: 'timer',
        verdict: { ...copy.verdict, dominatedBy },
      };
    };
    simulator.oneFunction = [
      // its own cost is its controller's invocations and its state table: 0.00006 + 0.00002
      account('aaaaaaaaaa', ['serverless-plugin-warmup (5m, c=1)'], 0.00006, 0.0001, 0.00002),
      account('bbbbbbbbbb', [], 0.00003, 0.0001),
      account('cccccccccc', ['none (–)', 'lambda-warmer (5m, c=1)'], 0.00006, 0.0001),
    ];
    const rendered = renderBenchmarks(results);
    expect(rendered).toContain('### One function alone: the smallest accounts');
    expect(rendered).toMatch(
      /\| aaaaaaaaaa… \(timer\) \| [\d,]+ \| .+ \| \$0\.0000800 vs \$0\.0000100 \| \*\*dominated\*\* by 1 point \|/,
    );
    expect(rendered).toMatch(/\| bbbbbbbbbb… \(timer\) \| .+ \| not dominated \|/);
    expect(rendered).toContain('**dominated** by 2 points |');
    // the reason in numbers: the controller's share of the overhead where it is dominated (60% and 80%), not elsewhere
    expect(rendered).toContain("its controller's own invocations and its state table are 60%–80% of its overhead");
    expect(rendered).toContain(
      '- One function alone (3 accounts cut from the traces above): Thermostat is **dominated on 2 of 3**',
    );
    simulator.oneFunction = [account('bbbbbbbbbb', [], 0.00003, 0.0001)];
    const fine = renderBenchmarks(results);
    expect(fine).not.toContain('Why: where Thermostat is dominated alone');
    expect(fine).toContain(
      '- One function alone (1 account cut from the traces above): Thermostat is not dominated on any.',
    );
  });

  it('renders the half accounts with their verdicts against the plugin default, and says where one falls short', () => {
    const results = committedResults();
    const simulator = results.steps.find((step) => step.id === 'simulator')!.output as {
      grids: Array<Record<string, unknown>>;
      halves?: unknown[];
    };
    type Verdict = { dominatedBy: string[]; warmerThanPluginDefault: boolean; cheaperThanPluginDefault: boolean };
    const base = simulator.grids[0] as { trace: string; verdict: Verdict };
    const half = (which: 'first' | 'second', verdict: Verdict) => ({
      ...JSON.parse(JSON.stringify(base)),
      trace: `${base.trace}: ${which} half of its functions`,
      parent: base.trace,
      half: which,
      verdict,
    });
    type Row = { strategy: string; setting: string; coldShare: number; coldStartsPerSeed?: number[] };
    const colder = half('second', { dominatedBy: [], warmerThanPluginDefault: false, cheaperThanPluginDefault: false });
    const rowOf = (strategy: string) =>
      (colder.rows as Row[]).find(
        (row) => row.strategy === strategy && (strategy === 'thermostat' || row.setting === '5m, c=1'),
      )!;
    rowOf('thermostat').coldStartsPerSeed = [3, 4];
    rowOf('serverless-plugin-warmup').coldStartsPerSeed = [3, 2];
    simulator.halves = [
      half('first', { dominatedBy: [], warmerThanPluginDefault: true, cheaperThanPluginDefault: true }),
      colder,
    ];
    const rendered = renderBenchmarks(results);
    expect(rendered).toContain('### Half accounts: the same traffic, split in two');
    expect(rendered).toMatch(/\| first half \| [\d,]+ \| [\d,]+ \| .+ \| as warm for no more \|/);
    expect(rendered).toContain(
      '| not dominated; **colder** than the plugin default; **more overhead** than the plugin default |',
    );
    expect(rendered).toContain(
      `- Half accounts (each trace's functions split in two): Thermostat **falls short on 1 of 2** (${base.trace}, second half)`,
    );
    // how much colder, counted over the runs
    expect(rendered).toContain(
      `1 of 2 halves fall short. 1 is colder (${base.trace}, second half: 2 cold starts more in 2 runs, 7 against 5): where a few cold starts decide`,
    );
    // without counts per run, the cold shares
    delete rowOf('thermostat').coldStartsPerSeed;
    expect(renderBenchmarks(results)).toMatch(/1 is colder \(.+, second half: [\d.]+ % against [\d.]+ % cold\)/);
    simulator.halves = [
      half('first', { dominatedBy: [], warmerThanPluginDefault: true, cheaperThanPluginDefault: true }),
    ];
    const fine = renderBenchmarks(results);
    expect(fine).toContain("- Half accounts (each trace's functions split in two): Thermostat passes on all 1.");
    expect(fine).not.toContain('halves fall short');
  });
});
