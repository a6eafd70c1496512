/**
 * Section of BENCHMARKS.md for benchmarks/scale.ts: one controller, thousands of targets (half found by tag), under
 * the emulator's enforced control-plane quota, and what that says about 10,000 targets.
 */
import { z } from 'zod';
import { int, mb, ms, parseStep, type StepLike, table } from './format';

const tickSchema = z.looseObject({
  wallMs: z.number(),
  status: z.string(),
  proven: z.number(),
  targets: z.number(),
  failed: z.number(),
  shortfall: z.number(),
  skipped: z.number(),
  discovery: z
    .looseObject({ tagged: z.number(), scanned: z.number(), complete: z.boolean(), note: z.string().optional() })
    .optional(),
  controlCalls: z.number(),
  getFunctionCalls: z.number(),
  controlPeakPerSecond: z.number(),
  throttled: z.number(),
  heapUsedMb: z.number(),
  rssMb: z.number(),
});

export const scaleSchema = z.looseObject({
  explicit: z.number(),
  tagged: z.number(),
  untagged: z.number(),
  remainingMs: z.number(),
  controlPlaneRps: z.number(),
  ticksToReachAll: z.number().optional(),
  ticks: z.array(tickSchema),
  firstTickMs: z.number(),
  steadyTickMs: z.number().optional(),
});

export type ScaleOutput = z.infer<typeof scaleSchema>;

/** Targets per invocation the construct shards at (construct/environment.ts SHARD_SIZE). */
const SHARD = 250;

export interface ScaleExtrapolation {
  readonly targets: number;
  /** First-time reads (GetFunction, tags) one tick has room for, as measured in the busiest tick. */
  readonly readsPerTick: number;
  readonly readsPerTarget: number;
  readonly ticksToReachAll: number;
  readonly steadyMsPerTarget: number;
  readonly steadyOneInvocationMs: number;
  readonly steadyPerShardMs: number;
  readonly shards: number;
  readonly steadyControlCalls: number;
}

/**
 * 10,000 targets from the measured run: first-time reads grow with the targets, and one tick has room for as many
 * as the fastest measured read rate makes in a tick's work time; a steady tick's time and control-plane calls grow
 * linearly, and the construct splits a tick into shards of 250 that run side by side.
 */
export function extrapolateScale(value: ScaleOutput, targets = 10_000): ScaleExtrapolation | undefined {
  const reached = value.ticksToReachAll;
  const steady = value.ticks.at(-1);
  if (reached === undefined || value.steadyTickMs === undefined || !steady) return undefined;
  const measuredTargets = value.explicit + value.tagged;
  const firstReads = value.ticks.slice(0, reached).reduce((sum, tick) => sum + tick.getFunctionCalls, 0);
  // The fastest rate reads went at, kept up for a whole tick's work time (the invocation's time less the reserve).
  const readRate = Math.max(...value.ticks.map((tick) => tick.getFunctionCalls / Math.max(1, tick.wallMs / 1000)));
  const readsPerTick = Math.round(readRate * ((value.remainingMs - 5_000) / 1000));
  const readsPerTarget = firstReads / measuredTargets;
  const steadyMsPerTarget = value.steadyTickMs / measuredTargets;
  return {
    targets,
    readsPerTick,
    readsPerTarget,
    ticksToReachAll: Math.max(reached, Math.ceil((readsPerTarget * targets) / readsPerTick)),
    steadyMsPerTarget,
    steadyOneInvocationMs: steadyMsPerTarget * targets,
    steadyPerShardMs: steadyMsPerTarget * SHARD,
    shards: Math.ceil(targets / SHARD),
    steadyControlCalls: (steady.controlCalls / measuredTargets) * targets,
  };
}

