/**
 * Fan-out on the emulator: how long each warmer takes to warm N environments of each of F functions in one tick, and
 * how many distinct environments really end up warm. The contenders run their shipped code as deployed Lambda code
 * inside the emulator, against the same emulator settings, in the same run:
 *
 * - Thermostat: the bundled controller (a copy of dist/assets/controller/index.js, the asset the construct ships) as a function,
 *   one scheduled tick, real SDK clients and its own socket sizing, targets wrapped with the target helper;
 * - serverless-plugin-warmup 8.4.1: the warmer its `createWarmUpFunctionArtifact` generates, as a function, against the
 *   same helper-wrapped targets (the helper answers its payload and holds 75 ms);
 * - lambda-warmer 2.3.0: each target calls `lambda-warmer` as its README says; the benchmark plays EventBridge and
 *   sends every target's root `{warmer:true, concurrency:N}` as an asynchronous invocation.
 *
 * Each contender gets a fresh emulator (same settings, light environments), so nobody profits from another's warm
 * environments. Warm environments are counted from the emulator's own inspection, never from a warmer's claims.
 * The warmer functions are pre-initialised with provisioned concurrency so their own cold start is not part of the
 * race (it is reported separately, with their memory).
 *
 * Prints JSON. Run: npx tsx benchmarks/fanout.ts [--quick]
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { dirname, join } from 'node:path';
import { InvokeCommand, LambdaClient, PutProvisionedConcurrencyConfigCommand } from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { build } from 'esbuild';
import { ThermostatDefaults } from '../construct/thermostat';
import { type Emulator, type FunctionSpecInput, startEmulator } from '../emulator';
import { createEmulatorStateTable } from './local-setup';

const ROOT = join(__dirname, '..');
const CONTROLLER_ASSET = join(ROOT, 'dist', 'assets', 'controller');

/**
 * `thermostat-pool-1000` is Thermostat with THERMOSTAT_MAX_SOCKETS=1010: it shows how much of Thermostat's time is
 * its default socket pool (largest round + act parallelism), which bounds the pings of all targets in flight at once.
 */
export const CONTENDERS = ['thermostat', 'serverless-plugin-warmup', 'lambda-warmer', 'thermostat-pool-1000'] as const;
export type ContenderId = (typeof CONTENDERS)[number];
const COMPETITORS: readonly ContenderId[] = ['thermostat', 'serverless-plugin-warmup', 'lambda-warmer'];

export interface Scenario {
  readonly id: 'spread' | 'single';
  readonly functions: number;
  /** Distinct environments wanted per function (N). */
  readonly perFunction: number;
  readonly repetitions: number;
  readonly contenders: readonly ContenderId[];
}

/** The full run: 1,000 environments over 100 functions, and one round of 200 on one function. */
export const FULL_SCENARIOS: readonly Scenario[] = [
  { id: 'spread', functions: 100, perFunction: 10, repetitions: 3, contenders: CONTENDERS },
  // One target: Thermostat's default pool is already 200 + act parallelism, so the wide-pool variant adds nothing.
  { id: 'single', functions: 1, perFunction: 200, repetitions: 2, contenders: COMPETITORS },
];

/** A smoke run of the harness: the same code paths on a few environments. */
export const QUICK_SCENARIOS: readonly Scenario[] = [
  { id: 'spread', functions: 4, perFunction: 3, repetitions: 1, contenders: COMPETITORS },
  { id: 'single', functions: 1, perFunction: 12, repetitions: 1, contenders: COMPETITORS },
];

/** Emulator settings shared by every contender. */
const EMULATOR_SETTINGS = {
  environment: 'light',
  dynamodb: true,
  // Room for 1,000 pings within Thermostat's default budget (a fifth of unreserved concurrency) and for
  // lambda-warmer's root environments on top of the warmed ones.
  accountConcurrency: 10_000,
  prewarmProcesses: 0,
  // Only the warmer functions use provisioned concurrency (to pre-initialise them); waiting for it measures nothing.
  provisionedAllocationDelayMs: 0,
} as const;

