/**
 * `npm run bench`: every benchmark, each in its own child process (so one's memory and child processes never weigh
 * on the next), progress on stderr, then BENCHMARKS.md rewritten from the results.
 *
 *   npx tsx benchmarks/run.ts [--quick] [--only id,id] [--out file] [--json file] [--traces folder]
 *
 * --quick runs a small subset on small inputs (the harness test uses it). It writes
 * test-artifacts/BENCHMARKS.quick.md unless --out says otherwise, so a smoke run never replaces the real numbers.
 * The exit code is 1 when a benchmark failed; the file is written either way and says what failed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describeMachine } from './machine';
import { type BenchReport, renderBenchmarks, STEP_IDS, type StepId, type StepResult } from './markdown';

const ROOT = resolve(__dirname, '..');

export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

export interface RunOptions {
  readonly quick: boolean;
  /** Steps to run; the others are reported as skipped. @default every step of the mode */
  readonly only?: readonly StepId[];
  /** BENCHMARKS.md to write. */
  readonly out: string;
  /** Raw results as JSON. */
  readonly json: string;
  /** Folder of trace folders. @default ../shared/traces next to the repository */
  readonly traces: string;
  /** Rewrite BENCHMARKS.md from the raw results in `json` without measuring anything. */
  readonly render?: boolean;
}

/** Where `npm run bench` keeps its raw results, committed beside BENCHMARKS.md, which is rendered from them only. */
export const RESULTS_FILE = join(ROOT, 'benchmarks', 'results', 'benchmarks.json');

export function parseRunArgs(args: readonly string[]): RunOptions {
  const quick = args.includes('--quick');
  const value = (flag: string): string | undefined => {
    const index = args.indexOf(flag);
    if (index === -1) return undefined;
    const next = args[index + 1];
    if (next === undefined || next.startsWith('--')) throw new BenchUsageError(`${flag} needs a value`);
    return next;
  };
  const known = new Set(['--quick', '--only', '--out', '--json', '--traces', '--render']);
  for (const [index, arg] of args.entries()) {
    const isValue = index > 0 && ['--only', '--out', '--json', '--traces'].includes(args[index - 1]!);
    if (!isValue && !known.has(arg)) {
      throw new BenchUsageError(`unknown argument "${arg}"; use --quick, --only, --out, --json or --traces`);
    }
  }
  const onlyText = value('--only');
  const only = onlyText?.split(',').map((id) => {
    if (!(STEP_IDS as readonly string[]).includes(id)) {
      throw new BenchUsageError(`--only takes ${STEP_IDS.join(', ')}; got "${id}"`);
    }
    return id as StepId;
  });
  const artifacts = join(ROOT, 'test-artifacts');
  return {
    quick,
    ...(only ? { only } : {}),
    out: resolve(value('--out') ?? (quick ? join(artifacts, 'BENCHMARKS.quick.md') : join(ROOT, 'BENCHMARKS.md'))),
    json: resolve(value('--json') ?? (quick ? join(artifacts, 'benchmarks.quick.json') : RESULTS_FILE)),
    traces: resolve(value('--traces') ?? resolve(ROOT, '..', 'shared', 'traces')),
    ...(args.includes('--render') ? { render: true } : {}),
  };
}

interface StepPlan {
  readonly id: StepId;
  readonly title: string;
  /** Arguments after `node`, run from the repository root. */
  readonly args: readonly string[];
  readonly timeoutMs: number;
  /** Set when the step does not run in this mode. */
  readonly skip?: string;
  /** Turns the child's stdout into the step's output. @default JSON.parse */
  readonly read?: (stdout: string) => unknown;
}

const tsx = (script: string, ...args: string[]) => ['--import', 'tsx', script, ...args];

