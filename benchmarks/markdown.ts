/**
 * Renders BENCHMARKS.md from one `npm run bench` run. Each benchmark's JSON is read through a loose schema of the
 * fields shown here, so a benchmark that gains fields still renders, and one whose output changed shape says so in
 * its section instead of breaking the whole file.
 */
import { z } from 'zod';
import { dispatchMsPerPingAt } from '../controller/contract';
import { LOG_INGESTION_PER_GB } from '../controller/cost';
import { DEFAULT_WARM_CONFIG } from '../controller/ping/warm';
import { BUILTIN_DEFAULTS } from '../controller/policy';
import { DOMINANCE_OVERHEAD_SHARE, dominates, gridPointName, pluginDefaultOf } from '../simulator/grid';
import {
  BILLED_CPU_MS,
  BILLED_LOG_BYTES,
  CPU_REFERENCE_MB,
  handlerCpuMs,
  ONE_VCPU_MB,
  PING_CPU_MS,
  PING_LOG_BYTES,
} from '../simulator/model/options';
import { overheadItems } from '../simulator/overhead';
import { forecastLine } from '../simulator/report/forecast';
import { createStrategy, isStrategyId } from '../simulator/strategies';
import { WARMER_MEMORY_MB } from '../simulator/strategies/serverless-plugin-warmup';
import { CONTROLLER_MEMORY_MB } from '../simulator/strategies/thermostat';
import { costSection } from './cost-markdown';
import { int, kib, mb, ms, parseStep, percent, ratio, table, usd } from './format';
import { cpuScale, type InitContender, inScale, MEMORY_MB, measuredCpu, measuredLogs, WARM_INVOCATIONS } from './init';
import { loadPerCore, type Machine } from './machine';
import { scaleSection } from './scale-markdown';

export const STEP_IDS = [
  'bundle',
  'target-size',
  'emulator',
  'simulator',
  'fanout',
  'controller',
  'scale',
  'cost',
] as const;
export type StepId = (typeof STEP_IDS)[number];

export interface StepResult {
  readonly id: StepId;
  readonly title: string;
  /** The exact command, run from the repository root. */
  readonly command: string;
  readonly status: 'ok' | 'failed' | 'skipped';
  readonly wallMs?: number;
  /** The benchmark's JSON output. */
  readonly output?: unknown;
  /** Why it failed or was skipped. */
  readonly reason?: string;
}

export interface BenchReport {
  readonly quick: boolean;
  /** How the whole run was started. */
  readonly command: string;
  readonly startedAt: string;
  readonly wallMs: number;
  readonly machine: Machine;
  readonly machineAtEnd: Machine;
  /** Traces folder, relative to the repository root. */
  readonly tracesFolder: string;
  readonly steps: readonly StepResult[];
}

// ---------------------------------------------------------------------------------------------------------------
// The fields each benchmark's output is read for.

const num = z.number().nullable().optional();

const bundleSchema = z.looseObject({
  path: z.string(),
  bytes: z.number(),
  gzipBytes: z.number(),
  inputs: z.array(z.looseObject({ name: z.string(), bytes: z.number() })),
  /** Other files of the asset, which the bundle loads only on some paths (the tracer). */
  lazy: z.array(z.looseObject({ path: z.string(), bytes: z.number() })).optional(),
});

const targetSizeSchema = z.looseObject({
  tool: z.string(),
  sizes: z.array(
    z.looseObject({
      variant: z.string(),
      bytes: z.number(),
      gzipBytes: z.number(),
      addedBytes: z.number(),
      addedGzipBytes: z.number(),
    }),
  ),
});

const emulatorSchema = z.looseObject({
  runtime: z.string().optional(),
  warmThroughput: z.array(
    z.looseObject({
      kind: z.string(),
      concurrency: z.number(),
      invocations: z.number(),
      errors: z.number(),
      invokesPerSecond: z.number(),
      p50Ms: num,
      p99Ms: num,
    }),
  ),
  coldStart: z.array(
    z.looseObject({
      kind: z.string(),
      prewarmProcesses: num,
      samples: z.number(),
      firstCallP50Ms: num,
      coldStartP50Ms: num,
      spawnP50Ms: num,
      initDurationP50Ms: num,
    }),
  ),
  fanOut: z.array(
    z.looseObject({
      kind: z.string(),
      handler: z.string(),
      requested: z.number(),
      ok: z.number(),
      errors: z.number(),
      distinctEnvironments: z.number(),
      maxInFlight: num,
      wallMs: num,
      memory: z.looseObject({ perEnvironmentMb: num, hostRssPeakMb: num, environmentsRssPeakMb: num }),
    }),
  ),
});

const citationSchema = z.looseObject({
  dataset: z.string(),
  paper: z.string(),
  description: z.string().optional(),
  licence: z.string().optional(),
});

const gridSchema = z.looseObject({
  trace: z.string(),
  functions: z.number(),
  invocations: z.number(),
  policyText: z.string(),
  /** Seeds each point was replayed with; its numbers are their means (absent: one run, seed 1). */
  seeds: z.array(z.number()).optional(),
  wallMs: z.number(),
  rows: z.array(
    z.looseObject({
      strategy: z.string(),
      setting: z.string(),
      coldShare: z.number(),
      coldShareP75: z.number(),
      overheadUsd: z.number(),
      pings: z.number(),
      coldStartsPerSeed: z.array(z.number()).optional(),
      cost: z.record(z.string(), z.number()).optional(),
      forecast: z.object({ requests: z.number(), coldExpected: z.number(), coldActual: z.number() }).optional(),
    }),
  ),
  verdict: z.looseObject({
    dominatedBy: z.array(z.string()),
    warmerThanPluginDefault: z.boolean(),
    cheaperThanPluginDefault: z.boolean(),
  }),
});

const oneFunctionSchema = gridSchema.extend({
  parent: z.string(),
  function: z.string(),
  trigger: z.string().nullable(),
});

const halfSchema = gridSchema.extend({
  parent: z.string(),
  half: z.enum(['first', 'second']),
});

const simulatorSchema = z.looseObject({
  grids: z.array(gridSchema).optional(),
  /** Each multi-function trace's functions split in two accounts, each on the whole grid (halfAccounts). */
  halves: z.array(halfSchema).optional(),
  /** One function of a multi-function trace alone, on the whole grid (benchmarks/simulator.ts oneFunctionAccounts). */
  oneFunction: z.array(oneFunctionSchema).optional(),
  comparisons: z.array(
    z.looseObject({
      trace: z.string(),
      format: z.string(),
      functions: z.number(),
      invocations: z.number(),
      arrivalRule: z.string().optional(),
      citation: citationSchema.optional(),
      policies: z.string(),
      policyText: z.string(),
      /** Seeds each row was replayed with; its numbers are their means (absent: one run, seed 1). */
      seeds: z.array(z.number()).optional(),
      wallMs: z.number(),
      rows: z.array(
        z.looseObject({
          strategy: z.string(),
          coldShare: z.number(),
          coldShareP75: z.number(),
          throttleShare: num,
          addedLatencyMs: z.looseObject({ p50: num, p99: num, mean: num }).optional(),
          costUsd: z.number(),
          /** Cost minus no warming's on the same trace (absent in runs from before it was recorded). */
          overheadUsd: z.number().optional(),
          pings: z.looseObject({ sent: num }).optional(),
          thermostatVs: z.looseObject({ coldShare: num, cost: num.optional(), overhead: num.optional() }).optional(),
        }),
      ),
    }),
  ),
  throughput: z
    .looseObject({
      trace: z.string(),
      oneStrategy: z.looseObject({
        strategies: z.array(z.string()),
        invocations: z.number(),
        wallMs: z.number(),
        simulatedInvocationsPerSecond: z.number(),
      }),
      allStrategies: z
        .looseObject({ strategies: z.number(), wallMs: z.number(), simulatedInvocationsPerSecond: z.number() })
        .optional(),
    })
    .optional(),
});

const fanoutRunSchema = z.looseObject({
  contender: z.string(),
  scenario: z.string(),
  repetition: z.number(),
  functions: z.number(),
  perFunction: z.number(),
  wanted: z.number(),
  wallMs: z.number(),
  returnedMs: z.number(),
  warmEnvironments: z.number(),
  warmUpToN: z.number(),
  environmentsCreated: z.number(),
  functionsReachedN: z.number(),
  reachedShare: z.number(),
  perFunctionWarm: z.looseObject({ min: z.number(), median: z.number(), max: z.number() }),
  attempted: z.number(),
  invocations: z.number(),
  throttles: z.number(),
  functionErrors: z.number(),
  warmerErrors: z.number(),
  errors: z.number(),
  errorMessages: z.array(z.string()),
  firstEnvironmentAfterMs: num,
  lastEnvironmentAfterMs: num,
  peakInFlight: z.number(),
  claims: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  warmer: z
    .looseObject({
      function: z.string(),
      initMs: num,
      coldStartMs: num,
      rssMb: num,
      peakRssMb: num,
      codeBytes: z.number(),
    })
    .optional(),
});

const fanoutSchema = z.looseObject({
  versions: z.record(z.string(), z.string()),
  emulator: z.looseObject({ accountConcurrency: z.number(), targetTimeoutMs: z.number(), warmerTimeoutMs: z.number() }),
  runs: z.array(fanoutRunSchema),
  summary: z.array(
    z.looseObject({
      scenario: z.string(),
      functions: z.number(),
      perFunction: z.number(),
      wanted: z.number(),
      repetitions: z.number(),
      rows: z.array(
        z.looseObject({
          contender: z.string(),
          wallMsMedian: z.number(),
          warmUpToN: z.number(),
          reachedShare: z.number(),
          attempted: z.number(),
          invocations: z.number(),
          errors: z.number(),
          wallVsThermostat: num,
          warmVsThermostat: num,
        }),
      ),
    }),
  ),
  notes: z.array(z.string()),
});

