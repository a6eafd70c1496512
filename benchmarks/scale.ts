/**
 * Account scale: one controller, many targets (some in the policy set, some found by tag), under the emulator's
 * enforced control-plane quota (15 requests/s, like AWS) and GetFunction's (100/s). Ticks run one a minute (by
 * their scheduled time; wall time is what it takes) until every target has been reached, plus one steady tick.
 *
 * `scaleBenchmark()` is called by benchmarks/run.ts and by the end-to-end test at a smaller size. Run alone:
 * `npx tsx benchmarks/scale.ts [--quick] [explicit] [tagged]` (default 1,000 and 1,000; quick 40 and 20) prints
 * one JSON object.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../controller/handler';
import { MemoryLog } from '../controller/report/log';
import type { RunReport } from '../controller/report/report';
import { run } from '../controller/run';
import { startEmulator } from '../emulator';
import {
  bundleWarmTarget,
  createEmulatorStateTable,
  emulatorControllerEnv,
  silentMetrics,
  useLocalAwsEnvironment,
} from './local-setup';

export interface ScaleOptions {
  /** Targets named in the policy set. */
  readonly explicit: number;
  /** Functions tagged `thermostat:policy=tagged`, warmed through a template. */
  readonly tagged: number;
  /** Other functions in the account (listed by discovery, not tagged). @default a tenth of the rest */
  readonly untagged?: number;
  /** Time each tick has (the invocation's remaining time; 5 s of it are kept in reserve). @default 50,000 */
  readonly remainingMs?: number;
  /** Ticks at most before giving up on reaching every target. @default 10 */
  readonly maxTicks?: number;
  /** The emulator's control-plane quota. @default 15 */
  readonly controlPlaneRps?: number;
}

export interface ScaleTick {
  readonly tickId: string;
  readonly wallMs: number;
  readonly status: RunReport['status'];
  /** Targets with a proven environment this tick. */
  readonly proven: number;
  readonly targets: number;
  readonly failed: number;
  /** Environments wanted but not proven (pings cut short by the time budget, throttles…). */
  readonly shortfall: number;
  readonly skipped: number;
  /** Failed targets by failure kind, and pinged targets by why their pings stopped. */
  readonly failures: Readonly<Record<string, number>>;
  readonly stoppedBy: Readonly<Record<string, number>>;
  readonly discovery: RunReport['discovery'];
  /** Control-plane calls the emulator saw (accepted and throttled), GetFunction's apart. */
  readonly controlCalls: number;
  readonly getFunctionCalls: number;
  /** The busiest second of the control plane at the emulator. */
  readonly controlPeakPerSecond: number;
  readonly throttled: number;
  readonly heapUsedMb: number;
  readonly rssMb: number;
}

