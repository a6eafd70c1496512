/**
 * Controller benchmark: tick time for 100 and 1,000 targets against the local emulator (real SDK clients over
 * HTTP, real target-helper environments), plus the bundle's size and the controller's cold start beside
 * serverless-plugin-warmup's warmer (init.ts).
 * Prints one JSON object. Run: `npx tsx benchmarks/controller.ts` (add `--quick` for 100 targets only).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { createRuntime } from '../controller/handler';
import { MemoryLog } from '../controller/report/log';
import type { RunReport } from '../controller/report/report';
import { run } from '../controller/run';
import { startEmulator } from '../emulator';
import { INIT_SIZES, initComparison } from './init';
import {
  bundleWarmTarget,
  createEmulatorStateTable,
  emulatorControllerEnv,
  silentMetrics,
  useLocalAwsEnvironment,
} from './local-setup';

const ROOT = join(__dirname, '..');
const BUNDLE = join(ROOT, 'dist', 'assets', 'controller', 'index.js');
const quick = process.argv.includes('--quick');

useLocalAwsEnvironment();

function summarise(report: RunReport, wallMs: number) {
  return {
    wallMs,
    status: report.status,
    targets: report.totals.targets,
    pingsSent: report.totals.pingsSent,
    environmentsProven: report.totals.environmentsProven,
    shortfall: report.totals.shortfall,
    targetFailures: report.totals.targetFailures,
    skipped: report.skipped.length,
  };
}

async function tickBenchmark(dir: string, warmTarget: string, targets: number) {
  const emulator = await startEmulator({
    environment: 'light',
    dynamodb: true,
    accountConcurrency: 5_000,
    functions: Array.from({ length: targets }, (_, i) => ({
      name: `fn-${String(i).padStart(4, '0')}`,
      handler: warmTarget,
      versions: { '1': {} },
      aliases: { live: '1' },
    })),
  });
  try {
    const table = `bench-${targets}`;
    await createEmulatorStateTable(emulator, table);
    const policyFile = join(dir, `policies-${targets}.json`);
    writeFileSync(
      policyFile,
      JSON.stringify({
        defaults: { warm: { concurrency: 1, interval: '1m', holdMs: 100 } },
        policies: Array.from({ length: targets }, (_, i) => ({
          function: `fn-${String(i).padStart(4, '0')}`,
          qualifier: 'live',
        })),
      }),
    );
    const runtime = createRuntime(emulatorControllerEnv(emulator, table, policyFile));
    const deps = { ...runtime.deps, log: new MemoryLog(), metrics: silentMetrics };
    const context = { getRemainingTimeInMillis: () => 900_000 };
    const ticks = [];
    // First tick: cold caches and cold environments; second: cached facts, warm environments.
    for (const at of ['2026-11-23T10:00:00Z', '2026-11-23T10:01:00Z']) {
      const started = performance.now();
      const report = await run(deps, { time: at }, context);
      ticks.push(summarise(report, Math.round(performance.now() - started)));
    }
    for (const client of Object.values(runtime.clients)) client.destroy();
    return { targets, environment: 'light', first: ticks[0], second: ticks[1] };
  } finally {
    await emulator.stop();
  }
}

/**
 * The same 1,000 targets with the bundled controller running inside the emulator as a Lambda function, sharded:
 * the first invocation starts the other shards asynchronously (Lambda is the engine) and each shard uses its share
 * of the control-plane quotas. Wall time is from the scheduled invoke until every shard has finished.
 */