/** Thermostat's construct defaults for the controller function; serverless-plugin-warmup's are 128 MB and 10 s. */
const WARMER_TIMEOUT_MS = 50_000;
const SPW_DEFAULT_TIMEOUT_MS = 10_000;
const TARGET_TIMEOUT_MS = 10_000;
/** lambda-warmer's documented delay for its fan-out copies. */
const LAMBDA_WARMER_DELAY_MS = 75;

export interface WarmerFootprint {
  readonly function: string;
  /** The init phase of its environment (module load and, for Thermostat, building the SDK clients). */
  readonly initMs: number | undefined;
  readonly coldStartMs: number | undefined;
  /** Resident memory of its environment's process after the tick, and its peak (VmHWM). */
  readonly rssMb: number | undefined;
  readonly peakRssMb: number | undefined;
  readonly codeBytes: number;
}

export interface ContenderRun {
  readonly contender: ContenderId;
  readonly scenario: Scenario['id'];
  readonly repetition: number;
  readonly functions: number;
  readonly perFunction: number;
  readonly wanted: number;
  /** From the trigger to the emulator being quiet (every warming invocation, async ones included, finished). */
  readonly wallMs: number;
  /** From the trigger until the warmer's own invocation returned (lambda-warmer: until every root was accepted). */
  readonly returnedMs: number;
  /** Idle, live environments of the target functions afterwards (the emulator's count). */
  readonly warmEnvironments: number;
  /** The same, counting at most N per function (what was asked for). */
  readonly warmUpToN: number;
  readonly environmentsCreated: number;
  readonly functionsReachedN: number;
  readonly reachedShare: number;
  readonly perFunctionWarm: { readonly min: number; readonly median: number; readonly max: number };
  /**
   * Invokes the warmer sent to the targets: Thermostat's own count of pings; serverless-plugin-warmup's
   * functions × concurrency (its code sends exactly that many); lambda-warmer's roots and fan-out copies.
   */
  readonly attempted: number;
  /** Invocations that reached the target functions' handlers (lambda-warmer's roots included), and throttles. */
  readonly invocations: number;
  readonly throttles: number;
  readonly functionErrors: number;
  /**
   * Invokes that never reached a handler (sent but failed in the warmer's client, e.g. a connection timeout while
   * queued for a socket), plus one when the warmer's own invocation failed.
   */
  readonly warmerErrors: number;
  readonly errors: number;
  readonly errorMessages: readonly string[];
  /**
   * When the first and the last target environment were created, from the trigger: before the first, the warmer
   * was still preparing (Thermostat reads account settings, function configurations and its state first).
   */
  readonly firstEnvironmentAfterMs: number | undefined;
  readonly lastEnvironmentAfterMs: number | undefined;
  /** Invocations in flight on the whole emulator, sampled every 200 ms: the largest sample. */
  readonly peakInFlight: number;
  /** What the warmer says it did, for comparison with what the emulator saw. */
  readonly claims: Readonly<Record<string, number | string | boolean>>;
  readonly warmer?: WarmerFootprint;
}

export interface ScenarioSummary {
  readonly scenario: Scenario['id'];
  readonly functions: number;
  readonly perFunction: number;
  readonly wanted: number;
  readonly repetitions: number;
  readonly rows: ReadonlyArray<{
    readonly contender: ContenderId;
    readonly wallMsMedian: number;
    readonly warmUpToN: number;
    readonly reachedShare: number;
    readonly attempted: number;
    readonly invocations: number;
    readonly errors: number;
    /** This contender's median wall time divided by Thermostat's: above 1, Thermostat finished first. */
    readonly wallVsThermostat: number | null;
    /** Environments warmed (up to N each) divided by Thermostat's. */
    readonly warmVsThermostat: number | null;
  }>;
}

export interface FanoutResult {
  readonly benchmark: 'fanout';
  readonly quick: boolean;
  readonly command: string;
  readonly emulator: typeof EMULATOR_SETTINGS & { readonly targetTimeoutMs: number; readonly warmerTimeoutMs: number };
  readonly versions: Readonly<Record<string, string>>;
  readonly runs: readonly ContenderRun[];
  readonly summary: readonly ScenarioSummary[];
  readonly notes: readonly string[];
  readonly wallMs: number;
}