const tickSchema = z
  .looseObject({
    wallMs: z.number(),
    status: z.string().optional(),
    pingsSent: num,
    environmentsProven: num,
    shortfall: num,
    targetFailures: num,
    skipped: num,
  })
  .optional();

const initComparisonSchema = z.looseObject({
  samples: z.number(),
  targets: z.number(),
  rows: z.array(
    z.looseObject({
      contender: z.enum(['thermostat', 'serverless-plugin-warmup']),
      samples: z.number(),
      codeBytes: z.number(),
      initMsMedian: num,
      firstInvocationMsMedian: num,
      initPlusFirstMsMedian: num,
      warmInvocationMsMedian: num.optional(),
      coldAgainMsMedian: num.optional(),
      cpuMedian: z
        .looseObject({ initMs: num, firstMs: num, warmMs: num, warmMeanMs: num.optional(), coldAgainMs: num })
        .optional(),
    }),
  ),
  runs: z
    .array(
      z.looseObject({
        contender: z.enum(['thermostat', 'serverless-plugin-warmup']),
        sample: z.number(),
        cpu: z.looseObject({ warmMeanMs: z.number().optional(), coldAgainMs: z.number().optional() }).optional(),
        logs: z.looseObject({ warmMeanBytes: z.number().optional(), perPingBytes: z.number().optional() }).optional(),
        error: z.string().optional(),
      }),
    )
    .optional(),
  notes: z.array(z.string()),
});

const controllerSchema = z.looseObject({
  bundle: z.looseObject({ path: z.string(), bytes: z.number() }).optional(),
  init: z.looseObject({ requireMs: num, emulatorInitMs: num, emulatorColdStartMs: num }).optional(),
  initComparison: initComparisonSchema.optional(),
  initBySize: z.array(initComparisonSchema).optional(),
  ticks: z.array(
    z.looseObject({ targets: z.number(), environment: z.string().optional(), first: tickSchema, second: tickSchema }),
  ),
});

type Fanout = z.infer<typeof fanoutSchema>;
type Simulator = z.infer<typeof simulatorSchema>;

const CONTENDER_NAMES: Record<string, string> = {
  thermostat: 'Thermostat',
  'thermostat-pool-1000': 'Thermostat, THERMOSTAT_MAX_SOCKETS=1010',
  'serverless-plugin-warmup': 'serverless-plugin-warmup',
  'lambda-warmer': 'lambda-warmer',
};

const contenderName = (id: string) => CONTENDER_NAMES[id] ?? id;

function strategyInfo(id: string): { label: string; summary: string } {
  try {
    if (isStrategyId(id)) {
      const strategy = createStrategy(id);
      return { label: strategy.label, summary: strategy.summary };
    }
  } catch {
    // The legend is a courtesy; the numbers stand without it.
  }
  return { label: id, summary: '' };
}

// ---------------------------------------------------------------------------------------------------------------
// Sections.

/** Both papers, as the dataset's licence asks, wherever trace results are shown. */
export const TRACE_CITATIONS = [
  'Azure Functions Trace 2019: Mohammad Shahrad, Rodrigo Fonseca, Íñigo Goiri, Gohar Chaudhry, Paul Batum, Jason Cooke, Eduardo Laureano, Colby Tresness, Mark Russinovich, Ricardo Bianchini. "Serverless in the Wild: Characterizing and Optimizing the Serverless Workload at a Large Cloud Provider", USENIX ATC 2020.',
  'Azure Functions Invocation Trace 2021: Yanqi Zhang, Íñigo Goiri, Gohar Irfan Chaudhry, Rodrigo Fonseca, Sameh Elnikety, Christina Delimitrou, Ricardo Bianchini. "Faster and Cheaper Serverless Computing on Harvested Resources", SOSP 2021.',
] as const;

const LICENCE =
  'Traces: Microsoft Azure Public Dataset (`Azure/AzurePublicDataset`), © Microsoft, licensed under Creative Commons Attribution 4.0 International (CC BY 4.0, https://creativecommons.org/licenses/by/4.0/). The subsets were cut by the vHive/EASL invitro project and are copied verbatim; see `../shared/traces/README.md`.';

function citationBlock(): string {
  return [`> ${LICENCE}`, '>', ...TRACE_CITATIONS.map((citation) => `> - ${citation}`)].join('\n');
}

const parse = parseStep;

function machineSection(report: BenchReport): string {
  const m = report.machine;
  const end = report.machineAtEnd;
  const load = (machine: Machine) => machine.loadAverage.map((value) => value.toFixed(2)).join(' / ');
  const perCore = loadPerCore(m);
  const shared =
    perCore >= 0.5
      ? `The load average per core was ${perCore.toFixed(2)} when the run started: other work (other sessions building and testing this repository) shared the CPU during this run, so absolute times are inflated and noisy. Compare the ratios measured within one run rather than absolute times across runs.`
      : `The load average per core was ${perCore.toFixed(2)} when the run started; other work may still have shared the CPU, so compare ratios rather than absolute times across runs.`;
  return [
    '## Machine',
    '',
    table(
      ['CPU', 'cores', 'memory', 'Node.js', 'platform', 'load average 1/5/15 min at start', 'at end'],
      [[m.cpu, String(m.cores), `${m.memoryGb} GB`, m.node, m.platform, load(m), load(end)]],
    ),
    '',
    shared,
  ].join('\n');
}

function commandsSection(report: BenchReport): string {
  const rows = report.steps.map((step) => [
    step.title,
    `\`${step.command}\``,
    step.status === 'ok' ? ms(step.wallMs) : step.status,
  ]);
  return [
    '## Commands',
    '',
    `This file was written by \`${report.command}\` (\`tsx benchmarks/run.ts\`), which ran each benchmark below in its own child process from the repository root, in this order, and took ${ms(report.wallMs)} in all. Each command also runs on its own and prints JSON.`,
    '',
    table(['benchmark', 'command', 'wall time'], rows),
  ].join('\n');
}

function fanoutSummaryTable(summary: Fanout['summary'][number]): string {
  return table(
    [
      'contender',
      'wall time (median)',
      '÷ Thermostat',
      `environments warm (of ${int(summary.wanted)})`,
      `functions that reached ${summary.perFunction}`,
      'invokes sent / reached a handler',
      'errors (throttled, failed, lost)',
    ],
    summary.rows.map((row) => [
      contenderName(row.contender),
      ms(row.wallMsMedian),
      ratio(row.wallVsThermostat),
      `${int(row.warmUpToN)} (${percent(row.warmUpToN / summary.wanted)})`,
      percent(row.reachedShare),
      `${int(row.attempted)} / ${int(row.invocations)}`,
      int(row.errors),
    ]),
  );
}

function fanoutRunsTable(runs: Fanout['runs']): string {
  return table(
    [
      'scenario',
      'rep.',
      'contender',
      'wall time',
      'warmer returned',
      'first / last environment started',
      'warm (≤ N each)',
      'warm per function min / median / max',
      'envs created',
      'peak in flight',
      'sent / reached a handler',
      'throttles',
      'function errors',
      'lost before a handler',
    ],
    runs.map((run) => [
      `${run.scenario} ${run.functions}×${run.perFunction}`,
      String(run.repetition),
      contenderName(run.contender),
      ms(run.wallMs),
      ms(run.returnedMs),
      `${ms(run.firstEnvironmentAfterMs)} / ${ms(run.lastEnvironmentAfterMs)}`,
      `${int(run.warmUpToN)} / ${int(run.wanted)}`,
      `${run.perFunctionWarm.min} / ${run.perFunctionWarm.median} / ${run.perFunctionWarm.max}`,
      int(run.environmentsCreated),
      int(run.peakInFlight),
      `${int(run.attempted)} / ${int(run.invocations)}`,
      int(run.throttles),
      int(run.functionErrors),
      int(run.warmerErrors),
    ]),
  );
}

function warmerFootprints(runs: Fanout['runs']): string {
  const withWarmer = runs.filter((run) => run.warmer !== undefined);
  if (withWarmer.length === 0) return '';
  const rows = withWarmer.map((run) => {
    const warmer = run.warmer!;
    return [
      contenderName(run.contender),
      `${run.scenario} ${run.functions}×${run.perFunction} #${run.repetition}`,
      kib(warmer.codeBytes),
      ms(warmer.initMs),
      mb(warmer.rssMb),
      mb(warmer.peakRssMb),
    ];
  });
  return table(['warmer function', 'run', 'code', 'init (pre-initialised)', 'RSS after the tick', 'peak RSS'], rows);
}

function claimsList(runs: Fanout['runs']): string {
  const lines: string[] = [];
  for (const run of runs) {
    const claims = Object.entries(run.claims)
      .map(([key, value]) => `${key} ${String(value)}`)
      .join(', ');
    const errors = run.errorMessages.length > 0 ? ` Errors: ${run.errorMessages.join('; ')}` : '';
    if (claims || errors) {
      lines.push(
        `- ${run.scenario} #${run.repetition}, ${contenderName(run.contender)}: ${claims || 'no claims'}.${errors}`,
      );
    }
  }
  return lines.join('\n');
}