async function shardedBenchmark(dir: string, warmTarget: string, targets: number, shardSize: number) {
  const names = Array.from({ length: targets }, (_, i) => `fn-${String(i).padStart(4, '0')}`);
  const policyFile = join(dir, `sharded-${targets}.json`);
  writeFileSync(
    policyFile,
    JSON.stringify({
      defaults: { warm: { concurrency: 1, interval: '1m', holdMs: 100 } },
      policies: names.map((name) => ({ function: name, qualifier: 'live' })),
    }),
  );
  const emulator = await startEmulator({
    environment: 'light',
    dynamodb: true,
    accountConcurrency: 5_000,
    functions: names.map((name) => ({ name, handler: warmTarget, versions: { '1': {} }, aliases: { live: '1' } })),
  });
  try {
    await createEmulatorStateTable(emulator, 'bench-sharded');
    emulator.registerFunction({
      name: 'controller',
      handler: BUNDLE,
      environment: 'process',
      memoryMb: 1024,
      timeoutMs: 120_000,
      env: {
        THERMOSTAT_TABLE: 'bench-sharded',
        THERMOSTAT_POLICY_FILE: policyFile,
        THERMOSTAT_SHARD_SIZE: String(shardSize),
        THERMOSTAT_EVENT_BUS: 'bench',
        POWERTOOLS_TRACE_ENABLED: 'false',
        POWERTOOLS_LOG_LEVEL: 'WARN',
      },
    });
    const lambda = new LambdaClient({ ...emulator.clientConfig(), maxAttempts: 1 });
    const ticks = [];
    for (const at of ['2026-11-23T10:00:00Z', '2026-11-23T10:01:00Z']) {
      const started = performance.now();
      const response = await lambda.send(
        new InvokeCommand({ FunctionName: 'controller', Payload: Buffer.from(JSON.stringify({ time: at })) }),
      );
      const rootMs = Math.round(performance.now() - started);
      await emulator.settle();
      const allMs = Math.round(performance.now() - started);
      const root = JSON.parse(Buffer.from(response.Payload ?? new Uint8Array()).toString() || '{}') as RunReport;
      const summaries = emulator
        .events()
        .filter((event) => event.detailType === 'Thermostat Tick Summary')
        .map((event) => event.detail as { tickId: string; totals: RunReport['totals'] })
        .filter((detail) => detail.tickId === root.tickId);
      ticks.push({
        rootMs,
        allShardsMs: allMs,
        shards: root.shard?.of,
        shardsReported: summaries.length,
        environmentsProven: summaries.reduce((sum, detail) => sum + detail.totals.environmentsProven, 0),
        targetFailures: summaries.reduce((sum, detail) => sum + detail.totals.targetFailures, 0),
      });
    }
    lambda.destroy();
    return { targets, shardSize, environment: 'light', first: ticks[0], second: ticks[1] };
  } finally {
    await emulator.stop();
  }
}

function requireTimeMs(): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(BUNDLE)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const samples = Array.from({ length: 5 }, () => Number(execFileSync(process.execPath, ['-e', script]).toString()));
  return round(samples.sort((a, b) => a - b)[2])!;
}

function round(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value * 10) / 10;
}

async function main() {
  const { bundle } = require('../scripts/bundle') as { bundle: (o: { quiet: boolean }) => Promise<unknown> };
  await bundle({ quiet: true });
  const dir = mkdtempSync(join(tmpdir(), 'thermostat-bench-'));
  try {
    const warmTarget = bundleWarmTarget(dir);
    const result = {
      benchmark: 'controller',
      machine: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model,
        memoryGb: Math.round(totalmem() / 2 ** 30),
        node: process.version,
      },
      bundle: { path: 'dist/assets/controller/index.js', bytes: statSync(BUNDLE).size },
      init: { requireMs: requireTimeMs() },
      initComparison: await initComparison({
        samples: quick ? 2 : 11,
        onProgress: (message) => process.stderr.write(`controller: ${message}\n`),
      }),
      // The same at one target and at many: the CPU time of an invocation and of each further ping, which the
      // simulator bills at each one's memory (simulator/model/options.ts).
      initBySize: [] as unknown[],
      ticks: [] as unknown[],
      sharded: undefined as unknown,
    };
    for (const targets of INIT_SIZES) {
      result.initBySize.push(
        await initComparison({
          samples: quick ? 2 : 5,
          targets,
          onProgress: (message) => process.stderr.write(`controller (${targets} targets): ${message}\n`),
        }),
      );
    }
    for (const targets of quick ? [100] : [100, 1000]) result.ticks.push(await tickBenchmark(dir, warmTarget, targets));
    if (!quick) result.sharded = await shardedBenchmark(dir, warmTarget, 1000, 250);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
