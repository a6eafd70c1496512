import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { sdkDynamo } from '../../controller/aws/sdk';
import { type Clock, systemClock } from '../../controller/clock';
import { type ControllerConfig, DEFAULT_CONFIG } from '../../controller/config';
import { formatIssue, loadPolicySet } from '../../controller/policy';
import type { Log } from '../../controller/report/log';
import type { MetricsSink } from '../../controller/report/metrics';
import type { RunReport, TargetReport } from '../../controller/report/report';
import { type PolicySource, type RunDeps, run } from '../../controller/run';
import { DynamoStateStore, MemoryStateStore, type StateStore } from '../../controller/state';
import { buildClients, socketPoolSize, WIRING_DEFAULTS, wireDeps } from '../../controller/wiring';
import { type Command, parseCommandArgs } from '../command';
import { EXIT, InputError, UsageError } from '../errors';
import { colours, type Io } from '../io';
import { alignColumns } from '../table';

const HELP = `Usage: thermostat run --policies <dir|file> [--endpoint <url>] [options]

Runs one real controller tick: observes every target, plans, sends the warm-up pings and writes provisioned
concurrency, exactly as the scheduled controller Lambda does, then prints the run report.

Options:
  --policies <path>            policy files or a directory of them; repeatable
  --endpoint <url>             Lambda-API endpoint, e.g. the local emulator (http://127.0.0.1:9001); it also serves
                               Application Auto Scaling, CloudWatch and EventBridge. Without it: AWS, with your
                               usual credentials and region (AWS_PROFILE, AWS_REGION, ...)
  --region <name>              region (default: AWS_REGION, else us-east-1 with --endpoint)
  --state-table <name>         DynamoDB table the controller keeps its state in (what it pinged, what it owns).
                               Without it the state lives in memory for this one tick: every run is a first tick
  --dynamodb-endpoint <url>    DynamoDB endpoint for --state-table (e.g. a local dynalite)
  --event-bus <name>           also publish the run summary and changes to this EventBridge bus
  --timeout <seconds>          time budget of the tick, like the controller Lambda's timeout (default 60)
  --json                       print the run report as JSON
  --debug                      print the controller's log lines on stderr, and stack traces
  -h, --help                   show this help

Exit codes: 0 every target handled, 1 invalid policies or a target failed, 2 usage error.
`;

/** Credentials the local emulator accepts; never used against AWS. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' } as const;

export interface LocalRunOptions {
  readonly policies: PolicySource;
  readonly state: StateStore;
  /** Lambda-API endpoint; undefined means AWS with the default credential chain. */
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly eventBus?: string;
  readonly log?: Log;
  readonly clock?: Clock;
  readonly config?: Partial<ControllerConfig>;
  /** Control-plane requests per second (Lambda's quota is ~15 per account). @default 10 */
  readonly controlRps?: number;
}

export interface LocalRuntime {
  readonly deps: RunDeps;
  /** Closes the SDK clients' sockets. */
  destroy(): void;
}

