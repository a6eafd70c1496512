import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_ENTRIES, packageRoot } from '../../cli/demo/catalogue';
import { compressionFactor } from '../../cli/demo/compression';
import { demoPolicies, STORY_START } from '../../cli/demo/run-demo';
import { type DemoWorld, startDemoWorld, UNMANAGED_SUFFIX } from '../../cli/demo/world';
import { main } from '../../cli/main';
import { memoryIo } from '../helpers/io';

/** Requests per copy of each example function. */
const TRAFFIC: Record<string, number> = { 'checkout-api': 4, 'payments-webhook': 3, 'nightly-batch': 2 };

/**
 * The issue's end-to-end check: in the demo's emulator (its example functions, policies and controller), export the
 * functions' traffic from the emulator's CloudWatch and simulate the example policies on it.
 */
describe('thermostat trace export in the demo world, then simulate', () => {
  const root = packageRoot();
  let world: DemoWorld;
  let dir: string;
  const pings: Record<string, number> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'thermostat-trace-demo-'));
    const durationMs = 18_000;
    world = await startDemoWorld({
      settings: {
        durationMs,
        factor: compressionFactor(durationMs),
        tickMs: 1500,
        idleReclaimMs: 3000,
        storyStart: STORY_START,
      },
      functions: DEMO_ENTRIES.map((entry) => ({ ...entry.fn, handler: join(root, entry.fn.file) })),
      policies: demoPolicies(root, DEMO_ENTRIES),
      environment: 'light',
    });
    for (const [name, count] of Object.entries(TRAFFIC)) {
      for (let k = 0; k < count; k++) {
        for (const copy of ['managed', 'unmanaged'] as const) expect((await world.invoke(name, copy)).ok).toBe(true);
      }
    }
    // One controller tick at 10:00 story time (business hours): its pings are invocations too.
    const tick = await world.tick(durationMs * (10 / 24));
    expect(tick.failures).toEqual([]);
    Object.assign(pings, tick.pings);
  }, 60_000);

  afterAll(async () => {
    await world?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports the example functions and simulates the example policies on the export', async () => {
    const names = Object.keys(TRAFFIC).flatMap((name) => [name, `${name}${UNMANAGED_SUFFIX}`]);
    const end = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 60_000).toISOString();
    const exported = memoryIo({ cwd: dir });
    const code = await main(
      [
        'trace',
        'export',
        '--endpoint',
        world.endpoint,
        '--region',
        'eu-west-1',
        '--functions',
        names.join(','),
        '--days',
        '0.05',
        '--end',
        end,
        '--out',
        'my-traffic',
        '--yes',
      ],
      exported.io,
    );
    expect(exported.stderr()).toContain('cost: 60 metrics requested');
    expect(code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'my-traffic', 'export.json'), 'utf8'));
    const byName = new Map<string, { invocations: number; memoryMb: number; meanDurationMs: number }>(
      manifest.functions.map((fn: { name: string }) => [fn.name, fn]),
    );
    for (const entry of DEMO_ENTRIES) {
      const { name, memoryMb } = entry.fn;
      // Left alone, a copy served exactly the requests sent; the managed copy also served the controller's pings.
      expect(byName.get(`${name}${UNMANAGED_SUFFIX}`)).toMatchObject({ invocations: TRAFFIC[name], memoryMb });
      expect(byName.get(name)).toMatchObject({ invocations: TRAFFIC[name]! + (pings[name] ?? 0), memoryMb });
      expect(byName.get(name)!.meanDurationMs).toBeGreaterThan(0);
    }
    expect(pings['checkout-api']).toBeGreaterThan(0);

    const simulated = memoryIo({ cwd: dir });
    const simulateCode = await main(
      [
        'simulate',
        '--trace',
        'my-traffic',
        '--policies',
        join(root, 'examples', 'policies'),
        '--start',
        manifest.simulateStart,
        '--strategies',
        'none,thermostat',
        '--json',
      ],
      simulated.io,
    );
    expect(simulated.stderr()).not.toMatch(/error/i);
    expect(simulateCode).toBe(0);
    const report = JSON.parse(simulated.stdout());
    expect(report.rows.map((row: { strategy: string }) => row.strategy)).toEqual(['none', 'thermostat']);
    const requests = new Map(
      report.rows[0].perFunction.map((fn: { id: string; requests: number }) => [fn.id.split('/')[1], fn.requests]),
    );
    for (const name of names) expect(requests.get(name)).toBe(byName.get(name)!.invocations);
    // Each function's first request in the trace is cold without warming.
    expect(report.rows[0].coldStarts).toBeGreaterThanOrEqual(names.length);
  }, 60_000);
});
