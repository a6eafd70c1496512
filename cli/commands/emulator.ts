import { resolve } from 'node:path';
import { type Emulator, EmulatorConfigError, type EmulatorOptions, loadManifest, startEmulator } from '../../emulator';
import { type Command, numberOption, parseCommandArgs } from '../command';
import { InputError, UsageError } from '../errors';
import type { Io } from '../io';

const HELP = `Usage: thermostat emulator --manifest <file> [options]

Runs the local AWS emulator on 127.0.0.1: Lambda (Invoke and the control plane, with real execution
environments), Application Auto Scaling, EventBridge PutEvents and CloudWatch GetMetricData, all on one port.
Point the AWS SDK (or the AWS CLI) at it with AWS_ENDPOINT_URL=<endpoint>. Stops on Ctrl+C (SIGINT) or SIGTERM,
killing every environment it started.

Options:
  -m, --manifest <file>   functions and settings, JSON or YAML (required)
  -p, --port <n>          port to listen on (default: the manifest's, else a free one)
      --environment <kind>  process (a child process per environment) or light (module instances in a
                          shared host, for hundreds of environments); overrides the manifest
  -q, --quiet             do not print the functions' log lines

Inspect it while it runs:
  curl <endpoint>/_emulator/state      environments, counts, provisioned concurrency
  curl <endpoint>/_emulator/logs       recent log lines (?function=<name>)
  curl <endpoint>/_emulator/events     events received by PutEvents

Manifest example (emulator.yaml):
  environment: process
  idleTimeoutMs: 600000
  functions:
    - name: orders
      handler: ./handlers/orders.js     # relative to the manifest
      memoryMb: 512
      versions: { "1": {} }
      aliases: { live: "1" }
`;

export interface EmulatorRunOptions {
  /** Stops the emulator when aborted; by default SIGINT or SIGTERM does. */
  readonly signal?: AbortSignal;
  /** Called once the emulator listens (tests use it to reach the endpoint). */
  readonly onStarted?: (emulator: Emulator) => void;
  /** Finds tsx's hook; tests pass one that fails, as in an install without tsx. @default require.resolve */
  readonly resolveTsx?: () => string;
}

function untilSignal(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal) {
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

/** The first TypeScript handler of a manifest (a function's or a version's), or undefined. */
function firstTypeScriptHandler(
  options: EmulatorOptions,
): { readonly fn: string; readonly handler: string } | undefined {
  for (const fn of options.functions ?? []) {
    const handlers = [fn.handler, ...Object.values(fn.versions ?? {}).map((version) => version.handler)];
    const handler = handlers.find((file) => file !== undefined && /\.[cm]?ts$/.test(file));
    if (handler !== undefined) return { fn: fn.name, handler };
  }
  return undefined;
}

/**
 * TypeScript handlers load through tsx, which an installed package does not bring (it is an optional peer): say so
 * at start rather than on the first invoke.
 */
function checkTypeScriptLoader(options: EmulatorOptions, manifest: string, resolveTsx: () => string): void {
  const ts = firstTypeScriptHandler(options);
  if (ts === undefined) return;
  try {
    resolveTsx();
  } catch (error) {
    throw new InputError(
      `${manifest}: function "${ts.fn}" has the TypeScript handler ${ts.handler}, which the emulator loads through tsx; ` +
        'install it (npm install --save-dev tsx) or point the manifest at compiled JavaScript',
      { cause: error },
    );
  }
}

/** `thermostat emulator`, with an injectable stop signal. */
export async function runEmulator(argv: readonly string[], io: Io, options: EmulatorRunOptions = {}): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    manifest: { type: 'string', short: 'm' },
    port: { type: 'string', short: 'p' },
    environment: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (values.manifest === undefined) throw new UsageError('--manifest <file> is required');
  const port = numberOption('port', values.port, 0, 65_535);
  const environment = values.environment;
  if (environment !== undefined && environment !== 'process' && environment !== 'light') {
    throw new UsageError(`--environment must be process or light, got "${environment}"`);
  }
  const quiet = values.quiet === true;
  let emulator: Emulator;
  try {
    const manifestPath = resolve(io.cwd, values.manifest);
    const manifest = loadManifest(manifestPath);
    checkTypeScriptLoader(manifest, manifestPath, options.resolveTsx ?? (() => require.resolve('tsx/cjs')));
    emulator = await startEmulator({
      ...manifest,
      ...(port !== undefined ? { port } : {}),
      ...(environment !== undefined ? { environment } : {}),
      onLog: quiet ? undefined : (line) => io.stdout.write(`[${line.functionName}:${line.version}] ${line.text}\n`),
    });
  } catch (error) {
    if (error instanceof EmulatorConfigError) throw new InputError(error.message, { cause: error });
    throw error;
  }
  const snapshot = emulator.inspect();
  const lines = [
    `thermostat emulator listening on ${emulator.endpoint}`,
    `  region ${emulator.region}, account ${emulator.accountId}, ${emulator.settings.environment} environments`,
    ...snapshot.functions.map((fn) => {
      const aliases = Object.entries(fn.aliases).map(([name, a]) => `${name}→${a.version}`);
      return `  function ${fn.name} (versions ${fn.versions.join(', ')}${aliases.length ? `; aliases ${aliases.join(', ')}` : ''})`;
    }),
    ...(emulator.dynamodbEndpoint ? [`  dynamodb ${emulator.dynamodbEndpoint}`] : []),
    `Use it with: AWS_ENDPOINT_URL=${emulator.endpoint} AWS_REGION=${emulator.region}`,
    'Press Ctrl+C to stop.',
    '',
  ];
  io.stdout.write(lines.join('\n'));
  options.onStarted?.(emulator);
  await untilSignal(options.signal);
  await emulator.stop();
  io.stdout.write('thermostat emulator stopped\n');
  return 0;
}

export const emulatorCommand: Command = {
  name: 'emulator',
  summary: 'run the local AWS emulator (Lambda, Auto Scaling, EventBridge, CloudWatch) from a manifest',
  help: HELP,
  run: (argv, io) => runEmulator(argv, io),
};
