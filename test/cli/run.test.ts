import { join } from 'node:path';
import { createEmulatorStateTable } from '../../benchmarks/local-setup';
import { runCommand } from '../../cli/commands/run';
import { main } from '../../cli/main';
import { type Emulator, startEmulator } from '../../emulator';
import { memoryIo } from '../helpers/io';

const fixtures = join(__dirname, '..', 'fixtures', 'cli');
const policies = join(fixtures, 'run-policies');
const handler = join(fixtures, 'functions', 'hello.ts');

async function thermostat(args: string[]) {
  const t = memoryIo();
  const code = await main(['run', ...args], t.io, [runCommand]);
  return { code, stdout: t.stdout(), stderr: t.stderr() };
}

describe('thermostat run', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({
      environment: 'light',
      dynamodb: true,
      provisionedAllocationDelayMs: 0,
      functions: ['hello', 'reports'].map((name) => ({
        name,
        handler,
        versions: { '1': {} },
        aliases: { live: '1' },
      })),
    });
  });

  afterAll(async () => {
    await emulator?.stop();
  });

  it('runs one real tick against the emulator: proven pings and a provisioned write', async () => {
    const { code, stdout, stderr } = await thermostat(['--policies', policies, '--endpoint', emulator.endpoint]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Tick \S+ \(run [\w-]+\): completed in \d+ ms$/m);
    expect(stdout).toMatch(/^hello:live\s+warm\s+-\s+ok\s+3 sent, 3\/3 proven/m);
    expect(stdout).toMatch(/^reports:live\s+provisioned\s+-\s+ok\s+-\s+put-provisioned none -> 2/m);
    expect(stdout).toMatch(/^2 targets, 3 pings sent, 3 environments proven/m);

    const state = emulator.inspect().functions;
    expect(state.find((f) => f.name === 'hello')!.environments.length).toBeGreaterThanOrEqual(3);
    expect(state.find((f) => f.name === 'reports')!.provisioned).toEqual([
      expect.objectContaining({ qualifier: 'live', requested: 2 }),
    ]);
  });

  it('keeps state in DynamoDB between runs, so a second tick right away does not ping again', async () => {
    const table = 'thermostat-cli-test';
    await createEmulatorStateTable(emulator, table);
    const args = [
      '--policies',
      join(policies, 'hello.yaml'),
      '--endpoint',
      emulator.endpoint,
      '--state-table',
      table,
      '--dynamodb-endpoint',
      emulator.dynamodbEndpoint!,
      '--json',
    ];
    const first = await thermostat(args);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).totals.pingsSent).toBeGreaterThanOrEqual(3);
    // The tick id is the current second: wait for the next one so the second run is a new tick.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await thermostat(args);
    expect(second.code).toBe(0);
    const report = JSON.parse(second.stdout);
    expect(report.totals.pingsSent).toBe(0);
    expect(report.targets[0].decisions).toEqual([expect.objectContaining({ kind: 'skip' })]);
    expect(report.targets[0].decisions[0].reason).toMatch(/interval is 5m/);
  });

  it('exits 1 when a target fails, and the report says why', async () => {
    const { code, stdout } = await thermostat([
      '--policies',
      join(fixtures, 'run-policies-missing'),
      '--endpoint',
      emulator.endpoint,
    ]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^ghost:live\s+warm\s+-\s+failed\s+.*function-missing/m);
  });

  it('exits 1 with one line per policy problem, before calling anything', async () => {
    const { code, stdout, stderr } = await thermostat([
      '--policies',
      join(fixtures, 'policies', 'invalid'),
      '--endpoint',
      emulator.endpoint,
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(2);
    expect(stderr).toMatch(/^thermostat run: .*api\.yaml: mode: expected one of/m);
  });

  it('exits 2 on usage errors', async () => {
    const none = await thermostat([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('thermostat run: --policies <dir> is required; run "thermostat run --help"\n');
    const url = await thermostat(['--policies', policies, '--endpoint', 'localhost']);
    expect(url.code).toBe(2);
    expect(url.stderr).toMatch(/--endpoint must be an http\(s\) URL/);
    expect((await thermostat(['--policies', policies, '--dynamodb-endpoint', 'http://127.0.0.1:1'])).code).toBe(2);
    expect((await thermostat(['--policies', policies, '--timeout', '0'])).code).toBe(2);
  });

  it('shows help', async () => {
    const { code, stdout } = await thermostat(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: thermostat run --policies/);
  });
});
