/**
 * Thermostat's own monthly bill, from calls counted in an emulator run. The bundled controller runs inside the
 * emulator as the construct deploys it (its memory, arm64 prices, shards of SHARD_SIZE, an event bus, Powertools
 * logs and EMF metrics at their defaults) against N targets with a mixed policy set; the emulator counts every
 * request it receives (Lambda, DynamoDB request units, GetMetricData metrics, PutEvents entries), every log byte
 * and REPORT line, and every custom metric series the EMF lines create. A month is ticks at the default schedule
 * (one a minute) times the average steady tick, priced with benchmarks/prices.ts; 10,000 targets are extrapolated
 * from the growth between the two largest sizes measured.
 *
 * `npx tsx benchmarks/cost.ts [--quick] [sizes…]` prints one JSON object (default 10, 100 and 1,000 targets; quick:
 * 10 and 40, fewer ticks).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ThermostatDefaults } from '../construct/thermostat';
import { METRIC_NAMESPACE, DEFAULT_SHARD_SIZE as SHARD_SIZE } from '../controller/contract';
import { MONTH_MS } from '../controller/cost/break-even';
import type { RunReport } from '../controller/report/report';
import { type CallSnapshot, type LogLine, startEmulator } from '../emulator';
import { bundleWarmTarget, createEmulatorStateTable, useLocalAwsEnvironment } from './local-setup';
import { BILL_PRICES, type BillPriceId } from './prices';

const ROOT = join(__dirname, '..');
const BUNDLE = join(ROOT, 'dist', 'assets', 'controller', 'index.js');
const CONTROLLER = 'thermostat-controller';
const TICK_MS = 60_000;
/** Ticks averaged as the steady state: one built-in ping interval (5 minutes) of one-minute ticks. */
const STEADY_TICKS = 5;
/** Ticks a month at the construct's default schedule, rate(1 minute). */
export const TICKS_PER_MONTH = MONTH_MS / TICK_MS;

/** One tick's counts: what the month is made of. */
export interface CostTick {
  readonly at: string;
  readonly status: string;
  /** Wall time from the scheduled invoke until every shard finished. */
  readonly wallMs: number;
  readonly controllerInvocations: number;
  readonly controllerBilledMs: number;
  readonly logBytes: number;
  readonly logEvents: number;
  readonly dynamoReadUnits: number;
  readonly dynamoWriteUnits: number;
  readonly dynamoRequests: number;
  readonly metricsRequested: number;
  readonly eventsPublished: number;
  readonly lambdaControlCalls: number;
  readonly pings: number;
  readonly pingBilledGbSeconds: number;
  /** Requests per `service.Operation` (DynamoDB's with the request units they consumed). */
  readonly calls: Readonly<Record<string, { readonly calls: number; readonly units: number }>>;
}

export interface CostRun {
  readonly targets: number;
  readonly mix: { readonly warm: number; readonly provisioned: number; readonly auto: number };
  readonly memoryMb: number;
  readonly shardSize: number;
  readonly first: CostTick;
  /** Averages over the steady ticks (the last STEADY_TICKS, or every tick after the first in a shorter run). */
  readonly steady: CostTick;
  readonly steadyTicks: number;
  /** Distinct custom metric series the run's EMF lines created (namespace, name, dimensions). */
  readonly customMetrics: number;
  readonly customMetricNames: readonly string[];
  /** Provisioned concurrency Thermostat held at the end, in GB (units × the function's memory). */
  readonly provisionedGb: number;
  readonly targetMemoryMb: number;
}

export interface BillLine {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usd: number;
  readonly price: BillPriceId;
}

export interface MonthlyBill {
  readonly targets: number;
  /** Measured, or extrapolated from the two largest measured sizes. */
  readonly source: 'measured' | 'extrapolated';
  readonly lines: readonly BillLine[];
  readonly totalUsd: number;
  /** What the warming itself costs each month (pings and provisioned concurrency), beside Thermostat's own. */
  readonly warming: { readonly pingsUsd: number; readonly provisionedUsd: number; readonly totalUsd: number };
}

export interface CostResult {
  readonly benchmark: 'cost';
  readonly ticksPerMonth: number;
  readonly prices: typeof BILL_PRICES;
  readonly runs: readonly CostRun[];
  readonly bills: readonly MonthlyBill[];
  readonly notes: readonly string[];
}

/** The platform's REPORT line; every invocation ends with one. */
const REPORT = /Billed Duration: (\d+) ms\tMemory Size: (\d+) MB/;

