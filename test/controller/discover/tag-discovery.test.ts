import { LambdaClient } from '@aws-sdk/client-lambda';
import type { FunctionLister } from '../../../controller/aws/ports';
import { sdkFunctionLister, sdkLambdaControl } from '../../../controller/aws/sdk';
import { TagDiscovery } from '../../../controller/discover/tag-discovery';
import { type Emulator, startEmulator } from '../../../emulator';

const FIXTURES = `${__dirname}/../../fixtures/emulator`;
const name = (i: number) => `fn-${String(i).padStart(3, '0')}`;

let emulator: Emulator;
let client: LambdaClient;
beforeAll(async () => {
  emulator = await startEmulator({
    environment: 'light',
    baseDir: FIXTURES,
    controlPlaneRps: 10_000,
    getFunctionRps: 10_000,
    prewarmProcesses: 0,
    // 120 functions, every other one tagged: api for the even tens, batch for the rest
    functions: Array.from({ length: 120 }, (_, i) => ({
      name: name(i),
      handler: 'echo.js',
      ...(i % 2 === 0 ? { tags: { 'thermostat:policy': i % 20 === 0 ? 'api' : 'batch', team: 'x' } } : {}),
    })),
  });
  client = new LambdaClient({ ...emulator.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  client?.destroy();
  await emulator?.stop();
});

function setup(options: { slowLister?: number } = {}) {
  let now = Date.UTC(2026, 10, 23, 10, 0, 0);
  const clock = { now: () => now, sleep: async (ms: number) => void ms };
  const real = sdkFunctionLister(client);
  // Each page "takes" slowLister ms of the clock, so a time limit cuts a pass short.
  const lister: FunctionLister = {
    listFunctions: async (input) => {
      now += options.slowLister ?? 0;
      return real.listFunctions(input);
    },
  };
  const discovery = new TagDiscovery({ lister, lambda: sdkLambdaControl(client), clock });
  return { discovery, advance: (ms: number) => (now += ms), now: () => now };
}

describe('TagDiscovery', () => {
  it('finds every tagged function in one pass, then serves it from the cache until the refresh', async () => {
    const { discovery, advance, now } = setup();
    emulator.quotas({ reset: true });
    const first = await discovery.discover(Number.POSITIVE_INFINITY);
    expect(first).toMatchObject({ complete: true, scanned: 120 });
    expect(first.functions).toHaveLength(60);
    expect(first.functions.filter((fn) => fn.template === 'api').map((fn) => fn.name)).toEqual(
      [0, 20, 40, 60, 80, 100].map(name),
    );
    expect(first.functions[0]!.arn).toBe(`arn:aws:lambda:${emulator.region}:${emulator.accountId}:function:${name(0)}`);
    const calls = emulator.quotas({ reset: true });
    expect(calls.control.accepted).toBe(3); // ListFunctions, 50 a page
    expect(calls.getFunction.accepted).toBe(120); // the tags of each function, once

    advance(60_000);
    expect((await discovery.discover(now() + 1)).functions).toHaveLength(60);
    expect(emulator.quotas({ reset: true }).control.accepted).toBe(0);

    // After the refresh the account is listed again; tags are re-read only once their own cache expires.
    emulator.setTags(name(1), { 'thermostat:policy': 'api' });
    emulator.setTags(name(0), {});
    advance(5 * 60_000);
    const refreshed = await discovery.discover(Number.POSITIVE_INFINITY);
    expect(emulator.quotas().control.accepted).toBe(3);
    expect(emulator.quotas({ reset: true }).getFunction.accepted).toBe(0);
    expect(refreshed.functions).toHaveLength(60);
    advance(20 * 60_000);
    const retagged = await discovery.discover(Number.POSITIVE_INFINITY);
    expect(retagged.functions.map((fn) => fn.name)).toContain(name(1));
    expect(retagged.functions.map((fn) => fn.name)).not.toContain(name(0));
    emulator.setTags(name(1), {});
    emulator.setTags(name(0), { 'thermostat:policy': 'api', team: 'x' });
  });

  it('a pass cut short by time goes on at the next call from where it stopped, using what it found', async () => {
    const { discovery, now } = setup({ slowLister: 1_000 });
    emulator.quotas({ reset: true });
    // Time for one page only.
    const first = await discovery.discover(now() + 1_500);
    expect(first).toMatchObject({ complete: false, scanned: 50, note: "50 functions' tags not read yet" });
    expect(first.functions).toHaveLength(25);
    // The next call reads the page already listed, then lists and reads the last one.
    const second = await discovery.discover(now() + 1_500);
    expect(second).toMatchObject({ complete: true, scanned: 120 });
    expect(second.functions).toHaveLength(60);
    // Each page was listed once and each function's tags read once.
    expect(emulator.quotas().control.accepted).toBe(3);
    expect(emulator.quotas({ reset: true }).getFunction.accepted).toBe(120);
  });
});
