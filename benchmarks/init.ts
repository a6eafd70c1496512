/**
 * Cold start, like with like: the Thermostat controller asset and serverless-plugin-warmup's generated warmer, both as
 * on-demand `process` functions of one emulator, each cold-started the same number of times (alternating which goes
 * first), both warming the same helper-wrapped targets once. Per cold start it records what the emulator measured:
 * init (loading the handler module) and the first invocation's duration (Thermostat's first tick: state claim,
 * account settings, target configurations, pings, state save; the plugin's pings), and their sum, which is what a
 * cold start costs whatever a warmer chose to do at init and what it left for its first call.
 *
 * Used by benchmarks/controller.ts; prints nothing itself.
 */
import { cpSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { buildSync } from 'esbuild';
import { ThermostatDefaults } from '../construct/thermostat';
import { PING_CPU_MS } from '../controller/contract';
import type { FunctionSpecInput, startEmulator } from '../emulator';
import { WARMER_MEMORY_MB } from '../simulator/strategies/serverless-plugin-warmup';
import { generatePluginWarmer } from './fanout';
import { bundleWarmTarget, createEmulatorStateTable } from './local-setup';

const ROOT = join(__dirname, '..');
const CONTROLLER_ASSET = join(ROOT, 'dist', 'assets', 'controller');

/** When the second invocation comes: the policies' ping interval (the built-in 5 minutes), so its pings are due. */
const WARM_REPEAT_AFTER_MS = 5 * 60_000;
/**
 * Invocations of each environment measured warm after its first: an hour of five-minute ticks. Code that has run a
 * few times is compiled and its caches are full, so the second invocation alone would overstate what a warmer's
 * environment costs over its life; their mean is what the simulator bills (simulator/model/options.ts).
 */
export const WARM_INVOCATIONS = 11;
/** The twin of a warmer function: the same code and settings, started cold again after the first two invocations. */
const TWIN_SUFFIX = '-again';

/** Round sizes the benchmark also measures each warmer at: its CPU time with one target, and per further ping. */
export const INIT_SIZES = [1, 50] as const;

export const INIT_CONTENDERS = ['thermostat', 'serverless-plugin-warmup'] as const;
export type InitContender = (typeof INIT_CONTENDERS)[number];

/** Each one's own default memory size (the emulator does not scale CPU by it; Lambda would, alike for both). */
export const MEMORY_MB: Record<InitContender, number> = {
  thermostat: ThermostatDefaults.memorySize,
  'serverless-plugin-warmup': WARMER_MEMORY_MB,
};

/** CPU time of a warmer's process, per phase measured: loading it, its first, warm and cold-again invocations. */
export interface InitCpu {
  readonly initMs: number | undefined;
  readonly firstMs: number | undefined;
  readonly warmMs: number | undefined;
  /** Mean of the environment's warm invocations (the second and the WARM_INVOCATIONS − 1 after it). */
  readonly warmMeanMs?: number | undefined;
  readonly coldAgainMs: number | undefined;
}

export interface InitSample {
  readonly contender: InitContender;
  readonly sample: number;
  /** The emulator's init duration: loading the handler module (Lambda's "Init Duration"). */
  readonly initMs: number | undefined;
  /** The first invocation's duration (Lambda's "Duration" of the cold call). */
  readonly firstInvocationMs: number | undefined;
  readonly initPlusFirstMs: number | undefined;
  /**
   * The next invocation's duration, warm, doing the same work (Thermostat: five minutes later, when the same pings
   * are due again): what the first invocation costs beyond it is the price of starting cold past INIT.
   */
  readonly warmInvocationMs?: number | undefined;
  /**
   * Five minutes after that, the same invocation starting cold in a new environment, with the state the first two
   * left (Thermostat's state table): what every tick after a pause past the idle reclaim is. Beyond the warm one, it
   * is what starting cold costs past INIT.
   */
  readonly coldAgainMs?: number | undefined;
  /** CPU time its process spent (the emulator's process environments measure it): computing, not waiting. */
  readonly cpu?: InitCpu;
  /** What its warm invocations wrote to CloudWatch Logs (InitLogs). */
  readonly logs?: InitLogs;
  readonly error?: string;
}

/**
 * Log bytes its warm invocations wrote, as CloudWatch Logs ingests them (each line's UTF-8 bytes and its newline;
 * the platform's START, END and REPORT lines included): the warmer's own, and its targets' per ping they answered.
 */
export interface InitLogs {
  /** The warmer function's, per warm invocation (the mean over its environment's warm invocations). */
  readonly warmMeanBytes: number | undefined;
  /** The targets', per invocation of a target during them (one per ping). */
  readonly perPingBytes: number | undefined;
}

export interface InitRow {
  readonly contender: InitContender;
  readonly samples: number;
  readonly codeBytes: number;
  readonly initMsMedian: number | undefined;
  readonly firstInvocationMsMedian: number | undefined;
  readonly initPlusFirstMsMedian: number | undefined;
  readonly warmInvocationMsMedian?: number | undefined;
  readonly coldAgainMsMedian?: number | undefined;
  /** Medians of InitSample.cpu. */
  readonly cpuMedian?: InitCpu;
}

export interface InitComparison {
  readonly samples: number;
  readonly targets: number;
  readonly rows: readonly InitRow[];
  readonly runs: readonly InitSample[];
  readonly notes: readonly string[];
}

export interface InitComparisonOptions {
  /** Cold starts per contender. @default 7 */
  readonly samples?: number;
  /** Targets both warm once each (concurrency 1). @default 10 */
  readonly targets?: number;
  readonly onProgress?: (message: string) => void;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return Math.round(value * 10) / 10;
}

/** Medians per contender over the samples that succeeded. */
export function summariseInit(runs: readonly InitSample[], codeBytes: Record<InitContender, number>): InitRow[] {
  return INIT_CONTENDERS.map((contender) => {
    const mine = runs.filter((run) => run.contender === contender && run.error === undefined);
    const pick = (field: 'initMs' | 'firstInvocationMs' | 'initPlusFirstMs' | 'warmInvocationMs' | 'coldAgainMs') =>
      median(mine.map((run) => run[field]).filter((v): v is number => typeof v === 'number'));
    const pickCpu = (field: keyof InitCpu) =>
      median(mine.map((run) => run.cpu?.[field]).filter((v): v is number => typeof v === 'number'));
    return {
      contender,
      samples: mine.length,
      codeBytes: codeBytes[contender],
      initMsMedian: pick('initMs'),
      firstInvocationMsMedian: pick('firstInvocationMs'),
      initPlusFirstMsMedian: pick('initPlusFirstMs'),
      warmInvocationMsMedian: pick('warmInvocationMs'),
      coldAgainMsMedian: pick('coldAgainMs'),
      // Emulators that measure no CPU time (light environments only) leave it out.
      ...(mine.some((run) => run.cpu !== undefined)
        ? {
            cpuMedian: {
              initMs: pickCpu('initMs'),
              firstMs: pickCpu('firstMs'),
              warmMs: pickCpu('warmMs'),
              warmMeanMs: pickCpu('warmMeanMs'),
              coldAgainMs: pickCpu('coldAgainMs'),
            },
          }
        : {}),
    };
  });
}

/**
 * The emulator compiled to JavaScript, as the published package runs it. Run from its TypeScript sources, every
 * environment process would load tsx's require hook, which transforms each module it loads — a cost no Lambda
 * runtime has, and one that grows with the number of modules a handler loads (the SDK's, mostly).
 */
export function compiledEmulator(dir: string): typeof startEmulator {
  const out = join(dir, 'emulator');
  const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external' } as const;
  // backend.ts finds the runtime entries at ../runtime/<name>.js from the module that holds it.
  buildSync({ ...common, entryPoints: [join(ROOT, 'emulator', 'index.ts')], outfile: join(out, 'lib', 'index.js') });
  for (const name of ['process-main', 'light-main']) {
    buildSync({
      ...common,
      entryPoints: [join(ROOT, 'emulator', 'runtime', `${name}.ts`)],
      outfile: join(out, 'runtime', `${name}.js`),
    });
  }
  return (require(join(out, 'lib', 'index.js')) as typeof import('../emulator')).startEmulator;
}

const functionName = (contender: InitContender, sample: number) =>
  `${contender === 'thermostat' ? 'thermostat-controller' : 'warmup-plugin'}-${sample}`;

export async function initComparison(options: InitComparisonOptions = {}): Promise<InitComparison> {
  const samples = options.samples ?? 7;
  const targetCount = options.targets ?? 10;
  const progress = options.onProgress ?? (() => {});
  // Inside the repository, so the plugin's generated ES module resolves @aws-sdk/client-lambda from node_modules.
  const dir = join(ROOT, 'test-artifacts', `bench-init-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    const names = Array.from({ length: targetCount }, (_, i) => `fn-${String(i).padStart(3, '0')}`);
    const warmTarget = bundleWarmTarget(dir);
    const pluginHandler = await generatePluginWarmer(join(dir, 'serverless-plugin-warmup'), names, 1);
    // A private copy: a rebuild by someone else mid-run cannot change what is measured.
    const controllerBundle = join(dir, 'controller', 'index.js');
    cpSync(CONTROLLER_ASSET, join(dir, 'controller'), { recursive: true });
    const policyFile = join(dir, 'policies.json');
    writeFileSync(
      policyFile,
      JSON.stringify({ policies: names.map((name) => ({ function: name, warm: { concurrency: 1 } })) }),
    );
    const warmers: FunctionSpecInput[] = [];
    // Each warmer twice: its twin has the same code and settings (Thermostat's the same state table), so its first
    // invocation is the same function starting cold again later, with whatever state the first left.
    for (const twin of ['', TWIN_SUFFIX])
      for (let sample = 1; sample <= samples; sample++) {
        warmers.push(
          {
            name: functionName('thermostat', sample) + twin,
            handler: controllerBundle,
            environment: 'process',
            memoryMb: MEMORY_MB.thermostat,
            timeoutMs: 50_000,
            env: {
              THERMOSTAT_TABLE: `init-bench-${sample}`,
              THERMOSTAT_POLICY_FILE: policyFile,
              // No X-Ray daemon here (and the plugin's warmer is generated without tracing).
              POWERTOOLS_TRACE_ENABLED: 'false',
            },
          },
          {
            name: functionName('serverless-plugin-warmup', sample) + twin,
            handler: pluginHandler,
            export: 'warmUp',
            environment: 'process',
            memoryMb: MEMORY_MB['serverless-plugin-warmup'],
            timeoutMs: 50_000,
          },
        );
      }
    const logged = new Map<string, { bytes: number; reports: number }>();
    // A copy: what a function had logged so far, unchanged by lines that come later.
    const tally = (functionName: string) => ({ bytes: 0, reports: 0, ...logged.get(functionName) });
    const emulator = await compiledEmulator(dir)({
      // Every line, as CloudWatch Logs would ingest it (the emulator's own log store keeps only the latest).
      onLog: (line) => {
        const entry = tally(line.functionName);
        entry.bytes += Buffer.byteLength(line.text) + 1;
        if (line.text.startsWith('REPORT ')) entry.reports += 1;
        logged.set(line.functionName, entry);
      },
      environment: 'light',
      dynamodb: true,
      // No blank process is forked beside a cold start, so nothing else competes for the CPU while one initialises.
      prewarmProcesses: 0,
      baseDir: dir,
      functions: [...names.map((name) => ({ name, handler: warmTarget, timeoutMs: 10_000 })), ...warmers],
    });
    const lambda = new LambdaClient({ ...emulator.clientConfig(), maxAttempts: 1 });
    const runs: InitSample[] = [];
    try {
      for (let sample = 1; sample <= samples; sample++)
        await createEmulatorStateTable(emulator, `init-bench-${sample}`);
      const targetsLogged = () =>
        names.map(tally).reduce((sum, one) => ({ bytes: sum.bytes + one.bytes, reports: sum.reports + one.reports }));
      // Both find the targets warm (one environment each), so neither pays for the other's target cold starts.
      await Promise.all(names.map((name) => lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{}' }))));
      await emulator.settle();
      for (let sample = 1; sample <= samples; sample++) {
        const order = sample % 2 === 1 ? INIT_CONTENDERS : [...INIT_CONTENDERS].reverse();
        for (const contender of order) {
          const name = functionName(contender, sample);
          // Ticks five minutes apart, the last one now: the controller refuses ticks from the future (clock skew).
          const startedAt = Date.now() - (WARM_INVOCATIONS + 1) * WARM_REPEAT_AFTER_MS;
          let error: string | undefined;
          const cpuOf = (functionName: string) => emulator.environments(functionName)[0]?.lastInvocationCpuMs;
          const cpu: { -readonly [phase in keyof InitCpu]?: number } = {};
          const invoke = async (at: number, functionName = name) => {
            const event = { 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date(at).toISOString() };
            try {
              const out = await lambda.send(
                new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(event)) }),
              );
              if (out.FunctionError) {
                error ??= `${out.FunctionError}: ${Buffer.from(out.Payload ?? new Uint8Array())
                  .toString('utf8')
                  .slice(0, 200)}`;
              }
            } catch (caught) {
              error ??= (caught as Error).message;
            }
            await emulator.settle();
          };
          await invoke(startedAt);
          cpu.initMs = emulator.environments(name)[0]?.initCpuMs;
          cpu.firstMs = cpuOf(name);
          const before = { own: tally(name), targets: targetsLogged() };
          // Five minutes on, the controller's pings are due again (the policies' interval): the same work, warm.
          await invoke(startedAt + WARM_REPEAT_AFTER_MS);
          cpu.warmMs = cpuOf(name);
          const warm = [cpu.warmMs];
          for (let i = 2; i <= WARM_INVOCATIONS; i++) {
            await invoke(startedAt + i * WARM_REPEAT_AFTER_MS);
            warm.push(cpuOf(name));
          }
          const after = { own: tally(name), targets: targetsLogged() };
          const known = numbers(warm);
          cpu.warmMeanMs = known.length === warm.length ? known.reduce((a, b) => a + b, 0) / known.length : undefined;
          // Five minutes after the last, in a new environment: a tick that starts cold with the state the others left.
          await invoke(startedAt + (WARM_INVOCATIONS + 1) * WARM_REPEAT_AFTER_MS, name + TWIN_SUFFIX);
          cpu.coldAgainMs = cpuOf(name + TWIN_SUFFIX);
          const initMs = emulator.environments(name)[0]?.initDurationMs;
          const durations = (functionName: string) =>
            emulator
              .logs({ functionName, limit: 5_000 })
              .map((line) => /^REPORT .*\tDuration: ([\d.]+) ms/.exec(line.text)?.[1])
              .filter((value): value is string => value !== undefined)
              .map(Number);
          const [firstInvocationMs, warmInvocationMs] = durations(name);
          const [coldAgainMs] = durations(name + TWIN_SUFFIX);
          const run: InitSample = {
            contender,
            sample,
            initMs: round(initMs),
            firstInvocationMs: round(firstInvocationMs),
            initPlusFirstMs:
              initMs !== undefined && firstInvocationMs !== undefined ? round(initMs + firstInvocationMs) : undefined,
            warmInvocationMs: round(warmInvocationMs),
            coldAgainMs: round(coldAgainMs),
            logs: {
              warmMeanBytes: round((after.own.bytes - before.own.bytes) / WARM_INVOCATIONS),
              perPingBytes: round(
                (after.targets.bytes - before.targets.bytes) / (after.targets.reports - before.targets.reports),
              ),
            },
            cpu: {
              initMs: round(cpu.initMs),
              firstMs: round(cpu.firstMs),
              warmMs: round(cpu.warmMs),
              warmMeanMs: round(cpu.warmMeanMs),
              coldAgainMs: round(cpu.coldAgainMs),
            },
            ...(error ? { error } : {}),
          };
          progress(
            `init ${contender} #${sample}: init ${run.initMs} ms, first invocation ${run.firstInvocationMs} ms, warm ${run.warmInvocationMs} ms, cold again ${run.coldAgainMs} ms${error ? ` (${error})` : ''}`,
          );
          runs.push(run);
        }
      }
    } finally {
      lambda.destroy();
      await emulator.stop();
    }
    const codeBytes = {
      thermostat: statSync(controllerBundle).size,
      'serverless-plugin-warmup': statSync(pluginHandler).size,
    };
    return {
      samples,
      targets: targetCount,
      rows: summariseInit(runs, codeBytes),
      runs,
      notes: [
        `One emulator; ${samples} on-demand cold starts each, alternating which of the two goes first; medians.`,
        `Both warm the same ${targetCount} target-helper-wrapped functions once each (already warm, one environment each), with their default memory size (Thermostat ${MEMORY_MB.thermostat} MB, serverless-plugin-warmup ${MEMORY_MB['serverless-plugin-warmup']} MB; the emulator gives both the same CPU).`,
        "Init is the emulator's measure of loading the handler module (Lambda's Init Duration); the first invocation is the cold call's Duration. Their sum is what a cold start costs, whatever was left from init to the first call.",
        `The warm invocation is the next one in the same environment, doing the same work (the same pings, due again five minutes on). ${WARM_INVOCATIONS - 1} more follow, five minutes apart; five minutes after the last, the same function starts cold in a new environment, its state what they left (a tick after a pause past the idle reclaim): beyond the warm one, that is what starting cold costs past INIT (the SDK loading its request pipeline, first connections, first reads), paid by every invocation that finds no warm environment. The very first invocation costs more still (Thermostat has no state yet and holds its first round for cold starts it cannot rule out).`,
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(value: number | undefined): number | undefined {
  return value === undefined || !Number.isFinite(value) ? undefined : Math.round(value * 10) / 10;
}

/** The part of a comparison the CPU and log models read (its JSON as committed). */
export interface CpuRuns {
  readonly targets: number;
  readonly runs: readonly (Pick<InitSample, 'contender' | 'sample' | 'error'> & {
    readonly cpu?: Partial<Pick<InitCpu, 'warmMeanMs' | 'coldAgainMs'>>;
    readonly logs?: Partial<InitLogs>;
  })[];
}

type Run = CpuRuns['runs'][number];

/** A comparison's runs of `contender` that did not fail. */
function okRuns(comparison: CpuRuns | undefined, contender: InitContender): readonly Run[] {
  return (comparison?.runs ?? []).filter((run) => run.contender === contender && run.error === undefined);
}

/** Per cold start measured, the CPU times the simulator bills (simulator/model/options.ts), by contender. */
export interface MeasuredCpu {
  /** A warm invocation with one target (the mean over its environment's warm invocations). */
  readonly invocationMs: readonly number[];
  /** Each further target: the warm mean at the most targets beyond one target's, per extra target. */
  readonly perTargetMs: readonly number[];
  /** A cold-again invocation beyond the warm mean, at every size measured. */
  readonly firstCallMs: readonly number[];
}

/** Per environment measured, the log bytes the simulator bills (simulator/model/options.ts), by contender. */
export interface MeasuredLogs {
  /** A warm invocation's own lines beyond its targets' (its bytes with one target, less one target's). */
  readonly invocationBytes: readonly number[];
  /** Each further target's lines (paired as for CPU time). */
  readonly perTargetBytes: readonly number[];
  /** What each ping wrote in its target's log group, at every size measured. */
  readonly perPingBytes: readonly number[];
}

/**
 * A quantity measured at several sizes, per contender: at one target, and per further target, from samples with the
 * same number at the smallest and the largest size (they ran in one emulator, one after the other).
 */
function bySize(
  comparisons: readonly CpuRuns[],
  contender: InitContender,
  pick: (run: Run) => number | undefined,
): { readonly atOne: number[]; readonly perTarget: number[] } {
  const sizes = [...comparisons].sort((a, b) => a.targets - b.targets);
  const smallest = sizes[0];
  const largest = sizes[sizes.length - 1];
  const ok = (comparison: CpuRuns | undefined) => okRuns(comparison, contender);
  const atOne = smallest?.targets === 1 ? numbers(ok(smallest).map(pick)) : [];
  const perTarget: number[] = [];
  if (smallest !== undefined && largest !== undefined && largest.targets > smallest.targets) {
    for (const run of ok(largest)) {
      const pair = ok(smallest).find((other) => other.sample === run.sample);
      const big = pick(run);
      const small = pair && pick(pair);
      if (typeof big === 'number' && typeof small === 'number') {
        perTarget.push(round((big - small) / (largest.targets - smallest.targets))!);
      }
    }
  }
  return { atOne, perTarget };
}

/** What the comparisons at several sizes measured of CPU time, per contender. */
export function measuredCpu(comparisons: readonly CpuRuns[]): Record<InitContender, MeasuredCpu> {
  const out = {} as Record<InitContender, MeasuredCpu>;
  for (const contender of INIT_CONTENDERS) {
    const { atOne, perTarget } = bySize(comparisons, contender, (run) => run.cpu?.warmMeanMs);
    const firstCallMs = numbers(
      comparisons.flatMap((comparison) =>
        okRuns(comparison, contender).map((run) =>
          typeof run.cpu?.coldAgainMs === 'number' && typeof run.cpu.warmMeanMs === 'number'
            ? round(run.cpu.coldAgainMs - run.cpu.warmMeanMs)
            : undefined,
        ),
      ),
    );
    out[contender] = { invocationMs: atOne, perTargetMs: perTarget, firstCallMs };
  }
  return out;
}

/** What the comparisons at several sizes measured of log bytes, per contender. */
export function measuredLogs(comparisons: readonly CpuRuns[]): Record<InitContender, MeasuredLogs> {
  const out = {} as Record<InitContender, MeasuredLogs>;
  for (const contender of INIT_CONTENDERS) {
    const { atOne, perTarget } = bySize(comparisons, contender, (run) => run.logs?.warmMeanBytes);
    const slope = perTarget.length > 0 ? median(perTarget) : undefined;
    const perPingBytes = numbers(
      comparisons.flatMap((comparison) => okRuns(comparison, contender).map((run) => run.logs?.perPingBytes)),
    );
    out[contender] = {
      invocationBytes: slope === undefined ? [] : atOne.map((bytes) => round(bytes - slope)!),
      perTargetBytes: perTarget,
      perPingBytes,
    };
  }
  return out;
}

/**
 * The factor that puts this machine's CPU times in the simulator's scale, where one Invoke sent by a client doing
 * nothing else (the plugin's warmer's time per further target, median) takes PING_CPU_MS. The bench machine's speed
 * changes from run to run and machine to machine, and Lambda's vCPU is none of them: the simulator keeps the one
 * scale its constants were first measured in, and every later run is compared in it. 1 when nothing was measured.
 */
export function cpuScale(measured: Record<InitContender, MeasuredCpu>): number {
  const yardstick = median(measured['serverless-plugin-warmup'].perTargetMs);
  return yardstick !== undefined && yardstick > 0 ? PING_CPU_MS / yardstick : 1;
}

/** `measured` with every time multiplied by `scale` (cpuScale). */
export function inScale(
  measured: Record<InitContender, MeasuredCpu>,
  scale: number,
): Record<InitContender, MeasuredCpu> {
  const times = (values: readonly number[]) => values.map((value) => value * scale);
  const out = {} as Record<InitContender, MeasuredCpu>;
  for (const contender of INIT_CONTENDERS) {
    const { invocationMs, perTargetMs, firstCallMs } = measured[contender];
    out[contender] = {
      invocationMs: times(invocationMs),
      perTargetMs: times(perTargetMs),
      firstCallMs: times(firstCallMs),
    };
  }
  return out;
}

function numbers(values: readonly (number | undefined)[]): number[] {
  return values.filter((value): value is number => typeof value === 'number');
}
