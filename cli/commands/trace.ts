import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { GetFunctionCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { RateLimiter } from '../../controller/aws/rate-limit';
import { sdkMetrics } from '../../controller/aws/sdk';
import { systemClock } from '../../controller/clock';
import { GET_METRIC_DATA_PER_METRIC } from '../../controller/cost';
import { TRACE_FILES, writeAzure2019Trace } from '../../simulator/traces/azure2019-writer';
import { type Command, numberOption, parseCommandArgs } from '../command';
import { EXIT, InputError, UsageError } from '../errors';
import type { Io } from '../io';
import { createProgress } from '../progress';
import { LOCAL_CREDENTIALS } from './run';
import {
  type ExportPlan,
  exportWindow,
  firstMinuteOfDay,
  formatUsd,
  type Naming,
  nameOf,
  PER_MINUTE,
  planExport,
  readExport,
  traceRecords,
  WHOLE_WINDOW,
} from './trace-export';
import { parseTag, type SelectedFunction, type Selection, selectFunctions } from './trace-select';

const DEFAULT_DAYS = 14;
const DEFAULT_MAX_COST_USD = 0.05;
/** GetMetricData allows 50 calls/s but ~396,000 data points/s; a full answer is 100,800 points. */
const METRIC_CALLS_PER_SECOND = 3;
const MANIFEST = 'export.json';

const HELP = `Usage: thermostat trace export --out <dir> (--functions <a,b> | --prefix <p> | --tag <k=v>) [options]

Reads your functions' own traffic from CloudWatch and writes it as a trace in the Azure Functions 2019 format,
so \`thermostat simulate --trace <dir>\` tries policies on it before you deploy anything.

Reads per function: Invocations (Sum) and ConcurrentExecutions (Maximum) per minute, and Duration (Average,
Minimum, Maximum, p1, p25, p50, p75, p99) over the whole window, from CloudWatch GetMetricData; memory from
Lambda GetFunction. GetMetricData is billed: $0.01 per 1,000 metrics requested, i.e. 10 metrics per function
whatever the number of days ($0.0001 per function). The cost is printed before anything billed is read.

Choosing functions (--functions, or --prefix and/or --tag):
      --functions <a,b,...>   names or ARNs
      --prefix <text>         every function whose name starts with <text> (ListFunctions)
      --tag <key[=value]>     every function with this tag (repeatable; all must match). Reads each
                              candidate with GetFunction: combine with --prefix on large accounts
      --qualifier <name>      read one alias or version (CloudWatch's Resource dimension); default: all of
                              the function's invocations

Window:
      --days <n>              days of history, 0.01 to 15 (CloudWatch keeps 1-minute data 15 days); default ${DEFAULT_DAYS}
      --end <ISO time>        end of the window; default now, rounded down to the minute

Output:
      --out <dir>             folder for invocations.csv, durations.csv, memory.csv, concurrency.tsv and
                              export.json (required); existing trace files are kept unless --force
      --force                 replace trace files already in --out
      --hash-names            write SHA-256 hashes of the account id and function names instead of the names,
                              as the Azure traces do (policies then name functions by hash)
      --salt <text>           with --hash-names: HMAC-SHA256 with this secret, so names cannot be guessed back

Cost:
      --dry-run               print the plan and its cost; read no metrics, write nothing
      --yes                   read whatever the cost
      --max-cost <usd>        without --yes, read only if the estimate is at most this; default $${DEFAULT_MAX_COST_USD}
                              (a CLI never waits for an answer: CI has no terminal)

AWS:
      --endpoint <url>        Lambda and CloudWatch endpoint, e.g. the local emulator (http://127.0.0.1:9001);
                              without it: AWS with your usual credentials and region
      --region <name>         region (default: AWS_REGION, else us-east-1 with --endpoint)

Exit codes: 0 written (or planned with --dry-run), 1 bad input, a failed read or a cost above --max-cost,
2 usage error.
`;

function checkUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {}
  throw new UsageError(`--endpoint must be an http(s) URL such as http://127.0.0.1:9001, got "${value}"`);
}