/** Lines the controller logs, dropped unless the user asked for them. */
export function writerLog(write?: (line: string) => void): Log {
  const emit =
    (level: string) =>
    (message: string, attributes?: Record<string, unknown>): void => {
      write?.(`${level} ${message}${attributes ? ` ${JSON.stringify(attributes)}` : ''}`);
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** The CLI has no CloudWatch EMF pipeline; the run report carries the same numbers. */
const NO_METRICS: MetricsSink = {
  addDimension: () => undefined,
  addMetric: () => undefined,
  publishStoredMetrics: () => undefined,
};

/**
 * The controller's dependencies for a run outside Lambda: the very wiring of the Lambda entry (controller/wiring.ts) (clients, socket
 * sizing, rate limits that follow the tick's deadline), pointed at an explicit endpoint and credentials — a CLI
 * process must not change its own environment variables — with a quiet log and no EMF output.
 */
export function localRuntime(options: LocalRunOptions): LocalRuntime {
  const config: ControllerConfig = { ...DEFAULT_CONFIG, ...options.config };
  const maxSockets = socketPoolSize(
    options.policies.policies.map((loaded) => loaded.policy),
    config.actParallelism,
  );
  const { endpoint } = options;
  const clients = buildClients({
    maxSockets,
    connectTimeoutMs: WIRING_DEFAULTS.connectTimeoutMs,
    maxAttempts: WIRING_DEFAULTS.maxAttempts,
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // The state store is passed in, so DynamoDB keeps the SDK's own resolution.
    ...(endpoint
      ? { endpoints: { lambda: endpoint, autoscaling: endpoint, cloudwatch: endpoint, events: endpoint } }
      : {}),
  });
  const deps = wireDeps({
    clients,
    policies: options.policies,
    config,
    maxSockets,
    state: options.state,
    log: options.log ?? writerLog(),
    metrics: NO_METRICS,
    clock: options.clock ?? systemClock,
    controlRps: options.controlRps ?? WIRING_DEFAULTS.controlRps,
    getFunctionRps: WIRING_DEFAULTS.getFunctionRps,
    ...(options.eventBus ? { eventBus: options.eventBus } : {}),
  });
  return {
    deps,
    destroy() {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

/** A Lambda-like context with a fixed time budget. */
export function budgetContext(clock: Clock, budgetMs: number) {
  const end = clock.now() + budgetMs;
  return { getRemainingTimeInMillis: () => Math.max(0, end - clock.now()) };
}

function pingText(target: TargetReport): string {
  const warm = target.warm;
  if (!warm) return '-';
  const proven = warm.proof ? `${warm.proven}/${warm.wanted} proven` : `${warm.answered} answered`;
  return `${warm.pingsSent} sent, ${proven}${warm.cold > 0 ? `, ${warm.cold} cold` : ''}`;
}

function provisionedText(target: TargetReport): string {
  const pc = target.provisioned;
  if (!pc) return '-';
  const changes = pc.changes
    .map((change) => `${change.action} ${change.from} -> ${change.to}${change.error ? ` (${change.error.name})` : ''}`)
    .join(', ');
  const gauge = pc.requested !== undefined ? `${pc.allocated ?? 0}/${pc.requested} allocated` : '';
  return [changes, gauge].filter(Boolean).join('; ') || '-';
}

/** The report as a table: one row per target, then the totals. */
export function reportTable(report: RunReport, io: Io): string {
  const c = colours(io.stdout, io.env);
  const head = ['target', 'mode', 'window', 'status', 'pings', 'provisioned', 'decisions'];
  const rows = report.targets.map((t) => [
    t.target,
    t.mode,
    t.window ?? '-',
    t.status,
    pingText(t),
    provisionedText(t),
    t.failure ? `${t.failure.kind}: ${t.failure.message}` : t.decisions.map((d) => d.reason).join('; '),
  ]);
  const [header, ...body] = alignColumns([head, ...rows], (text, row, column) => {
    if (row === 0 || column !== 3) return text;
    return report.targets[row - 1]!.status === 'ok' ? c.green(text) : c.red(text);
  });
  const t = report.totals;
  const lines = [
    `Tick ${report.tickId} (run ${report.runId}): ${report.status} in ${report.durationMs} ms`,
    '',
    c.bold(header!),
    ...body,
    '',
    `${t.targets} targets, ${t.pingsSent} pings sent, ${t.environmentsProven} environments proven` +
      `${t.coldEnvironments > 0 ? ` (${t.coldEnvironments} were cold)` : ''}, ${t.provisionedChanges} provisioned changes, ` +
      `${t.targetFailures} failed`,
  ];
  for (const skipped of report.skipped) lines.push(c.yellow(`skipped ${skipped.key}: ${skipped.reason}`));
  if (report.accountError) lines.push(c.yellow(`account settings unreadable: ${report.accountError}`));
  return `${lines.join('\n')}\n`;
}

function checkUrl(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch (error) {
    throw new UsageError(`--${name} must be an http(s) URL such as http://127.0.0.1:9001, got "${value}"`, {
      cause: error,
    });
  }
  return value;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run one real controller tick against the emulator or AWS',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      policies: { type: 'string', multiple: true },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      'state-table': { type: 'string' },
      'dynamodb-endpoint': { type: 'string' },
      'event-bus': { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const paths = values.policies ?? [];
    if (paths.length === 0) throw new UsageError('--policies <dir> is required');
    const endpoint = checkUrl('endpoint', values.endpoint);
    const dynamoEndpoint = checkUrl('dynamodb-endpoint', values['dynamodb-endpoint']);
    if (dynamoEndpoint && !values['state-table']) throw new UsageError('--dynamodb-endpoint needs --state-table');
    let timeoutS = 60;
    if (values.timeout !== undefined) {
      timeoutS = Number(values.timeout);
      if (!Number.isFinite(timeoutS) || timeoutS < 1 || timeoutS > 900) {
        throw new UsageError(`--timeout must be a number of seconds from 1 to 900, got "${values.timeout}"`);
      }
    }

    const set = loadPolicySet(paths);
    if (set.issues.length > 0) {
      for (const issue of set.issues) io.stderr.write(`thermostat run: ${formatIssue(issue)}\n`);
      return EXIT.failed;
    }
    if (set.policies.length === 0) throw new InputError(`no policies found in ${paths.join(', ')}`);

    // Against a local endpoint, any credentials do; against AWS, the user's own chain decides.
    const local = endpoint !== undefined;
    const region = values.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? (local ? 'us-east-1' : undefined);
    const credentials = local && !io.env.AWS_ACCESS_KEY_ID ? LOCAL_CREDENTIALS : undefined;
    const dynamo =
      values['state-table'] !== undefined
        ? new DynamoDBClient({
            maxAttempts: 3,
            ...(region ? { region } : {}),
            ...(dynamoEndpoint ? { endpoint: dynamoEndpoint } : {}),
            ...(dynamoEndpoint && !io.env.AWS_ACCESS_KEY_ID ? { credentials: LOCAL_CREDENTIALS } : {}),
          })
        : undefined;
    const state =
      dynamo && values['state-table']
        ? new DynamoStateStore(sdkDynamo(dynamo), values['state-table'])
        : new MemoryStateStore();
    const debug = Boolean(values.debug);
    const runtime = localRuntime({
      policies: { policies: set.policies, issues: [] },
      state,
      ...(endpoint ? { endpoint } : {}),
      ...(region ? { region } : {}),
      ...(credentials ? { credentials } : {}),
      ...(values['event-bus'] ? { eventBus: values['event-bus'] } : {}),
      log: writerLog(debug ? (line) => io.stderr.write(`${line}\n`) : undefined),
    });
    let report: RunReport;
    try {
      report = await run(runtime.deps, {}, budgetContext(runtime.deps.clock, timeoutS * 1000));
    } catch (error) {
      throw new InputError(`the tick failed: ${(error as Error).message}`, { cause: error });
    } finally {
      runtime.destroy();
      dynamo?.destroy();
    }
    io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : reportTable(report, io));
    const failed = report.totals.targetFailures > 0 || report.status === 'partial';
    return failed ? EXIT.failed : EXIT.ok;
  },
};