export class FanoutBenchmarkError extends Error {
  override readonly name = 'FanoutBenchmarkError';
}

interface Workspace {
  readonly dir: string;
  readonly warmTarget: string;
  readonly lambdaWarmerTarget: string;
  readonly lambdaWarmerBytes: number;
  /** A private copy of the controller asset, so a rebuild by someone else mid-run cannot change what is measured. */
  readonly controllerBundle: string;
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')) as { version: string }).version;
}

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

const functionName = (index: number) => `fn-${String(index).padStart(3, '0')}`;

/**
 * Handlers and generated code live in a folder inside the repository so their `require('@aws-sdk/client-lambda')`
 * resolves to this package's node_modules, as the Lambda runtime's bundled SDK would.
 */
async function prepareWorkspace(dir: string): Promise<Workspace> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  // The helper-wrapped no-op target, bundled the way a user's function ships.
  const warmTarget = join(dir, 'thermostat-target.js');
  await build({
    stdin: {
      contents:
        "import { withThermostat } from './target';\nexport const handler = withThermostat(async () => ({ statusCode: 200, body: 'ok' }));",
      resolveDir: ROOT,
      sourcefile: 'thermostat-target.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: warmTarget,
    logLevel: 'silent',
  });

  // Light environments share whatever sits under node_modules, and lambda-warmer keeps its function name and warm
  // flag in module state: a byte-identical copy outside node_modules gives every environment its own instance, as
  // every Lambda environment has.
  const source = packageDir('lambda-warmer');
  const copy = join(dir, 'lambda-warmer');
  cpSync(source, copy, { recursive: true });
  for (const file of ['index.js', join('lib', 'lambda-service.js')]) {
    if (!readFileSync(join(source, file)).equals(readFileSync(join(copy, file)))) {
      throw new FanoutBenchmarkError(`the copy of lambda-warmer/${file} differs from the installed package`);
    }
  }
  const lambdaWarmerTarget = join(dir, 'lambda-warmer-target.js');
  writeFileSync(
    lambdaWarmerTarget,
    [
      "'use strict';",
      '// lambda-warmer as its README shows it: the target itself recognises the warming event and fans out.',
      "const warmer = require('./lambda-warmer');",
      'exports.handler = async (event, context) => {',
      `  if (await warmer(event, { delay: ${LAMBDA_WARMER_DELAY_MS} }, context)) return 'warmed';`,
      "  return { statusCode: 200, body: 'ok' };",
      '};',
      '',
    ].join('\n'),
  );
  const lambdaWarmerBytes =
    statSync(join(source, 'index.js')).size + statSync(join(source, 'lib', 'lambda-service.js')).size;

  // The controller asset the construct ships, rebuilt from the current sources.
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'bundle.js')], { cwd: ROOT, stdio: 'ignore' });
  const controllerBundle = join(dir, 'controller', 'index.js');
  cpSync(CONTROLLER_ASSET, dirname(controllerBundle), { recursive: true });
  return { dir, warmTarget, lambdaWarmerTarget, lambdaWarmerBytes, controllerBundle };
}

interface Prepared {
  readonly functions: FunctionSpecInput[];
  readonly warmerFunction?: string;
  readonly codeBytes: number;
  readonly table?: string;
}

/**
 * serverless-plugin-warmup's warmer for `names` (each warmed `concurrency` at a time), generated by the plugin's own
 * `createWarmUpFunctionArtifact` with its defaults (verbose, default payload, unqualified names, no tracing) into
 * `folder`, which must sit inside the repository so its `@aws-sdk/client-lambda` import resolves. Returns the
 * handler file (export `warmUp`).
 */