function selectionOf(values: { functions?: string; prefix?: string; tag?: string[] }): Selection {
  const tags = (values.tag ?? []).map((text) => {
    try {
      return parseTag(text);
    } catch (error) {
      throw new UsageError((error as Error).message, { cause: error });
    }
  });
  if (values.functions !== undefined) {
    if (values.prefix !== undefined || tags.length > 0) {
      throw new UsageError('--functions cannot be combined with --prefix or --tag');
    }
    const names = values.functions.split(',').map((name) => name.trim());
    if (names.some((name) => name === '')) {
      throw new UsageError(`--functions must list names separated by commas, got "${values.functions}"`);
    }
    return { kind: 'names', names };
  }
  if (values.prefix === undefined && tags.length === 0) {
    throw new UsageError('choose functions with --functions, --prefix or --tag');
  }
  return { kind: 'match', ...(values.prefix !== undefined ? { prefix: values.prefix } : {}), tags };
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

function planText(plan: ExportPlan, functions: readonly SelectedFunction[], qualifier: string | undefined): string {
  const n = functions.length;
  const days = (plan.window.end - plan.window.start) / 86_400_000;
  const names = functions
    .slice(0, 5)
    .map((fn) => fn.name)
    .join(', ');
  const stats = (list: typeof PER_MINUTE) => list.map((s) => `${s.metric} ${s.stat}`).join(', ');
  return [
    `trace export: ${n} function${n === 1 ? '' : 's'}${qualifier ? ` (qualifier ${qualifier})` : ''}: ${names}${n > 5 ? `, … ${n - 5} more` : ''}`,
    `  window: ${new Date(plan.window.start).toISOString()} to ${new Date(plan.window.end).toISOString()} (${Number(days.toFixed(3))} days, ${plan.minutes.toLocaleString('en-US')} minutes)`,
    `  per minute: ${stats(PER_MINUTE)}: ${count(plan.perMinute.metricsRequested, 'metric')} in ${count(plan.perMinute.calls, 'GetMetricData call')}`,
    `  whole window: Duration ${WHOLE_WINDOW.map((s) => s.stat).join(', ')}: ${count(plan.wholeWindow.metricsRequested, 'metric')} in ${count(plan.wholeWindow.calls, 'call')}`,
    `  cost: ${plan.metricsRequested.toLocaleString('en-US')} metrics requested × $${GET_METRIC_DATA_PER_METRIC * 1000} per 1,000 = ${formatUsd(plan.costUsd)} (GetMetricData; Lambda reads are free)`,
    `  time: about ${Math.ceil(plan.calls / METRIC_CALLS_PER_SECOND)} s at ${METRIC_CALLS_PER_SECOND} calls per second`,
    '',
  ].join('\n');
}

/** The folder exists or is created; trace files in it are only replaced with --force. */
function prepareOut(dir: string, force: boolean): void {
  if (existsSync(dir)) {
    const there = readdirSync(dir).filter((name) => [...TRACE_FILES, MANIFEST].includes(name as never));
    if (there.length > 0 && !force) {
      throw new InputError(`${dir} already holds ${there.join(', ')}; choose another --out or pass --force`);
    }
  } else {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new InputError(`cannot create ${dir}: ${(error as Error).message}`, { cause: error });
    }
  }
}