function dynamo(calls: CallSnapshot) {
  const byOperation = calls.dynamodb ?? {};
  const reads = ['GetItem', 'BatchGetItem', 'Query', 'Scan'];
  let readUnits = 0;
  let writeUnits = 0;
  let requests = 0;
  for (const [operation, count] of Object.entries(byOperation)) {
    requests += count.calls;
    if (reads.includes(operation)) readUnits += count.units;
    else writeUnits += count.units;
  }
  return { readUnits, writeUnits, requests };
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** Every policy kind a fleet mixes: mostly pings, some provisioned concurrency, some left to the cost model. */
function policyOf(name: string, index: number) {
  if (index % 10 === 0) return { function: name, qualifier: 'live', mode: 'provisioned', provisioned: { min: 1 } };
  if (index % 10 === 1) return { function: name, qualifier: 'live', mode: 'auto' };
  return { function: name, qualifier: 'live' };
}

export async function measureCost(targets: number, ticks: number, dir: string, warmTarget: string): Promise<CostRun> {
  const names = Array.from({ length: targets }, (_, i) => `t-${String(i).padStart(5, '0')}`);
  const policies = names.map(policyOf);
  const policyFile = join(dir, `cost-${targets}.json`);
  writeFileSync(policyFile, JSON.stringify({ policies }));
  const perFunction = new Map<string, LogTally>();
  const onLog = (line: LogLine) => {
    const entry = perFunction.get(line.functionName) ?? emptyTally();
    entry.bytes += Buffer.byteLength(line.text) + 1;
    entry.events += 1;
    const report = REPORT.exec(line.text);
    if (report) {
      entry.invocations += 1;
      entry.billedMs += Number(report[1]);
      entry.gbSeconds += (Number(report[1]) / 1000) * (Number(report[2]) / 1024);
    }
    perFunction.set(line.functionName, entry);
  };
  const emulator = await startEmulator({
    environment: 'light',
    dynamodb: true,
    countDynamoDbCalls: true,
    accountConcurrency: 10_000,
    controlPlaneRps: 15,
    provisionedAllocationDelayMs: 100,
    functions: names.map((name) => ({ name, handler: warmTarget, versions: { '1': {} }, aliases: { live: '1' } })),
    onLog,
  });
  const lambda = new LambdaClient({ ...emulator.clientConfig(), maxAttempts: 1 });
  try {
    const table = 'bench-cost';
    await createEmulatorStateTable(emulator, table);
    const memoryMb = ThermostatDefaults.memorySize;
    emulator.registerFunction({
      name: CONTROLLER,
      handler: BUNDLE,
      environment: 'process',
      memoryMb,
      timeoutMs: ThermostatDefaults.timeout.toMilliseconds(),
      env: {
        THERMOSTAT_TABLE: table,
        THERMOSTAT_POLICY_FILE: policyFile,
        THERMOSTAT_SHARD_SIZE: String(SHARD_SIZE),
        THERMOSTAT_EVENT_BUS: 'bench',
        POWERTOOLS_SERVICE_NAME: 'thermostat-bench',
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
        // The emulator records no traces; X-Ray is priced per invocation below.
        POWERTOOLS_TRACE_ENABLED: 'false',
      },
    });
    emulator.calls({ reset: true });
    const measured: CostTick[] = [];
    for (let index = 0; index < ticks; index++) {
      const at = new Date(Date.UTC(2026, 10, 23, 10, index, 0)).toISOString();
      perFunction.clear();
      const started = performance.now();
      const response = await lambda.send(
        new InvokeCommand({ FunctionName: CONTROLLER, Payload: Buffer.from(JSON.stringify({ time: at })) }),
      );
      await emulator.settle();
      const wallMs = Math.round(performance.now() - started);
      const root = JSON.parse(Buffer.from(response.Payload ?? new Uint8Array()).toString() || '{}') as RunReport;
      const calls = emulator.calls({ reset: true });

      const controller = perFunction.get(CONTROLLER) ?? emptyTally();
      const pings = [...perFunction.entries()].filter(([name]) => name !== CONTROLLER).map(([, entry]) => entry);
      const { readUnits, writeUnits, requests } = dynamo(calls);
      const lambdaCalls = calls.lambda ?? {};
      measured.push({
        at,
        status: String(root.status),
        wallMs,
        controllerInvocations: controller.invocations,
        controllerBilledMs: controller.billedMs,
        logBytes: controller.bytes,
        logEvents: controller.events,
        dynamoReadUnits: readUnits,
        dynamoWriteUnits: writeUnits,
        dynamoRequests: requests,
        metricsRequested: calls.cloudwatch?.GetMetricData?.units ?? 0,
        eventsPublished: calls.events?.PutEvents?.units ?? 0,
        lambdaControlCalls: sum(
          Object.entries(lambdaCalls)
            .filter(([operation]) => operation !== 'Invoke')
            .map(([, count]) => count.calls),
        ),
        pings: sum(pings.map((entry) => entry.invocations)),
        calls: Object.fromEntries(
          Object.entries(calls).flatMap(([service, byOperation]) =>
            Object.entries(byOperation ?? {}).map(([operation, count]) => [`${service}.${operation}`, count]),
          ),
        ),
        pingBilledGbSeconds: sum(pings.map((entry) => entry.gbSeconds)),
      });
    }
    const series = emulator.metrics().filter((info) => info.namespace === METRIC_NAMESPACE);
    const snapshot = emulator.inspect();
    const provisionedGb = sum(
      snapshot.functions.flatMap((fn) => fn.provisioned.map((pc) => (pc.allocated * 128) / 1024)),
    );
    // The last full ping interval (5 ticks at the built-in 5 minutes), after the ticks in which allocations
    // settle and every target gets its first ping: a month is made of such ticks.
    const steady = measured.slice(Math.max(1, measured.length - STEADY_TICKS));
    return {
      targets,
      mix: {
        warm: policies.filter((p) => p.mode === undefined).length,
        provisioned: policies.filter((p) => p.mode === 'provisioned').length,
        auto: policies.filter((p) => p.mode === 'auto').length,
      },
      memoryMb,
      shardSize: SHARD_SIZE,
      first: measured[0]!,
      steady: average(steady),
      steadyTicks: steady.length,
      customMetrics: series.length,
      customMetricNames: [...new Set(series.map((info) => info.name))].sort(),
      provisionedGb,
      targetMemoryMb: 128,
    };
  } finally {
    lambda.destroy();
    await emulator.stop();
  }
}

/** What one function's log lines said in one tick: bytes and events ingested, and its REPORT lines. */
interface LogTally {
  bytes: number;
  events: number;
  invocations: number;
  billedMs: number;
  gbSeconds: number;
}

const emptyTally = (): LogTally => ({ bytes: 0, events: 0, invocations: 0, billedMs: 0, gbSeconds: 0 });

function average(ticks: readonly CostTick[]): CostTick {
  const mean = (pick: (tick: CostTick) => number) =>
    ticks.length === 0 ? 0 : Math.round((sum(ticks.map(pick)) / ticks.length) * 1000) / 1000;
  return {
    at: `${ticks[0]?.at ?? ''}..${ticks.at(-1)?.at ?? ''}`,
    status: [...new Set(ticks.map((tick) => tick.status))].join('/'),
    wallMs: mean((t) => t.wallMs),
    controllerInvocations: mean((t) => t.controllerInvocations),
    controllerBilledMs: mean((t) => t.controllerBilledMs),
    logBytes: mean((t) => t.logBytes),
    logEvents: mean((t) => t.logEvents),
    dynamoReadUnits: mean((t) => t.dynamoReadUnits),
    dynamoWriteUnits: mean((t) => t.dynamoWriteUnits),
    dynamoRequests: mean((t) => t.dynamoRequests),
    metricsRequested: mean((t) => t.metricsRequested),
    eventsPublished: mean((t) => t.eventsPublished),
    lambdaControlCalls: mean((t) => t.lambdaControlCalls),
    pings: mean((t) => t.pings),
    pingBilledGbSeconds: mean((t) => t.pingBilledGbSeconds),
    calls: Object.fromEntries(
      [...new Set(ticks.flatMap((tick) => Object.keys(tick.calls)))]
        .sort()
        .map((key) => [
          key,
          { calls: mean((t) => t.calls[key]?.calls ?? 0), units: mean((t) => t.calls[key]?.units ?? 0) },
        ]),
    ),
  };
}

const round2 = (value: number) => Math.round(value * 100) / 100;

function line(item: string, quantity: number, unit: string, price: BillPriceId): BillLine {
  return { item, quantity: Math.round(quantity * 1000) / 1000, unit, usd: quantity * BILL_PRICES[price].usd, price };
}

/** A month of steady ticks, priced; custom metrics are billed per series a month, whatever the ticks. */
export function monthlyBill(run: CostRun, source: MonthlyBill['source'] = 'measured'): MonthlyBill {
  const t = TICKS_PER_MONTH;
  const s = run.steady;
  const invocations = s.controllerInvocations * t;
  const logGb = (s.logBytes * t) / 2 ** 30;
  const lines = [
    line('Controller duration', (s.controllerBilledMs / 1000) * (run.memoryMb / 1024) * t, 'GB-s', 'lambdaArmGbSecond'),
    line('Controller requests (ticks and shards)', invocations, 'requests', 'lambdaRequest'),
    line('DynamoDB writes', s.dynamoWriteUnits * t, 'write units', 'dynamoWriteUnit'),
    line('DynamoDB reads', s.dynamoReadUnits * t, 'read units', 'dynamoReadUnit'),
    line('GetMetricData', s.metricsRequested * t, 'metrics', 'metricRequested'),
    line('Custom metrics (EMF)', run.customMetrics, 'metrics', 'customMetricMonth'),
    line('EventBridge PutEvents', s.eventsPublished * t, 'events', 'customEvent'),
    line('CloudWatch Logs ingestion', logGb, 'GB', 'logIngestedGb'),
    line('CloudWatch Logs storage (one month kept)', logGb, 'GB-month', 'logStoredGbMonth'),
    line('X-Ray traces (active tracing)', invocations, 'traces', 'xrayTrace'),
    line('EventBridge Scheduler', t, 'invocations', 'schedulerInvocation'),
  ];
  const pingsUsd =
    s.pings * t * BILL_PRICES.lambdaRequest.usd + s.pingBilledGbSeconds * t * BILL_PRICES.lambdaX86GbSecond.usd;
  const provisionedUsd = run.provisionedGb * (MONTH_MS / 1000) * BILL_PRICES.lambdaX86ProvisionedGbSecond.usd;
  return {
    targets: run.targets,
    source,
    lines: lines.map((l) => ({ ...l, usd: Math.round(l.usd * 10_000) / 10_000 })),
    totalUsd: round2(sum(lines.map((l) => l.usd))),
    warming: {
      pingsUsd: round2(pingsUsd),
      provisionedUsd: round2(provisionedUsd),
      totalUsd: round2(pingsUsd + provisionedUsd),
    },
  };
}

/** A run at `targets`, every per-tick count grown linearly from the two largest measured runs. */
export function extrapolate(a: CostRun, b: CostRun, targets: number): CostRun {
  const factor = (targets - b.targets) / (b.targets - a.targets);
  const grow = (x: number, y: number) => Math.max(0, y + (y - x) * factor);
  const steady = Object.fromEntries(
    Object.entries(b.steady).map(([key, value]) => [
      key,
      typeof value === 'number' ? grow(a.steady[key as keyof CostTick] as number, value) : value,
    ]),
  ) as unknown as CostTick;
  return {
    ...b,
    targets,
    steady,
    customMetrics: Math.round(grow(a.customMetrics, b.customMetrics)),
    provisionedGb: grow(a.provisionedGb, b.provisionedGb),
  };
}

export async function costBenchmark(options: { quick: boolean; sizes?: readonly number[] }): Promise<CostResult> {
  useLocalAwsEnvironment();
  const { bundle } = require('../scripts/bundle') as { bundle: (o: { quiet: boolean }) => Promise<unknown> };
  await bundle({ quiet: true });
  const sizes = options.sizes ?? (options.quick ? [10, 40] : [10, 100, 1000]);
  // One first tick, then two rounds of the default 5-minute ping interval.
  const ticks = options.quick ? 4 : 11;
  const dir = mkdtempSync(join(tmpdir(), 'thermostat-cost-'));
  try {
    const warmTarget = bundleWarmTarget(dir);
    const runs: CostRun[] = [];
    for (const targets of sizes) {
      process.stderr.write(`cost: ${targets} targets, ${ticks} ticks\n`);
      runs.push(await measureCost(targets, ticks, dir, warmTarget));
    }
    const bills = runs.map((run) => monthlyBill(run));
    const [a, b] = runs.slice(-2) as [CostRun, CostRun];
    for (const targets of [1000, 10_000]) {
      if (!runs.some((run) => run.targets === targets) && targets > b.targets) {
        bills.push(monthlyBill(extrapolate(a, b, targets), 'extrapolated'));
      }
    }
    return {
      benchmark: 'cost',
      ticksPerMonth: TICKS_PER_MONTH,
      prices: BILL_PRICES,
      runs,
      bills,
      notes: [
        `A month is ${TICKS_PER_MONTH.toLocaleString('en-US')} ticks (730 hours at the default rate(1 minute) schedule) of the average steady tick: the last ${STEADY_TICKS} ticks of the run (one built-in ping interval), after the first tick (which reads every function once) and the ticks in which provisioned concurrency settles.`,
        'Free tiers are not subtracted. CloudWatch Logs storage is priced at the uncompressed size ingested (AWS bills the compressed size, so this is an upper bound).',
        'Per-target reads that refresh on a timer longer than the run (function facts, and provisioned concurrency found settled, every 15 minutes) are not in the steady ticks: they are Lambda control-plane reads, which AWS does not bill, but the controller waits for their turns under the rate limit (billed duration), and each settled copy found again is one write to its target item.',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const sizes = process.argv
    .slice(2)
    .filter((arg) => /^\d+$/.test(arg))
    .map(Number);
  costBenchmark({ quick: process.argv.includes('--quick'), ...(sizes.length > 0 ? { sizes } : {}) })
    .then((result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    });
}
