import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  formatIssue,
  functionName,
  type LoadedPolicy,
  loadPolicySet,
  type Policy,
  parsePolicyValue,
  resolvePolicy,
} from '../../controller/policy';
import type { EnvironmentKind } from '../../emulator';
import type { Band } from '../../simulator/report/chart';
import { createProgress } from '../progress';
import {
  type CompressedTime,
  DEMO_DEFAULTS,
  DEMO_ENTRIES,
  type DemoEntry,
  exampleFiles,
  examplePath,
} from './catalogue';
import { compressionFactor, describeCompression, storyHour } from './compression';
import { formatUsd } from './format';
import type { DemoRecord, DemoSettings } from './record';
import { renderReport } from './report';
import { type CopySummary, overallWarmRatio, summarise } from './stats';
import { playStory } from './story';
import { headline, liveTable, NO_PAINT, type Paint, plainProgressLine, summaryTable } from './table';
import { phaseAt, planArrivals } from './traffic';
import { startDemoWorld } from './world';

/** The story day: a Tuesday (the policies' business-hours windows apply) starting at midnight in Paris. */
export const STORY_START = '2025-11-24T23:00:00.000Z';
export const STORY_ZONE = 'Europe/Paris';

export interface DemoOptions {
  /** Real milliseconds the story day lasts. */
  readonly durationMs: number;
  /** Real milliseconds between controller ticks. @default 1500 */
  readonly tickMs?: number;
  /** Real milliseconds after which the emulator reclaims an idle environment. @default 3000 */
  readonly idleReclaimMs?: number;
  /** Where the HTML report goes (absolute). */
  readonly reportPath: string;
  /** @default 'light' */
  readonly environment?: EnvironmentKind;
  readonly seed?: number;
  /** Where the live table and the summary go. */
  readonly out: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly paint?: Paint;
  /** Controller log lines (with --debug). */
  readonly log?: (line: string) => void;
  readonly entries?: readonly DemoEntry[];
  /** Ends the day early; the summary and the report then cover the day so far. */
  readonly signal?: AbortSignal;
}

export interface DemoResult {
  readonly record: DemoRecord;
  readonly rows: readonly CopySummary[];
  readonly managed: number | null;
  readonly unmanaged: number | null;
  readonly reportPath: string;
  /** Controller tick failures (targets that failed, ticks that threw), first of each kind. */
  readonly failures: readonly string[];
}

/** Thrown when the demo cannot start: its policies are invalid or a file is missing. */
export class DemoSetupError extends Error {
  override readonly name = 'DemoSetupError';
}

/**
 * The demo's policies (the examples' defaults, then each function's), with each entry's changes for compressed
 * time applied, all validated as the controller would.
 */
export function demoPolicies(root: string, entries: readonly DemoEntry[]): LoadedPolicy[] {
  const files = [DEMO_DEFAULTS, ...entries.map((entry) => entry.policy)].map((file) => join(root, file));
  const set = loadPolicySet(files);
  if (set.issues.length > 0) throw new DemoSetupError(set.issues.map(formatIssue).join('\n'));
  return set.policies.map((loaded) => {
    const entry = entries.find((e) => e.fn.name === functionName(loaded.policy.function));
    return entry?.compressed ? compress(loaded, entry.compressed) : loaded;
  });
}

function compress(loaded: LoadedPolicy, compressed: CompressedTime): LoadedPolicy {
  const windows = loaded.policy.windows ?? [];
  for (const name of Object.keys(compressed.windows)) {
    if (!windows.some((window) => window.name === name)) {
      throw new DemoSetupError(`${loaded.file}: the demo changes window "${name}", which the policy does not have`);
    }
  }
  const changed = {
    ...loaded.policy,
    windows: windows.map((window) => ({ ...window, ...compressed.windows[window.name] })),
  };
  const parsed = parsePolicyValue(changed, `${loaded.file} (as the demo changes it for compressed time)`);
  if (parsed.issues.length > 0) throw new DemoSetupError(parsed.issues.map(formatIssue).join('\n'));
  return { ...loaded, policy: parsed.policies[0]!.policy };
}

/** Spans of the story day during which a policy window applies, found by resolving the policy every 5 minutes. */
export function windowBands(
  policies: readonly { readonly fn: string; readonly policy: Policy }[],
  settings: DemoSettings,
): Band[] {
  const bands: Band[] = [];
  for (const { fn, policy } of policies) {
    let open: { from: number; window: string } | undefined;
    // Whole minutes, so edges land exactly on the hour instead of drifting with float sums.
    for (let minute = 0; minute <= 24 * 60; minute += 5) {
      const hour = minute / 60;
      const at = new Date(Date.parse(settings.storyStart) + hour * 3_600_000);
      const window = hour < 24 ? resolvePolicy(policy, at).window : undefined;
      if (open && window !== open.window) {
        bands.push({ from: open.from, to: hour, label: `${fn}: ${open.window}` });
        open = undefined;
      }
      if (!open && window !== undefined) open = { from: hour, window };
    }
  }
  return bands;
}