function dateOnly(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

async function exportCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    functions: { type: 'string' },
    prefix: { type: 'string' },
    tag: { type: 'string', multiple: true },
    qualifier: { type: 'string' },
    days: { type: 'string' },
    end: { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
    'hash-names': { type: 'boolean' },
    salt: { type: 'string' },
    'dry-run': { type: 'boolean' },
    yes: { type: 'boolean' },
    'max-cost': { type: 'string' },
    endpoint: { type: 'string' },
    region: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const selection = selectionOf(values);
  const dryRun = Boolean(values['dry-run']);
  if (!values.out && !dryRun) throw new UsageError('--out <dir> is required');
  if (values.salt !== undefined && !values['hash-names']) throw new UsageError('--salt needs --hash-names');
  if (values.qualifier !== undefined && !/^[a-zA-Z0-9$_-]{1,128}$/.test(values.qualifier)) {
    throw new UsageError(`--qualifier must be an alias name or a version number, got "${values.qualifier}"`);
  }
  const days = numberOption('days', values.days, 0.01, 15) ?? DEFAULT_DAYS;
  const maxCost = numberOption('max-cost', values['max-cost'], 0, 1_000_000) ?? DEFAULT_MAX_COST_USD;
  let endMs = Date.now();
  if (values.end !== undefined) {
    endMs = Date.parse(values.end);
    if (Number.isNaN(endMs))
      throw new UsageError(`--end must be an ISO time such as 2026-12-01T00:00Z, got "${values.end}"`);
  }
  const endpoint = checkUrl(values.endpoint);
  const naming: Naming = values['hash-names']
    ? { kind: 'hash', ...(values.salt !== undefined ? { salt: values.salt } : {}) }
    : { kind: 'keep' };
  const out = values.out ? resolve(io.cwd, values.out) : undefined;
  if (out && !dryRun) prepareOut(out, Boolean(values.force));

  const local = endpoint !== undefined;
  const region = values.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? (local ? 'us-east-1' : undefined);
  const config = {
    maxAttempts: 3,
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(local && !io.env.AWS_ACCESS_KEY_ID ? { credentials: LOCAL_CREDENTIALS } : {}),
  };
  const lambda = new LambdaClient(config);
  const cloudWatch = new CloudWatchClient(config);
  try {
    const functions = await selectFunctions(
      {
        listFunctions: (input) => lambda.send(new ListFunctionsCommand(input)),
        getFunction: (input) => lambda.send(new GetFunctionCommand(input)),
      },
      selection,
      {
        ...(values.qualifier ? { qualifier: values.qualifier } : {}),
        listLimiter: new RateLimiter(5, 5, systemClock),
        getLimiter: new RateLimiter(20, 20, systemClock),
      },
    );
    if (functions.length === 0) throw new InputError('no function matches the selection; nothing to export');
    const window = exportWindow(endMs, days);
    const plan = planExport(functions, window, values.qualifier);
    if (dryRun) {
      io.stdout.write(planText(plan, functions, values.qualifier));
      io.stdout.write('dry run: nothing read, nothing written\n');
      return EXIT.ok;
    }
    io.stderr.write(planText(plan, functions, values.qualifier));
    if (!values.yes && plan.costUsd > maxCost) {
      throw new InputError(
        `the read would cost about ${formatUsd(plan.costUsd)}, above --max-cost ${formatUsd(maxCost)}; pass --yes to go ahead, or --dry-run to see the plan only`,
      );
    }

    const progress = createProgress(io.stderr);
    const read = await readExport(sdkMetrics(cloudWatch), functions, window, values.qualifier, {
      limiter: new RateLimiter(METRIC_CALLS_PER_SECOND, METRIC_CALLS_PER_SECOND, systemClock),
      onCall: (usage) => {
        const line = `reading CloudWatch: ${usage.calls} of ${plan.calls} calls, ${usage.datapoints.toLocaleString('en-US')} data points`;
        progress.update({ lines: [line] });
      },
    });
    progress.finish();
    const records = traceRecords(functions, read, naming);
    const firstMinute = firstMinuteOfDay(window.start);
    writeAzure2019Trace(out!, { firstMinute, minutes: plan.minutes, functions: records }, { overwrite: true });
    const invocations = records.map((r) => Array.from(r.invocations.values).reduce((sum, v) => sum + v, 0));
    const manifest = {
      format: 'azure2019',
      source: 'cloudwatch',
      region: functions[0]!.region,
      qualifier: values.qualifier ?? null,
      window: { start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString() },
      minutes: plan.minutes,
      // The 2019 format counts minutes from the first day's midnight (UTC here): simulate's --start.
      simulateStart: dateOnly(window.start),
      firstMinuteLabel: firstMinute + 1,
      names: naming.kind === 'keep' ? 'kept' : naming.salt === undefined ? 'sha256' : 'hmac-sha256',
      columns: {
        HashOwner: 'AWS account id',
        HashApp: 'function name (a Lambda function is its own app)',
        HashFunction: 'function name',
        Trigger: 'unknown (CloudWatch does not say what invoked a function)',
      },
      statistics: {
        invocations: 'AWS/Lambda Invocations Sum per minute (warm-up pings by any warmer already in place count too)',
        durations: `AWS/Lambda Duration ${WHOLE_WINDOW.map((s) => s.stat).join(', ')} over the whole window; percentile_Average_0 = Minimum, percentile_Average_100 = Maximum`,
        memory: 'Lambda MemorySize (GetFunction); every AverageAllocatedMb column holds it',
        concurrency: 'AWS/Lambda ConcurrentExecutions Maximum per minute, in concurrency.tsv',
      },
      functions: functions.map((fn, i) => ({
        name: nameOf(naming, fn.name),
        memoryMb: fn.memoryMb,
        invocations: invocations[i],
        peakConcurrency: Math.max(0, ...Array.from(records[i]!.concurrency!.values)),
        meanDurationMs: records[i]!.durations?.average ?? null,
      })),
      cloudWatch: {
        calls: read.usage.calls,
        metricsRequested: read.usage.metricsRequested,
        datapoints: read.usage.datapoints,
        costUsd: read.usage.metricsRequested * GET_METRIC_DATA_PER_METRIC,
      },
      incomplete: [...read.perMinute.incomplete, ...read.wholeWindow.incomplete],
    };
    const manifestFile = join(out!, MANIFEST);
    writeFileSync(`${manifestFile}.partial`, `${JSON.stringify(manifest, null, 2)}\n`);
    renameSync(`${manifestFile}.partial`, manifestFile);

    const total = invocations.reduce((sum, v) => sum + v, 0);
    const shown = relative(io.cwd, out!) || '.';
    io.stdout.write(
      [
        `wrote ${functions.length} function${functions.length === 1 ? '' : 's'}, ${total.toLocaleString('en-US')} invocations over ${plan.minutes.toLocaleString('en-US')} minutes to ${shown}`,
        `CloudWatch: ${read.usage.calls} GetMetricData calls, ${read.usage.metricsRequested.toLocaleString('en-US')} metrics requested (${formatUsd(manifest.cloudWatch.costUsd)})`,
        ...(manifest.incomplete.length > 0
          ? [`partial: CloudWatch answered only part of ${manifest.incomplete.length} series (listed in export.json)`]
          : []),
        `next: thermostat simulate --trace ${shown} --policies <dir> --start ${manifest.simulateStart}`,
        '',
      ].join('\n'),
    );
    // The trace is written either way; a script must still learn that part of it is missing.
    return manifest.incomplete.length > 0 ? EXIT.failed : EXIT.ok;
  } finally {
    lambda.destroy();
    cloudWatch.destroy();
  }
}

export const traceCommand: Command = {
  name: 'trace',
  summary: 'export your functions’ own traffic from CloudWatch as a trace for simulate',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub !== 'export') {
      throw new UsageError(
        sub === undefined ? 'say what to do: thermostat trace export' : `unknown subcommand "${sub}"`,
      );
    }
    return exportCommand(rest, io);
  },
};
