/**
 * How fast and how big the local emulator is, so later benchmarks know it is not their bottleneck:
 * warm no-op Invokes per second through the real SDK, the cost of a cold start (process and light environments),
 * memory per environment of each kind, and the most invocations held in flight at once.
 * The SDK client runs in a worker thread so its CPU (signing, serialising) does not share the emulator's event loop,
 * as a real caller would not. Prints JSON. Run: npx tsx benchmarks/emulator.ts [--quick]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type Emulator, type EnvironmentKind, startEmulator } from '../emulator';

const FIXTURES = join(__dirname, '..', 'test', 'fixtures', 'emulator');

interface LoadJob {
  readonly type: 'throughput' | 'fanout';
  readonly functionName: string;
  readonly concurrency: number;
  readonly total: number;
  readonly payload: string;
}

interface LoadResult {
  readonly ms: number;
  readonly ok: number;
  readonly errors: number;
  readonly firstError?: string;
  readonly latencies: number[];
  readonly envIds: string[];
}

// Plain JavaScript so the worker needs no TypeScript loader; it requires the SDK from this package.
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const { Agent } = require('node:http');
const { LambdaClient, InvokeCommand } = require(workerData.lambdaPath);
const { NodeHttpHandler } = require(workerData.handlerPath);
const client = new LambdaClient({
  endpoint: workerData.endpoint, region: 'us-east-1', maxAttempts: 1,
  credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
  requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: workerData.maxSockets }) }),
});
parentPort.on('message', async (job) => {
  const latencies = [];
  const envIds = [];
  let ok = 0, errors = 0, firstError, next = 0;
  const started = performance.now();
  async function lane() {
    while (next < job.total) {
      next++;
      const t = performance.now();
      try {
        const out = await client.send(new InvokeCommand({ FunctionName: job.functionName, Payload: job.payload }));
        if (out.FunctionError) throw new Error(Buffer.from(out.Payload).toString());
        if (job.type === 'fanout') envIds.push(JSON.parse(Buffer.from(out.Payload).toString()).envId);
        ok++;
      } catch (error) { errors++; firstError ??= String(error && error.message || error); }
      latencies.push(performance.now() - t);
    }
  }
  await Promise.all(Array.from({ length: job.concurrency }, lane));
  parentPort.postMessage({ ms: performance.now() - started, ok, errors, firstError, latencies, envIds });
});
`;

class LoadClient {
  private readonly worker: Worker;

  constructor(endpoint: string, maxSockets: number) {
    this.worker = new Worker(CLIENT, {
      eval: true,
      workerData: {
        endpoint,
        maxSockets,
        lambdaPath: require.resolve('@aws-sdk/client-lambda'),
        handlerPath: require.resolve('@smithy/node-http-handler'),
      },
    });
  }

  run(job: LoadJob): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.worker.once('error', onError);
      this.worker.once('message', (result: LoadResult) => {
        this.worker.off('error', onError);
        resolve(result);
      });
      this.worker.postMessage(job);
    });
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (n: number | undefined, digits = 1) => (n === undefined ? undefined : Number(n.toFixed(digits)));

/** Resident memory of a process in MB (Linux /proc). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

async function withEmulator<T>(
  kind: EnvironmentKind,
  extra: Parameters<typeof startEmulator>[0],
  body: (e: Emulator) => Promise<T>,
): Promise<T> {
  const emulator = await startEmulator({
    environment: kind,
    baseDir: FIXTURES,
    accountConcurrency: 5_000,
    unreservedFloor: 100,
    scalingRate: 10_000,
    prewarmProcesses: 0,
    ...extra,
  });
  try {
    return await body(emulator);
  } finally {
    await emulator.stop();
  }
}

async function throughput(kind: EnvironmentKind, concurrency: number, total: number) {
  return withEmulator(kind, { functions: [{ name: 'noop', handler: 'noop.js' }] }, async (emulator) => {
    const client = new LoadClient(emulator.endpoint, concurrency * 2);
    try {
      // Warm-up: create the environments and let both sides' JIT settle.
      await client.run({
        type: 'throughput',
        functionName: 'noop',
        concurrency,
        total: Math.max(concurrency * 20, 1_000),
        payload: '{}',
      });
      const result = await client.run({ type: 'throughput', functionName: 'noop', concurrency, total, payload: '{}' });
      return {
        kind,
        concurrency,
        invocations: result.ok,
        errors: result.errors,
        invokesPerSecond: Math.round((result.ok / result.ms) * 1000),
        p50Ms: round(percentile(result.latencies, 50), 2),
        p99Ms: round(percentile(result.latencies, 99), 2),
        environments: emulator.environments('noop').length,
      };
    } finally {
      await client.stop();
    }
  });
}

async function coldStarts(kind: EnvironmentKind, samples: number, prewarmProcesses: number) {
  return withEmulator(kind, { prewarmProcesses }, async (emulator) => {
    const client = new LoadClient(emulator.endpoint, 4);
    const firstCall: number[] = [];
    const warmCall: number[] = [];
    try {
      for (let i = 0; i < samples; i++) {
        const name = `cold-${i}`;
        emulator.registerFunction({ name, handler: 'echo.js' });
        // Give the pre-started pool time to refill, as it would between real cold starts.
        if (prewarmProcesses > 0) await new Promise((resolve) => setTimeout(resolve, 400));
        const cold = await client.run({
          type: 'throughput',
          functionName: name,
          concurrency: 1,
          total: 1,
          payload: '{}',
        });
        const warm = await client.run({
          type: 'throughput',
          functionName: name,
          concurrency: 1,
          total: 5,
          payload: '{}',
        });
        if (cold.errors + warm.errors > 0) throw new Error(cold.firstError ?? warm.firstError);
        firstCall.push(cold.latencies[0]!);
        warmCall.push(percentile(warm.latencies, 50));
      }
      const envs = emulator.environments();
      const of = (pick: (e: (typeof envs)[number]) => number | undefined) =>
        envs.map(pick).filter((v): v is number => v !== undefined);
      return {
        kind,
        prewarmProcesses: kind === 'process' ? prewarmProcesses : undefined,
        samples,
        firstCallP50Ms: round(percentile(firstCall, 50)),
        warmCallP50Ms: round(percentile(warmCall, 50), 2),
        coldStartP50Ms: round(
          percentile(
            of((e) => e.coldStartMs),
            50,
          ),
        ),
        spawnP50Ms: round(
          percentile(
            of((e) => e.spawnMs),
            50,
          ),
        ),
        initDurationP50Ms: round(
          percentile(
            of((e) => e.initDurationMs),
            50,
          ),
          2,
        ),
      };
    } finally {
      await client.stop();
    }
  });
}

/** Holds `count` invocations at once, then measures memory and how many were in flight together. */
async function fanOut(kind: EnvironmentKind, count: number, holdMs: number, handler: string) {
  const functions = [{ name: 'target', handler, timeoutMs: holdMs + 30_000 }];
  return withEmulator(kind, { functions }, async (emulator) => {
    const client = new LoadClient(emulator.endpoint, count + 10);
    try {
      // One environment first, so the light host's own baseline is measured apart from its environments.
      await client.run({ type: 'fanout', functionName: 'target', concurrency: 1, total: 1, payload: '{}' });
      const hostPid = kind === 'light' ? emulator.pids()[0] : undefined;
      const before = hostPid === undefined ? 0 : rssMb(hostPid);
      const mainBefore = process.memoryUsage().rss / 1_048_576;
      let maxInFlight = 0;
      let allInFlightAfterMs: number | undefined;
      const started = performance.now();
      const poll = setInterval(() => {
        const inFlight = emulator.inspect().account.inFlight;
        maxInFlight = Math.max(maxInFlight, inFlight);
        if (inFlight >= count && allInFlightAfterMs === undefined) allInFlightAfterMs = performance.now() - started;
      }, 20);
      let peakEnvMb = 0;
      const sampleMemory = setInterval(() => {
        const pids =
          kind === 'light' ? [hostPid!] : emulator.environments('target').flatMap((e) => (e.pid ? [e.pid] : []));
        let total = 0;
        for (const pid of pids) {
          try {
            total += rssMb(pid);
          } catch {}
        }
        peakEnvMb = Math.max(peakEnvMb, total);
      }, 100);
      const result = await client.run({
        type: 'fanout',
        functionName: 'target',
        concurrency: count,
        total: count,
        payload: JSON.stringify({ holdMs }),
      });
      clearInterval(poll);
      clearInterval(sampleMemory);
      const environments = emulator.environments('target').length;
      const mainAfter = process.memoryUsage().rss / 1_048_576;
      return {
        kind,
        handler,
        requested: count,
        ok: result.ok,
        errors: result.errors,
        firstError: result.firstError,
        distinctEnvironments: new Set(result.envIds).size,
        environments,
        maxInFlight,
        allInFlightAfterMs: round(allInFlightAfterMs),
        wallMs: round(result.ms),
        memory:
          kind === 'light'
            ? {
                hostRssBeforeMb: round(before),
                hostRssPeakMb: round(peakEnvMb),
                perEnvironmentMb: round((peakEnvMb - before) / Math.max(1, environments - 1), 2),
                emulatorProcessGrowthMb: round(mainAfter - mainBefore),
              }
            : {
                environmentsRssPeakMb: round(peakEnvMb),
                perEnvironmentMb: round(peakEnvMb / Math.max(1, environments), 1),
                emulatorProcessGrowthMb: round(mainAfter - mainBefore),
              },
      };
    } finally {
      await client.stop();
    }
  });
}