export async function generatePluginWarmer(
  folder: string,
  names: readonly string[],
  concurrency: number,
): Promise<string> {
  const { createWarmUpFunctionArtifact } = require('serverless-plugin-warmup/src/warmer.js') as {
    createWarmUpFunctionArtifact: (
      functions: unknown[],
      tracing: boolean,
      verbose: boolean,
      region: string,
      folder: string,
    ) => Promise<void>;
  };
  await createWarmUpFunctionArtifact(
    names.map((name) => ({
      name,
      config: {
        concurrency,
        payload: JSON.stringify({ source: 'serverless-plugin-warmup' }),
        clientContext: undefined,
        alias: undefined,
      },
    })),
    false,
    true,
    'us-east-1',
    folder,
  );
  return join(folder, 'index.mjs');
}

async function prepareContender(ws: Workspace, scenario: Scenario, contender: ContenderId): Promise<Prepared> {
  const names = Array.from({ length: scenario.functions }, (_, i) => functionName(i));
  const handler = contender === 'lambda-warmer' ? ws.lambdaWarmerTarget : ws.warmTarget;
  const targets: FunctionSpecInput[] = names.map((name) => ({ name, handler, timeoutMs: TARGET_TIMEOUT_MS }));
  const published = { versions: { '1': {} }, aliases: { live: '1' } };

  if (contender === 'thermostat' || contender === 'thermostat-pool-1000') {
    const policyFile = join(ws.dir, `policies-${scenario.id}.json`);
    writeFileSync(
      policyFile,
      JSON.stringify({
        policies: names.map((name) => ({ function: name, warm: { concurrency: scenario.perFunction } })),
      }),
    );
    const table = `thermostat-bench-${scenario.id}`;
    const controller: FunctionSpecInput = {
      name: 'thermostat-controller',
      handler: ws.controllerBundle,
      environment: 'process',
      memoryMb: ThermostatDefaults.memorySize,
      timeoutMs: WARMER_TIMEOUT_MS,
      env: {
        THERMOSTAT_TABLE: table,
        THERMOSTAT_POLICY_FILE: policyFile,
        POWERTOOLS_SERVICE_NAME: 'thermostat-bench',
        POWERTOOLS_METRICS_NAMESPACE: 'Thermostat',
        // No X-Ray daemon here: with tracing on, every SDK call would log a missing-segment error.
        POWERTOOLS_TRACE_ENABLED: 'false',
        ...(contender === 'thermostat-pool-1000' ? { THERMOSTAT_MAX_SOCKETS: '1010' } : {}),
      },
      ...published,
    };
    return {
      functions: [...targets, controller],
      warmerFunction: controller.name,
      codeBytes: statSync(ws.controllerBundle).size,
      table,
    };
  }

  if (contender === 'serverless-plugin-warmup') {
    const warmerHandler = await generatePluginWarmer(
      join(ws.dir, `serverless-plugin-warmup-${scenario.id}`),
      names,
      scenario.perFunction,
    );
    const warmer: FunctionSpecInput = {
      name: 'warmup-plugin-default',
      handler: warmerHandler,
      export: 'warmUp',
      environment: 'process',
      memoryMb: 128,
      timeoutMs: WARMER_TIMEOUT_MS,
      ...published,
    };
    return { functions: [...targets, warmer], warmerFunction: warmer.name, codeBytes: statSync(warmer.handler).size };
  }

  return { functions: targets, codeBytes: ws.lambdaWarmerBytes };
}

function lambdaClient(emulator: Emulator, sockets: number): LambdaClient {
  return new LambdaClient({
    ...emulator.clientConfig(),
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpAgent: new Agent({ keepAlive: true, maxSockets: sockets }),
      requestTimeout: 5 * 60_000,
    }),
  });
}