/** What the bundle step reports: the asset's size and the biggest contributors from esbuild's metafile. */
function readBundle(): unknown {
  const path = 'dist/assets/controller/index.js';
  const code = readFileSync(join(ROOT, path));
  const meta = JSON.parse(readFileSync(join(ROOT, 'dist/debug/controller/meta.json'), 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
  };
  const output = Object.entries(meta.outputs).find(([file]) => file.endsWith('index.js'))?.[1];
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    // Group by npm package (scoped or not); the repository's own files by top-level folder.
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const name = match ? match[1]! : `${input.split('/')[0]}/ (Thermostat)`;
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  const lazy = readdirSync(join(ROOT, dirname(path)))
    .filter((name) => name.endsWith('.js') && name !== basename(path))
    .map((name) => ({ path: `${dirname(path)}/${name}`, bytes: statSync(join(ROOT, dirname(path), name)).size }));
  return {
    path,
    bytes: statSync(join(ROOT, path)).size,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    lazy,
    inputs: [...byPackage.entries()].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
  };
}

export function planSteps(options: RunOptions): StepPlan[] {
  const quick = options.quick ? ['--quick'] : [];
  const notQuick = options.quick ? 'not part of --quick; run npm run bench' : undefined;
  const tracesArg = relative(ROOT, options.traces) || '.';
  const controllerScript = join(ROOT, 'benchmarks', 'controller.ts');
  const plans: StepPlan[] = [
    {
      id: 'bundle',
      title: 'Controller bundle',
      args: ['scripts/bundle.js'],
      timeoutMs: 120_000,
      read: () => readBundle(),
    },
    { id: 'target-size', title: 'Target helper size', args: tsx('benchmarks/target-size.ts'), timeoutMs: 120_000 },
    {
      id: 'emulator',
      title: 'Emulator throughput',
      args: tsx('benchmarks/emulator.ts', ...quick),
      timeoutMs: 300_000,
      ...(notQuick ? { skip: notQuick } : {}),
    },
    {
      id: 'simulator',
      title: 'Simulator strategies on every trace',
      args: tsx('benchmarks/simulator.ts', tracesArg, ...quick),
      // every comparison is the mean of five seeds: the one-day trace alone takes minutes on two cores
      timeoutMs: 900_000,
    },
    { id: 'fanout', title: 'Fan-out on the emulator', args: tsx('benchmarks/fanout.ts', ...quick), timeoutMs: 420_000 },
    {
      id: 'controller',
      title: 'Controller ticks and init',
      args: tsx('benchmarks/controller.ts', ...quick),
      // Ticks of 100 and 1,000 targets, the sharded run and 14 cold starts beside serverless-plugin-warmup's warmer.
      timeoutMs: 480_000,
      ...(!existsSync(controllerScript)
        ? { skip: 'benchmarks/controller.ts does not exist yet' }
        : notQuick
          ? { skip: notQuick }
          : {}),
    },
    {
      id: 'scale',
      title: 'Account scale under the control-plane quota',
      args: tsx('benchmarks/scale.ts', ...quick),
      timeoutMs: 300_000,
    },
    {
      id: 'cost',
      title: "Thermostat's own monthly bill",
      args: tsx('benchmarks/cost.ts', ...quick),
      timeoutMs: 420_000,
    },
  ];
  return plans.map((plan) =>
    options.only && !options.only.includes(plan.id) ? { ...plan, skip: 'not selected (--only)' } : plan,
  );
}

const running = new Set<ChildProcess>();

/** Kills a child and everything it started (the emulator's environments), which share its process group. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

function runStep(plan: StepPlan, log: (line: string) => void): Promise<StepResult> {
  const command = `node ${plan.args.join(' ')}`;
  const base = { id: plan.id, title: plan.title, command };
  if (plan.skip) return Promise.resolve({ ...base, status: 'skipped', reason: plan.skip });
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, plan.args, {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    running.add(child);
    const stdout: Buffer[] = [];
    const tail: string[] = [];
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        log(`[${plan.id}] ${line}`);
        tail.push(line);
        if (tail.length > 20) tail.shift();
      }
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, plan.timeoutMs);
    const finish = (result: StepResult) => {
      clearTimeout(timer);
      running.delete(child);
      done(result);
    };
    child.once('error', (error) => finish({ ...base, status: 'failed', reason: error.message }));
    child.once('close', (code, signal) => {
      const wallMs = Math.round(performance.now() - started);
      if (pending) tail.push(pending);
      if (timedOut) {
        finish({ ...base, status: 'failed', wallMs, reason: `timed out after ${plan.timeoutMs / 1000} s` });
        return;
      }
      if (code !== 0) {
        const last = tail.filter((line) => line.trim() !== '').slice(-3);
        finish({
          ...base,
          status: 'failed',
          wallMs,
          reason: `exit ${code ?? signal}${last.length > 0 ? `: ${last.join(' / ')}` : ''}`,
        });
        return;
      }
      try {
        const text = Buffer.concat(stdout).toString('utf8');
        const output = plan.read ? plan.read(text) : JSON.parse(text);
        finish({ ...base, status: 'ok', wallMs, output });
      } catch (error) {
        finish({ ...base, status: 'failed', wallMs, reason: `unreadable output: ${(error as Error).message}` });
      }
    });
  });
}

/** The whole run: each step in turn, then BENCHMARKS.md and the raw JSON. */
export async function runBenchmarks(
  options: RunOptions,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<BenchReport> {
  const started = performance.now();
  const machine = describeMachine();
  const steps: StepResult[] = [];
  for (const plan of planSteps(options)) {
    if (!plan.skip) log(`bench: ${plan.title} (node ${plan.args.join(' ')})`);
    const result = await runStep(plan, log);
    if (!plan.skip) {
      log(
        `bench: ${plan.title}: ${result.status}${result.wallMs !== undefined ? ` in ${(result.wallMs / 1000).toFixed(1)} s` : ''}${result.reason ? ` (${result.reason})` : ''}`,
      );
    }
    steps.push(result);
  }
  const flags = [...(options.quick ? ['--quick'] : []), ...(options.only ? ['--only', options.only.join(',')] : [])];
  const report: BenchReport = {
    quick: options.quick,
    command: flags.length === 0 ? 'npm run bench' : `npm run bench -- ${flags.join(' ')}`,
    startedAt: machine.at,
    wallMs: Math.round(performance.now() - started),
    machine,
    machineAtEnd: describeMachine(),
    tracesFolder: relative(ROOT, options.traces),
    steps,
  };
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, renderBenchmarks(report));
  mkdirSync(dirname(options.json), { recursive: true });
  writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
  log(
    `bench: wrote ${relative(process.cwd(), options.out)} and ${relative(process.cwd(), options.json)} after ${(report.wallMs / 1000).toFixed(0)} s`,
  );
  return report;
}

if (require.main === module) {
  const stop = (signal: NodeJS.Signals) => {
    for (const child of running) killGroup(child);
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let options: RunOptions;
  try {
    options = parseRunArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  if (options.render) {
    const report = JSON.parse(readFileSync(options.json, 'utf8')) as BenchReport;
    writeFileSync(options.out, renderBenchmarks(report));
    process.stderr.write(
      `bench: rendered ${relative(process.cwd(), options.out)} from ${relative(process.cwd(), options.json)}\n`,
    );
    process.exit(0);
  }
  runBenchmarks(options).then(
    (report) => {
      if (report.steps.some((step) => step.status === 'failed')) process.exitCode = 1;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
