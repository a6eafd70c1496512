import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoCommand } from '../../cli/commands/demo';
import { main } from '../../cli/main';
import { memoryIo } from '../helpers/io';

/** Child processes of this test process, as `pid command`. */
function children(): string[] {
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/\sps$/.test(line));
}

describe('thermostat demo', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'thermostat-demo-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('plays a shortened day in which the managed copies stay warmer than the ones left alone', async () => {
    const before = children();
    const t = memoryIo({ cwd: dir });
    const code = await main(['demo', '--minutes', '0.3', '--report', 'report.html', '--json'], t.io, [demoCommand]);
    expect(code).toBe(0);

    const out = JSON.parse(t.stdout());
    // The direction only: the numbers depend on timing, the ordering does not.
    expect(out.warmRatio.managed).toBeGreaterThan(out.warmRatio.unmanaged);
    expect(out.functions).toHaveLength(6);
    for (const fn of ['checkout-api', 'payments-webhook', 'nightly-batch']) {
      const [managed, unmanaged] = ['managed', 'unmanaged'].map((copy) =>
        out.functions.find((row: { fn: string; copy: string }) => row.fn === fn && row.copy === copy),
      );
      expect(managed.requests).toBe(unmanaged.requests);
      expect(managed.requests).toBeGreaterThan(0);
    }
    const checkout = out.functions.find((row: { fn: string; copy: string }) => row.fn === 'checkout-api');
    expect(checkout.pings).toBeGreaterThan(0);
    expect(checkout.pingCostUsd).toBeGreaterThan(0);
    expect(out.ticks).toBeGreaterThanOrEqual(8);
    expect(out.settings).toMatchObject({ durationMs: 18_000, tickMs: 1500, idleReclaimMs: 3000 });

    // With --json the story goes to stderr: the compression is stated, and a log gets plain lines.
    const story = t.stderr();
    expect(story).toMatch(/Time is compressed 4800x: a 24-hour day plays in 18 s/);
    expect(story).toMatch(/^\[story \d\d:\d\d [a-z ]+\] checkout-api managed/m);
    expect(story).not.toContain('\u001b[');
    expect(story).toContain(`Report: ${join(dir, 'report.html')}`);

    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<title>Thermostat demo report</title>');
    expect(html).toMatch(/Warm ratio over time: nightly-batch/);
    // The emulator's host process is gone (dynalite runs in this process and its server is closed).
    expect(children()).toEqual(before);
  }, 90_000);

  it('exits 2 on usage errors without starting anything', async () => {
    for (const args of [['--minutes', '0'], ['--minutes', 'ten'], ['--report', 'report.txt'], ['extra']]) {
      const t = memoryIo({ cwd: dir });
      expect(await main(['demo', ...args], t.io, [demoCommand])).toBe(2);
      expect(t.stderr()).toMatch(/^thermostat demo: .*; run "thermostat demo --help"\n$/);
    }
    expect(existsSync(join(dir, 'thermostat-report.html'))).toBe(false);
  });

  it('shows help', async () => {
    const t = memoryIo();
    expect(await main(['demo', '--help'], t.io, [demoCommand])).toBe(0);
    expect(t.stdout()).toMatch(/^Usage: thermostat demo \[--minutes N\] \[--report <file.html>\]/);
  });
});
