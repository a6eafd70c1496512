import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import type { PolicyWindow } from '../../controller/policy';
import type { Burst, FunctionTraffic } from './traffic';
import type { DemoFunction } from './world';

/**
 * What the demo runs: the repository's example functions (real handler code using the target helper) under their
 * example policies, each with the traffic its story implies. What compressed time needs is passed here as data
 * (`compressed`) rather than as copies of policies.
 */

/** A change to one policy for compressed time: window settings by window name, and why, for the report. */
export interface CompressedTime {
  readonly windows: Readonly<Record<string, Partial<Pick<PolicyWindow, 'from' | 'to'>>>>;
  readonly why: string;
}

export interface DemoEntry {
  readonly fn: Omit<DemoFunction, 'handler'> & { readonly file: string };
  readonly traffic: Omit<FunctionTraffic, 'name'>;
  /** The policy file that manages it, relative to the examples' root (see `exampleFiles`). */
  readonly policy: string;
  /** Applied to the loaded policy, which is then validated again. */
  readonly compressed?: CompressedTime;
}

/**
 * The business-hours burst at 14:48: a marketing e-mail lands and shoppers arrive all at once. 14:48 falls between
 * two ticks both at the default length (ticks at 14:24 and 15:12) and in the tests' shorter day (14:00 and 16:00):
 * a ping round holding the warm environments at that instant would hide what the burst shows.
 */
export const CHECKOUT_BURST: Burst = { atHour: 14.8, waves: 2, size: 10, spacingMs: 400, label: 'burst' };
/**
 * The nightly fan-out at 02:20 UTC (03:20 in Paris in winter), inside the nightly-run window (opened at 23:00 UTC
 * by the demo). Later than the example's 01:00: compressed, provisioned concurrency needs more story time to come
 * online.
 */
export const NIGHTLY_BATCH: Burst = { atHour: 3 + 20 / 60, waves: 1, size: 30, spacingMs: 0, label: 'nightly batch' };

/** The example policies' defaults, which the demo uses as they are. */
export const DEMO_DEFAULTS = 'examples/policies/_defaults.yaml';

const apiEvent = (method: string, path: string, extra: Record<string, unknown> = {}) => ({
  version: '2.0',
  routeKey: `${method} ${path}`,
  rawPath: path,
  rawQueryString: '',
  headers: { 'content-type': 'application/json' },
  requestContext: { http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' }, stage: '$default' },
  isBase64Encoded: false,
  ...extra,
});

export const DEMO_ENTRIES: readonly DemoEntry[] = [
  {
    fn: {
      name: 'checkout-api',
      file: 'examples/functions/checkout-api.ts',
      qualifier: 'live',
      memoryMb: 1024,
      architecture: 'arm64',
      event: apiEvent('GET', '/prices/grinder', { pathParameters: { sku: 'grinder' } }),
    },
    traffic: { weight: 1, profile: 'business', burst: CHECKOUT_BURST },
    policy: 'examples/policies/checkout-api.yaml',
  },
  {
    fn: {
      name: 'payments-webhook',
      file: 'examples/functions/payments-webhook.ts',
      qualifier: 'live',
      memoryMb: 512,
      architecture: 'arm64',
      event: apiEvent('POST', '/webhook', { body: JSON.stringify({ id: 'evt_1', type: 'payment.succeeded' }) }),
    },
    traffic: { weight: 1.5, profile: 'steady' },
    policy: 'examples/policies/webhook.yaml',
  },
  {
    fn: {
      name: 'nightly-batch',
      file: 'examples/functions/nightly-batch.ts',
      qualifier: 'prod',
      memoryMb: 2048,
      architecture: 'x86_64',
      event: { records: ['order-1001', 'order-1002', 'order-1003'] },
    },
    traffic: { weight: 1, profile: 'batch', burst: NIGHTLY_BATCH },
    policy: 'examples/policies/nightly-batch.yaml',
    compressed: {
      // Compressed, the controller ticks every 48 story minutes or more and 50 environments take real seconds to
      // allocate: the first tick of the day (midnight in Paris, 23:00 UTC) prepares for the 02:20 batch.
      windows: { 'nightly-run': { from: '23:00' } },
      why: 'nightly-batch: the nightly-run window opens at 23:00 UTC instead of 00:40, so provisioned concurrency is ready for the compressed batch',
    },
  },
];

/** The repository root, from the sources (cli/demo) or the build (dist/cli/demo). */
export function packageRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if (JSON.parse(readFileSync(manifest, 'utf8')).name === 'lambda-thermostat') return dir;
      } catch {}
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the lambda-thermostat package above ${from}`);
    dir = up;
  }
}

/** Where the demo's example policies and functions are. */
export interface ExampleFiles {
  /** The folder that holds examples/policies and examples/functions. */
  readonly root: string;
  /** The functions are the JavaScript compiled from examples/functions/*.ts. */
  readonly compiled: boolean;
}

/**
 * The repository's own examples from the sources (the functions run as TypeScript, through tsx); from a build, the
 * copies in dist/examples, which is all an installed package has: it ships no examples/ folder and no tsx.
 */
export function exampleFiles(from: string = __dirname): ExampleFiles {
  const root = packageRoot(from);
  const dist = join(root, 'dist');
  const compiled = from === dist || from.startsWith(`${dist}${sep}`);
  return { root: compiled ? dist : root, compiled };
}

/** The absolute path of an example file named as in `DEMO_ENTRIES` (a function's `.ts` source). */
export function examplePath(files: ExampleFiles, file: string): string {
  return join(files.root, files.compiled ? file.replace(/\.ts$/, '.js') : file);
}