/** Runs every measurement; `quick` shrinks them for a smoke run. */
export async function emulatorBenchmark(options: { quick?: boolean } = {}) {
  const quick = options.quick === true;
  const runtime = __filename.endsWith('.ts') ? 'TypeScript sources (runtime loaded through tsx)' : 'compiled dist';
  return {
    benchmark: 'emulator',
    node: process.version,
    runtime,
    cpus: require('node:os').cpus().length,
    warmThroughput: [
      await throughput('light', 1, quick ? 500 : 3_000),
      await throughput('light', 32, quick ? 2_000 : 20_000),
      await throughput('process', 32, quick ? 2_000 : 20_000),
    ],
    coldStart: [
      await coldStarts('process', quick ? 3 : 8, 0),
      await coldStarts('process', quick ? 3 : 8, 2),
      await coldStarts('light', quick ? 3 : 8, 0),
    ],
    fanOut: [
      await fanOut('process', quick ? 10 : 40, 2_000, 'echo.js'),
      // Powertools Logger and Metrics in every environment: per-environment state closer to a real function.
      await fanOut('light', quick ? 200 : 1_000, 3_000, 'powertools.js'),
    ],
  };
}

if (require.main === module) {
  emulatorBenchmark({ quick: process.argv.includes('--quick') }).then(
    (report) => process.stdout.write(`${JSON.stringify(report, null, 2)}\n`),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
