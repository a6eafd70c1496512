import { join } from 'node:path';
import { dryRunObserved, parseInstant, planCommand } from '../../cli/commands/plan';
import { main } from '../../cli/main';
import { memoryIo } from '../helpers/io';

const fixtures = join(__dirname, '..', 'fixtures', 'cli');
const valid = join(fixtures, 'policies', 'valid');
const invalid = join(fixtures, 'policies', 'invalid');

async function plan(args: string[], options: { tty?: boolean } = {}) {
  const t = memoryIo(options);
  const code = await main(['plan', ...args], t.io, [planCommand]);
  return { code, stdout: t.stdout(), stderr: t.stderr() };
}

describe('thermostat plan', () => {
  it('prints each decision of the real planner with its reason, as a table', async () => {
    // 09:00 UTC on a Tuesday is 10:00 in Paris: inside checkout-api's business-hours window.
    const { code, stdout, stderr } = await plan(['--policies', valid, '--at', '2025-11-25T09:00:00Z']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Plan at 2025-11-25T09:00:00.000Z for 2 policies, assuming a fresh account');
    expect(stdout).toMatch(/^target\s+mode\s+window\s+action\s+reason$/m);
    expect(stdout).toMatch(
      /^checkout-api:\$LATEST\s+warm\s+business-hours\s+ping x10\s+10 environments wanted in window "business-hours"; first ping$/m,
    );
    expect(stdout).toMatch(
      /^orders-worker:live\s+provisioned\s+business-hours\s+provisioned 0 -> 3\s+provisioned.min is 3/m,
    );
    expect(stdout).not.toContain('\u001b[');
  });

  it('plans outside the window with the base settings', async () => {
    // Saturday: the weekday-only window does not apply to checkout-api.
    const { code, stdout } = await plan(['--policies', valid, '--at', '2025-11-29T12:00:00+01:00']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^checkout-api:\$LATEST\s+warm\s+-\s+ping x2\s/m);
  });

  it('uses an observed file: a recent ping is not due, a matching provisioned config is kept', async () => {
    const { code, stdout } = await plan([
      '--policies',
      valid,
      '--at',
      '2025-11-25T09:00:00Z',
      '--observed',
      join(fixtures, 'observed.json'),
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /checkout-api:\$LATEST\s+warm\s+business-hours\s+skip \(not-due\)\s+last pinged 2m ago; interval is 5m/,
    );
    expect(stdout).toMatch(/orders-worker:live\s+provisioned\s+business-hours\s+keep provisioned 3/);
  });

  it('prints JSON with --json', async () => {
    const { code, stdout } = await plan(['--policies', valid, '--at', '2025-11-25T09:00:00Z', '--json']);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.at).toBe('2025-11-25T09:00:00.000Z');
    expect(out.observed).toBeNull();
    expect(out.effective).toEqual([
      { key: 'checkout-api:$LATEST', mode: 'warm', window: 'business-hours', until: '2025-11-25T17:00:00.000Z' },
      expect.objectContaining({ key: 'orders-worker:live', mode: 'provisioned', window: 'business-hours' }),
    ]);
    expect(out.decisions).toEqual([
      expect.objectContaining({ key: 'checkout-api:$LATEST', kind: 'ping', count: 10, wanted: 10, proof: true }),
      expect.objectContaining({ key: 'orders-worker:live', kind: 'put-provisioned', value: 3, previous: null }),
    ]);
  });

  it('colours actions only on a terminal', async () => {
    const { stdout } = await plan(['--policies', valid, '--at', '2025-11-25T09:00:00Z'], { tty: true });
    expect(stdout).toContain('\u001b[32mping x10');
  });

  it('exits 1 with one line per policy problem', async () => {
    const { code, stdout, stderr } = await plan(['--policies', invalid]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^thermostat plan: .*invalid\/api\.yaml: mode: expected one of warm, provisioned, auto, off/,
    );
    expect(lines[1]).toMatch(/^thermostat plan: .*invalid\/api\.yaml: timezone: unknown time zone "Europe\/Pariss"/);
  });

  it('exits 1 with one line per problem in the observed file', async () => {
    const { code, stderr } = await plan(['--policies', valid, '--observed', join(fixtures, 'observed-bad.json')]);
    expect(code).toBe(1);
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^thermostat plan: .*observed-bad\.json: account\.limit: expected number$/),
      expect.stringMatching(/account\.unreserved: expected number$/),
      expect.stringMatching(/targets\["checkout-api:\$LATEST"\]\.lastPingAt: expected an ISO time/),
      expect.stringMatching(/targets\["checkout-api:\$LATEST"\]: unknown key "colour"$/),
    ]);
  });

  it('exits 1 for a missing policy directory or observed file', async () => {
    const missing = await plan(['--policies', join(fixtures, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^thermostat plan: .*nope: .*no such file or directory\n$/);
    const noObserved = await plan(['--policies', valid, '--observed', join(fixtures, 'nope.json')]);
    expect(noObserved.code).toBe(1);
    expect(noObserved.stderr).toMatch(/nope\.json: cannot read: no such file\n$/);
  });

  it('exits 2 on usage errors', async () => {
    const none = await plan([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('thermostat plan: --policies <dir> is required; run "thermostat plan --help"\n');
    const badTime = await plan(['--policies', valid, '--at', 'tomorrow']);
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toMatch(/--at must be an ISO time with a zone/);
    expect((await plan(['--policies', valid, '--frobnicate'])).code).toBe(2);
    expect((await plan(['--policies', valid, 'extra'])).code).toBe(2);
  });

  it('shows help', async () => {
    const { code, stdout } = await plan(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: thermostat plan --policies/);
  });
});

describe('plan helpers', () => {
  it('parses instants only with an explicit zone', () => {
    expect(parseInstant('2025-11-25T09:00Z').toISOString()).toBe('2025-11-25T09:00:00.000Z');
    expect(parseInstant('2025-11-25T10:00:00+01:00').toISOString()).toBe('2025-11-25T09:00:00.000Z');
    expect(() => parseInstant('2025-11-25T09:00')).toThrow(/with a zone/);
    expect(() => parseInstant('2025-13-45T09:00Z')).toThrow(/with a zone/);
  });

  it('fills what the observed file leaves out as on a fresh account', () => {
    const observed = dryRunObserved(['a:$LATEST', 'b:live'], {
      targets: {
        'b:live': { lastPingAt: 5, provisioned: { requested: 1, allocated: 1, available: 1, status: 'READY' } },
      },
    });
    expect(observed.account).toEqual({ limit: 1000, unreserved: 1000 });
    expect(observed.targets['a:$LATEST']).toEqual({
      provisioned: null,
      scalableTarget: null,
      scalingPolicy: null,
      reservedConcurrency: null,
    });
    expect(observed.targets['b:live']).toMatchObject({ lastPingAt: 5, scalableTarget: null });
    expect(observed.targets['b:live']!.provisioned).toMatchObject({ status: 'READY' });
  });
});