export function scaleSection(step: StepLike | undefined): string {
  const { value, problem } = parseStep(scaleSchema, step);
  const parts = [
    '## 6. Account scale: thousands of targets under the control-plane quota',
    '',
    '`benchmarks/scale.ts`: one controller (in the benchmark process, real SDK clients over HTTP) against the emulator, which enforces Lambda’s account-wide control-plane quota and GetFunction’s own (100 requests/s) and throttles whatever exceeds them, as AWS does. Some targets are named in the policy set; the others are found at tick time by their `thermostat:policy` tag among untagged functions of the account, and warmed through a `template:` policy. Ticks run one a (scheduled) minute until every target has been reached, then one more.',
    '',
  ];
  if (!value) return [...parts, `Not measured in this run: ${problem}`].join('\n');
  const total = value.explicit + value.tagged;
  const budget = value.remainingMs - 5_000;
  parts.push(
    `**${int(total)} targets** (${int(value.explicit)} in the policy set, ${int(value.tagged)} discovered by tag among ${int(value.explicit + value.tagged + value.untagged)} functions), **${value.controlPlaneRps} requests/s** enforced, ${ms(budget)} of work per tick (the invocation's ${ms(value.remainingMs)} less the 5 s reserve).`,
    '',
    table(
      [
        'tick',
        'wall time',
        'status',
        'targets reached',
        'in the tick',
        'skipped',
        'found by tag (functions listed)',
        'control-plane calls (busiest second)',
        'GetFunction calls',
        'throttled',
        'heap',
        'resident set',
      ],
      value.ticks.map((tick, index) => [
        String(index + 1),
        ms(tick.wallMs),
        tick.status,
        int(tick.proven),
        int(tick.targets),
        int(tick.skipped),
        tick.discovery
          ? `${int(tick.discovery.tagged)} (${int(tick.discovery.scanned)}${tick.discovery.complete ? '' : ', incomplete'})`
          : '–',
        `${int(tick.controlCalls)} (${int(tick.controlPeakPerSecond)}/s)`,
        int(tick.getFunctionCalls),
        int(tick.throttled),
        mb(tick.heapUsedMb),
        mb(tick.rssMb),
      ]),
    ),
    '',
  );
  const steady = value.ticks.at(-1)!;
  parts.push(
    value.ticksToReachAll !== undefined
      ? `- Every target was reached by tick **${value.ticksToReachAll}**; the first tick took **${ms(value.firstTickMs)}** (cold caches: every function read once, the account listed for tags), the steady tick after it **${ms(value.steadyTickMs)}** with ${int(steady.controlCalls)} control-plane calls and ${int(steady.getFunctionCalls)} GetFunction calls.`
      : `- **Not every target was reached within ${value.ticks.length} ticks.**`,
    `- Ticks that could not reach everything said so: ${value.ticks.filter((tick) => tick.status === 'partial').length} were \`partial\`, each listing what it skipped and why; no request was throttled (${int(value.ticks.reduce((sum, tick) => sum + tick.throttled, 0))} in all) and the busiest second stayed at ${int(Math.max(...value.ticks.map((tick) => tick.controlPeakPerSecond)))} control-plane requests.`,
    '- Memory is the benchmark process, which also hosts the emulator and its light environments: an upper bound for the controller, which in Lambda holds one shard of 250 targets per invocation.',
    '',
  );
  const x = extrapolateScale(value);
  if (x) {
    parts.push(
      `**Extrapolated to ${int(x.targets)} targets** (arithmetic on the run above, not a measurement): first-time reads were ${x.readsPerTarget.toFixed(2)} per target and one tick has room for about ${int(x.readsPerTick)} at the fastest rate measured, so every target is reached within about **${x.ticksToReachAll} ticks**. A steady tick cost ${ms(x.steadyMsPerTarget)} per target here, ${ms(x.steadyOneInvocationMs)} for all of them in one invocation — beyond one tick — which is why the construct splits a tick into shards of ${SHARD} (${x.shards} side by side, about ${ms(x.steadyPerShardMs)} each at this rate); a steady tick makes about ${int(x.steadyControlCalls)} control-plane calls in all, ${x.steadyControlCalls <= value.controlPlaneRps * 45 ? 'within' : '**more than**'} the ${int(value.controlPlaneRps * 45)} that ${value.controlPlaneRps} requests/s allow in 45 s.`,
    );
  }
  return parts.join('\n').trimEnd();
}