function fanoutSection(step: StepResult | undefined): string {
  const { value, problem } = parse(fanoutSchema, step);
  const head = [
    '## 1. Fan-out on the emulator',
    '',
    'How long each warmer takes to warm N execution environments of each of F functions in one tick, and how many distinct environments really end up warm. All contenders run their shipped code against the same emulator settings in the same run; a fresh emulator per contender, so nobody profits from environments another warmed. Environments are counted by the emulator (idle, live environments of the target functions afterwards), never from a warmer’s own claims.',
    '',
    '- **Thermostat**: the bundled controller asset (`dist/assets/controller/index.js`) deployed as a function, one scheduled tick, real SDK clients over HTTP, its default socket pool; targets wrapped with the target helper (`withThermostat`).',
    '- **serverless-plugin-warmup**: the warmer its `createWarmUpFunctionArtifact` generates (`index.mjs`, `warmUp`), deployed as a function, pinging the same helper-wrapped targets (the helper holds its pings 75 ms).',
    '- **lambda-warmer**: every target calls `lambda-warmer` (`delay: 75`) as its README shows; the benchmark plays the EventBridge rules and sends each target’s root event `{"warmer":true,"concurrency":N}` asynchronously.',
    '- Wall time runs from the trigger until the emulator is quiet (every warming invocation, asynchronous ones included, has finished). "÷ Thermostat" is the contender’s median wall time divided by Thermostat’s: above 1, Thermostat finished first.',
  ];
  if (!value) return [...head, '', `Not measured in this run: ${problem}`].join('\n');
  const versions = Object.entries(value.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  const parts = [...head, '', `Versions: ${versions}.`, ''];
  for (const summary of value.summary) {
    const label =
      summary.functions === 1
        ? `One function, a round of ${int(summary.perFunction)}`
        : `${int(summary.wanted)} environments across ${int(summary.functions)} functions (${summary.perFunction} each)`;
    parts.push(
      `### ${label}`,
      '',
      `${summary.repetitions} repetition(s), contenders in a rotated order.`,
      '',
      fanoutSummaryTable(summary),
      '',
    );
  }
  parts.push('### Every run', '', fanoutRunsTable(value.runs), '');
  const claims = claimsList(value.runs);
  if (claims) parts.push('What the warmers themselves reported, and the first errors:', '', claims, '');
  parts.push('Notes:', '', ...value.notes.map((note) => `- ${note}`));
  return parts.join('\n');
}

type InitComparison = z.infer<typeof initComparisonSchema>;

/** Thermostat against serverless-plugin-warmup's warmer for one measure: both numbers and which is lower. */
function initVerdict(
  comparison: InitComparison,
  field: 'initMsMedian' | 'initPlusFirstMsMedian',
): { thermostat?: number; plugin?: number; atMost?: boolean } {
  const pick = (contender: string) => comparison.rows.find((row) => row.contender === contender)?.[field] ?? undefined;
  const thermostat = pick('thermostat');
  const plugin = pick('serverless-plugin-warmup');
  if (thermostat === undefined || plugin === undefined) return {};
  return { thermostat, plugin, atMost: thermostat <= plugin };
}

function verdictText(what: string, verdict: ReturnType<typeof initVerdict>): string {
  if (verdict.atMost === undefined) return `${what}: not measured for both`;
  const both = `${ms(verdict.thermostat)} against ${ms(verdict.plugin)}, ×${(verdict.thermostat! / verdict.plugin!).toFixed(2)}`;
  return verdict.atMost
    ? `${what}: **Thermostat ≤ serverless-plugin-warmup's warmer** (${both})`
    : `${what}: **Thermostat is slower than serverless-plugin-warmup's warmer** (${both})`;
}

function initComparisonBlock(comparison: InitComparison): string[] {
  const row = (contender: string) => comparison.rows.find((r) => r.contender === contender);
  const thermostat = row('thermostat');
  const plugin = row('serverless-plugin-warmup');
  const cells = (pick: (r: NonNullable<typeof thermostat>) => string) => [
    thermostat ? pick(thermostat) : '–',
    plugin ? pick(plugin) : '–',
  ];
  return [
    `Cold start beside serverless-plugin-warmup's warmer (\`benchmarks/init.ts\`: medians of ${int(comparison.samples)} on-demand cold starts each in one emulator, both warming the same ${int(comparison.targets)} functions once):`,
    '',
    table(
      ['', 'Thermostat controller', 'serverless-plugin-warmup warmer'],
      [
        ['code', ...cells((r) => kib(r.codeBytes))],
        ['cold starts measured', ...cells((r) => int(r.samples))],
        ['init (module load)', ...cells((r) => ms(r.initMsMedian))],
        ['first invocation', ...cells((r) => ms(r.firstInvocationMsMedian))],
        ['init + first invocation', ...cells((r) => ms(r.initPlusFirstMsMedian))],
        ['next invocation, warm (the same pings)', ...cells((r) => ms(r.warmInvocationMsMedian))],
        ['cold again later, state kept (the same pings)', ...cells((r) => ms(r.coldAgainMsMedian))],
        ['cold beyond warm', ...cells((r) => ms(coldBeyondWarm(r)))],
        ['CPU time: init', ...cells((r) => ms(r.cpuMedian?.initMs))],
        ['CPU time: warm invocation', ...cells((r) => ms(r.cpuMedian?.warmMs))],
        ['CPU time: cold again', ...cells((r) => ms(r.cpuMedian?.coldAgainMs))],
      ],
    ),
    '',
    `- ${verdictText('Init', initVerdict(comparison, 'initMsMedian'))}.`,
    `- ${verdictText('Init + first invocation', initVerdict(comparison, 'initPlusFirstMsMedian'))}. Thermostat's first tick claims the tick and reads its state in DynamoDB, reads the account settings and each target's configuration, pings, and saves what it proved; the plugin's warmer only pings. Init loads and builds the Lambda and DynamoDB SDK clients every tick uses; only the Application Auto Scaling, CloudWatch and EventBridge clients load on first use (provisioned concurrency, minute statistics and an event bus need them; nothing here does).`,
    ...comparison.notes.map((note) => `- ${note}`),
    '',
  ];
}

type InitRowResult = InitComparison['rows'][number];

/** What a cold start costs past INIT: a later cold invocation beyond the warm one doing the same work. */
function coldBeyondWarm(row: InitRowResult): number | undefined {
  const { coldAgainMsMedian: cold, warmInvocationMsMedian: warm } = row;
  return typeof cold === 'number' && typeof warm === 'number' ? Math.round((cold - warm) * 10) / 10 : undefined;
}

/**
 * The CPU time each warmer's invocations took at every round size measured, what the simulator bills from it
 * (simulator/model/options.ts, at AWS's documented share), and what that makes at each one's default memory.
 */
function cpuModelBlock(main: InitComparison, bySize: readonly InitComparison[]): string[] {
  const comparisons = [main, ...bySize].sort((a, b) => a.targets - b.targets);
  if (comparisons.some((comparison) => comparison.runs === undefined) || bySize.length === 0) return [];
  const raw = measuredCpu(comparisons.map((c) => ({ targets: c.targets, runs: c.runs ?? [] })));
  const scale = cpuScale(raw);
  const measured = inScale(raw, scale);
  const warmAt = (comparison: InitComparison, contender: InitContender) => {
    const cpu = comparison.rows.find((row) => row.contender === contender)?.cpuMedian;
    return `${ms(cpu?.warmMs)} / ${ms(cpu?.warmMeanMs)}`;
  };
  const spread = (values: readonly number[]) =>
    values.length === 0 ? '–' : `${ms(medianOf(values))} (${ms(Math.min(...values))}–${ms(Math.max(...values))})`;
  const contenders = ['thermostat', 'serverless-plugin-warmup'] as const;
  const cells = (pick: (contender: InitContender) => string) => contenders.map(pick);
  const at = (contender: InitContender, cpuMs: number) => ms(handlerCpuMs(cpuMs, MEMORY_MB[contender]));
  return [
    `CPU time of warm invocations by round size (the same warm-up each time, every five minutes; medians of ${comparisons.map((c) => int(c.samples)).join(', ')} environments): an environment's second invocation, and the mean of its ${int(WARM_INVOCATIONS)} warm ones (an hour of ticks); what that mean makes per invocation and per target (per environment, median and range), and what the simulator bills from it (\`simulator/model/options.ts\`). This machine's speed is not Lambda's, and changes from one run or machine to the next: the simulator keeps one scale, in which one Invoke sent by a client doing nothing else (the plugin's warmer's time per further target) takes ${ms(PING_CPU_MS)}, and compares each run in it; a test keeps each constant within the range measured, in that scale, give or take a quarter of its median (one run differs from the next by up to a fifth with this machine's load):`,
    '',
    table(
      ['', 'Thermostat controller', 'serverless-plugin-warmup warmer'],
      [
        ...comparisons.map((comparison) => [
          `CPU time: second / mean warm, ${int(comparison.targets)} target${comparison.targets === 1 ? '' : 's'}`,
          ...cells((contender) => warmAt(comparison, contender)),
        ]),
        ['measured: invocation with one target', ...cells((c) => spread(raw[c].invocationMs))],
        ['measured: each further target pinged (one ping each)', ...cells((c) => spread(raw[c].perTargetMs))],
        ['measured: cold beyond warm', ...cells((c) => spread(raw[c].firstCallMs))],
        [
          `measured in the simulator's scale (×${scale.toFixed(2)}): invocation, per target pinged, cold beyond warm`,
          ...cells(
            (c) =>
              `${ms(medianOf(measured[c].invocationMs))}, ${ms(medianOf(measured[c].perTargetMs))}, ${ms(medianOf(measured[c].firstCallMs))}`,
          ),
        ],
        [
          'simulator: invocation, per target pinged, cold beyond warm',
          ...cells(
            (c) =>
              `${ms(BILLED_CPU_MS[c].invocation)}, ${ms(BILLED_CPU_MS[c].perTarget)}, ${ms(BILLED_CPU_MS[c].firstCall)}`,
          ),
        ],
        [
          'at its default memory: invocation, per target pinged, cold beyond warm',
          ...cells(
            (c) =>
              `${int(MEMORY_MB[c])} MB: ${at(c, BILLED_CPU_MS[c].invocation)}, ${at(c, BILLED_CPU_MS[c].perTarget)}, ${at(c, BILLED_CPU_MS[c].firstCall)}`,
          ),
        ],
      ],
    ),
    '',
    `- CPU time is what Lambda's memory setting scales: one vCPU at ${int(ONE_VCPU_MB)} MB, in proportion below. The simulator takes this machine's core as one vCPU and bills each handler's CPU time by that share, alike for Thermostat's controller, the plugin's warmer and lambda-warmer's self-invokes (which send at the target's memory, with the plugin's per-invoke time); each one's requests leave one after another at that pace. INIT keeps its own convention (this machine's core as a ${int(CPU_REFERENCE_MB)} MB function): AWS does not say what CPU INIT gets, and third-party measurements find it faster than the share.`,
    `- A ping is the same Invoke for every warmer: the simulator takes ${ms(PING_CPU_MS)} of CPU for it (the plugin's warmer's time per further target, a client doing nothing else), which paces each caller's sends: ${ms(handlerCpuMs(PING_CPU_MS, CONTROLLER_MEMORY_MB))} apart at ${int(CONTROLLER_MEMORY_MB)} MB, so the construct sets the controller's hold per ping to ${ms(dispatchMsPerPingAt(CONTROLLER_MEMORY_MB))} (\`THERMOSTAT_DISPATCH_MS_PER_PING\`), and ${ms(handlerCpuMs(PING_CPU_MS, WARMER_MEMORY_MB))} apart for the plugin's ${int(WARMER_MEMORY_MB)} MB warmer, whose targets wait 25 ms. The rest of Thermostat's time per target pinged is its own: reading the proof, saving the target's state, reporting it.`,
    `- The second invocation of an environment costs more than the later ones (code still being compiled, caches filling); the simulator bills the mean of the first ${int(WARM_INVOCATIONS)}, alike for both. An environment that has run for hours takes less still, so for busy accounts these constants err against both; a sparse account's environments rarely live that long.`,
    '',
  ];
}

/**
 * The log bytes each warmer's warm invocations wrote, and each ping in its target, at every round size measured, beside
 * what the simulator bills from them (simulator/model/options.ts).
 */
function logModelBlock(main: InitComparison, bySize: readonly InitComparison[]): string[] {
  const comparisons = [main, ...bySize].sort((a, b) => a.targets - b.targets);
  if (comparisons.some((comparison) => comparison.runs === undefined) || bySize.length === 0) return [];
  const measured = measuredLogs(comparisons.map((c) => ({ targets: c.targets, runs: c.runs ?? [] })));
  const contenders = ['thermostat', 'serverless-plugin-warmup'] as const;
  if (contenders.every((c) => measured[c].perPingBytes.length === 0)) return [];
  const bytes = (value: number | undefined) => (value === undefined ? '–' : `${int(value)} B`);
  const spread = (values: readonly number[]) =>
    values.length === 0
      ? '–'
      : `${bytes(medianOf(values))} (${bytes(Math.min(...values))}–${bytes(Math.max(...values))})`;
  const cells = (pick: (contender: InitContender) => string) => contenders.map(pick);
  return [
    `Log bytes of the same warm invocations, as CloudWatch Logs ingests them (each line and its newline; Lambda's START, END and REPORT lines included), medians and ranges over the environments: what the simulator bills at $${LOG_INGESTION_PER_GB.toFixed(2)} per GB ingested (\`simulator/model/options.ts\`; a test keeps each constant within the range measured). Both warm the same target-helper-wrapped targets, which print nothing on a ping, so a ping's bytes are Lambda's own lines and the same for every warmer:`,
    '',
    table(
      ['', 'Thermostat controller', 'serverless-plugin-warmup warmer'],
      [
        ['measured: invocation, beyond its targets', ...cells((c) => spread(measured[c].invocationBytes))],
        ['measured: each target pinged', ...cells((c) => spread(measured[c].perTargetBytes))],
        ["measured: each ping, in its target's log group", ...cells((c) => spread(measured[c].perPingBytes))],
        [
          'simulator: invocation, per target pinged, per ping',
          ...cells(
            (c) =>
              `${bytes(BILLED_LOG_BYTES[c].invocation)}, ${bytes(BILLED_LOG_BYTES[c].perTarget)}, ${bytes(PING_LOG_BYTES)}`,
          ),
        ],
      ],
    ),
    '',
    "- Thermostat's invocation writes its run summary (`tick done`: the counts that are not zero, and an entry of a few words per routine target) and its metrics (one EMF line, the counts that are not zero); the plugin's warmer, verbose by default, writes two lines per function it warms. lambda-warmer's targets log a record per ping by default, and the plugin's README has the target's handler print a line: neither is billed here, to their advantage.",
    '',
  ];
}

function footprintSection(
  bundleStep: StepResult | undefined,
  controllerStep: StepResult | undefined,
  fanoutStep: StepResult | undefined,
): string {
  const parts = [
    '## 2. Controller footprint',
    '',
    'The controller ships pre-bundled (esbuild, minified, `@aws-sdk/*` and `@smithy/*` left to the Lambda runtime).',
    '',
  ];
  const bundle = parse(bundleSchema, bundleStep);
  if (bundle.value) {
    const b = bundle.value;
    parts.push(
      `- Bundle: \`${b.path}\` is **${kib(b.bytes)}** (${kib(b.gzipBytes)} gzipped), built by \`node scripts/bundle.js\`.`,
      `- Largest parts of it: ${b.inputs
        .slice(0, 6)
        .map((input) => `${input.name} ${kib(input.bytes)}`)
        .join(', ')}.`,
      ...(b.lazy ?? []).map(
        (file) =>
          `- Beside it in the asset: \`${file.path}\` (${kib(file.bytes)}), which the bundle reads only when it needs it (the tracer, when tracing is on).`,
      ),
    );
  } else {
    parts.push(`- Bundle size not measured: ${bundle.problem}`);
  }
  const fanout = parse(fanoutSchema, fanoutStep);
  const controllerRuns = (fanout.value?.runs ?? []).filter((run) => run.contender === 'thermostat' && run.warmer);
  if (controllerRuns.length > 0) {
    const inits = controllerRuns.map((run) => run.warmer!.initMs).filter((v): v is number => typeof v === 'number');
    const peaks = controllerRuns.map((run) => run.warmer!.peakRssMb).filter((v): v is number => typeof v === 'number');
    const largest = controllerRuns.reduce((a, b) => ((b.warmer!.peakRssMb ?? 0) > (a.warmer!.peakRssMb ?? 0) ? b : a));
    parts.push(
      `- Init in the fan-out runs' emulator (a process environment pre-initialised by provisioned concurrency: handler module loaded and SDK clients built; that emulator runs from its TypeScript sources, so tsx's require hook weighs on every module loaded): ${inits.map((v) => ms(v)).join(', ')}. The like-with-like cold start is below.`,
      `- Memory: the resident set of the controller's environment process (Node.js itself included) peaked at ${peaks.map((v) => mb(v)).join(', ')} in those runs; the largest, ${mb(largest.warmer!.peakRssMb)}, during the tick that warmed ${int(largest.wanted)} environments over ${int(largest.functions)} function(s). The warmer table below has serverless-plugin-warmup's warmer under the same load.`,
    );
  }
  parts.push('');
  const controller = parse(controllerSchema, controllerStep);
  if (controller.value) {
    const c = controller.value;
    if (c.initComparison) {
      parts.push(...initComparisonBlock(c.initComparison));
      parts.push(...cpuModelBlock(c.initComparison, c.initBySize ?? []));
      parts.push(...logModelBlock(c.initComparison, c.initBySize ?? []));
    } else parts.push("Cold start beside serverless-plugin-warmup's warmer: not measured in this run.", '');
    if (c.init) {
      parts.push(
        c.init.emulatorInitMs === undefined || c.init.emulatorInitMs === null
          ? `From \`benchmarks/controller.ts\`: requiring the bundle takes ${ms(c.init.requireMs)} in a fresh Node.js process.`
          : `From \`benchmarks/controller.ts\`: requiring the bundle takes ${ms(c.init.requireMs)} in a fresh Node.js process; as an on-demand function in the emulator its init took ${ms(c.init.emulatorInitMs)} (cold start ${ms(c.init.emulatorColdStartMs)}, process spawn included).`,
        '',
      );
    }
    if (c.ticks.length > 0) {
      parts.push(
        'Tick time against the emulator, as `benchmarks/controller.ts` sets it up (light environments; the first tick finds cold caches and cold targets, the second follows it):',
        '',
        table(
          ['targets', 'first tick', 'pings', 'environments proven', 'shortfall', 'failures', 'second tick'],
          c.ticks.map((tick) => [
            int(tick.targets),
            ms(tick.first?.wallMs),
            int(tick.first?.pingsSent),
            int(tick.first?.environmentsProven),
            int(tick.first?.shortfall),
            int(tick.first?.targetFailures),
            ms(tick.second?.wallMs),
          ]),
        ),
        '',
      );
    }
  } else {
    parts.push(`Tick times (\`benchmarks/controller.ts\`) not measured in this run: ${controller.problem}`, '');
  }
  const footprints = fanout.value ? warmerFootprints(fanout.value.runs) : '';
  if (footprints) {
    parts.push(
      "Warmer functions during the fan-out runs (section 1). Their init times come from an emulator run from its TypeScript sources, where every environment process carries tsx's require hook (a per-module cost no Lambda runtime has, larger for the handler that loads more modules); the like-with-like init comparison is the table above.",
      '',
      footprints,
      '',
    );
  }
  return parts.join('\n').trimEnd();
}

function simulatorSection(step: StepResult | undefined): string {
  const { value, problem } = parse(simulatorSchema, step);
  const parts = [
    '## 3. Warming strategies on real traces (simulator)',
    '',
    'Every strategy replayed on every trace in `../shared/traces/` by the discrete-event simulator (a model of Lambda, not a measurement of AWS). Thermostat’s row is driven by the real planner code on the policy set shown. **Warming overhead** is a run’s cost minus the cost of no warming on the same trace: the functions’ own work is the same in every run, and in a ratio of totals it would hide a doubled warming bill. "Thermostat ÷ this" divides Thermostat’s value by the row’s: below 1, Thermostat is lower (better for cold share, cheaper for overhead).',
    '',
    citationBlock(),
    '',
  ];
  if (!value) return [...parts, `Not measured in this run: ${problem}`].join('\n');
  const strategies = [...new Set(value.comparisons.flatMap((c) => c.rows.map((row) => row.strategy)))];
  parts.push(
    'Strategies:',
    '',
    ...strategies.map((id) => {
      const info = strategyInfo(id);
      return `- \`${id}\` (${info.label})${info.summary ? `: ${info.summary}` : ''}`;
    }),
    '',
  );
  for (const comparison of value.comparisons) {
    parts.push(
      `### ${comparison.trace}, policy set \`${comparison.policies}\``,
      '',
      `${comparison.format} format, ${int(comparison.functions)} function(s), ${int(comparison.invocations)} invocations; ${comparison.seeds && comparison.seeds.length > 1 ? `each row the mean of ${comparison.seeds.length} runs with seeds ${comparison.seeds.join(', ')}, one run of all strategies simulated in ${ms(comparison.wallMs)}` : `simulated in ${ms(comparison.wallMs)}`}.${comparison.arrivalRule ? ` Arrivals: ${comparison.arrivalRule}.` : ''}${comparison.citation ? ` Data: ${comparison.citation.dataset} (${comparison.citation.paper.split('"')[1] ?? comparison.citation.paper}).` : ''}`,
      '',
      `Policy set: \`${comparison.policyText.trim().replace(/\n\s*/g, ' ')}\``,
      '',
      table(
        [
          'strategy',
          'cold share',
          'p75 per-function cold share',
          'p99 added latency',
          'warming overhead',
          'pings',
          'Thermostat ÷ this: cold share',
          'overhead',
        ],
        comparison.rows.map((row) => [
          row.strategy,
          percent(row.coldShare),
          percent(row.coldShareP75),
          ms(row.addedLatencyMs?.p99),
          row.overheadUsd === undefined ? `${usd(row.costUsd)} (total)` : signedUsd(row.overheadUsd),
          int(row.pings?.sent),
          row.strategy === 'thermostat' ? '–' : ratio(row.thermostatVs?.coldShare),
          row.strategy === 'thermostat' ? '–' : ratio(row.thermostatVs?.overhead ?? row.thermostatVs?.cost),
        ]),
      ),
      '',
    );
  }
  for (const grid of value.grids ?? []) parts.push(...gridSection(grid));
  parts.push(...halvesSection(value.halves ?? []));
  parts.push(...oneFunctionSection(value.oneFunction ?? []));
  if (value.throughput) {
    const t = value.throughput;
    parts.push(
      '### Simulator speed',
      '',
      `On \`${t.trace}\` (${int(t.oneStrategy.invocations)} invocations): **${int(t.oneStrategy.simulatedInvocationsPerSecond)} simulated invocations per second** of wall time with one strategy (${t.oneStrategy.strategies.join(', ')}), ${ms(t.oneStrategy.wallMs)} for the whole trace.${t.allStrategies ? ` All ${t.allStrategies.strategies} strategies in one pass: ${ms(t.allStrategies.wallMs)}, ${int(t.allStrategies.simulatedInvocationsPerSecond)} strategy-invocations per second.` : ''}`,
      '',
    );
  }
  return parts.join('\n').trimEnd();
}

function targetSizeSection(step: StepResult | undefined): string {
  const { value, problem } = parse(targetSizeSchema, step);
  const parts = [
    '## 4. Target helper size',
    '',
    'Bytes the target helper adds to a user’s function, bundled and minified the way a user’s build would (a minimal handler with and without it).',
    '',
  ];
  if (!value) return [...parts, `Not measured in this run: ${problem}`].join('\n');
  parts.push(
    `Tool: ${value.tool}.`,
    '',
    table(
      ['variant', 'bundle', 'gzipped', 'added', 'added gzipped'],
      value.sizes.map((size) => [
        size.variant,
        `${int(size.bytes)} B`,
        `${int(size.gzipBytes)} B`,
        `${int(size.addedBytes)} B`,
        `${int(size.addedGzipBytes)} B`,
      ]),
    ),
  );
  return parts.join('\n');
}

function emulatorSection(step: StepResult | undefined): string {
  const { value, problem } = parse(emulatorSchema, step);
  const parts = [
    '## 5. Emulator throughput',
    '',
    'How fast the local emulator itself is, so a reader can judge whether it limited the numbers above: warm no-op invocations through the real SDK (the client in a worker thread), the cost of a cold start, and memory per environment.',
    '',
  ];
  if (!value) return [...parts, `Not measured in this run: ${problem}`].join('\n');
  if (value.runtime) parts.push(`Emulator code: ${value.runtime}.`, '');
  parts.push(
    table(
      ['environment kind', 'concurrency', 'invocations', 'invocations/s', 'p50', 'p99', 'errors'],
      value.warmThroughput.map((row) => [
        row.kind,
        String(row.concurrency),
        int(row.invocations),
        `**${int(row.invokesPerSecond)}**`,
        ms(row.p50Ms),
        ms(row.p99Ms),
        int(row.errors),
      ]),
    ),
    '',
    table(
      ['cold start', 'samples', 'first call p50', 'cold start p50', 'process spawn p50', 'init (module load) p50'],
      value.coldStart.map((row) => [
        row.kind +
          (row.prewarmProcesses !== undefined && row.prewarmProcesses !== null
            ? `, ${row.prewarmProcesses} pre-started processes`
            : ''),
        String(row.samples),
        ms(row.firstCallP50Ms),
        ms(row.coldStartP50Ms),
        ms(row.spawnP50Ms),
        ms(row.initDurationP50Ms),
      ]),
    ),
    '',
    table(
      [
        'fan-out',
        'requested',
        'answered',
        'distinct environments',
        'max in flight',
        'wall time',
        'memory per environment',
      ],
      value.fanOut.map((row) => [
        `${row.kind} (${row.handler})`,
        int(row.requested),
        int(row.ok),
        int(row.distinctEnvironments),
        int(row.maxInFlight),
        ms(row.wallMs),
        mb(row.memory.perEnvironmentMb),
      ]),
    ),
  );
  return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// How to read these: sentences computed from the numbers, including where Thermostat does not win.

type Emulator = z.infer<typeof emulatorSchema>;

const medianOf = (values: readonly (number | null | undefined)[]): number | undefined => {
  const known = values.filter((value): value is number => typeof value === 'number').sort((a, b) => a - b);
  if (known.length === 0) return undefined;
  const middle = Math.floor(known.length / 2);
  return known.length % 2 === 1 ? known[middle] : (known[middle - 1]! + known[middle]!) / 2;
};

/** Where Thermostat's time went in the widest fan-out, from when environments started and the tick ended. */
function whyThermostatIsSlower(fanout: Fanout): string {
  const widest = Math.max(...fanout.runs.map((run) => run.wanted));
  const of = (contender: string) => fanout.runs.filter((run) => run.contender === contender && run.wanted === widest);
  const phases = (contender: string) => {
    const runs = of(contender);
    return {
      first: medianOf(runs.map((run) => run.firstEnvironmentAfterMs)),
      last: medianOf(runs.map((run) => run.lastEnvironmentAfterMs)),
      wall: medianOf(runs.map((run) => run.wallMs)),
      peak: medianOf(runs.map((run) => run.peakInFlight)),
    };
  };
  const thermostat = phases('thermostat');
  const warmer = phases('lambda-warmer');
  const pool = phases('thermostat-pool-1000');
  const parts = [
    `- Where Thermostat's time goes (medians of the ${int(widest)}-environment runs): its first environment started ${ms(thermostat.first)} after the trigger (each target is observed, planned and pinged on its own, so the first pings leave while other targets are still being read), its last one at ${ms(thermostat.last)}, and the tick ended at ${ms(thermostat.wall)}: every round of several pings is held until a deadline its pings share (${BUILTIN_DEFAULTS.warm.holdMs} ms by default, plus the function's observed init time, at most ${ms(DEFAULT_WARM_CONFIG.coldStartAllowanceMs)}, when new environments are expected, so that slow cold starts still overlap) and each ping proves a distinct environment.`,
  ];
  if (warmer.first !== undefined) {
    parts.push(
      `lambda-warmer's environments started between ${ms(warmer.first)} and ${ms(warmer.last)}, and it was done at ${ms(warmer.wall)}.`,
    );
  }
  if (pool.wall !== undefined && thermostat.wall !== undefined && thermostat.wall > 0) {
    const ratioToDefault = pool.wall / thermostat.wall;
    parts.push(
      `The default socket pool kept ${int(thermostat.peak)} pings in flight; with \`THERMOSTAT_MAX_SOCKETS=1010\` (${int(pool.peak)} in flight) the tick took ${ratio(ratioToDefault)} of the default's time${ratioToDefault > 0.9 ? ', so the pool was not what limited it here' : ''}.`,
    );
  }
  parts.push(
    'What the wait buys is in the warm columns: every environment proven distinct, top-up rounds, and a shortfall report when N is not reached.',
  );
  return parts.join(' ');
}

function fanoutReading(fanout: Fanout | undefined, emulator: Emulator | undefined): string[] {
  if (!fanout) return [];
  const lines: string[] = [];
  let thermostatSlower = false;
  for (const summary of fanout.summary) {
    const thermostat = summary.rows.find((row) => row.contender === 'thermostat');
    if (!thermostat) continue;
    const what =
      summary.functions === 1
        ? `one round of ${int(summary.perFunction)} on one function`
        : `${int(summary.wanted)} environments over ${int(summary.functions)} functions`;
    const others = summary.rows.filter(
      (row) => row.contender !== 'thermostat' && !row.contender.startsWith('thermostat'),
    );
    const variants = summary.rows.filter(
      (row) => row.contender !== 'thermostat' && row.contender.startsWith('thermostat'),
    );
    const short = others.filter((row) => row.warmUpToN < summary.wanted);
    const faster = others.filter((row) => (row.wallVsThermostat ?? Number.POSITIVE_INFINITY) < 1);
    if (faster.length > 0) thermostatSlower = true;
    lines.push(
      `- Fan-out, ${what}: Thermostat warmed ${int(thermostat.warmUpToN)} of ${int(summary.wanted)} (${percent(thermostat.reachedShare)} of functions reached ${summary.perFunction}) in ${ms(thermostat.wallMsMedian)}.` +
        (short.length > 0
          ? ` ${short.map((row) => `${contenderName(row.contender)} warmed ${int(row.warmUpToN)} (${percent(row.reachedShare)} of functions reached ${summary.perFunction})`).join('; ')}.`
          : ' Every contender warmed all of them.') +
        (faster.length > 0
          ? ` Thermostat was **not** the fastest: ${faster.map((row) => `${contenderName(row.contender)} took ${ratio(row.wallVsThermostat)} of its time${row.warmUpToN < summary.wanted ? ' but left environments cold' : ''}`).join('; ')}.`
          : ' Thermostat finished first.') +
        variants
          .map((row) => ` ${contenderName(row.contender)} took ${ratio(row.wallVsThermostat)} of the default's time.`)
          .join(''),
    );
  }
  if (thermostatSlower) lines.push(whyThermostatIsSlower(fanout));
  const plugin = fanout.runs.filter((run) => run.contender === 'serverless-plugin-warmup');
  if (plugin.length > 0) {
    const peak = Math.max(...plugin.map((run) => run.peakInFlight));
    const lossy = plugin.filter((run) => run.warmerErrors > 0);
    const timeout = plugin.flatMap((run) => run.errorMessages).find((message) => /TimeoutError/.test(message));
    lines.push(
      `- serverless-plugin-warmup's generated warmer never had more than ${int(peak)} invocations in flight (sampled): its client keeps the SDK's default of 50 sockets, so pings beyond 50 wait and run in later waves that reuse environments the first wave released.` +
        (lossy.length > 0
          ? ` In ${lossy.length} of its ${plugin.length} runs, invokes also failed inside its client before reaching any function (${lossy.map((run) => `${int(run.warmerErrors)} of ${int(run.attempted)}`).join(', ')})${timeout ? ': requests queued for a socket hit the 1,000-ms connection timeout baked into its generated code ("TimeoutError … within the configured timeout of 1000 ms")' : ''}; its own invocation still succeeds, and it counts failures per function, not per ping.`
          : ''),
    );
  }
  const light = emulator?.warmThroughput.filter((row) => row.kind === 'light' && row.concurrency > 1);
  const capacity = light && light.length > 0 ? Math.max(...light.map((row) => row.invokesPerSecond)) : undefined;
  const spread = fanout.runs.filter((run) => run.functions > 1 && run.wallMs > 0);
  if (capacity !== undefined && spread.length > 0) {
    const fastest = Math.max(...spread.map((run) => run.invocations / (run.wallMs / 1000)));
    lines.push(
      `- The emulator sustained ${int(capacity)} warm invocations per second on light environments (section 5); the busiest fan-out run averaged ${int(fastest)} invocations per second, each one a cold start, which costs the emulator more than a warm call. ` +
        (fastest > capacity / 2
          ? 'That is close to what the emulator itself can do, so on this machine the emulator is part of what limits the fan-out times: read the ratios between contenders, not the absolute times.'
          : 'That is well below the emulator’s warm rate, so the fan-out times are mostly the warmers’ own (holds, waves, round trips) plus this machine’s load.'),
    );
  }
  return lines;
}

function signedUsd(value: number): string {
  return value < 0 ? `−${usd(-value)}` : usd(value);
}

/** Thermostat (examples/simulate) against every fixed configuration of the warmers, in overhead and cold share. */
function gridSection(grid: z.infer<typeof gridSchema>): string[] {
  const thermostat = thermostatOf(grid.rows);
  const verdict = grid.verdict;
  const pluginDefault = pluginDefaultOf(grid.rows);
  const lines = [
    `### ${grid.trace}: Thermostat against the warmers' grid`,
    '',
    `${int(grid.functions)} function(s), ${int(grid.invocations)} invocations; ${grid.rows.length} points${grid.seeds && grid.seeds.length > 1 ? `, each the mean of ${grid.seeds.length} runs with seeds ${grid.seeds.join(', ')} (arrivals inside a minute, reclaim draws, the schedules' phases: where strategies end a few cold starts apart, one draw would decide who wins)` : ''}, in ${ms(grid.wallMs)}. **Warming overhead** is a run's cost minus the cost of no warming on the same trace (the functions' own work is the same in every run and would hide the difference); negative means warming saved money (provisioned concurrency busier than its break-even). A grid point *dominates* Thermostat when it is at least as warm with under ${Math.round(DOMINANCE_OVERHEAD_SHARE * 100)}% of Thermostat's overhead. Thermostat's overhead counts its pings, the INIT they cause or save, provisioned concurrency, its controller's invocations (their INIT when one starts cold, as the warmers' are billed theirs, and their waits for the state table), the metrics it reads, its state table (DynamoDB request units of its tick claims, reads, target saves and ping ledger, sized from the items the controller writes) and the log lines warming writes (every warmer's pings' START, END and REPORT lines in their targets' log groups, and the controller's or warmer's own lines, as section 2 measures them); not its run-summary events and custom metrics, a bill of their own that does not grow with the traffic warmed (section 7 measures it per month). Thermostat runs the policy set in \`examples/simulate/\`: \`${grid.policyText.replace(/\n\s*/g, ' ')}\`.`,
    '',
    table(
      [
        'strategy',
        'setting',
        'cold share',
        'p75 per-function cold share',
        'warming overhead',
        'pings',
        'dominates Thermostat',
      ],
      grid.rows.map((row) => [
        row.strategy === 'thermostat' ? '**thermostat**' : row.strategy,
        row.setting,
        percent(row.coldShare),
        percent(row.coldShareP75),
        signedUsd(row.overheadUsd),
        int(row.pings),
        row.strategy === 'thermostat' || row.strategy === 'oracle' || !thermostat
          ? '–'
          : dominates(row, thermostat)
            ? '**yes**'
            : 'no',
      ]),
    ),
    '',
  ];
  if (thermostat && pluginDefault) {
    lines.push(
      `Verdict: ${verdict.dominatedBy.length === 0 ? 'Thermostat is **not dominated** by any grid point' : `Thermostat is **dominated** by ${verdict.dominatedBy.map(pointName).join(', ')}`}; against serverless-plugin-warmup's default (5 minutes, concurrency 1): ${verdict.warmerThanPluginDefault ? 'at least as warm' : '**colder**'} (${percent(thermostat.coldShare)} vs ${percent(pluginDefault.coldShare)} cold) at ${verdict.cheaperThanPluginDefault ? 'no more' : '**more**'} overhead (${signedUsd(thermostat.overheadUsd)} vs ${signedUsd(pluginDefault.overheadUsd)}).`,
      '',
    );
    const dominating = grid.rows.filter(
      (row) => verdict.dominatedBy.includes(gridPointName(row)) && row !== thermostat,
    );
    if (dominating.length > 0) {
      const averaged = (grid.seeds?.length ?? 1) > 1;
      const colds = (row: typeof thermostat) =>
        averaged
          ? (row.coldShare * grid.invocations).toLocaleString('en-US', {
              minimumFractionDigits: 1,
              maximumFractionDigits: 1,
            })
          : int(Math.round(row.coldShare * grid.invocations));
      lines.push(
        `By how much: Thermostat had ${colds(thermostat)} cold starts${averaged ? ` (mean of ${grid.seeds!.length} runs)` : ''} in ${int(grid.invocations)} requests; ${dominating
          .map(
            (row) =>
              `${pointName(gridPointName(row))} ${colds(row)} at ${Math.round((100 * row.overheadUsd) / thermostat.overheadUsd)}% of its overhead`,
          )
          .join('; ')}.${noiseNote(thermostat, dominating)}`,
        '',
      );
    }
    const none = grid.rows.find((row) => row.strategy === 'none');
    const parts = (row: typeof thermostat) => overheadParts(row.cost, none?.cost);
    if (parts(thermostat) && parts(pluginDefault)) {
      lines.push(
        `Where the overhead goes: Thermostat ${parts(thermostat)}; serverless-plugin-warmup's default ${parts(pluginDefault)}.`,
        '',
      );
    }
  }
  // Auto mode's forecast against what the simulation did (simulator/report/forecast.ts, as `thermostat simulate` says it).
  if (thermostat?.forecast) lines.push(`${forecastLine(thermostat.forecast)}`, '');
  return lines;
}

type GridRow = z.infer<typeof gridSchema>['rows'][number];

const thermostatOf = (rows: readonly GridRow[]) => rows.find((row) => row.strategy === 'thermostat');

/** Whether a grid's verdict is the issue's: not dominated, and as warm as the plugin's default at no more overhead. */
const passes = (verdict: z.infer<typeof gridSchema>['verdict']) =>
  verdict.dominatedBy.length === 0 && verdict.warmerThanPluginDefault && verdict.cheaperThanPluginDefault;

/**
 * Other accounts from the same traffic: each trace's functions split in two, each half on the whole grid. A table of
 * verdicts against the plugin's default, so a verdict that hangs on which functions share an account shows.
 */
function halvesSection(accounts: ReadonlyArray<z.infer<typeof halfSchema>>): string[] {
  if (accounts.length === 0) return [];
  const rows = accounts.map((account) => {
    const thermostat = thermostatOf(account.rows);
    const plugin = pluginDefaultOf(account.rows);
    const v = account.verdict;
    const shortfalls = [
      v.dominatedBy.length > 0
        ? `**dominated** by ${v.dominatedBy.length} point${v.dominatedBy.length === 1 ? '' : 's'}`
        : 'not dominated',
      ...(v.warmerThanPluginDefault ? [] : ['**colder** than the plugin default']),
      ...(v.cheaperThanPluginDefault ? [] : ['**more overhead** than the plugin default']),
    ];
    return [
      account.parent,
      `${account.half} half`,
      int(account.functions),
      int(account.invocations),
      thermostat ? `${percent(thermostat.coldShare)}, ${signedUsd(thermostat.overheadUsd)}` : '–',
      plugin ? `${percent(plugin.coldShare)}, ${signedUsd(plugin.overheadUsd)}` : '–',
      passes(v) ? 'as warm for no more' : shortfalls.join('; '),
    ];
  });
  const seeds = accounts[0].seeds;
  const failed = accounts.filter((account) => !passes(account.verdict)).length;
  return [
    '### Half accounts: the same traffic, split in two',
    '',
    `Each multi-function trace's functions split in two accounts (every other function, in the trace's order), each replayed on the same grid${seeds && seeds.length > 1 ? ` (means of ${seeds.length} runs with seeds ${seeds.join(', ')})` : ''}: a verdict that holds on a trace should not hang on which functions share its controller's ticks. Overhead and dominance as in the grids.`,
    '',
    table(
      [
        'trace',
        'account',
        'functions',
        'requests',
        'Thermostat: cold share, overhead',
        'plugin default: cold share, overhead',
        'verdict',
      ],
      rows,
    ),
    '',
    ...(failed > 0 ? [halvesWhy(accounts), ''] : []),
  ];
}

/**
 * How much colder Thermostat is than the plugin's default on an account: cold starts over all its runs, where both
 * rows have them per seed (else its cold share against the plugin's).
 */
function colderBy(account: z.infer<typeof halfSchema>): string {
  const thermostat = thermostatOf(account.rows);
  const plugin = pluginDefaultOf(account.rows);
  const sum = (counts: readonly number[]) => counts.reduce((total, count) => total + count, 0);
  const name = `${account.parent}, ${account.half} half`;
  const mine = thermostat?.coldStartsPerSeed;
  const theirs = plugin?.coldStartsPerSeed;
  if (mine && theirs && mine.length === theirs.length) {
    const more = sum(mine) - sum(theirs);
    return `${name}: ${int(more)} cold start${more === 1 ? '' : 's'} more in ${int(mine.length)} runs, ${int(sum(mine))} against ${int(sum(theirs))}`;
  }
  return `${name}: ${percent(thermostat?.coldShare)} against ${percent(plugin?.coldShare)} cold`;
}

/** Why halves fall short: warmer at more overhead, or colder, counted, with the causes found for each. */
function halvesWhy(accounts: ReadonlyArray<z.infer<typeof halfSchema>>): string {
  const short = accounts.filter((account) => !passes(account.verdict));
  const dearerWarmer = short.filter((a) => a.verdict.warmerThanPluginDefault && !a.verdict.cheaperThanPluginDefault);
  const colder = short.filter((a) => !a.verdict.warmerThanPluginDefault);
  return [
    `${short.length} of ${accounts.length} halves fall short.`,
    dearerWarmer.length > 0
      ? `${dearerWarmer.length} of them ${dearerWarmer.length === 1 ? 'is' : 'are'} warmer than the plugin default at more overhead: Thermostat keeps as many environments as the objective asks where the plugin keeps one a function, and its controller's fixed cost per tick (its invocation, its claim, its run summary and metrics lines) is shared among fewer targets.`
      : '',
    colder.length > 0
      ? `${colder.length} ${colder.length === 1 ? 'is' : 'are'} colder (${colder.map(colderBy).join('; ')}): where a few cold starts decide, where pings land does — the plugin's pings that land on busy environments start extra ones that catch some overlaps, and Thermostat skips the pings of a function whose own traffic has kept its environment warm and checks it now and then, so traffic that pauses between checks starts cold when it resumes.`
      : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/**
 * The smallest accounts: one function of a trace alone on the whole grid. A table of verdicts, and what the
 * controller's own ticks cost beside the plugin's warmer, which is where such an account's difference lies.
 */
function oneFunctionSection(accounts: ReadonlyArray<z.infer<typeof oneFunctionSchema>>): string[] {
  if (accounts.length === 0) return [];
  const rows = accounts.map((account) => {
    const thermostat = thermostatOf(account.rows);
    const plugin = pluginDefaultOf(account.rows);
    const dominated = account.verdict.dominatedBy;
    return [
      account.parent,
      `${account.function.slice(0, 10)}… (${account.trigger ?? 'trigger unknown'})`,
      int(account.invocations),
      thermostat ? `${percent(thermostat.coldShare)}, ${signedUsd(thermostat.overheadUsd)}` : '–',
      plugin ? `${percent(plugin.coldShare)}, ${signedUsd(plugin.overheadUsd)}` : '–',
      thermostat?.cost?.controller !== undefined && plugin?.cost?.controller !== undefined
        ? `${signedUsd(ownCost(thermostat.cost))} vs ${signedUsd(ownCost(plugin.cost))}`
        : '–',
      dominated.length === 0
        ? 'not dominated'
        : `**dominated** by ${dominated.length} point${dominated.length === 1 ? '' : 's'}`,
    ];
  });
  const seeds = accounts[0].seeds;
  return [
    '### One function alone: the smallest accounts',
    '',
    `Each row is one function of a trace above, replayed alone on the same grid${seeds && seeds.length > 1 ? ` (means of ${seeds.length} runs with seeds ${seeds.join(', ')})` : ''}: an account with one function to warm, whose controller serves that one target. One function per tier of requests over the trace (1–10, 11–100, 101–1,000, more), the median of its tier. Overhead and dominance as in the grids; "own invocations" is Thermostat's controller against serverless-plugin-warmup's warmer (5 minutes, concurrency 1).`,
    '',
    table(
      [
        'trace',
        'function',
        'requests',
        'Thermostat: cold share, overhead',
        'plugin default: cold share, overhead',
        'own invocations',
        'verdict',
      ],
      rows,
    ),
    '',
    ...oneFunctionWhy(accounts),
  ];
}

/** What a warmer costs itself: its own invocations and, for Thermostat, its state table. */
const ownCost = (cost: Record<string, number>) => (cost.controller ?? 0) + (cost.state ?? 0);

/** Where Thermostat is dominated alone, how much of its overhead its own ticks are: the reason, in numbers. */
function oneFunctionWhy(accounts: ReadonlyArray<z.infer<typeof oneFunctionSchema>>): string[] {
  const shares = accounts
    .filter((account) => account.verdict.dominatedBy.length > 0)
    .flatMap((account) => {
      const row = thermostatOf(account.rows);
      return row?.cost && row.overheadUsd > 0 ? [ownCost(row.cost) / row.overheadUsd] : [];
    });
  if (shares.length === 0) return [];
  const pct = (share: number) => `${Math.round(100 * share)}%`;
  return [
    `Why: where Thermostat is dominated alone, its controller's own invocations and its state table are ${pct(Math.min(...shares))}–${pct(Math.max(...shares))} of its overhead. A tick does more than a warmer's invocation (it claims the tick, reads and saves its state, publishes a run summary, pauses its schedule) at twice the memory of the plugin's 128 MB warmer, and the state table bills a write unit for each claim, ledger write and save; across an account that cost is shared by every target, with one target it is most of what warming costs.`,
    '',
  ];
}

/** A grid point as the text names it: `strategy (setting)`, no warming by that name. */
const pointName = (point: string) => (point.startsWith('none (') ? 'no warming' : point);

/**
 * Where Thermostat's runs and a dominating point's runs overlap in cold starts, one seed's draw could order them
 * either way: say so, with each one's range over the seeds.
 */
function noiseNote(thermostat: GridRow, dominating: readonly GridRow[]): string {
  const range = (row: GridRow) =>
    row.coldStartsPerSeed && row.coldStartsPerSeed.length > 1
      ? { low: Math.min(...row.coldStartsPerSeed), high: Math.max(...row.coldStartsPerSeed) }
      : undefined;
  const own = range(thermostat);
  if (!own) return '';
  const overlapping = dominating.filter((row) => {
    const other = range(row);
    return other !== undefined && other.low <= own.high && own.low <= other.high;
  });
  if (overlapping.length === 0) return '';
  const span = (row: GridRow) => `${int(range(row)!.low)}–${int(range(row)!.high)}`;
  return ` Per run, Thermostat had ${span(thermostat)} cold starts; ${overlapping
    .map((row) => `${pointName(gridPointName(row))} ${span(row)}`)
    .join(', ')}: the ranges overlap, so which of them is warmer is within the runs’ noise, and the overhead decides.`;
}

/** A row's warming overhead by item (simulator/overhead.ts), as text. */
function overheadParts(
  cost: Record<string, number> | undefined,
  none: Record<string, number> | undefined,
): string | undefined {
  if (cost === undefined || none === undefined) return undefined;
  const shown = overheadItems(cost, none);
  return shown.length === 0 ? undefined : shown.map(([label, value]) => `${label} ${signedUsd(value)}`).join(', ');
}

function simulatorReading(simulator: Simulator | undefined): string[] {
  if (!simulator) return [];
  const lines: string[] = [];
  for (const comparison of simulator.comparisons) {
    const thermostat = comparison.rows.find((row) => row.strategy === 'thermostat');
    if (!thermostat || comparison.rows.length < 3) continue;
    const others = comparison.rows.filter((row) => row.strategy !== 'thermostat' && row.strategy !== 'oracle');
    const colder = others.filter((row) => row.coldShare < thermostat.coldShare).map((row) => `\`${row.strategy}\``);
    // Every run pays the same for the functions' own work: ordering by total cost is ordering by overhead.
    const cheaper = others.filter((row) => row.costUsd < thermostat.costUsd).map((row) => `\`${row.strategy}\``);
    const both = others
      .filter((row) => row.coldShare < thermostat.coldShare && row.costUsd <= thermostat.costUsd)
      .map((row) => `\`${row.strategy}\``);
    const coldStarts = others.map((row) => row.coldShare * comparison.invocations);
    const spread = Math.max(...coldStarts, thermostat.coldShare * comparison.invocations);
    const least = Math.min(...coldStarts, thermostat.coldShare * comparison.invocations);
    const negligible = spread > 0 && (spread - least) / spread < 0.25;
    lines.push(
      `- Simulator, ${comparison.trace} (\`${comparison.policies}\` policies${comparison.seeds && comparison.seeds.length > 1 ? `, means of ${comparison.seeds.length} runs` : ''}): Thermostat's cold share ${percent(thermostat.coldShare)} at ${thermostat.overheadUsd === undefined ? usd(thermostat.costUsd) : `a warming overhead of ${signedUsd(thermostat.overheadUsd)}`}. ` +
        (colder.length > 0
          ? `Lower cold share than Thermostat: ${colder.join(', ')}. `
          : 'No other strategy (oracle aside) had a lower cold share. ') +
        (cheaper.length > 0 ? `Cheaper than Thermostat: ${cheaper.join(', ')}. ` : 'No other strategy was cheaper. ') +
        (both.length > 0
          ? `**Better on both counts than Thermostat here: ${both.join(', ')}.**`
          : 'None was better on both counts.') +
        (negligible
          ? ` Every strategy ended within ${int(spread - least)} cold starts of the others (${int(least)}–${int(spread)} in ${int(comparison.invocations)} invocations): on this trace the differences are too small to rank anyone.`
          : ''),
    );
  }
  for (const grid of simulator.grids ?? []) {
    const v = grid.verdict;
    const ok = passes(v);
    lines.push(
      `- Grid on ${grid.trace}: ${ok ? 'Thermostat (auto mode, `examples/simulate/`) is not dominated by any fixed warmer and is at least as warm as serverless-plugin-warmup’s default at no more overhead.' : `**where Thermostat falls short:** ${[v.dominatedBy.length > 0 ? `dominated by ${v.dominatedBy.map(pointName).join(', ')}` : '', v.warmerThanPluginDefault ? '' : 'colder than serverless-plugin-warmup’s default', v.cheaperThanPluginDefault ? '' : 'more overhead than serverless-plugin-warmup’s default (see where the overhead goes, under its grid)'].filter(Boolean).join('; ')}.`}`,
    );
  }
  const halves = simulator.halves ?? [];
  if (halves.length > 0) {
    const short = halves.filter((account) => !passes(account.verdict));
    lines.push(
      `- Half accounts (each trace's functions split in two): ${short.length === 0 ? `Thermostat passes on all ${halves.length}` : `Thermostat **falls short on ${short.length} of ${halves.length}** (${short.map((account) => `${account.parent}, ${account.half} half`).join('; ')}): see the table under the grids`}.`,
    );
  }
  const alone = simulator.oneFunction ?? [];
  if (alone.length > 0) {
    const dominated = alone.filter((account) => account.verdict.dominatedBy.length > 0).length;
    lines.push(
      `- One function alone (${alone.length} account${alone.length === 1 ? '' : 's'} cut from the traces above): Thermostat is ${dominated === 0 ? 'not dominated on any' : `**dominated on ${dominated} of ${alone.length}**`}${dominated > 0 ? ': with one target its controller’s own ticks cost more than a bare warmer’s invocations (see the table’s own-invocations column)' : ''}.`,
    );
  }
  if (lines.length > 0) {
    lines.push(
      '- The simulator compares policies a user would write, not tuned optima: every strategy gets the same numbers (e.g. `warm.concurrency: 2` every 5 minutes), so a strategy that keeps more capacity (provisioned concurrency) trades cost for cold share. Cold shares of busy functions are tiny under every strategy, because traffic keeps their environments warm by itself; the differences that matter are on sparse functions (the p75 column).',
    );
  }
  return lines;
}

function initReading(comparison: InitComparison | undefined): string[] {
  if (comparison === undefined) return [];
  return [
    `- Cold start (section 2, like with like): ${verdictText('init', initVerdict(comparison, 'initMsMedian'))}; ${verdictText('init + first invocation', initVerdict(comparison, 'initPlusFirstMsMedian'))}, the first tick doing what the plugin's warmer does not (state, observation).`,
  ];
}

function readingSection(report: BenchReport): string {
  const byId = (id: StepId) => report.steps.find((step) => step.id === id);
  const fanout = parse(fanoutSchema, byId('fanout')).value;
  const simulator = parse(simulatorSchema, byId('simulator')).value;
  const emulator = parse(emulatorSchema, byId('emulator')).value;
  const lightColdStart = emulator?.coldStart.find((row) => row.kind === 'light')?.firstCallP50Ms ?? undefined;
  const lines = [
    '## How to read these',
    '',
    `- This machine has ${report.machine.cores} cores and was shared with other work while the benchmarks ran (see Machine): read ratios measured within one run, not absolute times. Times are medians where a benchmark repeats.`,
    `- The emulator runs every execution environment on this one machine${lightColdStart !== undefined ? `; the first call to a new light environment took ${ms(lightColdStart)} (p50, section 5), where AWS takes hundreds of milliseconds` : ''}, and every API call stays on loopback. Absolute fan-out times here are not what AWS would show; which warmer reaches N environments, and why, carries over.`,
    ...fanoutReading(fanout, emulator),
    ...initReading(parse(controllerSchema, byId('controller')).value?.initComparison),
    ...simulatorReading(simulator),
  ];
  const failed = report.steps.filter((step) => step.status !== 'ok');
  if (failed.length > 0) {
    lines.push(
      `- Not measured in this run: ${failed.map((step) => `${step.title} (${step.status}${step.reason ? `: ${step.reason}` : ''})`).join('; ')}.`,
    );
  }
  return lines.join('\n');
}

/** The whole of BENCHMARKS.md. */
export function renderBenchmarks(report: BenchReport): string {
  const byId = (id: StepId) => report.steps.find((step) => step.id === id);
  const date = report.startedAt.slice(0, 10);
  const sections = [
    `# Benchmarks\n\nMeasured on ${date} (run started ${report.startedAt}) by \`${report.command}\`${report.quick ? ' — a **quick** smoke run of the harness on small inputs; these numbers say nothing about performance' : ''}. Every number in this file comes from that run; run \`npm run bench\` (about 20 minutes on 2 cores) to measure again and rewrite it.`,
    machineSection(report),
    commandsSection(report),
    readingSection(report),
    fanoutSection(byId('fanout')),
    footprintSection(byId('bundle'), byId('controller'), byId('fanout')),
    simulatorSection(byId('simulator')),
    targetSizeSection(byId('target-size')),
    emulatorSection(byId('emulator')),
    scaleSection(byId('scale')),
    costSection(byId('cost')),
    ['## Data and licence', '', citationBlock()].join('\n'),
  ];
  return `${sections.join('\n\n').trimEnd()}\n`;
}