export interface ScaleResult {
  readonly benchmark: 'scale';
  readonly explicit: number;
  readonly tagged: number;
  readonly untagged: number;
  readonly remainingMs: number;
  readonly controlPlaneRps: number;
  /** Ticks until every target had been reached at least once (undefined: not within maxTicks). */
  readonly ticksToReachAll: number | undefined;
  readonly ticks: readonly ScaleTick[];
  readonly firstTickMs: number;
  /** The tick after every target was reached (caches warm, discovery cached). */
  readonly steadyTickMs: number | undefined;
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const pad = (i: number) => String(i).padStart(5, '0');

export async function scaleBenchmark(options: ScaleOptions): Promise<ScaleResult> {
  useLocalAwsEnvironment();
  const { explicit, tagged } = options;
  const untagged = options.untagged ?? Math.ceil((explicit + tagged) / 10);
  const remainingMs = options.remainingMs ?? 50_000;
  const maxTicks = options.maxTicks ?? 10;
  const controlPlaneRps = options.controlPlaneRps ?? 15;
  const dir = mkdtempSync(join(tmpdir(), 'thermostat-scale-'));
  const warmTarget = bundleWarmTarget(dir);
  const fn = (name: string, tags: Record<string, string> = {}) => ({
    name,
    handler: warmTarget,
    versions: { '1': {} },
    aliases: { live: '1' },
    tags,
  });
  const named = Array.from({ length: explicit }, (_, i) => `fn-${pad(i)}`);
  const emulator = await startEmulator({
    environment: 'light',
    dynamodb: true,
    accountConcurrency: 20_000,
    controlPlaneRps,
    getFunctionRps: 100,
    functions: [
      ...named.map((name) => fn(name)),
      ...Array.from({ length: tagged }, (_, i) => fn(`tagged-${pad(i)}`, { 'thermostat:policy': 'tagged' })),
      ...Array.from({ length: untagged }, (_, i) => fn(`other-${pad(i)}`, { team: 'other' })),
    ],
  });
  try {
    const table = 'bench-scale';
    await createEmulatorStateTable(emulator, table);
    const policyFile = join(dir, 'policies.json');
    writeFileSync(
      policyFile,
      JSON.stringify({
        defaults: { warm: { concurrency: 1, interval: '1m', holdMs: 100 } },
        policies: [
          ...named.map((name) => ({ function: name, qualifier: 'live' })),
          { template: 'tagged', qualifier: 'live' },
        ],
      }),
    );
    const runtime = createRuntime(emulatorControllerEnv(emulator, table, policyFile));
    const deps = { ...runtime.deps, log: new MemoryLog(), metrics: silentMetrics };
    const total = explicit + tagged;
    const reached = new Set<string>();
    const ticks: ScaleTick[] = [];
    let ticksToReachAll: number | undefined;
    for (let index = 0; index < maxTicks; index++) {
      const at = new Date(Date.UTC(2026, 10, 23, 10, index, 0)).toISOString();
      emulator.quotas({ reset: true });
      const started = performance.now();
      const report = await run(deps, { time: at }, { getRemainingTimeInMillis: () => remainingMs });
      const wallMs = Math.round(performance.now() - started);
      const quotas = emulator.quotas({ reset: true });
      let proven = 0;
      const failures: Record<string, number> = {};
      const stoppedBy: Record<string, number> = {};
      for (const target of report.targets) {
        if (target.failure) failures[target.failure.kind] = (failures[target.failure.kind] ?? 0) + 1;
        if (target.warm) stoppedBy[target.warm.stoppedBy] = (stoppedBy[target.warm.stoppedBy] ?? 0) + 1;
        if ((target.warm?.proven ?? 0) > 0) {
          proven += 1;
          reached.add(target.key);
        }
      }
      const memory = process.memoryUsage();
      ticks.push({
        tickId: report.tickId,
        wallMs,
        status: report.status,
        proven,
        targets: report.totals.targets,
        failed: report.totals.targetFailures,
        shortfall: report.totals.shortfall,
        skipped: report.skipped.length,
        failures,
        stoppedBy,
        discovery: report.discovery,
        controlCalls: quotas.control.accepted + quotas.control.throttled,
        getFunctionCalls: quotas.getFunction.accepted + quotas.getFunction.throttled,
        controlPeakPerSecond: Math.max(0, ...quotas.control.seconds.map((s) => s.accepted + s.throttled)),
        throttled: quotas.control.throttled + quotas.getFunction.throttled,
        heapUsedMb: mb(memory.heapUsed),
        rssMb: mb(memory.rss),
      });
      if (ticksToReachAll !== undefined) break;
      if (reached.size >= total) ticksToReachAll = index + 1;
    }
    for (const client of Object.values(runtime.clients)) client.destroy();
    return {
      benchmark: 'scale',
      explicit,
      tagged,
      untagged,
      remainingMs,
      controlPlaneRps,
      ticksToReachAll,
      ticks,
      firstTickMs: ticks[0]!.wallMs,
      steadyTickMs: ticksToReachAll !== undefined && ticks.length > ticksToReachAll ? ticks.at(-1)!.wallMs : undefined,
    };
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The size `npm run bench` runs, and the small one of `--quick` (the harness test): a few seconds. */
export const SCALE_SIZES = {
  full: { explicit: 1000, tagged: 1000 },
  quick: { explicit: 40, tagged: 20, remainingMs: 10_000 },
} as const;

if (require.main === module) {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const [explicit, tagged] = args.filter((arg) => arg !== '--quick');
  const size = quick ? SCALE_SIZES.quick : SCALE_SIZES.full;
  scaleBenchmark({
    ...size,
    ...(explicit !== undefined ? { explicit: Number(explicit) } : {}),
    ...(tagged !== undefined ? { tagged: Number(tagged) } : {}),
  })
    .then((result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    });
}
