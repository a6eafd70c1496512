import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import {
  type AccountConcurrency,
  type Decision,
  type Observed,
  plan,
  type TargetObservation,
} from '../../controller/plan';
import { formatIssue, loadPolicySet, resolvePolicy } from '../../controller/policy';
import { type Command, parseCommandArgs } from '../command';
import { EXIT, InputError, UsageError } from '../errors';
import { colours, type Io } from '../io';
import { alignColumns } from '../table';

const HELP = `Usage: thermostat plan --policies <dir|file> [--at <ISO time>] [--observed <file>] [--json]

Shows what the controller would do at one instant, and why: a dry run of the real planner that you can paste
into a review. Nothing is called and nothing changes.

Options:
  --policies <path>   policy files or a directory of them (.yaml, .yml, .json); repeatable
  --at <ISO time>     the instant to plan for, e.g. 2025-11-25T09:00:00+01:00 (default: now)
  --observed <file>   JSON of what the controller would have observed (the planner's Observed shape: account
                      concurrency, per-target provisioned config, last ping...). Whatever it leaves out is
                      taken as on a fresh account: concurrency limit 1000, nothing provisioned, never pinged.
  --json              print the decisions as JSON instead of a table
  -h, --help          show this help

Exit codes: 0 planned, 1 invalid policies or observed file (one line per problem), 2 usage error.
`;

/** What a dry run assumes for anything not observed: AWS's default account quota, targets never seen before. */
export const FRESH_ACCOUNT: AccountConcurrency = { limit: 1000, unreserved: 1000 };
export const FRESH_TARGET: TargetObservation = {
  provisioned: null,
  scalableTarget: null,
  scalingPolicy: null,
  reservedConcurrency: null,
};

/**
 * The planner's input for a dry run: the observed file's values, over a fresh account and fresh targets for
 * everything it leaves out (the planner reads a missing field as "could not be read", which would only make every
 * provisioned target skip).
 */
export function dryRunObserved(keys: readonly string[], given: Partial<Observed> = {}): Observed {
  const targets: Record<string, TargetObservation> = {};
  for (const key of keys) targets[key] = { ...FRESH_TARGET, ...given.targets?.[key] };
  for (const [key, target] of Object.entries(given.targets ?? {})) targets[key] ??= target;
  return { account: given.account ?? FRESH_ACCOUNT, targets };
}

// Times in an observed file may be epoch milliseconds (what the controller stores) or ISO strings (what people write).
const Instant = z.pipe(
  z.union([z.number(), z.iso.datetime({ offset: true })]),
  z.transform((value) => (typeof value === 'number' ? value : Date.parse(value))),
);
const Count = z.int().check(z.gte(0));
const Status = z.enum(['IN_PROGRESS', 'READY', 'FAILED']);

const ManagedSchema = z.strictObject({
  function: z.string(),
  qualifier: z.optional(z.string()),
  provisioned: z.optional(
    z.union([
      z.strictObject({ strategy: z.literal('direct'), value: Count }),
      z.strictObject({ strategy: z.literal('autoscaling'), min: Count, max: Count, utilization: z.number() }),
    ]),
  ),
  adopted: z.optional(z.boolean()),
  since: Instant,
});

const TargetSchema = z.strictObject({
  problem: z.optional(
    z.strictObject({ kind: z.enum(['function-missing', 'qualifier-missing', 'unreadable']), message: z.string() }),
  ),
  memoryMb: z.optional(Count),
  architecture: z.optional(z.enum(['x86_64', 'arm64'])),
  timeoutMs: z.optional(Count),
  reservedConcurrency: z.optional(z.nullable(Count)),
  provisionedElsewhere: z.optional(Count),
  snapStart: z.optional(z.boolean()),
  weightedAlias: z.optional(z.boolean()),
  version: z.optional(z.string()),
  provisioned: z.optional(
    z.nullable(
      z.strictObject({
        requested: Count,
        allocated: Count,
        available: Count,
        status: Status,
        reason: z.optional(z.string()),
      }),
    ),
  ),
  scalableTarget: z.optional(z.nullable(z.strictObject({ min: Count, max: Count }))),
  scalingPolicy: z.optional(z.nullable(z.strictObject({ targetValue: z.number() }))),
  managed: z.optional(ManagedSchema),
  lastPingAt: z.optional(Instant),
  lastWanted: z.optional(Count),
  lastProven: z.optional(Count),
  utilization: z.optional(
    z.strictObject({ averageConcurrency: z.number(), peakConcurrency: z.number(), minutes: z.number() }),
  ),
});

const ObservedSchema = z.strictObject({
  account: z.optional(z.strictObject({ limit: Count, unreserved: Count })),
  targets: z.optional(z.record(z.string(), TargetSchema)),
});