/**
 * The embedded demo: both copies of each example function in the emulator, the real controller managing one,
 * a day of traffic in under a minute, a live table, a summary and a self-contained HTML report.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const paint = options.paint ?? NO_PAINT;
  const entries = options.entries ?? DEMO_ENTRIES;
  const examples = exampleFiles();
  const policies = demoPolicies(examples.root, entries);
  const settings: DemoSettings = {
    durationMs: options.durationMs,
    factor: compressionFactor(options.durationMs),
    tickMs: options.tickMs ?? 1500,
    idleReclaimMs: options.idleReclaimMs ?? 3000,
    storyStart: STORY_START,
  };
  const functions = entries.map((entry) => ({ ...entry.fn, handler: examplePath(examples, entry.fn.file) }));
  const arrivals = planArrivals({
    durationMs: settings.durationMs,
    functions: entries.map((entry) => ({ name: entry.fn.name, ...entry.traffic })),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  const bursts = entries.flatMap((entry) => (entry.traffic.burst ? [entry.traffic.burst] : []));
  const write = (line = '') => options.out.write(`${line}\n`);

  write(paint.bold('Thermostat demo'));
  write(
    `${entries.length} example functions (${entries.map((e) => e.fn.name).join(', ')}) run twice in a local Lambda ` +
      'emulator: one copy managed by the real controller with the example policies, one left alone. Both get the ' +
      'same requests.',
  );
  write(paint.dim(`${describeCompression(settings)} Story time is ${STORY_ZONE}, on a Tuesday.`));
  write(paint.dim('Starting the emulator, a local DynamoDB (dynalite) and the controller...'));

  const world = await startDemoWorld({
    settings,
    functions,
    policies,
    environment: options.environment ?? 'light',
    ...(options.log ? { log: options.log } : {}),
  });
  let record: DemoRecord;
  const progress = createProgress(options.out, { plainEveryMs: 5000 });
  try {
    write(paint.dim(`Emulator on ${world.endpoint}. The day starts now.`));
    write();
    const frame = (current: DemoRecord, atMs: number, latest: DemoRecord['snapshots'][number] | undefined) => {
      const state = {
        record: current,
        atMs,
        phase: phaseAt(storyHour(settings, atMs), settings.durationMs, bursts),
        ...(latest ? { environments: latest.environments, provisioned: latest.provisioned } : {}),
      };
      return { lines: liveTable(state, paint), plain: [plainProgressLine(state)] };
    };
    record = await playStory(world, {
      settings,
      functions: functions.map((fn) => fn.name),
      arrivals,
      ...(options.signal ? { signal: options.signal } : {}),
      onFrame: (current, atMs, latest) => progress.update(frame(current, atMs, latest)),
    });
    const endMs = record.snapshots.at(-1)?.atMs ?? settings.durationMs;
    progress.finish(frame(record, endMs, record.snapshots.at(-1)));
    if (options.signal?.aborted) write(paint.yellow('Interrupted: the summary covers the day so far.'));
  } finally {
    await world.stop();
  }

  const rows = summarise(record);
  const failures = [...new Set(record.ticks.flatMap((tick) => tick.failures))];
  const bands = [
    ...windowBands(
      policies.map((loaded) => ({ fn: functionName(loaded.policy.function), policy: loaded.policy })),
      settings,
    ),
    ...entries.flatMap(({ fn, traffic: { burst } }) =>
      burst ? [{ from: burst.atHour, to: burst.atHour + 0.25, label: `${fn.name}: ${burst.label ?? 'burst'}` }] : [],
    ),
  ];
  mkdirSync(dirname(options.reportPath), { recursive: true });
  writeFileSync(
    options.reportPath,
    renderReport(record, {
      generatedAt: new Date(),
      bands,
      notes: [
        `Story time is ${STORY_ZONE}, on a Tuesday. Policies: ${[DEMO_DEFAULTS, ...entries.map((e) => e.policy)].join(', ')}.`,
        ...entries.flatMap((entry) =>
          entry.compressed ? [`Changed for compressed time: ${entry.compressed.why}.`] : [],
        ),
      ],
    }),
  );

  const pings = rows.reduce((sum, row) => sum + row.pings, 0);
  const cost = rows.reduce((sum, row) => sum + row.pingCostUsd, 0);
  write();
  write(paint.bold('Summary'));
  for (const line of summaryTable(rows, paint)) write(line);
  write();
  write(paint.bold(headline(record)));
  write(
    `The controller sent ${pings} warm-up pings over the day, an estimated ${formatUsd(cost)} at on-demand prices ` +
      '(one request each, the held duration, and the START, END and REPORT lines Lambda logs for each).',
  );
  if (failures.length > 0) {
    write(paint.yellow(`Controller reported ${failures.length} distinct target failure(s), e.g.: ${failures[0]}`));
  }
  write(`Report: ${options.reportPath}`);
  return {
    record,
    rows,
    managed: overallWarmRatio(record, 'managed'),
    unmanaged: overallWarmRatio(record, 'unmanaged'),
    reportPath: options.reportPath,
    failures,
  };
}
