import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchUsageError, parseRunArgs, planSteps } from '../../benchmarks/run';
import { BENCHMARK_SECTIONS } from '../fixtures/benchmarks/sections';

const ROOT = join(__dirname, '..', '..');

/** `npm run bench` as a child, the way CI and users start it (tsx), with its exit code, report and markdown. */
function bench(args: readonly string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'thermostat-bench-test-'));
  const out = join(dir, 'BENCHMARKS.md');
  const json = join(dir, 'results.json');
  try {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'benchmarks/run.ts', ...args, '--out', out, '--json', json],
      { cwd: ROOT, encoding: 'utf8', timeout: 180_000 },
    );
    return {
      status: child.status,
      stderr: child.stderr,
      markdown: readFileSync(out, 'utf8'),
      report: JSON.parse(readFileSync(json, 'utf8')) as {
        quick: boolean;
        steps: Array<{ id: string; status: string; reason?: string; output?: Record<string, unknown> }>;
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('npm run bench -- --quick (the harness, not the numbers)', () => {
  it('runs the quick subset, each step in a child, and writes results and markdown', () => {
    const { status, stderr, report, markdown } = bench(['--quick']);
    expect(status).toBe(0);
    expect(report.quick).toBe(true);
    const byId = Object.fromEntries(report.steps.map((step) => [step.id, step]));
    expect(Object.keys(byId)).toEqual([
      'bundle',
      'target-size',
      'emulator',
      'simulator',
      'fanout',
      'controller',
      'scale',
      'cost',
    ]);
    for (const id of ['bundle', 'target-size', 'simulator', 'fanout', 'scale', 'cost']) {
      expect(byId[id]?.status).toBe('ok');
    }
    for (const id of ['emulator', 'controller']) expect(byId[id]?.status).toBe('skipped');
    // Progress went to stderr, prefixed by step.
    expect(stderr).toContain('[fanout] fan-out: spread');

    const bundle = byId.bundle!.output as { bytes: number; gzipBytes: number; inputs: unknown[] };
    expect(bundle.bytes).toBeGreaterThan(bundle.gzipBytes);
    expect(bundle.inputs.length).toBeGreaterThan(0);

    // Fan-out: every contender ran each scenario, counted by the emulator, never more than asked per function.
    const fanout = byId.fanout!.output as {
      runs: Array<{ contender: string; scenario: string; wanted: number; warmUpToN: number; wallMs: number }>;
      summary: Array<{ scenario: string; rows: Array<{ contender: string; wallVsThermostat: number | null }> }>;
    };
    const runs = fanout.runs.map((run) => `${run.scenario}/${run.contender}`).sort();
    expect(runs).toEqual(
      ['spread', 'single']
        .flatMap((scenario) =>
          ['thermostat', 'serverless-plugin-warmup', 'lambda-warmer'].map((contender) => `${scenario}/${contender}`),
        )
        .sort(),
    );
    for (const run of fanout.runs) {
      expect(run.warmUpToN).toBeLessThanOrEqual(run.wanted);
      expect(run.wallMs).toBeGreaterThan(0);
    }
    // The small quick fan-out is within what every contender reaches; Thermostat proves it (its own claim agrees).
    const thermostat = fanout.runs.filter((run) => run.contender === 'thermostat');
    expect(thermostat.every((run) => run.warmUpToN === run.wanted)).toBe(true);
    for (const summary of fanout.summary) {
      expect(summary.rows.find((row) => row.contender === 'thermostat')?.wallVsThermostat).toBe(1);
    }

    const simulator = byId.simulator!.output as { comparisons: Array<{ rows: Array<{ strategy: string }> }> };
    expect(simulator.comparisons.length).toBeGreaterThan(0);
    expect(simulator.comparisons[0]!.rows.map((row) => row.strategy)).toContain('thermostat');

    for (const heading of BENCHMARK_SECTIONS) expect(markdown).toContain(`${heading}\n`);
    expect(markdown).toContain('a **quick** smoke run');
  }, 240_000);

  it('records a failing benchmark, still writes the file, and exits 1', () => {
    const { status, report, markdown } = bench(['--quick', '--only', 'simulator', '--traces', '/nonexistent/traces']);
    expect(status).toBe(1);
    const simulator = report.steps.find((step) => step.id === 'simulator')!;
    expect(simulator.status).toBe('failed');
    expect(simulator.reason).toMatch(/exit 1/);
    expect(report.steps.filter((step) => step.id !== 'simulator').every((step) => step.status === 'skipped')).toBe(
      true,
    );
    expect(markdown).toContain('Not measured in this run: **failed**: exit 1');
  }, 120_000);
});

describe('parseRunArgs and planSteps', () => {
  it('a quick run writes beside the test artifacts, never over BENCHMARKS.md', () => {
    const quick = parseRunArgs(['--quick']);
    expect(quick.out).toBe(join(ROOT, 'test-artifacts', 'BENCHMARKS.quick.md'));
    expect(parseRunArgs([]).out).toBe(join(ROOT, 'BENCHMARKS.md'));
    expect(parseRunArgs([]).traces).toBe(join(ROOT, '..', 'shared', 'traces'));
  });

  it('rejects unknown arguments and unknown steps', () => {
    expect(() => parseRunArgs(['--fast'])).toThrow(BenchUsageError);
    expect(() => parseRunArgs(['--only', 'fanout,everything'])).toThrow(/--only takes .*"everything"/);
    expect(() => parseRunArgs(['--out'])).toThrow(/--out needs a value/);
  });

  it('runs every benchmark in full mode and a subset in quick mode', () => {
    const full = planSteps(parseRunArgs([]));
    expect(full.filter((step) => step.skip === undefined).map((step) => step.id)).toEqual(
      expect.arrayContaining(['bundle', 'target-size', 'emulator', 'simulator', 'fanout', 'scale', 'cost']),
    );
    expect(full.find((step) => step.id === 'simulator')?.args).toContain('../shared/traces');
    const quick = planSteps(parseRunArgs(['--quick']));
    expect(quick.find((step) => step.id === 'emulator')?.skip).toMatch(/not part of --quick/);
    expect(quick.find((step) => step.id === 'fanout')?.args).toContain('--quick');
  });
});