function issueText(issue: z.core.$ZodIssue): string {
  const path = issue.path.map((p, i) => {
    if (typeof p === 'number') return `[${p}]`;
    const name = String(p);
    if (!/^[A-Za-z_]\w*$/.test(name)) return `[${JSON.stringify(name)}]`;
    return i === 0 ? name : `.${name}`;
  });
  const where = path.length > 0 ? `${path.join('')}: ` : '';
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${where}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_type':
      return `${where}expected ${issue.expected}`;
    case 'invalid_value':
      return `${where}expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return `${where}not one of the allowed shapes (a number of ms or an ISO time, for times)`;
    case 'too_small':
      return `${where}expected at least ${String(issue.minimum)}`;
    case 'invalid_format':
      return `${where}expected an ISO time such as 2025-11-25T09:00:00Z`;
    default:
      return `${where}${issue.message}`;
  }
}

export type ObservedFile = { observed: Partial<Observed>; problems?: undefined } | { problems: string[] };

/** Reads an observed file; every problem is one line naming the file and the field. */
export function readObserved(file: string): ObservedFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problems: [`${file}: cannot read: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { problems: [`${file}: not valid JSON: ${(error as Error).message}`] };
  }
  const parsed = ObservedSchema.safeParse(json);
  if (!parsed.success) return { problems: parsed.error.issues.map((issue) => `${file}: ${issueText(issue)}`) };
  return { observed: parsed.data as Partial<Observed> };
}

/**
 * An ISO instant with an explicit zone (Z or ±hh:mm): a bare "09:00" would silently mean the machine's zone, and
 * windows are all about which zone the clock is in.
 */
export function parseInstant(text: string): Date {
  const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/i;
  const date = new Date(text);
  if (!iso.test(text) || Number.isNaN(date.getTime())) {
    throw new UsageError(
      `--at must be an ISO time with a zone, such as 2025-11-25T09:00:00Z or 2025-11-25T09:00+01:00; got "${text}"`,
    );
  }
  return date;
}

/** "ping x5", "skip (not-due)": what a decision does, in a few words, for the table's action column. */
export function actionText(decision: Decision): string {
  switch (decision.kind) {
    case 'ping':
      return `ping x${decision.count}`;
    case 'skip':
      return `skip (${decision.cause})`;
    case 'fail':
      return `fail (${decision.problem.kind})`;
    case 'put-provisioned':
      return `provisioned ${decision.previous ?? 0} -> ${decision.value}`;
    case 'delete-provisioned':
      return `delete provisioned (${decision.previous})`;
    case 'register-scalable-target':
      return `autoscaling ${decision.min}-${decision.max} @ ${decision.utilization}`;
    case 'deregister-scalable-target':
      return 'deregister autoscaling';
    case 'keep-provisioned':
      return `keep provisioned ${decision.requested}`;
    case 'leave-alone':
      return `leave alone (${decision.owner})`;
    case 'forget':
      return 'forget';
    case 'auto-choice':
      return `auto -> ${decision.choice}`;
  }
}

function table(decisions: readonly Decision[], io: Io): string {
  const c = colours(io.stdout, io.env);
  const head = ['target', 'mode', 'window', 'action', 'reason'];
  const rows = decisions.map((d) => [d.key, d.mode, d.window ?? '-', actionText(d), d.reason]);
  const paintAction = (d: Decision, text: string) =>
    d.kind === 'fail' ? c.red(text) : d.kind === 'skip' ? c.dim(text) : c.green(text);
  const [header, ...lines] = alignColumns([head, ...rows], (text, row, column) =>
    row > 0 && column === 3 ? paintAction(decisions[row - 1]!, text) : text,
  );
  return [c.bold(header!), ...lines].join('\n');
}

export const planCommand: Command = {
  name: 'plan',
  summary: 'show what the controller would do at an instant, with reasons (dry run)',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      policies: { type: 'string', multiple: true },
      at: { type: 'string' },
      observed: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const paths = values.policies ?? [];
    if (paths.length === 0) throw new UsageError('--policies <dir> is required');
    const at = values.at === undefined ? new Date() : parseInstant(values.at);

    const set = loadPolicySet(paths);
    if (set.issues.length > 0) {
      for (const issue of set.issues) io.stderr.write(`thermostat plan: ${formatIssue(issue)}\n`);
      return EXIT.failed;
    }
    if (set.policies.length === 0) throw new InputError(`no policies found in ${paths.join(', ')}`);
    const given = values.observed === undefined ? undefined : readObserved(values.observed);
    if (given?.problems) {
      for (const problem of given.problems) io.stderr.write(`thermostat plan: ${problem}\n`);
      return EXIT.failed;
    }
    const observed = dryRunObserved(
      set.policies.map((p) => p.key),
      given?.observed,
    );
    const effective = set.policies.map((loaded) => resolvePolicy(loaded.policy, at));
    const decisions = plan(effective, at, observed);

    if (values.json) {
      const out = {
        at: at.toISOString(),
        observed: values.observed ?? null,
        policies: set.policies.map((p) => ({ key: p.key, file: p.file })),
        effective: effective.map((e) => ({
          key: e.key,
          mode: e.mode,
          window: e.window ?? null,
          until: e.until?.toISOString() ?? null,
        })),
        decisions,
      };
      io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return EXIT.ok;
    }
    const source = values.observed
      ? `observed state from ${values.observed} (a fresh account for anything it leaves out)`
      : 'assuming a fresh account (concurrency limit 1000, nothing provisioned, never pinged)';
    io.stdout.write(
      `Plan at ${at.toISOString()} for ${set.policies.length} polic${set.policies.length === 1 ? 'y' : 'ies'}, ${source}\n\n` +
        `${table(decisions, io)}\n`,
    );
    return EXIT.ok;
  },
};