/** Pre-initialises the warmer's environment (provisioned concurrency 1 on `live`) and waits for READY. */
async function provisionWarmer(emulator: Emulator, lambda: LambdaClient, name: string): Promise<void> {
  await lambda.send(
    new PutProvisionedConcurrencyConfigCommand({
      FunctionName: name,
      Qualifier: 'live',
      ProvisionedConcurrentExecutions: 1,
    }),
  );
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    const config = emulator.inspect().functions.find((fn) => fn.name === name)?.provisioned[0];
    if (config?.status === 'READY') return;
    if (config?.status === 'FAILED') {
      throw new FanoutBenchmarkError(`the ${name} environment failed to initialise: ${config.statusReason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new FanoutBenchmarkError(`the ${name} environment was not READY within 60 s`);
}

function memoryOf(pid: number | undefined): { rssMb: number | undefined; peakRssMb: number | undefined } {
  if (pid === undefined) return { rssMb: undefined, peakRssMb: undefined };
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const mb = (field: string) => {
      const kb = /(\d+)\s*kB/.exec(status.split('\n').find((line) => line.startsWith(`${field}:`)) ?? '')?.[1];
      return kb === undefined ? undefined : Math.round(Number(kb) / 102.4) / 10;
    };
    return { rssMb: mb('VmRSS'), peakRssMb: mb('VmHWM') };
  } catch {
    return { rssMb: undefined, peakRssMb: undefined };
  }
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const decode = (payload: Uint8Array | undefined) => (payload ? Buffer.from(payload).toString('utf8') : '');

interface Trigger {
  readonly returnedMs: number;
  readonly claims: Record<string, number | string | boolean>;
  readonly warmerErrors: number;
  readonly messages: string[];
}

async function triggerWarmer(lambda: LambdaClient, name: string, event: unknown, started: number): Promise<Trigger> {
  const messages: string[] = [];
  try {
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: name, Qualifier: 'live', Payload: Buffer.from(JSON.stringify(event)) }),
    );
    const returnedMs = performance.now() - started;
    const text = decode(out.Payload);
    if (out.FunctionError) {
      messages.push(`${name} failed: ${text.slice(0, 300)}`);
      return { returnedMs, claims: { functionError: out.FunctionError }, warmerErrors: 1, messages };
    }
    return { returnedMs, claims: thermostatClaims(text), warmerErrors: 0, messages };
  } catch (error) {
    messages.push(`invoking ${name} failed: ${(error as Error).message}`);
    return { returnedMs: performance.now() - started, claims: {}, warmerErrors: 1, messages };
  }
}

/** The controller's run report, reduced to what it claims; serverless-plugin-warmup returns nothing. */
function thermostatClaims(payload: string): Record<string, number | string | boolean> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || !('totals' in parsed)) return {};
  const report = parsed as {
    status?: string;
    durationMs?: number;
    totals?: Record<string, unknown>;
  };
  const claims: Record<string, number | string | boolean> = {};
  if (typeof report.status === 'string') claims.status = report.status;
  if (typeof report.durationMs === 'number') claims.tickDurationMs = report.durationMs;
  for (const key of ['pingsSent', 'environmentsProven', 'shortfall', 'pingFailures', 'targetFailures']) {
    const value = report.totals?.[key];
    if (typeof value === 'number') claims[key] = value;
  }
  return claims;
}

/** lambda-warmer has no warmer function: a schedule sends each target its root event asynchronously. */
async function triggerRoots(
  lambda: LambdaClient,
  names: readonly string[],
  perFunction: number,
  started: number,
): Promise<Trigger> {
  const messages: string[] = [];
  let failed = 0;
  await Promise.all(
    names.map(async (name) => {
      try {
        await lambda.send(
          new InvokeCommand({
            FunctionName: name,
            InvocationType: 'Event',
            Payload: Buffer.from(JSON.stringify({ warmer: true, concurrency: perFunction })),
          }),
        );
      } catch (error) {
        failed += 1;
        if (messages.length < 3) messages.push(`root event for ${name} failed: ${(error as Error).message}`);
      }
    }),
  );
  return {
    returnedMs: performance.now() - started,
    claims: { rootsSent: names.length, rootsAccepted: names.length - failed },
    warmerErrors: failed,
    messages,
  };
}

/**
 * serverless-plugin-warmup says how many functions had an invoke error in its last log line, and logs each error
 * (`Warm Up Invoke Error: <function> <error>`); the first one tells what went wrong.
 */
function pluginLoggedErrors(emulator: Emulator, name: string): { functions?: number; first?: string } {
  const lines = emulator.logs({ functionName: name, limit: 5_000 });
  const text = lines.find((line) => line.text.includes('Warm Up Invoke Error'))?.text;
  // Drop the runtime's "<time> <request id> ERROR" prefix.
  const first = text?.slice(text.indexOf('Warm Up Invoke Error'));
  for (let i = lines.length - 1; i >= 0; i--) {
    const match = /Warm Up Finished with (\d+) invoke errors/.exec(lines[i]!.text);
    if (match) return { functions: Number(match[1]), ...(first ? { first } : {}) };
  }
  return first ? { first } : {};
}

async function runContender(
  ws: Workspace,
  scenario: Scenario,
  contender: ContenderId,
  repetition: number,
): Promise<ContenderRun> {
  const prepared = await prepareContender(ws, scenario, contender);
  const emulator = await startEmulator({ ...EMULATOR_SETTINGS, baseDir: ws.dir, functions: prepared.functions });
  const lambda = lambdaClient(emulator, scenario.functions + 10);
  let poll: NodeJS.Timeout | undefined;
  try {
    if (prepared.table) await createEmulatorStateTable(emulator, prepared.table);
    if (prepared.warmerFunction) await provisionWarmer(emulator, lambda, prepared.warmerFunction);

    const names = Array.from({ length: scenario.functions }, (_, i) => functionName(i));
    let peakInFlight = 0;
    poll = setInterval(() => {
      peakInFlight = Math.max(peakInFlight, emulator.inspect().account.inFlight);
    }, 200);
    const triggeredAt = emulator.clock.now();
    const started = performance.now();
    const trigger = prepared.warmerFunction
      ? await triggerWarmer(
          lambda,
          prepared.warmerFunction,
          { 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date().toISOString() },
          started,
        )
      : await triggerRoots(lambda, names, scenario.perFunction, started);
    await emulator.settle();
    const wallMs = performance.now() - started;
    clearInterval(poll);
    poll = undefined;

    const snapshot = emulator.inspect();
    const targets = snapshot.functions.filter((fn) => names.includes(fn.name));
    const warmPer = targets.map((fn) => fn.environments.filter((env) => env.state === 'idle' && !env.retiring).length);
    const sum = (pick: (fn: (typeof targets)[number]) => number) => targets.reduce((total, fn) => total + pick(fn), 0);
    const created = targets.flatMap((fn) => fn.environments.map((env) => env.createdAt - triggeredAt));
    const functionErrors = sum((fn) => fn.counts.errors);
    const throttles = sum((fn) => fn.counts.throttles);

    const invocations = sum((fn) => fn.counts.invocations);
    const arrived = invocations + throttles;
    const claims = { ...trigger.claims };
    // lambda-warmer's copies each use a new client straight to the endpoint: only failed roots can be lost.
    const attempted =
      contender === 'lambda-warmer'
        ? arrived + trigger.warmerErrors
        : contender === 'serverless-plugin-warmup'
          ? scenario.functions * scenario.perFunction
          : typeof claims.pingsSent === 'number'
            ? claims.pingsSent
            : arrived;
    const lost = Math.max(0, attempted - arrived);
    const warmerErrors = contender === 'lambda-warmer' ? lost : lost + trigger.warmerErrors;
    const messages = [...trigger.messages];
    if (lost > 0) messages.push(`${lost} invoke(s) sent by the warmer never reached a handler`);
    if (contender === 'serverless-plugin-warmup' && prepared.warmerFunction) {
      const logged = pluginLoggedErrors(emulator, prepared.warmerFunction);
      if (logged.functions !== undefined) {
        claims.functionsWithInvokeErrors = logged.functions;
        if (logged.functions > 0) {
          messages.push(`serverless-plugin-warmup logged invoke errors for ${logged.functions} function(s)`);
        }
      }
      if (logged.first) messages.push(`first error it logged: ${oneLine(logged.first, 240)}`);
      claims.wouldExceedDefaultTimeout = trigger.returnedMs > SPW_DEFAULT_TIMEOUT_MS;
    }
    if (functionErrors > 0) {
      const line = emulator
        .logs({ limit: 5_000 })
        .find((entry) => names.includes(entry.functionName) && /error/i.test(entry.text));
      if (line) messages.push(`a target logged: ${oneLine(line.text, 200)}`);
    }

    let warmer: WarmerFootprint | undefined;
    if (prepared.warmerFunction) {
      const env = emulator.environments(prepared.warmerFunction)[0];
      warmer = {
        function: prepared.warmerFunction,
        initMs: round(env?.initDurationMs),
        coldStartMs: round(env?.coldStartMs),
        ...memoryOf(env?.pid),
        codeBytes: prepared.codeBytes,
      };
    }

    const wanted = scenario.functions * scenario.perFunction;
    const warmUpToN = warmPer.reduce((total, n) => total + Math.min(n, scenario.perFunction), 0);
    const reached = warmPer.filter((n) => n >= scenario.perFunction).length;
    return {
      contender,
      scenario: scenario.id,
      repetition,
      functions: scenario.functions,
      perFunction: scenario.perFunction,
      wanted,
      wallMs: Math.round(wallMs),
      returnedMs: Math.round(trigger.returnedMs),
      warmEnvironments: warmPer.reduce((total, n) => total + n, 0),
      warmUpToN,
      environmentsCreated: sum((fn) => fn.counts.environmentsCreated),
      functionsReachedN: reached,
      reachedShare: round(reached / scenario.functions, 3) ?? 0,
      perFunctionWarm: { min: Math.min(...warmPer), median: median(warmPer), max: Math.max(...warmPer) },
      attempted,
      invocations,
      throttles,
      functionErrors,
      warmerErrors,
      errors: functionErrors + throttles + warmerErrors,
      errorMessages: messages.slice(0, 5),
      firstEnvironmentAfterMs: created.length > 0 ? Math.round(Math.min(...created)) : undefined,
      lastEnvironmentAfterMs: created.length > 0 ? Math.round(Math.max(...created)) : undefined,
      peakInFlight,
      claims,
      ...(warmer ? { warmer } : {}),
    };
  } finally {
    if (poll) clearInterval(poll);
    lambda.destroy();
    await emulator.stop();
  }
}

const oneLine = (text: string, max: number) => text.replace(/\s+/g, ' ').trim().slice(0, max);

function round(value: number | undefined, digits = 1): number | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function summarise(scenarios: readonly Scenario[], runs: readonly ContenderRun[]): ScenarioSummary[] {
  return scenarios.map((scenario) => {
    const of = (contender: ContenderId) => runs.filter((r) => r.scenario === scenario.id && r.contender === contender);
    const base = of('thermostat');
    const baseWall = median(base.map((r) => r.wallMs));
    const baseWarm = median(base.map((r) => r.warmUpToN));
    const rows = CONTENDERS.filter((contender) => of(contender).length > 0).map((contender) => {
      const mine = of(contender);
      const wall = median(mine.map((r) => r.wallMs));
      const warm = median(mine.map((r) => r.warmUpToN));
      return {
        contender,
        wallMsMedian: Math.round(wall),
        warmUpToN: warm,
        reachedShare: median(mine.map((r) => r.reachedShare)),
        attempted: median(mine.map((r) => r.attempted)),
        invocations: median(mine.map((r) => r.invocations)),
        errors: median(mine.map((r) => r.errors)),
        wallVsThermostat: base.length > 0 && baseWall > 0 ? (round(wall / baseWall, 2) ?? null) : null,
        warmVsThermostat: base.length > 0 && baseWarm > 0 ? (round(warm / baseWarm, 3) ?? null) : null,
      };
    });
    return {
      scenario: scenario.id,
      functions: scenario.functions,
      perFunction: scenario.perFunction,
      wanted: scenario.functions * scenario.perFunction,
      repetitions: scenario.repetitions,
      rows,
    };
  });
}

export interface FanoutOptions {
  readonly quick?: boolean;
  readonly scenarios?: readonly Scenario[];
  readonly contenders?: readonly ContenderId[];
  readonly onProgress?: (message: string) => void;
}

/** Runs every scenario, each repetition with the contenders in a rotated order so none always goes first. */
export async function fanoutBenchmark(options: FanoutOptions = {}): Promise<FanoutResult> {
  const quick = options.quick === true;
  const scenarios = options.scenarios ?? (quick ? QUICK_SCENARIOS : FULL_SCENARIOS);
  const chosen = options.contenders ?? CONTENDERS;
  const progress = options.onProgress ?? ((message: string) => process.stderr.write(`fan-out: ${message}\n`));
  const started = performance.now();
  const dir = join(ROOT, 'test-artifacts', `bench-fanout-${process.pid}`);
  const runs: ContenderRun[] = [];
  try {
    const ws = await prepareWorkspace(dir);
    for (const scenario of scenarios) {
      for (let repetition = 0; repetition < scenario.repetitions; repetition++) {
        const contenders = scenario.contenders.filter((contender) => chosen.includes(contender));
        const order = contenders.map((_, i) => contenders[(i + repetition) % contenders.length]!);
        for (const contender of order) {
          progress(
            `${scenario.id} ${scenario.functions}×${scenario.perFunction}, ${contender} (repetition ${repetition + 1}/${scenario.repetitions})`,
          );
          const run = await runContender(ws, scenario, contender, repetition + 1);
          progress(
            `  ${(run.wallMs / 1000).toFixed(1)} s, ${run.warmUpToN}/${run.wanted} warm, ${run.functionsReachedN}/${run.functions} functions reached ${run.perFunction}, ${run.errors} errors`,
          );
          runs.push(run);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    benchmark: 'fanout',
    quick,
    command: `npx tsx benchmarks/fanout.ts${quick ? ' --quick' : ''}`,
    emulator: { ...EMULATOR_SETTINGS, targetTimeoutMs: TARGET_TIMEOUT_MS, warmerTimeoutMs: WARMER_TIMEOUT_MS },
    versions: {
      'serverless-plugin-warmup': packageVersion('serverless-plugin-warmup'),
      'lambda-warmer': packageVersion('lambda-warmer'),
      '@aws-sdk/client-lambda': packageVersion('@aws-sdk/client-lambda'),
    },
    runs,
    summary: summarise(scenarios, runs),
    notes: [
      `Every contender runs on a fresh emulator with the same settings (light environments, account concurrency ${EMULATOR_SETTINGS.accountConcurrency}, control plane 15 requests/s).`,
      'Warm environments are counted by the emulator (idle, live environments of the target functions after the run), not by the warmers.',
      'The warmer functions (Thermostat controller, serverless-plugin-warmup warmer) are pre-initialised with provisioned concurrency; their init time and memory are reported separately.',
      `Both warmer functions get a ${WARMER_TIMEOUT_MS / 1000}-s timeout (the construct's default); serverless-plugin-warmup's own default is ${SPW_DEFAULT_TIMEOUT_MS / 1000} s.`,
      `lambda-warmer runs in each target with delay ${LAMBDA_WARMER_DELAY_MS} ms; its root events are sent asynchronously, as an EventBridge rule would.`,
      'Thermostat and serverless-plugin-warmup ping the same target-helper-wrapped no-op handler; the helper holds a serverless-plugin-warmup ping 75 ms (its default), longer than the 25 ms the plugin README suggests.',
    ],
    wallMs: Math.round(performance.now() - started),
  };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const only = args.find((arg) => arg.startsWith('--contenders='))?.slice('--contenders='.length);
  const contenders = only
    ? only.split(',').map((name) => {
        if (!(CONTENDERS as readonly string[]).includes(name)) {
          throw new FanoutBenchmarkError(`unknown contender "${name}"; use ${CONTENDERS.join(', ')}`);
        }
        return name as ContenderId;
      })
    : undefined;
  fanoutBenchmark({ quick: args.includes('--quick'), ...(contenders ? { contenders } : {}) }).then(
    (result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
